"""flask coop check-ledger: the books verify themselves."""
import sys
import time

import click
from flask.cli import with_appcontext

from coop_app.cooperatives.service import by_code
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
