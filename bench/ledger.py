"""The ledger under load: a million journal lines through the posting service.

Measures, on fresh databases built by the migrations (SQLite, and PostgreSQL when asked):
  (a) post_entries_batch: 500,000 two-line entries (three years of a busy cooperative),
      committed every 50,000 entries;
  (b) the floor: the same rows written by the database's own bulk path on the driver's
      connection (executemany on SQLite, COPY on PostgreSQL), explicit ids, one
      transaction, into the same schema (indexes and triggers included); the service
      should stay within 5x of it. For the record, also the floor on bare tables (every
      INSERT trigger of the journal dropped: the per-row guards, and on PostgreSQL the
      balance check at commit);
  (c) post_entry one entry per transaction, as the web forms post;
  (d) check_ledger() over all the lines (target under 5 s), and the CLI command once.
"""
import math
import random
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench import SQLITE, Report, Scratch, bulk_insert, describe, progress, stopwatch

FULL = {"entries": 500_000, "batch": 50_000, "single": 2_000}
QUICK = {"entries": 50_000, "batch": 10_000, "single": 500}
TARGET_RATIO = 5.0
TARGET_CHECK_SECONDS = 5.0

FIRST_DAY = date(2023, 1, 1)
DAYS = 3 * 365
MEMBERS = 2_000
LOANS = 800

# What a village cooperative's journal is made of:
# (weight, kind, memo, debit account, credit account, low, high rupiah, sub-ledger)
FLOWS = [
    (30, "savings_deposit", "Setoran simpanan sukarela", "cash", "simpanan_sukarela",
     10_000, 5_000_000, "savings"),
    (15, "savings_withdrawal", "Penarikan simpanan sukarela", "simpanan_sukarela", "cash",
     10_000, 3_000_000, "savings"),
    (12, "wajib_deposit", "Setoran simpanan wajib", "cash", "simpanan_wajib", 10_000, 50_000, "savings"),
    (8, "remittance", "Kiriman uang PMI dari luar negeri", "bank", "simpanan_sukarela",
     500_000, 20_000_000, "savings"),
    (5, "loan_disbursement", "Pencairan pinjaman anggota", "loans_receivable", "cash",
     1_000_000, 50_000_000, "loan"),
    (15, "loan_repayment", "Angsuran pokok pinjaman", "cash", "loans_receivable",
     100_000, 5_000_000, "loan"),
    (8, "loan_interest", "Bunga pinjaman", "cash", "interest_income", 10_000, 1_000_000, "loan"),
    (4, "expense_voucher", "Biaya operasional kantor", "office_expense", "cash", 10_000, 2_500_000, None),
    (2, "income_voucher", "Jasa giro rekening bank", "bank", "bank_income", 10_000, 500_000, None),
    (1, "manual", "Setor kas ke bank", "bank", "cash", 1_000_000, 10_000_000, None),
]
WEIGHTS = [f[0] for f in FLOWS]
CONTROL = {"simpanan_sukarela", "simpanan_wajib", "loans_receivable"}


def generate(batch_no, start, size, total, accounts, seed=2018):
    """Rows of one batch: (entry no, date, kind, memo, key, [(account, sen, member, savings, loan)]).

    Seeded per batch, so the service and the floor write exactly the same rows."""
    rng = random.Random(seed * 1_000_003 + batch_no)
    days = [FIRST_DAY + timedelta(days=d) for d in range(DAYS)]
    rows = []
    for n, flow in zip(range(start, start + size), rng.choices(FLOWS, WEIGHTS, k=size)):
        _, kind, memo, debit, credit, low, high, sub = flow
        rupiah = math.exp(rng.uniform(math.log(low), math.log(high)))
        # Interest carries sen; cash amounts are round to Rp500, as people pay them.
        sen = round(rupiah * 100) if kind == "loan_interest" else max(1, round(rupiah / 500)) * 50_000
        member = rng.randint(1, MEMBERS)
        savings = member * 3 + (1 if kind == "wajib_deposit" else 0) if sub == "savings" else None
        loan = rng.randint(1, LOANS) if sub == "loan" else None

        def refs(key, sub=sub, member=member, savings=savings, loan=loan):
            # The sub-ledger reference sits on the control account's line; the member on both.
            if sub is None:
                return None, None, None
            return (member, savings, loan) if key in CONTROL else (member, None, None)

        rows.append((n, days[n * DAYS // total], kind, memo, f"{rng.getrandbits(128):032x}",
                     [(accounts[debit], sen, *refs(debit)), (accounts[credit], -sen, *refs(credit))]))
    return rows


def batches(parameters, accounts):
    total, size = parameters["entries"], parameters["batch"]
    for batch_no, start in enumerate(range(0, total, size)):
        yield generate(batch_no, start, min(size, total - start), total, accounts)


# -- (a) the service ---------------------------------------------------------------------

def _service_batches(app, coop_id, accounts, parameters):
    from coop_app.extensions import db
    from coop_app.ledger.posting import EntrySpec, Line, post_entries_batch
    from coop_app.money import from_sen

    posting_seconds = building_seconds = 0.0
    with app.app_context():
        for rows in batches(parameters, accounts):
            with stopwatch() as building:
                specs = [EntrySpec(entry_date=day, kind=kind, memo=memo, idempotency_key=key,
                                   lines=[Line(a, from_sen(s), member_id=m, savings_account_id=sv, loan_id=ln)
                                          for a, s, m, sv, ln in lines])
                         for _, day, kind, memo, key, lines in rows]
            with stopwatch() as posting:
                posted = post_entries_batch(coop_id, specs)
                db.session.commit()
            assert posted == len(specs), (posted, len(specs))
            posting_seconds += posting()
            building_seconds += building()
            progress(f"service: {rows[-1][0] + 1:,} entries posted, {posting_seconds:.1f} s")
        db.session.remove()
    return posting_seconds, building_seconds


# -- (b) the floor: the database's own bulk path ------------------------------------------

def _floor(app, coop_id, accounts, parameters):
    from coop_app.extensions import db

    posted_at = datetime(2026, 1, 1, 8, 0).isoformat(" ", "microseconds")
    seconds = 0.0
    line_id = 0
    with app.app_context():
        dialect = db.engine.dialect.name
        raw = db.engine.raw_connection()
        connection = raw.driver_connection
        if dialect == "sqlite":  # the app's connections begin their own transactions
            connection.execute("BEGIN IMMEDIATE")
        for rows in batches(parameters, accounts):
            entries, lines = [], []
            for n, day, kind, memo, key, entry_lines in rows:
                entry_id = n + 1
                entries.append((entry_id, coop_id, day.isoformat(), posted_at, kind, memo, None, key, None))
                for account, sen, member, savings, loan in entry_lines:
                    line_id += 1
                    lines.append((line_id, entry_id, coop_id, account, sen, None, member, savings, loan))
            with stopwatch() as t:
                bulk_insert(connection, dialect, "journal_entries",
                            ("id", "cooperative_id", "entry_date", "posted_at", "kind", "memo",
                             "created_by", "idempotency_key", "reverses_id"), entries)
                bulk_insert(connection, dialect, "journal_lines",
                            ("id", "entry_id", "cooperative_id", "account_id", "amount", "memo",
                             "member_id", "savings_account_id", "loan_id"), lines)
            seconds += t()
            progress(f"floor: {rows[-1][0] + 1:,} entries inserted, {seconds:.1f} s")
        with stopwatch() as t:
            connection.commit()  # on PostgreSQL the deferred balance checks run here
        seconds += t()
        raw.close()
    return seconds


def _drop_insert_guards(app):
    """Drop every INSERT trigger of the journal's two tables."""
    from coop_app.extensions import db

    with app.app_context():
        conn = db.session.connection()
        if conn.dialect.name == "sqlite":
            drops = [f"DROP TRIGGER {name}" for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name IN ('journal_entries', 'journal_lines')").all()
                if re.search(r"\b(BEFORE|AFTER)\s+INSERT\b", sql, re.I)]
        else:  # tgtype bit 2 (4) is TRIGGER_TYPE_INSERT
            drops = [f"DROP TRIGGER {name} ON {table}" for name, table in conn.exec_driver_sql(
                "SELECT tgname, CAST(tgrelid AS regclass) FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgrelid IN (CAST('journal_entries' AS regclass), CAST('journal_lines' AS regclass))"
                " AND (tgtype & 4) <> 0").all()]
        for statement in drops:
            conn.exec_driver_sql(statement)
        db.session.commit()
        db.session.remove()
    return len(drops)


# -- setup -------------------------------------------------------------------------------

def _cooperative(app):
    from coop_app.provisioning import create_cooperative
    from coop_app.extensions import db
    from coop_app.ledger import service as ledger

    with app.app_context():
        coop = create_cooperative(
            "KSP-BENCH", "ksp", name="KSP Desmigratif Bench", village="Juntinyuat",
            kecamatan="Juntinyuat", kabupaten="Kabupaten Indramayu", province="Jawa Barat",
            founded_on=date(2018, 3, 12))
        # The books before the benchmark's three years are closed: the posting checks run
        # against a real closed period.
        ledger.close_period(coop, date(2022, 12, 31), today=date(2023, 1, 1))
        accounts = {a.system_key: a.id for a in ledger.accounts(coop.id, postable=True)}
        coop_id = coop.id
        db.session.commit()
        db.session.remove()
    return coop_id, accounts


# -- (c) one entry per transaction -------------------------------------------------------

def _single_entries(app, coop_id, accounts, count):
    from coop_app.extensions import db
    from coop_app.ledger.posting import Line, post_entry

    rng = random.Random(7)
    with app.app_context():
        with stopwatch() as t:
            for n in range(count):
                amount = Decimal(rng.randrange(10_000, 5_000_000, 500))
                post_entry(coop_id, date(2025, 12, 31), "savings_deposit", "Setoran simpanan sukarela", [
                    Line(accounts["cash"], amount, member_id=n % MEMBERS + 1),
                    Line(accounts["simpanan_sukarela"], -amount, member_id=n % MEMBERS + 1,
                         savings_account_id=(n % MEMBERS + 1) * 3)],
                    f"single-{n}")
                db.session.commit()
        db.session.remove()
    return t()


# -- (d) check-ledger --------------------------------------------------------------------

def _check(app, entries):
    from coop_app.extensions import db
    from coop_app.ledger.check import check_ledger

    with app.app_context():
        with stopwatch() as t:
            facts, problems = check_ledger()
        db.session.remove()
    assert problems == [], problems
    assert facts["entries"] == entries, facts
    with stopwatch() as cli:
        result = app.test_cli_runner().invoke(args=["coop", "check-ledger"])
    assert result.exit_code == 0, result.output
    return t(), cli(), facts


def run(quick=False, database=SQLITE):
    parameters = dict(QUICK if quick else FULL)
    total = parameters["entries"]
    report = Report("ledger", f"Ledger posting benchmark ({'quick' if quick else 'full'}: "
                              f"{2 * total:,} journal lines)", parameters={
        "entries": f"{total:,} of 2 lines ({2 * total:,} lines) over {DAYS} days",
        "commit every": f"{parameters['batch']:,} entries",
        "single-entry posts": f"{parameters['single']:,}",
        "floor": "the same rows by the database's bulk path (SQLite executemany, PostgreSQL COPY), "
                 "explicit ids, one transaction",
    }, database=database.name)
    bulk = "executemany" if database.name == "sqlite" else "COPY"
    with Scratch(database) as scratch:
        progress(f"ledger on {database.name}: migrating two fresh databases")
        app = scratch.app("ledger_service")
        report.description = describe(app)
        coop_id, accounts = _cooperative(app)
        floor_app = scratch.app("ledger_floor")
        floor_coop_id, floor_accounts = _cooperative(floor_app)
        assert (floor_coop_id, floor_accounts) == (coop_id, accounts)

        posting, building = _service_batches(app, coop_id, accounts, parameters)
        floor = _floor(floor_app, coop_id, accounts, parameters)
        # For the record: the same floor on bare tables, without the guard triggers that
        # check every inserted row (closed period, line's cooperative, balance at commit).
        bare_app = scratch.app("ledger_bare")
        _cooperative(bare_app)
        dropped = _drop_insert_guards(bare_app)
        bare = _floor(bare_app, coop_id, accounts, parameters)
        single = _single_entries(app, coop_id, accounts, parameters["single"])
        check_seconds, cli_seconds, facts = _check(app, total + parameters["single"])
        size = _size(app)

    report.add("batch: entries/s (post_entries_batch)", total / posting, "entries/s")
    report.add("batch: lines/s (post_entries_batch)", 2 * total / posting, "lines/s")
    report.add("batch: total time", posting, "s")
    report.add("floor: lines/s (bulk path)", 2 * total / floor, "lines/s")
    report.add("floor: total time", floor, "s")
    report.add("ratio service/floor", posting / floor, "x", ("<=", TARGET_RATIO))
    report.add("bare floor: lines/s (no INSERT triggers)", 2 * total / bare, "lines/s")
    report.add("ratio service/bare floor", posting / bare, "x")
    report.add("single: entries/s (post_entry + commit)", parameters["single"] / single, "entries/s")
    report.add("check_ledger() over all lines", check_seconds, "s", ("<=", TARGET_CHECK_SECONDS))
    report.add("flask coop check-ledger (CLI)", cli_seconds, "s")
    report.notes.append(f"floor by {bulk}; the bare floor dropped {dropped} INSERT triggers")
    report.notes.append(f"building the EntrySpecs (caller's side, not timed above): {building:.1f} s")
    report.notes.append(f"checked {facts['entries']:,} entries and {facts['lines']:,} lines; "
                        f"database {size / 2**20:,.0f} MiB")
    return report


def _size(app):
    from coop_app.extensions import db

    with app.app_context():
        conn = db.session.connection()
        if conn.dialect.name == "sqlite":
            size = conn.exec_driver_sql("SELECT page_count * page_size FROM pragma_page_count(),"
                                        " pragma_page_size()").scalar()
        else:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        db.session.remove()
    return size
