"""flask coop backup / restore: a consistent copy of the database, named by date, the last
few kept; and that copy put back into an empty database.

SQLite is copied with its own online backup API (a consistent snapshot even while the
server writes); PostgreSQL with pg_dump's custom format and pg_restore, which must be on
the PATH (the PostgreSQL client tools of the server's major version).
"""
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from coop_app.extensions import db

# coop-YYYYMMDD-HHMMSS.db (SQLite) or .dump (PostgreSQL); -2, -3 for a second one that second
NAME = re.compile(r"coop-(\d{8})-(\d{6})(?:-(\d+))?\.(db|dump)")
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(click.ClickException):
    """A backup or restore that cannot be done: the message says why; exit status 1."""


@click.command("backup")
@click.option("--dir", "directory", default="backups", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the backups go.")
@click.option("--keep", default=7, show_default=True, type=click.IntRange(min=1),
              help="How many backups of this naming to keep; older ones are deleted.")
@with_appcontext
def backup_command(directory, keep):
    """Write a consistent copy of the database to DIR/coop-YYYYMMDD-HHMMSS.db (SQLite) or
    .dump (PostgreSQL, pg_dump -Fc) and keep the last KEEP."""
    url = db.engine.url
    suffix = ".dump" if _is_postgres(url) else ".db"
    directory.mkdir(parents=True, exist_ok=True)
    target = _free_name(directory, datetime.now(), suffix)
    partial = target.with_name(target.name + ".partial")  # never counted as a backup
    try:
        if _is_postgres(url):
            _pg_dump(url, partial)
        else:
            _sqlite_copy(_sqlite_path(url, must_exist=True), partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    removed = prune(directory, suffix, keep)
    click.echo(f"Backup written: {target} ({target.stat().st_size:,} bytes); "
               f"{len(removed)} older backup(s) removed, the last {keep} kept.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file):
    """Restore FILE (a backup made by `flask coop backup`) into the configured database,
    which must be empty."""
    url = db.engine.url
    kind = _backup_kind(file)
    wanted = "postgresql" if _is_postgres(url) else "sqlite"
    if kind != wanted:
        raise BackupError(f"{file} is not a {wanted} backup (it is {kind or 'not a backup'}); "
                          f"COOP_DATABASE_URL points to a {wanted} database.")
    if not _is_empty(url):
        raise BackupError(f"Refusing to restore: the database {_shown(url)} is not empty. "
                          "Restore into a new, empty database and point COOP_DATABASE_URL to it.")
    db.engine.dispose()
    if wanted == "postgresql":
        _pg_restore(url, file)
    else:
        _sqlite_restore(file, _sqlite_path(url, must_exist=False))
    click.echo(f"Restored {file} into {_shown(url)}. Next: `flask db upgrade` (if the backup "
               "is older than this version) and `flask coop check-ledger`.")


def prune(directory, suffix, keep):
    """Delete all but the newest `keep` backups of our naming with this suffix; other files
    are never touched. Returns the deleted paths."""
    ours = []
    for path in directory.iterdir():
        match = NAME.fullmatch(path.name)
        if match and path.suffix == suffix and path.is_file():
            ours.append(((match[1], match[2], int(match[3] or 1)), path))
    ours.sort()
    old = [path for _when, path in ours[:-keep]]
    for path in old:
        path.unlink()
    return old


def _free_name(directory, now, suffix):
    stem = now.strftime("coop-%Y%m%d-%H%M%S")
    target, n = directory / f"{stem}{suffix}", 1
    while target.exists():
        n += 1
        target = directory / f"{stem}-{n}{suffix}"
    return target


# -- SQLite ------------------------------------------------------------------------------------

def _sqlite_path(url, must_exist):
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupError(f"The database file {path} does not exist.")
    return path


def _sqlite_copy(source_path, target_path):
    """SQLite's online backup: a consistent snapshot while others keep writing (WAL)."""
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_restore(backup_path, database_path):
    backup = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    try:
        if backup.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{backup_path} is damaged (SQLite's quick_check failed).")
        database_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database_path)
        try:
            backup.backup(target)
        finally:
            target.close()
    finally:
        backup.close()


# -- PostgreSQL --------------------------------------------------------------------------------

def _pg_dump(url, target_path):
    _run_pg_tool(url, "pg_dump", "--format=custom", f"--file={target_path}")


def _pg_restore(url, backup_path):
    # One transaction: a restore that fails leaves the database empty, not half filled.
    # Owners and grants are the restoring user's (the server restored to may not have the
    # roles of the one backed up).
    _run_pg_tool(url, "pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
                 "--exit-on-error", str(backup_path))


def _run_pg_tool(url, tool, *args):
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} was not found: install the PostgreSQL client tools "
                          "(the server's major version) and put them on the PATH.")
    env = dict(os.environ)
    if url.password:  # never on the command line, where `ps` would show it
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run([program, *args, f"--dbname={conninfo}"], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")
    if done.stderr.strip():
        click.echo(done.stderr.strip(), err=True)


# -- both --------------------------------------------------------------------------------------

def _is_postgres(url):
    return url.get_backend_name() == "postgresql"


def _shown(url):
    return url.render_as_string(hide_password=True)


def _backup_kind(path):
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _is_empty(url):
    """No table, view, sequence or function of anyone's making in the database."""
    if not _is_postgres(url):
        path = _sqlite_path(url, must_exist=False)
        if not path.exists() or path.stat().st_size == 0:
            return True
        connection = sqlite3.connect(path)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a database this command can read: {error}") from None
        finally:
            connection.close()
    user_schemas = ("n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")
    with db.engine.connect() as connection:
        relations = connection.execute(text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            f" WHERE {user_schemas}")).scalar()
        functions = connection.execute(text(
            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            f" WHERE {user_schemas}")).scalar()
    return relations == 0 and functions == 0
