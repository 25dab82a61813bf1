"""A murabahah member owes the receivable at the sale price (piutang murabahah): cost plus
margin still unpaid, with the margin still deferred shown apart, on her portal pages, on
the staff pages and in the schedule and receipt PDFs. Before, the pages showed the principal
(cost) alone: a BMT member read Rp2,70 juta owed where Rp2,97 juta remained.

The numbers (BMT-C's product MBA: margin 10% a year, flat on the amount financed):
  small: goods at cost 2.700.000, no down payment, 12 months: margin 270.000, sale price
         2.970.000, instalment 247.500 = cost 225.000 + margin 22.500.
  M2 (the worked murabahah example of Indonesian cooperative practice): cost 100.000.000, down payment 10.000.000,
         financed 90.000.000, 24 months: margin 20% = 18.000.000, sale price 108.000.000,
         instalment 4.500.000 = margin 750.000 + principal 3.750.000, admin fee 900.000.
"""
from datetime import date
from decimal import Decimal as D

import pytest
from flask import g, render_template

from coop_app.auth import service as users
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.reports import balances_by_account
from coop_app.ledger.service import account_by_key
from coop_app.loans import documents, queries, repayment
from coop_app.loans.models import Loan
from coop_app.members.models import Member
from tests.conftest import PASSWORD
from tests.loans.factory import active_loan, build_borrowers
from tests.support.web import element_text, login_as, table_column

SOLD = date(2026, 3, 16)
PAID = date(2026, 4, 16)
ME, STAFF = "/c/BMT-C/me/loans", "/c/BMT-C/loans"


@pytest.fixture
def bmt(app):
    """Aminah (BMT-C) logs in as `aminah`; her murabahah of goods costing 2.700.000."""
    with app.app_context():
        b = build_borrowers()
        user = users.create_user("aminah", "Aminah", PASSWORD)
        users.grant_role(user.id, "member", cooperative_id=b.bmt_id)
        db.session.get(Member, b.aminah).user_id = user.id
        loan = active_loan(b.bmt_id, b.aminah, "MBA", None, 12, b.user_id("bmt.treasurer"),
                           b.user_id("bmt.manager"), SOLD, goods_description="Mesin jahit",
                           cost_price=D("2700000"))
        db.session.commit()
        return b, loan.id


def pay(app, b, loan_id, amount, on=PAID):
    with app.app_context():
        payment = repayment.repay_loan(b.bmt_id, loan_id, D(amount), on, b.user_id("bmt.treasurer"))
        db.session.commit()
        return payment.id


def receivable_lines(app, coop_id, loan_id):
    """(the receivable at sale price, the deferred margin) in the ledger for this loan."""
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        owed = queries.deferred_margins(coop_id, [loan]).get(loan_id, D(0)) + loan.principal_outstanding
        balances = balances_by_account(coop_id)
        return (owed, balances.get(account_by_key(coop_id, "murabahah_receivable").id, D(0)),
                -balances.get(account_by_key(coop_id, "deferred_margin").id, D(0)))


def test_the_member_sees_the_sale_price_remaining_with_the_margin_apart(app, client, bmt):
    b, loan_id = bmt
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert (loan.amount, loan.margin, loan.principal_outstanding) == (D("2700000"), D("270000"), D("2700000"))
    # the only loan: the ledger's receivable holds the sale price, the deferred margin apart
    assert receivable_lines(app, b.bmt_id, loan_id) == (D("2970000"), D("2970000"), D("270000"))
    login_as(client, "aminah")
    page = client.get(f"{ME}/{loan_id}").get_data(as_text=True)
    assert element_text(page, "loan-owed") == "Rp2,970,000"
    assert element_text(page, "loan-deferred-margin") == "Rp270,000"
    assert element_text(page, "loan-outstanding") == "Rp2,700,000"
    listing = client.get(f"{ME}/").get_data(as_text=True)
    assert table_column(listing, "my-loans", 4) == ["Rp2,970,000 incl. margin Rp270,000"]

    # one instalment: 247.500 = cost 225.000 + margin 22.500
    pay(app, b, loan_id, "247500")
    page = client.get(f"{ME}/{loan_id}").get_data(as_text=True)
    assert element_text(page, "loan-owed") == "Rp2,722,500"  # 2.970.000 - 247.500
    assert element_text(page, "loan-deferred-margin") == "Rp247,500"  # 270.000 - 22.500
    assert element_text(page, "loan-outstanding") == "Rp2,475,000"  # 2.700.000 - 225.000
    assert receivable_lines(app, b.bmt_id, loan_id) == (D("2722500"), D("2722500"), D("247500"))


def test_in_indonesian_the_member_reads_the_sale_price(app, client, bmt):
    _b, loan_id = bmt
    login_as(client, "aminah")
    with client.session_transaction() as session:
        session["lang"] = "id"
    page = client.get(f"{ME}/{loan_id}").get_data(as_text=True)
    assert "Sisa yang harus dibayar (harga jual)" in page
    assert element_text(page, "loan-owed") == "Rp2.970.000"
    assert "dan margin (ditangguhkan sampai dibayar)" in page
    listing = client.get(f"{ME}/").get_data(as_text=True)
    assert table_column(listing, "my-loans", 4) == ["Rp2.970.000 termasuk margin Rp270.000"]


def test_staff_pages_show_the_sale_price_remaining(app, client, bmt):
    b, loan_id = bmt
    pay(app, b, loan_id, "247500")
    login_as(client, "bmt.treasurer")
    page = client.get(f"{STAFF}/{loan_id}").get_data(as_text=True)
    assert element_text(page, "loan-owed") == "Rp2,722,500"
    assert element_text(page, "loan-deferred-margin") == "Rp247,500"
    listing = client.get(f"{STAFF}/?status=any").get_data(as_text=True)
    assert table_column(listing, "loans", 5) == ["Rp2,722,500 incl. margin Rp247,500"]
    member = client.get(f"/c/BMT-C/members/{b.aminah}").get_data(as_text=True)
    assert table_column(member, "member-loans", 4) == ["Rp2,722,500 incl. margin Rp247,500"]


def test_a_conventional_loan_still_shows_its_principal(app, client, bmt):
    b, _loan_id = bmt
    with app.app_context():
        loan = active_loan(b.ksp_id, b.siti, "PUF", "3000000", 6, b.user_id("treasurer"),
                           b.user_id("manager"), SOLD)
        db.session.commit()
        loan_id = loan.id
    login_as(client, "treasurer")
    page = client.get(f"/c/KSP-A/loans/{loan_id}").get_data(as_text=True)
    assert element_text(page, "loan-outstanding") == "Rp3,000,000"
    assert 'id="loan-owed"' not in page and 'id="loan-deferred-margin"' not in page


def pdf_html(app, coop_id, template, build):
    with app.test_request_context():
        g.coop = db.session.get(Cooperative, coop_id)
        return render_template(f"pdf/{template}", **build())


def test_worked_example_m2_on_the_pages_and_documents(app, client, bmt):
    """M2: 108.000.000 owed at the sale price, of which margin 18.000.000; one instalment of
    4.500.000 (3.750.000 + 750.000) leaves 103.500.000, of which margin 17.250.000."""
    b, _small = bmt
    with app.app_context():
        loan = active_loan(b.bmt_id, b.aminah, "MBA", None, 24, b.user_id("bmt.treasurer"),
                           b.user_id("bmt.manager"), SOLD, goods_description="Mobil pikap",
                           cost_price=D("100000000"), down_payment=D("10000000"))
        db.session.commit()
        loan_id = loan.id
        assert (loan.amount, loan.margin, loan.admin_fee) == (D("90000000"), D("18000000"), D("900000"))
        first = queries.installments(loan)[0]
        assert (first.principal, first.interest, first.total) == (D("3750000"), D("750000"), D("4500000"))
    login_as(client, "aminah")
    page = client.get(f"{ME}/{loan_id}").get_data(as_text=True)
    assert (element_text(page, "loan-owed"), element_text(page, "loan-deferred-margin")) == \
        ("Rp108,000,000", "Rp18,000,000")
    payment_id = pay(app, b, loan_id, "4500000")
    page = client.get(f"{ME}/{loan_id}").get_data(as_text=True)
    assert (element_text(page, "loan-owed"), element_text(page, "loan-deferred-margin"),
            element_text(page, "loan-outstanding")) == ("Rp103,500,000", "Rp17,250,000", "Rp86,250,000")
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        schedule = pdf_html(app, b.bmt_id, "loan_schedule.html", lambda: documents._loan_context(loan))
        payment = documents.get_payment(loan, payment_id)
        receipt = pdf_html(app, b.bmt_id, "loan_receipt.html", lambda: documents.receipt_context(loan, payment))
    assert "Sisa piutang (harga jual)</td><td>: Rp103.500.000" in schedule
    assert "Margin ditangguhkan</td><td>: Rp17.250.000" in schedule
    assert ("Sisa piutang murabahah (harga jual) pada saat dicetak: Rp103.500.000, terdiri atas pokok "
            "Rp86.250.000 dan margin ditangguhkan Rp17.250.000.") in " ".join(receipt.split())
    # the receivable and the deferred margin of both loans in the ledger agree with the pages
    assert receivable_lines(app, b.bmt_id, loan_id)[1:] == (D("103500000") + D("2970000"),
                                                            D("17250000") + D("270000"))
