"""The member's own loans in the portal: the list, a loan with its schedule, next due and
arrears, its payments, the agreement and receipts; another member's loan is 404 by every id,
page or PDF; the simulation with the cooperative's products."""
from datetime import date

from coop_app.extensions import db
from coop_app.loans import queries
from tests.loans.pages import PORTAL
from tests.support.books import loan_product
from tests.support.web import element_text, login_as, table_column


def test_member_lists_only_her_loans(app, client, auth, lworld):
    login_as(client, "member")
    page = client.get(f"{PORTAL}/").get_data(as_text=True)
    assert sorted(table_column(page, "my-loans", 0)) == ["PUE-000001", "PUF-000001"]
    assert "style=" not in page and "<script>" not in page
    login_as(client, "member2")
    page = client.get(f"{PORTAL}/").get_data(as_text=True)
    assert table_column(page, "my-loans", 0) == ["PUF-000002"]


def test_member_reads_her_loan_with_schedule_next_due_and_arrears(app, client, auth, lworld):
    login_as(client, "member")
    loan_id = lworld.loans["active"]
    page = client.get(f"{PORTAL}/{loan_id}").get_data(as_text=True)
    assert "style=" not in page and "<script>" not in page
    assert element_text(page, "loan-amount") == "Rp10,000,000"
    assert len(table_column(page, "schedule", 0)) == 12
    assert table_column(page, "loan-payments", 2) == ["Rp1,000,000"]
    assert "May 16, 2026" in element_text(page, "loan-next-due")  # instalment 2, partly paid
    with app.app_context():
        arrears = queries.arrears(queries.get_loan(lworld.ksp_id, loan_id), date.today())
    assert element_text(page, "loan-dpd") == str(arrears.days_past_due)
    assert element_text(page, "loan-overdue-count") == str(arrears.overdue_installments)
    # what staff see and a member does not: the history and the journal entries
    assert 'id="loan-events"' not in page and 'id="loan-entries"' not in page
    assert "/ledger/" not in page and 'id="loan-provision"' not in page
    assert f"/me/loans/{loan_id}/agreement.pdf" in page
    assert f"/me/loans/{loan_id}/payments/{lworld.payment}/receipt.pdf" in page


def test_member_downloads_her_agreement_schedule_and_receipt(app, client, auth, lworld):
    login_as(client, "member")
    loan_id = lworld.loans["active"]
    for path in (f"/{loan_id}/agreement.pdf", f"/{loan_id}/schedule.pdf",
                 f"/{loan_id}/payments/{lworld.payment}/receipt.pdf"):
        response = client.get(PORTAL + path)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), path
        assert response.headers["Content-Type"] == "application/pdf"


def test_another_members_loan_is_404_everywhere(app, client, auth, lworld):
    login_as(client, "member2")  # Budi
    siti_loan, applied = lworld.loans["active"], lworld.loans["applied"]
    for path in (f"/{siti_loan}", f"/{applied}", f"/{siti_loan}/agreement.pdf",
                 f"/{siti_loan}/schedule.pdf", f"/{siti_loan}/payments/{lworld.payment}/receipt.pdf",
                 f"/{lworld.loans['bmt']}", "/999999"):
        assert client.get(PORTAL + path).status_code == 404, path
    # nor a payment of Siti's through Budi's own loan
    budi_loan = lworld.loans["budi"]
    assert client.get(f"{PORTAL}/{budi_loan}/payments/{lworld.payment}/receipt.pdf").status_code == 404
    assert client.get(f"{PORTAL}/{budi_loan}").status_code == 200


def test_member_without_a_member_record_sees_nothing(app, client, auth, lworld):
    with app.app_context():
        from coop_app.members.models import Member
        db.session.get(Member, lworld.siti).user_id = None
        db.session.commit()
    login_as(client, "member")
    assert client.get(f"{PORTAL}/").status_code == 404
    assert client.get(f"{PORTAL}/{lworld.loans['active']}").status_code == 404


def test_member_simulates_with_the_products(app, client, auth, lworld):
    login_as(client, "member")
    with app.app_context():
        puf = loan_product(lworld.ksp_id, "PUF").id
    page = client.get(f"{PORTAL}/simulate").get_data(as_text=True)
    assert 'name="product"' in page and 'name="method"' not in page and 'name="rate"' not in page
    response = client.get(f"{PORTAL}/simulate", query_string={
        "product": puf, "amount": "90,000,000", "term": "36", "start": "2026-01-15"})
    assert response.status_code == 200
    assert set(table_column(response.get_data(as_text=True), "schedule", 4)) == {"Rp3,400,000"}
    response = client.get(f"{PORTAL}/simulate", query_string={"amount": "1,000,000", "term": "12",
                                                              "start": "2026-01-15"})
    assert response.status_code == 422 and "Choose a product." in response.get_data(as_text=True)
