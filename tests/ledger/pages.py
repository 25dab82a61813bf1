"""Helpers of the ledger page tests: the pages' base, money put in the books through the
service, an entry read back, and the form data of a voucher and of a manual entry."""
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from tests.support.books import account_id_in

D = Decimal
BASE = "/c/KSP-A/ledger"
TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)


def get_entry(app, entry_id):
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        db.session.expunge(entry)
        return entry


def seed(app, coop_id, amount="5000000", on=None, debit="cash", credit="grants"):
    """Money in the books through the service, as a manager's manual entry would put it."""
    with app.app_context():
        entry = ledger.post_manual_entry(
            coop_id, on or TODAY, "Hibah modal awal",
            [(ledger.account_by_key(coop_id, debit).id, D(amount), None, None),
             (ledger.account_by_key(coop_id, credit).id, None, D(amount), None)],
            uuid.uuid4().hex)
        db.session.commit()
        return entry.id


def entry_id_from(response):
    match = re.search(r"/ledger/entries/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def voucher_data(app, world, direction="expense", **changes):
    counter = "office_expense" if direction == "expense" else "other_income"
    data = {"entry_date": TODAY.isoformat(),
            "cash_account": account_id_in(app, world.ksp_id, "cash"),
            "counter_account": account_id_in(app, world.ksp_id, counter),
            "amount": "1.500.000", "description": "Beli kertas dan tinta",
            "key": uuid.uuid4().hex}
    data.update(changes)
    return data


def manual_data(lines, memo="Koreksi saldo", on=None, key=None):
    """Form data of a manual entry; lines: (account id, debit text, credit text, memo)."""
    data = {"entry_date": (on or TODAY).isoformat(), "memo": memo, "key": key or uuid.uuid4().hex}
    for i, (account, debit, credit, note) in enumerate(lines):
        data[f"lines-{i}-account"] = "" if account is None else str(account)
        data[f"lines-{i}-debit"] = debit or ""
        data[f"lines-{i}-credit"] = credit or ""
        data[f"lines-{i}-memo"] = note or ""
    return data
