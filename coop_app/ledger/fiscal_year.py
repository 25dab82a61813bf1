"""The fiscal year's closing entry: income and expense of one fiscal year into undistributed SHU.

A year's closing sums only the lines dated within that year (other closing entries apart), and
the closing entries of a year are told by their key, `closing:<year end>` (and
`closing:<year end>:correction:<n>` for a repair), so a year whose closing is missing or
wrong can be found and completed at any time. A closing entry is dated the year's last day
while that day is open; once the year lies in a closed period, the repair is posted on the
first open day with a memo naming the year: a closed period is never written into.
"""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from coop_app.cooperatives.clock import local_today
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.models import EXPENSE, INCOME, GLAccount, JournalEntry, JournalLine
from coop_app.ledger.posting import Line, closed_through, post_entry
from coop_app.ledger.reports import fiscal_year_start

CLOSING = "closing"


def year_end_of(cooperative, day):
    """The last day of the fiscal year holding `day`."""
    start = fiscal_year_start(cooperative, day)
    return date(start.year + 1, start.month, 1) - timedelta(days=1)


def year_end_named(cooperative, year):
    """The last day of the fiscal year that ends in calendar year `year`."""
    start_month = cooperative.fiscal_year_start_month
    if start_month == 1:
        return date(year, 12, 31)
    return date(year, start_month, 1) - timedelta(days=1)


def year_start_of(year_end):
    following = year_end + timedelta(days=1)
    return date(following.year - 1, following.month, 1)


def closing_key(year_end):
    return f"closing:{year_end.isoformat()}"


def _closing_entries_of(cooperative_id, year_end):
    key = closing_key(year_end)
    return (JournalEntry.cooperative_id == cooperative_id, JournalEntry.kind == CLOSING,
            or_(JournalEntry.idempotency_key == key, JournalEntry.idempotency_key.like(f"{key}:%")))


def _income_and_expense_sums(query):
    query = (query.join(GLAccount, GLAccount.id == JournalLine.account_id)
             .where(GLAccount.type.in_([INCOME, EXPENSE])).group_by(JournalLine.account_id))
    return {account_id: total for account_id, total in db.session.execute(query) if total}


def closing_gap(cooperative, year_end):
    """{account id: amount} still to post to close the year: what closes its own income and
    expense lines, less what its closing entries already hold. Empty when the year is closed."""
    base = (select(JournalLine.account_id, func.sum(JournalLine.amount))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id))
    year = _income_and_expense_sums(base.where(
        JournalEntry.cooperative_id == cooperative.id, JournalEntry.kind != CLOSING,
        JournalEntry.entry_date >= year_start_of(year_end), JournalEntry.entry_date <= year_end))
    closed = _income_and_expense_sums(base.where(*_closing_entries_of(cooperative.id, year_end)))
    gap = {account_id: -year.get(account_id, 0) - closed.get(account_id, 0)
           for account_id in set(year) | set(closed)}
    return {account_id: amount for account_id, amount in gap.items() if amount}


def closing_entry_count(cooperative_id, year_end):
    return db.session.execute(select(func.count()).select_from(JournalEntry).where(
        *_closing_entries_of(cooperative_id, year_end))).scalar()


def ended_years(cooperative, before):
    """Every fiscal year from the one of the cooperative's first entry that ends before `before`."""
    first = db.session.execute(select(func.min(JournalEntry.entry_date)).where(
        JournalEntry.cooperative_id == cooperative.id)).scalar()
    ends = []
    year_end = year_end_of(cooperative, first) if first is not None else None
    while year_end is not None and year_end < before:
        ends.append(year_end)
        year_end = year_end_of(cooperative, year_end + timedelta(days=1))
    return ends


def unclosed_years(cooperative, before):
    """The fiscal years ending before `before` whose closing entry is missing or wrong."""
    return [year_end for year_end in ended_years(cooperative, before)
            if closing_gap(cooperative, year_end)]


def repair_command(cooperative, year_end):
    return f"flask coop close-fiscal-year --cooperative {cooperative.code} --year {year_end.year}"


def close_year(cooperative, year_end, closed_by=None, today=None):
    """Post what the year's closing still lacks (all of it, or the correction of a closing
    entry that summed other years' lines); returns the entry, or None if there is nothing.

    Dated the year's last day while it is open; else the first open day, with a memo that
    says so: a closed period is never written into, and the entry's kind and key tie it to
    its year (income statements leave closing entries out, so no year's result moves)."""
    today = today or local_today(cooperative)
    closed = closed_through(cooperative.id)
    in_closed_period = closed is not None and closed >= year_end  # it ended, whatever the clock
    if year_end != year_end_of(cooperative, year_end) or (year_end >= today and not in_closed_period):
        raise DomainError(_l("Only a fiscal year that has ended can be closed."))
    gap = closing_gap(cooperative, year_end)
    if not gap:
        return None
    lines = [Line(account_id, amount) for account_id, amount in sorted(gap.items())]
    # The year's surplus is credited (a deficit debited) to undistributed SHU.
    to_shu = -sum(line.amount for line in lines)
    if to_shu:
        lines.append(Line(_shu_account_id(cooperative.id), to_shu))
    label = f"Tutup buku tahun buku {year_end.year}"
    entry_date, memo = year_end, label
    if in_closed_period:
        entry_date = closed + timedelta(days=1)
        memo = (f"{label} ({year_start_of(year_end).isoformat()} s.d. {year_end.isoformat()}), "
                f"dicatat pada hari terbuka pertama: buku sudah ditutup sampai {closed.isoformat()}")
    key = closing_key(year_end)
    count = closing_entry_count(cooperative.id, year_end)
    if count:
        key, memo = f"{key}:correction:{count}", f"Koreksi: {memo}"
    return post_entry(cooperative.id, entry_date, CLOSING, memo, lines, key, created_by=closed_by)


def _shu_account_id(cooperative_id):
    return db.session.execute(select(GLAccount.id).where(
        GLAccount.cooperative_id == cooperative_id,
        GLAccount.system_key == "shu_undistributed")).scalar_one()


def refuse_unclosed_years(cooperative, period_end):
    """A period close may not pass a fiscal year end whose closing is missing or wrong."""
    unclosed = unclosed_years(cooperative, period_end)
    if unclosed:
        raise DomainError(what_to_do(cooperative, unclosed[0]))


def what_to_do(cooperative, year_end):
    """What closes an unclosed year: its period, while open; else the repair command."""
    closed = closed_through(cooperative.id)
    if closed is None or closed < year_end:
        return _l("Fiscal year %(year)s is not closed into SHU: close the period ending %(date)s first.",
                  year=year_end.year, date=year_end.isoformat())
    return _l("Fiscal year %(year)s lies in a closed period but its closing entry is missing or "
              "wrong: post it first with `%(command)s`.",
              year=year_end.year, command=repair_command(cooperative, year_end))
