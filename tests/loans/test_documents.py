"""The loan documents, in Indonesian with the cooperative's letterhead: the agreement of each
kind (Perjanjian Pinjaman; Akad Murabahah with goods, cost, margin and sale price; Akad
Qardh; Akad Mudharabah with its nisbah) with its schedule, the schedule alone, and the
receipt of a repayment in figures and words. Who may download them is in test_access.py
and test_portal.py."""
import re
from datetime import date
from decimal import Decimal

from flask import g, render_template

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.loans import documents, repayment
from coop_app.loans.models import Loan, LoanPayment
from tests.loans.factory import active_loan
from tests.loans.pages import BMT, DAY

D = Decimal


def html_of(app, coop_id, template, build):
    """The HTML a PDF is made from (the PDF itself is checked to be one by the access tests)."""
    with app.test_request_context():
        g.coop = db.session.get(Cooperative, coop_id)
        return render_template(f"pdf/{template}", **build())


def agreement_html(app, coop_id, loan_id):
    return html_of(app, coop_id, "loan_agreement.html",
                   lambda: documents.agreement_context(db.session.get(Loan, loan_id)))


def bmt_loan(app, w, code, amount, term, **options):
    with app.app_context():
        loan = active_loan(w.bmt_id, w.aminah, code, amount, term, w.user_id("bmt.treasurer"),
                           w.user_id("bmt.manager"), DAY, **options)
        db.session.commit()
        return loan.id


def test_conventional_agreement(app, lworld):
    html = agreement_html(app, lworld.ksp_id, lworld.loans["active"])
    assert "KSP Sumber Rejeki" in html and "Koperasi Simpan Pinjam" in html  # letterhead
    assert re.search(r'id="agreement-title">Perjanjian Pinjaman<', html)
    assert "Rp10.000.000" in html and "sepuluh juta rupiah" in html.lower()
    assert "18% setahun, bunga menurun" in html
    assert "Siti Rahayu" in html and "2022.00001" in html
    assert "16 April 2026" in html  # the first instalment
    assert "Pengadilan Negeri" in html and "Akad" not in html
    assert html.count("<tr><td class=\"num\">") == 12  # the schedule, 12 instalments
    assert re.search(r'id="schedule-total">Rp10\.975\.000<', html)  # principal + 975.000 interest


def test_agreement_before_disbursement_shows_the_schedule_it_would_have(app, lworld):
    html = agreement_html(app, lworld.ksp_id, lworld.loans["applied"])
    assert "Perjanjian Pinjaman" in html and "seolah-olah dicairkan hari ini" in html
    assert "Rp466.667" in html  # 5.000.000 flat 12%: 416.667 + 50.000


def test_murabahah_akad(app, lworld):
    html = agreement_html(app, lworld.bmt_id, lworld.loans["bmt"])
    assert "BMT Al-Amanah" in html and "Koperasi Simpan Pinjam dan Pembiayaan Syariah" in html
    assert re.search(r'id="agreement-title">Akad Murabahah<', html)
    assert "Mesin jahit" in html and "Rp6.000.000" in html  # goods and cost
    assert re.search(r'id="agreement-margin">Rp500\.000<', html)
    assert re.search(r'id="agreement-sale-price">Rp6\.500\.000<', html)  # cost + margin
    assert "Rp1.000.000" in html and "Rp5.500.000" in html  # down payment; owed after it
    assert "dana sosial" in html and "muqasah" in html and "Pengadilan Agama" in html
    assert "Bunga" not in html and "Margin" in html


def test_qardh_akad(app, lworld):
    loan_id = bmt_loan(app, lworld, "QH", "2000000", 10)
    html = agreement_html(app, lworld.bmt_id, loan_id)
    assert re.search(r'id="agreement-title">Akad Qardh<', html)
    assert "pembiayaan kebajikan" in html and "Rp2.000.000" in html and "dua juta rupiah" in html.lower()
    assert "pinjaman" not in html.lower()  # a BMT's akad speaks of pembiayaan
    assert re.search(r'id="schedule-total">Rp2\.000\.000<', html)  # nothing on top of the principal


def test_mudharabah_akad(app, lworld):
    loan_id = bmt_loan(app, lworld, "MDA", "6000000", 12, enterprise_id=None)
    html = agreement_html(app, lworld.bmt_id, loan_id)
    assert re.search(r'id="agreement-title">Akad Mudharabah<', html)
    assert re.search(r'id="agreement-nisbah">40% untuk BMT : 60% untuk Anggota<', html)
    assert "Bagi hasil" in html and "shahibul maal" in html and "mudharib" in html


def test_schedule_document(app, lworld):
    html = html_of(app, lworld.ksp_id, "loan_schedule.html", lambda: documents._loan_context(
        db.session.get(Loan, lworld.loans["active"])))
    assert "Jadwal Angsuran" in html and "PUE-000001" in html
    assert html.count("<tr><td class=\"num\">") == 12


def test_repayment_receipt_in_figures_and_words(app, lworld):
    def build():
        loan = db.session.get(Loan, lworld.loans["active"])
        return documents.receipt_context(loan, db.session.get(LoanPayment, lworld.payment))
    html = html_of(app, lworld.ksp_id, "loan_receipt.html", build)
    assert re.search(rf'id="receipt-number">KWP/2026/{lworld.payment:06d}<', html)
    assert re.search(r'id="receipt-amount">Rp1\.000\.000<', html)
    assert re.search(r'id="receipt-words">Satu juta rupiah<', html)
    assert "Kuitansi Angsuran Pinjaman" in html and "16 April 2026" in html
    assert "Rp166.667" in html and "Rp833.333" in html  # interest then principal
    assert "( Treasurer )" in html


def test_sharia_receipt_names_the_margin_and_tazir(app, lworld):
    w = lworld
    with app.app_context():
        loan = db.session.get(Loan, w.loans["bmt"])
        # instalment 1 fell due on 16 April: paid on the 20th, it is charged the fixed ta'zir
        payment = repayment.repay_loan(w.bmt_id, loan.id, D("500000"), date(2026, 4, 20),
                                       w.user_id("bmt.treasurer"))
        db.session.commit()
        payment_id = payment.id
    html = html_of(app, w.bmt_id, "loan_receipt.html", lambda: documents.receipt_context(
        db.session.get(Loan, w.loans["bmt"]), db.session.get(LoanPayment, payment_id)))
    assert "Kuitansi Angsuran Pembiayaan" in html and "Ta&#39;zir (dana sosial)" in html
    assert "Margin" in html and "Rp25.000" in html


def test_pdfs_are_pdfs(app, client, auth, lworld):
    auth.login("bmt.manager")
    response = client.get(f"{BMT}/{lworld.loans['bmt']}/agreement.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert 'filename="akad-MBA-000001.pdf"' in response.headers["Content-Disposition"]
