"""Month-end snapshots of the indicators: what a cooperative's figures were for a period, so
that history does not change when a member later moves category or leaves."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db

PERIOD_KINDS = ("month", "quarter", "year")


class IndicatorSnapshot(db.Model):
    """One figure of one cooperative for one period: an indicator (catalogue.INDICATORS) in
    one cut ("all", "category:family", "gender:F", ...), as a numerator and, for a ratio or a
    mean, a denominator. Money in sen, counts as they are. Written once, never updated."""
    __tablename__ = "indicator_snapshots"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    period_kind = db.Column(db.String(8), nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    indicator = db.Column(db.String(40), nullable=False)
    cut = db.Column(db.String(40), nullable=False)
    numerator = db.Column(db.BigInteger, nullable=False)
    denominator = db.Column(db.BigInteger)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "period_kind", "period_end", "indicator", "cut",
                            name="uq_indicator_snapshots"),
        # The roll-up's reads (indicators/report.py): every cooperative's figures of one cut
        # for a run of period ends, summed from the index alone (a covering index).
        db.Index("ix_indicator_snapshots_cut", "period_kind", "cut", "period_end", "indicator",
                 "cooperative_id", "numerator", "denominator"),
        db.CheckConstraint("period_kind in ('month', 'quarter', 'year')", name="period_kind"),
    )
