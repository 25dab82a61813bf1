"""Demo data: two cooperatives in two kabupaten, a user for each role, a year of members of
migrant families with their savings, remittances and enterprises, and months of vouchers.

Everything is posted through the services, as a treasurer would, and in date order, so the
demo books obey every ledger rule (an expense or a withdrawal never finds the cash short);
the months a careful manager would have closed are closed last, once everything is posted.
Deterministic (seeded random, dates relative to `today`) and idempotent: if the demo
cooperatives exist, nothing is done.
"""
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from flask import g

from .auth import service as users
from .cooperatives.service import by_code, create_cooperative
from .enterprises.service import EnterpriseData, create_enterprise
from .extensions import db
from .ledger import service as ledger
from .ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from .members import leaving
from .members import service as members
from .members.migrants import MigrantData
from .members.models import CTKI, FAMILY, OTHER, RETURNEE
from .members.nik import check_nik
from .savings import arrears, monthend, remittance
from .savings import service as savings
from .savings.models import MUDHARABAH, POKOK, WADIAH, WAJIB
from .savings.products import product_summaries

DEMO_PASSWORD = "Desmigratif2026"

COOPERATIVES = [
    dict(code="KSP-IDM01", type_="ksp", name="KSP Desmigratif Sumber Rejeki",
         village="Juntinyuat", kecamatan="Juntinyuat", kabupaten="Kabupaten Indramayu",
         province="Jawa Barat", founded_on=date(2018, 3, 12), fiscal_year_start_month=1),
    dict(code="BMT-LTM01", type_="kspps", name="KSPPS BMT Desmigratif Al-Amanah",
         village="Suralaga", kecamatan="Suralaga", kabupaten="Kabupaten Lombok Timur",
         province="Nusa Tenggara Barat", founded_on=date(2019, 7, 1), fiscal_year_start_month=1),
]

# (username, full name, role, cooperative code or auditor province). A member's user is
# the login of a demo member of that name (members.create_member_login).
USERS = [
    ("admin", "Admin Program Desmigratif", "admin", None),
    ("auditor", "Rina Pendamping Nasional", "auditor", None),
    ("pendamping.jabar", "Dedi Pendamping Jawa Barat", "auditor", "Jawa Barat"),
    ("ksp.manajer", "Hj. Siti Aminah", "manager", "KSP-IDM01"),
    ("ksp.bendahara", "Wartini", "treasurer", "KSP-IDM01"),
    ("ksp.anggota", "Casmadi", "member", "KSP-IDM01"),
    ("bmt.manajer", "H. Lalu Muhammad Zainuddin", "manager", "BMT-LTM01"),
    ("bmt.bendahara", "Baiq Nurhidayati", "treasurer", "BMT-LTM01"),
    ("bmt.anggota", "Sahnan", "member", "BMT-LTM01"),
]

MONTHLY_EXPENSES = [
    ("salary_expense", "Honor pengelola bulan {month}", (600_000, 900_000)),
    ("office_expense", "Pembelian alat tulis kantor dan kertas kuitansi", (75_000, 250_000)),
    ("utility_expense", "Listrik dan pulsa internet kantor koperasi", (150_000, 350_000)),
    ("transport_expense", "Transport penagihan dan setor ke bank", (50_000, 200_000)),
    ("bank_charges", "Biaya administrasi rekening bank", (10_000, 15_000)),
]
MONTHLY_INCOME = [
    ("bank_income", "Jasa giro rekening bank bulan {month}", (40_000, 120_000)),
    ("other_income", "Sewa tenda dan kursi koperasi untuk hajatan warga", (150_000, 400_000)),
]

# -- the members' year ---------------------------------------------------------------------

HISTORY_MONTHS = 12  # members' savings and remittances go back a year
# Members of each cooperative by Desmigratif category; family members belong to the
# migrants abroad (MIGRANTS_ABROAD of them, TWO_FAMILY_MEMBERS with two relatives in the
# cooperative), returnees split into those still within their three years and the others.
MEMBER_PLAN = {CTKI: 10, FAMILY: 22, RETURNEE: 14, OTHER: 14}
MIGRANTS_ABROAD = 16
TWO_FAMILY_MEMBERS = MEMBER_PLAN[FAMILY] - MIGRANTS_ABROAD
RECENT_RETURNEES = 9

# Destination: (currency, rupiah per unit (low, high), amount sent in the currency (low,
# high, step),
# contract years, sectors of women, sectors of men, channels).
COUNTRIES = {
    "Taiwan": ("TWD", ("495", "525"), (8_000, 18_000, 500), 3, ("caregiving", "manufacturing"),
               ("manufacturing", "fishing"), ("bank", "remittance_company")),
    "Hong Kong": ("HKD", ("2060", "2140"), (2_500, 4_500, 100), 2, ("domestic", "caregiving"),
                  ("construction",), ("bank", "remittance_company")),
    "Arab Saudi": ("SAR", ("4250", "4450"), (800, 1_500, 50), 2, ("domestic",), ("other", "construction"),
                   ("bank", "remittance_company")),
    "Malaysia": ("MYR", ("3650", "3850"), (700, 1_800, 50), 2, ("domestic", "manufacturing"),
                 ("plantation", "construction"), ("remittance_company", "pos", "bank")),
    "Singapura": ("SGD", ("12200", "12800"), (400, 800, 50), 2, ("domestic",), ("construction",),
                  ("bank",)),
    "Korea Selatan": ("KRW", ("11.50", "12.20"), (800_000, 1_800_000, 50_000), 4, ("manufacturing",),
                      ("manufacturing", "fishing"), ("bank",)),
}
REFERENCE_PREFIX = {"bank": "TRF", "pos": "WP", "remittance_company": "WU"}

INDRAMAYU = dict(
    nik_region=(32, 12), home_kecamatan=13, address="Blok {place} RT {rt:03d}/RW {rw:03d}, "
    "Desa Juntinyuat, Kec. Juntinyuat, Kab. Indramayu",
    places=("Kliwon", "Pahing", "Manis", "Wage", "Pon", "Karangasem", "Sukamaju", "Mekarsari",
            "Tegalsari", "Pesisir"),
    migrant_women=0.75, countries={"Taiwan": 5, "Hong Kong": 3, "Arab Saudi": 3, "Malaysia": 2,
                                   "Singapura": 2, "Korea Selatan": 1},
    men=["Dulkarim", "Tarsono", "Karyadi", "Waryono", "Sukardi", "Darsim", "Rusdi", "Taryum",
         "Kusnadi", "Carman", "Warsito", "Dasuki", "Sarkim", "Tarmadi", "Rohman", "Jaenudin",
         "Suhendi", "Daryono", "Sanusi", "Wasman", "Asmawi", "Takrip", "Kasmari", "Tarmuji",
         "Sutarja", "Darmaji", "Kartam", "Samsudin", "Wartono", "Durahman", "Casban", "Sarnadi",
         "Kadirun", "Rasdam", "Tamsir", "Juhedi", "Warnadi", "Sunardi", "Darto", "Kasbari",
         "Ruslani", "Tajudin", "Casnadi", "Mukhlas", "Dartam"],
    women=["Tarsih", "Sunarti", "Karsiti", "Rasminah", "Casinih", "Darsih", "Tarmini", "Sumiati",
           "Kartini", "Warsini", "Ratini", "Kuriah", "Dasmi", "Sairoh", "Rumsinah", "Carini",
           "Tusminah", "Kasminah", "Wasriah", "Sutini", "Daswati", "Juariah", "Raminah", "Tasiah",
           "Nurhayati", "Castini", "Warniti", "Taryumi", "Karwati", "Sarwinih", "Dariah",
           "Kaswati", "Rasiti", "Watinah", "Runingsih", "Sukesih", "Tarwini", "Casmini",
           "Rokayah", "Saniah", "Kusnah", "Wasini", "Darwiyah", "Munirah", "Tarinah"],
    elder_prefix=(), allocations=("SS",), everyday="SS", time_deposit="SB12",
    anggota=dict(name="Casmadi", gender="M", born=date(1984, 6, 12), migrant="Tarsih",
                 country="Taiwan", sector="caregiving", allocation=("pct", 30)),
    enterprises=[
        ("Olahan Mangga Gedong Gincu Sumber Rejeki", "food_processing",
         "Dodol, manisan dan sirup mangga gedong gincu", 4, True),
        ("Keripik dan Selai Mangga Gincu", "food_processing",
         "Keripik mangga dan selai mangga gedong gincu dalam toples", 3, True),
        ("Sari Buah Mangga Juntinyuat", "food_processing",
         "Sari buah mangga gedong gincu dalam kemasan gelas dan botol", 5, True),
        ("Kebun Mangga Gedong Gincu", "agriculture",
         "Mangga gedong gincu segar untuk pasar Cirebon dan Jakarta", 2, True),
        ("Tambak Bandeng Eretan", "fishery", "Bandeng segar dan bandeng presto", 3, False),
        ("Batik Tulis Paoman", "handicraft",
         "Kain batik tulis motif Paoman (iwak etong, kapal kandas)", 6, False),
        ("Kerupuk Udang Juntinyuat", "food_processing", "Kerupuk udang dan kerupuk ikan mentah", 4, False),
        ("Warung Sembako", "trade", "Beras, minyak goreng, gula dan gas elpiji 3 kg", 1, False),
        ("Bengkel Motor", "services", "Servis dan suku cadang sepeda motor", 2, False),
        ("Ternak Kambing Jawarandu", "livestock", "Kambing potong untuk akikah dan kurban", 1, False),
    ],
)
LOMBOK_TIMUR = dict(
    nik_region=(52, 3), home_kecamatan=17, address="Dusun {place} RT {rt:03d}/RW {rw:03d}, "
    "Desa Suralaga, Kec. Suralaga, Kab. Lombok Timur",
    places=("Bagik Nyaka", "Dasan Baru", "Tembeng Putik", "Gubuk Baru", "Lendang Belo",
            "Montong Beleq", "Kalijaga", "Dasan Lendang", "Bagik Payung"),
    migrant_women=0.25, countries={"Malaysia": 8, "Arab Saudi": 3, "Taiwan": 2, "Hong Kong": 1,
                                   "Korea Selatan": 1, "Singapura": 1},
    men=["Lalu Ahmad Fauzi", "Amaq Sumardi", "Saepudin", "Muhammad Zaini", "Hairul Anwar",
         "Abdul Hamid", "Zulkarnain", "Amaq Jumadil", "Lalu Muhsin", "Mahsun", "Sahrul Ramadhan",
         "Hasanudin", "Mukhlis", "Supardi", "Burhanudin", "Sapri", "Marzuki", "Lalu Wiraguna",
         "Amaq Rahman", "Ahmad Juaini", "Samsul Hadi", "Jumadi", "Lalu Kusnadi", "Amaq Sahur",
         "Habiburrahman", "Muhammad Sukri", "Asmuni", "Lalu Sukarman", "Rusnadi",
         "Amaq Munawir", "Sahabudin", "Kamarudin", "Lalu Satriawan", "Amaq Hirsan",
         "Ilham Hidayat", "Sudirman", "Amaq Saleh", "Zainal Abidin", "Hamdi", "Lalu Azhar",
         "Sahli", "Amaq Riadi", "Muhammad Rifai", "Junaidi", "Lalu Hamzan"],
    women=["Nurhasanah", "Baiq Sri Wahyuni", "Inaq Rahmah", "Inaq Sumini", "Sumiati",
           "Rabiatul Adawiyah", "Hajariah", "Masitah", "Nurul Hidayah", "Baiq Halimah",
           "Inaq Saenah", "Sri Hartini", "Maemunah", "Hafsah", "Rukmini", "Siti Aisyah",
           "Nursiah", "Inaq Mariam", "Zaenab", "Baiq Fitriani", "Murniati", "Salmah",
           "Inaq Hadijah", "Rohani", "Baiq Rauhun", "Inaq Sahnim", "Sukmawati", "Hurriyah",
           "Baiq Nuraini", "Inaq Marni", "Sarinah", "Mulianah", "Baiq Suryani", "Inaq Rabiah",
           "Hayatun Nufus", "Suhartini", "Rahmawati", "Inaq Jamilah", "Nurjannah",
           "Erni Suryani", "Baiq Mardiah", "Inaq Sapiah", "Husnul Khotimah", "Saodah",
           "Inaq Kartini"],
    # Sasak parents are called by their child: Amaq (father of) and Inaq (mother of).
    elder_prefix=("Amaq ", "Inaq "), allocations=("SM", "WD"), everyday="WD", time_deposit="SMB12",
    anggota=dict(name="Sahnan", gender="M", born=date(1987, 2, 3), migrant="Nurhasanah",
                 country="Arab Saudi", sector="domestic", allocation=("pct", 40)),
    enterprises=[
        ("Anyaman Ketak Suralaga", "handicraft",
         "Tas, tempat tisu dan piring saji anyaman ketak", 5, True),
        ("Kerajinan Ketak Dasan Baru", "handicraft",
         "Keranjang, kotak perhiasan dan tatakan gelas dari ketak", 8, True),
        ("Ketak Art Bagik Nyaka", "handicraft",
         "Tas wanita dan sandal anyaman ketak untuk toko oleh-oleh di Mataram", 4, True),
        ("Kopi Bubuk Robusta Suralaga", "food_processing",
         "Kopi bubuk robusta Suralaga dan arabika Sembalun sangrai", 3, False),
        ("Tenun Songket Pringgasela", "handicraft", "Kain tenun songket dan ikat khas Sasak", 3, False),
        ("Penggemukan Sapi Bali", "livestock", "Sapi bali potong untuk kurban dan pasar Masbagik", 2, False),
        ("Madu Trigona Lombok", "agriculture", "Madu kele-kele (trigona) dalam botol 250 ml", 2, False),
        ("Warung Sembako", "trade", "Beras, minyak goreng, gula dan gas elpiji 3 kg", 1, False),
        ("Kebun Cabai Rawit", "agriculture", "Cabai rawit dan tomat untuk pasar Paok Motong", 2, False),
        ("Bengkel Las", "services", "Pagar, teralis dan rangka kanopi", 2, False),
    ],
)
REGIONS = {"KSP-IDM01": INDRAMAYU, "BMT-LTM01": LOMBOK_TIMUR}
# Month-end amounts of a BMT, as parts of the product's balance: the income the manager
# declares distributable from mudharabah funds (about 12% a year before the nisbah) and the
# discretionary wadiah bonus (about 1.2% a year).
MUDHARABAH_INCOME_RATE = Decimal("0.01")
WADIAH_BONUS_RATE = Decimal("0.001")
CASH_KEPT = Decimal(10_000_000)  # cash the counter keeps; the rest is banked each month

# Within one day: migrant records, then registrations and the businesses of those joining,
# money in, money out, vouchers, a member leaving, and the month-end run after the day's
# business.
(OPENING, MIGRANT, JOIN, BUSINESS, MONEY_IN, MONEY_OUT, VOUCHER, LEAVING, MONTH_END) = range(9)


@dataclass
class Migrant:
    name: str
    gender: str
    country: str
    sector: str
    departure: date
    expected_return: date
    actual_return: date | None = None
    procedural: bool = True
    channel: str = "bank"
    id: int | None = None  # once recorded


@dataclass
class Person:
    name: str
    gender: str
    birth_date: date
    category: str
    join_date: date
    wajib: str  # how simpanan wajib is paid: monthly, quarterly, lapsed, ahead, remittance
    address: str = ""
    phone: str | None = None
    nik: str = ""
    relationship: str | None = None
    migrant: Migrant | None = None  # the migrant abroad (family) or their own record (returnee)
    recipient: bool = False  # receives the migrant's remittances
    allocation: tuple | None = None  # ("pct", 30) or ("fixed", Decimal) of each remittance
    everyday: str | None = None  # product code of a voluntary account opened on joining
    extra: str | None = None  # a second voluntary account (a BMT's mudharabah)
    time_deposit: tuple | None = None  # (day, amount)
    lapses_on: date | None = None
    leaves_on: date | None = None
    username: str | None = None
    member_id: int | None = None  # once registered
    accounts: dict = field(default_factory=dict)  # product code -> savings account id


@dataclass
class Books:
    """One cooperative while the demo runs: who posts, into which cash and bank accounts."""
    coop: object
    manager_id: int
    treasurer_id: int
    cash_id: int
    bank_id: int
    today: date
    products: dict  # code -> product
    keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    def key(self, what):
        return f"demo:{self.coop.code}:{what}:{next(self.keys)}"


class Timeline:
    """Operations to run in date order (then by the order within a day, then as added)."""

    def __init__(self, today):
        self.today = today
        self.events = []
        self.order = itertools.count()

    def add(self, day, rank, actor_id, action, *args):
        if day <= self.today:
            self.events.append((day, rank, next(self.order), actor_id, partial(action, *args)))

    def run(self):
        for _day, _rank, _n, actor_id, action in sorted(self.events, key=lambda e: e[:3]):
            g.actor_id = actor_id
            action()


def _month_starts(today, months):
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


def load_demo(today=None, months=6):
    """Create the demo; returns False if it was already there."""
    if by_code(COOPERATIVES[0]["code"]) is not None:
        return False
    today = today or date.today()
    rng = random.Random(2018)
    coops = {spec["code"]: create_cooperative(**spec) for spec in COOPERATIVES}
    people = {}
    for username, full_name, role, where in USERS:
        if role == "member":
            continue  # created with their member record
        user = users.create_user(username, full_name, DEMO_PASSWORD)
        if role == "auditor":
            users.grant_role(user.id, role, scope_province=where)
        elif role == "admin":
            users.grant_role(user.id, role)
        else:
            users.grant_role(user.id, role, cooperative_id=coops[where].id)
        people[username] = user

    starts = _month_starts(today, months)
    managers = {}
    for n, (code, prefix) in enumerate((("KSP-IDM01", "ksp"), ("BMT-LTM01", "bmt"))):
        coop = coops[code]
        manager, treasurer = people[f"{prefix}.manajer"], people[f"{prefix}.bendahara"]
        books = Books(coop, manager.id, treasurer.id, ledger.account_by_key(coop.id, "cash").id,
                      ledger.account_by_key(coop.id, "bank").id, today,
                      {p.code: p for p in savings.products(coop.id)})
        timeline = Timeline(today)
        timeline.add(starts[0], OPENING, manager.id, _opening, coop, starts[0], manager)
        for start in starts:
            _month(timeline, coop, start, treasurer, rng)
        _members_year(timeline, books, REGIONS[code], random.Random(1945 + n), prefix)
        timeline.run()
        managers[code] = manager.id
    # Last, once the year's business is posted: every demo month but the last two is
    # closed, as a careful manager would.
    for code, manager_id in managers.items():
        g.actor_id = manager_id
        for start in starts[:-2]:
            ledger.close_period(coops[code], ledger.month_end(start), closed_by=manager_id, today=today)
    g.actor_id = None
    db.session.flush()
    return True


# -- the cooperative's own books -------------------------------------------------------------

def _opening(coop, day, manager):
    bank = ledger.account_by_key(coop.id, "bank")
    cash = ledger.account_by_key(coop.id, "cash")
    grants = ledger.account_by_key(coop.id, "grants")
    ledger.post_manual_entry(
        coop.id, day, "Hibah modal awal Program Desmigratif (Kementerian Ketenagakerjaan)",
        [(bank.id, Decimal("25000000"), None, "Transfer hibah ke rekening koperasi"),
         (grants.id, None, Decimal("25000000"), None)],
        f"demo:opening:{coop.code}", created_by=manager.id)
    ledger.post_manual_entry(
        coop.id, day + timedelta(days=1), "Tarik tunai dari bank untuk kas operasional",
        [(cash.id, Decimal("5000000"), None, None), (bank.id, None, Decimal("5000000"), None)],
        f"demo:cash:{coop.code}", created_by=manager.id)


def _month(timeline, coop, start, treasurer, rng):
    """The month's income and expense vouchers (amounts drawn now, posted in date order)."""
    cash = ledger.account_by_key(coop.id, "cash")
    bank = ledger.account_by_key(coop.id, "bank")
    label = start.strftime("%m/%Y")
    for n, (key, memo, (low, high)) in enumerate(MONTHLY_INCOME):
        account = ledger.account_by_key(coop.id, key)
        amount = Decimal(rng.randrange(low, high, 1000))
        timeline.add(start + timedelta(days=24 + n), VOUCHER, treasurer.id, ledger.record_voucher,
                     coop.id, INCOME_VOUCHER, start + timedelta(days=24 + n),
                     bank.id if key == "bank_income" else cash.id, account.id, amount,
                     memo.format(month=label), f"demo:{coop.code}:{start}:in{n}", treasurer.id)
    for n, (key, memo, (low, high)) in enumerate(MONTHLY_EXPENSES):
        account = ledger.account_by_key(coop.id, key)
        amount = Decimal(rng.randrange(low, high, 1000))
        timeline.add(start + timedelta(days=2 + 3 * n), VOUCHER, treasurer.id, ledger.record_voucher,
                     coop.id, EXPENSE_VOUCHER, start + timedelta(days=2 + 3 * n),
                     bank.id if key in ("bank_charges", "salary_expense") else cash.id, account.id,
                     amount, memo.format(month=label), f"demo:{coop.code}:{start}:out{n}", treasurer.id)


# -- who the members are -------------------------------------------------------------------

def _rupiah(rng, low, high, step=5_000):
    """A log-uniform amount in [low, high], rounded to the step (people pay round sums)."""
    value = low * (high / low) ** rng.random()
    return Decimal(max(step, int(value / step) * step))


def _round_down(amount, step):
    """Down to a whole multiple of `step` rupiah."""
    return Decimal(int(amount // step) * step)


def _day_in(rng, low, high):
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _years_before(day, years):
    return day.replace(year=day.year - years, day=min(day.day, 28))


class Cast:
    """Draws the people of one village: names without repeats, NIKs, addresses, phones."""

    def __init__(self, region, rng, today):
        self.region, self.rng, self.today = region, rng, today
        self.names = {"M": list(region["men"]), "F": list(region["women"])}
        self.serial = itertools.count(1)

    def name(self, gender, elder=False):
        pool = self.names[gender]
        prefixes = self.region["elder_prefix"]
        if not pool:  # namesakes are told apart by the father's name, as in the village
            father = self.rng.choice([n for n in self.region["men"] if not n.startswith(prefixes or ("\0",))])
            return f"{self.rng.choice(self.region['women' if gender == 'F' else 'men'])} " \
                   f"{'binti' if gender == 'F' else 'bin'} {father}"
        if prefixes:
            wanted = [n for n in pool if n.startswith(prefixes) == elder]
            pool = wanted or pool
        chosen = self.rng.choice(pool)
        self.names[gender].remove(chosen)
        return chosen

    def birth_date(self, first_year, last_year):
        return _day_in(self.rng, date(first_year, 1, 1), date(last_year, 12, 28))

    def nik(self, birth_date, gender):
        """A NIK of the kabupaten: mostly the cooperative's own kecamatan, some neighbours'."""
        province, kabupaten = self.region["nik_region"]
        kecamatan = self.region["home_kecamatan"] if self.rng.random() < 0.8 else self.rng.randint(1, 30)
        day = birth_date.day + (40 if gender == "F" else 0)
        nik = (f"{province:02d}{kabupaten:02d}{kecamatan:02d}{day:02d}{birth_date:%m%y}"
               f"{next(self.serial):04d}")
        return check_nik(nik, birth_date, gender)  # refuses a demo NIK that is not valid

    def fill(self, person):
        rng = self.rng
        person.nik = self.nik(person.birth_date, person.gender)
        person.address = self.region["address"].format(
            place=rng.choice(self.region["places"]), rt=rng.randint(1, 12), rw=rng.randint(1, 4))
        if rng.random() < 0.85:
            person.phone = f"08{rng.choice((12, 13, 21, 22, 52, 53, 57, 77, 78, 95, 96))}" \
                           f"{rng.randint(0, 99_999_999):08d}"
        return person

    def migrant(self, country, gender, name, returned_on=None):
        rng = self.rng
        currency, _rate, _amount, years, women, men, channels = COUNTRIES[country]
        if returned_on is None:  # still abroad: their contract runs past today
            departure = self.today - timedelta(days=rng.randint(90, years * 365 - 60))
        else:
            departure = _years_before(returned_on, years) - timedelta(days=rng.randint(0, 120))
        return Migrant(name=name, gender=gender, country=country,
                       sector=rng.choice(women if gender == "F" else men), departure=departure,
                       expected_return=_years_before(departure, -years),
                       actual_return=returned_on, procedural=rng.random() < 0.85,
                       channel=rng.choice(channels))


def _countries(region, rng, count):
    """Every destination at least once, then by the village's weights."""
    names = list(region["countries"])
    return names + rng.choices(names, [region["countries"][c] for c in names], k=count - len(names))


def _cast(region, rng, today, window_start, prefix):
    """The ~60 members of one cooperative and the migrants abroad they belong to."""
    cast = Cast(region, rng, today)
    drive_end = window_start + timedelta(days=40)  # the membership drive opening the year
    last_join = today - timedelta(days=10)

    def join_day(after=None):
        after = max(after or window_start, window_start)
        if after <= drive_end and rng.random() < 0.65:
            return min(_day_in(rng, after, drive_end), last_join)
        return min(_day_in(rng, after, last_join), last_join)

    def wajib_habit():
        return rng.choices(["monthly", "quarterly", "lapsed", "ahead"], [40, 35, 12, 13])[0]

    people, migrants = [], []
    # Family members of migrants abroad: the first relative of each receives the money.
    anggota = region["anggota"]
    countries = _countries(region, rng, MIGRANTS_ABROAD)
    for n in range(MIGRANTS_ABROAD):
        if n == 0:
            migrant = cast.migrant(anggota["country"], "F", anggota["migrant"])
            cast.names["F"].remove(anggota["migrant"])
            migrant.sector, migrant.procedural = anggota["sector"], True
        else:
            gender = "F" if rng.random() < region["migrant_women"] else "M"
            migrant = cast.migrant(countries[n], gender, cast.name(gender))
        migrants.append(migrant)
        born = rng.randint(1978, 1996)
        relatives = ["spouse"] if not 1 <= n <= TWO_FAMILY_MEMBERS else \
            ["spouse", rng.choice(["parent", "child"])]
        if n % 5 == 4 and len(relatives) == 1:
            relatives = ["parent"]  # an unmarried migrant sends home to a parent
        for k, relationship in enumerate(relatives):
            gender = ("M" if migrant.gender == "F" else "F") if relationship == "spouse" else rng.choice("MF")
            first, last = {"spouse": (born - 4, born + 4), "parent": (1956, 1968),
                           "child": (1999, 2005)}[relationship]
            birth = cast.birth_date(first, last)
            joined = join_day(migrant.departure - timedelta(days=30))
            if relationship == "child":
                joined = max(joined, _years_before(birth, -18))
                if joined > last_join:
                    relationship, birth = "parent", cast.birth_date(1956, 1968)
                    joined = join_day(migrant.departure - timedelta(days=30))
            if n == 0 and k == 0:
                person = Person(anggota["name"], anggota["gender"], anggota["born"], FAMILY,
                                window_start + timedelta(days=6), "remittance",
                                username=f"{prefix}.anggota")
            else:
                person = Person(cast.name(gender, elder=relationship == "parent"), gender, birth,
                                FAMILY, joined, "remittance" if k == 0 else wajib_habit())
            person.relationship, person.migrant = relationship, migrant
            if k == 0:
                person.recipient = True
                person.everyday = region["everyday"]
                person.allocation = anggota["allocation"] if n == 0 else (
                    ("pct", rng.choice([20, 25, 30, 40, 50])) if rng.random() < 0.7
                    else ("fixed", Decimal(rng.choice([300_000, 500_000, 1_000_000]))))
                if len(region["allocations"]) > 1:  # a BMT: profit sharing for the savers
                    person.extra = region["allocations"][0]
            elif rng.random() < 0.5:
                person.everyday = region["everyday"]
            people.append(person)

    # Returnees (TKI purna), some still within their three years, and their own records.
    for n in range(MEMBER_PLAN[RETURNEE]):
        gender = "F" if rng.random() < region["migrant_women"] else "M"
        recent = n < RECENT_RETURNEES
        back = today - timedelta(days=rng.randint(45, 1_000) if recent else rng.randint(1_200, 3_200))
        country = rng.choices(list(region["countries"]), list(region["countries"].values()))[0]
        name = cast.name(gender)
        person = Person(name, gender, cast.birth_date(1978, 1995), RETURNEE,
                        join_day(back + timedelta(days=14)), wajib_habit())
        person.migrant = cast.migrant(country, gender, name, returned_on=back)
        if rng.random() < 0.8:
            person.everyday = region["everyday"]
        if recent and n < 5:  # savings brought home, put in a time deposit
            week_later = person.join_date + timedelta(days=7)
            person.time_deposit = (_day_in(rng, week_later, max(week_later, today - timedelta(days=20))),
                                   _rupiah(rng, 5_000_000, 25_000_000, 500_000))
        people.append(person)

    # Prospective migrants (calon TKI) preparing to leave, and other villagers.
    for n in range(MEMBER_PLAN[CTKI]):
        gender = "F" if rng.random() < region["migrant_women"] else "M"
        person = Person(cast.name(gender), gender, cast.birth_date(1996, 2005), CTKI, join_day(),
                        wajib_habit())
        if rng.random() < 0.5:
            person.everyday = region["everyday"]
        people.append(person)
    for n in range(MEMBER_PLAN[OTHER]):
        gender = rng.choice("MF")
        person = Person(cast.name(gender, elder=n % 4 == 0), gender, cast.birth_date(1962, 1998),
                        OTHER, join_day(), wajib_habit())
        if rng.random() < 0.5:
            person.everyday = region["everyday"]
        people.append(person)

    for person in people:
        # Never younger than 18 on joining (the demo's own margin above the rule's 17).
        if person.join_date < _years_before(person.birth_date, -18):
            person.birth_date = _years_before(person.join_date, 19 + rng.randint(0, 10))
        cast.fill(person)
        if person.wajib == "lapsed":
            person.lapses_on = _day_in(rng, today - timedelta(days=180), today - timedelta(days=60))
    # One villager left the cooperative a few months ago: pokok and wajib paid back.
    leaver = next(p for p in people if p.category == OTHER and p.join_date <= drive_end)
    leaver.leaves_on, leaver.wajib = today - timedelta(days=75), "monthly"
    # Casmadi and Sahnan also keep a time deposit from the money saved.
    people[0].time_deposit = (today - timedelta(days=150), Decimal(5_000_000))
    return migrants, people


# -- what they do over the year ---------------------------------------------------------------

def _members_year(timeline, books, region, rng, prefix):
    today = books.today
    window_start = _month_starts(today, HISTORY_MONTHS)[0]
    migrants, people = _cast(region, rng, today, window_start, prefix)
    treasurer, manager = books.treasurer_id, books.manager_id
    if prefix == "bmt":
        timeline.add(window_start, OPENING, manager, members.set_member_number_pattern,
                     books.coop, "AA.{year}.{seq:04d}")
    first_join = {}
    for person in people:
        if person.category == FAMILY:
            migrant = person.migrant
            first_join[id(migrant)] = min(first_join.get(id(migrant), person.join_date), person.join_date)
    for migrant in migrants:
        timeline.add(first_join[id(migrant)], MIGRANT, treasurer, _record_migrant, books, migrant)
    for person in people:
        timeline.add(person.join_date, JOIN, treasurer, _register, books, person)
        _schedule_wajib(timeline, books, person, rng)
        _schedule_voluntary(timeline, books, person, rng)
        if person.recipient:
            _schedule_remittances(timeline, books, person, rng)
        if person.time_deposit:
            day, amount = person.time_deposit
            timeline.add(max(day, person.join_date), MONEY_IN, treasurer, _open_time_deposit,
                         books, person, region["time_deposit"], amount, max(day, person.join_date))
        if person.leaves_on:
            timeline.add(person.leaves_on, LEAVING, manager, _leave, books, person)
    _schedule_enterprises(timeline, books, region, people, rng)
    for start in _month_starts(today, HISTORY_MONTHS):
        end = ledger.month_end(start)
        timeline.add(start.replace(day=27), VOUCHER, manager, _bank_the_cash, books, start.replace(day=27))
        if end < today:  # a month is paid once it has ended
            timeline.add(end, MONTH_END, manager, _month_end, books, end)


def _months_after(day, today):
    """The first day of every month after `day`'s, up to today's."""
    months = []
    start = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    while start <= today:
        months.append(start)
        start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _active_on(person, day):
    return person.leaves_on is None or day < person.leaves_on


def _schedule_wajib(timeline, books, person, rng):
    """Simpanan wajib after the first (paid on joining), by the member's habit; a remittance
    pays the wajib due of its recipient."""
    habit = person.wajib
    if habit == "remittance":
        return
    fixed = books.products["SW"].fixed_amount
    payday = rng.randint(3, 24)
    for n, start in enumerate(_months_after(person.join_date, books.today)):
        day = start.replace(day=min(28, max(1, payday + rng.randint(-2, 3))))
        if not _active_on(person, day):
            break
        if habit == "monthly" or (habit == "lapsed" and day < person.lapses_on):
            if rng.random() < 0.93:  # now and then a month is missed
                timeline.add(day, MONEY_IN, books.treasurer_id, _deposit, books, person, "SW", fixed, day)
        elif habit == "quarterly" and n % 3 == 2:
            timeline.add(day, MONEY_IN, books.treasurer_id, _collect_wajib, books, person, day)
        elif habit == "ahead" and n % 6 == 0:
            timeline.add(day, MONEY_IN, books.treasurer_id, _deposit, books, person, "SW", fixed * 6, day)


def _schedule_voluntary(timeline, books, person, rng):
    """Deposits and withdrawals of the everyday account: savers put money in most months
    and take some out now and then (more often where remittances come in)."""
    if not person.everyday:
        return
    richer = person.category == RETURNEE or person.recipient
    for start in _months_after(person.join_date, books.today):
        if rng.random() < 0.35:
            day = start + timedelta(days=rng.randint(0, 27))
            if _active_on(person, day):
                amount = _rupiah(rng, 25_000, 1_500_000 if richer else 500_000)
                timeline.add(day, MONEY_IN, books.treasurer_id, _deposit, books, person,
                             person.everyday, amount, day)
        if rng.random() < (0.3 if person.recipient else 0.15):
            day = start + timedelta(days=rng.randint(0, 27))
            if _active_on(person, day):
                timeline.add(day, MONEY_OUT, books.treasurer_id, _withdraw, books, person,
                             person.everyday, rng.choice([20, 30, 50, 80]), day)


def _schedule_remittances(timeline, books, person, rng):
    """Most months the migrant sends money home after payday, in the currency of the country
    (a few send rupiah through an Indonesian bank's branch abroad)."""
    migrant = person.migrant
    currency, (low, high), (least, most, step), *_ = COUNTRIES[migrant.country]
    in_rupiah = migrant.country == "Malaysia" and migrant.channel == "bank"
    first = max(person.join_date, migrant.departure + timedelta(days=40))
    for start in [first.replace(day=1)] + _months_after(first, books.today):
        if rng.random() > 0.85:
            continue
        day = max(first, start + timedelta(days=rng.randint(1, 12)))
        if day.month != start.month:
            continue
        amount = Decimal(rng.randrange(least, most + 1, step))
        rate = Decimal(rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))) / 100
        if in_rupiah:
            timeline.add(day, MONEY_IN, books.treasurer_id, _remit, books, person, day, "IDR",
                         None, None, _round_down(amount * rate, 1000))
        else:
            timeline.add(day, MONEY_IN, books.treasurer_id, _remit, books, person, day, currency,
                         amount, rate, None)


def _schedule_enterprises(timeline, books, region, people, rng):
    """Businesses, mostly of returnees (two in three) and of families living on remittances,
    and one of another villager."""
    staying = [p for p in people if p.leaves_on is None]
    owners = {"returnee": [p for p in staying if p.category == RETURNEE],
              "family": [p for p in staying if p.recipient],
              "other": [p for p in staying if p.category == OTHER]}
    businesses = region["enterprises"]
    for n, (name, sector, products, workers, ovop) in enumerate(businesses):
        group = "other" if n == len(businesses) - 1 else ("family" if n % 3 == 2 else "returnee")
        owner = owners[group].pop(0)
        started = min(owner.join_date - timedelta(days=rng.randint(-60, 900)), books.today)
        data = EnterpriseData(name=name, sector=sector, products=products, start_date=started,
                              workers=workers, address=owner.address, is_ovop=ovop,
                              active=n != len(businesses) - 2)  # one has closed down
        timeline.add(max(owner.join_date, started), BUSINESS, books.treasurer_id, _add_enterprise,
                     books, owner, data)


# -- the operations, each through its service ------------------------------------------------

def _record_migrant(books, migrant):
    record = members.create_migrant(
        books.coop.id, migrant.name, migrant.country, migrant.sector, migrant.departure,
        migrant.expected_return, migrant.actual_return, migrant.procedural, migrant.gender)
    migrant.id = record.id


def _register(books, person):
    coop = books.coop
    new_migrant = None
    migrant_id = None
    if person.category == RETURNEE:
        m = person.migrant
        new_migrant = MigrantData(m.name, m.country, m.sector, m.departure, m.expected_return,
                                  m.actual_return, m.procedural, m.gender)
    elif person.migrant is not None:
        migrant_id = person.migrant.id
    data = members.MemberData(
        nik=person.nik, name=person.name, gender=person.gender, birth_date=person.birth_date,
        address=person.address, phone=person.phone, join_date=person.join_date,
        category=person.category, migrant_worker_id=migrant_id, relationship=person.relationship)
    member = members.register_member(coop, data, books.cash_id, books.key("join"),
                                     created_by=books.treasurer_id, new_migrant=new_migrant)
    person.member_id = member.id
    if person.category == RETURNEE:
        person.migrant.id = member.migrant_worker_id
    for kind, code in ((POKOK, "SP"), (WAJIB, "SW")):
        person.accounts[code] = savings.account_of_kind(coop.id, member.id, kind).id
    for code in (person.everyday, person.extra):
        if code:
            product = books.products[code]
            opening = max(product.min_opening, Decimal(50_000))
            account, _entry = savings.open_account_with_deposit(
                coop.id, member.id, product.id, person.join_date, opening, books.cash_id,
                books.key("open"), created_by=books.treasurer_id)
            person.accounts[code] = account.id
    if person.allocation:
        kind, value = person.allocation
        target = person.accounts[person.extra or person.everyday]
        remittance.set_allocation(coop.id, member.id, target,
                                  savings_pct=value if kind == "pct" else None,
                                  savings_fixed=value if kind == "fixed" else None,
                                  pay_wajib_due=True)
    if person.username:
        members.create_member_login(coop.id, member.id, person.username, DEMO_PASSWORD)


def _deposit(books, person, code, amount, day):
    savings.deposit(books.coop.id, person.accounts[code], amount, day, books.cash_id,
                    books.key("dep"), created_by=books.treasurer_id)


def _collect_wajib(books, person, day):
    standing = arrears.member_arrears(books.coop.id, person.member_id, day)
    if standing is not None and standing.amount > 0:
        arrears.collect_wajib(books.coop.id, person.member_id, day, books.cash_id,
                              books.key("wajib"), created_by=books.treasurer_id)


def _withdraw(books, person, code, percent, day):
    account = savings.get_account(books.coop.id, person.accounts[code])
    amount = _round_down(savings.available_to_withdraw(account, day) * percent / 100, 5_000)
    if amount < 20_000:
        return
    # Large sums are paid by transfer from the bank, small ones over the counter.
    cash_left = ledger.account_balance(books.coop.id, books.cash_id)
    money = books.cash_id if amount <= 1_000_000 and cash_left >= amount + 500_000 else books.bank_id
    savings.withdraw(books.coop.id, account.id, amount, day, money, books.key("wd"),
                     created_by=books.treasurer_id)


def _remit(books, person, day, currency, foreign_amount, rate, amount_idr):
    migrant = person.migrant
    reference = f"{REFERENCE_PREFIX[migrant.channel]}{day:%y%m%d}{next(books.keys):05d}"
    remittance.record_remittance(
        books.coop.id, person.member_id, migrant.id, migrant.channel, currency, day, reference,
        books.bank_id if migrant.channel == "bank" else books.cash_id, books.key("remit"),
        foreign_amount=foreign_amount, rate=rate, amount_idr=amount_idr,
        created_by=books.treasurer_id, today=books.today)


def _open_time_deposit(books, person, code, amount, day):
    product = books.products[code]
    account, _entry = savings.open_account_with_deposit(
        books.coop.id, person.member_id, product.id, day, amount, books.bank_id,
        books.key("td"), created_by=books.treasurer_id)
    person.accounts[code] = account.id


def _add_enterprise(books, person, data):
    create_enterprise(books.coop.id, person.member_id, data)


def _leave(books, person):
    leaving.resign_member(books.coop.id, person.member_id, person.leaves_on, books.cash_id,
                          books.key("leave"), created_by=books.manager_id)


def _bank_the_cash(books, day):
    """Cash above what the counter needs goes to the bank at the end of the month."""
    surplus = ledger.account_balance(books.coop.id, books.cash_id) - CASH_KEPT
    if surplus >= 1_000_000:
        amount = _round_down(surplus, 1_000_000)
        ledger.post_manual_entry(
            books.coop.id, day, "Setor kelebihan kas ke rekening bank koperasi",
            [(books.bank_id, amount, None, None), (books.cash_id, None, amount, None)],
            books.key("bank"), created_by=books.manager_id)


def _month_end(books, end):
    """Interest (KSP) or profit sharing and the wadiah bonus (BMT) for the month."""
    amounts = {}
    for product, _accounts, total in product_summaries(books.coop.id):
        if product.kind == MUDHARABAH or (product.kind not in (POKOK, WAJIB, WADIAH)
                                          and product.nisbah_member_pct):
            basis = _round_down(total * MUDHARABAH_INCOME_RATE, 1000)
        elif product.kind == WADIAH:
            basis = _round_down(total * WADIAH_BONUS_RATE, 1)
        else:
            continue
        if basis > 0:
            amounts[product.id] = basis
    monthend.run_month_end(books.coop, end, amounts, run_by=books.manager_id, today=books.today)

