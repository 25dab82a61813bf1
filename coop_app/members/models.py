"""Members (anggota) and migrant workers (PMI/TKI) of one cooperative."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db

ACTIVE, RESIGNED, DECEASED = "active", "resigned", "deceased"
# A registration made in error and reversed: the record stays for the books, but the person
# never was a member, so their NIK is free to be registered again.
CANCELLED = "cancelled"
MEMBER_STATUSES = (ACTIVE, RESIGNED, DECEASED, CANCELLED)
# Desmigratif categories: prospective migrant (calon TKI), family of a migrant abroad,
# returnee (TKI purna, eligible for three years after return), or other villagers.
CTKI, FAMILY, RETURNEE, OTHER = "ctki", "family", "returnee", "other"
CATEGORIES = (CTKI, FAMILY, RETURNEE, OTHER)
RELATIONSHIPS = ("spouse", "child", "parent")
GENDERS = ("M", "F")
RETURNEE_ELIGIBLE_YEARS = 3


class MigrantWorker(db.Model):
    __tablename__ = "migrant_workers"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    gender = db.Column(db.String(1))
    destination_country = db.Column(db.String(100), nullable=False)
    sector = db.Column(db.String(40), nullable=False)
    departure_date = db.Column(db.Date)
    expected_return_date = db.Column(db.Date)
    actual_return_date = db.Column(db.Date)
    procedural = db.Column(db.Boolean, nullable=False, default=True)
    notes = db.Column(db.String(500))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    @property
    def abroad(self):
        return self.actual_return_date is None


class Member(db.Model):
    __tablename__ = "members"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    member_number = db.Column(db.String(30), nullable=False)
    nik = db.Column(db.String(16), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    # Lower-cased name for an index-friendly prefix search.
    name_search = db.Column(db.String(200), nullable=False)
    gender = db.Column(db.String(1), nullable=False)
    birth_date = db.Column(db.Date, nullable=False)
    address = db.Column(db.String(300), nullable=False)
    phone = db.Column(db.String(30))
    join_date = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(10), nullable=False, default=ACTIVE)
    left_on = db.Column(db.Date)
    category = db.Column(db.String(10), nullable=False)
    # family: the migrant abroad they belong to; returnee: their own migrant record.
    migrant_worker_id = db.Column(db.Integer, db.ForeignKey("migrant_workers.id"), index=True)
    relationship = db.Column(db.String(10))
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    migrant_worker = db.relationship("MigrantWorker", lazy="joined")

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "member_number", name="uq_members_number"),
        # One standing membership per person; cancelled registrations do not count.
        db.Index("uq_members_nik", "cooperative_id", "nik", unique=True,
                 sqlite_where=db.text("status <> 'cancelled'"),
                 postgresql_where=db.text("status <> 'cancelled'")),
        # The NIK search (a prefix range) over every member, cancelled ones included.
        db.Index("ix_members_coop_nik", "cooperative_id", "nik"),
        # Name-prefix search: a range on SQLite; LIKE 'x%' on PostgreSQL, which can use the
        # index under any collation only with the pattern operator class.
        db.Index("ix_members_coop_name", "cooperative_id", "name_search",
                 postgresql_ops={"name_search": "varchar_pattern_ops"}),
        db.Index("ix_members_coop_status", "cooperative_id", "status"),
        db.CheckConstraint("status in ('active', 'resigned', 'deceased', 'cancelled')", name="status"),
        db.CheckConstraint("category in ('ctki', 'family', 'returnee', 'other')", name="category"),
        db.CheckConstraint("gender in ('M', 'F')", name="gender"),
    )
