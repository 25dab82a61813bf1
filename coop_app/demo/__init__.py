"""Demo data: two cooperatives in two kabupaten, a user for each role, a year of members of
migrant families with their savings, remittances and enterprises, and months of vouchers;
and the programme's records (demo/programme.py): village profiles, households and their
surveys, eighteen months of enterprise reports, trainings and assistance, with the
indicator snapshot of every month-end.

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
from types import SimpleNamespace

from flask import g
from flask_babel import lazy_gettext as _l

from coop_app.cooperatives.clock import local_today
from coop_app.auth import service as users
from coop_app.cooperatives.service import by_code
from coop_app.provisioning import create_cooperative
from coop_app.enterprises.service import EnterpriseData
from coop_app.extensions import db
from coop_app.ledger import fiscal_year
from coop_app.ledger import service as ledger
from coop_app.ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER
from coop_app.members import service as members
from coop_app.members.models import FAMILY, OTHER, RETURNEE
from coop_app.savings.products import products as savings_products
from coop_app.demo.cast import HISTORY_MONTHS, _cast, _round_down, _rupiah
from coop_app.demo.loans import schedule_loans
from coop_app.demo.programme import (ENUMERATORS, Programme, record_prices, record_village,
                                     schedule_programme)
from coop_app.demo.operations import (DEMO_PASSWORD, _add_enterprise, _bank_the_cash,
                                      _collect_wajib, _deposit, _leave, _month_end,
                                      _open_time_deposit, _record_migrant, _register,
                                      _register_in_error, _remit, _withdraw)
from coop_app.demo.regions import COUNTRIES, REGIONS


# Each placed by its desa's Kemendagri code (demo/regions.py); names come from the list.
COOPERATIVES = [
    dict(code="KSP-IDM01", type_="ksp", name="KSP Desmigratif Sumber Rejeki",
         village_code=REGIONS["KSP-IDM01"]["village_code"], founded_on=date(2018, 3, 12),
         fiscal_year_start_month=1, programme_cohort=2017),
    dict(code="BMT-LTM01", type_="kspps", name="KSPPS BMT Desmigratif Al-Amanah",
         village_code=REGIONS["BMT-LTM01"]["village_code"], founded_on=date(2019, 7, 1),
         fiscal_year_start_month=1, programme_cohort=2019),
]

# (username, full name, role, cooperative code or auditor province's code). A member's user is
# the login of a demo member of that name (members.create_member_login).
USERS = [
    ("admin", "Admin Program Desmigratif", "admin", None),
    ("auditor", "Rina Pendamping Nasional", "auditor", None),
    ("pendamping.jabar", "Dedi Pendamping Jawa Barat", "auditor", "32"),  # Jawa Barat
    ("ksp.manajer", "Hj. Siti Aminah", "manager", "KSP-IDM01"),
    ("ksp.bendahara", "Wartini", "treasurer", "KSP-IDM01"),
    ("ksp.pendamping", "Nurul Fadilah", "pendamping", "KSP-IDM01"),  # the village facilitator
    ("ksp.anggota", "Casmadi", "member", "KSP-IDM01"),
    ("bmt.manajer", "H. Lalu Muhammad Zainuddin", "manager", "BMT-LTM01"),
    ("bmt.bendahara", "Baiq Nurhidayati", "treasurer", "BMT-LTM01"),
    ("bmt.anggota", "Sahnan", "member", "BMT-LTM01"),
]

# Places in the village's list of enterprises (demo/regions.py) that returnees start after
# joining, within the programme's months (the others mostly ran before their owner joined).
NEW_BUSINESSES = (4, 6)

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

# Within one day: migrant records, then registrations and the businesses of those joining,
# money in, money out, vouchers, a member leaving, and the month-end run after the day's
# business.
(OPENING, MIGRANT, JOIN, BUSINESS, MONEY_IN, MONEY_OUT, VOUCHER, LEAVING, MONTH_END) = range(9)
RANKS = SimpleNamespace(JOIN=JOIN, BUSINESS=BUSINESS, MONEY_IN=MONEY_IN, MONEY_OUT=MONEY_OUT,
                        VOUCHER=VOUCHER)


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

    def run(self, on_month=None):
        """Run the operations; `on_month(day)` is told the first day of each month reached."""
        month = None
        for day, _rank, _n, actor_id, action in sorted(self.events, key=lambda e: e[:3]):
            if on_month is not None and (day.year, day.month) != month:
                month = (day.year, day.month)
                on_month(day)
            g.actor_id = actor_id
            action()


def _month_starts(today, months):
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


def _silent(message):
    pass


def _posting_month(progress, n, name, day):
    progress(_l("Cooperative %(n)d/%(total)d, %(name)s: posting %(month)s",
                n=n, total=len(COOPERATIVES), name=name, month=day.strftime("%m/%Y")))


def load_demo(today=None, months=6, progress=None):
    """Create the demo; returns False if it was already there. `progress(message)` is told
    each step as it starts (a lazily translated message), the months of posting among them."""
    if by_code(COOPERATIVES[0]["code"]) is not None:
        return False
    progress = progress or _silent
    progress(_l("Loading the demo data: the cooperatives and their users"))
    today = today or local_today()  # WIB, the westmost zone: no cooperative's tomorrow
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
    record_prices({spec["village_code"][:2] for spec in COOPERATIVES}, today)
    for coop in coops.values():
        record_village(coop, today)

    starts = _month_starts(today, months)
    managers = {}
    for n, (code, prefix) in enumerate((("KSP-IDM01", "ksp"), ("BMT-LTM01", "bmt"))):
        coop = coops[code]
        manager, treasurer = people[f"{prefix}.manajer"], people[f"{prefix}.bendahara"]
        books = Books(coop, manager.id, treasurer.id, ledger.account_by_key(coop.id, "cash").id,
                      ledger.account_by_key(coop.id, "bank").id, today,
                      {p.code: p for p in savings_products(coop.id)})
        progress(_l("Cooperative %(n)d/%(total)d, %(name)s: members, savings, remittances and loans",
                    n=n + 1, total=len(COOPERATIVES), name=coop.name))
        timeline = Timeline(today)
        opening = _month_starts(today, HISTORY_MONTHS)[0]
        timeline.add(opening, OPENING, manager.id, _opening, coop, opening, manager)
        for start in starts:
            _month(timeline, coop, start, treasurer, rng)
        recorder = people.get(f"{prefix}.pendamping", treasurer)
        programme = Programme(coop, REGIONS[code], recorder.id, today, ENUMERATORS[code])
        _members_year(timeline, books, REGIONS[code], random.Random(1945 + n), prefix, programme,
                      random.Random(2016 + n))
        timeline.run(partial(_posting_month, progress, n + 1, coop.name))
        managers[code] = manager.id
    progress(_l("Closing the past months"))
    # Last, once the year's business is posted: every demo month but the last two is
    # closed, as a careful manager would. The books begin a year back, so a fiscal year may
    # end before the first month closed: its closing entry is posted first, dated its last
    # day, or that year's income and expense would run on into the next year's result.
    for code, manager_id in managers.items():
        g.actor_id = manager_id
        if starts[:-2]:
            for year_end in fiscal_year.ended_years(coops[code], starts[0]):
                fiscal_year.close_year(coops[code], year_end, closed_by=manager_id, today=today)
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
    # Lending capital: a revolving loan from LPDB-KUMKM, the state's cooperative fund.
    borrowings = ledger.account_by_key(coop.id, "borrowings")
    ledger.post_manual_entry(
        coop.id, day + timedelta(days=3), "Pencairan pinjaman dana bergulir LPDB-KUMKM",
        [(bank.id, Decimal("75000000"), None, None), (borrowings.id, None, Decimal("75000000"), None)],
        f"demo:lpdb:{coop.code}", created_by=manager.id)


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


# -- what they do over the year ---------------------------------------------------------------

def _members_year(timeline, books, region, rng, prefix, programme, programme_rng):
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
    # One remittance of the first family receiving them is first typed wrong and reversed.
    mistyped_for = next(person for person in people if person.recipient)
    for person in people:
        timeline.add(person.join_date, JOIN, treasurer, _register, books, person)
        _schedule_wajib(timeline, books, person, rng)
        _schedule_voluntary(timeline, books, person, rng)
        if person.recipient:
            _schedule_remittances(timeline, books, person, rng, mistyped=person is mistyped_for)
        if person.time_deposit:
            day, amount = person.time_deposit
            timeline.add(max(day, person.join_date), MONEY_IN, treasurer, _open_time_deposit,
                         books, person, region["time_deposit"], amount, max(day, person.join_date))
        if person.leaves_on:
            timeline.add(person.leaves_on, LEAVING, manager, _leave, books, person)
    timeline.add(window_start + timedelta(days=45), JOIN, treasurer, _register_in_error, books, region,
                 window_start + timedelta(days=45))
    businesses = _schedule_enterprises(timeline, books, region, people, rng)
    schedule_loans(timeline, books, people, RANKS)
    # The programme's records draw from their own random: the members' year stays as it was.
    schedule_programme(timeline, programme, people, businesses, programme_rng, RANKS)
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


def _schedule_remittances(timeline, books, person, rng, mistyped=False):
    """Most months the migrant sends money home after payday, in the currency of the country
    (a few send rupiah through an Indonesian bank's branch abroad). Mistyped: the third is
    first recorded wrong, reversed and recorded again."""
    sent = 0
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
        sent += 1
        typo = mistyped and sent == 3
        if in_rupiah:
            timeline.add(day, MONEY_IN, books.treasurer_id, _remit, books, person, day, "IDR",
                         None, None, _round_down(amount * rate, 1000), typo)
        else:
            timeline.add(day, MONEY_IN, books.treasurer_id, _remit, books, person, day, currency,
                         amount, rate, None, typo)


def _schedule_enterprises(timeline, books, region, people, rng):
    """Businesses, mostly of returnees (two in three) and of families living on remittances,
    and one of another villager; returns (owner, data, the day it is registered) of each.
    One of them closes down within the programme's months (demo/programme.py)."""
    staying = [p for p in people if p.leaves_on is None]
    owners = {"returnee": [p for p in staying if p.category == RETURNEE],
              "family": [p for p in staying if p.recipient],
              "other": [p for p in staying if p.category == OTHER]}
    businesses, planned = region["enterprises"], []
    for n, (name, sector, products, workers, ovop) in enumerate(businesses):
        group = "other" if n == len(businesses) - 1 else ("family" if n % 3 == 2 else "returnee")
        owner = owners[group].pop(0)
        owner.owns_business = True
        started = min(owner.join_date - timedelta(days=rng.randint(-60, 900)), books.today)
        if n in NEW_BUSINESSES and owner.join_date + timedelta(days=40 + 9 * n) <= books.today - timedelta(days=30):
            started = owner.join_date + timedelta(days=40 + 9 * n)  # started once a member
        data = EnterpriseData(name=name, sector=sector, products=products, start_date=started,
                              workers=workers, address=owner.address, is_ovop=ovop)
        timeline.add(max(owner.join_date, started), BUSINESS, books.treasurer_id, _add_enterprise,
                     books, owner, data)
        planned.append((owner, data, max(owner.join_date, started)))
    return planned
