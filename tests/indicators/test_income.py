"""K4's household panel against households built by hand through the household and survey
services: who is in the panel, means and medians from the unit records (an even count), the
change of the mean, the share whose income rose, real income through the CPI, suppression.

P = the year 2026. CPI of Jawa Barat (KSP-A's province): 2024 80.00, 2025 100.00,
2026 125.00; none for 2023. Monthly amounts in rupiah:

  household  head  respondent  baseline            follow-up(s) in P          in the panel?
  H1         F     Siti fam.   1 Mar 2025 2.0M/1.8M  15 Mar 2026 2.5M/2.0M    yes (two members)
  H2         M     Budi ret.   1 Feb 2025 3.0M/2.5M   1 Feb 2026 2.8M/2.4M    yes (the anniversary)
  H3         F     Citra fam.  10 Jun 2025 1.0M/0.9M  20 Jun 2026 1.2M/1.0M,
                                                      1 Sep 2026 1.6M/1.1M    yes (the latest)
  H4         M     Dedi other   5 May 2024 4.0M/3.0M   5 May 2026 5.0M/3.5M    yes (CPI 2024)
  H5         F     Eka other    1 Apr 2023 1.5M/1.4M   1 Apr 2026 2.0M/1.5M    yes (no CPI 2023)
  H6         M     Fajar fam.   1 Sep 2025 2.0M/...   15 Aug 2026 9.0M         no (under 12 months)
  H7         F     Gita other  10 Jan 2025 ...        follow-up 20 Dec 2025    no (not in P)
  H9         F     Indah ctki  10 Jan 2025 2.4M/2.0M  15 Jan 2026 3.0M/2.2M    yes
(income / spending). Panel: H1, H2, H3, H4, H5, H9 = 6 households.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from coop_app.cooperatives.models import ConsumerPriceIndex
from coop_app.extensions import db
from coop_app.indicators import income
from coop_app.indicators.periods import Period
from coop_app.members import households, surveys
from tests.indicators.joining import join

P = Period.year(2026)


@dataclass
class Homes:
    ksp: int
    other: int
    ids: dict  # "H1" -> household id


def household(coop_id, serial, head_gender, *member_ids, size=4):
    home = households.create_household(coop_id, households.HouseholdData(
        f"321211010120{serial:04d}", f"Kepala {serial}", head_gender, size))
    for member_id in member_ids:
        households.link_member(coop_id, home.id, member_id)
    return home.id


def survey(coop_id, home, kind, on, member_id, income_amount, spending, remittance="0"):
    """`income_amount` in all: `remittance` of it from abroad, the rest from other sources."""
    surveys.record_survey(coop_id, home, surveys.SurveyData(
        kind=kind, surveyed_on=on, member_id=member_id, enumerator="Pendamping Desa",
        income_remittance=D(remittance), income_other=D(income_amount) - D(remittance),
        spending=D(spending)))


@pytest.fixture
def homes(ctx, world):
    k = world.ksp_id
    siti, siti_husband = join(k, "Siti", "F", "family"), join(k, "Sarip", "M", "other")
    budi, citra = join(k, "Budi", "M", "returnee"), join(k, "Citra", "F", "family")
    dedi, eka = join(k, "Dedi", "M", "other"), join(k, "Eka", "F", "other")
    fajar, gita = join(k, "Fajar", "M", "family"), join(k, "Gita", "F", "other")
    indah = join(k, "Indah", "F", "ctki")
    base, follow = "baseline", "follow_up"
    ids = {}
    ids["H1"] = h = household(k, 1, "F", siti, siti_husband)
    survey(k, h, base, date(2025, 3, 1), siti, "2000000", "1800000", remittance="1500000")
    survey(k, h, follow, date(2026, 3, 15), siti, "2500000", "2000000", remittance="1800000")
    ids["H2"] = h = household(k, 2, "M", budi)
    survey(k, h, base, date(2025, 2, 1), budi, "3000000", "2500000")
    survey(k, h, follow, date(2026, 2, 1), budi, "2800000", "2400000")
    ids["H3"] = h = household(k, 3, "F", citra)
    survey(k, h, base, date(2025, 6, 10), citra, "1000000", "900000")
    survey(k, h, follow, date(2026, 6, 20), citra, "1200000", "1000000")
    survey(k, h, follow, date(2026, 9, 1), citra, "1600000", "1100000")
    ids["H4"] = h = household(k, 4, "M", dedi)
    survey(k, h, base, date(2024, 5, 5), dedi, "4000000", "3000000")
    survey(k, h, follow, date(2026, 5, 5), dedi, "5000000", "3500000")
    ids["H5"] = h = household(k, 5, "F", eka)
    survey(k, h, base, date(2023, 4, 1), eka, "1500000", "1400000")
    survey(k, h, follow, date(2026, 4, 1), eka, "2000000", "1500000")
    ids["H6"] = h = household(k, 6, "M", fajar)
    survey(k, h, base, date(2025, 9, 1), fajar, "2000000", "1500000")
    survey(k, h, follow, date(2026, 8, 15), fajar, "9000000", "1500000")
    ids["H7"] = h = household(k, 7, "F", gita)
    survey(k, h, base, date(2025, 1, 10), gita, "2500000", "2000000")
    survey(k, h, follow, date(2025, 12, 20), gita, "2600000", "2000000")
    ids["H9"] = h = household(k, 9, "F", indah)
    survey(k, h, base, date(2025, 1, 10), indah, "2400000", "2000000")
    survey(k, h, follow, date(2026, 1, 15), indah, "3000000", "2200000")
    # KSP-B: one household in its own panel.
    gilang = join(world.other_id, "Gilang", "M", "other")
    h = household(world.other_id, 11, "M", gilang)
    survey(world.other_id, h, base, date(2025, 1, 5), gilang, "1000000", "900000")
    survey(world.other_id, h, follow, date(2026, 1, 5), gilang, "1100000", "900000")
    for year, value in ((2024, "80.00"), (2025, "100.00"), (2026, "125.00")):
        db.session.add(ConsumerPriceIndex(province_code="32", year=year, value=D(value)))
    db.session.commit()
    return Homes(k, world.other_id, ids)


def test_the_panel_keeps_households_with_a_baseline_a_year_before_a_follow_up_in_p(homes):
    records = income.panel_households([homes.ksp], P)
    h = homes.ids
    assert [r.household_id for r in records] == sorted([h["H1"], h["H2"], h["H3"], h["H4"],
                                                        h["H5"], h["H9"]])
    h3 = next(r for r in records if r.household_id == h["H3"])
    assert (h3.follow_up_on, h3.follow_up_income) == (date(2026, 9, 1), 1_600_000_00)  # the latest
    assert income.panel([homes.ksp, homes.other], P).households == 7
    assert income.panel([homes.other], P).households == 1


def test_means_medians_change_of_the_mean_and_share_rose(homes):
    panel = income.panel([homes.ksp], P)
    assert (panel.households, panel.suppressed) == (6, False)
    # Baseline: 2.0 + 3.0 + 1.0 + 4.0 + 1.5 + 2.4 = 13.9M over 6 = 2,316,666.67 (half up);
    # sorted 1.0 1.5 2.0 | 2.4 3.0 4.0: median (2.0 + 2.4) / 2 = 2.2M.
    assert (panel.baseline_mean, panel.baseline_median) == (D("2316666.67"), D("2200000.00"))
    # Follow-up: 2.5 + 2.8 + 1.6 + 5.0 + 2.0 + 3.0 = 16.9M / 6 = 2,816,666.67; sorted
    # 1.6 2.0 2.5 | 2.8 3.0 5.0: median 2.65M. Change of the mean: 3.0M / 6 = 500,000.
    assert (panel.follow_up_mean, panel.follow_up_median) == (D("2816666.67"), D("2650000.00"))
    assert panel.change_of_mean == D("500000.00")
    # Rose: all but H2 (3.0M -> 2.8M): 5 of 6.
    assert (panel.rose, panel.rose_share) == (5, D(5) / D(6))
    # Spending: 1.8 + 2.5 + 0.9 + 3.0 + 1.4 + 2.0 = 11.6M / 6 = 1,933,333.33, median
    # (1.8 + 2.0) / 2 = 1.9M; follow-up 2.0 + 2.4 + 1.1 + 3.5 + 1.5 + 2.2 = 12.7M / 6 =
    # 2,116,666.67, median (2.0 + 2.2) / 2 = 2.1M; change 1.1M / 6 = 183,333.33.
    assert (panel.spending_baseline_mean, panel.spending_baseline_median) == (
        D("1933333.33"), D("1900000.00"))
    assert (panel.spending_follow_up_mean, panel.spending_follow_up_median) == (
        D("2116666.67"), D("2100000.00"))
    assert panel.spending_change_of_mean == D("183333.33")


def test_real_income_at_the_baseline_years_prices(homes):
    panel = income.panel([homes.ksp], P)
    # Follow-ups of 2026 x CPI(baseline year) / 125: H1 2.5M x 100/125 = 2.0M (not up),
    # H2 2.24M (down), H3 1.28M (up from 1.0M), H4 5.0M x 80/125 = 3.2M (down from 4.0M),
    # H9 2.4M (equal: not up); H5's baseline year 2023 has no CPI: left out.
    assert (panel.real_households, panel.real_missing, panel.real_suppressed) == (5, 1, False)
    # Baseline of these five: 2.0 + 3.0 + 1.0 + 4.0 + 2.4 = 12.4M / 5 = 2.48M, median 2.4M.
    assert (panel.real_baseline_mean, panel.real_baseline_median) == (D("2480000.00"), D("2400000.00"))
    # Real follow-up: 2.0 + 2.24 + 1.28 + 3.2 + 2.4 = 11.12M / 5 = 2.224M; sorted
    # 1.28 2.0 2.24 2.4 3.2: median 2.24M; change 2.224M - 2.48M = -256,000.
    assert (panel.real_follow_up_mean, panel.real_follow_up_median) == (
        D("2224000.00"), D("2240000.00"))
    assert panel.real_change_of_mean == D("-256000.00")
    assert (panel.real_rose, panel.real_rose_share) == (1, D(1) / D(5))
    h4 = next(r for r in income.panel_households([homes.ksp], P) if r.household_id == homes.ids["H4"])
    assert h4.real_follow_up_income == D("320000000")  # sen


def test_a_cell_of_fewer_than_five_households_is_suppressed(homes):
    # Women-headed: H1, H3, H5, H9 = 4 households: suppressed, the count known, no figures.
    women = income.panel([homes.ksp], P, "gender:F")
    assert (women.households, women.suppressed) == (4, True)
    assert (women.baseline_mean, women.follow_up_median, women.change_of_mean, women.rose_share,
            women.real_follow_up_mean, women.spending_baseline_mean) == (None,) * 6
    # By the respondent's category: family = Siti (H1) and Citra (H3).
    family = income.panel([homes.ksp], P, "category:family")
    assert (family.households, family.suppressed) == (2, True)
    assert [r.household_id for r in income.panel_households([homes.ksp], P, "category:family")] == [
        homes.ids["H1"], homes.ids["H3"]]
    assert income.panel([homes.ksp], P, "gender:M").households == 2  # H2, H4
    with pytest.raises(KeyError):
        income.panel([homes.ksp], P, "work:owner")


def test_surveyed_households_for_the_coverage_line(homes):
    # Any survey by 31 Dec 2026: all 8 of KSP-A's households; by 31 Dec 2024: H4 and H5.
    assert income.surveyed([homes.ksp], date(2026, 12, 31)) == 8
    assert income.surveyed([homes.ksp], date(2024, 12, 31)) == 2
    assert income.surveyed([homes.ksp, homes.other], date(2026, 12, 31)) == 9


def test_medians_of_the_unit_records():
    assert income.median([1, 3]) == D("0.02")  # (1 + 3) / 2 sen
    assert income.median([100, 101]) == D("1.01")  # 100.5 sen, half up
    assert income.median([5, 1, 300]) == D("0.05")
