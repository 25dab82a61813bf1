"""A loan's whole life through the pages: a treasurer previews and records the application, a
manager who did not enter it approves (the one who did is refused), the treasurer disburses
and takes repayments, and the books move as they should; a double submit acts once. Then
pay-off at the quote shown, restructuring, write-off and recovery."""
import re
from datetime import date, timedelta
from decimal import Decimal

from coop_app.extensions import db
from coop_app.loans.models import Loan, LoanPayment
from coop_app.savings.models import SavingsAccount
from tests.loans.pages import BMT, KSP, loan_row, pledged
from tests.support.books import balance_in, entry_lines_in, loan_counts_in
from tests.support.web import element_text, english, form_key, table_column

D = Decimal
TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs


def switch(auth, client, user):
    auth.logout()
    auth.login(user)
    english(client)


def loan_id_of(response):
    match = re.search(r"/loans/(\d+)(\?receipt=(\d+))?$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1)), int(match.group(3)) if match.group(3) else None


def test_apply_approve_disburse_repay_through_the_pages(app, client, auth, lworld):
    w = lworld
    switch(auth, client, "treasurer")
    url = f"{KSP}/apply/{w.siti}"
    with app.app_context():
        from tests.support.books import loan_product
        puf = loan_product(w.ksp_id, "PUF").id
    data = {"product": puf, "amount": "12,000,000", "term": "12", "purpose": "Tambah stok warung",
            "purpose_kind": "working_capital",
            "enterprise": w.warung, "applied_on": (TODAY - timedelta(days=3)).isoformat(),
            "pledged_account": w.siti_ss, "pledged_amount": "2,000,000",
            "collateral_description": "BPKB motor", "collateral_value": "8,000,000"}
    # the preview shows the schedule and writes nothing
    before = loan_counts_in(app)
    data["key"] = form_key(client, url)
    preview = client.post(url, data=dict(data, preview="1"))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="preview-schedule"' in page
    assert table_column(page, "preview-schedule", 4)[0] == "Rp1,120,000"  # 1.000.000 + 120.000
    assert "admin fee Rp120,000" in page
    assert loan_counts_in(app) == before
    # recorded
    response = client.post(url, data=data)
    loan_id, _receipt = loan_id_of(response)
    loan = loan_row(app, loan_id)
    assert (loan.status, loan.amount, loan.enterprise_id, loan.applied_by) == (
        "applied", D("12000000"), w.warung, w.user_id("treasurer"))
    assert loan.pledged_amount == D("2000000") and loan.collateral_value == D("8000000")
    # a double submit of the application records one loan
    again = client.post(url, data=data)
    assert loan_id_of(again)[0] == loan_id
    assert loan_counts_in(app)[2] == before[2] + 1

    # the treasurer may not decide; a manager who entered an application may not decide it
    assert client.post(f"{KSP}/{loan_id}/approve", data={"on": TODAY.isoformat(), "key": "a" * 32}
                       ).status_code == 403
    switch(auth, client, "manager")
    own = client.post(url, data=dict(data, key=form_key(client, url), pledged_amount="0",
                                     pledged_account=""))
    own_id, _ = loan_id_of(own)
    refused = client.post(f"{KSP}/{own_id}/approve", data={"on": TODAY.isoformat(),
                                                            "key": form_key(client, f"{KSP}/{own_id}/approve")})
    assert refused.status_code == 422 and "maker-checker" in refused.get_data(as_text=True)
    assert loan_row(app, own_id).status == "applied"
    # another manager approves: the pledge is blocked
    before_pledge = pledged(app, w.siti_ss)
    approve_url = f"{KSP}/{loan_id}/approve"
    approval = {"on": TODAY.isoformat(), "reason": "Usaha lancar", "key": form_key(client, approve_url)}
    response = client.post(approve_url, data=approval)
    assert loan_id_of(response) == (loan_id, None)
    assert loan_row(app, loan_id).status == "approved"
    assert pledged(app, w.siti_ss) == before_pledge + D("2000000")
    assert loan_id_of(client.post(approve_url, data=approval)) == (loan_id, None)  # double submit
    page = client.get(f"{KSP}/{loan_id}").get_data(as_text=True)
    assert "This was already recorded" in page and "Usaha lancar" in element_text(page, "loan-decision")

    # the treasurer disburses in cash: 12.000.000 less the 1% fee
    switch(auth, client, "treasurer")
    till = balance_in(app, w.ksp_id, "cash")
    disburse_url = f"{KSP}/{loan_id}/disburse"
    page = client.get(disburse_url).get_data(as_text=True)
    assert "Rp11,880,000" in element_text(page, "disburse-net")
    payout = {"on": TODAY.isoformat(), "to": "cash", "key": form_key(client, disburse_url)}
    assert loan_id_of(client.post(disburse_url, data=payout)) == (loan_id, None)
    assert loan_id_of(client.post(disburse_url, data=payout)) == (loan_id, None)
    loan = loan_row(app, loan_id)
    assert loan.status == "active" and loan.principal_outstanding == D("12000000")
    assert entry_lines_in(app, loan.disbursement_entry_id) == {
        "loans_receivable": D("12000000"), "fee_income": D("-120000"), "cash": D("-11880000")}
    assert balance_in(app, w.ksp_id, "cash") == till - D("11880000")

    # a repayment from cash, allocated interest then principal; a double submit posts once
    repay_url = f"{KSP}/{loan_id}/repay"
    payment = {"on": TODAY.isoformat(), "amount": "1,500,000", "source": "cash",
               "key": form_key(client, repay_url)}
    before = loan_counts_in(app)
    loan_back, receipt = loan_id_of(client.post(repay_url, data=payment))
    assert loan_back == loan_id and receipt
    assert loan_id_of(client.post(repay_url, data=payment)) == (loan_id, receipt)
    assert loan_counts_in(app)[0] == before[0] + 1  # one journal entry
    with app.app_context():
        row = db.session.get(LoanPayment, receipt)
        # instalment 1 whole, then instalment 2 in advance: its interest first
        assert (row.interest, row.principal) == (D("240000"), D("1260000"))
        entry_id = row.entry_id
    assert entry_lines_in(app, entry_id) == {"cash": D("1500000"), "interest_income": D("-240000"),
                                          "loans_receivable": D("-1260000")}
    assert loan_row(app, loan_id).principal_outstanding == D("10740000")
    page = client.get(f"{KSP}/{loan_id}?receipt={receipt}").get_data(as_text=True)
    assert f"/loans/{loan_id}/payments/{receipt}/receipt.pdf" in page and 'id="receipt-ready"' in page
    pdf = client.get(f"{KSP}/{loan_id}/payments/{receipt}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    # a repayment from the member's savings moves her sukarela balance
    with app.app_context():
        ss_before = db.session.get(SavingsAccount, w.siti_ss).balance
    payment = {"on": TODAY.isoformat(), "amount": "500,000",
               "source": "savings", "savings_account": w.siti_ss, "key": form_key(client, repay_url)}
    assert client.post(repay_url, data=payment).status_code == 302
    with app.app_context():
        assert db.session.get(SavingsAccount, w.siti_ss).balance == ss_before - D("500000")


def test_pay_off_at_the_quote_shown(app, client, auth, lworld):
    switch(auth, client, "treasurer")
    loan_id = lworld.loans["active"]
    url = f"{KSP}/{loan_id}/payoff"
    page = client.get(url).get_data(as_text=True)
    quoted = re.search(r'name="quoted_total" type="hidden" value="([0-9.]+)"', page).group(1)
    shown = element_text(page, "payoff-total")
    # a quote that no longer holds is refused, with the new figure
    stale = {"on": TODAY.isoformat(), "source": "cash", "quoted_total": "1.00",
             "key": form_key(client, url)}
    before = loan_counts_in(app)
    response = client.post(url, data=stale)
    assert response.status_code == 422 and shown in response.get_data(as_text=True)
    assert loan_counts_in(app) == before
    response = client.post(url, data=dict(stale, quoted_total=quoted))
    loan_back, receipt = loan_id_of(response)
    loan = loan_row(app, loan_id)
    assert loan.status == "paid_off" and loan.principal_outstanding == 0
    with app.app_context():
        assert db.session.get(LoanPayment, receipt).amount == D(quoted)
    # a quote for another date
    page = client.get(f"{KSP}/{lworld.loans['budi']}/payoff?on=2026-05-01").get_data(as_text=True)
    assert "May 1, 2026" in page


def test_restructure_write_off_and_recover(app, client, auth, lworld):
    switch(auth, client, "manager")
    loan_id = lworld.loans["budi"]
    url = f"{KSP}/{loan_id}/restructure"
    response = client.post(url, data={"on": TODAY.isoformat(), "term": "10", "grace": "0",
                                      "reason": "Usaha terdampak banjir", "key": form_key(client, url)})
    assert loan_id_of(response) == (loan_id, None)
    loan = loan_row(app, loan_id)
    assert loan.schedule_version == 2
    page = client.get(f"{KSP}/{loan_id}").get_data(as_text=True)
    assert len(table_column(page, "schedule", 0)) == 10
    assert 'id="superseded-schedule"' in page

    url = f"{KSP}/{loan_id}/write-off"
    outstanding = loan.principal_outstanding
    response = client.post(url, data={"on": TODAY.isoformat(), "reason": "Macet, usaha tutup",
                                      "key": form_key(client, url)})
    assert loan_id_of(response) == (loan_id, None)
    loan = loan_row(app, loan_id)
    assert loan.status == "written_off" and loan.written_off_amount == outstanding

    switch(auth, client, "treasurer")
    url = f"{KSP}/{loan_id}/recovery"
    recovery = {"on": TODAY.isoformat(), "amount": "250,000", "source": "cash",
                "key": form_key(client, url)}
    _back, receipt = loan_id_of(client.post(url, data=recovery))
    assert loan_row(app, loan_id).recovered_amount == D("250000")
    with app.app_context():
        entry_id = db.session.get(LoanPayment, receipt).entry_id
    assert entry_lines_in(app, entry_id) == {"cash": D("250000"), "recovery_income": D("-250000")}
    pdf = client.get(f"{KSP}/{loan_id}/payments/{receipt}/receipt.pdf")
    assert pdf.status_code == 200


def test_murabahah_through_the_pages(app, client, auth, lworld):
    w = lworld
    switch(auth, client, "bmt.treasurer")
    url = f"{BMT}/apply/{w.aminah}"
    with app.app_context():
        from tests.support.books import loan_product
        mba = loan_product(w.bmt_id, "MBA").id
    data = {"product": mba, "term": "24", "purpose": "Modal usaha jahit",
            "purpose_kind": "investment", "goods_description": "Mesin obras",
            "cost_price": "10,000,000", "down_payment": "1,000,000",
            "applied_on": TODAY.isoformat(), "key": form_key(client, url)}
    page = client.post(url, data=dict(data, preview="1")).get_data(as_text=True)
    # 9.000.000 financed at 10% a year for two years: margin 1.800.000, 450.000 a month
    assert "margin Rp1,800,000" in page and "sale price Rp10,800,000" in page
    assert set(table_column(page, "preview-schedule", 4)) == {"Rp450,000"}
    loan_id, _ = loan_id_of(client.post(url, data=data))
    switch(auth, client, "bmt.manager")
    approve_url = f"{BMT}/{loan_id}/approve"
    client.post(approve_url, data={"on": TODAY.isoformat(), "key": form_key(client, approve_url)})
    disburse_url = f"{BMT}/{loan_id}/disburse"
    client.post(disburse_url, data={"on": TODAY.isoformat(), "to": "savings",
                                    "savings_account": w.aminah_wd, "key": form_key(client, disburse_url)})
    loan = loan_row(app, loan_id)
    assert loan.status == "active"
    assert entry_lines_in(app, loan.disbursement_entry_id) == {
        "murabahah_receivable": D("10800000"), "deferred_margin": D("-1800000"),
        "fee_income": D("-90000"), "simpanan_wadiah": D("-8910000")}
    with app.app_context():
        assert db.session.get(Loan, loan_id).margin == D("1800000")
