"""A month-end started from the page runs as a job (closing/jobs.py); its row is what every
worker of every process reads to show the job's progress and refuse a second start."""
from sqlalchemy import text

from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db

RUNNING, DONE, FAILED = "running", "done", "failed"
JOB_STATUSES = (RUNNING, DONE, FAILED)


class MonthEndJob(db.Model):
    """One month-end of one cooperative started from the page: its steps (the savings
    month-end, then every registered step) run in a background thread, each committing its
    own work; this row follows them. A running row whose heartbeat stopped belongs to a
    process that died: it is shown as interrupted and a new start supersedes it."""

    __tablename__ = "month_end_jobs"

    id = db.Column(db.Integer, primary_key=True)
    cooperative_id = db.Column(db.Integer, db.ForeignKey("cooperatives.id"), nullable=False)
    period_end = db.Column(db.Date, nullable=False)
    started_by = db.Column(db.Integer, db.ForeignKey("users.id"))
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    heartbeat_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    finished_at = db.Column(db.DateTime)
    status = db.Column(db.String(10), nullable=False, default=RUNNING)
    steps_done = db.Column(db.Integer, nullable=False, default=0)
    steps_total = db.Column(db.Integer, nullable=False)
    current_step = db.Column(db.String(40))
    message = db.Column(db.String(500))
    # [{"step": name, "ok": bool, "summary": text in the starter's language}, ...]
    results = db.Column(db.JSON)

    starter = db.relationship("User", lazy="joined")

    __table_args__ = (
        db.CheckConstraint("status in ('running', 'done', 'failed')", name="status"),
        # At most one running job per cooperative, whichever process tries to start one.
        db.Index("uq_month_end_jobs_running", "cooperative_id", unique=True,
                 postgresql_where=text("status = 'running'"), sqlite_where=text("status = 'running'")),
        db.Index("ix_month_end_jobs_coop_started", "cooperative_id", "started_at"),
    )
