"""flask coop check-ledger: the books verify themselves; flask coop close-fiscal-year posts
the closing entry a fiscal year lacks (the repair check-ledger names)."""
import sys
import time

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from coop_app.cooperatives.service import by_code
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger import fiscal_year
from coop_app.ledger.check import check_ledger


@click.command("check-ledger")
@with_appcontext
@click.option("--cooperative", "code", help="Check one cooperative (its code); default all.")
def check_ledger_command(code):
    """Verify every entry balances, the trial balance is zero and sub-ledgers match."""
    cooperative_id = None
    if code:
        cooperative = by_code(code.upper())
        if cooperative is None:
            click.echo(f"No cooperative with code {code}.", err=True)
            sys.exit(2)
        cooperative_id = cooperative.id
    started = time.perf_counter()
    facts, problems = check_ledger(cooperative_id)
    elapsed = time.perf_counter() - started
    click.echo(f"Checked {facts['entries']} entries and {facts['lines']} lines of "
               f"{facts['cooperatives']} cooperative(s) in {elapsed:.2f} s.")
    if problems:
        click.echo(f"{len(problems)} problem(s):")
        for problem in problems:
            click.echo(f"  - {problem}")
        sys.exit(1)
    click.echo("OK: every entry balances, the trial balance is zero, sub-ledgers match.")


@click.command("close-fiscal-year")
@with_appcontext
@click.option("--cooperative", "code", required=True, help="The cooperative's code.")
@click.option("--year", type=click.IntRange(1900, 9999), required=True,
              help="The calendar year in which the fiscal year ends.")
def close_fiscal_year_command(code, year):
    """Post what a fiscal year's closing entry lacks (income and expense into SHU): dated the
    year's last day if it is open, else the first open day, with a memo naming the year."""
    cooperative = by_code(code.upper())
    if cooperative is None:
        click.echo(f"No cooperative with code {code}.", err=True)
        sys.exit(2)
    year_end = fiscal_year.year_end_named(cooperative, year)
    try:
        entry = fiscal_year.close_year(cooperative, year_end)
    except DomainError as error:
        db.session.rollback()
        with force_locale("id"):
            click.echo(str(error), err=True)
        sys.exit(1)
    if entry is None:
        click.echo(f"Fiscal year {year} of {cooperative.code} (to {year_end}) is already closed.")
        return
    db.session.commit()
    click.echo(f"Posted closing entry #{entry.id} of fiscal year {year} of {cooperative.code} "
               f"(to {year_end}), dated {entry.entry_date}.")
