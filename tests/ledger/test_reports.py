"""The reports built on the journal lines: the trial balance and the general ledger."""
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.ledger import service as ledger
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from tests.ledger.helpers import fund, voucher
from tests.support.books import account_id

D = Decimal


# -- reports ---------------------------------------------------------------------------------

def test_trial_balance_totals_are_equal(ctx, world):
    ksp = world.ksp_id
    fund(ksp, "25000000", cash="bank")
    ledger.post_manual_entry(ksp, date(2025, 1, 3), "Tarik tunai", [
        (account_id(ksp, "cash"), D("5000000"), None, None), (account_id(ksp, "bank"), None, D("5000000"), None)], "t")
    voucher(ksp, INCOME_VOUCHER, date(2025, 1, 25), "other_income", "275000", "in")
    voucher(ksp, EXPENSE_VOUCHER, date(2025, 2, 3), "office_expense", "125500.50", "out")
    fund(world.other_id, "999")  # another cooperative's books stay out
    rows, debit, credit = reports.trial_balance(ksp, date(2025, 12, 31))
    assert debit == credit == D("25275000")
    assert {r.account.system_key: (r.debit, r.credit) for r in rows} == {
        "cash": (D("5149499.50"), D("0")), "bank": (D("20000000"), D("0")),
        "grants": (D("0"), D("25000000")), "other_income": (D("0"), D("275000")),
        "office_expense": (D("125500.50"), D("0"))}
    assert [r.account.code for r in rows] == sorted(r.account.code for r in rows)
    # As of January the expense is not there yet.
    rows, debit, credit = reports.trial_balance(ksp, date(2025, 1, 31))
    assert debit == credit == D("25275000")
    assert "office_expense" not in {r.account.system_key for r in rows}


def test_general_ledger_pages_with_a_running_balance(ctx, world):
    ksp = world.ksp_id
    cash = account_id(ksp, "cash")
    # Before the range: the opening balance is 1.000.000 - 200.000.
    fund(ksp, "1000000", day=date(2025, 1, 5))
    voucher(ksp, EXPENSE_VOUCHER, date(2025, 1, 20), "office_expense", "200000", "jan-out")
    movements = [  # (date, amount into cash), posted out of date order on purpose
        (date(2025, 2, 14), D("50000")), (date(2025, 2, 1), D("100000.50")),
        (date(2025, 2, 3), D("-30000")), (date(2025, 2, 3), D("25000")),
        (date(2025, 2, 10), D("-0.50")), (date(2025, 2, 20), D("400000")),
        (date(2025, 2, 27), D("-45000")),
    ]
    for n, (day, amount) in enumerate(movements):
        if amount > 0:
            voucher(ksp, INCOME_VOUCHER, day, "other_income", amount, f"in-{n}")
        else:
            voucher(ksp, EXPENSE_VOUCHER, day, "transport_expense", -amount, f"out-{n}")
    voucher(ksp, INCOME_VOUCHER, date(2025, 3, 1), "other_income", "7", "march")  # after the range
    db.session.commit()

    expected, running = [], D("800000")
    for day, amount in sorted(movements, key=lambda m: m[0]):  # stable: posting order within a day
        running += amount
        expected.append((day, amount if amount > 0 else None, -amount if amount < 0 else None, running))

    pages = []
    for page in (1, 2, 3):
        opening, rows, total, closing = reports.general_ledger(
            ksp, cash, date(2025, 2, 1), date(2025, 2, 28), page=page, per_page=3)
        assert (opening, total, closing) == (D("800000"), 7, D("1300000"))
        pages.append([(r["entry_date"], r["debit"], r["credit"], r["balance"]) for r in rows])
    assert [len(p) for p in pages] == [3, 3, 1]
    assert pages[0] + pages[1] + pages[2] == expected
    assert expected[-1][3] == D("1300000")
    assert reports.general_ledger(ksp, cash, date(2025, 2, 1), date(2025, 2, 28), page=4,
                                  per_page=3)[1] == []
    opening, rows, total, closing = reports.general_ledger(
        ksp, account_id(ksp, "other_income"), date(2025, 2, 1), date(2025, 2, 28))
    assert (opening, total, closing) == (D("0"), 4, D("-575000.50"))
    assert rows[0]["memo"] == "Uraian transaksi" and rows[0]["kind"] == "income_voucher"
