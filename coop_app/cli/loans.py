"""flask coop loan-schedule: print the instalment schedule of a loan or financing, as a table
or JSON, from the pure calculator (no database needed)."""
import json
import re
import sys
from decimal import Decimal

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from coop_app.money import format_plain
from coop_app.loans.schedule import FREQUENCIES, METHODS, ScheduleError, build_schedule

# Plain decimal numbers as a script writes them: "90000000", "12", "90000000.50", "-1".
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _refuse(message):
    click.echo(message, err=True)
    sys.exit(2)


def _decimal(text, option):
    if text is None:
        return None
    if not PLAIN_NUMBER.fullmatch(text.strip()):
        _refuse(f"{option}: {text!r} is not a number; write it like 90000000 or 12.5.")
    return Decimal(text.strip())


@click.command("loan-schedule")
@with_appcontext
@click.option("--method", required=True, type=click.Choice(METHODS))
@click.option("--principal", required=True, help="Amount financed in rupiah, e.g. 90000000.")
@click.option("--annual-rate", help="Percent a year, e.g. 12 (for murabahah: the yearly margin "
                                    "rate, flat on the amount financed). 0 if omitted for qardh "
                                    "or with --margin.")
@click.option("--term", required=True, type=int, help="Number of instalments.")
@click.option("--start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Disbursement date, YYYY-MM-DD; the first instalment is one period later.")
@click.option("--frequency", type=click.Choice(FREQUENCIES), default="monthly", show_default=True)
@click.option("--grace", type=int, default=0, show_default=True,
              help="Instalments paying interest or margin only (qardh: periods before the first).")
@click.option("--rounding", type=click.Choice(["1", "100", "1000"]), default="1", show_default=True,
              help="Round each instalment half up to this many rupiah.")
@click.option("--margin", help="Murabahah only: the margin in rupiah instead of a rate.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="The language of error messages.")
def loan_schedule_command(method, principal, annual_rate, term, start, frequency, grace,
                          rounding, margin, as_json, lang):
    """Print the instalment schedule of a loan or financing (nothing is written)."""
    principal = _decimal(principal, "--principal")
    margin = _decimal(margin, "--margin")
    rate = _decimal(annual_rate, "--annual-rate")
    if rate is None:
        if method != "qardh" and margin is None:
            _refuse("--annual-rate is required (for murabahah, or give --margin).")
        rate = Decimal(0)
    try:
        schedule = build_schedule(method, principal, rate, term, start.date(), frequency, grace,
                                  Decimal(rounding), margin)
    except ScheduleError as error:
        with force_locale(lang):
            _refuse(f"--{error.field.replace('_', '-')}: {error}")
    if as_json:
        click.echo(json.dumps(schedule.to_dict(), indent=2))
        return
    _print_table(schedule, "Margin" if method == "murabahah" else "Interest")


def _print_table(schedule, charge_label):
    header = ("No", "Due date", "Principal", charge_label, "Total", "Balance")
    rows = [(str(i.n), i.due_date.isoformat(), *(format_plain(amount) for amount in
             (i.principal, i.interest, i.total, i.balance))) for i in schedule.installments]
    totals = ("", "Total", format_plain(schedule.total_principal),
              format_plain(schedule.total_interest), format_plain(schedule.total), "")
    widths = [max(len(row[c]) for row in [header, totals, *rows]) for c in range(len(header))]

    def line(row):
        return "  ".join(cell.ljust(w) if c == 1 else cell.rjust(w)
                         for c, (cell, w) in enumerate(zip(row, widths))).rstrip()

    click.echo(line(header))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo(line(row))
    click.echo("  ".join("-" * w for w in widths))
    click.echo(line(totals))
