"""K4's household panel: income and spending of the same households at their baseline and
at a follow-up at least twelve months later, computed live from the surveys (never from
stored ratios or averaged means), with medians from the unit records.

A household is in the panel of period P when it has a baseline survey (its earliest, if
more) and a follow-up survey dated in P on or after the baseline's first anniversary; of
several such follow-ups the latest counts. Its cuts: gender is the head of household's,
category the current category of the member who answered that follow-up. Real income is the
follow-up's deflated to the baseline year's prices by the province's consumer price index:
follow-up x CPI(baseline year) / CPI(follow-up year).
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from coop_app.cooperatives.models import ConsumerPriceIndex, Cooperative
from coop_app.database import in_ids
from coop_app.extensions import db
from coop_app.indicators.enterprise import ids_of
from coop_app.indicators.figures import ALL
from coop_app.indicators.people import sen
from coop_app.members.models import (BASELINE, CATEGORIES, FOLLOW_UP, GENDERS, INCOME_SOURCES,
                                     Household, HouseholdSurvey, Member)
from coop_app.money import SEN

# Cells of fewer households than this are suppressed in programme views.
PANEL_MIN = 5
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PanelHousehold:
    """One household of the panel: its baseline and follow-up, amounts in sen (ints); the
    real follow-up income in sen at the baseline year's prices (a Decimal), or None when a
    CPI value is missing."""
    household_id: int
    cooperative_id: int
    head_gender: str
    category: str | None
    baseline_on: date
    follow_up_on: date
    baseline_income: int
    follow_up_income: int
    baseline_spending: int
    follow_up_spending: int
    real_follow_up_income: Decimal | None


@dataclass(frozen=True)
class IncomePanel:
    """The panel of a set of cooperatives in a period and cut. Amounts are Decimal rupiah
    rounded to the sen; shares are Decimal fractions (0..1). When `suppressed` (fewer than
    PANEL_MIN households) only `households` is known and every figure is None; the real
    figures are likewise None when fewer than PANEL_MIN households have CPI values
    (`real_suppressed`)."""
    households: int
    suppressed: bool
    baseline_mean: Decimal | None = None
    baseline_median: Decimal | None = None
    follow_up_mean: Decimal | None = None
    follow_up_median: Decimal | None = None
    change_of_mean: Decimal | None = None  # follow-up mean less baseline mean
    rose: int | None = None  # households whose income rose
    rose_share: Decimal | None = None
    real_households: int | None = None  # households with both CPI values
    real_missing: int | None = None  # households left out of the real figures
    real_suppressed: bool | None = None
    real_baseline_mean: Decimal | None = None  # of the real households
    real_baseline_median: Decimal | None = None
    real_follow_up_mean: Decimal | None = None  # at the baseline year's prices
    real_follow_up_median: Decimal | None = None
    real_change_of_mean: Decimal | None = None
    real_rose: int | None = None
    real_rose_share: Decimal | None = None
    spending_baseline_mean: Decimal | None = None
    spending_baseline_median: Decimal | None = None
    spending_follow_up_mean: Decimal | None = None
    spending_follow_up_median: Decimal | None = None
    spending_change_of_mean: Decimal | None = None


def anniversary(day):
    """The same date a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _income(survey):
    return sum((sen(getattr(survey.c, f"income_{source}")) for source in INCOME_SOURCES))


def _surveys(ids, kind, *where):
    s = HouseholdSurvey
    return (select(s.id, s.household_id, s.member_id, s.surveyed_on,
                   *(getattr(s, f"income_{source}") for source in INCOME_SOURCES), s.spending)
            .where(in_ids(s.cooperative_id, ids), s.kind == kind, *where))


def _candidates(ids, period):
    """Every follow-up dated in P of a household with a baseline, beside that baseline (its
    earliest): one row per follow-up, a few per household at most."""
    first = func.row_number().over(partition_by=HouseholdSurvey.household_id,
                                   order_by=(HouseholdSurvey.surveyed_on, HouseholdSurvey.id))
    in_period = (HouseholdSurvey.surveyed_on >= period.start, HouseholdSurvey.surveyed_on <= period.end)
    follow_up = _surveys(ids, FOLLOW_UP, *in_period).subquery("follow_up")
    # Only the baselines of households with a follow-up in P are ranked (a seek of the
    # household's surveys each), not every baseline of the programme.
    followed = (select(HouseholdSurvey.household_id)
                .where(in_ids(HouseholdSurvey.cooperative_id, ids), HouseholdSurvey.kind == FOLLOW_UP,
                       *in_period))
    ranked = (_surveys(ids, BASELINE, HouseholdSurvey.household_id.in_(followed))
              .add_columns(first.label("n")).subquery("ranked"))
    baseline = select(ranked).where(ranked.c.n == 1).subquery("baseline")
    return (select(Household.id.label("household_id"), Household.cooperative_id,
                   Household.head_gender, Member.category, Cooperative.province_code,
                   baseline.c.surveyed_on.label("baseline_on"),
                   follow_up.c.surveyed_on.label("follow_up_on"), follow_up.c.id.label("survey_id"),
                   _income(baseline).label("baseline_income"),
                   _income(follow_up).label("follow_up_income"),
                   sen(baseline.c.spending).label("baseline_spending"),
                   sen(follow_up.c.spending).label("follow_up_spending"))
            .select_from(follow_up)
            .join(baseline, baseline.c.household_id == follow_up.c.household_id)
            .join(Household, Household.id == follow_up.c.household_id)
            .join(Cooperative, Cooperative.id == Household.cooperative_id)
            .outerjoin(Member, Member.id == follow_up.c.member_id))


def _price_indexes(provinces):
    rows = db.session.execute(select(ConsumerPriceIndex.province_code, ConsumerPriceIndex.year,
                                     ConsumerPriceIndex.value)
                              .where(ConsumerPriceIndex.province_code.in_(provinces or [""])))
    return {(province, year): Decimal(value) for province, year, value in rows}


def _cut_test(key):
    """Whether a unit record is in the cut `key`; KeyError for a cut the panel does not have."""
    dimension, _, value = key.partition(":")
    if dimension == ALL:
        return lambda record: True
    if dimension == "gender" and value in GENDERS:
        return lambda record: record.head_gender == value
    if dimension == "category" and value in CATEGORIES:
        return lambda record: record.category == value
    raise KeyError(key)


def panel_households(cooperative_ids, period, cut=ALL):
    """The panel's unit records (PanelHousehold), one per household, by household id."""
    in_cut = _cut_test(cut or ALL)
    chosen = {}
    for row in db.session.execute(_candidates(ids_of(cooperative_ids), period)):
        if row.follow_up_on < anniversary(row.baseline_on):
            continue
        latest = chosen.get(row.household_id)
        if latest is None or (row.follow_up_on, row.survey_id) > (latest.follow_up_on, latest.survey_id):
            chosen[row.household_id] = row
    cpi = _price_indexes(sorted({row.province_code for row in chosen.values() if row.province_code}))
    records = []
    for household_id in sorted(chosen):
        row = chosen[household_id]
        then = cpi.get((row.province_code, row.baseline_on.year))
        now = cpi.get((row.province_code, row.follow_up_on.year))
        real = Decimal(row.follow_up_income) * then / now if then and now else None
        record = PanelHousehold(
            household_id, row.cooperative_id, row.head_gender, row.category, row.baseline_on,
            row.follow_up_on, int(row.baseline_income), int(row.follow_up_income),
            int(row.baseline_spending), int(row.follow_up_spending), real)
        if in_cut(record):
            records.append(record)
    return records


def rupiah(amount_in_sen):
    """Sen (an int or an exact Decimal) as Decimal rupiah rounded to the sen, half up."""
    return (Decimal(amount_in_sen) / HUNDRED).quantize(SEN, rounding=ROUND_HALF_UP)


def mean(values):
    return rupiah(_mean_sen(values))


def _mean_sen(values):
    return sum(values, Decimal(0)) / len(values)


def mean_change(before, after):
    """The follow-up mean less the baseline mean (not the mean of the changes), rounded once."""
    return rupiah(_mean_sen(after) - _mean_sen(before))


def median(values):
    """The middle value; for an even count, the mean of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return rupiah(ordered[middle])
    return rupiah((Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2)


def _real(records):
    real = [r for r in records if r.real_follow_up_income is not None]
    figures = dict(real_households=len(real), real_missing=len(records) - len(real),
                   real_suppressed=len(real) < PANEL_MIN)
    if len(real) < PANEL_MIN:
        return figures
    baseline = [r.baseline_income for r in real]
    follow_up = [r.real_follow_up_income for r in real]
    rose = sum(1 for r in real if r.real_follow_up_income > r.baseline_income)
    return figures | dict(
        real_baseline_mean=mean(baseline), real_baseline_median=median(baseline),
        real_follow_up_mean=mean(follow_up), real_follow_up_median=median(follow_up),
        real_change_of_mean=mean_change(baseline, follow_up), real_rose=rose,
        real_rose_share=Decimal(rose) / len(real))


def summarise(records):
    """The IncomePanel of some unit records (suppressed under PANEL_MIN households)."""
    n = len(records)
    if n < PANEL_MIN:
        return IncomePanel(households=n, suppressed=True)
    baseline = [r.baseline_income for r in records]
    follow_up = [r.follow_up_income for r in records]
    spent_then = [r.baseline_spending for r in records]
    spent_now = [r.follow_up_spending for r in records]
    rose = sum(1 for r in records if r.follow_up_income > r.baseline_income)
    return IncomePanel(
        households=n, suppressed=False,
        baseline_mean=mean(baseline), baseline_median=median(baseline),
        follow_up_mean=mean(follow_up), follow_up_median=median(follow_up),
        change_of_mean=mean_change(baseline, follow_up),
        rose=rose, rose_share=Decimal(rose) / n,
        spending_baseline_mean=mean(spent_then), spending_baseline_median=median(spent_then),
        spending_follow_up_mean=mean(spent_now), spending_follow_up_median=median(spent_now),
        spending_change_of_mean=mean_change(spent_then, spent_now),
        **_real(records))


def panel(cooperative_ids, period, cut=ALL):
    """The household panel of `cooperative_ids` for `period` in `cut` ("all", "gender:F",
    "category:family")."""
    return summarise(panel_households(cooperative_ids, period, cut))


def surveyed_select(cooperative_ids, t):
    """The count of the households of `cooperative_ids` with any survey dated on or before t
    (the coverage), as a scalar select (the report reads it beside its other counts)."""
    return (select(func.count(func.distinct(HouseholdSurvey.household_id)))
            .where(in_ids(HouseholdSurvey.cooperative_id, ids_of(cooperative_ids)),
                   HouseholdSurvey.surveyed_on <= t).scalar_subquery())


def surveyed(cooperative_ids, t):
    """Households of `cooperative_ids` with any survey dated on or before t (the coverage)."""
    return db.session.execute(select(surveyed_select(cooperative_ids, t))).scalar()
