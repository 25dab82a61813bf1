"""The month-end page (routes on the savings blueprint, where the page has always been): a
manager runs interest, profit sharing and the wadiah bonus for a month just ended, then the
registered month-end steps (the loans' aging, provisions and late charges)."""
from datetime import date, timedelta

from flask import flash, g, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.auth.access import READERS, has_role, require_role
from coop_app.auth.models import MANAGER
from coop_app.web import perform, status_of
from coop_app.web.fields import choices
from coop_app.closing.monthend import run_steps
from coop_app.savings import monthend
from coop_app.savings.forms import month_end_form
from coop_app.savings.views import bp


def _ended_months(today, count=12):
    ends, day = [], today.replace(day=1) - timedelta(days=1)
    for _month in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends


def _month_end_form():
    products = [(p, d) for p, d in monthend.month_end_products(g.coop)
                if d != monthend.INTEREST]
    form = month_end_form(products)
    form.period_end.choices = choices((d.isoformat(), format_date(d, "MMMM yyyy"))
                                      for d in _ended_months(date.today()))
    return form, products


def _render_month_end(form, products, status=200):
    return render_template("savings/month_end.html", form=form, products=products,
                           all_products=monthend.month_end_products(g.coop),
                           runs=monthend.runs(g.coop.id)), status


def _run_steps(period_end):
    """The other month-end steps follow, each in its own transaction."""
    for outcome in run_steps(g.coop.id, period_end, current_user.id):
        flash(str(outcome.summary()), "success" if outcome.ok else "danger")


@bp.route("/month-end", methods=["GET"])
@require_role(*READERS)
def month_end():
    form, products = _month_end_form() if has_role(MANAGER) else (None, [])
    return _render_month_end(form, products)


@bp.route("/month-end", methods=["POST"])
@require_role(MANAGER)
def run_month_end():
    form, products = _month_end_form()

    def run():
        amounts = {p.id: form[f"amount_{p.id}"].data for p, _d in products
                   if form[f"amount_{p.id}"].data is not None}
        return monthend.run_month_end(g.coop, form.period_end.data, amounts, run_by=current_user.id)

    def summary(results):
        posted = [r for r in results if r.status == monthend.POSTED]
        return _("Month-end for %(month)s: %(posted)s product(s) posted, %(skipped)s had nothing "
                 "new to post.", month=format_date(form.period_end.data, "MMMM yyyy"),
                 posted=len(posted), skipped=len(results) - len(posted))

    done = perform(form, run, url_for("savings.month_end"), summary)
    if done is None:
        return _render_month_end(form, products, status_of(form))
    _run_steps(form.period_end.data)  # once the savings month-end is committed
    return done
