"""The month-end started from the page, as a job: the request records a MonthEndJob and
returns at once; a background thread of the same process runs the steps (the savings
month-end, then each registered step) with its own app context and session, each step in
its own transaction, writing its progress to the job's row after each one. A large
cooperative's month-end so outlives the worker's request timeout.

One job runs per cooperative at a time (a partial unique index). A job whose heartbeat
stopped (its process died) is shown as interrupted, and a new start supersedes it: every
step posts only what is not posted yet, so running a month again is safe. With
MONTH_END_INLINE (the tests) the job runs within the request.
"""
import threading
from datetime import timedelta

from flask import current_app, g
from flask_babel import force_locale, format_date, lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from coop_app.closing.models import DONE, FAILED, RUNNING, MonthEndJob
from coop_app.closing.monthend import run_step
from coop_app.cooperatives.models import Cooperative, utcnow
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.posting import refresh_journal_statistics
from coop_app.registry import registry
from coop_app.savings import monthend as savings_monthend

# A step writes its heartbeat when it starts and when it ends; no step of a live job has
# taken near this long (the loan month-end of 100,000 loans: well under a minute).
STALE_AFTER = timedelta(minutes=10)
SAVINGS = "savings"
STEP_LABELS = {SAVINGS: _l("Savings"), "loans": _l("Loans"), "indicators": _l("Indicators")}


class MonthEndBusy(DomainError):
    """A month-end of this cooperative is running."""


def step_names():
    return [SAVINGS] + [step.name for step in registry().month_end_steps]


def step_label(name):
    return STEP_LABELS.get(name, name)


def is_interrupted(job, now=None):
    """A running job whose process stopped writing its heartbeat."""
    return job.status == RUNNING and job.heartbeat_at < (now or utcnow()) - STALE_AFTER


def latest(cooperative_id):
    return db.session.execute(
        select(MonthEndJob).where(MonthEndJob.cooperative_id == cooperative_id)
        .order_by(MonthEndJob.started_at.desc(), MonthEndJob.id.desc()).limit(1)).scalar_one_or_none()


def find(cooperative_id, job_id):
    """The job, if it is this cooperative's."""
    return db.session.execute(select(MonthEndJob).where(
        MonthEndJob.id == job_id, MonthEndJob.cooperative_id == cooperative_id)).scalar_one_or_none()


def progress(job, now=None):
    """What the page and its JSON show of a job."""
    return {
        "id": job.id, "period_end": job.period_end.isoformat(),
        "status": "interrupted" if is_interrupted(job, now) else job.status,
        "steps_done": job.steps_done, "steps_total": job.steps_total,
        "current_step": job.current_step, "message": job.message,
        "started_at": job.started_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "results": job.results or [],
    }


# -- starting --------------------------------------------------------------------------------

def start(cooperative, period_end, amounts, started_by, now=None):
    """Record a month-end job of `cooperative` for the month of `period_end`, refusing a month
    that cannot run (the savings month-end's own checks) and a second job while one runs.
    The caller commits, then launch()es it."""
    savings_monthend.check_month_end(cooperative, period_end, amounts)
    now = now or utcnow()
    _supersede_interrupted(cooperative.id, now)
    running = db.session.execute(select(MonthEndJob).where(
        MonthEndJob.cooperative_id == cooperative.id, MonthEndJob.status == RUNNING)).scalar_one_or_none()
    if running is not None:
        raise _busy(running)
    job = MonthEndJob(cooperative_id=cooperative.id, period_end=savings_monthend.month_bounds(period_end)[1],
                      started_by=started_by, started_at=now, heartbeat_at=now, status=RUNNING,
                      steps_done=0, steps_total=len(step_names()), results=[])
    try:
        with db.session.begin_nested():  # another process started one meanwhile
            db.session.add(job)
    except IntegrityError:
        raise MonthEndBusy(_l("A month-end of this cooperative is already running; wait for it "
                              "to finish.")) from None
    return job


def _busy(job):
    who = job.starter.full_name if job.starter else "-"
    return MonthEndBusy(_l("A month-end of this cooperative is already running (%(month)s, started "
                           "by %(who)s); wait for it to finish.",
                           month=format_date(job.period_end, "MMMM yyyy"), who=who))


def _supersede_interrupted(cooperative_id, now):
    """A running job without a heartbeat for STALE_AFTER died with its process: it failed."""
    db.session.execute(update(MonthEndJob).where(
        MonthEndJob.cooperative_id == cooperative_id, MonthEndJob.status == RUNNING,
        MonthEndJob.heartbeat_at < now - STALE_AFTER).values(
        status=FAILED, finished_at=now, current_step=None,
        message="interrupted: its process stopped before the job finished"),
        execution_options={"synchronize_session": False})


def launch(job_id, amounts, locale):
    """Run the committed job: in a thread of this process, or now (MONTH_END_INLINE)."""
    app = current_app._get_current_object()
    if app.config.get("MONTH_END_INLINE"):
        _run_in_own_context(app, job_id, amounts, locale)
        return
    threading.Thread(target=_run_in_own_context, args=(app, job_id, amounts, locale),
                     name=f"month-end-{job_id}", daemon=True).start()


def _run_in_own_context(app, job_id, amounts, locale):
    # A new app context has its own session (Flask-SQLAlchemy scopes sessions by context).
    with app.app_context():
        g.actor_id = None  # g must hold something before force_locale can use it
        try:
            with force_locale(locale or "id"):
                run_job(job_id, amounts)
        finally:
            db.session.remove()


# -- running ---------------------------------------------------------------------------------

def run_job(job_id, amounts=None):
    """Run every step of the job in turn, each committing its own work, and the job's row
    after each. A refused step is recorded and the others still run; an unexpected error
    stops the job as failed (logged; the steps before it stay posted)."""
    job = db.session.get(MonthEndJob, job_id)
    g.actor_id = job.started_by
    coop_id, period_end, user_id = job.cooperative_id, job.period_end, job.started_by
    steps = [(SAVINGS, None)] + [(step.name, step) for step in registry().month_end_steps]
    results = []
    for done, (name, step) in enumerate(steps):
        _record(job_id, current_step=name, steps_done=done)
        try:
            ok, summary = (_savings_step(coop_id, period_end, amounts or {}, user_id) if step is None
                           else _registered_step(step, coop_id, period_end, user_id))
        except Exception:
            db.session.rollback()
            current_app.logger.exception("month-end job %s: step %s failed", job_id, name)
            results.append({"step": name, "ok": False, "summary": str(_l(
                "Stopped by an unexpected error (recorded in the server's log). The steps before "
                "it stay posted; start the month-end again."))})
            _record(job_id, status=FAILED, steps_done=done, results=results, finished_at=utcnow(),
                    current_step=None, message=f"{name}: unexpected error")
            return
        results.append({"step": name, "ok": ok, "summary": summary})
        _record(job_id, steps_done=done + 1, results=list(results))
    refresh_journal_statistics()
    refused = [r["step"] for r in results if not r["ok"]]
    _record(job_id, status=FAILED if refused else DONE, finished_at=utcnow(), current_step=None,
            message=f"refused: {', '.join(refused)}" if refused else None)


def _record(job_id, **values):
    """The job's progress and heartbeat, committed (a plain UPDATE: progress is not audited)."""
    db.session.execute(update(MonthEndJob).where(MonthEndJob.id == job_id)
                       .values(heartbeat_at=utcnow(), **values),
                       execution_options={"synchronize_session": False})
    db.session.commit()


def _savings_step(cooperative_id, period_end, amounts, user_id):
    cooperative = db.session.get(Cooperative, cooperative_id)
    try:
        results = savings_monthend.run_month_end(cooperative, period_end, amounts, run_by=user_id)
    except DomainError as error:
        db.session.rollback()
        return False, str(error)
    summary = savings_summary(period_end, results)
    db.session.commit()
    return True, summary


def savings_summary(period_end, results):
    posted = [r for r in results if r.status == savings_monthend.POSTED]
    return str(_l("Month-end for %(month)s: %(posted)s product(s) posted, %(skipped)s had nothing "
                  "new to post.", month=format_date(period_end, "MMMM yyyy"),
                  posted=len(posted), skipped=len(results) - len(posted)))


def _registered_step(step, cooperative_id, period_end, user_id):
    outcome = run_step(step, cooperative_id, period_end, user_id)
    return outcome.ok, str(outcome.summary())
