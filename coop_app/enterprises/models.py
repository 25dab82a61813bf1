"""A member's productive business."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db

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
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    # Loaded explicitly where it is shown (the list joins it); never one query per row.
    member = db.relationship("Member", lazy="raise")

    __table_args__ = (
        db.Index("ix_enterprises_coop", "cooperative_id", "active"),
        db.CheckConstraint("workers >= 0", name="workers"),
    )
