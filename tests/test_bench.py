"""The benchmark machinery (bench/): the side-by-side table and JSON, the exit status on a
miss, the databases it runs on, the bulk path on each database, and every benchmark run end
to end at a toy size on the database of this test run (SQLite, or PostgreSQL when
COOP_TEST_DATABASE_URL is set), figures checked against the service and the plain-SQL floor."""
import json
import os
import sys
import types
from datetime import date

import pytest

import bench
from bench import SQLITE, Database, Figure, Report, as_dict, databases, driver_sql, render
from bench import __main__ as cli

PG_URL = os.environ.get("COOP_TEST_DATABASE_URL")
HERE = Database("postgresql", PG_URL) if PG_URL else SQLITE


def _reports(pg_month_end):
    reports = []
    for database, month_end in (("sqlite", 7.8), ("postgresql", pg_month_end)):
        report = Report("loans", "Loans benchmark", parameters={"book": "100,000 loans"},
                        database=database, description=f"{database} server")
        report.add("month-end (run + commit)", month_end, "s", ("<=", 30.0))
        report.add("schedule generation", 9573.0, "schedules/s")
        reports.append(report)
    return reports


def test_the_table_gives_each_database_a_column_and_names_the_one_that_missed():
    table = render(_reports(146.0))
    lines = table.splitlines()
    head = next(line for line in lines if line.startswith("measure"))
    assert head.split() == ["measure", "sqlite", "postgresql", "unit", "target"]
    month_end = next(line for line in lines if line.startswith("month-end"))
    assert month_end.split()[-7:] == ["7.80", "146", "s", "<=", "30.0", "FAIL:", "postgresql"]
    assert "database postgresql: postgresql server" in table
    assert lines[-1] == "loans: FAILED: month-end (run + commit) (postgresql)"

    passing = render(_reports(12.5))
    assert "12.5" in passing and "PASS" in passing
    assert passing.splitlines()[-1] == "loans: all targets met on sqlite, postgresql"


def test_the_json_puts_the_databases_side_by_side():
    data = as_dict(_reports(146.0))
    assert data["passed"] is False
    assert data["databases"]["sqlite"]["passed"] is True
    assert data["databases"]["postgresql"]["passed"] is False
    month_end, schedules = data["figures"]
    assert month_end == {"name": "month-end (run + commit)", "unit": "s", "target": "<= 30.0",
                         "values": {"sqlite": 7.8, "postgresql": 146.0},
                         "passed": {"sqlite": True, "postgresql": False}}
    assert schedules["passed"] is None and schedules["values"]["postgresql"] == 9573.0
    json.dumps(data)


def test_a_miss_on_either_database_exits_1(monkeypatch, tmp_path):
    seen = []

    def run(quick=False, database=SQLITE):
        seen.append((quick, database.name))
        return _reports(146.0 if database.name == "postgresql" else 7.8)[database.name == "postgresql"]

    monkeypatch.setitem(sys.modules, "bench.toy", types.SimpleNamespace(run=run))
    monkeypatch.setattr(cli, "BENCHMARKS", ["toy"])
    monkeypatch.setattr(cli, "RESULTS_DIR", tmp_path)
    monkeypatch.setenv(bench.DATABASE_ENV, "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    assert cli.main(["--quick"]) == 1
    assert seen == [(True, "sqlite"), (True, "postgresql")]
    written = json.loads((tmp_path / "loans.json").read_text())
    assert written["figures"][0]["values"] == {"sqlite": 7.8, "postgresql": 146.0}

    monkeypatch.delenv(bench.DATABASE_ENV)
    seen.clear()
    assert cli.main([]) == 0  # SQLite alone met every target
    assert seen == [(False, "sqlite")]


def test_help_documents_the_database_variable(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "COOP_BENCH_DATABASE_URL=postgresql+psycopg://" in out
    assert "drops them when done" in out


def test_databases_come_from_the_environment():
    assert databases({}) == [SQLITE]
    assert databases({bench.DATABASE_ENV: "  "}) == [SQLITE]
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
    assert databases({bench.DATABASE_ENV: url}) == [SQLITE, Database("postgresql", url)]
    with pytest.raises(SystemExit, match="must name a PostgreSQL server"):
        databases({bench.DATABASE_ENV: "sqlite:///elsewhere.db"})


def test_driver_sql_keeps_sqlite_style_and_converts_for_psycopg():
    sql = "SELECT CAST(:as_of AS date) - due_date FROM t WHERE d BETWEEN :start AND :as_of"
    assert driver_sql(sql, "sqlite") == sql
    assert driver_sql(sql, "postgresql") == (
        "SELECT CAST(%(as_of)s AS date) - due_date FROM t WHERE d BETWEEN %(start)s AND %(as_of)s")


def test_figure_verdicts():
    assert Figure("a", 4.0, "s", ("<=", 5.0)).passed is True
    assert Figure("a", 6.0, "s", ("<=", 5.0)).passed is False
    assert Figure("a", 6.0, "x/s", (">=", 5.0)).passed is True
    assert Figure("a", 6.0, "s").passed is None


def test_bulk_rows_with_explicit_ids_then_the_app_inserts_after_them(app, world):
    """insert_rows (executemany / COPY) writes booleans, dates and NULLs as the app reads
    them, and sync_ids lets the app's next insert follow the explicit ids."""
    from coop_app.extensions import db
    from coop_app.members.models import MigrantWorker

    with app.app_context():
        conn = db.session.connection()
        bench.insert_rows(conn, "migrant_workers",
                          ("id", "cooperative_id", "name", "destination_country", "sector",
                           "departure_date", "actual_return_date", "procedural", "created_at"),
                          [(40, world.ksp_id, "Wartini", "Taiwan", "domestic", "2023-04-01", None, True,
                            "2026-01-02 08:00:00"),
                           (41, world.ksp_id, "Tarsih\tRasminah", "Hong Kong", "domestic", "2022-01-15",
                            "2025-02-01", False, "2026-01-02 08:00:00")])
        bench.sync_ids(conn, "migrant_workers")
        db.session.commit()
        later = MigrantWorker(cooperative_id=world.ksp_id, name="Sunarti", destination_country="Malaysia",
                              sector="domestic")
        db.session.add(later)
        db.session.commit()
        assert later.id == 42
        rows = {w.id: w for w in db.session.query(MigrantWorker).all()}
        assert (rows[40].procedural, rows[40].departure_date, rows[40].actual_return_date) == \
            (True, date(2023, 4, 1), None)
        assert (rows[41].procedural, rows[41].name, rows[41].actual_return_date) == \
            (False, "Tarsih\tRasminah", date(2025, 2, 1))
        assert rows[42].procedural is True


# -- every benchmark end to end, at a toy size --------------------------------------------

@pytest.fixture
def toy(monkeypatch):
    """The benchmarks' quick sizes shrunk to seconds."""
    from bench import ledger, loans, loans_schedule, members, savings

    monkeypatch.setattr(ledger, "QUICK", {"entries": 1_000, "batch": 400, "single": 10})
    monkeypatch.setattr(members, "QUICK", {"members": 300, "transactions": 1_500, "batch": 600,
                                           "searches": 20})
    monkeypatch.setattr(members, "_DATASETS", {})
    monkeypatch.setattr(savings, "QUICK", {"renders": 1, "deposits": 5})
    monkeypatch.setattr(loans, "QUICK", {"large": 150, "small": 40, "smalls": 2, "repeat": 1})
    monkeypatch.setattr(loans_schedule, "QUICK", 50)
    return types.SimpleNamespace(ledger=ledger, members=members, savings=savings, loans=loans)


def _figure(report, start):
    return next(f for f in report.figures if f.name.startswith(start))


# At this size fixed costs swamp the figures, so the targets are not asserted here (make
# bench does that at scale); what is asserted is that each benchmark runs through on this
# database with its own checks (check_ledger clean, the floor's totals equal the service's).

def test_ledger_benchmark_runs_on_this_database(toy):
    report = toy.ledger.run(quick=True, database=HERE)
    assert report.database == HERE.name
    assert report.description.startswith("SQLite" if HERE is SQLITE else "PostgreSQL")
    assert _figure(report, "ratio service/floor").target == ("<=", 5.0)
    assert _figure(report, "floor: total time").value > 0
    assert report.notes[0].startswith("floor by executemany; the bare floor dropped 2 INSERT triggers"
                                      if HERE is SQLITE else "floor by COPY; the bare floor dropped")
    assert "checked 1,010 entries and 2,020 lines" in report.notes[2]


def test_members_and_savings_benchmarks_run_on_this_database(toy):
    members_report = toy.members.run(quick=True, database=HERE)
    assert members_report.notes[0] == "20 of 20 searches found someone (every query was taken from a real member)"
    savings_report = toy.savings.run(quick=True, database=HERE)
    month_end = _figure(savings_report, "month-end interest, ")
    assert month_end.name == "month-end interest, 300 accounts (run + commit)"
    assert "interest posted in one entry of 301 lines" in savings_report.notes[1]
    assert "deposit form fields" in savings_report.notes[-1]
    data = toy.members.dataset(True, HERE)
    assert (data.members, data.transactions) == (300, 1_500)


def test_loans_benchmark_runs_on_this_database_and_its_floor_agrees(toy):
    # run() asserts the plain-SQL floor's totals equal the service's, on each scope.
    report = toy.loans.run(quick=True, database=HERE)
    month_end = _figure(report, "month-end, 230 loans")
    assert month_end.target == ("<=", 30.0)
    assert "figures and floor agree" in report.notes[-1]
    assert _figure(report, "portfolio figures, programme: ratio").value > 0


def test_indicators_benchmark_runs_on_this_database_and_its_floor_agrees(monkeypatch):
    # run() asserts that the page's figures equal the plain-SQL floor's, cut by cut.
    from bench import indicators

    monkeypatch.setattr(indicators, "QUICK", {
        "cooperatives": 4, "members": 240, "households": 150, "enterprises": 60,
        "report_months": 3, "snapshot_months": 3, "pdf_villages": 2})
    report = indicators.run(quick=True, database=HERE)
    snapshot = _figure(report, "month-end snapshot, 4 cooperatives")
    assert snapshot.target == ("<=", 60.0)
    assert _figure(report, "programme page / floor").target == ("<=", 3.0)
    assert _figure(report, "PDF report").value > 0
