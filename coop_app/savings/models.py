"""Savings products, members' accounts, their transactions, and remittances received."""
import json

from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.money import Money

POKOK, WAJIB, SUKARELA, BERJANGKA, WADIAH, MUDHARABAH = (
    "pokok", "wajib", "sukarela", "berjangka", "wadiah", "mudharabah")
PRODUCT_KINDS = (POKOK, WAJIB, SUKARELA, BERJANGKA, WADIAH, MUDHARABAH)
SHARIA_ONLY = (WADIAH, MUDHARABAH)
# Pokok and wajib are the members' capital (modal sendiri); the rest are deposits owed.
EQUITY_KINDS = (POKOK, WAJIB)
# The GL control account of each kind (see ledger/chart.py).
ACCOUNT_KEY = {kind: f"simpanan_{kind}" for kind in PRODUCT_KINDS}
AVERAGE_DAILY, LOWEST_MONTHLY = "average_daily", "lowest_monthly"


class SavingsProduct(db.Model):
    __tablename__ = "savings_products"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    code = db.Column(db.String(20), nullable=False)
    name = db.Column(db.String(100), nullable=False)
    kind = db.Column(db.String(12), nullable=False)
    # pokok: paid once on joining; wajib: due every `period_months` months.
    fixed_amount = db.Column(Money)
    period_months = db.Column(db.Integer)
    # Yearly interest for sukarela/berjangka, in basis points (350 = 3.50%).
    interest_rate_bp = db.Column(db.Integer, nullable=False, default=0)
    interest_method = db.Column(db.String(20), nullable=False, default=AVERAGE_DAILY)
    # Mudharabah: the members' share of the distributable income (nisbah), in percent.
    nisbah_member_pct = db.Column(db.Integer)
    min_balance = db.Column(Money, nullable=False, default=0)
    min_opening = db.Column(Money, nullable=False, default=0)
    term_months = db.Column(db.Integer)
    # Berjangka: whether withdrawal before maturity is allowed, and its penalty in bp.
    early_withdrawal_allowed = db.Column(db.Boolean, nullable=False, default=False)
    early_withdrawal_penalty_bp = db.Column(db.Integer, nullable=False, default=0)
    mandatory = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "code", name="uq_savings_products_code"),
        db.CheckConstraint(
            "kind in ('pokok', 'wajib', 'sukarela', 'berjangka', 'wadiah', 'mudharabah')", name="kind"),
    )


class SavingsAccount(db.Model):
    __tablename__ = "savings_accounts"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("savings_products.id"), nullable=False)
    number = db.Column(db.String(30), nullable=False)
    opened_on = db.Column(db.Date, nullable=False)
    maturity_date = db.Column(db.Date)
    # Kept equal to the sum of the account's journal lines (check-ledger verifies it).
    balance = db.Column(Money, nullable=False, default=0)
    # Pledged as loan collateral: blocked from withdrawal.
    pledged = db.Column(Money, nullable=False, default=0)
    status = db.Column(db.String(10), nullable=False, default="open")
    closed_on = db.Column(db.Date)

    product = db.relationship("SavingsProduct", lazy="joined")

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "number", name="uq_savings_accounts_number"),
        db.Index("ix_savings_accounts_coop_product", "cooperative_id", "product_id"),
        db.CheckConstraint("balance >= 0", name="not_overdrawn"),
        db.CheckConstraint("pledged >= 0", name="pledged_positive"),
        db.CheckConstraint("status in ('open', 'closed')", name="status"),
    )


class SavingsTransaction(db.Model):
    """One movement of one account (the passbook line), tied to its journal entry."""

    __tablename__ = "savings_transactions"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    account_id = db.Column(db.Integer, db.ForeignKey("savings_accounts.id"), nullable=False)
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"), nullable=False, index=True)
    txn_date = db.Column(db.Date, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    amount = db.Column(Money, nullable=False)  # signed: deposit positive
    balance_after = db.Column(Money, nullable=False)
    memo = db.Column(db.String(200))

    __table_args__ = (
        db.Index("ix_savings_transactions_account", "account_id", "txn_date", "id"),
    )


class SavingsMonthEndRun(db.Model):
    """One product's month-end interest, profit sharing or bonus: run once per month."""

    __tablename__ = "savings_month_end_runs"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    product_id = db.Column(db.Integer, db.ForeignKey("savings_products.id"), nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    kind = db.Column(db.String(20), nullable=False)  # interest, profit_sharing, wadiah_bonus
    # Mudharabah: the income the manager declared distributable; wadiah: the bonus total.
    basis_amount = db.Column(Money)
    accounts = db.Column(db.Integer, nullable=False, default=0)
    total = db.Column(Money, nullable=False, default=0)
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"))  # None: nothing was due
    run_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    run_by = db.Column(db.Integer, db.ForeignKey("users.id"))

    product = db.relationship("SavingsProduct", lazy="joined")

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "product_id", "period_end",
                            name="uq_savings_month_end_runs_period"),
    )


class RemittanceAllocation(db.Model):
    """A member's standing instruction for splitting remittances they receive."""

    __tablename__ = "remittance_allocations"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False, unique=True)
    savings_account_id = db.Column(db.Integer, db.ForeignKey("savings_accounts.id"))
    savings_pct = db.Column(db.Integer)  # percent of the remittance, or
    savings_fixed = db.Column(Money)  # a fixed amount
    pay_wajib_due = db.Column(db.Boolean, nullable=False, default=True)
    # Whether the instalments due on the member's loans are paid from each remittance.
    pay_instalment_due = db.Column(db.Boolean, nullable=False, default=True)

    savings_account = db.relationship("SavingsAccount", lazy="joined")


class Remittance(db.Model):
    __tablename__ = "remittances"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False, index=True)
    migrant_worker_id = db.Column(db.Integer, db.ForeignKey("migrant_workers.id"), nullable=False)
    country = db.Column(db.String(100), nullable=False)
    channel = db.Column(db.String(20), nullable=False)
    currency = db.Column(db.String(3), nullable=False, default="IDR")
    foreign_amount = db.Column(Money)
    # IDR per unit of the currency, as a decimal string (exact, e.g. "2015.75").
    rate = db.Column(db.String(20))
    amount_idr = db.Column(Money, nullable=False)
    received_on = db.Column(db.Date, nullable=False)
    reference = db.Column(db.String(60), nullable=False)
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"), nullable=False)
    saved_amount = db.Column(Money, nullable=False, default=0)
    cash_paid = db.Column(Money, nullable=False, default=0)
    # The parts taken from it, in order: [{"part": "wajib"|"savings"|"cash", "amount": "..."
    # (decimal string), and for savings parts "account_id", "account_number", "product"}].
    split = db.Column(db.JSON)
    # Set when a manager reversed the remittance's entry: the record stays, marked, out of
    # every total, and its reference is free for the transfer to be recorded again.
    reversal_entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"))

    member = db.relationship("Member")
    sender = db.relationship("MigrantWorker")
    entry = db.relationship("JournalEntry", foreign_keys=[entry_id])
    reversal_entry = db.relationship("JournalEntry", foreign_keys=[reversal_entry_id])

    __table_args__ = (
        # The same transfer cannot be recorded twice while its record stands.
        db.Index("uq_remittances_reference", "cooperative_id", "reference", unique=True,
                 sqlite_where=db.text("reversal_entry_id IS NULL"),
                 postgresql_where=db.text("reversal_entry_id IS NULL")),
        db.Index("ix_remittances_coop_date", "cooperative_id", "received_on"),
    )

    @property
    def split_list(self):
        """The stored split as a list (a driver may hand JSON back as text)."""
        parts = self.split or []
        return json.loads(parts) if isinstance(parts, str) else list(parts)

    @property
    def reversed_on(self):
        return self.reversal_entry.entry_date if self.reversal_entry_id else None


def remittance_stands():
    """SQL condition: the remittance's journal entry has not been reversed (totals of
    remittances count only these)."""
    return Remittance.reversal_entry_id.is_(None)
