"""K3 productive entrepreneurs, K4 enterprise turnover and net income, K5 jobs: a village
built by hand, every figure worked out by hand in the comments, and the ids behind each.

The period is the third quarter of 2026: P = 1 Jul - 30 Sep 2026, t = 30 Sep 2026, the day
before P 30 Jun 2026.

KSP-A's members (category, gender):
  Siti   family   F  joined 2024          Keripik (2023, OVOP, 4 workers), Warung (10 Jul 2026, 2)
  Budi   returnee M  joined 2024          Bengkel (2022, OVOP, 3), closes 20 Aug 2026
  Citra  ctki     F  joins 15 Aug 2026    Jahit (1 Sep 2026, 1)
  Dedi   other    M  leaves 1 Aug 2026    Ternak (2021, OVOP, 2): still trading, never reports
  Eka    family   F  registration cancelled  Batik (5 Jul 2026, 5): never counts
  Fajar  other    M                       no enterprise, a working-capital loan
  Hana   other    F                       Kue (2025, 1), an investment loan paid out 5 Oct 2026
KSP-B: Gilang (other, M) with Kopi (1 Aug 2026, 1 worker).
Active members at t: Siti, Budi, Citra, Fajar, Hana = 5 (family 1, returnee 1, ctki 1,
other 2; F 3, M 2).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from coop_app.enterprises import reports
from coop_app.enterprises import service as enterprises
from coop_app.extensions import db
from coop_app.indicators import enterprise
from coop_app.indicators.catalogue import BY_KEY, COUNT, SHARE
from coop_app.indicators.periods import Period
from coop_app.loans.models import Loan
from coop_app.members.models import Member
from tests.indicators.joining import join
from tests.loans.factory import active_loan, fund

P = Period.quarter(2026, 3)


@dataclass
class Village:
    ksp: int
    other: int
    siti: int
    budi: int
    citra: int
    dedi: int
    eka: int
    fajar: int
    hana: int
    keripik: int
    warung: int
    bengkel: int
    jahit: int
    ternak: int
    batik: int
    kue: int
    kopi: int


def report(coop_id, enterprise_id, month, turnover, costs, quarter=None, **workers):
    """A report of 2026 through the service: a month, or with `quarter` a quarter."""
    reports.record_report(coop_id, enterprise_id, reports.ReportData(
        "quarter" if quarter else "month", 2026, month=None if quarter else month, quarter=quarter,
        turnover=D(turnover), costs=D(costs), workers=workers))


def loan(world, member_id, amount, on, purpose_kind):
    made = active_loan(world.ksp_id, member_id, "PUE", amount, 12, world.user_id("treasurer"),
                       world.user_id("manager"), on)
    db.session.get(Loan, made.id).purpose_kind = purpose_kind


def build(world):
    k = world.ksp_id
    siti, budi = join(k, "Siti", "F", "family"), join(k, "Budi", "M", "returnee")
    citra = join(k, "Citra", "F", "ctki", joined=date(2026, 8, 15))
    dedi, eka = join(k, "Dedi", "M", "other"), join(k, "Eka", "F", "family")
    fajar, hana = join(k, "Fajar", "M", "other"), join(k, "Hana", "F", "other")
    gilang = join(world.other_id, "Gilang", "M", "other")

    def shop(member, name, start, workers, ovop=False, coop_id=k):
        return enterprises.create_enterprise(coop_id, member, enterprises.EnterpriseData(
            name, "trade", "Barang", start, workers, is_ovop=ovop)).id

    keripik = shop(siti, "Keripik", date(2023, 1, 15), 4, ovop=True)
    warung = shop(siti, "Warung", date(2026, 7, 10), 2)
    bengkel = shop(budi, "Bengkel", date(2022, 5, 1), 3, ovop=True)
    jahit = shop(citra, "Jahit", date(2026, 9, 1), 1)
    ternak = shop(dedi, "Ternak", date(2021, 3, 1), 2, ovop=True)
    batik = shop(eka, "Batik", date(2026, 7, 5), 5)
    kue = shop(hana, "Kue", date(2025, 1, 1), 1)
    kopi = shop(gilang, "Kopi", date(2026, 8, 1), 1, coop_id=world.other_id)

    # Keripik: June (before P) 3 people, then July-September; September's 5 people are its
    # latest at t: owner F 1, family M 1, hired F 2, hired M 1.
    report(k, keripik, 6, "9000000", "6000000", owner_f=1, hired_f=2)
    report(k, keripik, 7, "10000000", "7000000", owner_f=1, hired_f=2)
    report(k, keripik, 8, "12000000", "8000000", owner_f=1, hired_f=2, hired_m=1)
    report(k, keripik, 9, "11000000", "9000000", owner_f=1, family_m=1, hired_f=2, hired_m=1)
    # Bengkel: June 3 people (owner M 1, hired M 2), July at a loss, then it closes.
    report(k, bengkel, 6, "4000000", "3000000", owner_m=1, hired_m=2)
    report(k, bengkel, 7, "5000000", "6000000", owner_m=1, hired_m=2)
    report(k, jahit, 9, "2000000", "1500000", owner_f=1, family_m=1)
    # Kue reports by quarter: Q2 (ends 30 Jun) 1 person, Q3 (inside P) 2, net income nil.
    report(k, kue, None, "5000000", "4000000", quarter=2, owner_f=1)
    report(k, kue, None, "6000000", "6000000", quarter=3, owner_f=1, hired_m=1)
    report(k, batik, 7, "99000000", "1000000", owner_f=5)
    db.session.flush()
    enterprises.close_enterprise(k, bengkel, date(2026, 8, 20))
    db.session.get(Member, dedi).status, db.session.get(Member, dedi).left_on = "resigned", date(2026, 8, 1)
    db.session.get(Member, eka).status = "cancelled"

    fund(k, "1000000000")
    loan(world, siti, "10000000", date(2026, 5, 4), "working_capital")  # outstanding at t
    loan(world, fajar, "5000000", date(2026, 5, 4), "working_capital")  # no enterprise
    loan(world, citra, "3000000", date(2026, 9, 10), "consumption")  # not productive
    loan(world, hana, "4000000", date(2026, 10, 5), "investment")  # paid out after t
    db.session.commit()
    return Village(k, world.other_id, siti, budi, citra, dedi, eka, fajar, hana, keripik, warung,
                   bengkel, jahit, ternak, batik, kue, kopi)


@pytest.fixture
def village(ctx, world):
    return build(world)


def table(village, ids=None):
    """{(cooperative, indicator, cut): (numerator, denominator)}."""
    return {(f.cooperative_id, f.indicator, f.cut): (f.numerator, f.denominator)
            for f in enterprise.figures(ids or [village.ksp, village.other], P)}


def ids_behind(indicator, cut, village):
    return set(db.session.execute(enterprise.behind(indicator, cut, [village.ksp], P)).scalars())


def test_k3_entrepreneurs_new_enterprises_productive_credit_and_ovop(village):
    got = table(village)
    k = village.ksp

    def row(indicator):
        return {cut: got[(k, indicator, cut)] for cut in enterprise.MEMBER_CUT_KEYS}

    # Owners of an enterprise active at t among the active members: Siti (Keripik, Warung),
    # Citra (Jahit), Hana (Kue). Budi's Bengkel closed 20 Aug; Dedi left 1 Aug; Eka cancelled.
    assert row("k3_entrepreneurs") == {
        "all": (3, 5), "category:ctki": (1, 1), "category:family": (1, 1),
        "category:returnee": (0, 1), "category:other": (1, 2), "gender:M": (0, 2),
        "gender:F": (3, 3)}
    # Of them with productive credit outstanding at t: Siti only (Hana's loan was paid out
    # on 5 Oct, after t; Fajar has no enterprise; Citra's loan is for consumption).
    assert row("k3_with_productive_loan") == {
        "all": (1, 3), "category:ctki": (0, 1), "category:family": (1, 1),
        "category:returnee": (0, 0), "category:other": (0, 1), "gender:M": (0, 0),
        "gender:F": (1, 3)}
    # Started in P: Warung (Siti) and Jahit (Citra); Eka's Batik does not count.
    assert row("k3_new_enterprises") == {
        "all": (2, None), "category:ctki": (1, None), "category:family": (1, None),
        "category:returnee": (0, None), "category:other": (0, None), "gender:M": (0, None),
        "gender:F": (2, None)}
    # OVOP and trading at t: Keripik (Siti) and Ternak (Dedi, who left but was a member);
    # Bengkel closed inside P.
    assert row("k3_ovop") == {
        "all": (2, None), "category:ctki": (0, None), "category:family": (1, None),
        "category:returnee": (0, None), "category:other": (1, None), "gender:M": (1, None),
        "gender:F": (1, None)}
    # KSP-B: Gilang's Kopi started 1 Aug 2026; its figures are its own.
    assert got[(village.other, "k3_new_enterprises", "all")] == (1, None)
    assert got[(village.other, "k3_entrepreneurs", "all")] == (1, 1)
    assert ids_behind("k3_entrepreneurs", "all", village) == {village.siti, village.citra, village.hana}
    assert ids_behind("k3_with_productive_loan", "all", village) == {village.siti}
    assert ids_behind("k3_new_enterprises", "gender:F", village) == {village.warung, village.jahit}
    assert ids_behind("k3_ovop", "all", village) == {village.keripik, village.ternak}


def test_k4_turnover_and_net_income_of_the_reports_inside_the_period(village):
    got = table(village, [village.ksp])
    k = village.ksp
    # Reports for periods inside P: Keripik July-September turnover 10 + 12 + 11 = 33 million,
    # net 3 + 4 + 2 = 9 million; Bengkel July 5 million, net -1 million; Jahit September
    # 2 million, net 0.5 million; Kue Q3 6 million, net 0. June and Q2 are outside; Batik's
    # owner was cancelled. Enterprises reporting: 4. Sen: x 100.
    assert got[(k, "k4_turnover", "all")] == (46_000_000_00, 4)
    assert got[(k, "k4_net_income", "all")] == (8_500_000_00, 4)
    assert got[(k, "k4_turnover", "gender:F")] == (41_000_000_00, 3)  # Keripik, Jahit, Kue
    assert got[(k, "k4_net_income", "gender:F")] == (9_500_000_00, 3)
    assert got[(k, "k4_turnover", "gender:M")] == (5_000_000_00, 1)  # Bengkel, closed in P
    assert got[(k, "k4_net_income", "category:returnee")] == (-1_000_000_00, 1)
    assert got[(k, "k4_net_income", "category:other")] == (0, 1)  # Kue broke even
    assert got[(k, "k4_turnover", "category:family")] == (33_000_000_00, 1)
    assert got[(k, "k4_turnover", "category:ctki")] == (2_000_000_00, 1)
    # Behind a mean: the enterprises contributing a non-zero amount (Kue's net income is nil).
    assert ids_behind("k4_turnover", "all", village) == {
        village.keripik, village.bengkel, village.jahit, village.kue}
    assert ids_behind("k4_net_income", "all", village) == {
        village.keripik, village.bengkel, village.jahit}


def test_k5_jobs_at_t_and_net_jobs_created_in_the_period(village):
    got = table(village, [village.ksp])
    k = village.ksp
    # At t (30 Sep), each active enterprise's latest report by t:
    #   Keripik September: owner F 1, family M 1, hired F 2, hired M 1   = 5
    #   Warung, no report: its 2 registered workers as owners of Siti's gender (F)  = 2
    #   Jahit September: owner F 1, family M 1                            = 2
    #   Ternak, no report: 2 owners M (Dedi)                              = 2
    #   Kue Q3: owner F 1, hired M 1                                      = 2
    # owner F 5, owner M 2, family M 2, family F 0, hired F 2, hired M 2: 13 people.
    # On 30 Jun: Keripik June 3 (owner F 1, hired F 2), Bengkel June 3 (owner M 1, hired M 2),
    # Ternak 2 owners M, Kue Q2 1 owner F: owner F 2, owner M 3, hired F 2, hired M 2 = 9.
    jobs = {cut: got[(k, "k5_jobs", cut)][0] for cut in enterprise.WORK_CUT_KEYS}
    net = {cut: got[(k, "k5_net_jobs", cut)][0] for cut in enterprise.WORK_CUT_KEYS}
    assert jobs == {"all": 13, "work:owner": 7, "work:family": 2, "work:hired": 4,
                    "work:owner:M": 2, "work:owner:F": 5, "work:family:M": 2,
                    "work:family:F": 0, "work:hired:M": 2, "work:hired:F": 2,
                    "gender:M": 6, "gender:F": 7}
    assert net == {"all": 4, "work:owner": 2, "work:family": 2, "work:hired": 0,
                   "work:owner:M": -1, "work:owner:F": 3, "work:family:M": 2,
                   "work:family:F": 0, "work:hired:M": 0, "work:hired:F": 0,
                   "gender:M": 1, "gender:F": 3}
    assert got[(k, "k5_jobs", "all")] == (13, None)
    assert ids_behind("k5_jobs", "all", village) == {
        village.keripik, village.warung, village.jahit, village.ternak, village.kue}
    # Net jobs: enterprises whose people changed: Keripik +2, Warung +2, Bengkel -3, Jahit +2,
    # Kue +1 (Ternak 2 and 2). Hired: Keripik +1, Bengkel -2, Kue +1.
    assert ids_behind("k5_net_jobs", "all", village) == {
        village.keripik, village.warung, village.bengkel, village.jahit, village.kue}
    assert ids_behind("k5_net_jobs", "work:hired", village) == {
        village.keripik, village.bengkel, village.kue}


def test_behind_a_count_or_a_share_counts_its_numerator_in_every_cut(village):
    got = table(village, [village.ksp])
    for (coop, indicator, cut), (numerator, _) in got.items():
        if BY_KEY[indicator].unit not in (COUNT, SHARE) or indicator.startswith("k5"):
            continue
        behind = enterprise.behind(indicator, cut, [coop], P).subquery()
        assert db.session.execute(select(func.count()).select_from(behind)).scalar() == numerator, \
            (indicator, cut)


def test_every_figure_is_there_for_an_empty_cooperative(village):
    got = table(village, [village.other])
    indicators = ("k3_entrepreneurs", "k3_new_enterprises", "k3_with_productive_loan", "k3_ovop",
                  "k4_turnover", "k4_net_income")
    assert {key[1:] for key in got} == {(i, c) for i in indicators for c in enterprise.MEMBER_CUT_KEYS} | {
        (i, c) for i in ("k5_jobs", "k5_net_jobs") for c in enterprise.WORK_CUT_KEYS}
    assert got[(village.other, "k4_turnover", "all")] == (0, 0)
    assert got[(village.other, "k5_jobs", "all")] == (1, None)  # Kopi: 1 owner M
    with pytest.raises(KeyError):
        enterprise.behind("k3_ovop", "work:owner", [village.ksp], P)
