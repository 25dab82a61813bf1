"""flask coop import-members: the member register from a CSV or XLSX file, all or nothing."""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from coop_app.database import refresh_statistics
from coop_app.extensions import db


def _print_errors(errors):
    click.echo(f"{len(errors)} problem(s); nothing was imported:", err=True)
    for error in errors:
        where = f"row {error.row}" + (f", column {error.column}" if error.column else "")
        click.echo(f"  - {where}: {error.message}", err=True)


@click.command("import-members")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cooperative", "code", required=True, help="The cooperative's code.")
@click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="The language of the row errors.")
def import_members_command(path, code, dry_run, lang):
    """Register the members listed in a .csv or .xlsx file (pokok and wajib paid from cash).

    Every row is checked by the rules of a registration; if any row is bad, the errors are
    printed and nothing is written. Importing the same file again registers nobody twice.
    """
    from coop_app.cooperatives.service import by_code
    from coop_app.membership.importer import MAX_BYTES, ImportRefused, read_import, run_import

    cooperative = by_code(code.strip().upper())
    if cooperative is None:
        click.echo(f"No cooperative with code {code}.", err=True)
        sys.exit(2)
    if path.stat().st_size > MAX_BYTES:
        click.echo("The file is larger than 2 MB; split it into smaller files.", err=True)
        sys.exit(1)
    try:
        parsed = read_import(path.name, path.read_bytes())
    except ImportRefused as error:
        with force_locale(lang):
            click.echo(str(error), err=True)
        sys.exit(1)
    label = f"{'Checking' if dry_run else 'Registering'} {len(parsed.rows)} row(s)"
    with click.progressbar(length=len(parsed.rows), label=label, file=sys.stderr) as bar:
        result = run_import(cooperative, parsed, on_row=lambda: bar.update(1), register=not dry_run)
    if not result.ok:
        db.session.rollback()
        with force_locale(lang):
            _print_errors(result.errors)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: all {len(parsed.rows)} row(s) are valid; "
                   f"{result.registered} member(s) would be registered. Nothing was written.")
        return
    db.session.commit()
    if result.registered:
        refresh_statistics(db.session)
    click.echo(f"Registered {result.registered} member(s) in {cooperative.code}"
               + (f"; {result.already} were already imported from this file." if result.already else "."))
