"""`flask coop backup` and `flask coop restore`: books posted, backed up, restored into a
fresh empty database, and found there whole (check-ledger clean, the same trial balance,
the same journal). On SQLite and, with COOP_TEST_DATABASE_URL, on PostgreSQL."""
import re
import sqlite3
from datetime import date

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from coop_app import create_app
from coop_app.extensions import db
from coop_app.ledger.reports import trial_balance
from tests.conftest import PG_URL, _config
from tests.ledger.helpers import fund, year_of_business
from tests.savings.helpers import add_member, open_with
from tests.support.books import journal_counts

BACKUP_NAME = re.compile(r"coop-\d{8}-\d{6}(-\d+)?\.(db|dump)")
SUFFIX = ".dump" if PG_URL else ".db"


def books(app, world):
    """A year of business in two cooperatives and savings of two members: the trial balance
    of each cooperative, its journal counts."""
    with app.app_context():
        for coop_id in (world.ksp_id, world.bmt_id):
            year_of_business(coop_id)
        siti = add_member(world.ksp_id, "2024.00001", "Siti Rahayu")
        aminah = add_member(world.bmt_id, "2024.00001", "Aminah")
        open_with(world.ksp_id, siti.id, "SS", "1250000", date(2025, 2, 3))
        open_with(world.bmt_id, aminah.id, "WD", "730000.50", date(2025, 2, 4))
        db.session.commit()
    return figures(app, world)


def figures(app, world):
    with app.app_context():
        balances = {}
        for coop_id in (world.ksp_id, world.bmt_id):
            rows, debit, credit = trial_balance(coop_id, date(2026, 12, 31))
            balances[coop_id] = ([(r.account.code, r.debit, r.credit) for r in rows], debit, credit)
        return balances, journal_counts()


def backup(runner, directory, *args):
    result = runner.invoke(args=["coop", "backup", "--dir", str(directory), *args])
    assert result.exit_code == 0, result.output
    return result


def backups_in(directory):
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the kind under test."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"{make_url(PG_URL).database}_restore"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def restored_app(empty_database):
    app = create_app(_config(empty_database))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_backup_restored_into_an_empty_database_has_the_same_books(
        app, world, runner, tmp_path, restored_app):
    before = books(app, world)
    result = backup(runner, tmp_path / "backups")
    [name] = backups_in(tmp_path / "backups")
    assert BACKUP_NAME.fullmatch(name) and name.endswith(SUFFIX)
    assert f"Backup written: {tmp_path / 'backups' / name}" in result.output

    restore = restored_app.test_cli_runner().invoke(
        args=["coop", "restore", str(tmp_path / "backups" / name)])
    assert restore.exit_code == 0, restore.output
    assert "Restored" in restore.output

    check = restored_app.test_cli_runner().invoke(args=["coop", "check-ledger"])
    assert check.exit_code == 0, check.output
    assert "OK: every entry balances" in check.output
    assert figures(restored_app, world) == before
    balances, (entries, lines) = before
    assert (entries, lines) == (12, 24)  # 5 entries a cooperative, 2 opening deposits
    assert restored_app.test_client().get("/readyz").status_code == 200
    with restored_app.app_context():  # the journal's guards came back with it
        with pytest.raises(DBAPIError):
            db.session.execute(text("UPDATE journal_lines SET amount = amount + 1"))
        db.session.rollback()


def test_restore_refuses_a_database_that_is_not_empty(app, world, runner, tmp_path):
    books(app, world)
    backup(runner, tmp_path / "backups")
    [name] = backups_in(tmp_path / "backups")
    result = runner.invoke(args=["coop", "restore", str(tmp_path / "backups" / name)])
    assert result.exit_code == 1
    assert "Refusing to restore: the database" in result.output
    assert "is not empty" in result.output
    assert figures(app, world)[1] == (12, 24)  # nothing changed


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(restored_app, tmp_path):
    other = tmp_path / ("coop-20250101-000000.db" if PG_URL else "coop-20250101-000000.dump")
    other.write_bytes(b"SQLite format 3\x00" + bytes(100) if PG_URL else b"PGDMP" + bytes(100))
    notes = tmp_path / "notes.txt"
    notes.write_text("bukan cadangan")
    runner = restored_app.test_cli_runner()
    wanted = "postgresql" if PG_URL else "sqlite"
    for path in (other, notes):
        result = runner.invoke(args=["coop", "restore", str(path)])
        assert result.exit_code == 1
        assert f"is not a {wanted} backup" in result.output


def test_backup_keeps_the_last_n_of_its_own_naming_only(app, runner, tmp_path):
    directory = tmp_path / "backups"
    directory.mkdir()
    old = [f"coop-2024010{day}-020000{SUFFIX}" for day in range(1, 6)]
    others = ["coop-manual.db", "notes.txt", f"coop-20230101-020000{SUFFIX}.partial",
              "coop-20230101-020000.sql"]
    for name in old + others:
        (directory / name).write_text("older")
    backup(runner, directory, "--keep", "3")
    backup(runner, directory, "--keep", "3")  # the same second, maybe: a second name then
    names = backups_in(directory)
    new = [n for n in names if BACKUP_NAME.fullmatch(n) and n not in old]
    assert len(new) == 2
    assert sorted(n for n in names if n not in new) == sorted(others + old[-1:])


@pytest.mark.parametrize("keep", ["0", "-1", "many"])
def test_backup_refuses_a_bad_keep(runner, tmp_path, keep):
    result = runner.invoke(args=["coop", "backup", "--dir", str(tmp_path / "backups"), "--keep", keep])
    assert result.exit_code == 2
    assert not (tmp_path / "backups").exists()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's online backup")
def test_a_sqlite_backup_holds_what_was_committed_not_a_write_in_flight(app, world, runner, tmp_path):
    books(app, world)
    with app.app_context():
        fund(world.ksp_id, "999000", key="in-flight")
        db.session.flush()  # written, holding the write lock, not committed
        backup(runner, tmp_path / "backups")
        db.session.rollback()
    [name] = backups_in(tmp_path / "backups")
    copy = sqlite3.connect(tmp_path / "backups" / name)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*), sum(idempotency_key = 'in-flight') "
                            "FROM journal_entries").fetchone() == (12, 0)
    finally:
        copy.close()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's connection settings")
def test_sqlite_commits_reach_the_disk_before_they_are_acknowledged(ctx):
    connection = db.session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
