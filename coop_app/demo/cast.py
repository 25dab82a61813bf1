"""Who the demo members are: the people of one village, drawn deterministically."""
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from coop_app.members.models import CTKI, FAMILY, OTHER, RETURNEE
from coop_app.members.nik import check_nik
from coop_app.demo.regions import COUNTRIES

# -- the members' year ---------------------------------------------------------------------

HISTORY_MONTHS = 12  # members' savings and remittances go back a year
# Members of each cooperative by Desmigratif category; family members belong to the
# migrants abroad (MIGRANTS_ABROAD of them, TWO_FAMILY_MEMBERS with two relatives in the
# cooperative), returnees split into those still within their three years and the others.
MEMBER_PLAN = {CTKI: 10, FAMILY: 22, RETURNEE: 14, OTHER: 14}
MIGRANTS_ABROAD = 16
TWO_FAMILY_MEMBERS = MEMBER_PLAN[FAMILY] - MIGRANTS_ABROAD
RECENT_RETURNEES = 9


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
    owns_business: bool = False  # an enterprise of theirs is on the timeline
    enterprise_id: int | None = None  # once recorded



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
    for _n in range(MEMBER_PLAN[CTKI]):
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
