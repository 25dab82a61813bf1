"""The home pages' task lists, read-only: what is waiting for a treasurer, a manager or an
auditor in one cooperative, where each auditor's cooperatives stand, and what the
administrator has to set up. Every count is the count of the list its line links to (the
same select, from the package's queries), so a line never promises rows the list lacks.

"Today" is the cooperative's own date (cooperatives/clock.local_today).
"""
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from coop_app.auth.models import AUDITOR, MANAGER, TREASURER
from coop_app.auth.queries import cooperatives_without_users_query, users_without_roles_query
from coop_app.closing import status
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.loans import queries as loan_queries
from coop_app.loans.models import ACTIVE, APPLIED, APPROVED, Loan, LoanInstallment
from coop_app.money import format_money
from coop_app.savings.arrears import arrears_list


@dataclass
class Task:
    """One line of a task list: how many, what, and the page where the work is done."""
    key: str
    count: int
    text: str
    url: str
    detail: str = ""
    urgent: bool = False
    extra: dict = field(default_factory=dict)


def count_of(query):
    return db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar()


# Which lines each role sees in a cooperative.
LINES = {
    "applications": (MANAGER, TREASURER),
    "approved": (MANAGER, TREASURER),
    "due_week": (MANAGER, TREASURER),
    "arrears": (MANAGER, TREASURER, AUDITOR),
    "wajib": (MANAGER, TREASURER, AUDITOR),
    "month_end": (MANAGER, AUDITOR),
    "to_close": (MANAGER, AUDITOR),
}


def coop_tasks(cooperative, roles, today):
    """The task lines of a cooperative's home for a user with `roles` there, on `today`."""
    wanted = {key for key, allowed in LINES.items() if set(roles) & set(allowed)}
    builders = {"applications": _applications, "approved": _approved, "due_week": _due_week,
                "arrears": _arrears, "wajib": _wajib, "month_end": _month_end,
                "to_close": _to_close}
    return [builders[key](cooperative, today) for key in LINES if key in wanted]


def _loans(cooperative, **filters):
    return count_of(loan_queries.loan_list(cooperative.id, **filters))


def _applications(cooperative, today):
    n = _loans(cooperative, status=APPLIED)
    return Task("applications", n,
                ngettext("%(num)d financing application waiting for a decision",
                         "%(num)d financing applications waiting for a decision", n)
                if cooperative.is_sharia else
                ngettext("%(num)d application waiting for a decision",
                         "%(num)d applications waiting for a decision", n),
                url_for("loans.index", coop_code=cooperative.code, status=APPLIED),
                _("A manager approves or rejects each on its page."))


def _approved(cooperative, today):
    n = _loans(cooperative, status=APPROVED)
    return Task("approved", n,
                ngettext("%(num)d approved financing waiting to be paid out",
                         "%(num)d approved financings waiting to be paid out", n)
                if cooperative.is_sharia else
                ngettext("%(num)d approved loan waiting to be paid out",
                         "%(num)d approved loans waiting to be paid out", n),
                url_for("loans.index", coop_code=cooperative.code, status=APPROVED),
                _("Disburse each from its page."))


def _due_week(cooperative, today):
    n = _loans(cooperative, due=loan_queries.DUE_WEEK, today=today)
    _first, last = loan_queries.due_window(loan_queries.DUE_WEEK, today)
    return Task("due_week", n,
                (ngettext("%(num)d financing with an instalment due by %(date)s",
                          "%(num)d financings with an instalment due by %(date)s", n,
                          date=format_date(last, "d MMM")) if cooperative.is_sharia else
                 ngettext("%(num)d loan with an instalment due by %(date)s",
                          "%(num)d loans with an instalment due by %(date)s", n,
                          date=format_date(last, "d MMM"))),
                url_for("loans.index", coop_code=cooperative.code, due=loan_queries.DUE_WEEK),
                _("Remind the members; record each payment from its page."))


def _arrears(cooperative, today):
    n = _loans(cooperative, due=loan_queries.DUE_OVERDUE, today=today)
    return Task("arrears", n,
                ngettext("%(num)d financing in arrears", "%(num)d financings in arrears", n)
                if cooperative.is_sharia else
                ngettext("%(num)d loan in arrears", "%(num)d loans in arrears", n),
                url_for("loans.index", coop_code=cooperative.code, due=loan_queries.DUE_OVERDUE),
                _("An instalment is unpaid past its due date."), urgent=n > 0)


def _wajib(cooperative, today):
    _rows, n, total = arrears_list(cooperative.id, today, page=1, per_page=1)
    return Task("wajib", n,
                ngettext("%(num)d member behind with simpanan wajib",
                         "%(num)d members behind with simpanan wajib", n),
                url_for("savings.arrears", coop_code=cooperative.code, as_of=today.isoformat()),
                _("%(total)s in all; collect it from the list.", total=_rupiah(total)) if n else "",
                extra={"total": total})


def _month_end(cooperative, today):
    period_end = status.last_month_end(today)
    missing = not status.month_end_done(cooperative.id, period_end) and (
        cooperative.founded_on is None or cooperative.founded_on <= period_end)
    month = format_date(period_end, "MMMM yyyy")
    return Task("month_end", int(missing),
                _("The month-end of %(month)s has not run", month=month) if missing
                else _("The month-end of %(month)s has run", month=month),
                url_for("savings.month_end", coop_code=cooperative.code),
                _("A manager runs it: interest, profit sharing, the loans' classes and provisions.")
                if missing else "", urgent=missing, extra={"period_end": period_end})


def _to_close(cooperative, today):
    n, first = status.months_to_close(cooperative, today)
    return Task("to_close", n,
                ngettext("%(num)d ended month not closed in the books",
                         "%(num)d ended months not closed in the books", n),
                url_for("ledger.periods", coop_code=cooperative.code),
                _("From %(month)s on; close them in order once the month-end has run.",
                  month=format_date(first, "MMMM yyyy")) if first else "",
                extra={"first": first})


def _rupiah(amount):
    return format_money(amount, str(get_locale()))


# -- an auditor's cooperatives ---------------------------------------------------------------

@dataclass
class Standing:
    """Where one cooperative of an auditor's region stands today."""
    loans_in_arrears: int
    month_end_missing: bool
    last_month_end: date


def standings(cooperatives):
    """{cooperative id: Standing} for these cooperatives, in two grouped queries."""
    ids = [c.id for c in cooperatives] or [-1]
    li = LoanInstallment
    today = status.local_today_column()
    overdue = exists().where(li.loan_id == Loan.id, li.superseded.is_(False), li.paid_on.is_(None),
                             li.due_date < today)
    arrears = dict(db.session.execute(
        select(Loan.cooperative_id, func.count(Loan.id))
        .join(Cooperative, Cooperative.id == Loan.cooperative_id)
        .where(Loan.cooperative_id.in_(ids), Loan.status == ACTIVE, overdue)
        .group_by(Loan.cooperative_id)).all())
    behind = set(db.session.execute(select(Cooperative.id).where(
        Cooperative.id.in_(ids), status.month_end_behind_condition())).scalars())
    return {c.id: Standing(arrears.get(c.id, 0), c.id in behind,
                           status.last_month_end(status.local_today_in(c.time_zone)))
            for c in cooperatives}


# -- the administrator -----------------------------------------------------------------------

def admin_tasks():
    """What the administrator has to do: cooperatives nobody can work in, users who can log
    in to nothing, cooperatives whose month-end is behind."""
    staffless = count_of(cooperatives_without_users_query())
    roleless = count_of(users_without_roles_query())
    behind = count_of(status.cooperatives_behind_query())
    return [
        Task("staffless", staffless,
             ngettext("%(num)d cooperative without a treasurer or manager",
                      "%(num)d cooperatives without a treasurer or manager", staffless),
             url_for("admin.cooperatives", need="staff"),
             _("Create a user for it (Users, New user) and grant the role in that cooperative."),
             urgent=staffless > 0),
        Task("roleless", roleless,
             ngettext("%(num)d user without any role", "%(num)d users without any role", roleless),
             url_for("admin.users", need="roles"),
             _("They can log in but see nothing: open each and grant a role.")),
        Task("behind", behind,
             ngettext("%(num)d cooperative whose month-end for last month has not run",
                      "%(num)d cooperatives whose month-end for last month has not run", behind),
             url_for("admin.cooperatives", need="month_end"),
             _("Tell their managers: the Month-end page, under Savings.")),
    ]
