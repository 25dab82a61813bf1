"""Benchmarks behind `make bench`: each module here has run(quick, database) -> Report.

A benchmark builds its own fresh databases (never the instance database), measures, and
returns figures with their targets. It runs on SQLite (files in a temporary directory) and,
when COOP_BENCH_DATABASE_URL names a PostgreSQL server, again on PostgreSQL: each fresh
database is created on that server beside the one the URL names, its schema built by the
migrations as in production, and dropped afterwards. `python -m bench` prints each
benchmark's figures with one column per database and writes bench/results/<name>.json.
"""
import atexit
import json
import logging
import os
import platform
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    # A target is (comparison, bound): ("<=", 5.0) means the value must be at most 5.0.
    target: tuple | None = None

    @property
    def passed(self):
        if self.target is None:
            return None
        op, bound = self.target
        return self.value <= bound if op == "<=" else self.value >= bound


@dataclass
class Report:
    """The figures of one benchmark on one database."""
    name: str
    title: str
    parameters: dict = field(default_factory=dict)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    database: str = "sqlite"
    description: str = ""  # the database as it was measured: engine, version, file or server

    def add(self, name, value, unit, target=None):
        self.figures.append(Figure(name, value, unit, target))
        return value

    @property
    def failed(self):
        return [f for f in self.figures if f.passed is False]


def _number(value):
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _rows(reports):
    """(name, unit, target, {database: Figure}) for every figure of the reports, in the
    order they first appear (the same benchmark names the same figures on every database)."""
    rows = {}
    for report in reports:
        for figure in report.figures:
            row = rows.setdefault(figure.name, (figure.name, figure.unit, figure.target, {}))
            row[3][report.database] = figure
    return list(rows.values())


def render(reports):
    """One benchmark's reports (one per database) as a plain-text table, a column a database."""
    if isinstance(reports, Report):
        reports = [reports]
    names = [r.database for r in reports]
    head = ("measure", *names, "unit", "target", "")
    rows = []
    for name, unit, target, figures in _rows(reports):
        failed = [db for db in names if db in figures and figures[db].passed is False]
        checked = any(figures[db].passed is not None for db in figures)
        verdict = ("FAIL: " + ", ".join(failed) if len(names) > 1 else "FAIL") if failed else \
            ("PASS" if checked else "")
        rows.append((name, *[_number(figures[db].value) if db in figures else "-" for db in names],
                     unit, f"{target[0]} {_number(target[1])}" if target else "", verdict))
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    numbers = range(1, 1 + len(names))

    def fmt(r):
        return "  ".join(cell.rjust(widths[i]) if i in numbers else cell.ljust(widths[i])
                         for i, cell in enumerate(r)).rstrip()

    title = reports[0].title
    out = [title, "=" * len(title)]
    out += [f"{k}: {v}" for k, v in reports[0].parameters.items()]
    out += [f"database {r.database}: {r.description}" for r in reports]
    out += ["", fmt(head), line] + [fmt(r) for r in rows] + [line]
    out += [f"note ({r.database}): {n}" if len(reports) > 1 else f"note: {n}"
            for r in reports for n in r.notes]
    failed = [f"{f.name} ({r.database})" for r in reports for f in r.failed]
    verdict = "all targets met" + (f" on {', '.join(names)}" if len(names) > 1 else "") \
        if not failed else "FAILED: " + ", ".join(failed)
    out.append(f"{reports[0].name}: {verdict}")
    return "\n".join(out)


def as_dict(reports):
    """The reports of one benchmark side by side: each figure with its value per database."""
    if isinstance(reports, Report):
        reports = [reports]
    return {
        "benchmark": reports[0].name,
        "title": reports[0].title,
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "parameters": reports[0].parameters,
        "databases": {r.database: {"description": r.description, "passed": not r.failed,
                                   "parameters": r.parameters, "notes": r.notes} for r in reports},
        "figures": [{"name": name, "unit": unit,
                     "target": f"{target[0]} {target[1]}" if target else None,
                     "values": {db: f.value for db, f in figures.items()},
                     "passed": {db: f.passed for db, f in figures.items()} if target else None}
                    for name, unit, target, figures in _rows(reports)],
        "passed": not any(r.failed for r in reports),
    }


def write_json(reports, directory=RESULTS_DIR):
    data = as_dict(reports)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{data['benchmark']}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


@contextmanager
def stopwatch():
    """with stopwatch() as t: ...; t() is the seconds elapsed (frozen when the block ends)."""
    started = time.perf_counter()
    ended = []
    yield lambda: (ended[0] if ended else time.perf_counter()) - started
    ended.append(time.perf_counter())


def progress(message):
    print(f"  .. {message}", file=sys.stderr, flush=True)


# -- the databases a benchmark runs on ----------------------------------------------------

DATABASE_ENV = "COOP_BENCH_DATABASE_URL"


@dataclass(frozen=True)
class Database:
    """A kind of database to measure on: "sqlite", or "postgresql" on the server of `url`."""
    name: str
    url: str | None = None


SQLITE = Database("sqlite")


def databases(environ=os.environ):
    """SQLite always; PostgreSQL too when COOP_BENCH_DATABASE_URL is set."""
    url = environ.get(DATABASE_ENV, "").strip()
    if not url:
        return [SQLITE]
    from sqlalchemy import make_url

    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit(f"{DATABASE_ENV} must name a PostgreSQL server "
                         f"(postgresql+psycopg://user@host:5432/bench), not {url}")
    return [SQLITE, Database("postgresql", url)]


def _server(url):
    """An AUTOCOMMIT engine on the server's maintenance database (CREATE/DROP DATABASE)."""
    from sqlalchemy import create_engine, make_url

    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _drop_database(url):
    from sqlalchemy import make_url, text

    engine = _server(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


class Scratch:
    """The fresh databases of one benchmark run on one kind of database.

    app(tag) gives a coop_app on a new database built by the migrations: a SQLite file in a
    temporary directory, or a PostgreSQL database named <the URL's database>_<tag> (one of
    that name left by a killed run is dropped first). close() disposes every app's engine and
    drops the databases; it also runs at exit, so a failing benchmark leaves nothing behind.
    """

    def __init__(self, database, prefix="coop-bench-"):
        self.database = database
        self._tmp = tempfile.TemporaryDirectory(prefix=prefix)
        self._apps, self._urls = [], []
        atexit.register(self.close)

    def url(self, tag):
        if self.database.name == "sqlite":
            return f"sqlite:///{Path(self._tmp.name) / tag}.db"
        from sqlalchemy import make_url, text

        base = make_url(self.database.url)
        url = base.set(database=f"{base.database}_{tag}".lower())
        _drop_database(url)
        engine = _server(url)
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        engine.dispose()
        self._urls.append(url)
        return url.render_as_string(hide_password=False)

    def app(self, tag):
        app = migrated_app(self.url(tag))
        self._apps.append(app)
        return app

    def close(self):
        from coop_app.extensions import db

        for app in self._apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        self._apps = []
        for url in self._urls:
            _drop_database(url)
        self._urls = []
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def describe(app):
    """The database of `app` as the report states it."""
    from coop_app.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                version = conn.exec_driver_sql("SELECT sqlite_version()").scalar()
            return f"SQLite {version} file, WAL, synchronous=NORMAL, schema from the migrations"
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
            settings = dict(conn.exec_driver_sql(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('shared_buffers', 'synchronous_commit', 'fsync')").all())
        url = engine.url
        return (f"PostgreSQL {version.split()[0]} on {url.host}:{url.port or 5432}, a fresh database "
                f"({url.database}, dropped afterwards), schema from the migrations; synchronous_commit "
                f"{settings.get('synchronous_commit')}, fsync {settings.get('fsync')}, shared_buffers "
                f"{int(settings.get('shared_buffers', 0)) * 8 // 1024} MiB")


def migrated_app(database):
    """A coop_app on `database` (a SQLAlchemy URL, or the path of a new SQLite file), its
    schema built by the migrations (as in production)."""
    from flask_migrate import upgrade

    from coop_app import create_app
    from coop_app.config import Config

    url = database if isinstance(database, str) else f"sqlite:///{database}"
    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    app = create_app(config)
    with app.app_context():
        upgrade()
    # Alembic's logging config turns the root logger on; quiet it again for the figures, and
    # the line per request the app logs (thousands of test-client requests; errors still show).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("coop_app.requests").setLevel(logging.WARNING)
    return app


# -- bulk rows, one code path for both databases --------------------------------------------

def bulk_insert(connection, dialect, table, columns, rows):
    """Write `rows` (tuples in the order of `columns`) by the database's own bulk path:
    executemany on SQLite, COPY on PostgreSQL. `connection` is the driver's connection
    (sqlite3 or psycopg), inside the caller's transaction; values are plain (ISO dates as
    text, booleans as True/False, sen as int)."""
    if not rows:
        return
    names = ", ".join(columns)
    if dialect == "sqlite":
        connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})",
                               rows)
        return
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(conn, table, columns, rows):
    """bulk_insert through a SQLAlchemy connection (a session's), in its transaction."""
    bulk_insert(conn.connection.driver_connection, conn.dialect.name, table, columns, rows)


def sync_ids(conn, *tables):
    """After rows were inserted with explicit ids: on PostgreSQL move each table's id
    sequence past them, so the app's own inserts that follow get new ids (SQLite needs
    nothing: its next id is max(id) + 1)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}")


def driver_sql(sql, dialect):
    """SQL written with :name parameters (sqlite3's style) in the driver's own style."""
    return sql if dialect == "sqlite" else re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)
