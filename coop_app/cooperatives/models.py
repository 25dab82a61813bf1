"""A cooperative (KSP) or sharia cooperative (KSPPS/BMT) and where it is."""
from coop_app.cooperatives.clock import DEFAULT_ZONE, ZONES, utc_now
from coop_app.extensions import db

KSP = "ksp"
KSPPS = "kspps"
COOPERATIVE_TYPES = (KSP, KSPPS)


# Rp50.000.000 in sen: above it (and above ten times the account's largest movement) a form
# asks for a second confirmation.
DEFAULT_LARGE_AMOUNT_SEN = 5_000_000_000


def utcnow():
    return utc_now()


class Cooperative(db.Model):
    __tablename__ = "cooperatives"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    type = db.Column(db.String(10), nullable=False)
    village = db.Column(db.String(100), nullable=False)  # desa
    kecamatan = db.Column(db.String(100), nullable=False)
    kabupaten = db.Column(db.String(100), nullable=False, index=True)
    province = db.Column(db.String(100), nullable=False, index=True)
    # The Kemendagri codes of the desa and the regions above it (cooperatives/regions.py);
    # the names above are filled from them. NULL where a region written before the official
    # list could not be mapped (the admin's cooperatives page lists those).
    province_code = db.Column(db.String(2), index=True)
    kabupaten_code = db.Column(db.String(5), index=True)
    kecamatan_code = db.Column(db.String(8))
    village_code = db.Column(db.String(13))
    founded_on = db.Column(db.Date, nullable=False)
    fiscal_year_start_month = db.Column(db.Integer, nullable=False, default=1)
    # How member numbers are made: {code}, {year} (of joining) and {seq} (a running number).
    member_number_pattern = db.Column(db.String(40), nullable=False, default="{year}.{seq:05d}",
                                      server_default="{year}.{seq:05d}")
    # WIB, WITA or WIT: the cooperative's "today" (cooperatives.clock.local_today).
    time_zone = db.Column(db.String(4), nullable=False, default=DEFAULT_ZONE, server_default=DEFAULT_ZONE)
    # An amount above this (in sen) asks for a second confirmation on the money forms.
    large_amount_sen = db.Column(db.BigInteger, nullable=False, default=DEFAULT_LARGE_AMOUNT_SEN,
                                 server_default=str(DEFAULT_LARGE_AMOUNT_SEN))
    # The year the village entered the Desmigratif programme (its cohort).
    programme_cohort = db.Column(db.Integer)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.CheckConstraint("type in ('ksp', 'kspps')", name="type"),
        db.CheckConstraint("fiscal_year_start_month between 1 and 12", name="fiscal_month"),
        db.CheckConstraint("time_zone in ('WIB', 'WITA', 'WIT')", name="time_zone"),
        db.CheckConstraint("large_amount_sen > 0", name="large_amount"),
    )

    @property
    def zone(self):
        return ZONES[self.time_zone or DEFAULT_ZONE]

    @property
    def region_mapped(self):
        """Whether its desa is a code of the official list (not only names as written)."""
        return self.village_code is not None

    @property
    def is_sharia(self):
        return self.type == KSPPS

    def __repr__(self):
        return f"<Cooperative {self.code}>"


class VillageProfile(db.Model):
    """The village of a cooperative in one year: its people, households, migrant households
    and people working abroad (the denominators of the programme's coverage indicators)."""
    __tablename__ = "village_profiles"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    population_m = db.Column(db.Integer, nullable=False)
    population_f = db.Column(db.Integer, nullable=False)
    households = db.Column(db.Integer, nullable=False)
    migrant_households = db.Column(db.Integer, nullable=False)
    working_abroad = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.UniqueConstraint("cooperative_id", "year", name="uq_village_profiles_year"),
        db.CheckConstraint(
            "population_m >= 0 and population_f >= 0 and households >= 0"
            " and migrant_households >= 0 and working_abroad >= 0", name="non_negative"),
        db.CheckConstraint("migrant_households <= households", name="migrant_households"),
    )


class ConsumerPriceIndex(db.Model):
    """The consumer price index of a province in a year (BPS, 2022 = 100), kept by an
    admin: real incomes are deflated by it."""
    __tablename__ = "consumer_price_indexes"

    id = db.Column(db.Integer, primary_key=True)
    province_code = db.Column(db.String(2), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    value = db.Column(db.Numeric(8, 2), nullable=False)

    __table_args__ = (
        db.UniqueConstraint("province_code", "year", name="uq_cpi_province_year"),
        db.CheckConstraint("value > 0", name="value"),
    )
