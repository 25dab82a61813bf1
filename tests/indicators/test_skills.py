"""K6 skills: members trained, the share of active members trained in twelve months,
certified members and assistance, against a village built by hand.

P = third quarter of 2026 (1 Jul - 30 Sep), t = 30 Sep 2026; the twelve months to t run
from 1 Oct 2025.

KSP-A's members (category, gender):
  Siti   family   F                        Keripik
  Budi   returnee M                        Bengkel
  Citra  ctki     F  joins 15 Aug 2026
  Dedi   other    M  leaves 1 Aug 2026
  Eka    family   F  registration cancelled  Batik
  Fajar  other    M
  Gita   other    F
Active at t: Siti, Budi, Citra, Fajar, Gita = 5 (family 1, returnee 1, ctki 1, other 2;
F 3, M 2).

Trainings (* certified):
  entrepreneurship   20 Jul 2026  Siti*, Budi, Eka*, Dedi
  financial_literacy 10 Sep 2026  Siti, Citra*
  skills              5 Nov 2025  Fajar*
  packaging           1 Jun 2025  Budi*
  digital_marketing  10 Oct 2026  Gita*       (after t)
  KSP-B: skills       1 Aug 2026  Gilang
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from coop_app.enterprises import service as enterprises
from coop_app.extensions import db
from coop_app.indicators import skills
from coop_app.indicators.enterprise import MEMBER_CUT_KEYS
from coop_app.indicators.periods import Period
from coop_app.members.models import Member
from coop_app.trainings import service as trainings
from tests.indicators.joining import join

P = Period.quarter(2026, 3)


@dataclass
class Village:
    ksp: int
    other: int
    siti: int
    budi: int
    citra: int
    dedi: int
    fajar: int
    gita: int
    keripik: int
    bengkel: int


def training(coop_id, kind, held_on, *participants):
    """A training through the service; `participants`: (member id, certified)."""
    event = trainings.create_training(coop_id, trainings.TrainingData(
        kind, kind.replace("_", " ").title(), held_on, "Dinas Koperasi"))
    for member_id, certified in participants:
        trainings.add_participant(coop_id, event.id, member_id=member_id, certified=certified,
                                  certificate_number=f"SRT-{member_id}" if certified else None)


def assist(coop_id, enterprise_id, given_on, value, kind="cash"):
    trainings.record_assistance(coop_id, enterprise_id, trainings.AssistanceData(
        given_on, kind, "Bantuan", "BP2MI", D(value)))


@pytest.fixture
def village(ctx, world):
    k = world.ksp_id
    siti, budi = join(k, "Siti", "F", "family"), join(k, "Budi", "M", "returnee")
    citra = join(k, "Citra", "F", "ctki", joined=date(2026, 8, 15))
    dedi, eka = join(k, "Dedi", "M", "other"), join(k, "Eka", "F", "family")
    fajar, gita = join(k, "Fajar", "M", "other"), join(k, "Gita", "F", "other")
    gilang = join(world.other_id, "Gilang", "M", "other")

    def shop(member, name):
        return enterprises.create_enterprise(k, member, enterprises.EnterpriseData(
            name, "trade", "Barang", date(2023, 1, 1), 1)).id

    keripik, bengkel, batik = shop(siti, "Keripik"), shop(budi, "Bengkel"), shop(eka, "Batik")
    training(k, "entrepreneurship", date(2026, 7, 20), (siti, True), (budi, False), (eka, True),
             (dedi, False))
    training(k, "financial_literacy", date(2026, 9, 10), (siti, False), (citra, True))
    training(k, "skills", date(2025, 11, 5), (fajar, True))
    training(k, "packaging", date(2025, 6, 1), (budi, True))
    training(k, "digital_marketing", date(2026, 10, 10), (gita, True))
    training(world.other_id, "skills", date(2026, 8, 1), (gilang, False))
    # Assistance in P: Keripik 1.5 million in kind and 0.5 million cash, Bengkel 1 million;
    # Bengkel's 0.7 million on 30 Jun is before P; Batik's owner was cancelled.
    assist(k, keripik, date(2026, 7, 15), "1500000", "in_kind")
    assist(k, keripik, date(2026, 9, 1), "500000")
    assist(k, bengkel, date(2026, 8, 10), "1000000")
    assist(k, bengkel, date(2026, 6, 30), "700000")
    assist(k, batik, date(2026, 8, 1), "900000")
    db.session.get(Member, dedi).status, db.session.get(Member, dedi).left_on = "resigned", date(2026, 8, 1)
    db.session.get(Member, eka).status = "cancelled"
    db.session.commit()
    return Village(k, world.other_id, siti, budi, citra, dedi, fajar, gita, keripik, bengkel)


def table(ids):
    return {(f.cooperative_id, f.indicator, f.cut): (f.numerator, f.denominator)
            for f in skills.figures(ids, P)}


def behind(indicator, cut, village):
    return set(db.session.execute(skills.behind(indicator, cut, [village.ksp], P)).scalars())


def test_members_trained_in_the_period_once_each_and_once_per_type(village):
    got = table([village.ksp, village.other])
    k = village.ksp
    # Trained in P: Siti (twice), Budi, Citra, Dedi (before he left); Eka cancelled.
    trained = {cut: got[(k, "k6_trained", cut)][0] for cut in skills.TRAINED_CUT_KEYS}
    assert trained == {
        "all": 4, "category:family": 1, "category:returnee": 1, "category:ctki": 1,
        "category:other": 1, "gender:F": 2, "gender:M": 2,
        "training:entrepreneurship": 3,  # Siti, Budi, Dedi
        "training:financial_literacy": 2,  # Siti, Citra
        "training:skills": 0, "training:packaging": 0, "training:digital_marketing": 0,
        "training:other": 0}
    assert got[(village.other, "k6_trained", "all")] == (1, None)
    assert got[(village.other, "k6_trained", "training:skills")] == (1, None)
    assert behind("k6_trained", "all", village) == {village.siti, village.budi, village.citra, village.dedi}
    assert behind("k6_trained", "training:entrepreneurship", village) == {
        village.siti, village.budi, village.dedi}


def test_share_trained_in_twelve_months_and_certified_members(village):
    got = table([village.ksp])
    k = village.ksp
    # Active at t and trained from 1 Oct 2025 to t: Siti, Budi, Citra, Fajar (5 Nov 2025);
    # not Gita (after t). Dedi left. 4 of 5.
    share = {cut: got[(k, "k6_trained_share", cut)] for cut in MEMBER_CUT_KEYS}
    assert share == {"all": (4, 5), "category:family": (1, 1), "category:returnee": (1, 1),
                     "category:ctki": (1, 1), "category:other": (1, 2), "gender:F": (2, 3),
                     "gender:M": (2, 2)}
    # Certified by t, active at t: Siti, Citra, Fajar, Budi (packaging, June 2025); not Eka
    # (cancelled) nor Gita (certified after t).
    certified = {cut: got[(k, "k6_certified", cut)] for cut in MEMBER_CUT_KEYS}
    assert certified == {"all": (4, None), "category:family": (1, None),
                         "category:returnee": (1, None), "category:ctki": (1, None),
                         "category:other": (1, None), "gender:F": (2, None), "gender:M": (2, None)}
    assert behind("k6_trained_share", "gender:F", village) == {village.siti, village.citra}
    assert behind("k6_certified", "all", village) == {village.siti, village.citra, village.fajar,
                                                      village.budi}


def test_assistance_given_in_the_period_over_the_enterprises_assisted(village):
    got = table([village.ksp])
    k = village.ksp
    # Keripik 1,500,000 + 500,000 and Bengkel 1,000,000: 3,000,000 over 2 enterprises (sen).
    assert got[(k, "k6_assistance", "all")] == (3_000_000_00, 2)
    assert got[(k, "k6_assistance", "category:family")] == (2_000_000_00, 1)
    assert got[(k, "k6_assistance", "gender:M")] == (1_000_000_00, 1)
    assert got[(k, "k6_assistance", "category:ctki")] == (0, 0)
    assert behind("k6_assistance", "all", village) == {village.keripik, village.bengkel}


def test_behind_a_count_or_a_share_counts_its_numerator(village):
    for (coop, indicator, cut), (numerator, _) in table([village.ksp]).items():
        if indicator == "k6_assistance":
            continue
        ids = skills.behind(indicator, cut, [coop], P).subquery()
        assert db.session.execute(select(func.count()).select_from(ids)).scalar() == numerator, \
            (indicator, cut)


def test_twelve_months_to_t():
    assert skills.twelve_months_to(date(2026, 9, 30)) == date(2025, 10, 1)
    assert skills.twelve_months_to(date(2028, 2, 29)) == date(2027, 3, 1)
