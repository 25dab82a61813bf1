"""Household economic surveys: a household's monthly income by source and its monthly
spending, asked of one of its members by an enumerator. The first is the baseline (at
joining); follow-ups come after it, about yearly. The income indicator (K4) reads them as
unit records, so a survey is checked here and never typed in as a total.

A survey is a record staff may correct; the audit hook keeps every change.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.cooperatives.service import today_of
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.households import get_household
from coop_app.members.models import (BASELINE, INCOME_SOURCES, SURVEY_KINDS, Household,
                                     HouseholdSurvey, Member)

# The most a household earns from one source, or spends, in a month: a larger figure is a
# typing slip (a yearly figure, digits twice), not a village household's month.
MAX_MONTHLY = Decimal("1000000000")
AMOUNT_FIELDS = tuple(f"income_{source}" for source in INCOME_SOURCES) + ("spending",)


@dataclass
class SurveyData:
    kind: str
    surveyed_on: date
    member_id: int | None
    enumerator: str
    income_remittance: Decimal | None = None
    income_enterprise: Decimal | None = None
    income_wages: Decimal | None = None
    income_farming: Decimal | None = None
    income_other: Decimal | None = None
    spending: Decimal | None = None


def _amount(name, value):
    value = Decimal(0) if value is None else value
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidField(name, _l("That is not an amount."))
    if value < 0:
        raise InvalidField(name, _l("An income or spending cannot be negative (write 0 for none)."))
    if value > MAX_MONTHLY:
        raise InvalidField(name, _l("At most Rp1.000.000.000 a month: check the amount (a month's "
                                    "figure, not a year's)."))
    if value != value.quantize(Decimal("0.01")):
        raise InvalidField(name, _l("Amounts are exact to the sen: at most two decimals."))
    return value


def _respondent(cooperative_id, household, member_id, current=None):
    """The member who answered: one linked to the household (or the survey's own respondent
    when it is corrected after they were unlinked)."""
    if not member_id:
        raise InvalidField("member", _l("Choose the member who answered the survey."))
    member = db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.id == member_id)).scalar_one_or_none()
    if member is None or (member.household_id != household.id and member.id != current):
        raise InvalidField("member", _l("The respondent must be a member linked to this household."))
    return member


def _siblings(household_id, survey_id):
    query = select(HouseholdSurvey).where(HouseholdSurvey.household_id == household_id)
    if survey_id is not None:
        query = query.where(HouseholdSurvey.id != survey_id)
    return db.session.execute(query.order_by(HouseholdSurvey.surveyed_on)).scalars().all()


def _check_sequence(kind, day, others):
    """One baseline per household, follow-ups after it, one survey a day."""
    if any(other.surveyed_on == day for other in others):
        raise InvalidField("surveyed_on", _l("This household already has a survey on this date."))
    baseline = next((other for other in others if other.kind == BASELINE), None)
    if kind == BASELINE:
        if baseline is not None:
            raise InvalidField("kind", _l("This household already has its baseline survey "
                                          "(of %(date)s); record a follow-up.",
                                          date=baseline.surveyed_on.isoformat()))
        first = next((other for other in others), None)
        if first is not None and first.surveyed_on < day:
            raise InvalidField("surveyed_on", _l("The baseline comes before every follow-up (the "
                                                 "first is of %(date)s).",
                                                 date=first.surveyed_on.isoformat()))
    elif baseline is None:
        raise InvalidField("kind", _l("Record the household's baseline survey first."))
    elif day <= baseline.surveyed_on:
        raise InvalidField("surveyed_on", _l("A follow-up comes after the baseline survey (of "
                                             "%(date)s).", date=baseline.surveyed_on.isoformat()))


def _clean(cooperative_id, household, data: SurveyData, survey=None):
    if data.kind not in SURVEY_KINDS:
        raise InvalidField("kind", _l("Choose the kind of survey."))
    day = data.surveyed_on
    if not isinstance(day, date):
        raise InvalidField("surveyed_on", _l("This field is required."))
    if day > today_of(cooperative_id):
        raise InvalidField("surveyed_on", _l("The survey date cannot be in the future."))
    member = _respondent(cooperative_id, household, data.member_id,
                         current=survey.member_id if survey else None)
    if day < member.birth_date:
        raise InvalidField("surveyed_on", _l("The survey date is before the respondent's birth "
                                             "date (%(date)s).", date=member.birth_date.isoformat()))
    enumerator = " ".join((data.enumerator or "").split())
    if not enumerator or len(enumerator) > 200:
        raise InvalidField("enumerator", _l("Fill in the enumerator's name (at most 200 characters)."))
    fields = {name: _amount(name, getattr(data, name)) for name in AMOUNT_FIELDS}
    _check_sequence(data.kind, day, _siblings(household.id, survey.id if survey else None))
    return dict(kind=data.kind, surveyed_on=day, member_id=member.id, enumerator=enumerator,
                **fields)


def check_survey(cooperative_id, household_id, data: SurveyData):
    """The rules a new survey must meet (InvalidField if it does not); writes nothing."""
    return _clean(cooperative_id, get_household(cooperative_id, household_id), data)


def _locked_household(cooperative_id, household_id):
    """The household, its row locked: two surveys of one household saved at once would
    both pass the one-baseline and one-a-day checks."""
    household = get_household(cooperative_id, household_id)
    db.session.execute(select(Household.id).where(Household.id == household.id).with_for_update())
    return household


def record_survey(cooperative_id, household_id, data: SurveyData, created_by=None):
    household = _locked_household(cooperative_id, household_id)
    survey = HouseholdSurvey(cooperative_id=cooperative_id, household_id=household.id,
                             created_by=created_by, **_clean(cooperative_id, household, data))
    db.session.add(survey)
    db.session.flush()
    return survey


def update_survey(cooperative_id, survey_id, data: SurveyData):
    survey = get_survey(cooperative_id, survey_id)
    household = _locked_household(cooperative_id, survey.household_id)
    for key, value in _clean(cooperative_id, household, data, survey).items():
        setattr(survey, key, value)
    db.session.flush()
    return survey


def get_survey(cooperative_id, survey_id):
    survey = db.session.execute(select(HouseholdSurvey).where(
        HouseholdSurvey.cooperative_id == cooperative_id,
        HouseholdSurvey.id == survey_id)).scalar_one_or_none()
    if survey is None:
        raise NotFound(_l("Survey not found."))
    return survey


def household_surveys(cooperative_id, household_id):
    """The household's surveys, oldest first (the baseline leads)."""
    return db.session.execute(select(HouseholdSurvey).where(
        HouseholdSurvey.cooperative_id == cooperative_id,
        HouseholdSurvey.household_id == household_id)
        .order_by(HouseholdSurvey.surveyed_on, HouseholdSurvey.id)).scalars().all()
