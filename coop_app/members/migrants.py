"""Migrant workers (PMI/TKI) of members' families: their records, and who is linked to them.

A family member links to the migrant abroad they belong to; a returnee links to their own
record, whose actual return date starts their three years in the programme.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.cooperatives.clock import local_today
from coop_app.cooperatives.service import today_of
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.models import GENDERS, RETURNEE, Member, MigrantWorker

SECTORS = ("domestic", "caregiving", "manufacturing", "plantation", "construction", "fishing",
           "hospitality", "other")


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class MigrantData:
    name: str
    destination_country: str
    sector: str
    departure_date: date | None = None
    expected_return_date: date | None = None
    actual_return_date: date | None = None
    procedural: bool = True
    gender: str | None = None
    notes: str | None = None


def get_migrant(cooperative_id, migrant_id):
    migrant = db.session.execute(select(MigrantWorker).where(
        MigrantWorker.cooperative_id == cooperative_id, MigrantWorker.id == migrant_id)).scalar_one_or_none()
    if migrant is None:
        raise NotFound(_l("Migrant worker not found."))
    return migrant


def clean_migrant(data: MigrantData, today=None):
    """The columns of a migrant-worker row, or InvalidField (no database)."""
    today = today or local_today()
    name = (data.name or "").strip()
    country = (data.destination_country or "").strip()
    if not name or len(name) > 200:
        raise InvalidField("name", _l("Fill in the migrant worker's name."))
    if not country or len(country) > 100:
        raise InvalidField("destination_country", _l("Fill in the destination country."))
    if data.sector not in SECTORS:
        raise InvalidField("sector", _l("Choose the sector of work abroad."))
    departure, expected, actual = (data.departure_date, data.expected_return_date,
                                   data.actual_return_date)
    for field, day in (("departure_date", departure), ("expected_return_date", expected),
                       ("actual_return_date", actual)):
        if day is not None and (not isinstance(day, date) or day.year < 1950 or day.year > today.year + 20):
            raise InvalidField(field, _l("That date is not plausible."))
    if departure and actual and actual < departure:
        raise InvalidField("actual_return_date", _l("The return date is before the departure date."))
    if departure and expected and expected < departure:
        raise InvalidField("expected_return_date", _l("The expected return is before the departure date."))
    if actual and actual > today:
        raise InvalidField("actual_return_date", _l("The actual return date cannot be in the future."))
    notes = (data.notes or "").strip() or None
    if notes and len(notes) > 500:
        raise InvalidField("notes", _l("The notes are too long (at most 500 characters)."))
    return dict(name=name, destination_country=country, sector=data.sector,
                departure_date=departure, expected_return_date=expected,
                actual_return_date=actual, procedural=bool(data.procedural),
                gender=data.gender if data.gender in GENDERS else None, notes=notes)


def add_migrant(cooperative_id, data: MigrantData):
    migrant = MigrantWorker(cooperative_id=cooperative_id, **clean_migrant(data, today_of(cooperative_id)))
    db.session.add(migrant)
    db.session.flush()
    return migrant


def create_migrant(cooperative_id, name, destination_country, sector, departure_date=None,
                   expected_return_date=None, actual_return_date=None, procedural=True,
                   gender=None, notes=None):
    return add_migrant(cooperative_id, MigrantData(
        name, destination_country, sector, departure_date, expected_return_date,
        actual_return_date, procedural, gender, notes))


def update_migrant(cooperative_id, migrant_id, data: MigrantData):
    """Edit a migrant worker's record, e.g. record the actual return."""
    migrant = get_migrant(cooperative_id, migrant_id)
    fields = clean_migrant(data, today_of(cooperative_id))
    if fields["actual_return_date"] is None and db.session.execute(select(Member.id).where(
            Member.cooperative_id == cooperative_id, Member.migrant_worker_id == migrant.id,
            Member.category == RETURNEE).limit(1)).first():
        raise InvalidField("actual_return_date", _l(
            "A returnee member is linked to this record: keep its return date."))
    for key, value in fields.items():
        setattr(migrant, key, value)
    db.session.flush()
    return migrant


def migrants_query(cooperative_id, text=None, abroad=None):
    """The cooperative's migrant workers by name, optionally by name prefix and whereabouts."""
    query = select(MigrantWorker).where(MigrantWorker.cooperative_id == cooperative_id)
    text = (text or "").replace("\x00", "").strip()
    if text:
        query = query.where(func.lower(MigrantWorker.name).like(f"{escape_like(text.lower())}%",
                                                                escape="\\"))
    if abroad is True:
        query = query.where(MigrantWorker.actual_return_date.is_(None))
    elif abroad is False:
        query = query.where(MigrantWorker.actual_return_date.is_not(None))
    return query.order_by(MigrantWorker.name, MigrantWorker.id)


def linked_counts(cooperative_id, migrant_ids):
    """{migrant id: number of members linked} for a page of migrants (one GROUP BY)."""
    if not migrant_ids:
        return {}
    return dict(db.session.execute(
        select(Member.migrant_worker_id, func.count())
        .where(Member.cooperative_id == cooperative_id, Member.migrant_worker_id.in_(migrant_ids))
        .group_by(Member.migrant_worker_id)).all())


def migrant_choices(cooperative_id):
    return db.session.execute(
        select(MigrantWorker.id, MigrantWorker.name, MigrantWorker.destination_country)
        .where(MigrantWorker.cooperative_id == cooperative_id)
        .order_by(MigrantWorker.name, MigrantWorker.id)).all()


def linked_members(cooperative_id, migrant_id):
    return db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.migrant_worker_id == migrant_id)
        .order_by(Member.name_search, Member.id)).scalars().all()
