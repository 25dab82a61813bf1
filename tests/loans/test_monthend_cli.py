"""The loans' month-end runs with the savings one: `flask coop month-end` and the page."""
from datetime import date

from sqlalchemy import select

from coop_app.extensions import db
from coop_app.loans.models import Loan, LoanMonthEndRun
from tests.loans.test_monthend import book  # noqa: F401
from tests.support.web import english

LAST_MONTH_END = date(2026, 10, 31)  # before the frozen clock's day (tests/conftest.py)


def test_the_month_end_command_runs_the_loans_too(book, runner):
    w, ids = book
    result = runner.invoke(args=["coop", "month-end", "--date", "2025-06-15", "--cooperative", "KSP-A"])
    assert result.exit_code == 0, result.output
    assert "KSP-A loans: 5 loan(s), provisions Rp0 -> Rp18,220,000, late charges Rp540,960, entry #" \
        in result.output
    db.session.expire_all()
    assert db.session.get(Loan, ids["macet"]).quality == "macet"
    again = runner.invoke(args=["coop", "month-end", "--date", "2025-06-30"])
    assert again.exit_code == 0, again.output
    assert "KSP-A loans: already run" in again.output
    assert "KSP-B loans: 0 loan(s), provisions Rp0 -> Rp0, late charges Rp0\n" in again.output
    later = runner.invoke(args=["coop", "month-end", "--date", "2025-05-31", "--cooperative", "KSP-A"])
    assert later.exit_code == 1 and "KSP-A loans: FAILED: " in later.output


def test_the_savings_month_end_page_runs_the_loans_too(app, client, auth, world):
    auth.login("manager")
    english(client)
    response = client.post("/c/KSP-A/savings/month-end", data={"period_end": LAST_MONTH_END.isoformat()},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Loan month-end for " in response.get_data(as_text=True)
    with app.app_context():
        runs = db.session.execute(select(LoanMonthEndRun.cooperative_id, LoanMonthEndRun.period_end)).all()
    assert runs == [(world.ksp_id, LAST_MONTH_END)]
    again = client.post("/c/KSP-A/savings/month-end", data={"period_end": LAST_MONTH_END.isoformat()},
                        follow_redirects=True)
    assert "was already run" in again.get_data(as_text=True)
