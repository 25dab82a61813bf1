"""flask coop create-admin: the first user of a new deployment."""
import sys

import click
from flask.cli import with_appcontext

from coop_app.auth.service import create_user, grant_role
from coop_app.errors import DomainError
from coop_app.extensions import db


@click.command("create-admin")
@with_appcontext
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.password_option()
def create_admin_command(username, full_name, password):
    """Create an admin user (the first user of a new deployment)."""
    try:
        user = create_user(username, full_name, password)
        grant_role(user.id, "admin")
    except DomainError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"Admin {user.username} created.")
