"""A restructured loan keeps the class it had when restructured until the latest three
instalments of its new schedule were each paid by its due date; a late one starts the count
again. The pure rule, then the month-end with the ledger."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.extensions import db
from coop_app.loans import monthend, quality, repayment, workout
from coop_app.loans.quality import DPK, KURANG_LANCAR, LANCAR, MACET
from tests.loans.test_monthend import JUNE, assert_allowance_is_the_provisions, book, loan  # noqa: F401

D = Decimal


@pytest.mark.parametrize("klass,held,on_time,instalments,expected", [
    (LANCAR, None, 0, 12, LANCAR),          # never restructured: its arrears decide
    (LANCAR, DPK, 0, 12, DPK),              # held at the class it had
    (LANCAR, DPK, 2, 12, DPK),              # two on time are not enough
    (LANCAR, DPK, 3, 12, LANCAR),           # three in a row release it
    (MACET, DPK, 0, 12, MACET),             # the hold never makes a loan look better
    (LANCAR, KURANG_LANCAR, 2, 2, LANCAR),  # a two-instalment schedule paid on time
])
def test_the_hold_rule(klass, held, on_time, instalments, expected):
    assert quality.held_class(klass, held, on_time, instalments) == expected
    assert quality.hold_released(held, on_time, instalments) == (
        held is not None and expected == klass and on_time >= min(3, instalments))


def month_end(w, day):
    run = monthend.run_loan_month_end(w.ksp_id, day, w.user_id("manager"))
    db.session.commit()
    return run


def pay(w, loan_id, amount, on):
    repayment.repay_loan(w.ksp_id, loan_id, D(amount), on, w.user_id("treasurer"))
    db.session.commit()


def held_note(client, loan_id):
    page = client.get(f"/c/KSP-A/loans/{loan_id}").get_data(as_text=True)
    start = page.find('id="loan-class-held"')
    return None if start < 0 else " ".join(page[page.index(">", start) + 1:page.index("</dd>", start)].split())


def test_the_hold_ends_after_three_instalments_in_a_row_on_time(book, client, auth):
    w, ids = book
    auth.login("auditor.indramayu")
    month_end(w, JUNE)  # Budi's loan: 41 days past due, dpk, penalty 44.800
    assert (loan(ids["dpk"]).quality, loan(ids["dpk"]).penalty_due) == (DPK, D("44800"))
    # 1 July: 12.000.000 over 22 months at 9% flat: 545.455 (545.445 last) + 90.000 interest.
    # Held at dpk, the provision is 3% of what is left; released, 0,5% (46.363,625 -> 46.364).
    workout.restructure_loan(w.ksp_id, ids["dpk"], w.user_id("manager"), date(2025, 7, 1), term=22,
                             rate_bp=900, reason="Gagal panen")
    db.session.commit()
    instalment = D("545455") + D("90000")
    schedule = []  # (month-end, payment day or None, class, provision)
    # August on time (with the 44.800 penalty, taken first), September nine days late (with
    # the 9 days x 0,1% x 635.455 = 5.719 charged at payment), then October, November and
    # December on their due dates.
    payments = {date(2025, 8, 1): instalment + D("44800"), date(2025, 9, 10): instalment + D("5719"),
                date(2025, 10, 1): instalment, date(2025, 11, 1): instalment,
                date(2025, 12, 1): instalment}
    ends = [date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30), date(2025, 10, 31),
            date(2025, 11, 30), date(2025, 12, 31)]
    for end in ends:
        for day, amount in payments.items():
            if end.replace(day=1) <= day <= end:
                pay(w, ids["dpk"], amount, day)
        month_end(w, end)
        got = loan(ids["dpk"])
        schedule.append((end, got.days_past_due, got.quality, got.provision, got.restructured_class))
        if end == ends[0]:
            assert held_note(client, ids["dpk"]) == (
                "Direstrukturisasi: kolektibilitas paling baik Dalam perhatian khusus sampai tiga "
                "angsuran berturut-turut dibayar tepat waktu.")
    assert held_note(client, ids["dpk"]) is None
    assert D("12000000") - 5 * D("545455") == D("9272725") == loan(ids["dpk"]).principal_outstanding
    assert schedule == [
        (date(2025, 7, 31), 0, DPK, D("360000"), DPK),              # nothing due yet: held
        (date(2025, 8, 31), 0, DPK, D("343636"), DPK),              # one on time
        (date(2025, 9, 30), 0, DPK, D("327273"), DPK),              # September late: count restarts
        (date(2025, 10, 31), 0, DPK, D("310909"), DPK),             # Sep (late), Oct
        (date(2025, 11, 30), 0, DPK, D("294545"), DPK),             # Sep (late), Oct, Nov
        (date(2025, 12, 31), 0, LANCAR, D("46364"), None),          # Oct, Nov, Dec: released
    ]
    assert_allowance_is_the_provisions(w.ksp_id)
