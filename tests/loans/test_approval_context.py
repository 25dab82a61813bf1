"""The approval page shows the member's standing beside the decision: savings and pledges,
wajib arrears, other loans with their arrears, earlier applications, the enterprise, and the
instalment against the monthly income the member stated on the application (a plain warning
above 30%, and when no income was stated)."""
import re
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans.approval import approval_context, stated_income
from coop_app.loans.models import Loan
from tests.loans.pages import KSP, BMT
from tests.support.books import loan_product
from tests.support.web import element_text, form_key, login_as, text_of

TODAY = date(2026, 11, 18)  # the tests' frozen day (tests/conftest.py)
D = Decimal


def apply_on_the_form(app, client, w, member_id, income, amount="2,000,000", term="10"):
    """An application through the form, as the treasurer; returns the new loan's id."""
    login_as(client, "treasurer")
    with app.app_context():
        puf = loan_product(w.ksp_id, "PUF").id
    url = f"{KSP}/apply/{member_id}"
    response = client.post(url, data={
        "product": puf, "amount": amount, "term": term, "purpose": "Tambah modal",
        "purpose_kind": "working_capital",
        "enterprise": "", "applied_on": TODAY.isoformat(), "stated_income": income,
        "key": form_key(client, url)})
    assert response.status_code == 302, text_of(response)
    return int(re.search(r"/loans/(\d+)$", response.location).group(1))


def test_the_stated_income_is_kept_with_the_application(app, client, lworld):
    loan_id = apply_on_the_form(app, client, lworld, lworld.budi, "1,500,000")
    with app.app_context():
        assert stated_income(db.session.get(Loan, loan_id)) == D("1500000")
        assert stated_income(db.session.get(Loan, lworld.loans["applied"])) is None


def test_instalments_against_the_stated_income_warn_above_30_percent(app, client, lworld):
    # Budi: his active loan of 3.000.000 over 6 months (flat 12%: 530.000 a month) is unpaid
    # since April: all six instalments overdue, 6 x 530.000 = 3.180.000.
    loan_id = apply_on_the_form(app, client, lworld, lworld.budi, "1,500,000")
    login_as(client, "manager")
    response = client.get(f"{KSP}/{loan_id}/approve")
    assert response.status_code == 200
    html = text_of(response)
    assert element_text(html, "context-instalment") == "Rp220,000"  # 200.000 + flat 1% a month
    assert element_text(html, "context-other-instalments") == "Rp530,000"
    assert element_text(html, "context-stated-income") == "Rp1,500,000"
    assert element_text(html, "context-ratio") == "14.7% (this one); 50.0% with the others"
    warning = element_text(html, "context-ratio-warning")
    assert "50.0% of what the member earns a month (Rp1,500,000)" in warning
    assert "Above 30.0%" in warning
    assert "Rp3,180,000 overdue today" in element_text(html, "context-arrears-warning")
    budi_loan = re.search(rf'<tr data-loan="{lworld.loans["budi"]}">(.*?)</tr>', html, re.S).group(1)
    assert "Rp3,180,000" in budi_loan and ">Active<" in budi_loan
    assert "Bengkel Budi" in html  # his enterprise, not named on this application
    assert "No enterprise is named on the application." in html
    # the reject page shows the same standing
    assert 'id="approval-context"' in text_of(client.get(f"{KSP}/{loan_id}/reject"))


def test_a_small_share_of_the_income_is_no_warning(app, client, lworld):
    loan_id = apply_on_the_form(app, client, lworld, lworld.budi, "10,000,000")
    login_as(client, "manager")
    html = text_of(client.get(f"{KSP}/{loan_id}/approve"))
    assert element_text(html, "context-ratio") == "2.2% (this one); 7.5% with the others"
    assert 'id="context-ratio-warning"' not in html and 'id="context-no-income"' not in html


def test_savings_pledges_earlier_applications_and_the_enterprise(app, client, lworld):
    with app.app_context():
        earlier = service.apply_loan(lworld.ksp_id, ApplicationData(
            lworld.siti, loan_product(lworld.ksp_id, "PUF").id, D("20000000"), 24,
            "Beli motor", date(2025, 6, 2)), lworld.user_id("treasurer"))
        service.reject_loan(lworld.ksp_id, earlier.id, lworld.user_id("manager"), date(2025, 6, 5),
                            "Penghasilan tidak cukup")
        db.session.commit()
        earlier_id = earlier.id
    login_as(client, "manager")
    html = text_of(client.get(f"{KSP}/{lworld.loans['applied']}/approve"))
    assert element_text(html, "context-savings-total") == "Rp5,000,000"
    assert element_text(html, "context-pledged-total") == "Rp0"
    row = re.search(rf'<tr data-loan="{earlier_id}">(.*?)</tr>', html, re.S).group(1)
    assert "Rp20,000,000" in row and "Rejected · Penghasilan tidak cukup" in row
    assert f'data-loan="{lworld.loans["active"]}"' in html  # her active loan, among the others
    assert "Warung Siti" in element_text(html, "context-enterprise")
    assert "stated no income" in element_text(html, "context-no-income")
    with app.app_context():
        context = approval_context(db.session.get(Loan, lworld.loans["applied"]), TODAY)
        assert context.instalment == D("466667")  # 5.000.000 flat 12% over 12: 416.667 + 50.000
        assert [loan.id for loan in context.earlier] == [earlier_id]
        assert context.stated_income is None and context.ratio is None


def test_a_pledge_shows_on_the_savings(app, client, lworld):
    with app.app_context():
        loan = service.apply_loan(lworld.ksp_id, ApplicationData(
            lworld.siti, loan_product(lworld.ksp_id, "PUF").id, D("1000000"), 6, "Modal",
            TODAY, pledged_account_id=lworld.siti_ss, pledged_amount=D("750000")),
            lworld.user_id("treasurer"))
        db.session.commit()
        loan_id = loan.id
    login_as(client, "manager")
    html = text_of(client.get(f"{KSP}/{loan_id}/approve"))
    assert "This application pledges Rp750,000 of savings." in element_text(html, "context-this-pledge")


def test_a_bmt_reads_financing_in_indonesian(app, client, lworld):
    login_as(client, "bmt.treasurer")
    with app.app_context():
        loan = service.apply_loan(lworld.bmt_id, ApplicationData(
            lworld.aminah, loan_product(lworld.bmt_id, "MBA").id, None, 12, "Modal jahit", TODAY,
            goods_description="Kain", cost_price=D("3000000"), down_payment=D("500000")),
            lworld.user_id("bmt.treasurer"))
        db.session.commit()
        loan_id = loan.id
    login_as(client, "bmt.manager")
    with client.session_transaction() as session:
        session["lang"] = "id"
    html = text_of(client.get(f"{BMT}/{loan_id}/approve"))
    panel = re.search(r'id="approval-context".*?</section>', html, re.S).group(0)
    assert "Pembiayaan lain" in panel and "Angsuran" in panel
    assert not re.search(r"pinjaman|bunga|denda", panel, re.I)
    assert f'data-loan="{lworld.loans["bmt"]}"' in panel  # her murabahah, among the others


def test_the_panel_is_only_on_a_decision(app, client, lworld):
    login_as(client, "treasurer")
    html = text_of(client.get(f"{KSP}/{lworld.loans['active']}/repay"))
    assert 'id="approval-context"' not in html
