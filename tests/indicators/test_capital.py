"""K1 community capital and K7 the cooperative's own development (indicators/capital.py), on
the village of tests/indicators/worlds.py in the third quarter of 2026, every figure worked
out by hand from the world's story. Money figures are in sen (rupiah x 100)."""
from datetime import date

import pytest
from flask import g
from sqlalchemy import event, func, select

from coop_app.extensions import db
from coop_app.indicators import capital
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
            for f in capital.figures([village.ksp_id, village.other_id, village.bmt_id], period)}


def behind(village, indicator, cut="all", period=Q3):
    ids = db.session.execute(capital.behind(indicator, cut, [village.ksp_id], period)).scalars()
    names = {member_id: name for name, member_id in village.members.items()}
    return sorted(names[i] for i in ids)


def test_members_savings_at_t_and_per_active_member(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Balances at 30 Sep (pokok + wajib + SS):
    #   Siti 100.000 + (20.000 + 100.000 + 40.000) + (500.000 - 100.000) = 660.000
    #   Budi 100.000 + 20.000 (the 60.000 deposit reversed)              = 120.000
    #   Joko settled on leaving                                          =       0
    #   Rina 100.000 + (20.000 + 240.000) + 50.000                        = 410.000
    #   Wati 100.000 + (20.000 + 20.000) + (10.000 + 300.000)             = 450.000
    #   (her reversed remittance's 150.000 came in and went out again); Dedi joined after t.
    # Total 1.640.000, over the 4 active members (Siti, Budi, Rina, Wati).
    assert figures[(ksp, "k1_member_savings", "all")] == (rp(1640000), None)
    assert figures[(ksp, "k1_savings_per_member", "all")] == (rp(1640000), 4)
    # Women: Siti + Rina + Wati = 1.520.000 over 3; men: Budi 120.000 over 1.
    assert figures[(ksp, "k1_savings_per_member", "gender:F")] == (rp(1520000), 3)
    assert figures[(ksp, "k1_savings_per_member", "gender:M")] == (rp(120000), 1)
    # ctki: Rina 410.000 (Joko, who left, holds nothing), active Rina only.
    assert figures[(ksp, "k1_savings_per_member", "category:ctki")] == (rp(410000), 1)
    assert figures[(ksp, "k1_member_savings", "category:family")] == (rp(660000), None)
    assert figures[(ksp, "k1_member_savings", "category:returnee")] == (rp(450000), None)
    assert figures[(ksp, "k1_member_savings", "category:other")] == (rp(120000), None)
    # KSP-B: Eka's pokok and first wajib; the BMT: nothing, but a zero is a figure.
    assert figures[(village.other_id, "k1_savings_per_member", "all")] == (rp(120000), 1)
    assert figures[(village.bmt_id, "k1_member_savings", "all")] == (0, None)
    assert behind(village, "k1_member_savings") == ["Budi", "Rina", "Siti", "Wati"]
    assert behind(village, "k1_savings_per_member", "gender:M") == ["Budi"]


def test_the_members_savings_equal_the_books(village):
    from tests.support.books import balance
    books = -sum(balance(village.ksp_id, key, date(2026, 9, 30))
                 for key in ("simpanan_pokok", "simpanan_wajib", "simpanan_sukarela"))
    assert rp(books) == computed(village)[(village.ksp_id, "k1_member_savings", "all")][0]


def test_productive_credit(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Outstanding at t: Siti's investment loan 3.000.000 less the 250.000 principal of her
    # first instalment = 2.750.000; Budi's working capital 1.200.000 (nothing repaid).
    # Rina's 600.000 is for consumption (200.000 left): not productive.
    assert figures[(ksp, "k1_productive_outstanding", "all")] == (rp(3950000), None)
    assert figures[(ksp, "k1_productive_outstanding", "gender:F")] == (rp(2750000), None)
    assert figures[(ksp, "k1_productive_outstanding", "category:other")] == (rp(1200000), None)
    assert figures[(ksp, "k1_productive_borrowers", "all")] == (2, None)
    assert figures[(ksp, "k1_productive_borrowers", "category:ctki")] == (0, None)
    # Disbursed in P: Siti's 3.000.000 on 1 July (Budi's was in March).
    assert figures[(ksp, "k1_productive_disbursed", "all")] == (rp(3000000), None)
    assert figures[(ksp, "k1_productive_disbursed", "gender:M")] == (0, None)
    assert behind(village, "k1_productive_borrowers") == ["Budi", "Siti"]
    assert len(behind(village, "k1_productive_borrowers")) == figures[(ksp, "k1_productive_borrowers", "all")][0]
    assert behind(village, "k1_productive_outstanding", "gender:M") == ["Budi"]
    assert behind(village, "k1_productive_disbursed") == ["Siti"]
    # In the second quarter nothing productive was disbursed, and at its end only Budi's
    # loan was on the book.
    q2 = computed(village, Period.quarter(2026, 2))
    assert q2[(ksp, "k1_productive_disbursed", "all")] == (0, None)
    assert q2[(ksp, "k1_productive_outstanding", "all")] == (rp(1200000), None)


def test_remittance_saved(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Wati's 1.000.000 of 10 Sep: 20.000 to wajib and 300.000 (30%) to SS saved; the
    # 500.000 of 12 Sep was reversed and counts for nothing.
    assert figures[(ksp, "k1_remittance_saved", "all")] == (rp(320000), rp(1000000))
    assert figures[(ksp, "k1_remittance_saved", "category:returnee")] == (rp(320000), rp(1000000))
    assert figures[(ksp, "k1_remittance_saved", "category:family")] == (0, 0)
    assert behind(village, "k1_remittance_saved") == ["Wati"]


def test_own_capital_assets_and_oss(village):
    figures = computed(village)
    ksp = village.ksp_id
    # Equity at t: grant 100.000.000; pokok of the 4 members still in 400.000; wajib
    # 160.000 + 20.000 + 260.000 + 40.000 = 480.000 (Joko's paid out).
    # Income to t: admin fees 1% of 1.200.000, 600.000, 3.000.000 = 48.000; interest
    # Siti 30.000 + Rina 4 x 6.000 = 54.000. Expenses: 20.000 + 50.000.
    # Own capital = 100.000.000 + 400.000 + 480.000 + 102.000 - 70.000 = 100.912.000.
    assert figures[(ksp, "k1_own_capital", "all")] == (rp(100912000), None)
    # Assets = own capital + the SS owed (400.000 + 50.000 + 310.000 = 760.000).
    assert figures[(ksp, "k7_assets", "all")] == (rp(101672000), None)
    # OSS in P: fee 30.000 (Siti, 1 Jul) + interest 30.000 (Siti) + 3 x 6.000 (Rina, Jul-Sep)
    # = 78.000 over the salaries 50.000 of 25 Sep (June's office supplies are before P).
    assert figures[(ksp, "k7_oss", "all")] == (rp(78000), rp(50000))
    assert figures[(village.other_id, "k1_own_capital", "all")] == (rp(120000), None)
    assert figures[(village.bmt_id, "k7_oss", "all")] == (0, 0)
    with pytest.raises(KeyError):
        capital.behind("k7_assets", "all", [ksp], Q3)


def test_par30(village):
    figures = computed(village)
    # Book at t: 2.750.000 + 1.200.000 + 200.000 = 4.150.000. Budi's first instalment was
    # due on 2 April: 181 days past due, all 1.200.000 at risk; Siti's second fell due on
    # 1 Sep (29 days: not over 30); Rina is paid up.
    assert figures[(village.ksp_id, "k7_par30", "all")] == (rp(1200000), rp(4150000))


def test_a_category_change_moves_the_live_figure(village):
    ksp = village.ksp_id
    rina = db.session.get(Member, village.members["Rina"])
    members.update_member(ksp, rina.id, data(
        name=rina.name, gender="F", category="family", join_date=rina.join_date, serial=4,
        migrant_worker_id=village.migrants["Ahmad"], relationship="child"))
    db.session.commit()
    figures = computed(village)
    # Rina's 410.000 now counts with the families: 660.000 + 410.000.
    assert figures[(ksp, "k1_member_savings", "category:family")] == (rp(1070000), None)
    assert figures[(ksp, "k1_member_savings", "category:ctki")] == (0, None)


def test_every_figure_of_every_cut_is_there(village):
    from coop_app.indicators.catalogue import BY_KEY
    from coop_app.indicators.people import cuts_of
    figures = computed(village)
    owned = ("k1_member_savings", "k1_savings_per_member", "k1_own_capital",
             "k1_productive_outstanding", "k1_productive_disbursed", "k1_productive_borrowers",
             "k1_remittance_saved", "k7_assets", "k7_oss", "k7_par30")
    expected = {(coop_id, key, cut) for coop_id in (village.ksp_id, village.other_id, village.bmt_id)
                for key in owned for cut in cuts_of(key)}
    assert set(figures) == expected
    assert all(BY_KEY[key].snapshot for key in owned)


def test_the_query_count_does_not_grow_with_the_cooperatives(village):
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        capital.figures([village.ksp_id], Q3)
        one = len(statements)
        statements.clear()
        capital.figures([village.ksp_id, village.other_id, village.bmt_id], Q3)
        # five figures' queries, and the book's look for a month-end after t
        assert len(statements) == one <= 6
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert db.session.execute(select(func.count()).select_from(Member)).scalar() == 7
