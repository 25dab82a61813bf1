"""Members (anggota) and migrant workers (PMI/TKI) of one cooperative."""
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.money import Money

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
    # The family card (KK) the member belongs to: households are counted by KK, not by member.
    household_id = db.Column(db.Integer, db.ForeignKey("households.id"), index=True)
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


# Household economic surveys: the one at joining is the baseline, then one a year.
BASELINE, FOLLOW_UP = "baseline", "follow_up"
SURVEY_KINDS = (BASELINE, FOLLOW_UP)
# Monthly income by source, in the order forms and exports show them.
INCOME_SOURCES = ("remittance", "enterprise", "wages", "farming", "other")


class Household(db.Model):
    """A family card (Kartu Keluarga): 16 digits, the first six its kecamatan's code like a
    NIK's. Members point to it; a household is reached when one of its members is active."""
    __tablename__ = "households"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    kk_number = db.Column(db.String(16), nullable=False)
    head_name = db.Column(db.String(200), nullable=False)
    head_gender = db.Column(db.String(1), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    address = db.Column(db.String(300))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "kk_number", name="uq_households_kk"),
        db.CheckConstraint("head_gender in ('M', 'F')", name="head_gender"),
        db.CheckConstraint("size between 1 and 30", name="size"),
    )


class HouseholdSurvey(db.Model):
    """One household economic survey: monthly income by source and monthly spending, in sen.
    `member_id` is the member who answered (whose birth date a survey may not precede)."""
    __tablename__ = "household_surveys"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    household_id = db.Column(db.Integer, db.ForeignKey("households.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), index=True)
    kind = db.Column(db.String(10), nullable=False)
    surveyed_on = db.Column(db.Date, nullable=False)
    enumerator = db.Column(db.String(200), nullable=False)
    income_remittance = db.Column(Money, nullable=False, default=0)
    income_enterprise = db.Column(Money, nullable=False, default=0)
    income_wages = db.Column(Money, nullable=False, default=0)
    income_farming = db.Column(Money, nullable=False, default=0)
    income_other = db.Column(Money, nullable=False, default=0)
    spending = db.Column(Money, nullable=False, default=0)
    created_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.Index("ix_household_surveys_household", "household_id", "surveyed_on"),
        db.Index("ix_household_surveys_coop", "cooperative_id", "surveyed_on"),
        db.CheckConstraint("kind in ('baseline', 'follow_up')", name="kind"),
        db.CheckConstraint(
            "income_remittance >= 0 and income_enterprise >= 0 and income_wages >= 0"
            " and income_farming >= 0 and income_other >= 0 and spending >= 0",
            name="non_negative"),
    )

    @property
    def income(self):
        return (self.income_remittance + self.income_enterprise + self.income_wages
                + self.income_farming + self.income_other)
