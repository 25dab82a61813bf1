"""Fixtures: an app on a freshly migrated database (SQLite file, or PostgreSQL when
COOP_TEST_DATABASE_URL is set), a client, a service-layer context, and a small world of
two cooperatives in two regions with a user for every role."""
import copy
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest
import time_machine
from flask import g
from sqlalchemy import create_engine, make_url, text

from coop_app import create_app
from coop_app.config import TestConfig
from coop_app.extensions import db

# Every test runs at one fixed moment, so none depends on the day it runs: Wednesday
# 18 November 2026, 10:00 WIB (03:00 UTC). The clock then ticks on from there. A test that
# needs another moment (02:54 WIB, the first of a month) travels with the `clock` fixture.
FROZEN_AT = datetime(2026, 11, 18, 3, 0, tzinfo=timezone.utc)


def _worker_database(url):
    """Under pytest-xdist each worker gets its own PostgreSQL database (<name>_gwN, created
    on first use beside the one given), so the workers never empty each other's tables."""
    if not url:
        return url
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = make_url(url)
    name = f"{base.database}_{worker}" if worker else base.database
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database need not wait for the disk at every commit.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("COOP_TEST_DATABASE_URL"))


def _reuse_url_builders():
    """Every test makes an app, and werkzeug compiles two URL builders for each of its
    ~160 routes from a generated syntax tree: a third of making an app, most of a quick
    test's own time. A builder depends only on its rule's text and parsed parts (the
    converters are looked up through the rule it is bound to, at call time), so one
    compiled for a rule is reused for the same rule of the next app. Rules with defaults
    (converted when compiling) are compiled as before. Tests only: the app compiles its
    routes once per process anyway."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    compiled = {}

    def reused(rule, append_unknown=True):
        if rule.defaults:
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = reused


_reuse_url_builders()
PASSWORD = "rahasia-123"


def _config(url, **extra):
    return type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **extra})


def _migrate(url):
    from flask_migrate import upgrade
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clock():
    """The frozen clock: `clock.move_to(datetime(..., tzinfo=timezone.utc))` travels."""
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Run the migrations once: the schema the tests use is the one Alembic builds."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "coop.db"
    _migrate(f"sqlite:///{path}")
    return path


_PG_RESET_SQL = []


def _truncate_postgres():
    """Empty every table and restart the ids. DELETE under the replica role (no triggers,
    no foreign-key checks) takes a few milliseconds where TRUNCATE of every table took half
    a second a test; the journal's own guards stay in place for everyone else."""
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        if not _PG_RESET_SQL:
            tables = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"))]
            sequences = [r[0] for r in conn.execute(text(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))]
            _PG_RESET_SQL.append(
                "SET LOCAL session_replication_role = replica; "
                + " ".join(f"DELETE FROM {table};" for table in tables)
                + " ".join(f"SELECT setval('{seq}', 1, false);" for seq in sequences))
        conn.exec_driver_sql(_PG_RESET_SQL[0])
    engine.dispose()


_RESETS = [0]
VACUUM_EVERY = 50


def _vacuum_now_and_then():
    """Emptying the tables by DELETE leaves their dead rows behind, and autovacuum may be
    off (it is on this machine's server): after a thousand tests, reading the chart of accounts
    meant stepping over 160,000 dead rows, and the demo took seven times as long to load.
    Every VACUUM_EVERY tests, VACUUM the worker's database (a few dead rows a table: quick)."""
    _RESETS[0] += 1
    if _RESETS[0] % VACUUM_EVERY:
        return
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")
    engine.dispose()


def _dump_postgres():
    """The rows of every table (COPY's text form, which keeps every type as stored) and
    every sequence's position, to put back with _restore_postgres."""
    engine = create_engine(PG_URL)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                       " AND tablename <> 'alembic_version'")
        tables = {}
        for (table,) in cursor.fetchall():
            with cursor.copy(f'COPY "{table}" TO STDOUT') as stream:
                tables[table] = b"".join(bytes(block) for block in stream)
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        sequences = {}
        for (sequence,) in cursor.fetchall():
            cursor.execute(f'SELECT last_value, is_called FROM "{sequence}"')
            sequences[sequence] = cursor.fetchone()
        connection.rollback()
    finally:
        connection.close()
        engine.dispose()
    return tables, sequences


def _restore_postgres(tables, sequences):
    """Empty every table, then put back the rows and sequence positions of _dump_postgres,
    in one transaction under the replica role (no triggers, no foreign-key checks: the rows
    were valid when dumped)."""
    engine = create_engine(PG_URL)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(" ".join(f'DELETE FROM "{table}";' for table in tables))
        for table, rows in tables.items():
            if rows:
                with cursor.copy(f'COPY "{table}" FROM STDIN') as stream:
                    stream.write(rows)
        for sequence, (last_value, is_called) in sequences.items():
            cursor.execute("SELECT setval(%s, %s, %s)", (sequence, last_value, is_called))
        connection.commit()
    finally:
        connection.close()
        engine.dispose()


@dataclass
class WorldTemplate:
    """The world built once per worker: its ids, and its database (a SQLite file, or
    PostgreSQL's rows and sequences)."""
    world: object
    path: object = None
    tables: dict = None
    sequences: dict = None


@pytest.fixture(scope="session")
def world_template(database_template, tmp_path_factory):
    """build_world() once per worker, on a migrated database of its own (SQLite), or on the
    worker's PostgreSQL database, whose rows are then kept."""
    if PG_URL:
        _truncate_postgres()
        url = PG_URL
    else:
        path = tmp_path_factory.mktemp("world") / "world.db"
        shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app(_config(url))
    with time_machine.travel(FROZEN_AT, tick=False), app.app_context():
        world = build_world()
        db.session.remove()
        db.engine.dispose()
    if PG_URL:
        tables, sequences = _dump_postgres()
        return WorldTemplate(world, tables=tables, sequences=sequences)
    return WorldTemplate(world, path=path)


@pytest.fixture
def database_url(database_template, tmp_path, request):
    """A database for one test: empty (migrated), or holding the world when the test asks
    for it (`world`, directly or through another fixture), restored from the one built
    for the worker (world_template) instead of built again: a fifth of a second a test."""
    world = request.getfixturevalue("world_template") if "world" in request.fixturenames else None
    if PG_URL:
        _vacuum_now_and_then()
        if world is None:
            _truncate_postgres()
        else:
            _restore_postgres(world.tables, world.sequences)
        return PG_URL
    path = tmp_path / "coop.db"
    shutil.copy(database_template if world is None else world.path, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make_app(database_url):
    apps = []

    def factory(**extra):
        app = create_app(_config(database_url, **extra))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def ctx(app):
    """An app context for service-layer tests; db.session is the session under test."""
    with app.app_context():
        g.actor_id = None
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# The world's places: Kemendagri codes of the official list.
JAWA_BARAT, NTB = "32", "52"
INDRAMAYU, CIREBON = "32.12", "32.09"
JUNTINYUAT = "32.12.11.2005"  # Desa Juntinyuat, Kec. Juntinyuat, Kabupaten Indramayu
WERU_KIDUL = "32.09.19.2007"  # Desa Weru Kidul, Kec. Weru, Kabupaten Cirebon
SURALAGA = "52.03.13.2005"  # Desa Suralaga, Kec. Suralaga, Kabupaten Lombok Timur


@dataclass
class World:
    ksp_id: int
    bmt_id: int
    other_id: int
    users: dict

    def user_id(self, username):
        return self.users[username]


def build_world():
    """Two cooperatives in Jawa Barat (KSP, another KSP) and one BMT in NTB, and users. Each
    is placed by its desa's code of the official list (cooperatives/regions.py): Juntinyuat
    (Kabupaten Indramayu), Weru Kidul (Kabupaten Cirebon), Suralaga (Kabupaten Lombok Timur);
    the auditors are scoped by province and kabupaten codes (32 Jawa Barat, 32.12 Indramayu,
    52 Nusa Tenggara Barat)."""
    from coop_app.auth import service as users
    from coop_app.provisioning import create_cooperative

    ksp = create_cooperative("KSP-A", "ksp", name="KSP Sumber Rejeki", village_code=JUNTINYUAT,
                             founded_on=date(2018, 3, 1))
    other = create_cooperative("KSP-B", "ksp", name="KSP Maju Bersama", village_code=WERU_KIDUL,
                               founded_on=date(2019, 1, 1))
    bmt = create_cooperative("BMT-C", "kspps", name="BMT Al-Amanah", village_code=SURALAGA,
                             founded_on=date(2019, 7, 1))
    ids = {}

    def person(username, role, cooperative=None, province=None, kabupaten=None):
        user = users.create_user(username, username.replace(".", " ").title(), PASSWORD)
        users.grant_role(user.id, role, cooperative_id=cooperative.id if cooperative else None,
                         scope_province=province, scope_kabupaten=kabupaten)
        ids[username] = user.id
        return user

    person("admin", "admin")
    person("manager", "manager", ksp)
    person("manager2", "manager", ksp)
    person("treasurer", "treasurer", ksp)
    person("member", "member", ksp)
    person("other.manager", "manager", other)
    person("bmt.manager", "manager", bmt)
    person("bmt.treasurer", "treasurer", bmt)
    person("auditor.all", "auditor")
    person("auditor.jabar", "auditor", province=JAWA_BARAT)
    person("auditor.indramayu", "auditor", province=JAWA_BARAT, kabupaten=INDRAMAYU)
    person("auditor.ntb", "auditor", province=NTB)
    db.session.commit()
    return World(ksp_id=ksp.id, bmt_id=bmt.id, other_id=other.id, users=ids)


@pytest.fixture
def world(app, world_template):
    """The world of build_world(): its database was restored for this test (database_url)."""
    return copy.deepcopy(world_template.world)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


# -- the worlds shared by more than one package (their builders live beside their tests) --------

@pytest.fixture
def families(app):
    """Remitting families (tests/remittances/helpers.py): the remittance, portal and page
    argument tests."""
    from tests.remittances.helpers import build_families
    with app.app_context():
        return build_families()


@pytest.fixture
def people(app, world):
    """Members, a migrant worker and enterprises in two cooperatives (tests/members/pages.py):
    the member and enterprise page tests."""
    from tests.members.pages import build_people
    return build_people(app, world)
