"""Loans at programme scale: month-end aging and provisioning, the portfolio audit's figures
beside the floor of the same aggregates in plain SQL, and schedule generation.

On a fresh database built by the migrations (SQLite, and PostgreSQL when asked),
bench/loans_data.py builds 100,000 loans
(10,000 with --quick) with their schedules, repayments and journal entries: one large KSP
with half of them and ten smaller ones with the rest, over five provinces. Then measures:
  (a) coop_app.loans.monthend.run_loan_month_end for 31 December 2025 over every
      cooperative, committed (target: all 100,000 loans under 30 s); check_ledger stays
      clean (each loan's provision equals its allowance lines);
  (b) coop_app.loans.portfolio.figures.portfolio() as of that date, with the year's flows, for the
      large cooperative and for the whole programme (median of several runs), beside the
      floor: the same aggregates as one hand-written SQL statement per query on the driver's
      own connection (sqlite3, psycopg), whose figures must be equal (target: within 3x);
  (c) the pages: the portfolio page of the large cooperative and the programme page (as
      an auditor over every province), and the PAR30 loan list, through the test client;
  (d) schedules per second (bench/loans_schedule.py run()).
"""
import statistics
from datetime import date

from bench import SQLITE, Report, Scratch, describe, driver_sql, progress, stopwatch
from bench.loans_data import build_loans

FULL = {"large": 50_000, "small": 5_000, "smalls": 10, "repeat": 5}
QUICK = {"large": 5_000, "small": 500, "smalls": 10, "repeat": 5}
AS_OF = date(2025, 12, 31)
YEAR = date(2025, 1, 1)
TARGET_MONTH_END_SECONDS = 30.0
TARGET_RATIO = 3.0
AUDITOR, PASSWORD = "bench.auditor", "Bench-Loans-2026"


def _dataset(scratch, parameters):
    app = scratch.app("loans")
    progress(f"loans: building {parameters['large']:,} + {parameters['smalls']} x "
             f"{parameters['small']:,} loans")
    with stopwatch() as building:
        large = build_loans(app, parameters["large"], cooperatives=1, as_of=AS_OF, prefix="KSP-BESAR",
                            progress=progress)
        small = build_loans(app, parameters["small"] * parameters["smalls"],
                            cooperatives=parameters["smalls"], as_of=AS_OF, prefix="KSP-L",
                            seed=2027, progress=progress)
    with app.app_context():
        from coop_app.auth import service as users
        from coop_app.extensions import db

        user = users.create_user(AUDITOR, "Pendamping Program", PASSWORD)
        users.grant_role(user.id, "auditor")
        db.session.commit()
        db.session.remove()
    return app, large, small, building()


# -- (a) month-end ------------------------------------------------------------------------

def _month_end(app, books):
    from coop_app.extensions import db
    from coop_app.ledger.check import check_ledger
    from coop_app.loans.monthend import run_loan_month_end

    runs, timings = [], {}
    with app.app_context():
        with stopwatch() as total:
            for book in books:
                for coop_id in book.coop_ids:
                    manager = book.user_ids[coop_id][0]
                    with stopwatch() as one:
                        run = run_loan_month_end(coop_id, AS_OF, manager, today=date(2026, 1, 5))
                        db.session.commit()
                    runs.append((run.loans, run.provision_after))
                    timings[coop_id] = (one(), run.loans)
        with stopwatch() as checking:
            _facts, problems = check_ledger()
        db.session.remove()
    assert problems == [], problems[:5]
    return total(), timings, sum(n for n, _p in runs), sum(p for _n, p in runs), checking()


# -- (b) figures beside the floor ---------------------------------------------------------

def _figures(app, scope, repeat):
    from coop_app.extensions import db
    from coop_app.loans.portfolio.figures import portfolio

    timings = []
    with app.app_context():
        for _ in range(repeat + 1):  # the first run warms the caches: not counted
            with stopwatch() as t:
                result = portfolio(scope, AS_OF, YEAR, AS_OF)
            timings.append(t())
        db.session.remove()
    return statistics.median(timings[1:]), result


def _floor_sql(ids, dialect):
    inside = f"IN ({', '.join(str(int(i)) for i in ids)})"
    false = "0" if dialect == "sqlite" else "false"  # as SQLAlchemy writes a boolean on each
    days_overdue = ("CAST(julianday(:as_of) - julianday(overdue.oldest) AS INTEGER)" if dialect == "sqlite"
                    else "CAST(:as_of AS date) - overdue.oldest")
    par = "".join(f", sum(CASE WHEN dpd > {n} THEN 1 ELSE 0 END), sum(CASE WHEN dpd > {n} THEN outstanding ELSE 0 END)"
                  for n in (1, 30, 90))
    buckets = "".join(f", sum(CASE WHEN {c} THEN 1 ELSE 0 END), sum(CASE WHEN {c} THEN outstanding ELSE 0 END)"
                      for c in ("dpd = 0", "dpd BETWEEN 1 AND 30", "dpd BETWEEN 31 AND 60",
                                "dpd BETWEEN 61 AND 90", "dpd BETWEEN 91 AND 180", "dpd > 180"))
    quality = "".join(f", sum(CASE WHEN quality = '{q}' THEN 1 ELSE 0 END),"
                      f" sum(CASE WHEN quality = '{q}' THEN outstanding ELSE 0 END)"
                      for q in ("lancar", "dpk", "kl", "diragukan", "macet"))
    book = f"""
      WITH overdue AS (
        SELECT loan_id, min(due_date) AS oldest FROM (
          SELECT loan_id, due_date FROM loan_installments WHERE cooperative_id {inside}
            AND superseded = {false} AND due_date < :as_of AND paid_on IS NULL
          UNION ALL
          SELECT loan_id, due_date FROM loan_installments WHERE cooperative_id {inside}
            AND superseded = {false} AND due_date < :as_of AND paid_on > :as_of) AS unsettled
        GROUP BY loan_id),
      later AS (
        SELECT loan_id, sum(principal) AS principal FROM loan_payments
        WHERE cooperative_id {inside} AND paid_on > :as_of AND reversed = {false} AND kind <> 'recovery'
        GROUP BY loan_id),
      book AS (
        SELECT l.cooperative_id, l.product_id, l.member_id, l.quality, l.provision,
               l.principal_outstanding + coalesce(later.principal, 0)
                 + CASE WHEN l.status = 'written_off' THEN l.written_off_amount ELSE 0 END AS outstanding,
               coalesce({days_overdue}, 0) AS dpd
        FROM loans l LEFT JOIN overdue ON overdue.loan_id = l.id LEFT JOIN later ON later.loan_id = l.id
        WHERE l.cooperative_id {inside} AND l.status IN ('active', 'paid_off', 'written_off')
          AND coalesce(l.disbursed_on, :as_of) <= :as_of AND (l.closed_on IS NULL OR l.closed_on > :as_of))
      SELECT b.cooperative_id, p.code, m.category, m.gender, count(*), sum(outstanding),
             sum(provision){par}{buckets}{quality}
      FROM book b JOIN loan_products p ON p.id = b.product_id JOIN members m ON m.id = b.member_id
      GROUP BY b.cooperative_id, p.code, m.category, m.gender"""
    keys = "l.cooperative_id, p.code, m.category, m.gender"
    joins = "JOIN loan_products p ON p.id = l.product_id JOIN members m ON m.id = l.member_id"
    flows = [
        f"SELECT {keys}, count(*), sum(l.amount) FROM loans l {joins} WHERE l.cooperative_id {inside}"
        f" AND l.status IN ('active', 'paid_off', 'written_off')"
        f" AND coalesce(l.disbursed_on, :as_of) BETWEEN :start AND :as_of"
        f" GROUP BY {keys}",
        f"SELECT {keys}, count(*), sum(l.written_off_amount) FROM loans l {joins} WHERE l.cooperative_id"
        f" {inside} AND l.status = 'written_off' AND l.closed_on BETWEEN :start AND :as_of GROUP BY {keys}",
        f"SELECT {keys}, count(DISTINCT lp.loan_id), sum(lp.amount) FROM loans l"
        f" JOIN loan_payments lp ON lp.loan_id = l.id {joins} WHERE l.cooperative_id {inside}"
        f" AND l.status = 'written_off' AND lp.kind = 'recovery' AND lp.reversed = {false}"
        f" AND lp.paid_on BETWEEN :start AND :as_of GROUP BY {keys}",
    ]
    return driver_sql(book, dialect), [driver_sql(sql, dialect) for sql in flows]


def _floor(app, ids, repeat):
    """The same figures from hand-written SQL on the driver's own connection: the group rows
    summed into the totals the page shows (outstanding, PAR30 and provisions checked). It is
    written the fastest way found on SQLite, as the service's queries are: unsettled
    instalments as two index ranges (unpaid; settled after the date) rather than
    `paid_on IS NULL OR paid_on > :as_of`; loans read by (cooperative, status) in table
    order (disbursed_on inside coalesce()) rather than by date; recoveries from the
    written-off loans rather than from every payment of the period."""
    from coop_app.extensions import db

    with app.app_context():
        dialect = db.engine.dialect.name
        book, flows = _floor_sql(ids, dialect)
        # Dates as each stores them: ISO text in SQLite, date on PostgreSQL.
        params = ({"as_of": AS_OF.isoformat(), "start": YEAR.isoformat()} if dialect == "sqlite"
                  else {"as_of": AS_OF, "start": YEAR})
        raw = db.engine.raw_connection()
        conn = raw.driver_connection
        timings = []
        for _ in range(repeat + 1):
            with stopwatch() as t:
                groups = conn.execute(book, params).fetchall()
                flow_rows = [conn.execute(sql, params).fetchall() for sql in flows]
                totals = [sum(row[k] or 0 for row in groups) for k in range(4, len(groups[0]))] if groups else []
            timings.append(t())
        conn.rollback()
        raw.close()
    return statistics.median(timings[1:]), totals, [sum(r[5] or 0 for r in rows) for rows in flow_rows]


def _same(result, floor_totals, floor_flows):
    from coop_app.money import to_sen

    t = result.total
    mine = [t.active.count, to_sen(t.outstanding), to_sen(t.provision), t.par[1].count,
            to_sen(t.par[1].amount), t.par[30].count, to_sen(t.par[30].amount)]
    flows = [to_sen(t.disbursed.amount), to_sen(t.written_off.amount), to_sen(t.recovered.amount)]
    assert mine == floor_totals[:7] and flows == floor_flows, (mine, floor_totals[:7], flows, floor_flows)


# -- (c) the pages ------------------------------------------------------------------------

def _pages(app, code, repeat):
    from bench.members import csrf_token

    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": AUDITOR, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    period = f"as_of={AS_OF}&date_from={YEAR}&date_to={AS_OF}"
    paths = {"cooperative": f"/c/{code}/portfolio/?{period}", "programme": f"/portfolio/?{period}",
             "par30 list": f"/c/{code}/portfolio/loans?{period}&par=30"}
    timings = {}
    for name, path in paths.items():
        seconds = []
        for _ in range(repeat + 1):
            with stopwatch() as t:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            seconds.append(t())
        timings[name] = statistics.median(seconds[1:])
    return timings


def run(quick=False, database=SQLITE):
    from bench.loans_schedule import run as schedules

    parameters = dict(QUICK if quick else FULL)
    total_loans = parameters["large"] + parameters["small"] * parameters["smalls"]
    report = Report("loans", f"Loans benchmark ({'quick' if quick else 'full'}: {total_loans:,} loans)",
                    parameters={
                        "book": f"{parameters['large']:,} loans in one KSP and {parameters['smalls']} KSPs "
                                f"of {parameters['small']:,}, over five provinces (bench/loans_data.py)",
                        "date": f"month-end and figures as of {AS_OF}, flows of {AS_OF.year}",
                    }, database=database.name)
    with Scratch(database, prefix="coop-bench-loans-") as scratch:
        app, large, small, build_seconds = _dataset(scratch, parameters)
        report.description = describe(app)
        books = (large, small)
        progress("loans: month-end over every cooperative")
        month_end, per_coop, aged, provisions, check_seconds = _month_end(app, books)
        big_id, code = large.coop_ids[0], large.codes[0]
        every = large.coop_ids + small.coop_ids
        figures = {}
        for name, scope in (("one cooperative", [big_id]), ("programme", every)):
            progress(f"loans: portfolio figures, {name}")
            seconds, result = _figures(app, scope, parameters["repeat"])
            floor, totals, flows = _floor(app, scope, parameters["repeat"])
            _same(result, totals, flows)
            figures[name] = (seconds, floor, result.total)
        progress("loans: the pages")
        pages = _pages(app, code, parameters["repeat"])
        progress("loans: schedules")
        built = schedules(quick)

    report.add(f"month-end, {total_loans:,} loans ({aged:,} active) in {len(every)} cooperatives (run + commit)", month_end,
               "s", ("<=", TARGET_MONTH_END_SECONDS))
    report.add(f"month-end, the large cooperative ({per_coop[big_id][1]:,} loans)", per_coop[big_id][0], "s")
    report.add("check_ledger() after the month-end", check_seconds, "s")
    for name, (seconds, floor, _total) in figures.items():
        report.add(f"portfolio figures, {name}: median", seconds, "s")
        report.add(f"portfolio figures, {name}: plain SQL floor", floor, "s")
        report.add(f"portfolio figures, {name}: ratio to the floor", seconds / floor, "x",
                   ("<=", TARGET_RATIO))
    for name, seconds in pages.items():
        report.add(f"page: {name} (test client)", seconds, "s")
    report.add("schedule generation", built["schedules_per_second"], "schedules/s")
    report.add("dataset: build", build_seconds, "s")
    total = figures["programme"][2]
    report.notes.append(
        f"programme as of {AS_OF}: {total.active.count:,} active loans, Rp{total.outstanding:,.0f} "
        f"outstanding, PAR30 {total.par_ratio(30)}%, NPL {total.npl_ratio}%, provisions "
        f"Rp{total.provision:,.0f} (month-end posted Rp{provisions:,.0f})")
    report.notes.append(f"schedules: {built['schedules']:,} built with {built['instalments']:,} "
                        f"instalments in {built['seconds']:.1f} s")
    report.notes.append(f"dataset: {large.installments + small.installments:,} instalments, "
                        f"{large.payments + small.payments:,} payments; figures and floor agree")
    return report
