"""A cooperative (KSP) or sharia cooperative (KSPPS/BMT) and where it is."""
from datetime import datetime, timezone

from coop_app.extensions import db

KSP = "ksp"
KSPPS = "kspps"
COOPERATIVE_TYPES = (KSP, KSPPS)


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
    founded_on = db.Column(db.Date, nullable=False)
    fiscal_year_start_month = db.Column(db.Integer, nullable=False, default=1)
    # How member numbers are made: {code}, {year} (of joining) and {seq} (a running number).
    member_number_pattern = db.Column(db.String(40), nullable=False, default="{year}.{seq:05d}",
                                      server_default="{year}.{seq:05d}")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (
        db.CheckConstraint("type in ('ksp', 'kspps')", name="type"),
        db.CheckConstraint("fiscal_year_start_month between 1 and 12", name="fiscal_month"),
    )

    @property
    def is_sharia(self):
        return self.type == KSPPS

    def __repr__(self):
        return f"<Cooperative {self.code}>"
