"""The report behind the indicator pages and the PDF (indicators/report.py build_report): now,
baseline and a year ago per indicator, the trend (oldest first, the current month live), the
tables by region and village and their ranking, the coverage, and the snapshot figures read
in two queries whatever the number of indicators and months."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from coop_app.cooperatives.models import VillageProfile
from coop_app.extensions import db
from coop_app.indicators import income, queries
from coop_app.indicators.figures import ALL
from coop_app.indicators.models import IndicatorSnapshot
from coop_app.indicators.periods import Period
from coop_app.indicators.report import Value, build_report
from coop_app.members.models import Household
from coop_app.provisioning import create_cooperative
from tests.indicators.test_snapshots import ActiveMembers
from tests.members.helpers import register

D = Decimal
TODAY = date(2026, 11, 18)  # the frozen clock (tests/conftest.py)
JUNTINYUAT, SEGERAN_KIDUL = "32.12.11.2005", "32.12.11.2001"


def snap(coop_id, end, indicator, numerator, denominator=None, kind="month", cut=ALL):
    db.session.add(IndicatorSnapshot(cooperative_id=coop_id, period_kind=kind, period_end=end,
                                     indicator=indicator, cut=cut, numerator=numerator,
                                     denominator=denominator))


@pytest.fixture
def programme(ctx, monkeypatch):
    """Two villages of Indramayu. A's records start in January 2025 (usage 2 of 10), B's in
    June 2025 (1 of 20); a year before October 2026 A had 5 of 10, B 4 of 20; in October 2026
    A 8 of 10, B 5 of 20. Active members (a count) alongside, and A's women apart."""
    monkeypatch.setattr(queries, "COMPUTERS", (ActiveMembers,))
    monkeypatch.setattr(income, "panel", lambda ids, period, cut=ALL: income.IncomePanel(0, True))
    monkeypatch.setattr(income, "surveyed", lambda ids, t: 0)
    a = create_cooperative("KSP-A", "ksp", name="KSP Sumber Rejeki", village_code=JUNTINYUAT,
                           founded_on=date(2018, 3, 1))
    b = create_cooperative("KSP-B", "ksp", name="KSP Segeran", village_code=SEGERAN_KIDUL,
                           founded_on=date(2019, 1, 1))
    for coop, first, start, year_ago, now in ((a, date(2025, 1, 31), 2, 5, 8),
                                              (b, date(2025, 6, 30), 1, 4, 5)):
        size = 10 if coop is a else 20
        snap(coop.id, first, "k2_users", start, size)
        snap(coop.id, date(2025, 10, 31), "k2_users", year_ago, size)
        snap(coop.id, date(2026, 10, 31), "k2_users", now, size)
        snap(coop.id, date(2026, 10, 31), "k2_active_members", size)
    snap(a.id, date(2026, 10, 31), "k2_users", 3, 4, cut="gender:F")
    snap(a.id, date(2026, 9, 30), "k2_users", 7, 10)
    snap(b.id, date(2026, 9, 30), "k2_users", 5, 20)
    db.session.add(Household(cooperative_id=a.id, kk_number="3212110101010001", head_name="Darsih",
                             head_gender="F", size=4))
    db.session.add(VillageProfile(cooperative_id=b.id, year=2026, population_m=900, population_f=950,
                                  households=600, migrant_households=120, working_abroad=140))
    db.session.commit()
    return a, b


def row(report, key):
    return next(r for r in report.rows if r.indicator.key == key)


def test_now_baseline_and_a_year_ago_are_sums_of_the_villages(programme):
    a, b = programme
    report = build_report([a, b], Period.month(2026, 10), today=TODAY)
    usage = row(report, "k2_users")
    assert usage.now == Value(13, 30)  # 8 + 5 of 10 + 20
    assert usage.year_ago == Value(9, 30)  # October 2025: 5 + 4
    # Each village's own first month: A's January 2025 and B's June 2025.
    assert usage.baseline == Value(3, 30)
    assert usage.now.ratio == D(13) / D(30)
    assert row(report, "k2_active_members").now == Value(30, None)
    # An indicator nobody stored: no figure, not a zero.
    assert row(report, "k7_assets").now is None
    assert [r.indicator.key for r in report.rows][:3] == [
        "k1_member_savings", "k1_savings_per_member", "k1_own_capital"]
    assert (report.live, report.live_cooperatives) == (False, [])
    [indramayu] = report.groups
    assert (indramayu.label, indramayu.values["k2_users"]) == ("Kabupaten Indramayu", Value(13, 30))
    women = build_report([a, b], Period.month(2026, 10), cut="gender:F", today=TODAY)
    # B stored no women's figure for October 2026: A's alone; nothing at baseline.
    assert (row(women, "k2_users").now, row(women, "k2_users").baseline) == (Value(3, 4), None)


def test_a_page_reads_each_village_only_for_the_columns_it_shows(programme):
    """With village_indicators, the tables by region and village hold only those indicators
    while now, baseline and a year ago stay the same sums for every indicator, whether the
    month is stored (October) or current and live (November)."""
    a, b = programme
    register(a.id, serial=1)
    register(b.id, serial=2)
    for period in (Period.month(2026, 10), Period.month(2026, 11)):
        whole = build_report([a, b], period, today=TODAY)
        shown = build_report([a, b], period, today=TODAY, village_indicators=("k2_users",))
        assert [(r.now, r.baseline, r.year_ago) for r in shown.rows] == [
            (r.now, r.baseline, r.year_ago) for r in whole.rows]
        assert {key for village in shown.villages for key in village.values} <= {"k2_users"}
        assert shown.live_cooperatives == whole.live_cooperatives
    october = build_report([a, b], Period.month(2026, 10), today=TODAY, village_indicators=("k2_users",))
    assert [(v.key, v.values["k2_users"]) for v in october.villages] == [
        ("KSP-A", Value(8, 10)), ("KSP-B", Value(5, 20))]  # by desa: Juntinyuat, Segeran Kidul
    assert row(october, "k2_active_members").now == Value(30, None)  # 10 + 20, not shown per village
    # November is live for both: each village's one member, counted once in the total.
    november = build_report([a, b], Period.month(2026, 11), today=TODAY, village_indicators=("k2_users",))
    assert november.live_cooperatives == [a.id, b.id]
    assert row(november, "k2_active_members").now == Value(2, None)


def test_the_villages_ranked_by_an_indicator(programme):
    a, b = programme
    report = build_report([a, b], Period.month(2026, 10), today=TODAY)
    assert [g.key for g in report.ranked("k2_users")] == ["KSP-A", "KSP-B"]  # 80% over 25%
    assert [g.key for g in report.ranked("k2_active_members")] == ["KSP-B", "KSP-A"]  # 20 over 10
    assert [g.key for g in report.ranked("k7_assets")] == ["KSP-A", "KSP-B"]  # none: by name


def test_the_trend_is_oldest_first_and_its_current_month_live(programme):
    a, b = programme
    october = build_report([a, b], Period.month(2026, 10), today=TODAY, trend_months=3)
    assert [(p.key, v) for p, v in october.trend["k2_users"]] == [
        ("2026-08", None), ("2026-09", Value(12, 30)), ("2026-10", Value(13, 30))]
    # November is the current month: computed live (no member joined: 0 active members),
    # September and October from their snapshots.
    register(a.id, serial=1)
    register(a.id, serial=2, category="ctki")
    november = build_report([a, b], Period.month(2026, 11), trend_months=3)
    assert november.live and november.live_cooperatives == [a.id, b.id]
    assert [(p.key, v) for p, v in november.trend["k2_active_members"]] == [
        ("2026-09", None), ("2026-10", Value(30, None)), ("2026-11", Value(2, None))]
    assert row(november, "k2_active_members").now == Value(2, None)
    assert row(november, "k2_active_members").year_ago is not None  # computed live too
    # A quarter's trend is the months ending with it.
    quarter = build_report([a, b], Period.quarter(2026, 4), trend_months=2)
    assert [p.key for p, _v in quarter.trend["k2_users"]] == ["2026-11", "2026-12"]


def test_a_closed_month_reads_the_snapshots_in_two_queries(programme, app):
    a, b = programme
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "indicator_snapshots" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        build_report([a, b], Period.month(2026, 10), today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2


def test_the_coverage(programme):
    a, b = programme
    report = build_report([a, b], Period.month(2026, 10), today=TODAY)
    assert report.coverage == {"cooperatives": 2, "households": 1, "surveyed": 0, "panel": 0,
                               "profiles": 1}
