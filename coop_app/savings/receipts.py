"""Receipts (kuitansi) of savings deposits and withdrawals: what the PDF shows, read from
the journal entry itself, so a receipt can be printed again at any time."""
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.errors import NotFound
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.service import accounts as gl_accounts
from coop_app.money import ZERO, to_money
from coop_app.savings.models import SavingsAccount
from coop_app.savings.movements import DEPOSIT_ENTRY, WITHDRAWAL_ENTRY, get_member
from coop_app.terbilang import money_in_words

# Registration posts pokok (and the first wajib) in one entry: its receipt prints the same way.
RECEIPT_KINDS = (DEPOSIT_ENTRY, WITHDRAWAL_ENTRY, "member_joining")


@dataclass
class Receipt:
    entry: JournalEntry
    number: str
    member: object
    incoming: bool  # money received from the member (a deposit) or paid to them
    rows: list = field(default_factory=list)  # (account, amount moved)
    penalty: Decimal = ZERO
    cash_account: object = None
    cash_amount: Decimal = ZERO

    @property
    def words(self):
        return money_in_words(self.cash_amount)

    @property
    def served_by(self):
        return self.entry.creator.full_name if self.entry.creator else ""


def receipt_number(entry):
    return f"KW/{entry.entry_date.year}/{entry.id:06d}"


def get_receipt(cooperative_id, entry_id):
    """The receipt of a savings entry of this cooperative; NotFound for anything else."""
    entry = db.session.execute(select(JournalEntry).where(
        JournalEntry.cooperative_id == cooperative_id, JournalEntry.id == entry_id,
        JournalEntry.kind.in_(RECEIPT_KINDS))).scalar_one_or_none()
    savings_lines = [ln for ln in entry.lines if ln.savings_account_id] if entry else []
    if not savings_lines:
        raise NotFound(_l("Receipt not found."))
    accounts = {a.id: a for a in db.session.execute(select(SavingsAccount).where(
        SavingsAccount.cooperative_id == cooperative_id,
        SavingsAccount.id.in_({ln.savings_account_id for ln in savings_lines}))).scalars()}
    member = get_member(cooperative_id, accounts[savings_lines[0].savings_account_id].member_id)
    cash_ids = {a.id: a for a in gl_accounts(cooperative_id, postable=True, under_key="cash_and_bank",
                                             active=None)}
    receipt = Receipt(entry=entry, number=receipt_number(entry), member=member, incoming=True)
    for line in entry.lines:
        if line.savings_account_id:
            receipt.rows.append((accounts[line.savings_account_id], to_money(abs(line.amount))))
        elif line.account_id in cash_ids:
            receipt.cash_account = cash_ids[line.account_id]
            receipt.cash_amount += abs(line.amount)
            receipt.incoming = line.amount > 0
        elif line.account.system_key == "fee_income":
            receipt.penalty += abs(line.amount)
    return receipt


def member_may_see(receipt, member_id):
    """A member sees a receipt only when the entry's lines carry their member id."""
    return member_id is not None and any(ln.member_id == member_id for ln in receipt.entry.lines)
