"""The demo's programme records (Desmigratif pillar 4): each village's cohort and yearly
profile, the provinces' price indexes, the members' family cards (KK) and their household
surveys, eighteen months of enterprise reports, an enterprise that closes, trainings with
their certificates and assistance to enterprises.

They are recorded through the services the pendamping (the village facilitator) uses and
put on the demo's timeline on the day they happened, so each month-end's indicator
snapshot sees the records of its time: a household when its first member joins, a survey on
its date, a month's report on the month's last day, a training on its day. What happened
before the cooperative knew of it comes in on the day it learnt of it: the reports of an
enterprise's earlier months from the owner's notebook when it is registered, the baseline
of a household surveyed in the village's household identification (pendataan keluarga
pekerja migran, before its member joined) when its first member joins.

Households surveyed at that identification have their follow-up a year later, in the last
six months, so every month-end there has a panel of households (K4) above the suppression
threshold; the others have their baseline at joining. Amounts are whole rupiah (Decimal);
random draws are the programme's own seeded random, so the demo is the same every time.
"""
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from coop_app.cooperatives import prices
from coop_app.cooperatives.models import ConsumerPriceIndex
from coop_app.cooperatives.profiles import ProfileData, record_profile
from coop_app.enterprises.models import REPORT_MONTH, REPORT_QUARTER
from coop_app.enterprises.reports import ReportData, record_report
from coop_app.enterprises.service import close_enterprise
from coop_app.extensions import db
from coop_app.members.households import HouseholdData, create_household, link_member
from coop_app.members.models import BASELINE, CTKI, FAMILY, FOLLOW_UP, OTHER, RETURNEE
from coop_app.members.surveys import SurveyData, record_survey
from coop_app.trainings.service import (AssistanceData, TrainingData, add_participant,
                                        create_training, record_assistance)
from coop_app.demo.regions import COUNTRIES

PROGRAMME_MONTHS = 18  # enterprise reports go back a year and a half
FOLLOW_UP_MONTHS = 6  # the household follow-ups of the last six months (and this month's)
HUNDRED = Decimal(100)

# -- the villages ----------------------------------------------------------------------------

# Each village in the year its cooperative was founded: residents by gender, households (KK),
# people working abroad and the share of households with one of them. Later years follow the
# population's growth and ABROAD_TREND.
VILLAGES = {
    "KSP-IDM01": dict(population=(2_731, 2_786), households=1_642, abroad=342,
                      migrant_share=Decimal("0.86")),
    "BMT-LTM01": dict(population=(2_238, 2_409), households=1_468, abroad=468,
                      migrant_share=Decimal("0.84")),
}
# People working abroad in a year, in percent of 2018's: many came home in the pandemic
# (2020-2021) and left again once placements reopened. After 2026, 3 points a year more.
ABROAD_TREND = {2018: 100, 2019: 105, 2020: 74, 2021: 68, 2022: 83, 2023: 95, 2024: 102,
                2025: 107, 2026: 111}
# BPS consumer price index (2022 = 100) of the demo's provinces: Jawa Barat, NTB. After
# 2026, 2.5% a year.
PRICE_INDEXES = {
    "32": {2022: "100.00", 2023: "102.71", 2024: "104.52", 2025: "106.58", 2026: "109.04"},
    "52": {2022: "100.00", 2023: "102.94", 2024: "104.80", 2025: "106.87", 2026: "109.31"},
}
# Who asks the household survey questions: the pendamping desa, then a village cadre.
ENUMERATORS = {"KSP-IDM01": ("Nurul Fadilah", "Sumiyati"),
               "BMT-LTM01": ("Baiq Rina Anggraini", "Muhammad Yusuf")}

# (months before today's month, day, type, title, provider, who attends, certificate
# number prefix or None when only attendance is recorded). Who: owners (of the demo's
# enterprises), families (of migrants abroad), returnees, young (calon PMI and the
# youngest), all.
TRAININGS = {
    "KSP-IDM01": [
        (11, 18, "entrepreneurship", "Pelatihan Kewirausahaan Keluarga Pekerja Migran",
         "Dinas Tenaga Kerja Kabupaten Indramayu", ("families", "returnees"), "DISNAKER-IM/KWU"),
        (9, 12, "financial_literacy", "Literasi Keuangan: Mengelola Remitansi untuk Tabungan dan Usaha",
         "OJK Kantor Cirebon", ("families",), None),
        (7, 22, "packaging", "Desain Kemasan dan Label Produk Olahan Mangga",
         "Rumah Kemasan Dinas Koperasi dan UKM Provinsi Jawa Barat", ("owners",), "RK-JABAR"),
        (5, 14, "digital_marketing", "Pemasaran Digital: Marketplace dan Media Sosial untuk UMKM",
         "Kementerian Ketenagakerjaan (Program Desmigratif)", ("owners", "returnees"), "KEMNAKER-DM"),
        (3, 9, "skills", "Penyuluhan Keamanan Pangan (PKP) untuk Produk Rumah Tangga",
         "Dinas Kesehatan Kabupaten Indramayu", ("owners", "young"), "PKP-DINKES-IM"),
        (1, 16, "financial_literacy", "Pencatatan Keuangan Usaha dan Rumah Tangga",
         "Pendamping Desa Desmigratif", ("all",), None),
    ],
    "BMT-LTM01": [
        (10, 20, "entrepreneurship", "Pelatihan Kewirausahaan bagi Purna PMI dan Keluarganya",
         "Disnakertrans Kabupaten Lombok Timur", ("families", "returnees"), "DISNAKER-LT/KWU"),
        (8, 15, "skills", "Pelatihan Anyaman Ketak Tingkat Lanjut",
         "UPTD Balai Latihan Kerja Lombok Timur", ("young", "owners"), "BLK-LT"),
        (6, 11, "financial_literacy", "Literasi Keuangan Syariah: Mengelola Kiriman Uang Keluarga",
         "OJK Provinsi Nusa Tenggara Barat", ("families",), None),
        (4, 24, "packaging", "Kemasan dan Label Halal untuk Produk UMKM",
         "Dinas Koperasi dan UKM Provinsi NTB", ("owners",), "DISKOP-NTB"),
        (2, 13, "digital_marketing", "Jualan Online: Foto Produk, Marketplace dan WhatsApp Business",
         "Kementerian Ketenagakerjaan (Program Desmigratif)", ("owners", "returnees"), "KEMNAKER-DM"),
    ],
}
# (the enterprise's place in the village's list (demo/regions.py), months before today's
# month, day, kind, what, from whom, value in rupiah).
ASSISTANCE = {
    "KSP-IDM01": [
        (0, 8, 10, "in_kind", "Mesin continuous sealer dan timbangan digital untuk kemasan dodol",
         "Kementerian Ketenagakerjaan (Program Desmigratif)", 6_500_000),
        (2, 6, 5, "in_kind", "Cup sealer dan freezer untuk sari buah mangga",
         "Dinas Koperasi dan UKM Kabupaten Indramayu", 8_750_000),
        (6, 4, 18, "cash", "Bantuan modal usaha produktif purna PMI",
         "Kementerian Ketenagakerjaan (Program Desmigratif)", 5_000_000),
        (5, 2, 7, "in_kind", "Canting, kompor batik dan malam untuk perajin baru",
         "CSR Bank BJB Cabang Indramayu", 3_200_000),
    ],
    "BMT-LTM01": [
        (0, 9, 14, "in_kind", "Alat anyam, pewarna alami dan rak jemur ketak",
         "Kementerian Ketenagakerjaan (Program Desmigratif)", 4_800_000),
        (3, 7, 21, "in_kind", "Mesin sangrai dan giling kopi kapasitas 5 kg",
         "Dinas Perindustrian Provinsi NTB", 12_500_000),
        (1, 5, 9, "cash", "Bantuan modal usaha produktif purna PMI",
         "Kementerian Ketenagakerjaan (Program Desmigratif)", 5_000_000),
        (5, 3, 16, "cash", "Bantuan modal kelompok peternak sapi",
         "Baznas Kabupaten Lombok Timur", 3_500_000),
    ],
}

# -- enterprises' trade ----------------------------------------------------------------------

# A month's turnover (rupiah, low and high, for a business of three people) and its costs
# as a percentage of turnover, by sector.
TRADE = {
    "food_processing": (6_000_000, 18_000_000, 62, 75),
    "handicraft": (4_000_000, 12_000_000, 55, 70),
    "agriculture": (3_000_000, 9_000_000, 45, 65),
    "fishery": (8_000_000, 20_000_000, 65, 80),
    "trade": (15_000_000, 35_000_000, 85, 90),
    "services": (4_000_000, 10_000_000, 50, 65),
    "livestock": (3_000_000, 8_000_000, 60, 75),
    "other": (3_000_000, 8_000_000, 60, 75),
}
# Turnover by calendar month in percent of an ordinary month: Ramadan and Lebaran (March in
# 2025-2027), the mango harvest (September to December), Idul Adha (May-June), tourists and
# year-end gifts for crafts, the rainy season's lean months for farms and fishponds.
SEASONS = {
    "food_processing": {1: 90, 2: 90, 3: 135, 4: 110, 9: 110, 10: 120, 11: 125, 12: 120},
    "agriculture": {1: 70, 2: 60, 3: 70, 4: 80, 9: 150, 10: 170, 11: 160, 12: 120},
    "fishery": {1: 70, 2: 75, 6: 110, 7: 115, 8: 120},
    "handicraft": {1: 85, 2: 85, 3: 120, 7: 125, 8: 130, 12: 125},
    "trade": {3: 135, 4: 110, 12: 115},
    "services": {3: 125, 4: 115},
    "livestock": {3: 120, 5: 190, 6: 170},
}
# The share of women among those an enterprise hires, by sector (percent).
HIRED_WOMEN = {"handicraft": 85, "food_processing": 70, "trade": 50, "agriculture": 40,
               "fishery": 15, "livestock": 10, "services": 10, "other": 50}
QUARTERLY = (3, 5)  # places in the village's list of the enterprises reporting by quarter
FOOD = "food_processing"


@dataclass
class Programme:
    """One cooperative's programme records while the demo runs."""
    coop: object
    region: dict
    recorder_id: int  # who records them: the pendamping, or the treasurer where there is none
    today: date
    enumerators: tuple


@dataclass
class Business:
    """A demo enterprise and its simulated months: month start -> ReportData."""
    owner: object
    data: object  # EnterpriseData
    place: int
    opened_on: date  # the day it is registered
    closes_on: date | None = None
    quarterly: bool = False
    months: dict = field(default_factory=dict)
    id: int | None = None


@dataclass
class Home:
    """A family card and its members in the demo, with its surveys planned."""
    members: list
    migrant: object = None
    head_name: str = ""
    head_gender: str = "M"
    size: int = 1
    kk: str = ""
    id: int | None = None
    surveys: list = field(default_factory=list)  # (kind, day, respondent, amounts)


# -- dates -----------------------------------------------------------------------------------

def month_start(today, months_back):
    """The first day of the month `months_back` months before today's."""
    index = today.year * 12 + today.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def month_end(start):
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def year_before(day):
    """A year before `day` (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _percent(rng, low, high):
    return Decimal(rng.randint(low, high)) / HUNDRED


def _whole(amount, step=10_000):
    """Down to a whole multiple of `step` rupiah, never below zero."""
    return Decimal(max(0, int(amount // step)) * step)


def _active_on(person, day):
    return person.join_date <= day and (person.leaves_on is None or day < person.leaves_on)


# -- what is recorded before the timeline runs -----------------------------------------------

def price_index(province, year):
    table = PRICE_INDEXES[province]
    if year in table:
        return Decimal(table[year])
    return (price_index(province, year - 1) * Decimal("1.025")).quantize(Decimal("0.01"))


def record_prices(provinces, today):
    """The price index of each demo province for 2022 (the base) to this year, where an
    administrator has not entered it already."""
    for province in sorted(provinces):
        for year in range(2022, today.year + 1):
            taken = db.session.execute(select(ConsumerPriceIndex.id).where(
                ConsumerPriceIndex.province_code == province, ConsumerPriceIndex.year == year)).first()
            if taken is None:
                prices.add_index(province, year, price_index(province, year))


def record_village(coop, today):
    """The village's profile for every year from the cooperative's founding to this one."""
    village = VILLAGES[coop.code]
    first = coop.founded_on.year
    men, women = village["population"]
    for year in range(first, today.year + 1):
        grown = 1000 + 8 * (year - first)  # residents: 0.8% a year
        trend = ABROAD_TREND.get(year, ABROAD_TREND[2026] + 3 * (year - 2026))
        abroad = village["abroad"] * trend // ABROAD_TREND.get(first, 100)
        households = village["households"] * (1000 + 13 * (year - first)) // 1000
        record_profile(coop.id, ProfileData(
            year=year, population_m=men * grown // 1000, population_f=women * grown // 1000,
            households=households,
            migrant_households=min(households, int(abroad * village["migrant_share"])),
            working_abroad=abroad))


# -- the plan --------------------------------------------------------------------------------

def schedule_programme(timeline, programme, people, businesses, rng, ranks):
    """Plan the village's households, surveys, enterprise reports, trainings and assistance
    and put each on the timeline. `businesses`: (owner, EnterpriseData, opened_on) of each
    demo enterprise in the village's order."""
    today = programme.today
    trained = _schedule_trainings(timeline, programme, people, businesses, rng, ranks)
    plans = [_business(programme, owner, data, opened_on, place, trained, rng)
             for place, (owner, data, opened_on) in enumerate(businesses)]
    for business in plans:
        _schedule_business(timeline, programme, business, ranks)
    by_owner = {id(b.owner): b for b in plans}
    for place, months_back, day, kind, what, giver, value in ASSISTANCE[programme.coop.code]:
        business = plans[place]
        given = max(month_start(today, months_back).replace(day=day), business.opened_on)
        if given < today and business.closes_on is None:
            timeline.add(given, ranks.BUSINESS, programme.recorder_id, _assist, programme, business,
                         given, kind, what, giver, Decimal(value))
    homes = _homes(programme, people, rng)
    _plan_surveys(programme, homes, by_owner, trained, rng)
    for home in homes:
        for person in home.members:
            timeline.add(person.join_date, ranks.JOIN, programme.recorder_id, _join_home,
                         programme, home, person)
        for kind, day, respondent, amounts in home.surveys:
            # A baseline from before its member joined is entered when they join.
            timeline.add(max(day, home.members[0].join_date), ranks.BUSINESS, programme.recorder_id,
                         _survey, programme, home, kind, day, respondent, amounts)


# -- trainings ---------------------------------------------------------------------------------

def _schedule_trainings(timeline, programme, people, businesses, rng, ranks):
    """The year's trainings; returns {id(person): [(day, type)]} of those who attended."""
    today = programme.today
    owners = {id(owner) for owner, _data, _opened in businesses}
    trained = {}
    for months_back, day, kind, title, provider, who, prefix in TRAININGS[programme.coop.code]:
        held_on = month_start(today, months_back).replace(day=day)
        if held_on >= today:
            continue
        present = [p for p in people
                   if p.join_date <= held_on - timedelta(days=3) and _active_on(p, held_on)]
        groups = {"owners": [p for p in present if id(p) in owners],
                  "families": [p for p in present if p.category == FAMILY],
                  "returnees": [p for p in present if p.category == RETURNEE],
                  "young": [p for p in present if p.category == CTKI or p.birth_date.year >= 1998],
                  "all": present}
        invited = []
        for group in who:
            invited += [p for p in groups[group] if p not in invited]
        # Most of those invited come; a training takes at most 25.
        attending = [p for p in invited if rng.randint(1, 100) <= 80][:25]
        if len(attending) < 5:
            attending = invited[:5]
        certificates = []
        for n, person in enumerate(attending, start=1):
            number = f"{prefix}/{held_on:%Y}/{n:03d}" if prefix else None
            certificates.append((person, number))
            trained.setdefault(id(person), []).append((held_on, kind))
        timeline.add(held_on, ranks.BUSINESS, programme.recorder_id, _training, programme, kind,
                     title, held_on, provider, certificates)
    return trained


def _training(programme, kind, title, held_on, provider, certificates):
    coop_id = programme.coop.id
    training = create_training(coop_id, TrainingData(training_type=kind, title=title, held_on=held_on,
                                                     provider=provider),
                               created_by=programme.recorder_id)
    for person, number in certificates:
        add_participant(coop_id, training.id, member_id=person.member_id,
                        certified=number is not None, certificate_number=number)


def _assist(programme, business, given, kind, what, giver, value):
    record_assistance(programme.coop.id, business.id, AssistanceData(
        given_on=given, kind=kind, description=what, provider=giver, value=value),
        created_by=programme.recorder_id)


# -- enterprises -------------------------------------------------------------------------------

def _business(programme, owner, data, opened_on, place, trained, rng):
    """An enterprise's months over the programme's eighteen: turnover with its seasons and its
    growth, costs, the people working in it, where it sells and the permits it gets."""
    today = programme.today
    business = Business(owner, data, place, opened_on, quarterly=place in QUARTERLY)
    closing = place == len(programme.region["enterprises"]) - 2  # one closes down
    months = [month_start(today, back) for back in range(PROGRAMME_MONTHS, 0, -1)]
    months = [m for m in months if month_end(m) >= data.start_date]
    if closing:
        closes_on = max(month_start(today, 5).replace(day=20), data.start_date + timedelta(days=120),
                        opened_on + timedelta(days=30))
        if closes_on < today - timedelta(days=10):
            business.closes_on = closes_on
            months = [m for m in months if m <= closes_on]
    low, high, cost_low, cost_high = TRADE.get(data.sector, TRADE["other"])
    level = Decimal(rng.randint(low // 10_000, high // 10_000) * 10_000) * (3 + data.workers) / 6
    growing = data.is_ovop or rng.randint(1, 100) <= 40
    growth = _percent(rng, 102, 104) if growing else _percent(rng, 99, 101)
    cost_ratio = Decimal(rng.randint(cost_low, cost_high))
    women = HIRED_WOMEN.get(data.sector, 50)
    # The people: the owner, unpaid family (the spouse first), hired hands.
    family = min(data.workers - 1, rng.randint(0, 2))
    hired_count = max(0, data.workers - 1 - family)
    spouse = "F" if owner.gender == "M" else "M"
    workers = {f"owner_{owner.gender.lower()}": 1}
    for n in range(family):
        key = f"family_{(spouse if n == 0 else rng.choice('MF')).lower()}"
        workers[key] = workers.get(key, 0) + 1
    hired = ["F" if rng.randint(1, 100) <= women else "M" for _ in range(hired_count)]
    hire_every = rng.randint(4, 6)
    # Permits and markets, from the month (an index into `months`) they begin; None: never.
    count = len(months)

    def from_month(chance, earliest=0):
        """Held from the start (earliest), or got in the first half of the months left."""
        if rng.randint(1, 100) > chance or earliest >= count:
            return None
        return rng.randint(earliest, earliest + (count - 1 - earliest) // 2) \
            if rng.randint(1, 100) > 30 else earliest

    # Every food business and OVOP maker registers (NIB); food needs its P-IRT, then halal.
    nib = from_month(100 if data.sector == FOOD or data.is_ovop else 70)
    pirt = from_month(100, nib + 1) if data.sector == FOOD and nib is not None else None
    halal = from_month(100, pirt + 2) if pirt is not None else None
    digital = [day for day, kind in trained.get(id(owner), []) if kind == "digital_marketing"]
    online = None
    if digital:
        online = next((n for n, m in enumerate(months) if m > digital[0]), None)
    elif rng.randint(1, 100) <= 20:
        online = 0
    export = count - 5 if data.is_ovop and place == 0 and count > 5 else None
    for n, start in enumerate(months):
        season = Decimal(SEASONS.get(data.sector, {}).get(start.month, 100)) / HUNDRED
        noise = _percent(rng, 92, 108)
        ratio = cost_ratio
        if business.closes_on is not None and n >= count - 4:  # the last months before closing
            level = level * Decimal("0.85")
            ratio = min(Decimal(97), cost_ratio + 6 * (n - count + 5))
        turnover = _whole(level * season * noise)
        if business.closes_on is not None and n == count - 1:  # trades until the 20th
            turnover = _whole(turnover * 2 / 3)
        costs = _whole(turnover * (ratio + rng.randint(-3, 3)) / HUNDRED)
        staff = dict(workers)
        for gender in hired:
            key = f"hired_{gender.lower()}"
            staff[key] = staff.get(key, 0) + 1
        if business.closes_on is not None and n == count - 1:
            staff = {}  # closed before the month's end: nobody works in it at the end
        business.months[start] = ReportData(
            period_kind=REPORT_MONTH, year=start.year, month=start.month, turnover=turnover,
            costs=costs, workers=staff, sells_local=True,
            sells_online=online is not None and n >= online,
            sells_export=export is not None and n >= export,
            has_nib=nib is not None and n >= nib, has_pirt=pirt is not None and n >= pirt,
            has_halal=halal is not None and n >= halal)
        level = level * growth
        if growing and n % hire_every == hire_every - 1 and business.closes_on is None:
            hired.append("F" if rng.randint(1, 100) <= women else "M")
        if business.closes_on is not None and n >= count - 3 and hired:
            hired.pop()  # hands let go as trade falls
    return business


def _quarters(business):
    """The business's months grouped into the quarters wholly inside its reported months."""
    quarters = []
    for start in business.months:
        if start.month % 3 != 1:
            continue
        three = [start, start.replace(month=start.month + 1), start.replace(month=start.month + 2)]
        if all(m in business.months for m in three):
            quarters.append(three)
    return quarters


def _quarter_report(business, three):
    months = [business.months[m] for m in three]
    last = months[-1]
    return ReportData(
        period_kind=REPORT_QUARTER, year=three[0].year, quarter=(three[0].month + 2) // 3,
        turnover=sum((m.turnover for m in months), Decimal(0)),
        costs=sum((m.costs for m in months), Decimal(0)), workers=last.workers,
        sells_local=True, sells_online=last.sells_online, sells_export=last.sells_export,
        has_nib=last.has_nib, has_pirt=last.has_pirt, has_halal=last.has_halal)


def _schedule_business(timeline, programme, business, ranks):
    """Each report on its period's last day (or, for the months before the enterprise was
    registered, on that day), and the closing."""
    recorder = programme.recorder_id
    timeline.add(business.opened_on, ranks.BUSINESS, recorder, _note_enterprise, business)
    if business.quarterly:
        periods = [(month_end(three[-1]), _quarter_report(business, three))
                   for three in _quarters(business)]
    else:
        periods = [(month_end(start), data) for start, data in business.months.items()]
    for end, data in periods:
        if end < business.opened_on:
            timeline.add(business.opened_on, ranks.BUSINESS, recorder, _report, programme, business, data)
        else:
            timeline.add(end, ranks.VOUCHER, recorder, _report, programme, business, data)
    if business.closes_on is not None:  # closed before its last month's report is written
        timeline.add(business.closes_on, ranks.VOUCHER, recorder, _close, programme, business)


def _note_enterprise(business):
    business.id = business.owner.enterprise_id


def _report(programme, business, data):
    record_report(programme.coop.id, business.id, data, created_by=programme.recorder_id)


def _close(programme, business):
    close_enterprise(programme.coop.id, business.id, business.closes_on)
    business.owner.enterprise_id = None  # a closed business is financed no more


def net_income(business, day):
    """The business's net income of the last month reported by `day` (its first month's
    for a day before the programme's months; nothing before it started or after it closed)."""
    if day < business.data.start_date or (business.closes_on and day >= business.closes_on):
        return Decimal(0)
    months = [m for m in business.months if month_end(m) < day] or list(business.months)[:1]
    if not months:
        return Decimal(0)
    report = business.months[months[-1]]
    return max(Decimal(0), report.turnover - report.costs)


# -- households --------------------------------------------------------------------------------

def _homes(programme, people, rng):
    """The village's family cards: the relatives of one migrant share the migrant's; two
    returnees live with a migrant's spouse (their brother's or sister's household), two calon
    PMI with a parent who is a member; everyone else has their own."""
    homes, by_migrant = [], {}
    for person in people:
        if person.category == FAMILY:
            home = by_migrant.get(id(person.migrant))
            if home is None:
                home = by_migrant[id(person.migrant)] = Home([], migrant=person.migrant)
                homes.append(home)
            home.members.append(person)
    alone = [home for home in homes if len(home.members) == 1
             and home.members[0].relationship == "spouse"]
    staying = [p for p in people if p.leaves_on is None]
    returnees = [p for p in staying if p.category == RETURNEE][-2:]
    for home, returnee in zip(alone[-2:], returnees):
        home.members.append(returnee)
    paired = {id(p) for p in returnees}
    elders = [p for p in staying if p.category == OTHER and p.birth_date.year <= 1975]
    for young in [p for p in staying if p.category == CTKI]:
        parent = next((e for e in elders if e.birth_date.year + 20 <= young.birth_date.year), None)
        if parent is None or len(paired) >= 6:
            continue
        elders.remove(parent)
        homes.append(Home([parent, young]))
        paired.update((id(parent), id(young)))
    for person in people:
        if person.category != FAMILY and id(person) not in paired:
            homes.append(Home([person], migrant=person.migrant))
    serial = itertools.count(rng.randint(100, 2_000), 7)
    men = programme.region["men"]
    for home in homes:
        home.members.sort(key=lambda p: p.join_date)
        first = home.members[0]
        for person in home.members[1:]:
            person.address = first.address  # one card, one address
        abroad = home.migrant is not None and home.migrant.actual_return is None
        if abroad and home.migrant.gender == "M":
            home.head_name, home.head_gender = home.migrant.name, "M"
        else:
            heads = sorted(home.members, key=lambda p: (p.gender != "M", p.birth_date))
            head = heads[0]
            if head.gender == "F" and rng.randint(1, 100) <= 60 and not abroad:
                home.head_name, home.head_gender = rng.choice(men), "M"  # her husband
            elif head.category == CTKI:
                home.head_name, home.head_gender = rng.choice(men), "M"  # their father
            else:
                home.head_name, home.head_gender = head.name, head.gender
        outside = home.head_name not in {p.name for p in home.members}
        home.size = len(home.members) + (1 if outside else 0) + rng.randint(0, 3)
        issued = date(2009, 1, 1) + timedelta(days=rng.randint(
            0, max(0, (first.join_date - timedelta(days=60) - date(2009, 1, 1)).days)))
        province, kabupaten = programme.region["nik_region"]
        kecamatan = programme.region["home_kecamatan"]
        home.kk = (f"{province:02d}{kabupaten:02d}{kecamatan:02d}{issued:%d%m%y}"
                   f"{next(serial):04d}")
    return homes


def _join_home(programme, home, person):
    coop_id = programme.coop.id
    if home.id is None:
        household = create_household(coop_id, HouseholdData(
            kk_number=home.kk, head_name=home.head_name, head_gender=home.head_gender,
            size=home.size, address=person.address))
        home.id = household.id
    link_member(coop_id, home.id, person.member_id)


def _plan_surveys(programme, homes, by_owner, trained, rng):
    """Each household's baseline and its follow-up a year on. Follow-ups are spread over
    the last six months and this one (each month the one with fewest so far), so every
    month has a panel; a household whose baseline would fall before its first member joined
    was surveyed at the village's household identification."""
    today = programme.today
    months = [month_start(today, back) for back in range(FOLLOW_UP_MONTHS, -1, -1)]
    taken = {m: 0 for m in months}
    enumerators = programme.enumerators
    for home in sorted(homes, key=lambda h: h.members[0].join_date, reverse=True):
        first = home.members[0]
        economy = _economy(home, rng)
        choices = []
        for start in months:
            earliest = max(start, first.join_date + timedelta(days=14))
            latest = min(month_end(start), today - timedelta(days=1))
            if earliest <= latest and _active_on(first, latest):
                choices.append((taken[start], start, earliest, latest))
        if not choices:
            day = min(first.join_date + timedelta(days=rng.randint(0, 10)), today)
            home.surveys.append((BASELINE, day, first, _amounts(home, economy, day, by_owner, None)))
            continue
        _count, start, earliest, latest = min(choices, key=lambda c: (c[0], c[1]))
        taken[start] += 1
        follow_up = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        baseline = year_before(follow_up) - timedelta(days=rng.randint(0, 20))
        if first.join_date + timedelta(days=10) <= baseline:
            baseline = first.join_date + timedelta(days=rng.randint(0, 10))  # at joining
        before = _amounts(home, economy, baseline, by_owner, None)
        boosted = any(day < follow_up for person in home.members
                      for day, _kind in trained.get(id(person), [])) \
            or any(id(person) in by_owner for person in home.members)
        after = _amounts(home, economy, follow_up, by_owner, (before, boosted, rng))
        home.surveys.append((BASELINE, baseline, first, before))
        home.surveys.append((FOLLOW_UP, follow_up, first, after))
    for n, home in enumerate(homes):
        home.surveys = [(kind, day, person, dict(amounts, enumerator=enumerators[(n + k) % 4 // 3]))
                        for k, (kind, day, person, amounts) in enumerate(home.surveys)]


def _economy(home, rng):
    """The household's own sources of income at its baseline, in rupiah a month."""
    def maybe(chance, low, high):
        if rng.randint(1, 100) > chance:
            return Decimal(0)
        return Decimal(rng.randint(low // 50_000, high // 50_000) * 50_000)

    return dict(farming=maybe(60, 400_000, 2_000_000), wages=maybe(55, 600_000, 2_500_000),
                other=maybe(30, 100_000, 600_000), sent=_percent(rng, 55, 90),
                spending=_percent(rng, 72, 92))


def _remittance(home, day, share):
    """What the household's migrants abroad on `day` send home in a month, in rupiah."""
    migrants = {id(p.migrant): p.migrant for p in home.members if p.migrant is not None}
    total = Decimal(0)
    for migrant in migrants.values():
        if migrant.departure + timedelta(days=40) > day:
            continue
        if migrant.actual_return is not None and migrant.actual_return <= day:
            continue
        _currency, (low, high), (least, most, _step), *_ = COUNTRIES[migrant.country]
        rate = (Decimal(low) + Decimal(high)) / 2
        total += (least + most) / Decimal(2) * rate * share
    return _whole(total, 50_000)


def _amounts(home, economy, day, by_owner, growth):
    """The survey's monthly amounts on `day`. `growth`: (the baseline's amounts, whether the
    household was trained or runs a business, the random) for a follow-up."""
    enterprise = sum((net_income(by_owner[id(p)], day) for p in home.members if id(p) in by_owner),
                     Decimal(0))
    amounts = dict(income_remittance=_remittance(home, day, economy["sent"]),
                   income_enterprise=_whole(enterprise),
                   income_wages=economy["wages"], income_farming=economy["farming"],
                   income_other=economy["other"])
    if growth is None:
        income = sum(amounts.values(), Decimal(0))
        amounts["spending"] = max(Decimal(800_000), _whole(income * economy["spending"]))
        return amounts
    before, boosted, rng = growth
    wages = _percent(rng, 104, 112) if boosted else _percent(rng, 96, 106)
    amounts["income_wages"] = _whole(before["income_wages"] * wages)
    amounts["income_farming"] = _whole(before["income_farming"] * _percent(rng, 92, 115))
    amounts["income_other"] = _whole(before["income_other"] * _percent(rng, 90, 110))
    income_before = sum((before[k] for k in amounts), Decimal(0))
    income = sum(amounts.values(), Decimal(0))
    change = (income - income_before) / income_before if income_before else Decimal(0)
    amounts["spending"] = _whole(before["spending"] * (1 + change * 6 / 10) * Decimal("1.025"))
    return amounts


def _survey(programme, home, kind, day, respondent, amounts):
    values = dict(amounts)
    enumerator = values.pop("enumerator")
    record_survey(programme.coop.id, home.id, SurveyData(
        kind=kind, surveyed_on=day, member_id=respondent.member_id, enumerator=enumerator, **values),
        created_by=programme.recorder_id)
