"""K1 community capital and K7 the cooperative's own development, computed from the books.

Stocks are the books at t: savings from the passbook lines dated up to t (read as today's
balances less the lines dated after t, see people.balances), loans from the
portfolio's book as of t (loans/portfolio/figures.py: principal outstanding from the loan's
journal lines, days past due from the schedule), own capital and assets from the journal
lines dated up to t. Every figure is set-based SQL grouped by cooperative and by the
member's category and gender: six queries, whatever the number of cooperatives.
"""
from sqlalchemy import case, func, select

from coop_app.extensions import db
from coop_app.indicators.figures import ALL, Figure
from coop_app.indicators.people import (active_at, among, balances, count_if, emit, in_period,
                                        member_cut, registered, sen, sum_if)
from coop_app.ledger.fiscal_year import CLOSING
from coop_app.ledger.models import ASSET, EQUITY, EXPENSE, INCOME, GLAccount, JournalEntry, JournalLine
from coop_app.loans.models import PRODUCTIVE, Loan
from coop_app.loans.portfolio.figures import BOOKED, book
from coop_app.members.models import Member
from coop_app.savings.models import Remittance, remittance_stands

PAR_DAYS = 30


def _ids(cooperative_ids):
    return list(cooperative_ids)


def productive_book(ids, t):
    """The loans on the book at t (see loans.portfolio.figures.book), with their purpose kind."""
    return book(ids, t, active_only=True).add_columns(Loan.purpose_kind).subquery("book")


def _disbursed(ids, period):
    """The productive loans disbursed in P (a reversed disbursement is no longer booked)."""
    return (Loan.cooperative_id.in_(ids), Loan.status.in_(BOOKED),
            in_period(Loan.disbursed_on, period), Loan.purpose_kind.in_(PRODUCTIVE))


def _remitted(ids, period):
    return (Remittance.cooperative_id.in_(ids), in_period(Remittance.received_on, period),
            remittance_stands())


def figures(cooperative_ids, period):
    """Every K1 and K7 figure of `cooperative_ids` for `period`, for each indicator's cuts.

    Six queries: the members' savings at t with the active members; the loan book at t (and
    the book's look for a month-end after t); the productive loans disbursed in P; the
    remittances received in P; the ledger's assets, equity, income and expense."""
    ids, t = _ids(cooperative_ids), period.end
    keys = (Member.cooperative_id, Member.category, Member.gender)
    held = balances(ids, t).subquery("held")
    savings = db.session.execute(
        select(*keys, func.coalesce(func.sum(held.c.balance), 0).label("savings"),
               count_if(active_at(t)).label("active"))
        .select_from(Member).outerjoin(held, held.c.member_id == Member.id)
        .where(among(Member.cooperative_id, ids), registered()).group_by(*keys)).all()
    result = emit("k1_member_savings", ids, savings, "savings")
    result += emit("k1_savings_per_member", ids, savings, "savings", "active")

    loans = productive_book(ids, t)
    productive = loans.c.purpose_kind.in_(PRODUCTIVE)
    lent = db.session.execute(
        select(loans.c.cooperative_id, Member.category, Member.gender,
               sum_if(productive, loans.c.outstanding).label("productive"),
               func.count(func.distinct(case((productive & (loans.c.outstanding > 0),
                                              loans.c.member_id)))).label("borrowers"),
               func.coalesce(func.sum(loans.c.outstanding), 0).label("outstanding"),
               sum_if(loans.c.dpd > PAR_DAYS, loans.c.outstanding).label("par"))
        .join(Member, Member.id == loans.c.member_id)
        .group_by(loans.c.cooperative_id, Member.category, Member.gender)).all()
    result += emit("k1_productive_outstanding", ids, lent, "productive")
    result += emit("k1_productive_borrowers", ids, lent, "borrowers")
    result += emit("k7_par30", ids, lent, "par", "outstanding")

    disbursed = db.session.execute(
        select(Loan.cooperative_id, Member.category, Member.gender,
               func.sum(sen(Loan.amount)).label("amount"))
        .join(Member, Member.id == Loan.member_id).where(*_disbursed(ids, period))
        .group_by(Loan.cooperative_id, Member.category, Member.gender)).all()
    result += emit("k1_productive_disbursed", ids, disbursed, "amount")

    remitted = db.session.execute(
        select(Remittance.cooperative_id, Member.category, Member.gender,
               func.sum(sen(Remittance.saved_amount)).label("saved"),
               func.sum(sen(Remittance.amount_idr)).label("received"))
        .join(Member, Member.id == Remittance.member_id).where(*_remitted(ids, period))
        .group_by(Remittance.cooperative_id, Member.category, Member.gender)).all()
    result += emit("k1_remittance_saved", ids, remitted, "saved", "received")
    return result + _ledger_figures(ids, period)


def _ledger_figures(ids, period):
    """Own capital and assets at t, and the operational self-sufficiency of P, from one
    GROUP BY over the journal lines dated up to t.

    Own capital is the equity accounts with the income and expense not yet closed into SHU
    (the current year's surplus, and an earlier year's whose closing is not posted): every
    line on equity, income and expense accounts up to t, credit positive. It equals assets
    less liabilities. The OSS is the income of P over the expenses of P (cost of funds,
    provisions, cost of sales, general expenses), the year-end closing entry apart."""
    t = period.end
    kind = GLAccount.type
    amount = sen(JournalLine.amount)
    in_p = (JournalEntry.entry_date >= period.start) & (JournalEntry.kind != CLOSING)
    rows = {row.cooperative_id: row for row in db.session.execute(
        select(JournalEntry.cooperative_id,
               sum_if(kind == ASSET, amount).label("assets"),
               sum_if(kind.in_((EQUITY, INCOME, EXPENSE)), amount).label("own"),
               sum_if((kind == INCOME) & in_p, amount).label("income"),
               sum_if((kind == EXPENSE) & in_p, amount).label("expense"))
        .select_from(JournalLine).join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(among(JournalEntry.cooperative_id, ids), JournalEntry.entry_date <= t)
        .group_by(JournalEntry.cooperative_id))}
    result = []
    for coop_id in ids:
        row = rows.get(coop_id)
        assets, own, income, expense = (int(v) for v in (row[1:] if row else (0, 0, 0, 0)))
        result += [Figure(coop_id, "k1_own_capital", ALL, -own),
                   Figure(coop_id, "k7_assets", ALL, assets),
                   Figure(coop_id, "k7_oss", ALL, -income, expense)]
    return result


# -- behind a figure -----------------------------------------------------------------------

def behind(indicator, cut, cooperative_ids, period):
    """A select of the member ids (labelled `id`) behind one figure: the members whose
    amount in it is not zero (for the productive borrowers, as many as it counts). The
    cooperative's own figures (own capital, assets, OSS, PAR30) drill nowhere: KeyError."""
    ids, t = _ids(cooperative_ids), period.end
    if indicator in ("k1_member_savings", "k1_savings_per_member"):
        held = balances(ids, t).subquery("held")
        return (select(Member.id.label("id")).join(held, held.c.member_id == Member.id)
                .where(registered(), held.c.balance != 0,
                       member_cut(indicator, cut)))
    if indicator in ("k1_productive_outstanding", "k1_productive_borrowers"):
        loans = productive_book(ids, t)
        return (select(Member.id.label("id")).where(Member.id.in_(
            select(loans.c.member_id).where(loans.c.purpose_kind.in_(PRODUCTIVE),
                                            loans.c.outstanding > 0)),
            member_cut(indicator, cut)))
    if indicator == "k1_productive_disbursed":
        return (select(Member.id.label("id")).where(Member.id.in_(
            select(Loan.member_id).where(*_disbursed(ids, period))), member_cut(indicator, cut)))
    if indicator == "k1_remittance_saved":
        return (select(Member.id.label("id")).where(Member.id.in_(
            select(Remittance.member_id).where(*_remitted(ids, period),
                                               Remittance.saved_amount > 0)),
            member_cut(indicator, cut)))
    raise KeyError(indicator)

