"""The loans behind a portfolio figure: the same book as the figures (portfolio.book), narrowed
by the figure's filters, paged for the list page and read in batches for the exports."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, false, func, select

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.members.models import Member
from coop_app.money import from_sen
from coop_app.web import Pages
from coop_app.loans.models import (LOAN_STATUSES, NON_PERFORMING, WRITTEN_OFF, Loan, LoanPayment,
                                   LoanProduct)
from coop_app.loans.portfolio.figures import BOOKED, RECOVERY, _ids, _sen, book, bucket_condition

STATUS_FILTERS = ("active", "any") + LOAN_STATUSES


@dataclass
class LoanFilter:
    as_of: date
    date_from: date
    date_to: date
    cooperative_id: int | None = None
    product: str | None = None  # product code
    quality: str | None = None  # a class, or "npl" for the non-performing ones
    par: int | None = None  # days past due more than this
    bucket: str | None = None
    category: str | None = None
    gender: str | None = None
    status: str = "active"  # active as of the date, any, or a loan status
    disbursed: bool = False  # disbursed in the period
    written_off: bool = False  # written off in the period
    recovered: bool = False  # with a recovery in the period


def _recovered_in(ids, date_from, date_to):
    """Per written-off loan, what was recovered in the period (only they have recoveries)."""
    lp = LoanPayment
    return (select(lp.loan_id, func.sum(_sen(lp.amount)).label("recovered"))
            .select_from(Loan).join(lp, lp.loan_id == Loan.id)
            .where(Loan.cooperative_id.in_(ids), Loan.status == WRITTEN_OFF, lp.kind == RECOVERY,
                   lp.reversed == false(), lp.paid_on >= date_from, lp.paid_on <= date_to)
            .group_by(lp.loan_id).subquery("recovered"))


def _filtered(scope, f):
    """The select of the loans behind a figure, with the columns a list or an export shows."""
    ids = _ids(f.cooperative_id if f.cooperative_id is not None else scope)
    b = book(ids, f.as_of, active_only=f.status == "active").subquery("book")
    recovered = _recovered_in(ids, f.date_from, f.date_to)
    query = (select(b, Cooperative.code.label("coop_code"), Member.member_number,
                    Member.name.label("member_name"), Member.category, Member.gender,
                    LoanProduct.code.label("product_code"), LoanProduct.name.label("product_name"),
                    func.coalesce(recovered.c.recovered, 0).label("recovered"))
             .join(Cooperative, Cooperative.id == b.c.cooperative_id)
             .join(Member, Member.id == b.c.member_id)
             .join(LoanProduct, LoanProduct.id == b.c.product_id)
             .outerjoin(recovered, recovered.c.loan_id == b.c.id))
    in_period = lambda column: and_(column >= f.date_from, column <= f.date_to)  # noqa: E731
    if f.status == "active":
        query = query.where(b.c.active == 1)
    elif f.status != "any":
        query = query.where(b.c.status == f.status)
    conditions = {
        "product": LoanProduct.code == f.product,
        "quality": b.c.quality.in_(NON_PERFORMING) if f.quality == "npl" else b.c.quality == f.quality,
        "par": b.c.dpd > (f.par or 0), "category": Member.category == f.category,
        "gender": Member.gender == f.gender,
        "bucket": bucket_condition(b.c.dpd, f.bucket) if f.bucket else None,
    }
    for name, condition in conditions.items():
        if getattr(f, name) is not None:
            query = query.where(condition)
    if f.disbursed:
        query = query.where(b.c.status.in_(BOOKED), in_period(b.c.disbursed_on))
    if f.written_off:
        query = query.where(b.c.status == WRITTEN_OFF, in_period(b.c.closed_on))
    if f.recovered:
        query = query.where(recovered.c.recovered.is_not(None))
    return query


class LoanPage(Pages):
    """One page of the loans behind a figure with the pager (the web kit's Pages): `rows`,
    `total` (loans matching) and `totals` of all of them (amount, outstanding, provision,
    written_off_amount, recovered, Decimal)."""

    def __init__(self, rows, total, totals, page, per_page):
        super().__init__(page, per_page, total)
        self.rows, self.totals, self.per_page = rows, totals, per_page


TOTAL_COLUMNS = ("amount", "outstanding", "provision", "written_off_amount", "recovered")


def loan_totals(scope, f):
    inner = _filtered(scope, f).subquery()
    row = db.session.execute(select(func.count(), *[
        func.coalesce(func.sum(inner.c[name]), 0) for name in TOTAL_COLUMNS])).one()
    return row[0], {name: from_sen(sen) for name, sen in zip(TOTAL_COLUMNS, row[1:])}


def _ordered(scope, f):
    query = _filtered(scope, f)
    c = query.selected_columns
    return query.order_by(c.coop_code, c.dpd.desc(), c.outstanding.desc(), c.id)


def loan_list(scope, f, page=1, per_page=50):
    """One page of the loans behind a figure, worst arrears first, with the count and totals
    of all of them: one statement (window sums over the whole list); a page past the end
    shows the last one."""
    query = _ordered(scope, f)
    c = query.selected_columns
    windowed = query.add_columns(func.count().over().label("_count"), *[
        func.sum(c[name]).over().label(f"_{name}") for name in TOTAL_COLUMNS])
    rows = db.session.execute(windowed.limit(per_page).offset((page - 1) * per_page)).all()
    if not rows:
        count, totals = loan_totals(scope, f)
        last = max(1, -(-count // per_page))
        if page <= last or not count:
            return LoanPage(rows=[], total=count, totals=totals, page=min(page, last), per_page=per_page)
        return loan_list(scope, f, last, per_page)
    first = rows[0]
    totals = {name: from_sen(first._mapping[f"_{name}"] or 0) for name in TOTAL_COLUMNS}
    return LoanPage(rows=rows, total=first._count, totals=totals, page=page, per_page=per_page)


def loan_rows(scope, f, batch=1000):
    """Every loan behind a figure, for the exports (read in batches, not all at once)."""
    result = db.session.execute(_ordered(scope, f).execution_options(yield_per=batch))
    yield from result


def money(sen):
    return from_sen(sen or 0)
