"""K2 people using the cooperative, K8 family finance and K9 non-procedural departures
(indicators/people.py), on the village of tests/indicators/worlds.py in the third quarter
of 2026, every figure worked out by hand from the world's story."""
import pytest
from flask import g
from sqlalchemy import event

from coop_app.extensions import db
from coop_app.indicators import people
from coop_app.indicators.periods import Period
from coop_app.members import service as members
from coop_app.members.models import Member
from tests.indicators.worlds import Q3, build_village
from tests.members.helpers import data


def rp(rupiah):
    return rupiah * 100


@pytest.fixture
def village(app):
    with app.app_context():
        g.actor_id = None
        yield build_village()
        db.session.rollback()


def computed(village, period=Q3):
    return {(f.cooperative_id, f.indicator, f.cut): (f.numerator, f.denominator)
            for f in people.figures([village.ksp_id, village.other_id, village.bmt_id], period)}


def behind(village, indicator, cut="all", period=Q3):
    return sorted(db.session.execute(people.behind(indicator, cut, [village.ksp_id], period)).scalars())


def named(village, ids, names="members"):
    by_id = {i: name for name, i in getattr(village, names).items()}
    return sorted(by_id[i] for i in ids)


def test_active_members_at_t(village):
    figures = computed(village)
    ksp = village.ksp_id
    # At 30 Sep: Siti, Budi, Rina (joined in January), Wati (joined 10 Aug, inside P).
    # Joko left on 20 Aug (inside P); Dedi joins on 5 Oct (after t).
    assert figures[(ksp, "k2_active_members", "all")] == (4, None)
    assert figures[(ksp, "k2_active_members", "gender:F")] == (3, None)
    assert figures[(ksp, "k2_active_members", "gender:M")] == (1, None)
    assert figures[(ksp, "k2_active_members", "category:ctki")] == (1, None)  # Rina, not Joko
    assert figures[(village.other_id, "k2_active_members", "all")] == (1, None)
    assert figures[(village.bmt_id, "k2_active_members", "all")] == (0, None)
    found = behind(village, "k2_active_members")
    assert named(village, found) == ["Budi", "Rina", "Siti", "Wati"]
    assert len(found) == figures[(ksp, "k2_active_members", "all")][0]
    # At the end of June Joko was still a member and Wati not yet one.
    june = Period.month(2026, 6)
    assert named(village, behind(village, "k2_active_members", period=june)) == [
        "Budi", "Joko", "Rina", "Siti"]


def test_users_are_members_who_moved_money_themselves(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Siti: wajib deposit, SS withdrawal, disbursement, repayment. Rina: three repayments.
    # Wati: her joining deposit, her SS opening, a remittance. Budi: only a deposit that was
    # reversed (his loan was paid out in March): not a user. Joko moved money in July but
    # is no member at t.
    assert figures[(ksp, "k2_users", "all")] == (3, 4)
    assert figures[(ksp, "k2_users", "gender:M")] == (0, 1)
    assert figures[(ksp, "k2_users", "gender:F")] == (3, 3)
    assert figures[(ksp, "k2_users", "category:other")] == (0, 1)
    assert named(village, behind(village, "k2_users")) == ["Rina", "Siti", "Wati"]
    # Second quarter (t = 30 Jun; Siti, Budi, Joko, Rina active): Siti's wajib of 30 Jun,
    # Rina's disbursement (4 May) and first instalment (4 Jun).
    q2 = Period.quarter(2026, 2)
    assert computed(village, q2)[(ksp, "k2_users", "all")] == (2, 4)
    assert named(village, behind(village, "k2_users", period=q2)) == ["Rina", "Siti"]
    # Eka of KSP-B paid only at joining, in February.
    assert figures[(village.other_id, "k2_users", "all")] == (0, 1)


def test_borrowers_and_voluntary_savers(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Loans outstanding at t: Siti 2.750.000, Budi 1.200.000, Rina 200.000.
    assert figures[(ksp, "k2_borrowers", "all")] == (3, 4)
    assert figures[(ksp, "k2_borrowers", "category:returnee")] == (0, 1)
    assert named(village, behind(village, "k2_borrowers")) == ["Budi", "Rina", "Siti"]
    # SS balances at t: Siti 400.000, Rina 50.000, Wati 310.000; Budi has none.
    assert figures[(ksp, "k8_voluntary_holders", "all")] == (3, 4)
    assert figures[(ksp, "k8_voluntary_holders", "gender:M")] == (0, 1)
    found = behind(village, "k8_voluntary_holders", "gender:F")
    assert named(village, found) == ["Rina", "Siti", "Wati"]


def test_households_reached_and_migrant_households(village):
    figures = computed(village)
    ksp = village.ksp_id
    # KK with an active member at t: H1 (Siti and Budi: one household), H2 (Wati), H4
    # (Rina) = 3; H3 (Joko, left) and H5 (Dedi, not yet) are not. The village has no 2026
    # profile: the 2025 one (200 households, 40 migrant), never the later 2027 one.
    assert figures[(ksp, "k2_household_penetration", "all")] == (3, 200)
    # Migrant households: a family member or returnee active: H1 (Siti), H2 (Wati).
    assert figures[(ksp, "k2_migrant_coverage", "all")] == (2, 40)
    h = village.households
    assert behind(village, "k2_household_penetration") == sorted([h["H1"], h["H2"], h["H4"]])
    assert behind(village, "k2_migrant_coverage") == sorted([h["H1"], h["H2"]])
    # KSP-B has no village profile: its households are not known, so no figure.
    assert (village.other_id, "k2_household_penetration", "all") not in figures
    # At the end of January 2027 the 2027 profile counts, and Dedi's H5 is reached too.
    later = computed(village, Period.month(2027, 1))
    assert later[(ksp, "k2_household_penetration", "all")] == (4, 300)
    assert later[(ksp, "k2_migrant_coverage", "all")] == (2, 60)


def test_wajib_compliance(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Wajib 20.000 a month from the joining month; P's months Jul, Aug, Sep.
    #   Siti: due Jan-Sep; paid 20.000 + 100.000 + 40.000 = 160.000 to t; Jan-Jun take
    #         120.000, 40.000 is left for P's 60.000                        -> 40.000 / 60.000
    #   Budi: paid 20.000 (the 60.000 deposit reversed): Jan-Jun not covered -> 0 / 60.000
    #   Joko: left 20 Aug: only July is due in P; paid 160.000 (his settlement
    #         is no payment): 40.000 left after Jan-Jun                       -> 20.000 / 20.000
    #   Rina: paid 260.000 in advance: P fully covered                       -> 60.000 / 60.000
    #   Wati: joined 10 Aug: Aug and Sep due; paid at joining and from the
    #         remittance                                                     -> 40.000 / 40.000
    # Total 160.000 / 240.000.
    assert figures[(ksp, "k8_wajib_compliance", "all")] == (rp(160000), rp(240000))
    assert figures[(ksp, "k8_wajib_compliance", "gender:F")] == (rp(140000), rp(160000))
    assert figures[(ksp, "k8_wajib_compliance", "gender:M")] == (rp(20000), rp(80000))
    assert figures[(ksp, "k8_wajib_compliance", "category:ctki")] == (rp(80000), rp(80000))
    assert figures[(ksp, "k8_wajib_compliance", "category:family")] == (rp(40000), rp(60000))
    assert figures[(ksp, "k8_wajib_compliance", "category:other")] == (0, rp(60000))
    # Eka of KSP-B: due Feb-Sep, paid only February's at joining: nothing for P.
    assert figures[(village.other_id, "k8_wajib_compliance", "all")] == (0, rp(60000))
    assert named(village, behind(village, "k8_wajib_compliance")) == ["Joko", "Rina", "Siti", "Wati"]
    # September alone: Siti's 40.000 left after Jan-Jun covers Jul and Aug, not Sep.
    september = computed(village, Period.month(2026, 9))
    # Siti 0/20.000, Budi 0/20.000, Rina 20.000/20.000, Wati 20.000/20.000 (Joko gone).
    assert september[(ksp, "k8_wajib_compliance", "all")] == (rp(40000), rp(80000))


def test_nonprocedural_departures(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Departed in P: Ahmad (M, procedural, 15 Jul), Tono (sex unknown, non-procedural,
    # 20 Jul), Sari (F, non-procedural, 1 Aug), Lina (F, procedural, 30 Sep). Yanti left on
    # 1 Oct, after P; Wati's own departure was in 2020.
    assert figures[(ksp, "k9_nonprocedural", "all")] == (2, 4)
    assert figures[(ksp, "k9_nonprocedural", "gender:M")] == (0, 1)
    assert figures[(ksp, "k9_nonprocedural", "gender:F")] == (1, 2)
    assert named(village, behind(village, "k9_nonprocedural"), "migrants") == ["Sari", "Tono"]
    assert named(village, behind(village, "k9_nonprocedural", "gender:F"), "migrants") == ["Sari"]
    assert (ksp, "k9_nonprocedural", "category:ctki") not in figures


def test_counts_equal_their_drill_down_in_every_cut(village):
    figures = computed(village)
    for (coop_id, indicator, cut), (numerator, _denominator) in figures.items():
        if coop_id != village.ksp_id or indicator == "k8_wajib_compliance":
            continue
        found = db.session.execute(people.behind(indicator, cut, [coop_id], Q3)).scalars().all()
        assert len(found) == numerator, (indicator, cut)


def test_a_category_change_moves_the_live_figure(village):
    ksp = village.ksp_id
    rina = db.session.get(Member, village.members["Rina"])
    members.update_member(ksp, rina.id, data(
        name=rina.name, gender="F", category="family", join_date=rina.join_date, serial=4,
        migrant_worker_id=village.migrants["Ahmad"], relationship="child"))
    db.session.commit()
    figures = computed(village)
    # Rina is now a migrant's family: her H4 becomes a migrant household.
    assert figures[(ksp, "k2_migrant_coverage", "all")] == (3, 40)
    assert figures[(ksp, "k2_active_members", "category:ctki")] == (0, None)
    assert figures[(ksp, "k2_active_members", "category:family")] == (2, None)


def test_unknown_cuts_and_indicators_are_refused(village):
    with pytest.raises(KeyError):
        people.behind("k2_users", "work:owner", [village.ksp_id], Q3)
    with pytest.raises(KeyError):
        people.behind("k2_household_penetration", "gender:F", [village.ksp_id], Q3)
    with pytest.raises(KeyError):
        people.behind("k1_member_savings", "all", [village.ksp_id], Q3)


def test_the_query_count_does_not_grow_with_the_cooperatives(village):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        people.figures([village.ksp_id], Q3)
        one = len(statements)
        statements.clear()
        people.figures([village.ksp_id, village.other_id, village.bmt_id], Q3)
        # five figures' queries, and the loan book's look for a month-end after t
        assert len(statements) == one <= 6
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
