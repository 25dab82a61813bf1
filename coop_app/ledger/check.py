"""check-ledger: the books verify themselves with a few SQL aggregates.

The packages that keep a sub-ledger add their checks to the registry's `subledger_checks`
(coop_app/registry.py): each is a function (cooperative_id or None) -> list of problem
strings, built on GROUP BY queries.
"""
from datetime import timedelta

from sqlalchemy import BigInteger, func, select, type_coerce

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.registry import registry
from coop_app.money import from_sen
from coop_app.ledger import fiscal_year
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine, LedgerPeriod

def _scoped(query, column, cooperative_id):
    return query.where(column == cooperative_id) if cooperative_id is not None else query


def check_ledger(cooperative_id=None):
    """Return (facts, problems): counts checked, and everything found out of order."""
    problems = []
    sen = type_coerce(JournalLine.amount, BigInteger)

    unbalanced = db.session.execute(_scoped(
        select(JournalLine.entry_id, func.sum(sen), func.count()).group_by(JournalLine.entry_id)
        .having((func.sum(sen) != 0) | (func.count() < 2)),
        JournalLine.cooperative_id, cooperative_id)).all()
    for entry_id, total, count in unbalanced[:50]:
        problems.append(f"entry #{entry_id} does not balance: sum {from_sen(total)} over {count} line(s)")
    if len(unbalanced) > 50:
        problems.append(f"... and {len(unbalanced) - 50} more unbalanced entries")

    lineless = db.session.execute(_scoped(
        select(func.count()).select_from(JournalEntry).where(
            ~select(JournalLine.id).where(JournalLine.entry_id == JournalEntry.id).exists()),
        JournalEntry.cooperative_id, cooperative_id)).scalar()
    if lineless:
        problems.append(f"{lineless} entries have no lines")

    mismatched = db.session.execute(_scoped(
        select(func.count()).select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where((JournalLine.cooperative_id != JournalEntry.cooperative_id)
               | (JournalLine.cooperative_id != GLAccount.cooperative_id)),
        JournalLine.cooperative_id, cooperative_id)).scalar()
    if mismatched:
        problems.append(f"{mismatched} lines belong to another cooperative than their entry or account")

    group_lines = db.session.execute(_scoped(
        select(func.count()).select_from(JournalLine)
        .join(GLAccount, GLAccount.id == JournalLine.account_id).where(GLAccount.is_group.is_(True)),
        JournalLine.cooperative_id, cooperative_id)).scalar()
    if group_lines:
        problems.append(f"{group_lines} lines are posted to group accounts")

    trial = db.session.execute(_scoped(
        select(JournalLine.cooperative_id, func.sum(sen)).group_by(JournalLine.cooperative_id),
        JournalLine.cooperative_id, cooperative_id)).all()
    codes = dict(db.session.execute(select(Cooperative.id, Cooperative.code)).all())
    for coop_id, total in trial:
        if total:
            problems.append(f"trial balance of {codes.get(coop_id, coop_id)} is off by {from_sen(total)}")

    problems.extend(unclosed_fiscal_years(cooperative_id))

    for check in registry().subledger_checks:
        problems.extend(check(cooperative_id))

    facts = {
        "entries": db.session.execute(_scoped(select(func.count()).select_from(JournalEntry),
                                              JournalEntry.cooperative_id, cooperative_id)).scalar(),
        "lines": db.session.execute(_scoped(select(func.count()).select_from(JournalLine),
                                            JournalLine.cooperative_id, cooperative_id)).scalar(),
        "cooperatives": len(trial),
    }
    return facts, problems


def unclosed_fiscal_years(cooperative_id=None):
    """Fiscal years inside a closed period whose closing entry is missing or wrong, each with
    the command that posts what it lacks."""
    query = (select(Cooperative, func.max(LedgerPeriod.period_end))
             .join(LedgerPeriod, LedgerPeriod.cooperative_id == Cooperative.id)
             .group_by(Cooperative.id).order_by(Cooperative.code))
    problems = []
    for cooperative, closed in db.session.execute(_scoped(query, Cooperative.id, cooperative_id)):
        for year_end in fiscal_year.unclosed_years(cooperative, closed + timedelta(days=1)):
            start = fiscal_year.year_start_of(year_end)
            state = ("is wrong: it does not close that year's own income and expense"
                     if fiscal_year.closing_entry_count(cooperative.id, year_end) else "is missing")
            problems.append(
                f"fiscal year {start} to {year_end} of {cooperative.code} lies in a closed period "
                f"and its closing entry {state}; fix: "
                f"{fiscal_year.repair_command(cooperative, year_end)}")
    return problems
