"""Creating and editing cooperatives' records. A new cooperative with its books and products
is opened by coop_app.provisioning, above the domains."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.cooperatives import regions
from coop_app.cooperatives.clock import (ZONES, local_today, zone_for_province_code,
                                         zone_for_province_name)
from coop_app.cooperatives.models import COOPERATIVE_TYPES, Cooperative

CODE = re.compile(r"^[A-Z0-9][A-Z0-9\-]{1,19}$")
TEXT_FIELDS = ("name", "village", "kecamatan", "kabupaten", "province")
PLACE_FIELDS = ("province", "kabupaten", "kecamatan", "village")
FIRST_COHORT = 2016  # the year Desmigratif began


def _place(fields):
    """Where the cooperative is: a desa of the official list by its code (`village_code`,
    what the admin's form sends), or, from scripts and imports, names as written, mapped to
    the list's codes where they can be (regions.match; the rest stays without a code and
    is listed for the admin)."""
    if "village_code" in fields:
        place = regions.place_of((fields.get("village_code") or "").strip())
        if place is None:
            raise InvalidField("village_code", _l("Choose the desa from the official list."))
        return place
    return regions.match(*((fields.get(key) or "").strip() for key in PLACE_FIELDS))


def _zone(fields, place):
    """The time zone given, else its province's (by code; by name before the list)."""
    if fields.get("time_zone"):
        if fields["time_zone"] not in ZONES:
            raise InvalidField("time_zone", _l("Choose WIB, WITA or WIT."))
        return fields["time_zone"]
    if place.province_code:
        return zone_for_province_code(place.province_code)
    return zone_for_province_name(place.province)


def _clean(fields):
    place = _place(fields)
    data = {"name": (fields.get("name") or "").strip(), **place.columns()}
    for key, value in data.items():
        if key.endswith("_code"):
            continue
        if not value:
            raise DomainError(_l("Fill in every field of the cooperative."))
        if len(value) > (200 if key == "name" else 100):
            raise DomainError(_l("A field of the cooperative is too long."))
    founded_on = fields.get("founded_on")
    if not isinstance(founded_on, date) or founded_on > local_today() or founded_on.year < 1900:
        raise DomainError(_l("The founding date must be a real date, not in the future."))
    month = fields.get("fiscal_year_start_month", 1)
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise DomainError(_l("The fiscal year starts in a month from 1 to 12."))
    data["founded_on"] = founded_on
    data["fiscal_year_start_month"] = month
    data["time_zone"] = _zone(fields, place)
    if "programme_cohort" in fields:  # scripts that do not name it leave it as it is
        data["programme_cohort"] = _cohort(fields["programme_cohort"])
    return data


def _cohort(year):
    """The year the village entered the Desmigratif programme, or None when not known."""
    if year is None:
        return None
    this_year = local_today().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_COHORT <= year <= this_year:
        raise InvalidField("programme_cohort", _l("The cohort is a year from %(first)d to %(last)d.",
                                                  first=FIRST_COHORT, last=this_year))
    return year


def add_cooperative(code, type_, **fields):
    """The cooperative's record alone (provisioning.create_cooperative adds its books)."""
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise DomainError(_l("The code is 2 to 20 capital letters, digits or dashes."))
    if type_ not in COOPERATIVE_TYPES:
        raise DomainError(_l("Choose KSP or KSPPS/BMT."))
    if db.session.execute(select(Cooperative.id).where(Cooperative.code == code)).first():
        raise DomainError(_l("Cooperative code %(code)s is already used.", code=code))
    data = _clean(fields)
    coop = Cooperative(code=code, type=type_, **data)
    db.session.add(coop)
    db.session.flush()
    return coop


def update_cooperative(coop_id, **fields):
    """Name and location may change; the code and type are fixed once books exist."""
    coop = get_cooperative(coop_id)
    for key, value in _clean(fields).items():
        setattr(coop, key, value)
    db.session.flush()
    return coop


def get_cooperative(coop_id):
    coop = db.session.get(Cooperative, coop_id)
    if coop is None:
        raise NotFound(_l("Cooperative not found."))
    return coop


def today_of(cooperative_id):
    """The cooperative's own date (its zone's, not the server's): for services that hold
    only its id."""
    return local_today(get_cooperative(cooperative_id))


def by_code(code):
    return db.session.execute(select(Cooperative).where(Cooperative.code == code)).scalar_one_or_none()
