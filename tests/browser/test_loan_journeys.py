"""Loans in a real browser: a treasurer applies for a member, a manager who did not enter
the application approves it (the one who did is refused), the treasurer disburses in cash
and takes a repayment, and the journal shows both; an auditor drills from PAR30 to an
overdue loan and opens the PDF audit report; a member reads her schedule and next due.

The pages are read in the default language (Indonesian). Most loan texts have no Indonesian
translation yet, so the tests go by the pages' ids and data attributes and by amounts, which
read the Indonesian way (Rp12.000.000) whatever the state of the translation."""
from datetime import date, timedelta

from coop_app.extensions import db
from tests.browser.conftest import follow, login
from tests.loans.factory import active_loan, add_member, fund
from tests.support.books import loan_product

LOANS = "/c/KSP-A/loans"


def _borrowers(server, *names, user=None):
    """Members of KSP-A (the first one linked to `user`) and money in the till; their ids."""
    with server.app.app_context():
        coop_id = server.world.ksp_id
        fund(coop_id, "100000000", on=date.today() - timedelta(days=365))
        ids = [add_member(coop_id, f"2022.{n:05d}", name,
                          user_id=server.world.user_id(user) if user and n == 1 else None).id
               for n, name in enumerate(names, start=1)]
        db.session.commit()
        return ids


def _loan(server, member_id, amount, term, disbursed_on):
    """An active PUF loan (flat 12% a year, 1% fee) made through the service; (id, number)."""
    with server.app.app_context():
        world = server.world
        loan = active_loan(world.ksp_id, member_id, "PUF", amount, term, world.user_id("treasurer"),
                           world.user_id("manager"), disbursed_on)
        db.session.commit()
        return loan.id, loan.number


def _switch(page, username):
    page.context.clear_cookies()
    login(page, username)


def _apply(page, server, member_id, amount, term, purpose):
    """Find the member, fill in the application for a PUF loan, preview it, record it."""
    with server.app.app_context():
        puf = loan_product(server.world.ksp_id, "PUF").id
    page.goto(page.base + LOANS + "/apply")
    page.fill("#q", "Siti")
    follow(page.locator("main button[type=submit]"))
    follow(page.locator(f"#members-found [data-member='{member_id}'] a"))
    assert "Siti Rahayu" in page.locator("#apply-member").inner_text()
    page.select_option("#product", str(puf))
    page.fill("#amount", amount)
    page.fill("#term", str(term))
    page.select_option("#purpose_kind", "working_capital")
    page.fill("#purpose", purpose)
    follow(page.locator("#preview-button"))
    assert page.locator("#preview-schedule tbody tr").count() == term
    follow(page.locator("main form button[type=submit]:not(#preview-button)"))
    assert _status(page) == "applied" and page.locator(".alert-success").count() == 1
    return page.url


def _status(page):
    return page.locator("h1 [data-status]").get_attribute("data-status")


def _act(page, action):
    """Open an action from the loan's page (approve, disburse, repay ...)."""
    follow(page.locator(f"#loan-actions a[href$='/{action}']"))


def test_application_approval_disbursement_and_repayment(page, live_server):
    (siti,) = _borrowers(live_server, "Siti Rahayu")
    login(page, "treasurer")
    loan_url = _apply(page, live_server, siti, "12.000.000", 12, "Tambah stok warung sembako")
    number = page.locator("h1").inner_text().split()[1]
    # Before the decision the page shows the schedule as if disbursed today: 1.000.000 + 1% interest.
    assert page.locator("#schedule tbody tr").count() == 12
    assert "Rp1.120.000" in page.locator("#schedule tbody tr").first.inner_text()
    assert page.locator("#loan-actions a[href$='/approve']").count() == 0  # a treasurer does not decide

    _switch(page, "manager")
    page.goto(loan_url)
    _act(page, "approve")
    page.fill("#reason", "Usaha lancar, survei lapangan baik")
    follow(page.locator("#action-form button[type=submit]"))
    assert page.url == loan_url and _status(page) == "approved"
    assert "Usaha lancar" in page.locator("#loan-decision").inner_text()

    _switch(page, "treasurer")
    page.goto(loan_url)
    _act(page, "disburse")
    assert "Rp11.880.000" in page.locator("#disburse-net").inner_text()  # less the 1% fee
    page.select_option("#to", "cash")
    follow(page.locator("#action-form button[type=submit]"))
    assert _status(page) == "active"
    assert page.locator("#loan-outstanding").inner_text() == "Rp12.000.000"
    rows = page.locator("#schedule tbody tr")
    assert rows.count() == 12
    assert "table-warning" in rows.first.get_attribute("class")  # the next instalment
    assert "Rp1.120.000" in page.locator("#loan-next-due").inner_text()

    _act(page, "repay")
    page.fill("#amount", "1.120.000")
    page.select_option("#source", "cash")
    follow(page.locator("#action-form button[type=submit]"))
    assert page.locator("#receipt-ready").is_visible()
    payments = page.locator("#loan-payments tbody tr[data-payment]")
    assert payments.count() == 1
    paid = payments.first.inner_text()
    assert "Rp1.120.000" in paid and "Rp120.000" in paid and "Rp1.000.000" in paid
    assert page.locator("#loan-outstanding").inner_text() == "Rp11.000.000"
    assert "Rp1.120.000" in page.locator("#schedule tbody tr[data-n='1']").inner_text()

    # The loan's entries, and the same entries in the cooperative's journal.
    entries = page.locator("#loan-entries tbody tr[data-entry]")
    assert [entries.nth(i).locator("td").nth(2).inner_text() for i in range(entries.count())] == [
        "Pencairan pinjaman", "Angsuran pinjaman"]
    ids = [entries.nth(i).get_attribute("data-entry") for i in range(2)]
    page.goto(page.base + "/c/KSP-A/ledger/journal")
    disbursement = page.locator(f"#journal tr[data-entry='{ids[0]}']").inner_text()
    repayment = page.locator(f"#journal tr[data-entry='{ids[1]}']").inner_text()
    assert f"Pencairan pinjaman {number}" in disbursement and "Rp12.000.000" in disbursement
    assert f"Angsuran pinjaman {number}" in repayment and "Rp1.120.000" in repayment


def test_the_manager_who_applied_cannot_approve(page, live_server):
    page.allow_http_errors = True  # the refusal is answered with 422
    (siti,) = _borrowers(live_server, "Siti Rahayu")
    login(page, "manager")
    loan_url = _apply(page, live_server, siti, "3.000.000", 6, "Beli mesin jahit")
    _act(page, "approve")
    follow(page.locator("#action-form button[type=submit]"))
    assert "maker-checker" in page.locator(".alert-danger").inner_text()
    page.goto(loan_url)
    assert _status(page) == "applied"

    _switch(page, "manager2")
    page.goto(loan_url)
    _act(page, "approve")
    follow(page.locator("#action-form button[type=submit]"))
    assert _status(page) == "approved"


def test_auditor_drills_from_par30_to_the_overdue_loan_and_opens_the_report(page, live_server):
    siti, budi = _borrowers(live_server, "Siti Rahayu", "Budi Santoso")
    late_id, late = _loan(live_server, siti, "6000000", 12, date.today() - timedelta(days=100))
    _current_id, current = _loan(live_server, budi, "3000000", 6, date.today())

    login(page, "auditor.indramayu")
    page.goto(page.base + "/portfolio/")
    assert page.locator("#cooperatives tr[data-coop='KSP-A']").count() == 1
    par30 = page.locator("#fig-par30")
    assert par30.locator("a[data-figure='par30-count']").inner_text() == "1"
    follow(par30.locator("a[data-figure='par30']"))

    assert page.locator(f"#loans tr[data-loan='{late}']").count() == 1
    assert page.locator(f"#loans tr[data-loan='{current}']").count() == 0
    follow(page.locator(f"#loans tr[data-loan='{late}'] a"))
    assert page.url.endswith(f"{LOANS}/{late_id}") and _status(page) == "active"
    assert int(page.locator("#loan-dpd").inner_text()) > 30
    assert "Siti Rahayu" in page.locator("#loan-member").inner_text()
    assert page.locator("#loan-actions").count() == 0  # an auditor only reads

    page.go_back()
    assert page.locator(f"#loans tr[data-loan='{late}']").count() == 1
    page.go_back()
    with page.expect_download() as report:
        page.click("#report-pdf")
    path = report.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert report.value.suggested_filename.endswith(".pdf")


def test_member_reads_her_schedule_and_next_due(page, live_server):
    (siti,) = _borrowers(live_server, "Siti Rahayu", user="member")
    loan_id, number = _loan(live_server, siti, "6000000", 6, date.today() - timedelta(days=10))

    login(page, "member")
    page.goto(page.base + "/c/KSP-A/me/loans")
    row = page.locator(f"#my-loans tr[data-loan='{loan_id}']")
    assert "Rp6.000.000" in row.inner_text()
    assert row.locator("[data-status]").get_attribute("data-status") == "active"
    follow(row.locator(f"a:has-text('{number}')"))

    rows = page.locator("#schedule tbody tr")
    assert rows.count() == 6
    first = rows.first
    due_date = first.locator("td").nth(1).inner_text()
    assert "table-warning" in first.get_attribute("class")
    next_due = page.locator("#loan-next-due").inner_text()
    assert due_date in next_due and "Rp1.060.000" in next_due  # 1.000.000 + 1% of 6.000.000
    assert page.locator("#loan-outstanding").inner_text() == "Rp6.000.000"
    assert page.locator("#loan-entries").count() == 0  # the books are for staff
