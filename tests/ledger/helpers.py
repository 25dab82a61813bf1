"""Helpers of the ledger's service tests: a grant into cash, and a voucher."""
from datetime import date
from decimal import Decimal

from coop_app.ledger import service as ledger
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from tests.support.books import account_id

D = Decimal


def fund(coop_id, amount, day=date(2025, 1, 2), key=None, cash="cash"):
    """A grant into cash: the usual first entry of a new cooperative."""
    return ledger.post_manual_entry(
        coop_id, day, "Hibah modal awal",
        [(account_id(coop_id, cash), D(amount), None, None),
         (account_id(coop_id, "grants"), None, D(amount), None)],
        key or f"fund-{day}-{amount}-{cash}")


def voucher(coop_id, direction, day, counter, amount, key, cash="cash"):
    return ledger.record_voucher(coop_id, direction, day, account_id(coop_id, cash),
                                 account_id(coop_id, counter), D(amount), "Uraian transaksi", key)


def year_of_business(coop_id):
    """A grant, two income and two expense vouchers in 2025."""
    fund(coop_id, "5000000")
    voucher(coop_id, INCOME_VOUCHER, date(2025, 3, 5), "other_income", "700000", "in-1")
    voucher(coop_id, INCOME_VOUCHER, date(2025, 8, 5), "bank_income", "300000", "in-2", cash="cash")
    voucher(coop_id, EXPENSE_VOUCHER, date(2025, 4, 5), "office_expense", "150000", "out-1")
    voucher(coop_id, EXPENSE_VOUCHER, date(2025, 9, 5), "salary_expense", "250000", "out-2")
