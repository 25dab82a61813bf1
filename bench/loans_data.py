"""A loan book at programme scale for the loans benchmarks (month-end, portfolio), built
set-based: members, loans and their schedules by executemany, and one balancing journal
entry per loan through ledger.posting.post_entries_batch, so check_ledger stays clean.

build_loans(app, 100_000) makes KSP cooperatives with their default products and a manager
and treasurer each, then loans disbursed over the three years before `as_of` (flat,
effective and annuity; 6 to 36 months; Rp1.000.000 to Rp50.000.000), repaid on time by most
members and with arrears of every length by some (the last instalments due left unpaid).
Each loan's entry carries its history in one go, dated at disbursement: the receivable for
what is still owed, interest income for what was paid, the admin fee, and cash; paid
instalments are settled on their due date, with one LoanPayment per loan summing them.
Quality and provisions start at lancar/0: run the loan month-end to set them.
"""
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

PROVINCES = [("Jawa Barat", "Kabupaten Indramayu"), ("Jawa Barat", "Kabupaten Cirebon"),
             ("Jawa Tengah", "Kabupaten Cilacap"), ("Jawa Timur", "Kabupaten Ponorogo"),
             ("Nusa Tenggara Barat", "Kabupaten Lombok Timur")]
NAMES = ["Wartini", "Tarsih", "Sunarti", "Casmadi", "Dulkarim", "Tarsono", "Karyadi", "Rasminah",
         "Darsih", "Waryono", "Sukardi", "Casinih", "Rusdi", "Karsiti", "Darsim", "Tarmini"]
CATEGORIES = (("ctki", 15), ("family", 35), ("returnee", 20), ("other", 30))
PRODUCTS = (("PUF", "flat", 1200), ("PUE", "effective", 1800), ("PUA", "annuity", 1200))
TERMS = (6, 12, 12, 18, 24, 24, 36)
# Months of arrears (instalments left unpaid at the end) and how often: most pay on time.
ARREARS = ((0, 78), (1, 8), (2, 4), (3, 3), (4, 2), (5, 1), (6, 1), (9, 1), (12, 2))


@dataclass
class LoanBook:
    coop_ids: list
    codes: list
    as_of: date
    loans: int = 0
    installments: int = 0
    payments: int = 0
    seconds: float = 0.0
    user_ids: dict = field(default_factory=dict)  # coop id -> (manager id, treasurer id)


def build_loans(app, n_loans, cooperatives=1, as_of=date(2025, 12, 31), seed=2026, prefix="KSP-L",
                payments=True, chunk=20_000, progress=None):
    """Add `n_loans` loans spread over `cooperatives` new KSPs to the database of `app` (a
    Flask app, or None inside an app context), committed. Returns a LoanBook."""
    from coop_app.database import refresh_statistics
    from coop_app.extensions import db

    started = time.perf_counter()
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    with app.app_context() if app is not None else nullcontext():
        book = _cooperatives(cooperatives, prefix, as_of)
        per_coop = [n_loans // cooperatives + (1 if k < n_loans % cooperatives else 0)
                    for k in range(cooperatives)]
        schedules = {}
        for coop_id, count in zip(book.coop_ids, per_coop):
            for start in range(0, count, chunk):
                loans = _draw(rng, min(chunk, count - start), as_of)
                _insert(coop_id, book, loans, schedules, as_of, payments)
                db.session.commit()
                # PostgreSQL: the next chunk's lookups are planned on the tables as they now are.
                refresh_statistics(db.session)
                say(f"loans: {book.loans:,} of {n_loans:,} inserted ({time.perf_counter() - started:.0f} s)")
        db.session.remove()
    book.seconds = time.perf_counter() - started
    return book


def _cooperatives(count, prefix, as_of):
    from coop_app.auth import service as users
    from coop_app.provisioning import create_cooperative
    from coop_app.extensions import db
    from coop_app.ledger.posting import Line, post_entry
    from coop_app.ledger.service import account_by_key

    book = LoanBook(coop_ids=[], codes=[], as_of=as_of)
    for k in range(count):
        province, kabupaten = PROVINCES[k % len(PROVINCES)]
        code = f"{prefix}{k + 1:03d}"
        coop = create_cooperative(code, "ksp", name=f"KSP Bench {k + 1}", village="Juntinyuat",
                                  kecamatan="Juntinyuat", kabupaten=kabupaten, province=province,
                                  founded_on=date(2015, 1, 5))
        ids = []
        for role in ("manager", "treasurer"):
            user = users.create_user(f"{code.lower()}.{role}", f"{role.title()} {code}", "Bench-Loans-2026")
            users.grant_role(user.id, role, cooperative_id=coop.id)
            ids.append(user.id)
        # Capital to lend: a grant well before the loans.
        post_entry(coop.id, date(2015, 1, 5), "manual", "Hibah modal pinjaman",
                   [Line(account_by_key(coop.id, "cash").id, Decimal("100000000000")),
                    Line(account_by_key(coop.id, "grants").id, Decimal("-100000000000"))],
                   f"bench-capital:{code}")
        book.coop_ids.append(coop.id)
        book.codes.append(code)
        book.user_ids[coop.id] = tuple(ids)
    db.session.commit()
    return book


def _draw(rng, count, as_of):
    """(code, method, rate_bp, amount sen, term, disbursed_on, months unpaid, collateral sen)."""
    months, weights = zip(*ARREARS)
    first = as_of - timedelta(days=3 * 365)
    loans = []
    for _ in range(count):
        code, method, rate_bp = rng.choice(PRODUCTS)
        amount = rng.randint(2, 100) * 50_000_000  # Rp1.000.000 to Rp50.000.000, in sen
        disbursed = first + timedelta(days=rng.randint(0, (as_of - first).days - 1))
        collateral = amount // 2 if rng.random() < 0.3 else 0
        loans.append((code, method, rate_bp, amount, rng.choice(TERMS), disbursed,
                      rng.choices(months, weights)[0], collateral))
    return loans


def _schedule(schedules, method, rate_bp, amount, term):
    """(principal, interest, total, balance) sen of each instalment, one build per shape."""
    from coop_app.loans.schedule import build_schedule
    from coop_app.money import to_sen

    shape = (method, rate_bp, amount, term)
    rows = schedules.get(shape)
    if rows is None:
        built = build_schedule(method, Decimal(amount) / 100, Decimal(rate_bp) / 100, term, date(2020, 1, 1))
        rows = schedules[shape] = [(to_sen(i.principal), to_sen(i.interest), to_sen(i.total), to_sen(i.balance))
                                   for i in built.installments]
    return rows


def _next_ids(conn, *tables):
    return [conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar() + 1 for table in tables]


def _insert(coop_id, book, loans, schedules, as_of, payments):
    from sqlalchemy import text

    from bench import insert_rows, sync_ids
    from coop_app.extensions import db
    from coop_app.ledger.posting import EntrySpec, Line, post_entries_batch
    from coop_app.ledger.service import account_by_key
    from coop_app.loans.schedule import due_dates
    from coop_app.money import from_sen

    conn = db.session.connection()
    q = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def insert(table, columns, rows):
        insert_rows(conn, table, columns, rows)

    manager, treasurer = book.user_ids[coop_id]
    product_ids = dict(conn.exec_driver_sql(
        f"SELECT code, id FROM loan_products WHERE cooperative_id = {q}", (coop_id,)).all())
    accounts = {key: account_by_key(coop_id, key).id for key in
                ("loans_receivable", "cash", "interest_income", "fee_income")}
    member_id, loan_id = _next_ids(conn, "members", "loans")
    rng = random.Random(member_id)
    categories, weights = zip(*CATEGORIES)
    now = datetime(2026, 1, 2, 8, 0).isoformat(" ")
    members, loan_rows, installments, specs, paid = [], [], [], [], []
    for k, (code, method, rate_bp, amount, term, disbursed, unpaid, collateral) in enumerate(loans):
        mid, lid = member_id + k, loan_id + k
        joined = disbursed - timedelta(days=rng.randint(30, 900))
        name = f"{rng.choice(NAMES)} {rng.choice(NAMES)}"
        members.append((mid, coop_id, f"{joined.year}.{mid:06d}", f"3212{coop_id:04d}{mid:08d}", name,
                        name.lower(), rng.choice("MF"),
                        (date(1985, 1, 1) + timedelta(days=rng.randint(0, 9000))).isoformat(),
                        "Blok Kliwon RT 01/RW 02", joined.isoformat(), "active", rng.choices(categories, weights)[0], now))
        rows = _schedule(schedules, method, rate_bp, amount, term)
        dates = due_dates(disbursed, term)
        due = sum(1 for d in dates if d <= as_of)
        if due == term and unpaid < 9:  # a matured loan was paid off, unless it went bad
            unpaid = 0
        settled = max(0, due - unpaid)
        paid_principal = paid_interest = 0
        for n, ((principal, interest, total, balance), day) in enumerate(zip(rows, dates), start=1):
            done = n <= settled
            installments.append((coop_id, lid, 1, n, day.isoformat(), principal, interest, total, balance,
                                 principal if done else 0, interest if done else 0, 0,
                                 day.isoformat() if done else None, False))
            if done:
                paid_principal += principal
                paid_interest += interest
        fee = amount // 100 // 100 * 100  # 1%, whole rupiah
        outstanding = amount - paid_principal
        closed = dates[settled - 1].isoformat() if outstanding == 0 else None
        day = disbursed.isoformat()
        loan_rows.append((lid, coop_id, f"{code}-{lid:07d}", mid, product_ids[code], "Modal usaha", method,
                          amount, rate_bp, term, "monthly", 0, 1, fee, 0, collateral,
                          "Agunan" if collateral else None, "paid_off" if closed else "active",
                          day, treasurer, day, manager, day, treasurer, closed,
                          outstanding, 0, 0, "lancar", 0, 1, 0, 0, now))
        sen = {accounts["loans_receivable"]: outstanding, accounts["interest_income"]: -paid_interest,
               accounts["fee_income"]: -fee,
               accounts["cash"]: -(amount - fee) + paid_principal + paid_interest}
        lines = [Line(account, from_sen(value), member_id=mid,
                      loan_id=lid if account == accounts["loans_receivable"] else None)
                 for account, value in sen.items() if value]
        specs.append(EntrySpec(entry_date=disbursed, kind="loan_disbursement", memo=f"Pinjaman {code}-{lid:07d}",
                               lines=lines, idempotency_key=f"bench-loan:{lid}", created_by=treasurer))
        if paid_principal:
            paid.append((lid, dates[settled - 1].isoformat(), paid_principal + paid_interest, paid_interest, paid_principal))
    insert("members", ("id", "cooperative_id", "member_number", "nik", "name", "name_search", "gender",
                       "birth_date", "address", "join_date", "status", "category", "created_at"), members)
    insert("loans", ("id", "cooperative_id", "number", "member_id", "product_id", "purpose", "method",
                     "amount", "rate_bp", "term", "frequency", "grace_periods", "rounding", "admin_fee",
                     "pledged_amount", "collateral_value", "collateral_description", "status",
                     "applied_on", "applied_by", "decided_on", "decided_by", "disbursed_on",
                     "disbursed_by", "closed_on", "principal_outstanding", "penalty_due",
                     "days_past_due", "quality", "provision", "schedule_version",
                     "written_off_amount", "recovered_amount", "created_at"), loan_rows)
    insert("loan_installments", ("cooperative_id", "loan_id", "version", "n", "due_date", "principal",
                                 "interest", "total", "balance_after", "paid_principal", "paid_interest",
                                 "waived_interest", "paid_on", "superseded"), installments)
    sync_ids(conn, "members", "loans")
    post_entries_batch(coop_id, specs)
    entry_ids = dict(conn.exec_driver_sql(
        f"SELECT idempotency_key, id FROM journal_entries WHERE cooperative_id = {q} AND id >= "
        f"(SELECT coalesce(min(id), 0) FROM journal_entries WHERE idempotency_key = {q})",
        (coop_id, specs[0].idempotency_key)).all())
    conn.exec_driver_sql(f"UPDATE loans SET disbursement_entry_id = {q} WHERE id = {q}",
                         [(entry_ids[s.idempotency_key], loan_id + k) for k, s in enumerate(specs)])
    # One active loan in fifty is held at kurang lancar as if restructured, so that the
    # month-end works out the hold (its latest instalments paid on time) at scale.
    conn.execute(text("UPDATE loans SET restructured_class = 'kl' WHERE cooperative_id = :coop"
                      " AND status = 'active' AND id % 50 = 0"), {"coop": coop_id})
    if payments:
        insert("loan_payments", ("cooperative_id", "loan_id", "paid_on", "source", "kind", "amount",
                                 "penalty", "interest", "principal", "waived_interest", "entry_id",
                                 "reversed", "created_by", "created_at"),
               [(coop_id, lid, day, "cash", "repayment", amount, 0, interest, principal, 0,
                 entry_ids[f"bench-loan:{lid}"], False, treasurer, now)
                for lid, day, amount, interest, principal in paid])
    book.loans += len(loan_rows)
    book.installments += len(installments)
    book.payments += len(paid) if payments else 0
