"""One row per insert, update or delete of business data."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"))
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    at = db.Column(db.DateTime, nullable=False, default=utcnow)
    action = db.Column(db.String(10), nullable=False)
    table_name = db.Column(db.String(60), nullable=False)
    row_id = db.Column(db.Integer)
    before = db.Column(db.JSON)
    after = db.Column(db.JSON)

    actor = db.relationship("User", lazy="joined")

    __table_args__ = (
        db.Index("ix_audit_log_coop_at", "cooperative_id", "at"),
        db.Index("ix_audit_log_row", "table_name", "row_id"),
    )
