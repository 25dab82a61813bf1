"""Loan and financing products, loans, their schedules, payments, history and month-end runs.

Amounts are Money (integer sen in the database). A loan's `principal_outstanding` and
`provision` are kept equal to its journal lines on the receivable and allowance accounts
(check-ledger verifies both), so the sub-ledger can never drift from the books.
"""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.money import Money

# The method of a product or loan (flat ... mudharabah) is a code of methods.py, whose table
# says everything that differs by method.
MONTHLY, WEEKLY = "monthly", "weekly"
FREQUENCIES = (MONTHLY, WEEKLY)

# Late charges: a daily rate on the overdue amount for each day late, or a fixed amount once
# per late instalment, charged at month-ends and at payment (late_charges.py). For sharia
# products the charge is ta'zir and goes to the social fund.
LATE_DAILY, LATE_FIXED, LATE_NONE = "daily_pct", "fixed", "none"
LATE_CHARGE_KINDS = (LATE_NONE, LATE_DAILY, LATE_FIXED)

# Early full repayment: pay all remaining interest/margin, or only the current period's
# (the rest waived: for murabahah a muqasah discount at the cooperative's discretion).
EARLY_ALL, EARLY_CURRENT = "all_remaining", "current_period"
EARLY_RULES = (EARLY_ALL, EARLY_CURRENT)

# A loan's purpose kind; the productive ones feed the programme's capital indicators.
WORKING_CAPITAL, INVESTMENT, CONSUMPTION, EDUCATION, OTHER_PURPOSE = (
    "working_capital", "investment", "consumption", "education", "other")
PURPOSE_KINDS = (WORKING_CAPITAL, INVESTMENT, CONSUMPTION, EDUCATION, OTHER_PURPOSE)
PRODUCTIVE = (WORKING_CAPITAL, INVESTMENT)

# Kolektibilitas, best to worst. Non-performing = kurang lancar, diragukan, macet.
LANCAR, DPK, KURANG_LANCAR, DIRAGUKAN, MACET = "lancar", "dpk", "kl", "diragukan", "macet"
QUALITY_CLASSES = (LANCAR, DPK, KURANG_LANCAR, DIRAGUKAN, MACET)
NON_PERFORMING = (KURANG_LANCAR, DIRAGUKAN, MACET)

# Loan statuses.
APPLIED, APPROVED, REJECTED, ACTIVE, PAID_OFF, WRITTEN_OFF, CANCELLED = (
    "applied", "approved", "rejected", "active", "paid_off", "written_off", "cancelled")
LOAN_STATUSES = (APPLIED, APPROVED, REJECTED, ACTIVE, PAID_OFF, WRITTEN_OFF, CANCELLED)


class LoanProduct(db.Model):
    __tablename__ = "loan_products"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    code = db.Column(db.String(20), nullable=False)
    name = db.Column(db.String(100), nullable=False)
    method = db.Column(db.String(12), nullable=False)
    # Yearly interest rate, margin rate (murabahah, flat on the financed amount) or expected
    # equivalent rate (mudharabah), in basis points: 1200 = 12%.
    rate_bp = db.Column(db.Integer, nullable=False, default=0)
    # Mudharabah: the cooperative's share of the realised profit (nisbah), in percent.
    nisbah_coop_pct = db.Column(db.Integer)
    min_term = db.Column(db.Integer, nullable=False, default=1)
    max_term = db.Column(db.Integer, nullable=False, default=36)
    min_amount = db.Column(Money, nullable=False, default=0)
    max_amount = db.Column(Money, nullable=False)
    frequency = db.Column(db.String(8), nullable=False, default=MONTHLY)
    grace_periods = db.Column(db.Integer, nullable=False, default=0)
    # Admin fee: a fixed amount plus a percentage (bp) of the amount, deducted at disbursement.
    admin_fee_fixed = db.Column(Money, nullable=False, default=0)
    admin_fee_bp = db.Column(db.Integer, nullable=False, default=0)
    late_charge_kind = db.Column(db.String(10), nullable=False, default=LATE_NONE)
    late_charge_daily_bp = db.Column(db.Integer, nullable=False, default=0)  # per day, of overdue
    late_charge_fixed = db.Column(Money, nullable=False, default=0)
    rounding = db.Column(db.Integer, nullable=False, default=1)  # 1, 100 or 1000 rupiah
    early_repayment_rule = db.Column(db.String(16), nullable=False, default=EARLY_CURRENT)
    # The amount may not exceed this multiple of the member's savings (None: no such limit).
    max_savings_multiple = db.Column(db.Integer)
    # Kolektibilitas bands: the first day past due of each class (lancar starts at 0).
    dpk_from_days = db.Column(db.Integer, nullable=False, default=1)
    kl_from_days = db.Column(db.Integer, nullable=False, default=91)
    diragukan_from_days = db.Column(db.Integer, nullable=False, default=121)
    macet_from_days = db.Column(db.Integer, nullable=False, default=181)
    # Provision rates (PPAP) in bp: general on lancar, specific on the rest net of collateral.
    provision_lancar_bp = db.Column(db.Integer, nullable=False, default=50)
    provision_dpk_bp = db.Column(db.Integer, nullable=False, default=300)
    provision_kl_bp = db.Column(db.Integer, nullable=False, default=1000)
    provision_diragukan_bp = db.Column(db.Integer, nullable=False, default=5000)
    provision_macet_bp = db.Column(db.Integer, nullable=False, default=10000)
    active = db.Column(db.Boolean, nullable=False, default=True)

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "code", name="uq_loan_products_code"),
        db.CheckConstraint(
            "method in ('flat', 'effective', 'annuity', 'murabahah', 'qardh', 'mudharabah')",
            name="method"),
        db.CheckConstraint("frequency in ('monthly', 'weekly')", name="frequency"),
        db.CheckConstraint("rounding in (1, 100, 1000)", name="rounding"),
        db.CheckConstraint("late_charge_kind in ('none', 'daily_pct', 'fixed')", name="late_charge_kind"),
        db.CheckConstraint("early_repayment_rule in ('all_remaining', 'current_period')",
                           name="early_repayment_rule"),
        db.CheckConstraint(
            "dpk_from_days <= kl_from_days and kl_from_days <= diragukan_from_days"
            " and diragukan_from_days <= macet_from_days", name="bands_ordered"),
    )


class Loan(db.Model):
    __tablename__ = "loans"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    number = db.Column(db.String(30), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("loan_products.id"), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), index=True)
    purpose = db.Column(db.String(300), nullable=False)
    # What the money is for; working capital and investment are productive (PRODUCTIVE).
    purpose_kind = db.Column(db.String(20), nullable=False, default="other", server_default="other")
    # Terms copied from the product at application, so later product edits change nothing.
    method = db.Column(db.String(12), nullable=False)
    # The principal: for murabahah the financed amount (cost price less down payment).
    amount = db.Column(Money, nullable=False)
    rate_bp = db.Column(db.Integer, nullable=False, default=0)
    term = db.Column(db.Integer, nullable=False)
    frequency = db.Column(db.String(8), nullable=False, default=MONTHLY)
    grace_periods = db.Column(db.Integer, nullable=False, default=0)
    rounding = db.Column(db.Integer, nullable=False, default=1)
    # Murabahah: the goods bought for the member, their cost, the member's down payment and
    # the disclosed margin (sale price = amount + margin).
    goods_description = db.Column(db.String(300))
    cost_price = db.Column(Money)
    down_payment = db.Column(Money)
    margin = db.Column(Money)
    admin_fee = db.Column(Money, nullable=False, default=0)
    # Collateral: savings pledged (blocked on that account) and other eligible collateral,
    # whose value is deducted before specific provisions.
    pledged_account_id = db.Column(db.Integer, db.ForeignKey("savings_accounts.id"))
    pledged_amount = db.Column(Money, nullable=False, default=0)
    collateral_description = db.Column(db.String(300))
    collateral_value = db.Column(Money, nullable=False, default=0)

    status = db.Column(db.String(12), nullable=False, default=APPLIED)
    applied_on = db.Column(db.Date, nullable=False)
    applied_by = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    decided_on = db.Column(db.Date)
    decided_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    decision_reason = db.Column(db.String(300))
    disbursed_on = db.Column(db.Date)
    disbursed_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    disbursement_entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"))
    closed_on = db.Column(db.Date)  # paid off or written off

    # Kept equal to the loan's journal lines (receivable, net of deferred margin).
    principal_outstanding = db.Column(Money, nullable=False, default=0)
    # Late charges charged at month-end and not yet paid (recognised when paid).
    penalty_due = db.Column(Money, nullable=False, default=0)
    # Set by the month-end job: days past due, kolektibilitas and the provision held for it
    # (kept equal to the loan's lines on the allowance account).
    days_past_due = db.Column(db.Integer, nullable=False, default=0)
    quality = db.Column(db.String(10), nullable=False, default=LANCAR)
    provision = db.Column(Money, nullable=False, default=0)
    schedule_version = db.Column(db.Integer, nullable=False, default=1)
    # Set on restructuring: the class the loan had then, which month-ends keep (at the best)
    # until the first instalments of the new schedule are paid on time (quality.held_class).
    restructured_class = db.Column(db.String(10))
    written_off_amount = db.Column(Money, nullable=False, default=0)
    recovered_amount = db.Column(Money, nullable=False, default=0)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The application form's submission key: a second submit of the same form, from any
    # browser tab or at the same moment, finds this loan instead of recording another.
    application_key = db.Column(db.String(64))

    product = db.relationship("LoanProduct", lazy="joined")
    member = db.relationship("Member", lazy="raise")

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "number", name="uq_loans_number"),
        db.Index("uq_loans_application_key", "cooperative_id", "application_key", unique=True),
        db.Index("ix_loans_coop_status", "cooperative_id", "status"),
        db.Index("ix_loans_coop_disbursed", "cooperative_id", "disbursed_on"),
        db.CheckConstraint(
            "status in ('applied', 'approved', 'rejected', 'active', 'paid_off', 'written_off',"
            " 'cancelled')", name="status"),
        db.CheckConstraint("quality in ('lancar', 'dpk', 'kl', 'diragukan', 'macet')", name="quality"),
        db.CheckConstraint("amount > 0", name="amount_positive"),
        db.CheckConstraint("principal_outstanding >= 0", name="outstanding_not_negative"),
        db.CheckConstraint("penalty_due >= 0", name="penalty_not_negative"),
        db.CheckConstraint("provision >= 0", name="provision_not_negative"),
    )


class LoanInstallment(db.Model):
    """One instalment of a loan's schedule. A restructuring supersedes the unpaid rest of a
    version with a new one; the old rows stay (history) with `superseded` set."""

    __tablename__ = "loan_installments"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    loan_id = db.Column(db.Integer, db.ForeignKey("loans.id"), nullable=False)
    version = db.Column(db.Integer, nullable=False, default=1)
    n = db.Column(db.Integer, nullable=False)
    due_date = db.Column(db.Date, nullable=False)
    principal = db.Column(Money, nullable=False)
    interest = db.Column(Money, nullable=False)  # interest, margin or expected profit share
    total = db.Column(Money, nullable=False)
    balance_after = db.Column(Money, nullable=False)
    paid_principal = db.Column(Money, nullable=False, default=0)
    paid_interest = db.Column(Money, nullable=False, default=0)
    # Interest waived on early full repayment (the instalment counts as settled).
    waived_interest = db.Column(Money, nullable=False, default=0)
    paid_on = db.Column(db.Date)  # the day it was fully settled
    superseded = db.Column(db.Boolean, nullable=False, default=False)
    # The day up to which its late days have been charged (by a month-end or a payment;
    # None: never): the next charge counts from the day after, so no day is charged twice.
    late_charged_through = db.Column(db.Date)

    __table_args__ = (
        db.UniqueConstraint("loan_id", "version", "n", name="uq_loan_installments_n"),
        # The oldest unpaid instalment of each loan: arrears, PAR and repayment allocation.
        db.Index("ix_loan_installments_open", "loan_id", "paid_on", "due_date"),
        # Covering: arrears per loan for a whole cooperative read the index alone.
        db.Index("ix_loan_installments_coop_due", "cooperative_id", "paid_on", "due_date", "loan_id",
                 "superseded"),
        db.CheckConstraint("paid_principal >= 0 and paid_principal <= principal", name="paid_principal"),
        db.CheckConstraint("paid_interest >= 0 and paid_interest + waived_interest <= interest",
                           name="paid_interest"),
    )


class LoanPayment(db.Model):
    """A repayment (or a recovery after write-off) and how it was allocated."""

    __tablename__ = "loan_payments"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    loan_id = db.Column(db.Integer, db.ForeignKey("loans.id"), nullable=False, index=True)
    paid_on = db.Column(db.Date, nullable=False)
    # cash, bank, savings (from the member's account), remittance, recovery
    source = db.Column(db.String(12), nullable=False)
    kind = db.Column(db.String(12), nullable=False, default="repayment")  # repayment, payoff, recovery
    amount = db.Column(Money, nullable=False)
    penalty = db.Column(Money, nullable=False, default=0)
    interest = db.Column(Money, nullable=False, default=0)
    principal = db.Column(Money, nullable=False, default=0)
    waived_interest = db.Column(Money, nullable=False, default=0)
    # [{"installment_id", "n", "principal", "interest"} (decimal strings)]: what reversal undoes.
    allocation = db.Column(db.JSON)
    # The late charge (or ta'zir) this payment charged for the days late up to its date, and
    # how (late_charges.Charge.as_json): what reversal undoes, restoring the charged-through days.
    late_charge = db.Column(Money, nullable=False, default=0)
    late_charged = db.Column(db.JSON)
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"), nullable=False, index=True)
    remittance_id = db.Column(db.Integer, db.ForeignKey("remittances.id"))
    savings_account_id = db.Column(db.Integer, db.ForeignKey("savings_accounts.id"))
    reversed = db.Column(db.Boolean, nullable=False, default=False)
    created_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.Index("ix_loan_payments_coop_date", "cooperative_id", "paid_on"),
        db.CheckConstraint("amount > 0", name="amount_positive"),
    )


class LoanEvent(db.Model):
    """The loan's history as its officers and auditors read it."""

    __tablename__ = "loan_events"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    loan_id = db.Column(db.Integer, db.ForeignKey("loans.id"), nullable=False, index=True)
    # applied, approved, rejected, cancelled, disbursed, repayment, paid_off, restructured,
    # quality_changed, written_off, recovery, reversed
    kind = db.Column(db.String(20), nullable=False)
    event_date = db.Column(db.Date, nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"))
    note = db.Column(db.String(300))
    detail = db.Column(db.JSON)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class LoanMonthEndRun(db.Model):
    """One cooperative's loan month-end (aging, quality, provisions, late charges): once a month."""

    __tablename__ = "loan_month_end_runs"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    loans = db.Column(db.Integer, nullable=False, default=0)
    provision_before = db.Column(Money, nullable=False, default=0)
    provision_after = db.Column(Money, nullable=False, default=0)
    late_charges = db.Column(Money, nullable=False, default=0)
    entry_id = db.Column(db.Integer, db.ForeignKey("journal_entries.id"))  # None: no change
    run_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    run_by = db.Column(db.Integer, db.ForeignKey("users.id"))

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "period_end", name="uq_loan_month_end_runs_period"),
    )
