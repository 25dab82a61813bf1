"""The month-end of a cooperative across its products: the savings month-end (interest,
profit sharing, wadiah bonus: savings/monthend.py, with the amounts a manager types) and
then every step in the registry's month_end_steps (the loans' aging, provisions and late
charges), each in its own transaction, so one refused step leaves the others posted.

The page (closing/views.py, as a job: closing/jobs.py) and `flask coop month-end`
(cli/closing.py) both run it here.
"""
from dataclasses import dataclass

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.posting import refresh_journal_statistics
from coop_app.registry import registry


@dataclass
class StepOutcome:
    step: object  # registry.MonthEndStep
    result: object = None
    error: DomainError | None = None

    @property
    def ok(self):
        return self.error is None

    def summary(self):
        return self.step.summary(self.result) if self.ok else self.error

    def report(self):
        return self.step.report(self.result) if self.ok else str(self.error)


def run_step(step, cooperative_id, period_end, user_id=None):
    """Run one registered step in its own transaction: committed when it went through,
    rolled back when it was refused."""
    try:
        result = step.run(cooperative_id, period_end, user_id)
    except DomainError as error:
        db.session.rollback()
        return StepOutcome(step, error=error)
    db.session.commit()
    return StepOutcome(step, result)


def run_steps(cooperative_id, period_end, user_id=None):
    """Run the registered month-end steps after the savings month-end, committing each step
    that went through and rolling back one that was refused. A batch job: the one place
    outside a face that commits. The journal's statistics are refreshed once the batch
    postings of the month-end (this cooperative's or, from the command, the ones before)
    reached ledger.posting.BULK_LINES lines."""
    outcomes = [run_step(step, cooperative_id, period_end, user_id)
                for step in registry().month_end_steps]
    refresh_journal_statistics()
    return outcomes
