"""Trainings, their participants, and assistance to enterprises."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.money import Money

TRAINING_TYPES = ("entrepreneurship", "skills", "financial_literacy", "packaging",
                  "digital_marketing", "other")
IN_KIND, CASH = "in_kind", "cash"
ASSISTANCE_KINDS = (IN_KIND, CASH)


class Training(db.Model):
    __tablename__ = "trainings"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    training_type = db.Column(db.String(20), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    held_on = db.Column(db.Date, nullable=False)
    provider = db.Column(db.String(200), nullable=False)
    created_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.Index("ix_trainings_coop", "cooperative_id", "held_on"),
        db.CheckConstraint(
            "training_type in ('entrepreneurship', 'skills', 'financial_literacy', 'packaging',"
            " 'digital_marketing', 'other')", name="training_type"),
    )


class TrainingParticipant(db.Model):
    """A member who attended a training, and the certificate they were given, if any."""
    __tablename__ = "training_participants"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    training_id = db.Column(db.Integer, db.ForeignKey("trainings.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False, index=True)
    certified = db.Column(db.Boolean, nullable=False, default=False)
    certificate_number = db.Column(db.String(60))

    __table_args__ = (
        db.UniqueConstraint("training_id", "member_id", name="uq_training_participants"),
    )


class Assistance(db.Model):
    """Help given to a member's enterprise, in kind (equipment, materials) or cash, with its
    value in sen. A record of the programme's support, not a movement of the books."""
    __tablename__ = "assistances"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False, index=True)
    given_on = db.Column(db.Date, nullable=False)
    kind = db.Column(db.String(8), nullable=False)
    description = db.Column(db.String(300), nullable=False)
    provider = db.Column(db.String(200), nullable=False)
    value = db.Column(Money, nullable=False)
    created_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.Index("ix_assistances_coop", "cooperative_id", "given_on"),
        db.CheckConstraint("kind in ('in_kind', 'cash')", name="kind"),
        db.CheckConstraint("value >= 0", name="value"),
    )
