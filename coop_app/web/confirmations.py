"""Second thoughts before money moves: the one rule every money form shares.

A deposit, withdrawal, repayment, disbursement or voucher is not posted at once when

- its amount is large: above the cooperative's `large_amount_sen` AND above ten times the
  largest earlier movement of the same account (an account that never moved money: above
  the threshold alone); or
- it repeats one recorded a moment ago: the same account, amount and kind within the last
  ten minutes (pressing Back and sending the form again).

The form comes back (422) with a warning (the amount in words; the earlier entry, linked)
and a confirmation box; sent again with the box ticked, it posts. A box confirms exactly
what it was shown for: its value is the amount in sen, or the earlier entry's number, so a
changed amount or another new entry asks again. A submission key that was already posted is
left to the service, which answers it with the first entry (the idempotent replay).

The facts come from the books: `ledger.history` for savings accounts and the accounts a
voucher posts to, `loans.queries.amount_history` for a loan. A view hands them to `perform`:

    perform(form, call, ..., confirm=lambda: ask(form, g.coop, form.amount.data,
                                                 history.of_savings_account(...)))
"""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from coop_app.money import format_money, from_sen, to_sen
from coop_app.terbilang import money_in_words

LARGE_FACTOR = 10  # an amount this many times the account's largest movement is unusual
RECENT = timedelta(minutes=10)  # the same movement again within this is asked about
LARGE, REPEAT = "confirm_large", "confirm_repeat"


@dataclass(frozen=True)
class Earlier:
    """A movement of the same account, amount and kind recorded a moment ago."""
    entry_id: int
    amount: Decimal
    by: str  # who recorded it ("" when no one is known)
    posted_at: datetime  # naive UTC, as stored


@dataclass(frozen=True)
class History:
    """What the books say about the account a form moves money on."""
    largest: Decimal | None = None  # its largest earlier movement; None: it never moved money
    recent: Earlier | None = None  # the newest movement like this one within RECENT
    replay: bool = False  # the form's submission key was posted already: the service replays it


@dataclass(frozen=True)
class Confirmation:
    """A warning the form shows with a box to tick: its `name` carries `value` when ticked."""
    name: str
    value: str
    message: Markup
    label: str
    checked: bool = False  # ticked in this submission (shown ticked if the form comes back)


def is_large(amount, threshold_sen, largest):
    """The rule: above the threshold and above ten times the largest earlier movement (or,
    for an account that never moved money, above the threshold alone)."""
    amount = abs(amount)
    if to_sen(amount) <= threshold_sen:
        return False
    return largest is None or amount > LARGE_FACTOR * abs(largest)


def recent_since(now):
    """The earliest posting time (naive UTC) that still counts as "a moment ago"."""
    return now - RECENT


def needed(cooperative, amount, history, *, repeat=True):
    """The confirmations a submission of `amount` needs, given its account's `history`
    (none for a key already posted). `repeat=False`: a form whose movement cannot repeat
    (a disbursement) is only checked for size."""
    if amount is None or history.replay:
        return []
    locale = _locale()
    asked = []
    if is_large(amount, cooperative.large_amount_sen, history.largest):
        words = money_in_words(abs(amount), locale)
        if history.largest is None:
            text = _("%(amount)s (%(words)s) is above %(threshold)s, this cooperative's limit for "
                     "large amounts, and this account has not moved any money before. Check the "
                     "amount: if it is right, tick the box and send the form again.")
        else:
            text = _("%(amount)s (%(words)s) is more than ten times the largest amount this account "
                     "has moved so far (%(largest)s). Check the amount: if it is right, tick the "
                     "box and send the form again.")
        asked.append(Confirmation(
            LARGE, str(to_sen(abs(amount))),
            Markup(escape(text)) % {
                "amount": format_money(abs(amount), locale), "words": words,
                "threshold": format_money(from_sen(cooperative.large_amount_sen), locale),
                "largest": format_money(abs(history.largest or 0), locale)},
            _("Yes, this amount is right")))
    earlier = history.recent if repeat else None
    if earlier is not None:
        link = Markup('<a href="%s">#%d</a>') % (url_for("ledger.entry", entry_id=earlier.entry_id),
                                                  earlier.entry_id)
        text = _("Entry %(entry)s was recorded a moment ago (%(amount)s, by %(name)s, at %(time)s) "
                 "on the same account, for the same amount and of the same kind. Record another?")
        asked.append(Confirmation(
            REPEAT, str(earlier.entry_id),
            Markup(escape(text)) % {
                "entry": link, "amount": format_money(earlier.amount, locale),
                "name": earlier.by or "—", "time": _clock_time(cooperative, earlier.posted_at)},
            _("Yes, record another")))
    return asked


def ask(form, cooperative, amount, history, *, repeat=True):
    """The shared check a money form runs before its service (perform's `confirm`): True
    when the person must confirm first. The warnings are on `form.confirmations` for the form
    macros to show (those already ticked stay ticked). `history` may be a function, called
    only when it is needed."""
    if amount is None:
        return False
    if callable(history):
        history = history()
    asked = [replace(c, checked=request.form.get(c.name) == c.value)
             for c in needed(cooperative, amount, history, repeat=repeat)]
    # all of them stay on the form: if the service refuses, the page shows them ticked
    form.confirmations = asked
    return not all(c.checked for c in asked)


def _locale():
    return "en" if str(get_locale() or "id").startswith("en") else "id"


def _clock_time(cooperative, moment):
    """"10:02 WIB": a stored UTC time on the cooperative's clock."""
    local = moment.replace(tzinfo=timezone.utc).astimezone(cooperative.zone)
    return f"{local:%H:%M} {cooperative.time_zone}"
