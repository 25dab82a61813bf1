"""The member register at programme scale: finding a member among 100,000.

Builds (set-based, see dataset()) one cooperative with 100,000 members and 1,000,000 savings
transactions, then measures:
  (a) member search through coop_app.members.service.search_query: ~200 random searches by
      name prefix, full name, NIK, NIK prefix and member number, the first page (50 rows)
      of each; median and p95 (target: median under 50 ms);
  (b) the same searches through the register page (/c/<code>/members/?q=...) with the Flask
      test client, logged in as the manager: median and p95.

The dataset is shared with bench/savings.py: built once per process and database and
reused, in a fresh database (a SQLite file in a temporary directory, or a PostgreSQL
database bench_members) removed at exit.
"""
import itertools
import random
import re
import statistics
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bench import SQLITE, Report, Scratch, describe, insert_rows, progress, stopwatch, sync_ids

FULL = {"members": 100_000, "transactions": 1_000_000, "batch": 50_000, "searches": 200}
QUICK = {"members": 10_000, "transactions": 100_000, "batch": 10_000, "searches": 200}
TARGET_SEARCH_MS = 50.0
PAGE_SIZE = 50

CODE = "KSP-BENCH"
PASSWORD = "Bench-Desmigratif-2026"
JOIN_FROM, JOIN_TO = date(2019, 1, 1), date(2025, 11, 30)
CLOSED_THROUGH = date(2018, 12, 31)
YEAR_FROM, YEAR_TO = date(2025, 1, 1), date(2025, 12, 31)  # the year of movements
PASSBOOK_LINES = 500  # the busy account (member 1's sukarela) has exactly this many lines
POKOK_SEN, WAJIB_SEN, MIN_BALANCE_SEN = 100_000_00, 20_000_00, 10_000_00

MEN = ["Casmadi", "Dulkarim", "Tarsono", "Karyadi", "Waryono", "Sukardi", "Darsim", "Rusdi",
       "Taryum", "Kusnadi", "Carman", "Warsito", "Dasuki", "Sarkim", "Tarmadi", "Rohman",
       "Jaenudin", "Suhendi", "Daryono", "Sanusi", "Wasman", "Asmawi", "Kasmari", "Tarmuji",
       "Sahnan", "Lalu Ahmad", "Amaq Sumardi", "Saepudin", "Muhammad", "Hairul", "Abdul Hamid",
       "Zulkarnain", "Mahsun", "Sahrul", "Hasanudin", "Mukhlis", "Supardi", "Burhanudin",
       "Sapri", "Marzuki", "Ahmad", "Samsul", "Jumadi", "Asep", "Dedi", "Agus", "Budi",
       "Slamet", "Joko", "Bambang", "Eko", "Heru", "Wahyu", "Yusuf", "Ridwan", "Iwan"]
WOMEN = ["Wartini", "Tarsih", "Sunarti", "Karsiti", "Rasminah", "Casinih", "Darsih", "Tarmini",
         "Sumiati", "Kartini", "Warsini", "Ratini", "Kuriah", "Dasmi", "Sairoh", "Rumsinah",
         "Carini", "Tusminah", "Kasminah", "Wasriah", "Sutini", "Juariah", "Nurhasanah",
         "Baiq Sri", "Inaq Rahmah", "Rabiatul", "Hajariah", "Masitah", "Nurul", "Baiq Halimah",
         "Maemunah", "Hafsah", "Rukmini", "Siti", "Nursiah", "Zaenab", "Murniati", "Salmah",
         "Rohani", "Sukmawati", "Dewi", "Sri", "Yuli", "Ani", "Endang", "Lilis", "Euis",
         "Neneng", "Tuti", "Rina", "Wati", "Yanti", "Susi", "Fitri", "Aminah", "Rahayu"]
SECOND = ["", "", "", "Wati", "Ningsih", "Hidayat", "Saputra", "Rahman", "Hasan", "Fauzi",
          "Susanti", "Lestari", "Kurniawan", "Setiawan", "Purnama", "Sari", "Yulianti",
          "Maulana", "Hakim", "Nurdin", "Suryani", "Handayani", "Pratama", "Wijaya"]
# (province, kabupaten) of the NIKs: the villages migrants leave from.
REGIONS = [(32, 12), (32, 9), (33, 1), (35, 2), (52, 3), (52, 2), (52, 1)]
COUNTRIES = ["Malaysia", "Taiwan", "Hong Kong", "Arab Saudi", "Singapura", "Korea Selatan"]
CATEGORIES = (("ctki", 15), ("family", 35), ("returnee", 20), ("other", 30))


@dataclass
class Dataset:
    app: object
    description: str
    coop_id: int
    accounts: dict  # GL system key -> id
    products: dict  # product code -> id
    members: int
    transactions: int
    entries: int
    lines: int
    busy_account_id: int
    busy_member_id: int
    build_seconds: float
    check_seconds: float
    members_seconds: float
    posting_seconds: float

    def account_id(self, member_id, code):
        """Accounts were inserted with explicit ids: pokok, wajib, sukarela per member."""
        return 3 * (member_id - 1) + {"SP": 1, "SW": 2, "SS": 3}[code]


_DATASETS = {}


def dataset(quick=False, database=SQLITE):
    """The shared dataset of this process on `database` (built on first use; its Scratch
    drops it at exit)."""
    key = (quick, database)
    if key not in _DATASETS:
        scratch = Scratch(database, prefix="coop-bench-members-")
        _DATASETS[key] = _build(scratch, dict(QUICK if quick else FULL))
    return _DATASETS[key]


# -- building ---------------------------------------------------------------------------------

def _cooperative(app):
    from coop_app.auth import service as users
    from coop_app.provisioning import create_cooperative
    from coop_app.extensions import db
    from coop_app.ledger import service as ledger
    from coop_app.savings.products import products as savings_products

    with app.app_context():
        coop = create_cooperative(
            CODE, "ksp", name="KSP Desmigratif Bench", village="Juntinyuat", kecamatan="Juntinyuat",
            kabupaten="Kabupaten Indramayu", province="Jawa Barat", founded_on=date(2018, 3, 12))
        for username, role in (("bench.manajer", "manager"), ("bench.bendahara", "treasurer")):
            user = users.create_user(username, username, PASSWORD)
            users.grant_role(user.id, role, cooperative_id=coop.id)
        # The books before the members' history are closed, so every posting is checked
        # against a real closed period.
        ledger.close_period(coop, CLOSED_THROUGH, today=JOIN_FROM)
        accounts = {a.system_key: a.id for a in ledger.accounts(coop.id, postable=True)}
        products = {p.code: p.id for p in savings_products(coop.id)}
        coop_id = coop.id
        db.session.commit()
        db.session.remove()
    return coop_id, accounts, products


def _day(rng, low, high):
    return low + timedelta(days=rng.randint(0, (high - low).days))


def _people(rng, coop_id, count):
    """Members' rows and their migrant workers' rows (explicit ids, plain values)."""
    from coop_app.members.nik import check_nik

    now = datetime(2026, 1, 2, 8, 0).isoformat(" ", "microseconds")
    members, migrants, niks, join_dates = [], [], set(), []
    serial = itertools.count(1)
    categories, weights = zip(*CATEGORIES)
    abroad = None  # the migrant the next family member belongs to
    for n in range(count):
        gender = rng.choice("MF")
        name = f"{rng.choice(MEN if gender == 'M' else WOMEN)} {rng.choice(SECOND)}".strip()
        birth = _day(rng, date(1958, 1, 1), date(2001, 12, 28))
        joined = date(2019, 3, 1) if n == 0 else _day(rng, JOIN_FROM, JOIN_TO)
        province, kabupaten = rng.choice(REGIONS)
        while True:  # the serial tells apart people of one kecamatan born on one day
            nik = (f"{province:02d}{kabupaten:02d}{rng.randint(1, 30):02d}"
                   f"{birth.day + (40 if gender == 'F' else 0):02d}{birth:%m%y}"
                   f"{next(serial) % 9999 + 1:04d}")
            if nik not in niks:
                break
        niks.add(check_nik(nik, birth, gender))
        category = rng.choices(categories, weights)[0] if n else "family"
        migrant_id = relationship = None
        if category == "returnee":
            back = _day(rng, date(2017, 1, 1), date(2025, 10, 1))
            left = back - timedelta(days=rng.randint(2, 4) * 365)
            migrants.append((len(migrants) + 1, coop_id, name, rng.choice(COUNTRIES), "domestic",
                             left.isoformat(), back.isoformat(), True, now))
            migrant_id = len(migrants)
        elif category == "family":
            if abroad is None:
                left = _day(rng, date(2021, 1, 1), date(2025, 6, 30))
                migrants.append((len(migrants) + 1, coop_id, rng.choice(WOMEN), rng.choice(COUNTRIES),
                                 "domestic", left.isoformat(), None, True, now))
                abroad = len(migrants)
            migrant_id, relationship = abroad, rng.choice(["spouse", "parent", "child"])
            if rng.random() < 0.5:
                abroad = None  # the next family member belongs to a new migrant
        place = rng.choice(["Kliwon", "Pahing", "Manis", "Wage", "Pon"])
        members.append((n + 1, coop_id, f"{joined.year}.{n + 1:05d}", nik, name, name.lower(), gender,
                        birth.isoformat(),
                        f"Blok {place} RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 4):03d}",
                        f"08{rng.randint(1_000_000_000, 9_999_999_999)}", joined.isoformat(), "active",
                        category, migrant_id, relationship, now))
        join_dates.append(joined)
    return members, migrants, join_dates


def _operations(rng, join_dates, transactions):
    """Every savings operation, in date order with amounts resolved and balances followed, so
    withdrawals never go below the minimum balance.

    An operation is (day, member index, kind, [(product code, account id, signed sen,
    balance after)]): kinds join (pokok, the first wajib and the sukarela opening deposit in
    one entry), deposit and withdrawal. Days are ordinals while generating (fast to draw
    and sort).
    """
    count = len(join_dates)
    rand = rng.random
    joined = [day.toordinal() for day in join_dates]
    ops = [(joined[m], 0, m, "join", (10 + int(rand() * 190)) * 500_000) for m in range(count)]
    year_from, year_to = YEAR_FROM.toordinal(), YEAR_TO.toordinal()
    busy = PASSBOOK_LINES - 1  # member 1's sukarela: its opening plus these
    for k in range(busy):
        ops.append((year_from + k * 365 // busy, 1, 0, "ss_out" if k % 3 == 2 else "ss_in",
                    (2 + int(rand() * 78)) * 500_000))
    for _ in range(transactions - 3 * count - busy):
        m = 1 + int(rand() * (count - 1))
        low = max(joined[m], year_from)
        day = low + int(rand() * (year_to - low + 1))
        r = rand()
        if r < 0.45:
            ops.append((day, 1, m, "wajib", WAJIB_SEN * (1 if r < 0.35 else 2 if r < 0.41 else 3)))
        else:
            ops.append((day, 1, m, "ss_in" if r < 0.85 else "ss_out", (2 + int(rand() * 198)) * 500_000))
    ops.sort(key=lambda op: (op[0], op[1]))

    dates = {}
    balances = [0] * (3 * count)
    resolved = []
    for day, _order, m, what, sen in ops:
        sp, sw, ss = 3 * m, 3 * m + 1, 3 * m + 2
        if what == "join":
            moves = (("SP", sp, POKOK_SEN), ("SW", sw, WAJIB_SEN), ("SS", ss, sen))
        elif what == "wajib":
            moves = (("SW", sw, sen),)
        elif what == "ss_out":
            # At most half of what is above the minimum balance, in Rp5,000; when that is
            # less than Rp20,000 the member deposits Rp25,000 instead.
            out = min(sen, (balances[ss] - MIN_BALANCE_SEN) // 2) // 500_000 * 500_000
            moves = (("SS", ss, -out),) if out >= 2_000_000 else (("SS", ss, 2_500_000),)
        else:
            moves = (("SS", ss, sen),)
        done = []
        for code, index, amount in moves:
            balances[index] += amount
            done.append((code, index + 1, amount, balances[index]))
        if day not in dates:
            dates[day] = date.fromordinal(day)
        resolved.append((dates[day], m, what, done))
    return resolved, balances


def _specs(chunk, start, accounts, amounts):
    from coop_app.ledger.posting import EntrySpec, Line
    from coop_app.money import from_sen

    def money(sen):  # the same few amounts recur: one Decimal each
        value = amounts.get(sen)
        if value is None:
            value = amounts[sen] = from_sen(sen)
        return value

    control = {"SP": accounts["simpanan_pokok"], "SW": accounts["simpanan_wajib"],
               "SS": accounts["simpanan_sukarela"]}
    names = {"SP": "Simpanan Pokok", "SW": "Simpanan Wajib", "SS": "Simpanan Sukarela"}
    cash = accounts["cash"]
    specs = []
    for n, (day, m, what, moves) in enumerate(chunk, start):
        total = sum(amount for _c, _a, amount, _b in moves)
        lines = [Line(control[code], money(-amount), member_id=m + 1, savings_account_id=account)
                 for code, account, amount, _b in moves]
        lines.append(Line(cash, money(total), member_id=m + 1))
        if what == "join":
            kind, memo = "member_joining", f"Pendaftaran anggota {m + 1:05d}"
        elif total > 0:
            kind, memo = "savings_deposit", f"Setoran {names[moves[0][0]]}"
        else:
            kind, memo = "savings_withdrawal", f"Penarikan {names[moves[0][0]]}"
        specs.append(EntrySpec(entry_date=day, kind=kind, memo=memo, lines=lines,
                               idempotency_key=f"b{n}"))
    return specs


def _build(scratch, parameters):
    from sqlalchemy import text

    from coop_app.database import refresh_statistics
    from coop_app.extensions import db
    from coop_app.ledger.check import check_ledger
    from coop_app.ledger.posting import post_entries_batch

    count, transactions = parameters["members"], parameters["transactions"]
    progress(f"dataset: migrating a fresh {scratch.database.name} database")
    started = time.perf_counter()
    app = scratch.app("members")
    coop_id, accounts, products = _cooperative(app)
    rng = random.Random(2026)
    with stopwatch() as generating:
        members, migrants, join_dates = _people(rng, coop_id, count)
        operations, balances = _operations(rng, join_dates, transactions)
    progress(f"dataset: {count:,} members and {transactions:,} movements generated in {generating():.1f} s")

    with app.app_context(), stopwatch() as inserting:
        conn = db.session.connection()
        insert_rows(conn, "migrant_workers", ("id", "cooperative_id", "name", "destination_country",
                                              "sector", "departure_date", "actual_return_date",
                                              "procedural", "created_at"), migrants)
        insert_rows(conn, "members", ("id", "cooperative_id", "member_number", "nik", "name", "name_search",
                                      "gender", "birth_date", "address", "phone", "join_date", "status",
                                      "category", "migrant_worker_id", "relationship", "created_at"), members)
        rows = []
        for m, joined in enumerate(join_dates):
            for k, code in enumerate(("SP", "SW", "SS")):
                rows.append((3 * m + k + 1, coop_id, m + 1, products[code], f"{code}-{m + 1:06d}",
                             joined.isoformat(), balances[3 * m + k], 0, "open"))
        insert_rows(conn, "savings_accounts", ("id", "cooperative_id", "member_id", "product_id", "number",
                                               "opened_on", "balance", "pledged", "status"), rows)
        sync_ids(conn, "migrant_workers", "members", "savings_accounts")
        db.session.commit()
    members_seconds = inserting()
    progress(f"dataset: members, migrants and {len(rows):,} accounts inserted in {members_seconds:.1f} s")

    posting_seconds = 0.0
    batch = parameters["batch"]
    amounts = {}
    with app.app_context():
        last_id = 0
        for start in range(0, len(operations), batch):
            chunk = operations[start:start + batch]
            specs = _specs(chunk, start, accounts, amounts)
            with stopwatch() as posting:
                assert post_entries_batch(coop_id, specs) == len(specs)
                conn = db.session.connection()
                ids = dict(conn.execute(text(
                    "SELECT idempotency_key, id FROM journal_entries"
                    " WHERE cooperative_id = :coop AND id > :last"), {"coop": coop_id, "last": last_id}).all())
                passbook = []
                for n, (day, _m, _what, moves) in enumerate(chunk, start):
                    entry_id = ids[f"b{n}"]
                    for _code, account, amount, after in moves:
                        passbook.append((coop_id, account, entry_id, day.isoformat(),
                                         "deposit" if amount > 0 else "withdrawal", amount, after,
                                         specs[n - start].memo))
                insert_rows(conn, "savings_transactions", ("cooperative_id", "account_id", "entry_id",
                                                           "txn_date", "kind", "amount", "balance_after",
                                                           "memo"), passbook)
                last_id = max(ids.values())
                db.session.commit()
            posting_seconds += posting()
            if start == 0:  # PostgreSQL: plan the next batches' key lookups on a full table
                refresh_statistics(db.session)
            progress(f"dataset: {start + len(chunk):,} of {len(operations):,} entries posted "
                     f"with their passbook lines, {posting_seconds:.1f} s")
        refresh_statistics(db.session)  # as the demo and the import do after a bulk load
        with stopwatch() as checking:
            facts, problems = check_ledger()
        assert problems == [], problems[:5]
        passbook_rows = db.session.execute(text("SELECT count(*) FROM savings_transactions")).scalar()
        assert passbook_rows == transactions, (passbook_rows, transactions)
        db.session.remove()
    progress(f"dataset: check_ledger clean over {facts['lines']:,} lines in {checking():.1f} s")
    return Dataset(app=app, description=describe(app), coop_id=coop_id, accounts=accounts, products=products,
                   members=count, transactions=transactions, entries=facts["entries"],
                   lines=facts["lines"], busy_account_id=3, busy_member_id=1,
                   build_seconds=time.perf_counter() - started, check_seconds=checking(),
                   members_seconds=members_seconds, posting_seconds=posting_seconds)


# -- logging in through the pages -------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html):
    found = CSRF.search(html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def logged_in_client(app, username):
    """A test client logged in through the login form (CSRF and all), as a person would."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


# -- (a) and (b): search ----------------------------------------------------------------------

def _queries(data, rng, count):
    """Searches a treasurer types: a name's first letters, a whole name, a NIK (whole or its
    first digits) or a member number, for members picked at random."""
    from sqlalchemy import select

    from coop_app.extensions import db
    from coop_app.members.models import Member

    with data.app.app_context():
        picks = [rng.randint(1, data.members) for _ in range(count)]
        rows = {r.id: r for r in db.session.execute(
            select(Member.id, Member.name, Member.nik, Member.member_number)
            .where(Member.id.in_(picks))).all()}
        db.session.remove()
    kinds = ["name prefix", "full name", "NIK", "NIK prefix", "member number"]
    queries = []
    for n, member_id in enumerate(picks):
        row, kind = rows[member_id], kinds[n % len(kinds)]
        if kind == "name prefix":
            q = row.name.split()[0][:rng.randint(3, 6)]
        elif kind == "full name":
            q = row.name
        elif kind == "NIK":
            q = row.nik
        elif kind == "NIK prefix":
            q = row.nik[:rng.choice((8, 10, 12))]
        else:
            q = row.member_number
        queries.append((kind, q))
    return queries


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _service_searches(data, queries):
    from coop_app.extensions import db
    from coop_app.members.service import search_query

    timings, found = [], 0
    with data.app.app_context():
        for _kind, q in queries[:5]:  # warm the statement cache
            db.session.execute(search_query(data.coop_id, q).limit(PAGE_SIZE)).scalars().all()
        for _kind, q in queries:
            with stopwatch() as t:
                rows = db.session.execute(search_query(data.coop_id, q).limit(PAGE_SIZE)).scalars().all()
            timings.append(t() * 1000)
            found += bool(rows)
            db.session.expunge_all()
        db.session.remove()
    return timings, found


def _page_searches(data, queries):
    from urllib.parse import urlencode

    client = logged_in_client(data.app, "bench.manajer")
    timings = []
    for _kind, q in queries[:5]:
        client.get(f"/c/{CODE}/members/?{urlencode({'q': q})}")
    for _kind, q in queries:
        with stopwatch() as t:
            response = client.get(f"/c/{CODE}/members/?{urlencode({'q': q})}")
        assert response.status_code == 200, response.status_code
        timings.append(t() * 1000)
    return timings


def run(quick=False, database=SQLITE):
    parameters = dict(QUICK if quick else FULL)
    data = dataset(quick, database)
    report = Report("members", f"Member search benchmark ({'quick' if quick else 'full'}: "
                               f"{data.members:,} members)", parameters={
        "members": f"{data.members:,} in one cooperative (valid NIKs; ctki, family, returnee, other)",
        "savings": f"{3 * data.members:,} accounts, {data.transactions:,} passbook lines, "
                   f"{data.entries:,} journal entries, {data.lines:,} journal lines",
        "searches": f"{parameters['searches']} random (name prefix, full name, NIK, NIK prefix, "
                    f"member number), first page of {PAGE_SIZE}",
    }, database=database.name, description=data.description)
    rng = random.Random(7)
    queries = _queries(data, rng, parameters["searches"])
    progress(f"members: {len(queries)} searches through search_query")
    service, found = _service_searches(data, queries)
    progress(f"members: {len(queries)} searches through /c/{CODE}/members/")
    pages = _page_searches(data, queries)

    report.add("search_query: median", statistics.median(service), "ms", ("<=", TARGET_SEARCH_MS))
    report.add("search_query: p95", _percentile(service, 0.95), "ms")
    report.add("search_query: slowest", max(service), "ms")
    for kind in ("name prefix", "NIK prefix", "member number"):
        report.add(f"search_query: median, {kind}",
                   statistics.median([t for (k, _q), t in zip(queries, service) if k == kind]), "ms")
    report.add("register page ?q=: median", statistics.median(pages), "ms")
    report.add("register page ?q=: p95", _percentile(pages, 0.95), "ms")
    report.add("dataset: build (members, accounts, posting, passbook)", data.build_seconds, "s")
    report.add("dataset: check_ledger() after the build", data.check_seconds, "s")
    report.notes.append(f"{found} of {len(queries)} searches found someone (every query was taken "
                        f"from a real member)")
    report.notes.append(f"dataset: members, migrants and accounts inserted in {data.members_seconds:.1f} s; "
                        f"{data.entries:,} entries posted by post_entries_batch with their passbook lines "
                        f"in {data.posting_seconds:.1f} s")
    return report
