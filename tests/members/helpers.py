"""Shared helpers of the member and enterprise tests: plausible NIKs, members registered
through the service, counts and balances read back from the database."""
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from coop_app.extensions import db
from coop_app.members import migrants
from coop_app.members import service as members
from coop_app.members.models import Member, MigrantWorker
from coop_app.membership import joining
from tests.support.books import cash, coop

D = Decimal
BIRTH = date(1990, 5, 17)
JOINED = date(2024, 2, 1)


def make_nik(birth=BIRTH, gender="M", region="320101", serial=1):
    """A NIK that passes every rule: Jawa Barat region, DDMMYY (+40 for women), a serial."""
    day = birth.day + (40 if gender == "F" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def data(name="Siti Aminah", gender="F", birth=BIRTH, serial=1, category="other", **changes):
    values = dict(nik=make_nik(birth, gender, serial=serial), name=name, gender=gender,
                  birth_date=birth, address="Desa Juntinyuat RT 02/03", phone="081234567890",
                  join_date=JOINED, category=category)
    values.update(changes)
    return members.MemberData(**values)


def register(coop_id, key=None, **changes):
    """A member registered (and committed) through the service."""
    member = joining.register_member(coop(coop_id), data(**changes), cash(coop_id),
                                     key or uuid.uuid4().hex)
    db.session.commit()
    return member


def migrant(coop_id, name="Rohman", country="Taiwan", sector="manufacturing", returned=None):
    record = migrants.create_migrant(coop_id, name, country, sector, departure_date=date(2019, 3, 1),
                                    actual_return_date=returned)
    db.session.commit()
    return record


def member_count(coop_id=None):
    query = select(func.count()).select_from(Member)
    if coop_id is not None:
        query = query.where(Member.cooperative_id == coop_id)
    return db.session.execute(query).scalar()


def migrant_count(coop_id):
    return db.session.execute(select(func.count()).select_from(MigrantWorker).where(
        MigrantWorker.cooperative_id == coop_id)).scalar()
