"""The month-end's indicator snapshots (indicators/snapshots.py): stored by the month-end step,
never replaced by a re-run, frozen against a later category change (the live figure moves,
the stored month does not), with quarter rows at quarter ends and year rows in December.

The figures are those of a small computation made here (active members by category, as the
contract has people.py count them), so these tests judge the storing, not the indicators.
"""
from datetime import date

import pytest
from sqlalchemy import func, select, update

from coop_app.closing.monthend import run_steps
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.indicators import queries, snapshots
from coop_app.indicators.figures import ALL, Figure, cut
from coop_app.indicators.models import IndicatorSnapshot
from coop_app.indicators.periods import Period
from coop_app.members import service as members
from coop_app.members.models import CANCELLED, CATEGORIES, Member
from tests.members.helpers import data, register

OCTOBER = Period.month(2026, 10)
NOVEMBER = Period.month(2026, 11)  # the current month (the clock: 18 November 2026)
TODAY = date(2026, 11, 18)


class ActiveMembers:
    """k2_active_members of each cooperative at t, in "all" and by current category."""

    @staticmethod
    def figures(cooperative_ids, period):
        t = period.end
        rows = db.session.execute(
            select(Member.cooperative_id, Member.category, func.count())
            .where(Member.cooperative_id.in_(cooperative_ids), Member.status != CANCELLED,
                   Member.join_date <= t, (Member.left_on.is_(None)) | (Member.left_on > t))
            .group_by(Member.cooperative_id, Member.category)).all()
        counts = {(coop_id, category): n for coop_id, category, n in rows}
        result = []
        for coop_id in cooperative_ids:
            by_category = {c: counts.get((coop_id, c), 0) for c in CATEGORIES}
            result.append(Figure(coop_id, "k2_active_members", ALL, sum(by_category.values())))
            result += [Figure(coop_id, "k2_active_members", cut("category", c), n)
                       for c, n in by_category.items()]
        return result


@pytest.fixture
def computed(monkeypatch):
    monkeypatch.setattr(queries, "COMPUTERS", (ActiveMembers,))


@pytest.fixture
def village(ctx, world, computed):
    """KSP-A with three members who joined in February 2024: two "other", one "ctki"."""
    ids = [register(world.ksp_id, serial=1).id, register(world.ksp_id, serial=2).id,
           register(world.ksp_id, serial=3, category="ctki").id]
    return world.ksp_id, ids


def stored(coop_id, kind=None, end=None):
    query = select(IndicatorSnapshot).where(IndicatorSnapshot.cooperative_id == coop_id)
    if kind:
        query = query.where(IndicatorSnapshot.period_kind == kind, IndicatorSnapshot.period_end == end)
    return {(s.period_kind, s.period_end.isoformat(), s.indicator, s.cut): (s.numerator, s.denominator)
            for s in db.session.execute(query).scalars()}


def test_the_month_end_stores_the_months_figures_through_its_step(village):
    coop_id, _ids = village
    outcomes = {outcome.step.name: outcome for outcome in run_steps(coop_id, date(2026, 10, 31))}
    step = outcomes["indicators"]
    assert step.ok
    assert str(step.summary()) == "Indikator untuk Oktober 2026: 5 angka disimpan."
    assert step.report() == "5 figure(s) stored (month 5), 0 already stored kept"
    key = ("month", "2026-10-31", "k2_active_members")
    assert stored(coop_id) == {
        (*key, "all"): (3, None), (*key, "category:other"): (2, None),
        (*key, "category:ctki"): (1, None), (*key, "category:family"): (0, None),
        (*key, "category:returnee"): (0, None)}


def test_a_second_run_replaces_nothing(village):
    coop_id, ids = village
    snapshots.take_snapshot(coop_id, date(2026, 10, 31))
    db.session.commit()
    # A stored figure someone would like to "fix" in place, and a member who joins late in
    # October: the second run keeps the first run's rows as they were.
    db.session.execute(update(IndicatorSnapshot).where(IndicatorSnapshot.cut == "all").values(numerator=99))
    register(coop_id, serial=4, join_date=date(2026, 10, 20))
    run = snapshots.take_snapshot(coop_id, date(2026, 10, 15))  # any day of the month
    db.session.commit()
    assert (run.stored, run.kept, run.period_end) == (0, 5, date(2026, 10, 31))
    assert str(snapshots.summary(run)) == (
        "Indikator untuk Oktober 2026 sudah tersimpan; tidak ada yang diganti.")
    assert stored(coop_id)[("month", "2026-10-31", "k2_active_members", "all")] == (99, None)
    assert db.session.execute(select(func.count()).select_from(IndicatorSnapshot)).scalar() == 5


def test_a_category_change_after_the_month_end_leaves_the_stored_month(village):
    coop_id, ids = village
    snapshots.take_snapshot(coop_id, date(2026, 10, 31))
    db.session.commit()
    member = db.session.get(Member, ids[0])
    members.update_member(coop_id, member.id, data(serial=1, category="ctki"))
    db.session.commit()

    def by_cut(figures):
        return {f.cut: f.numerator for f in figures if f.cut in ("category:other", "category:ctki")}

    # October is closed and stored: read as the month-end stored it.
    assert by_cut(queries.figures_for([coop_id], OCTOBER)) == {"category:other": 2, "category:ctki": 1}
    assert by_cut(queries.stored_figures([coop_id], OCTOBER)) == {"category:other": 2, "category:ctki": 1}
    # Computed live now, October would read the member's current category.
    assert by_cut(queries.live_figures([coop_id], OCTOBER)) == {"category:other": 1, "category:ctki": 2}
    # The current month is always live.
    assert by_cut(queries.figures_for([coop_id], NOVEMBER)) == {"category:other": 1, "category:ctki": 2}
    sets = queries.figures_for_periods([coop_id], [OCTOBER, NOVEMBER], TODAY)
    assert (sets.live_ids[OCTOBER], sets.live_ids[NOVEMBER]) == ([], [coop_id])


def test_a_closed_month_without_a_snapshot_is_computed_live(village):
    coop_id, _ids = village
    figures = queries.figures_for([coop_id], Period.month(2026, 9), TODAY, cut=ALL)
    assert [(f.indicator, f.cut, f.numerator) for f in figures] == [("k2_active_members", "all", 3)]


def test_quarter_rows_at_quarter_ends_and_year_rows_in_december(village, world):
    coop_id, _ids = village
    for end in (date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30),
                date(2026, 10, 31)):
        run = snapshots.snapshot_all(end, [coop_id, world.other_id])
        db.session.commit()
        assert run.stored == 10 * len(run.kinds)
    kinds = db.session.execute(
        select(IndicatorSnapshot.period_kind, IndicatorSnapshot.period_end, func.count())
        .group_by(IndicatorSnapshot.period_kind, IndicatorSnapshot.period_end)
        .order_by(IndicatorSnapshot.period_end, IndicatorSnapshot.period_kind)).all()
    assert [(kind, end.isoformat(), n) for kind, end, n in kinds] == [
        ("month", "2025-12-31", 10), ("quarter", "2025-12-31", 10), ("year", "2025-12-31", 10),
        ("month", "2026-03-31", 10), ("quarter", "2026-03-31", 10),
        ("month", "2026-06-30", 10), ("quarter", "2026-06-30", 10),
        ("month", "2026-09-30", 10), ("quarter", "2026-09-30", 10),
        ("month", "2026-10-31", 10)]
    # The members joined in February 2024: three at every end; KSP-B has none (zeros stored).
    assert stored(coop_id, "year", date(2025, 12, 31))[("year", "2025-12-31", "k2_active_members", "all")] == (3, None)
    assert stored(world.other_id, "quarter", date(2026, 3, 31))[
        ("quarter", "2026-03-31", "k2_active_members", "all")] == (0, None)


def test_a_month_not_ended_is_refused(village):
    coop_id, _ids = village
    with pytest.raises(DomainError) as refused:
        snapshots.take_snapshot(coop_id, date(2026, 11, 30))
    assert "belum berakhir" in str(refused.value) or "has not ended" in str(refused.value)
    assert stored(coop_id) == {}


def test_the_command_stores_a_month_for_all_or_one(app, world, village, runner):
    coop_id, _ids = village
    result = runner.invoke(args=["coop", "indicator-snapshots", "--month", "2026-10", "--coop", "ksp-a"])
    assert result.exit_code == 0, result.output
    assert "Indicator snapshots 2026-10: 1 cooperative(s), 5 figure(s) stored (month 5)" in result.output
    result = runner.invoke(args=["coop", "indicator-snapshots", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "3 cooperative(s), 10 figure(s) stored (month 10), 5 already stored kept" in result.output
    result = runner.invoke(args=["coop", "indicator-snapshots", "--month", "2026-13"])
    assert result.exit_code == 2 and "is not a month" in result.output
    result = runner.invoke(args=["coop", "indicator-snapshots", "--month", "2026-11"])
    assert result.exit_code == 1 and "FAILED" in result.output
    result = runner.invoke(args=["coop", "indicator-snapshots", "--month", "2026-10", "--coop", "NOPE"])
    assert result.exit_code == 2
