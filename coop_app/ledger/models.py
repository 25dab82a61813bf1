"""Double-entry tables. Their names are fixed: audits and tools rely on them (DESIGN.md)."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.money import ZERO, Money

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = "asset", "liability", "equity", "income", "expense"
ACCOUNT_TYPES = (ASSET, LIABILITY, EQUITY, INCOME, EXPENSE)
# Debit-normal accounts show their balance as the signed sum; credit-normal ones negated.
DEBIT_NORMAL = (ASSET, EXPENSE)


class GLAccount(db.Model):
    __tablename__ = "gl_accounts"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    code = db.Column(db.String(20), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200))
    type = db.Column(db.String(10), nullable=False)
    parent_id = db.Column(db.Integer, db.ForeignKey("gl_accounts.id"))
    # A group account only sums its children; lines are never posted to it.
    is_group = db.Column(db.Boolean, nullable=False, default=False)
    # The stable name services use to find an account ("cash", "simpanan_wajib", ...).
    system_key = db.Column(db.String(40))
    active = db.Column(db.Boolean, nullable=False, default=True)

    parent = db.relationship("GLAccount", remote_side=[id])

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "code", name="uq_gl_accounts_code"),
        db.UniqueConstraint("cooperative_id", "system_key", name="uq_gl_accounts_system_key"),
        db.CheckConstraint(
            "type in ('asset', 'liability', 'equity', 'income', 'expense')", name="type"),
    )

    @property
    def debit_normal(self):
        return self.type in DEBIT_NORMAL

    def display_name(self, locale="id"):
        return self.name_en if locale == "en" and self.name_en else self.name

    def __repr__(self):
        return f"<GLAccount {self.code} {self.name}>"


class JournalEntry(db.Model):
    __tablename__ = "journal_entries"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    entry_date = db.Column(db.Date, nullable=False)
    posted_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    kind = db.Column(db.String(30), nullable=False)
    memo = db.Column(db.String(500), nullable=False, default="")
    created_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    idempotency_key = db.Column(db.String(100), nullable=False)
    reverses_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"), unique=True)

    lines = db.relationship("JournalLine", back_populates="entry", order_by="JournalLine.id",
                            lazy="selectin")
    reverses = db.relationship("JournalEntry", remote_side=[id], foreign_keys=[reverses_id],
                               backref=db.backref("reversed_by", uselist=False))
    creator = db.relationship("User", lazy="joined")

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "idempotency_key",
                            name="uq_journal_entries_idempotency"),
        db.Index("ix_journal_entries_coop_date", "cooperative_id", "entry_date", "id"),
        db.Index("ix_journal_entries_coop_kind", "cooperative_id", "kind"),
    )

    @property
    def total(self):
        """The entry's size: the sum of its debits."""
        return sum((line.amount for line in self.lines if line.amount > 0), ZERO)


class JournalLine(db.Model):
    __tablename__ = "journal_lines"

    id = db.Column(db.Integer, primary_key=True)
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"), nullable=False)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    account_id = db.Column(db.Integer, db.ForeignKey("gl_accounts.id"), nullable=False)
    # Signed sen: debit positive, credit negative.
    amount = db.Column(Money, nullable=False)
    memo = db.Column(db.String(200))
    # Sub-ledger references; their tables arrive with the savings and loans modules.
    member_id = db.Column(db.Integer)
    savings_account_id = db.Column(db.Integer)
    loan_id = db.Column(db.Integer)

    entry = db.relationship("JournalEntry", back_populates="lines")
    account = db.relationship("GLAccount", lazy="joined")

    __table_args__ = (
        db.CheckConstraint("amount <> 0", name="nonzero"),
        db.Index("ix_journal_lines_entry", "entry_id"),
        db.Index("ix_journal_lines_account", "account_id", "entry_id"),
        db.Index("ix_journal_lines_member", "member_id"),
        db.Index("ix_journal_lines_savings", "savings_account_id"),
        db.Index("ix_journal_lines_loan", "loan_id"),
    )

    @property
    def debit(self):
        return self.amount if self.amount > 0 else None

    @property
    def credit(self):
        return -self.amount if self.amount < 0 else None


class LedgerPeriod(db.Model):
    """A closed month. Entries dated on or before the latest closed period end are refused."""

    __tablename__ = "ledger_periods"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    closed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    closed_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    closing_entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"))

    closer = db.relationship("User", lazy="joined")

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "period_end", name="uq_ledger_periods_end"),
    )
