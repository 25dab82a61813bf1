"""The month-end page (routes on the savings blueprint, where the page has always been): a
manager starts the month-end of a month just ended (interest, profit sharing and the wadiah
bonus with the amounts typed here, then the registered steps: the loans' aging, provisions
and late charges) as a job (closing/jobs.py); the page follows its progress."""
from datetime import timedelta

from flask import abort, current_app, g, jsonify, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import READERS, has_role, require_role
from coop_app.auth.models import MANAGER
from coop_app.web import perform, status_of
from coop_app.web.fields import choices
from coop_app.closing import jobs
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
                                      for d in _ended_months(local_today(g.coop)))
    return form, products


def _render_month_end(form, products, status=200):
    job = jobs.latest(g.coop.id)
    return render_template("savings/month_end.html", form=form, products=products,
                           all_products=monthend.month_end_products(g.coop),
                           runs=monthend.runs(g.coop.id), job=job,
                           job_progress=jobs.progress(job) if job else None,
                           step_label=jobs.step_label,
                           last_month_end=_ended_months(local_today(g.coop), 1)[0]), status


@bp.route("/month-end", methods=["GET"])
@require_role(*READERS)
def month_end():
    form, products = _month_end_form() if has_role(MANAGER) else (None, [])
    return _render_month_end(form, products)


@bp.route("/month-end", methods=["POST"])
@require_role(MANAGER)
def run_month_end():
    form, products = _month_end_form()
    started = {}

    def start():
        amounts = {p.id: form[f"amount_{p.id}"].data for p, _d in products
                   if form[f"amount_{p.id}"].data is not None}
        started["amounts"] = amounts
        return jobs.start(g.coop, form.period_end.data, amounts, current_user.id)

    def summary(job):
        # Read before perform commits: after it, nothing in this request may touch the
        # session (on SQLite a POST's next transaction would hold the write lock the job needs).
        started["id"] = job.id
        return _("The month-end for %(month)s has started; this page follows its progress.",
                 month=format_date(form.period_end.data, "MMMM yyyy"))

    done = perform(form, start, url_for("savings.month_end"), summary)
    if done is None:
        return _render_month_end(form, products, status_of(form))
    locale = str(get_locale() or "id")
    if not current_app.config.get("MONTH_END_INLINE"):
        # What the rest of this request reads (its user, the cooperative: the log line, the
        # headers) is loaded now, before the thread starts: on SQLite this request's short
        # transaction then comes first and the job waits for it, not the other way round.
        _still_needed = (current_user.is_authenticated, current_user.id, g.coop.code)
    jobs.launch(started["id"], started["amounts"], locale)
    return done


@bp.route("/month-end/jobs/<int:job_id>", methods=["GET"])
@require_role(*READERS)
def month_end_job(job_id):
    """A job's progress as JSON (the page polls it while the job runs)."""
    job = jobs.find(g.coop.id, job_id)
    if job is None:
        abort(404)
    data = jobs.progress(job)
    data["current_step_label"] = str(jobs.step_label(job.current_step)) if job.current_step else None
    return jsonify(data)
