"""flask coop demo: load the demo cooperatives (a face of its own, added to `flask coop`
by create_app).

Loading takes about a minute, so the command tells each step as it starts (in the
reader's language, Indonesian by default, each line with the seconds since the start), and
ends with what was loaded and whom to log in as."""
import time

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.auth.models import User
from coop_app.cooperatives.models import Cooperative
from coop_app.database import refresh_statistics
from coop_app.demo import USERS, load_demo
from coop_app.demo.operations import DEMO_PASSWORD
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.loans.models import Loan
from coop_app.members.models import Member
from coop_app.savings.models import SavingsAccount


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def summary():
    """What the database holds, in numbers (after loading the demo: the demo)."""
    return _l("%(cooperatives)d cooperatives, %(users)d users, %(members)d members, %(accounts)d savings "
              "accounts, %(loans)d loans, %(entries)d journal entries.",
              cooperatives=_count(Cooperative), users=_count(User), members=_count(Member),
              accounts=_count(SavingsAccount), loans=_count(Loan), entries=_count(JournalEntry))


def login_hint(url=None):
    users = ", ".join(username for username, *_rest in USERS)
    if url:
        return _l("Open %(url)s and log in with the password %(password)s as one of: %(users)s.",
                  url=url, password=DEMO_PASSWORD, users=users)
    return _l("Log in with the password %(password)s as one of: %(users)s.",
              password=DEMO_PASSWORD, users=users)


@click.command("demo")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="The language of the progress lines.")
@click.option("--url", default=None, help="The address the app is served at, for the closing "
                                          "hint (make run passes it).")
@with_appcontext
def demo_command(lang, url):
    """Load the demo cooperatives, users and transactions (does nothing if already there)."""
    started = time.monotonic()

    def echo(message, elapsed=True):
        with force_locale(lang):
            text = str(message)
        click.echo(f"[{time.monotonic() - started:3.0f} s] {text}" if elapsed else text)

    created = load_demo(progress=echo)
    if not created:
        db.session.rollback()
        echo(_l("Demo data already loaded; nothing changed."), elapsed=False)
        echo(login_hint(url), elapsed=False)
        return
    echo(_l("Saving the demo data"))
    db.session.commit()
    refresh_statistics(db.session)
    echo(_l("Demo data loaded in %(seconds)d s: %(what)s",
            seconds=round(time.monotonic() - started), what=summary()), elapsed=False)
    echo(login_hint(url), elapsed=False)
