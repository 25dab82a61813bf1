"""The month-end started from the page runs as a job (closing/jobs.py): the POST records it
and returns, the steps run in a thread of the process (inline in these tests, as
MONTH_END_INLINE says, except where a test starts a real thread), the page and its JSON
show the progress, one job runs per cooperative, an interrupted one may be started again."""
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from coop_app.closing import jobs
from coop_app.closing.models import DONE, FAILED, RUNNING, MonthEndJob
from coop_app.cooperatives.models import utcnow
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.loans.models import LoanMonthEndRun
from coop_app.registry import MonthEndStep, registry
from coop_app.savings.models import SavingsAccount, SavingsMonthEndRun
from tests.savings.helpers import open_with
from tests.support.books import assert_books_clean
from tests.support.web import english

D = Decimal
LAST_MONTH_END = date(2026, 10, 31)  # before the frozen clock's day (tests/conftest.py)
PAGE = "/c/KSP-A/savings/month-end"


@pytest.fixture
def saver(app, savers):
    """Siti's sukarela account of 3.650.000 held through last month: 300 of interest a day."""
    with app.app_context():
        account = open_with(savers.ksp_id, savers.siti, "SS", "3650000",
                            LAST_MONTH_END.replace(day=1) - timedelta(days=1))
        db.session.commit()
        return account.id


def expected_interest():
    return D(300 * LAST_MONTH_END.day)


def all_jobs(app):
    with app.app_context():
        return db.session.execute(select(MonthEndJob).order_by(MonthEndJob.id)).scalars().all()


def start(client):
    return client.post(PAGE, data={"period_end": LAST_MONTH_END.isoformat()})


def test_starting_from_the_page_records_the_job_and_each_steps_summary(app, client, auth, savers, saver):
    auth.login("manager")
    english(client)
    response = start(client)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    [job] = all_jobs(app)
    assert (job.cooperative_id, job.period_end, job.started_by) == (
        savers.ksp_id, LAST_MONTH_END, savers.users["manager"])
    assert (job.status, job.steps_done, job.steps_total, job.current_step) == (DONE, 3, 3, None)
    assert job.finished_at is not None and job.finished_at >= job.started_at
    month = f"{LAST_MONTH_END:%B %Y}"
    assert job.results[:2] == [
        {"step": "savings", "ok": True,
         "summary": f"Month-end for {month}: 1 product(s) posted, 1 had nothing new to post."},
        {"step": "loans", "ok": True,
         "summary": f"Loan month-end for {month}: 0 loan(s), provisions Rp0 -> Rp0, late charges Rp0."},
    ]
    # The indicators' snapshot (indicators/snapshots.py; tests/indicators/test_snapshots.py).
    assert (job.results[2]["step"], job.results[2]["ok"]) == ("indicators", True)
    assert job.results[2]["summary"].startswith(f"Indicators for {month}: ")
    with app.app_context():  # the work itself was done, by the job
        assert db.session.get(SavingsAccount, saver).balance == D(3650000) + expected_interest()
        assert db.session.execute(select(LoanMonthEndRun.period_end)).scalars().all() == [LAST_MONTH_END]
    page = client.get(PAGE).get_data(as_text=True)
    assert '<progress id="month-end-progress" class="w-100" value="3" max="3">' in page
    assert 'data-job-status="done"' in page and "data-progress-url" not in page
    assert f"Savings: Month-end for {month}: 1 product(s) posted" in page
    assert f"Loans: Loan month-end for {month}: 0 loan(s)" in page
    assert f"flask coop month-end --date {LAST_MONTH_END.isoformat()} --cooperative KSP-A" in page


def test_progress_json_of_a_job(app, client, auth, savers, saver):
    auth.login("manager")
    start(client)
    [job] = all_jobs(app)
    data = client.get(f"{PAGE}/jobs/{job.id}").get_json()
    assert {k: data[k] for k in ("id", "period_end", "status", "steps_done", "steps_total", "current_step")} \
        == {"id": job.id, "period_end": LAST_MONTH_END.isoformat(), "status": "done", "steps_done": 3,
            "steps_total": 3, "current_step": None}
    assert [(r["step"], r["ok"]) for r in data["results"]] == [("savings", True), ("loans", True),
                                                               ("indicators", True)]
    # While it runs: the step it is on, and what is done so far.
    with app.app_context():
        db.session.execute(update(MonthEndJob).values(status=RUNNING, steps_done=1, current_step="loans",
                                                      heartbeat_at=utcnow()))
        db.session.commit()
    data = client.get(f"{PAGE}/jobs/{job.id}").get_json()
    assert (data["status"], data["steps_done"], data["current_step"], data["current_step_label"]) == (
        "running", 1, "loans", "Pinjaman")
    page = client.get(PAGE).get_data(as_text=True)
    assert f'data-progress-url="{PAGE}/jobs/{job.id}"' in page and "js/month_end.js" in page
    assert client.get("/static/js/month_end.js").status_code == 200  # served by the app
    assert client.get(f"{PAGE}/jobs/{job.id + 1}").status_code == 404
    assert client.get(f"{PAGE}/jobs/nope").status_code == 404


def test_a_second_start_while_one_runs_is_refused(app, client, auth, savers, saver):
    with app.app_context():
        db.session.add(MonthEndJob(cooperative_id=savers.ksp_id, period_end=LAST_MONTH_END,
                                   started_by=savers.users["manager2"], status=RUNNING, steps_total=2,
                                   heartbeat_at=utcnow() - timedelta(minutes=9)))
        db.session.commit()
    auth.login("manager")
    english(client)
    response = start(client)
    assert response.status_code == 422
    assert "A month-end of this cooperative is already running" in response.get_data(as_text=True)
    assert "started by Manager2" in response.get_data(as_text=True)
    assert [j.status for j in all_jobs(app)] == [RUNNING]
    with app.app_context():  # nothing was posted
        assert db.session.execute(select(func.count()).select_from(SavingsMonthEndRun)).scalar() == 0
        assert db.session.get(SavingsAccount, saver).balance == D(3650000)
    # Another cooperative's month-end is not held up.
    auth.logout()
    auth.login("other.manager")
    assert client.post("/c/KSP-B/savings/month-end",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 302
    assert [j.status for j in all_jobs(app)] == [RUNNING, DONE]


def test_the_database_allows_one_running_job_per_cooperative(ctx, world):
    from sqlalchemy.exc import IntegrityError
    for coop in (world.ksp_id, world.ksp_id):
        db.session.add(MonthEndJob(cooperative_id=coop, period_end=LAST_MONTH_END, status=RUNNING,
                                   steps_total=2))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add_all([MonthEndJob(cooperative_id=world.ksp_id, period_end=LAST_MONTH_END, status=status,
                                    steps_total=2) for status in (DONE, FAILED, DONE, RUNNING)])
    db.session.commit()


def test_an_interrupted_job_is_shown_so_and_may_be_started_again(app, client, auth, savers, saver):
    with app.app_context():  # a job whose process died during the loans step
        db.session.add(MonthEndJob(cooperative_id=savers.ksp_id, period_end=LAST_MONTH_END,
                                   started_by=savers.users["manager2"], status=RUNNING, steps_total=2,
                                   steps_done=1, current_step="loans",
                                   started_at=utcnow() - timedelta(minutes=40),
                                   heartbeat_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    auth.login("manager")
    english(client)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'data-job-status="interrupted"' in page and "stopped without finishing" in page
    assert "data-progress-url" not in page
    assert start(client).status_code == 302
    old, new = all_jobs(app)
    assert (old.status, old.message) == (FAILED, "interrupted: its process stopped before the job finished")
    assert (new.status, new.steps_done) == (DONE, 3)
    with app.app_context():
        assert db.session.get(SavingsAccount, saver).balance == D(3650000) + expected_interest()


def test_running_a_month_again_posts_nothing_new(app, client, auth, savers, saver):
    auth.login("manager")
    english(client)
    start(client)
    with app.app_context():
        counts = (db.session.execute(select(func.count()).select_from(JournalEntry)).scalar(),
                  db.session.execute(select(func.count()).select_from(JournalLine)).scalar())
    assert start(client).status_code == 302
    first, second = all_jobs(app)
    assert second.status == DONE
    month = f"{LAST_MONTH_END:%B %Y}"
    assert [r["summary"] for r in second.results] == [
        f"Month-end for {month}: 0 product(s) posted, 2 had nothing new to post.",
        f"The loan month-end for {month} was already run.",
        f"The indicators for {month} were already stored; nothing was replaced."]
    with app.app_context():
        assert (db.session.execute(select(func.count()).select_from(JournalEntry)).scalar(),
                db.session.execute(select(func.count()).select_from(JournalLine)).scalar()) == counts
        assert db.session.get(SavingsAccount, saver).balance == D(3650000) + expected_interest()
        assert_books_clean(savers.ksp_id)


def test_a_month_that_cannot_run_is_refused_before_a_job_is_recorded(app, client, auth, savers):
    from coop_app.cooperatives.models import Cooperative
    from coop_app.ledger import service as ledger
    with app.app_context():
        ledger.close_period(db.session.get(Cooperative, savers.ksp_id), LAST_MONTH_END,
                            today=LAST_MONTH_END + timedelta(days=1))
        db.session.commit()
    auth.login("manager")
    english(client)
    response = start(client)
    assert response.status_code == 422 and "The books are closed up to" in response.get_data(as_text=True)
    assert all_jobs(app) == []


def test_a_refused_step_fails_the_job_and_the_others_still_run(app, client, auth, savers, saver):
    earlier = LAST_MONTH_END.replace(day=1) - timedelta(days=1)
    with app.app_context():  # the loans ran for last month: an earlier month is refused to them
        from coop_app.loans.monthend import run_loan_month_end
        run_loan_month_end(savers.ksp_id, LAST_MONTH_END, None)
        db.session.commit()
    auth.login("manager")
    english(client)
    assert client.post(PAGE, data={"period_end": earlier.isoformat()}).status_code == 302
    [job] = all_jobs(app)
    assert (job.status, job.steps_done, job.message) == (FAILED, 3, "refused: loans")
    assert [(r["step"], r["ok"]) for r in job.results] == [("savings", True), ("loans", False),
                                                           ("indicators", True)]
    with app.app_context():  # the savings month-end went through: the account's one day, 300
        assert db.session.get(SavingsAccount, saver).balance == D(3650300)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'data-job-status="failed"' in page and 'class="text-danger">Loans: ' in page


def test_an_unexpected_error_stops_the_job_as_failed(app, client, auth, savers, saver):
    def broken(cooperative_id, period_end, user_id):
        raise RuntimeError("disk full")

    with app.app_context():
        registry().month_end_steps.append(MonthEndStep("broken", broken, str, str))
    try:
        auth.login("manager")
        english(client)
        assert start(client).status_code == 302
    finally:
        with app.app_context():
            registry().month_end_steps.pop()
    [job] = all_jobs(app)
    assert (job.status, job.steps_total, job.steps_done, job.message) == (FAILED, 4, 3, "broken: unexpected error")
    assert job.results[-1]["step"] == "broken" and "unexpected error" in job.results[-1]["summary"]
    with app.app_context():  # the steps before it stay posted
        assert db.session.get(SavingsAccount, saver).balance == D(3650000) + expected_interest()
    # Nothing is left running: the month may be started again at once.
    assert start(client).status_code == 302
    assert [j.status for j in all_jobs(app)] == [FAILED, DONE]


def test_only_a_manager_starts_a_month_end_and_readers_see_it(app, client, auth, savers, saver):
    data = {"period_end": LAST_MONTH_END.isoformat()}
    for user in ("treasurer", "auditor.all"):
        auth.login(user)
        assert client.post(PAGE, data=data).status_code == 403
        auth.logout()
    assert all_jobs(app) == []
    auth.login("manager")
    start(client)
    [job] = all_jobs(app)
    auth.logout()
    for user in ("treasurer", "auditor.all", "auditor.jabar"):
        auth.login(user)
        english(client)
        page = client.get(PAGE)
        assert page.status_code == 200 and 'data-job-status="done"' in page.get_data(as_text=True)
        assert 'name="period_end"' not in page.get_data(as_text=True)
        assert client.get(f"{PAGE}/jobs/{job.id}").get_json()["status"] == "done"
        auth.logout()
    auth.login("member")
    assert client.get(f"{PAGE}/jobs/{job.id}").status_code == 403
    auth.logout()
    for user in ("other.manager", "auditor.ntb"):  # another cooperative's, another province's
        auth.login(user)
        assert client.get(f"{PAGE}/jobs/{job.id}").status_code == 404
        auth.logout()
    auth.login("other.manager")
    assert client.get(f"/c/KSP-B/savings/month-end/jobs/{job.id}").status_code == 404
    assert client.post(PAGE, data=data).status_code == 404


def test_the_job_runs_in_a_thread_with_its_own_session(make_app, savers, saver):
    app = make_app(MONTH_END_INLINE=False)
    client = app.test_client()
    client.post("/login", data={"username": "manager", "password": "rahasia-123"})
    response = start(client)
    assert response.status_code == 302  # answered before or while the job runs
    with app.app_context():
        job_id = db.session.execute(select(MonthEndJob.id)).scalar_one()
    deadline = time.monotonic() + 60
    while client.get(f"{PAGE}/jobs/{job_id}").get_json()["status"] == "running":
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)
    assert client.get(f"{PAGE}/jobs/{job_id}").get_json()["status"] == "done"
    with app.app_context():
        assert db.session.get(SavingsAccount, saver).balance == D(3650000) + expected_interest()


def test_a_job_is_interrupted_only_after_ten_minutes_without_heartbeat():
    now = utcnow()
    job = MonthEndJob(status=RUNNING, heartbeat_at=now - timedelta(minutes=9, seconds=59))
    assert not jobs.is_interrupted(job, now)
    job.heartbeat_at = now - timedelta(minutes=10, seconds=1)
    assert jobs.is_interrupted(job, now)
    job.status = DONE
    assert not jobs.is_interrupted(job, now)
