"""K2 people using the cooperative, K8 family finance and K9 non-procedural departures.

Every figure is set-based SQL grouped by cooperative and by the member's category and
gender (the cuts are sums of those groups, done in Python over a few dozen rows), so the
month-end of 450 cooperatives costs the same six queries as one. `behind` gives the ids
behind a figure with the same conditions, so a count's drill-down lists exactly what it
counted. The helpers the capital figures share (the active member, savings balances at a
date, the cuts) live here too.
"""
from sqlalchemy import (BigInteger, Integer, and_, case, cast, exists, extract, false, func, or_,
                        select, true, type_coerce, union)

from coop_app.cooperatives.models import VillageProfile
from coop_app.extensions import db
from coop_app.indicators.catalogue import BY_KEY
from coop_app.indicators.figures import ALL, Figure, cut
from coop_app.ledger.models import JournalEntry
from coop_app.loans.models import Loan, LoanPayment
from coop_app.loans.portfolio.figures import BOOKED, book
from coop_app.members.models import (CANCELLED, CATEGORIES, FAMILY, GENDERS, RETURNEE, Member,
                                     MigrantWorker)
from coop_app.membership.leaving import SETTLEMENT
from coop_app.savings.models import (EQUITY_KINDS, PRODUCT_KINDS, WAJIB, Remittance,
                                     SavingsAccount, SavingsProduct, SavingsTransaction,
                                     remittance_stands)
from coop_app.savings.movements import DEPOSIT, WITHDRAWAL

# Voluntary savings: every product but the mandatory pokok and wajib (sukarela, time
# deposits, wadiah, mudharabah).
VOLUNTARY = tuple(kind for kind in PRODUCT_KINDS if kind not in EQUITY_KINDS)
# The members whose household counts as a migrant household.
MIGRANT_CATEGORIES = (FAMILY, RETURNEE)
CUT_VALUES = {"category": CATEGORIES, "gender": GENDERS}


# -- shared with capital.py --------------------------------------------------------------

def sen(column):
    return type_coerce(column, BigInteger)


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def in_period(column, period):
    return and_(column >= period.start, column <= period.end)


# Above this many cooperatives a table is read in its own order rather than through its
# cooperative index: hopping through the index for most of a programme's rows reads the
# table at random (five times slower on SQLite at programme scale; PostgreSQL scans then
# anyway), while one cooperative's page still takes the index.
MANY = 50


def among(column, cooperative_ids):
    """SQL condition: `column` (a cooperative id) is one of `cooperative_ids`."""
    if len(cooperative_ids) > MANY:
        return (column + 0).in_(cooperative_ids)
    return column.in_(cooperative_ids)


def registered():
    """SQL condition: the member's registration stands (it was not cancelled)."""
    return Member.status != CANCELLED


def active_at(t):
    """SQL condition: the member is active at t (joined by t, not left by t, not cancelled)."""
    return and_(registered(), Member.join_date <= t,
                or_(Member.left_on.is_(None), Member.left_on > t))


def lines_after(t):
    """The sum (sen) of a savings account's passbook lines dated after t, correlated to
    SavingsAccount: read through the (account, date) index, only the lines after t."""
    st = SavingsTransaction
    return func.coalesce(select(func.sum(sen(st.amount)))
                         .where(st.account_id == SavingsAccount.id, st.txn_date > t)
                         .correlate(SavingsAccount).scalar_subquery(), 0)


def balances(cooperative_ids, t, kinds=None):
    """Per member (`member_id`, `balance` in sen), their savings accounts' balances at t (of
    products of `kinds` only, when given): each account's balance now, which check-ledger
    keeps equal to its passbook lines, less its lines dated after t, so a recent t (the
    month-end, the live month) reads only the few lines after it."""
    account = SavingsAccount
    query = (select(account.member_id, func.sum(sen(account.balance) - lines_after(t)).label("balance"))
             .where(among(account.cooperative_id, cooperative_ids)))
    if kinds is not None:
        query = (query.join(SavingsProduct, SavingsProduct.id == account.product_id)
                 .where(SavingsProduct.kind.in_(kinds)))
    return query.group_by(account.member_id)


def cuts_of(indicator):
    """The cut keys an indicator is computed for: "all", then each value of its dimensions."""
    keys = [ALL]
    for dimension in BY_KEY[indicator].cuts:
        keys += [cut(dimension, value) for value in CUT_VALUES[dimension]]
    return keys


def emit(indicator, cooperative_ids, rows, numerator, denominator=None):
    """The Figures of one indicator for every cooperative and cut, zeros included, from rows
    grouped by cooperative (and by category and gender when it has those cuts): each cut
    sums the `numerator` (and `denominator`) columns of its rows."""
    dimensions = BY_KEY[indicator].cuts
    totals = {}
    for row in rows:
        values = row._mapping
        n, d = int(values[numerator] or 0), int(values[denominator] or 0) if denominator else 0
        keys = [ALL] + [cut(dim, values[dim]) for dim in dimensions if values[dim]]
        for key in keys:
            before = totals.get((values["cooperative_id"], key), (0, 0))
            totals[(values["cooperative_id"], key)] = (before[0] + n, before[1] + d)
    return [Figure(coop_id, indicator, key, n, d if denominator else None)
            for coop_id in cooperative_ids for key in cuts_of(indicator)
            for n, d in [totals.get((coop_id, key), (0, 0))]]


def cut_condition(indicator, cut_key, columns):
    """SQL condition of a cut on `columns` ({dimension: column}); KeyError for a cut the
    indicator is not computed for."""
    if cut_key in (None, ALL):
        return true()
    if cut_key not in cuts_of(indicator):
        raise KeyError((indicator, cut_key))
    dimension, _, value = cut_key.partition(":")
    return columns[dimension] == value


def member_cut(indicator, cut_key):
    return cut_condition(indicator, cut_key, {"category": Member.category, "gender": Member.gender})


def _ids(cooperative_ids):
    return list(cooperative_ids)


# -- who did what --------------------------------------------------------------------------

def movers(cooperative_ids, period):
    """The member ids (each once) of the members who made a movement in P: a deposit or
    withdrawal at the counter (joining's pokok and wajib included; interest, profit sharing,
    bonus, settlements on leaving and the parts of remittances and loans are other kinds),
    a remittance received, a loan disbursed, a loan payment. A reversed entry is no movement."""
    st, account = SavingsTransaction, SavingsAccount
    return union(
        # from the accounts into their (account, date) index: only P's lines are read
        select(account.member_id.label("member_id")).select_from(account)
        .join(st, and_(st.account_id == account.id, in_period(st.txn_date, period)))
        .where(among(account.cooperative_id, cooperative_ids), st.kind.in_((DEPOSIT, WITHDRAWAL)),
               ~exists().where(JournalEntry.reverses_id == st.entry_id)),
        select(Remittance.member_id).where(Remittance.cooperative_id.in_(cooperative_ids),
                                           in_period(Remittance.received_on, period),
                                           remittance_stands()),
        select(Loan.member_id).where(Loan.cooperative_id.in_(cooperative_ids),
                                     Loan.status.in_(BOOKED), in_period(Loan.disbursed_on, period)),
        select(Loan.member_id).select_from(LoanPayment).join(Loan, Loan.id == LoanPayment.loan_id)
        .where(LoanPayment.cooperative_id.in_(cooperative_ids), LoanPayment.reversed == false(),
               in_period(LoanPayment.paid_on, period)))


def borrowers(cooperative_ids, t):
    """The member ids of the loans on the book at t with principal outstanding."""
    loans = book(cooperative_ids, t, active_only=True).subquery("book")
    return select(loans.c.member_id).where(loans.c.outstanding > 0)


def voluntary_holders(cooperative_ids, t):
    """The member ids with a voluntary savings balance at t."""
    held = balances(cooperative_ids, t, VOLUNTARY).subquery("voluntary")
    return select(held.c.member_id).where(held.c.balance > 0)


def _month(column):
    return cast(extract("year", column), Integer) * 12 + cast(extract("month", column), Integer)


def wajib_accounts(cooperative_ids, period):
    """Per wajib account of a (not cancelled) member who had joined by t: the wajib due for
    the months of P (`due`, sen) and what of it was paid (`paid`, sen).

    As in savings/arrears.py a payment is due in the joining month and then every
    `period_months` months, of the product's fixed amount. A month of P counts when the
    member had joined by its end and not left by its end. Payments cover the dues oldest
    first: what was paid up to t (the account's balance at t, read as in `balances`, with a
    closed account's settlement on leaving added back; a reversed deposit is unpaid again)
    first covers the dues of the months before P, and what is left covers P's, up to what
    P's months made due."""
    st, t = SavingsTransaction, period.end
    settled = (select(func.sum(sen(st.amount)))
               .where(st.account_id == SavingsAccount.id, st.txn_date <= t, st.kind == SETTLEMENT)
               .correlate(SavingsAccount).scalar_subquery())
    paid_to_t = (sen(SavingsAccount.balance) - lines_after(t)
                 - case((SavingsAccount.status == "closed", func.coalesce(settled, 0)), else_=0))
    joined = _month(Member.join_date)
    every = func.coalesce(SavingsProduct.period_months, 1)
    first = period.start.year * 12 + period.start.month
    last = case((and_(Member.left_on.is_not(None), Member.left_on <= period.end),
                 _month(Member.left_on) - 1), else_=period.end.year * 12 + period.end.month)

    def payments_through(month):  # payments due in the months up to `month`
        return case((month < joined, 0), else_=(month - joined) // every + 1)

    fixed = sen(SavingsProduct.fixed_amount)
    before = payments_through(first - 1) * fixed
    due = case((last >= first, payments_through(last) * fixed - before), else_=0)
    left = paid_to_t - before
    paid = case((left <= 0, 0), (left >= due, due), else_=left)
    return (select(SavingsAccount.cooperative_id, SavingsAccount.member_id, Member.category,
                   Member.gender, due.label("due"), paid.label("paid"))
            .select_from(SavingsAccount)
            .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
            .join(Member, Member.id == SavingsAccount.member_id)
            .where(among(SavingsAccount.cooperative_id, cooperative_ids), SavingsProduct.kind == WAJIB,
                   SavingsProduct.fixed_amount > 0, registered(),
                   Member.join_date <= period.end))


def _profiles(cooperative_ids, t):
    """Per cooperative, its village profile of t's year, or else the latest earlier one."""
    vp = VillageProfile
    latest = func.row_number().over(partition_by=vp.cooperative_id, order_by=vp.year.desc())
    ranked = (select(vp.cooperative_id, vp.households, vp.migrant_households, latest.label("n"))
              .where(vp.cooperative_id.in_(cooperative_ids), vp.year <= t.year).subquery("ranked"))
    return select(ranked.c.cooperative_id, ranked.c.households,
                  ranked.c.migrant_households).where(ranked.c.n == 1)


# -- figures -------------------------------------------------------------------------------

def figures(cooperative_ids, period):
    """Every K2, K8 and K9 figure of `cooperative_ids` for `period`, for each indicator's cuts.

    Six queries: the active members at t with the users, borrowers and voluntary holders
    among them (and the loan book's look for a month-end after t); the households reached;
    the village profiles; the wajib due and paid; the migrant workers who departed in P."""
    ids, t = _ids(cooperative_ids), period.end
    keys = (Member.cooperative_id, Member.category, Member.gender)
    # Each set of members as a distinct list joined on (a hash join at any scale, where an
    # IN inside a CASE is re-run per member once it outgrows PostgreSQL's work memory).
    sets = {"users": movers(ids, period).subquery("users"),
            "borrowers": borrowers(ids, t).distinct().subquery("borrowers"),
            "holders": voluntary_holders(ids, t).subquery("holders")}
    query = select(*keys, func.count().label("active"),
                   *(func.count(found.c.member_id).label(name) for name, found in sets.items()))
    for found in sets.values():
        query = query.outerjoin(found, found.c.member_id == Member.id)
    members = db.session.execute(
        query.where(among(Member.cooperative_id, ids), active_at(t)).group_by(*keys)).all()
    result = emit("k2_active_members", ids, members, "active")
    result += emit("k2_users", ids, members, "users", "active")
    result += emit("k2_borrowers", ids, members, "borrowers", "active")
    result += emit("k8_voluntary_holders", ids, members, "holders", "active")
    result += _household_figures(ids, t)
    wajib = wajib_accounts(ids, period).subquery("wajib")
    dues = db.session.execute(
        select(wajib.c.cooperative_id, wajib.c.category, wajib.c.gender,
               func.sum(wajib.c.paid).label("paid"), func.sum(wajib.c.due).label("due"))
        .group_by(wajib.c.cooperative_id, wajib.c.category, wajib.c.gender)).all()
    result += emit("k8_wajib_compliance", ids, dues, "paid", "due")
    mw = MigrantWorker
    departures = db.session.execute(
        select(mw.cooperative_id, mw.gender, func.count().label("departed"),
               count_if(mw.procedural == false()).label("nonprocedural"))
        .where(mw.cooperative_id.in_(ids), in_period(mw.departure_date, period))
        .group_by(mw.cooperative_id, mw.gender)).all()
    result += emit("k9_nonprocedural", ids, departures, "nonprocedural", "departed")
    return result


def _household_figures(ids, t):
    """Household penetration and migrant-household coverage: only for a cooperative with a
    village profile (without one the village's households are not known)."""
    reached = dict((row[0], row[1:]) for row in db.session.execute(
        select(Member.cooperative_id, func.count(func.distinct(Member.household_id)),
               func.count(func.distinct(case((Member.category.in_(MIGRANT_CATEGORIES),
                                              Member.household_id)))))
        .where(among(Member.cooperative_id, ids), active_at(t), Member.household_id.is_not(None))
        .group_by(Member.cooperative_id)))
    result = []
    for coop_id, households, migrant_households in db.session.execute(_profiles(ids, t)):
        households_reached, migrant_reached = reached.get(coop_id, (0, 0))
        result += [Figure(coop_id, "k2_household_penetration", ALL, int(households_reached),
                          int(households)),
                   Figure(coop_id, "k2_migrant_coverage", ALL, int(migrant_reached),
                          int(migrant_households))]
    return result


# -- behind a figure -----------------------------------------------------------------------

def behind(indicator, cut, cooperative_ids, period):
    """A select of the ids (labelled `id`) behind one figure: members, households or migrants.

    For a count, and a share's numerator, as many rows as the figure counts; for the wajib
    compliance, the members who paid something for P's months."""
    ids, t = _ids(cooperative_ids), period.end
    if indicator == "k9_nonprocedural":
        mw = MigrantWorker
        return select(mw.id.label("id")).where(
            mw.cooperative_id.in_(ids), in_period(mw.departure_date, period),
            mw.procedural == false(), cut_condition(indicator, cut, {"gender": mw.gender}))
    if indicator == "k8_wajib_compliance":
        wajib = wajib_accounts(ids, period).subquery("wajib")
        return (select(wajib.c.member_id.label("id")).where(
            wajib.c.paid > 0, cut_condition(indicator, cut, {"category": wajib.c.category,
                                                             "gender": wajib.c.gender}))
                .distinct())
    if indicator in ("k2_household_penetration", "k2_migrant_coverage"):
        condition = cut_condition(indicator, cut, {})
        if indicator == "k2_migrant_coverage":
            condition = and_(condition, Member.category.in_(MIGRANT_CATEGORIES))
        return (select(Member.household_id.label("id"))
                .where(among(Member.cooperative_id, ids), active_at(t),
                       Member.household_id.is_not(None), condition).distinct())
    narrowed = {"k2_active_members": None, "k2_users": lambda: movers(ids, period),
                "k2_borrowers": lambda: borrowers(ids, t),
                "k8_voluntary_holders": lambda: voluntary_holders(ids, t)}
    if indicator not in narrowed:
        raise KeyError(indicator)
    query = select(Member.id.label("id")).where(among(Member.cooperative_id, ids), active_at(t),
                                                member_cut(indicator, cut))
    if narrowed[indicator] is not None:
        query = query.where(Member.id.in_(narrowed[indicator]()))
    return query
