"""A member's productive business."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.money import Money

SECTORS = ("agriculture", "livestock", "fishery", "food_processing", "handicraft", "trade",
           "services", "other")


class Enterprise(db.Model):
    __tablename__ = "enterprises"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    sector = db.Column(db.String(20), nullable=False)
    products = db.Column(db.String(300), nullable=False)
    start_date = db.Column(db.Date, nullable=False)
    workers = db.Column(db.Integer, nullable=False, default=1)
    address = db.Column(db.String(300))
    is_ovop = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # The day it stopped trading: a closed enterprise stays on record (active is False).
    closed_on = db.Column(db.Date)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    # Loaded explicitly where it is shown (the list joins it); never one query per row.
    member = db.relationship("Member", lazy="raise")

    __table_args__ = (
        db.Index("ix_enterprises_coop", "cooperative_id", "active"),
        db.CheckConstraint("workers >= 0", name="workers"),
    )


# An enterprise reports a month or a quarter at a time.
REPORT_MONTH, REPORT_QUARTER = "month", "quarter"
REPORT_PERIODS = (REPORT_MONTH, REPORT_QUARTER)
# The people working in it, by kind and gender: the column of each (kind, gender).
WORKER_KINDS = ("owner", "family", "hired")
WORKER_COLUMNS = {(kind, gender): f"{kind}_{gender.lower()}" for kind in WORKER_KINDS
                  for gender in ("M", "F")}


class EnterpriseReport(db.Model):
    """What an enterprise did in one month or quarter: turnover (omzet), costs and net
    income (turnover less costs) in sen, the people working in it at the period's end by
    kind (owner, unpaid family, hired) and gender, where it sells and the permits it holds."""
    __tablename__ = "enterprise_reports"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False)
    period_kind = db.Column(db.String(8), nullable=False)
    period_start = db.Column(db.Date, nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    turnover = db.Column(Money, nullable=False, default=0)
    costs = db.Column(Money, nullable=False, default=0)
    net_income = db.Column(Money, nullable=False, default=0)
    owner_m = db.Column(db.Integer, nullable=False, default=0)
    owner_f = db.Column(db.Integer, nullable=False, default=0)
    family_m = db.Column(db.Integer, nullable=False, default=0)
    family_f = db.Column(db.Integer, nullable=False, default=0)
    hired_m = db.Column(db.Integer, nullable=False, default=0)
    hired_f = db.Column(db.Integer, nullable=False, default=0)
    sells_local = db.Column(db.Boolean, nullable=False, default=True)
    sells_online = db.Column(db.Boolean, nullable=False, default=False)
    sells_export = db.Column(db.Boolean, nullable=False, default=False)
    has_nib = db.Column(db.Boolean, nullable=False, default=False)
    has_pirt = db.Column(db.Boolean, nullable=False, default=False)
    has_halal = db.Column(db.Boolean, nullable=False, default=False)
    created_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.UniqueConstraint("enterprise_id", "period_kind", "period_start",
                            name="uq_enterprise_reports_period"),
        db.Index("ix_enterprise_reports_coop", "cooperative_id", "period_end"),
        db.CheckConstraint("period_kind in ('month', 'quarter')", name="period_kind"),
        db.CheckConstraint("period_start <= period_end", name="period_order"),
        db.CheckConstraint("turnover >= 0 and costs >= 0", name="amounts"),
        db.CheckConstraint(
            "owner_m >= 0 and owner_f >= 0 and family_m >= 0 and family_f >= 0"
            " and hired_m >= 0 and hired_f >= 0", name="workers"),
    )

    @property
    def workers(self):
        return sum(getattr(self, column) for column in WORKER_COLUMNS.values())
