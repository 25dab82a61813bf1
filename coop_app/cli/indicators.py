"""flask coop indicator-snapshots: store a month's indicator snapshots for every cooperative
(or one) in one computation, without the rest of the month-end (a month the month-end ran
before the indicators existed, or a cooperative added since)."""
import sys
import time

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from coop_app.cooperatives.models import Cooperative
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.indicators.periods import MONTH, Period
from coop_app.indicators.snapshots import report_line, snapshot_all


def _month(_ctx, _param, value):
    try:
        period = Period.parse(value)
    except ValueError:
        period = None
    if period is None or period.kind != MONTH:
        raise click.BadParameter(f"{value!r} is not a month (YYYY-MM)")
    return period


@click.command("indicator-snapshots")
@with_appcontext
@click.option("--month", "period", required=True, callback=_month, metavar="YYYY-MM",
              help="The month whose figures to store (with its quarter or year at their ends).")
@click.option("--coop", "code", help="Only this cooperative (its code); default all.")
def indicator_snapshots_command(period, code):
    """Store the month's indicator snapshots; figures already stored are kept (idempotent)."""
    query = select(Cooperative.id)
    if code:
        query = query.where(Cooperative.code == code.upper())
    ids = db.session.execute(query).scalars().all()
    if code and not ids:
        click.echo(f"No cooperative with code {code}.", err=True)
        sys.exit(2)
    started = time.perf_counter()
    try:
        run = snapshot_all(period.end, ids)
    except DomainError as error:
        db.session.rollback()
        with force_locale("id"):
            click.echo(f"FAILED: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Indicator snapshots {period.key}: {len(ids)} cooperative(s), {report_line(run)} "
               f"in {time.perf_counter() - started:.1f} s.")
