"""Households: the family card (Kartu Keluarga, KK) of the cooperative's members, so the
programme counts the households it reaches by KK, not by member. Recording and editing a
household, linking and unlinking its members, the list and its search, and a household
with its members and surveys. A household posts no money.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.migrants import escape_like
from coop_app.members.models import BASELINE, CANCELLED, GENDERS, Household, HouseholdSurvey, Member
from coop_app.members.nik import KKError, check_kk
from coop_app.members.service import _digit_prefix, get_member

KK_MESSAGES = {
    "format": _l("A KK number is exactly 16 digits."),
    "region": _l("The KK's region code (first six digits) is not a real province, kabupaten "
                 "and kecamatan."),
    "issued": _l("The KK's issue-date part (digits 7 to 12, DDMMYY) is not a real date."),
    "serial": _l("The KK's last four digits (its serial number) cannot be 0000."),
}
MAX_SIZE = 30  # households.size: a check constraint of the table


@dataclass
class HouseholdData:
    kk_number: str
    head_name: str
    head_gender: str
    size: int
    address: str | None = None


def validate_kk(kk):
    """The cleaned KK number, or InvalidField on kk_number with the rule it breaks."""
    try:
        return check_kk(kk)
    except KKError as error:
        raise InvalidField("kk_number", KK_MESSAGES[error.code]) from None


def _clean(cooperative_id, data: HouseholdData, household_id=None):
    kk = validate_kk(data.kk_number)
    clash = household_by_kk(cooperative_id, kk)
    if clash is not None and clash.id != household_id:
        raise InvalidField("kk_number", _l("A household with this KK number is already recorded."))
    head_name = " ".join((data.head_name or "").split())
    if not head_name or len(head_name) > 200:
        raise InvalidField("head_name", _l("Fill in the head of the household's name (at most "
                                           "200 characters)."))
    if data.head_gender not in GENDERS:
        raise InvalidField("head_gender", _l("Choose the head of the household's gender."))
    size = data.size
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_SIZE:
        raise InvalidField("size", _l("A household has 1 to %(max)d people.", max=MAX_SIZE))
    address = (data.address or "").strip() or None
    if address and len(address) > 300:
        raise InvalidField("address", _l("Fill in the address (at most 300 characters)."))
    return dict(kk_number=kk, head_name=head_name, head_gender=data.head_gender, size=size,
                address=address)


def check_household(cooperative_id, data: HouseholdData, household_id=None):
    """The rules a household's data must meet (InvalidField if it does not); writes nothing."""
    return _clean(cooperative_id, data, household_id)


def create_household(cooperative_id, data: HouseholdData):
    household = Household(cooperative_id=cooperative_id, **_clean(cooperative_id, data))
    db.session.add(household)
    db.session.flush()
    return household


def update_household(cooperative_id, household_id, data: HouseholdData):
    household = get_household(cooperative_id, household_id)
    fields = _clean(cooperative_id, data, household.id)
    linked = member_count(household.id)
    if fields["size"] < linked:
        raise InvalidField("size", _l("%(count)d members are linked to this household: its size "
                                      "cannot be smaller.", count=linked))
    for key, value in fields.items():
        setattr(household, key, value)
    db.session.flush()
    return household


def get_household(cooperative_id, household_id):
    household = db.session.execute(select(Household).where(
        Household.cooperative_id == cooperative_id, Household.id == household_id)).scalar_one_or_none()
    if household is None:
        raise NotFound(_l("Household not found."))
    return household


def household_by_kk(cooperative_id, kk_number):
    return db.session.execute(select(Household).where(
        Household.cooperative_id == cooperative_id,
        Household.kk_number == kk_number)).scalar_one_or_none()


def household_of(member):
    """The household a member is linked to, or None."""
    if member.household_id is None:
        return None
    return get_household(member.cooperative_id, member.household_id)


# -- members of a household ------------------------------------------------------------------

def member_count(household_id):
    return db.session.execute(select(func.count()).select_from(Member).where(
        Member.household_id == household_id)).scalar()


def household_members(cooperative_id, household_id):
    return db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.household_id == household_id)
        .order_by(Member.member_number)).scalars().all()


def member_by_number(cooperative_id, member_number):
    """The member of this number, or InvalidField on `member` (a form's or a row's)."""
    member = db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id,
        Member.member_number == (member_number or "").strip())).scalar_one_or_none()
    if member is None:
        raise InvalidField("member", _l("No member has this number."))
    return member


def link_member(cooperative_id, household_id, member_id):
    """Link a member of the same cooperative to the household: a member is in one KK at a
    time, and a household holds no more members than its size."""
    household = get_household(cooperative_id, household_id)
    db.session.execute(select(Household.id).where(Household.id == household.id).with_for_update())
    try:
        member = get_member(cooperative_id, member_id)
    except NotFound as error:
        raise InvalidField("member", error.message) from None
    if member.status == CANCELLED:
        raise InvalidField("member", _l("A cancelled registration cannot be linked to a household."))
    if member.household_id == household.id:
        raise InvalidField("member", _l("This member is already linked to this household."))
    if member.household_id is not None:
        other = get_household(cooperative_id, member.household_id)
        raise InvalidField("member", _l("This member is already linked to the household of KK "
                                        "%(kk)s; unlink them there first.", kk=other.kk_number))
    if member_count(household.id) >= household.size:
        raise InvalidField("member", _l("The household's size is %(size)d and as many members are "
                                        "linked; correct its size first.", size=household.size))
    member.household_id = household.id
    db.session.flush()
    return member


def unlink_member(cooperative_id, household_id, member_id):
    """Unlink a member from the household. The surveys they answered stay (a record of what
    was asked then)."""
    household = get_household(cooperative_id, household_id)
    member = get_member(cooperative_id, member_id)
    if member.household_id != household.id:
        raise NotFound(_l("This member is not linked to this household."))
    member.household_id = None
    db.session.flush()
    return member


# -- the list ---------------------------------------------------------------------------------

# The list's survey filters: households still without their baseline, and those whose last
# survey is a year old or more on `today` (a follow-up is due).
NO_BASELINE, FOLLOW_UP_DUE = "no_baseline", "follow_up_due"
SURVEY_FILTERS = (NO_BASELINE, FOLLOW_UP_DUE)


def a_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def households_query(cooperative_id, text=None, survey=None, today=None):
    """Households of the cooperative with their linked members and surveys counted, found by
    the start of their KK number or a part of the head's name, in KK order; `survey` one of
    SURVEY_FILTERS (FOLLOW_UP_DUE reads `today`, the cooperative's)."""
    members = (select(Member.household_id, func.count().label("members"))
               .where(Member.cooperative_id == cooperative_id, Member.household_id.is_not(None))
               .group_by(Member.household_id).subquery())
    surveys = (select(HouseholdSurvey.household_id, func.count().label("surveys"),
                      func.max(HouseholdSurvey.surveyed_on).label("last_surveyed_on"))
               .where(HouseholdSurvey.cooperative_id == cooperative_id)
               .group_by(HouseholdSurvey.household_id).subquery())
    query = (select(Household, func.coalesce(members.c.members, 0).label("members"),
                    func.coalesce(surveys.c.surveys, 0).label("surveys"), surveys.c.last_surveyed_on)
             .outerjoin(members, members.c.household_id == Household.id)
             .outerjoin(surveys, surveys.c.household_id == Household.id)
             .where(Household.cooperative_id == cooperative_id))
    text = " ".join((text or "").replace("\x00", "").split())[:200]
    if text:
        digits = text.replace(" ", "").replace(".", "")
        conditions = [func.lower(Household.head_name).like(f"%{escape_like(text.lower())}%",
                                                             escape="\\")]
        if digits.isascii() and digits.isdigit():
            conditions.append(_digit_prefix(Household.kk_number, digits[:16]))
        query = query.where(or_(*conditions))
    if survey == NO_BASELINE:
        baselines = select(HouseholdSurvey.household_id).where(
            HouseholdSurvey.cooperative_id == cooperative_id, HouseholdSurvey.kind == BASELINE)
        query = query.where(Household.id.not_in(baselines))
    elif survey == FOLLOW_UP_DUE:
        query = query.where(surveys.c.last_surveyed_on <= a_year_before(today))
    return query.order_by(Household.kk_number, Household.id)
