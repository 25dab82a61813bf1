"""The village of a cooperative, year by year: its population by gender, households, migrant
households and people working abroad, as the desa's own records give them.

They are the denominators of the programme's coverage indicators (household penetration,
migrant-household coverage): a figure for year Y divides by `profile_for(cooperative, Y)`,
the profile of Y or, when Y has none yet, the latest earlier one (a village counts its people
once a year or less often; the last count stands until the next). A year before the first
profile has none, and the indicator is then not computed for that village.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from coop_app.cooperatives.models import VillageProfile
from coop_app.cooperatives.service import get_cooperative, today_of
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db

FIRST_YEAR = 2000  # no village record the programme uses is older
MAX_COUNT = 1_000_000  # far beyond any desa; a typo guard
COUNTS = ("population_m", "population_f", "households", "migrant_households", "working_abroad")


@dataclass
class ProfileData:
    year: int
    population_m: int
    population_f: int
    households: int
    migrant_households: int
    working_abroad: int


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _clean(cooperative_id, data: ProfileData):
    this_year = today_of(cooperative_id).year
    if not _whole(data.year) or not FIRST_YEAR <= data.year <= this_year:
        raise InvalidField("year", _l("The year is from %(first)d to %(last)d.",
                                      first=FIRST_YEAR, last=this_year))
    values = {"year": data.year}
    for name in COUNTS:
        value = getattr(data, name)
        if not _whole(value) or not 0 <= value <= MAX_COUNT:
            raise InvalidField(name, _l("Write a whole number from 0 to 1,000,000."))
        values[name] = value
    if values["migrant_households"] > values["households"]:
        raise InvalidField("migrant_households", _l("Migrant households cannot be more than the "
                                                    "village's households (%(households)d).",
                                                    households=values["households"]))
    population = values["population_m"] + values["population_f"]
    if values["working_abroad"] > population:
        raise InvalidField("working_abroad", _l("People working abroad cannot be more than the "
                                                "village's population (%(population)d).",
                                                population=population))
    return values


def _year_taken(cooperative_id, year, profile_id=None):
    query = select(VillageProfile.id).where(VillageProfile.cooperative_id == cooperative_id,
                                            VillageProfile.year == year)
    if profile_id is not None:
        query = query.where(VillageProfile.id != profile_id)
    return db.session.execute(query).first() is not None


def _refuse_year(year):
    raise InvalidField("year", _l("The profile of %(year)d is already recorded: edit it instead.",
                                  year=year))


def _save(cooperative_id, profile, values):
    """Write the values; a year another profile already has (even one saved at the same
    moment) is refused with a message, not an error page."""
    if _year_taken(cooperative_id, values["year"], profile.id):
        _refuse_year(values["year"])
    for key, value in values.items():
        setattr(profile, key, value)
    try:
        with db.session.begin_nested():
            db.session.add(profile)
            db.session.flush()
    except IntegrityError:
        _refuse_year(values["year"])
    return profile


def record_profile(cooperative_id, data: ProfileData):
    """The profile of a year the cooperative has none for yet."""
    get_cooperative(cooperative_id)
    values = _clean(cooperative_id, data)
    return _save(cooperative_id, VillageProfile(cooperative_id=cooperative_id), values)


def update_profile(cooperative_id, profile_id, data: ProfileData):
    """Correct a year's profile (its year too, to one that has none)."""
    profile = get_profile(cooperative_id, profile_id)
    return _save(cooperative_id, profile, _clean(cooperative_id, data))


def get_profile(cooperative_id, profile_id):
    profile = db.session.execute(select(VillageProfile).where(
        VillageProfile.cooperative_id == cooperative_id,
        VillageProfile.id == profile_id)).scalar_one_or_none()
    if profile is None:
        raise NotFound(_l("Village profile not found."))
    return profile


def profiles(cooperative_id):
    """The cooperative's profiles, newest year first."""
    return db.session.execute(select(VillageProfile).where(
        VillageProfile.cooperative_id == cooperative_id)
        .order_by(VillageProfile.year.desc())).scalars().all()


def profile_for(cooperative_id, year):
    """The profile that stands for `year`: that year's, or else the latest earlier one; None
    when the village has no profile of `year` or before."""
    return db.session.execute(select(VillageProfile).where(
        VillageProfile.cooperative_id == cooperative_id, VillageProfile.year <= year)
        .order_by(VillageProfile.year.desc()).limit(1)).scalar_one_or_none()


def profiles_for(cooperative_ids, year):
    """profile_for of many cooperatives in one select, for set-based figures: a select of
    the VillageProfile rows that stand for `year` (one per cooperative that has any), to run
    or to join as a subquery on cooperative_id."""
    latest = (select(VillageProfile.cooperative_id, func.max(VillageProfile.year).label("year"))
              .where(VillageProfile.cooperative_id.in_(cooperative_ids), VillageProfile.year <= year)
              .group_by(VillageProfile.cooperative_id).subquery("latest"))
    return select(VillageProfile).join(latest, and_(
        VillageProfile.cooperative_id == latest.c.cooperative_id,
        VillageProfile.year == latest.c.year))
