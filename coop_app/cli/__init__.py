"""flask coop ...: batch jobs, checks and demo data."""
import sys
import time

import click
from flask.cli import AppGroup

from coop_app.extensions import db

coop = AppGroup("coop", help="Cooperative operations: demo data, checks, batch jobs.")


@coop.command("check-ledger")
@click.option("--cooperative", "code", help="Check one cooperative (its code); default all.")
def check_ledger_command(code):
    """Verify every entry balances, the trial balance is zero and sub-ledgers match."""
    from coop_app.cooperatives.service import by_code
    from coop_app.ledger.check import check_ledger

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


@coop.command("demo")
def demo_command():
    """Load the demo cooperatives, users and transactions (does nothing if already there)."""
    from coop_app.database import refresh_statistics
    from coop_app.demo import load_demo

    created = load_demo()
    db.session.commit()
    if created:
        refresh_statistics(db.session)
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")


@coop.command("create-admin")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.password_option()
def create_admin_command(username, full_name, password):
    """Create an admin user (the first user of a new deployment)."""
    from coop_app.auth.service import create_user, grant_role
    from coop_app.errors import DomainError

    try:
        user = create_user(username, full_name, password)
        grant_role(user.id, "admin")
    except DomainError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"Admin {user.username} created.")


def load_commands():
    """Import the modules whose commands join the `coop` group (each imports `coop`)."""
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module)


# One line per package that adds commands to `flask coop` (e.g. "coop_app.cli.members").
COMMAND_MODULES = [
    "coop_app.cli.members",
    "coop_app.cli.closing",
    "coop_app.cli.loans",
]
