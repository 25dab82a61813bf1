"""flask coop demo: load the demo cooperatives (a face of its own, added to `flask coop`
by create_app)."""
import click
from flask.cli import with_appcontext

from coop_app.database import refresh_statistics
from coop_app.demo import load_demo
from coop_app.extensions import db


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo cooperatives, users and transactions (does nothing if already there)."""
    created = load_demo()
    db.session.commit()
    if created:
        refresh_statistics(db.session)
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")
