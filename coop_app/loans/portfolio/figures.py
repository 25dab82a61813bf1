"""The portfolio audit in SQL: outstanding, PAR, aging, kolektibilitas, provisions, flows and
their breakdowns for a set of cooperatives as of a date, and the loans behind each figure.

Days past due are computed live from the schedule (the oldest non-superseded instalment due
before the date and not settled by it). Outstanding principal and provisions are the loan's
journal lines dated up to the date: today's (loan.principal_outstanding, loan.provision,
which check-ledger keeps equal to all its lines) less its lines dated after it, so the
provisions (PPAP) equal the allowance account in the ledger at that date. Quality classes
are those of the last month-end at or before the date: today's (loan.quality) unless a
later month-end changed it, then the class its first change after the date started from
(a loan no month-end has classed yet is lancar, with no provision). Provisions still held
for loans paid off before the date, which the next month-end releases, count in the PPAP
(`provision_closed`) though not in the active book.

Every figure comes from GROUP BY queries: one over the book of loans (per cooperative,
product, member category and gender, with conditional sums for PAR, aging and quality) and
three over the period's flows. Python only adds those group rows into totals. The loans
behind each figure are listed by portfolio_loans.py.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (BigInteger, Date, Integer, and_, case, cast, false, func, literal, or_,
                        select, true, type_coerce, union_all)

from coop_app.cooperatives.clock import coop_today
from coop_app.extensions import db
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.members.models import Member
from coop_app.money import from_sen
from coop_app.loans.check import ALLOWANCE_KEY, PRINCIPAL_KEYS
from coop_app.loans.models import (ACTIVE, NON_PERFORMING, PAID_OFF, QUALITY_CLASSES, WRITTEN_OFF,
                                   Loan, LoanEvent, LoanInstallment, LoanMonthEndRun, LoanPayment,
                                   LoanProduct)
from coop_app.loans.monthend import QUALITY_CHANGED

# Aging buckets by days past due: (key, first day, last day or None).
BUCKETS = (("current", 0, 0), ("1_30", 1, 30), ("31_60", 31, 60), ("61_90", 61, 90),
           ("91_180", 91, 180), ("over_180", 181, None))
BUCKET_KEYS = tuple(key for key, _low, _high in BUCKETS)
# PAR N: outstanding principal of loans with an instalment overdue more than N days.
PAR_DAYS = (1, 30, 90)
MAX_DAYS = 36500
# Loans that were disbursed: on the book while active, then closed.
BOOKED = (ACTIVE, PAID_OFF, WRITTEN_OFF)
RECOVERY = "recovery"
HUNDRED = Decimal(100)


@dataclass
class Tally:
    count: int = 0
    sen: int = 0

    @property
    def amount(self):
        return from_sen(self.sen)

    def add(self, count, sen):
        self.count += int(count or 0)
        self.sen += int(sen or 0)


# The book's sums of one group, in this order: loans and outstanding, provision, then a
# (count, outstanding) pair per PAR threshold, aging bucket and quality class.
PAIRS = [("par", n) for n in PAR_DAYS] + [("bucket", k) for k in BUCKET_KEYS] \
    + [("quality", q) for q in QUALITY_CLASSES]
WIDTH = 3 + 2 * len(PAIRS)


class Figures:
    """The portfolio of one group of loans (a cooperative, a product, a category...).

    The book's figures are kept as a row of integer sums (sen), so adding group rows is one
    list operation; the properties read them as Tallies and Decimal rupiah."""

    def __init__(self):
        self.sums = [0] * WIDTH
        # provisions held at the date for loans paid off before it (released by the next
        # month-end): in the PPAP, which equals the ledger's allowance, not in the book
        self.closed_sen = 0
        self.disbursed, self.written_off, self.recovered = Tally(), Tally(), Tally()

    def add_book(self, sums):
        self.sums = [a + int(b or 0) for a, b in zip(self.sums, sums)]

    def _pairs(self, kind):
        return {key: Tally(self.sums[3 + 2 * i], self.sums[4 + 2 * i])
                for i, (k, key) in enumerate(PAIRS) if k == kind}

    @property
    def active(self):  # active loans and their outstanding principal
        return Tally(self.sums[0], self.sums[1])

    @property
    def outstanding(self):
        return from_sen(self.sums[1])

    @property
    def provision(self):  # PPAP: the allowance in the ledger at the date
        return from_sen(self.sums[2] + self.closed_sen)

    @property
    def provision_closed(self):
        return from_sen(self.closed_sen)

    par = property(lambda self: self._pairs("par"))
    buckets = property(lambda self: self._pairs("bucket"))
    quality = property(lambda self: self._pairs("quality"))

    @property
    def npl(self):
        quality = self.quality
        return Tally(sum(quality[q].count for q in NON_PERFORMING),
                     sum(quality[q].sen for q in NON_PERFORMING))

    def ratio(self, amount):
        """`amount` as a percentage of gross outstanding (two decimals), None on an empty book."""
        if not self.sums[1]:
            return None
        return (amount * HUNDRED / self.outstanding).quantize(Decimal("0.01"))

    def par_ratio(self, days):
        return self.ratio(self.par[days].amount)

    @property
    def npl_ratio(self):
        return self.ratio(self.npl.amount)

    @property
    def provision_ratio(self):
        return self.ratio(self.provision)


@dataclass
class Group:
    key: str
    label: str
    figures: Figures


@dataclass
class Portfolio:
    as_of: date
    date_from: date
    date_to: date
    total: Figures
    by_cooperative: dict  # cooperative id -> Figures
    by_product: list  # [Group] by product code (one code is one product across the programme)
    by_category: list
    by_gender: list


def _sen(column):
    return type_coerce(column, BigInteger)


def _days_between(later, earlier):
    if db.session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return literal(later, Date) - earlier  # PostgreSQL: date - date is a number of days


def _ids(scope):
    ids = [scope] if isinstance(scope, int) else list(scope)
    return ids or [-1]


# -- the book as of a date --------------------------------------------------------------

def _oldest_overdue(ids, as_of):
    """Per loan, the due date of its oldest non-superseded instalment due before `as_of` and
    not settled by then (unpaid, or settled after it)."""
    li = LoanInstallment
    due = [li.cooperative_id.in_(ids), li.superseded == false(), li.due_date < as_of]
    rows = union_all(select(li.loan_id, li.due_date).where(*due, li.paid_on.is_(None)),
                     select(li.loan_id, li.due_date).where(*due, li.paid_on > as_of)).subquery()
    return (select(rows.c.loan_id, func.min(rows.c.due_date).label("oldest_due"))
            .group_by(rows.c.loan_id).subquery("overdue"))


def _lines_after(ids, as_of):
    """Per loan, the sum (sen, debit positive) of its journal lines dated after `as_of` on the
    principal accounts and on the allowance: what took today's figures away from that date's."""
    on = lambda keys: case((GLAccount.system_key.in_(keys), _sen(JournalLine.amount)), else_=0)  # noqa: E731
    return (select(JournalLine.loan_id, func.sum(on(PRINCIPAL_KEYS)).label("principal"),
                   func.sum(on((ALLOWANCE_KEY,))).label("allowance"))
            .select_from(JournalEntry)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .join(GLAccount, GLAccount.id == JournalLine.account_id)
            .where(JournalEntry.cooperative_id.in_(ids), JournalEntry.entry_date > as_of,
                   JournalLine.loan_id.is_not(None),
                   GLAccount.system_key.in_(PRINCIPAL_KEYS + (ALLOWANCE_KEY,)))
            .group_by(JournalLine.loan_id).subquery("lines_after"))


def _month_end_after(ids, as_of):
    return db.session.execute(select(LoanMonthEndRun.id).where(
        LoanMonthEndRun.cooperative_id.in_(ids), LoanMonthEndRun.period_end > as_of).limit(1)).first() is not None


def _class_before(ids, as_of):
    """Per loan whose class a month-end after `as_of` changed, the class it changed from at
    the first of them: its class at `as_of`. None when no month-end ran after `as_of`."""
    if not _month_end_after(ids, as_of):
        return None
    ev = LoanEvent
    first = func.row_number().over(partition_by=ev.loan_id, order_by=(ev.event_date, ev.id))
    changes = (select(ev.loan_id, ev.detail["from"].as_string().label("quality"), first.label("n"))
               .where(ev.cooperative_id.in_(ids), ev.kind == QUALITY_CHANGED, ev.event_date > as_of)
               .subquery("changes"))
    return select(changes.c.loan_id, changes.c.quality).where(changes.c.n == 1).subquery("class_before")


def _as_of_columns(ids, as_of):
    """(outstanding principal, provision, quality) columns as of `as_of`, and the outer joins
    they need: see the module's docstring."""
    later = _lines_after(ids, as_of)
    outstanding = _sen(Loan.principal_outstanding) - func.coalesce(later.c.principal, 0)
    provision = _sen(Loan.provision) + func.coalesce(later.c.allowance, 0)
    joins = [(later, later.c.loan_id == Loan.id)]
    before = _class_before(ids, as_of)
    quality = Loan.quality
    if before is not None:
        quality = func.coalesce(before.c.quality, Loan.quality)
        joins.append((before, before.c.loan_id == Loan.id))
    return outstanding, provision, quality, joins


def book(scope, as_of, active_only=False):
    """Every loan of the cooperatives in `scope` (only those active at `as_of` with
    `active_only`) with, as of `as_of`: whether it was active, its outstanding principal
    (sen) and its days past due (both 0 when not active), its class and its provision."""
    ids = _ids(scope)
    overdue = _oldest_overdue(ids, as_of)
    outstanding, provision, quality, joins = _as_of_columns(ids, as_of)
    # disbursed_on inside coalesce(): SQLite then reads the loans by (cooperative, status),
    # in table order, instead of hopping through them by disbursement date (3-5x slower).
    active = and_(Loan.status.in_(BOOKED), func.coalesce(Loan.disbursed_on, as_of) <= as_of,
                  or_(Loan.closed_on.is_(None), Loan.closed_on > as_of))
    days = case((overdue.c.oldest_due.is_not(None), _days_between(as_of, overdue.c.oldest_due)), else_=0)
    if not active_only:  # the other loans count for nothing on the book of that day
        outstanding, days = case((active, outstanding), else_=0), case((active, days), else_=0)
    query = (select(Loan.id, Loan.cooperative_id, Loan.number, Loan.member_id, Loan.product_id,
                    Loan.method, Loan.purpose_kind, Loan.status, quality.label("quality"),
                    Loan.disbursed_on, Loan.closed_on, _sen(Loan.amount).label("amount"),
                    provision.label("provision"),
                    _sen(Loan.written_off_amount).label("written_off_amount"),
                    (literal(1) if active_only else case((active, 1), else_=0)).label("active"),
                    outstanding.label("outstanding"), days.label("dpd"))
             .select_from(Loan)
             .outerjoin(overdue, overdue.c.loan_id == Loan.id))
    for subquery, on in joins:
        query = query.outerjoin(subquery, on)
    # the condition itself, not the column computed from it, so an index serves it
    return query.where(Loan.cooperative_id.in_(ids), active if active_only else true())


def _closed_provisions(ids, as_of):
    """Per group (as _book_groups), the provisions held at `as_of` for loans paid off by
    then: the next month-end releases them, so until it they are in the ledger's allowance."""
    later = _lines_after(ids, as_of)
    provision = _sen(Loan.provision) + func.coalesce(later.c.allowance, 0)
    query = (select(Loan.cooperative_id, LoanProduct.code, func.max(LoanProduct.name), Member.category,
                    Member.gender, func.sum(provision))
             .select_from(Loan)
             .outerjoin(later, later.c.loan_id == Loan.id)
             .join(LoanProduct, LoanProduct.id == Loan.product_id)
             .join(Member, Member.id == Loan.member_id)
             .where(Loan.cooperative_id.in_(ids), Loan.status == PAID_OFF, Loan.closed_on <= as_of,
                    or_(Loan.provision != 0, later.c.allowance.is_not(None)))
             .group_by(Loan.cooperative_id, LoanProduct.code, Member.category, Member.gender)
             .having(func.sum(provision) != 0))
    return db.session.execute(query).all()


def bucket_condition(days, key):
    for name, low, high in BUCKETS:
        if name == key:
            return days >= low if high is None else and_(days >= low, days <= high)
    raise ValueError(key)


# -- figures ----------------------------------------------------------------------------

def _sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _book_groups(ids, as_of):
    """Active loans grouped by cooperative, product, member category and gender, with
    conditional sums for PAR, aging and quality: one scan of the book."""
    b = book(ids, as_of, active_only=True).subquery("book")
    columns = [func.count().label("n"), func.coalesce(func.sum(b.c.outstanding), 0).label("out"),
               func.coalesce(func.sum(b.c.provision), 0).label("provision")]
    conditions = {"par": lambda n: b.c.dpd > n, "bucket": lambda k: bucket_condition(b.c.dpd, k),
                  "quality": lambda q: b.c.quality == q}
    for kind, key in PAIRS:
        condition = conditions[kind](key)
        columns += [_sum_if(condition, 1), _sum_if(condition, b.c.outstanding)]
    query = (select(b.c.cooperative_id, LoanProduct.code, func.max(LoanProduct.name),
                    Member.category, Member.gender, *columns)
             .join(LoanProduct, LoanProduct.id == b.c.product_id)
             .join(Member, Member.id == b.c.member_id)
             .group_by(b.c.cooperative_id, LoanProduct.code, Member.category, Member.gender))
    return db.session.execute(query).all()


def _flow_groups(ids, date_from, date_to):
    """(kind, cooperative, product code, name, category, gender, count, sen) of the period's
    disbursements, write-offs and recoveries."""
    keys = (Loan.cooperative_id, LoanProduct.code, Member.category, Member.gender)

    def grouped(kind, count, amount, *where, payments=False):
        query = select(literal(kind).label("kind"), *keys, func.max(LoanProduct.name), count, amount)
        if payments:
            query = query.select_from(Loan).join(LoanPayment, LoanPayment.loan_id == Loan.id)
        return (query.join(LoanProduct, LoanProduct.id == Loan.product_id)
                .join(Member, Member.id == Loan.member_id).where(*where).group_by(*keys))

    in_period = lambda column: and_(column >= date_from, column <= date_to)  # noqa: E731
    queries = [
        # coalesce(): read the cooperative's loans in table order (see book()); a year's
        # disbursements are a third of a book, too many to fetch one by one by date
        grouped("disbursed", func.count(), func.sum(_sen(Loan.amount)), Loan.cooperative_id.in_(ids),
                Loan.status.in_(BOOKED), in_period(func.coalesce(Loan.disbursed_on, date_to))),
        grouped("written_off", func.count(), func.sum(_sen(Loan.written_off_amount)),
                Loan.cooperative_id.in_(ids), Loan.status == WRITTEN_OFF, in_period(Loan.closed_on)),
        # only written-off loans have recoveries: start from them, not from every payment
        grouped("recovered", func.count(func.distinct(LoanPayment.loan_id)),
                func.sum(_sen(LoanPayment.amount)), Loan.cooperative_id.in_(ids),
                Loan.status == WRITTEN_OFF, LoanPayment.kind == RECOVERY,
                LoanPayment.reversed == false(), in_period(LoanPayment.paid_on), payments=True),
    ]
    rows = []
    for query in queries:
        rows += db.session.execute(query).all()
    return rows


def portfolio(scope, as_of=None, date_from=None, date_to=None, category_labels=None,
              gender_labels=None):
    """The figures of the cooperatives in `scope` (an id or ids) as of `as_of` (default
    today), with the flows of [date_from, date_to] (default: the year of `as_of` up to it)."""
    ids = _ids(scope)
    as_of = as_of or coop_today()  # the page's cooperative's, WIB for the programme
    date_to = date_to or as_of
    date_from = date_from or date(date_to.year, 1, 1)
    total, by_coop, products, categories, genders = Figures(), {}, {}, {}, {}
    names = {}

    def targets(coop_id, code, name, category, gender):
        names.setdefault(code, name)
        return (total, by_coop.setdefault(coop_id, Figures()), products.setdefault(code, Figures()),
                categories.setdefault(category, Figures()), genders.setdefault(gender, Figures()))

    for row in _book_groups(ids, as_of):
        sums = row[5:]
        for figures in targets(*row[:5]):
            figures.add_book(sums)
    for *keys, sen in _closed_provisions(ids, as_of):
        for figures in targets(*keys):
            figures.closed_sen += int(sen)
    for kind, coop_id, code, category, gender, name, count, sen in _flow_groups(ids, date_from, date_to):
        for figures in targets(coop_id, code, name, category, gender):
            getattr(figures, kind).add(count, sen)

    def groups(found, order, labels):
        keys = [k for k in order if k in found] + sorted(k for k in found if k not in order)
        return [Group(k, str((labels or {}).get(k, k)), found[k]) for k in keys]

    return Portfolio(
        as_of=as_of, date_from=date_from, date_to=date_to, total=total, by_cooperative=by_coop,
        by_product=[Group(code, names[code], products[code]) for code in sorted(products)],
        by_category=groups(categories, tuple(category_labels or ()), category_labels),
        by_gender=groups(genders, tuple(gender_labels or ()), gender_labels))
