"""flask coop month-end: interest, profit sharing and wadiah bonus for a month, for every
cooperative (or one), each cooperative in its own transaction."""
import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from coop_app.cooperatives.models import Cooperative
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.money import MoneyError, format_money, parse_amount
from coop_app.closing.monthend import run_steps
from coop_app.savings import monthend


def _message(error):
    # A DomainError's message is translated lazily; outside a request the locale is chosen
    # here: Indonesian, the default language.
    with force_locale("id"):
        return str(error)


def _product_amounts(cooperative, pairs, option):
    """--income SM=40000000 -> {product id: Decimal} for the products of one cooperative."""
    by_code = {p.code: p for p, _d in monthend.month_end_products(cooperative)}
    amounts = {}
    for pair in pairs:
        code, _sep, text = pair.partition("=")
        product = by_code.get(code.strip().upper())
        if product is None:
            raise click.BadParameter(f"{cooperative.code} has no month-end product {code!r}",
                                     param_hint=option)
        try:
            amounts[product.id] = parse_amount(text, "id")
        except MoneyError:
            raise click.BadParameter(f"{text!r} is not an amount", param_hint=option) from None
    return amounts


def _run_steps(cooperative_id, coop_code, day, step_report, failures):
    """The registered month-end steps (the loans'), each in its own transaction."""
    for outcome in run_steps(cooperative_id, day):
        if outcome.ok:
            step_report.append(f"{coop_code} {outcome.step.name}: {outcome.report()}")
        else:
            failures.append((f"{coop_code} {outcome.step.name}", _message(outcome.error)))


@click.command("month-end")
@with_appcontext
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Any day of the month to pay (normally its last day), YYYY-MM-DD.")
@click.option("--cooperative", "code", help="Only this cooperative (its code); default all.")
@click.option("--income", multiple=True, metavar="PRODUCT=AMOUNT",
              help="Distributable income for a mudharabah product (needs --cooperative).")
@click.option("--bonus", multiple=True, metavar="PRODUCT=AMOUNT",
              help="Wadiah bonus to share in a product (needs --cooperative).")
def month_end_command(day, code, income, bonus):
    """Post the month's savings interest, profit sharing and wadiah bonus (idempotent)."""
    query = select(Cooperative).order_by(Cooperative.code)
    if code:
        query = query.where(Cooperative.code == code.upper())
    elif income or bonus:
        raise click.UsageError("--income and --bonus need --cooperative.")
    cooperatives = db.session.execute(query).scalars().all()
    if code and not cooperatives:
        click.echo(f"No cooperative with code {code}.", err=True)
        sys.exit(2)
    amounts = {}
    if code:
        amounts = _product_amounts(cooperatives[0], income, "--income")
        amounts.update(_product_amounts(cooperatives[0], bonus, "--bonus"))
    report, failures, loan_report = [], [], []
    with click.progressbar(cooperatives, label=f"Month-end {day:%Y-%m}",
                           item_show_func=lambda c: c.code if c else "") as bar:
        for cooperative in bar:
            coop_code = cooperative.code
            try:
                results = monthend.run_month_end(cooperative, day.date(), amounts)
                report.extend((coop_code, r.product.code, r.status, r.accounts, r.total, r.entry_id)
                              for r in results)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                failures.append((coop_code, _message(error)))
            _run_steps(cooperative.id, coop_code, day.date(), loan_report, failures)
    for coop_code, product, status, accounts, total, entry_id in report:
        posted = f": {accounts} account(s), {format_money(total, 'en')}, entry #{entry_id}" \
            if status == monthend.POSTED else ""
        click.echo(f"{coop_code} {product}: {status.replace('_', ' ')}{posted}")
    for line in loan_report:
        click.echo(line)
    for coop_code, message in failures:
        click.echo(f"{coop_code}: FAILED: {message}", err=True)
    click.echo(f"Month-end {day:%Y-%m}: {len(cooperatives) - len(failures)} cooperative(s) done, "
               f"{len(failures)} failed.")
    if failures:
        sys.exit(1)
