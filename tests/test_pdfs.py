"""Every PDF the app makes, rendered through its page and read back as text (pypdf): the
figures it must show are there, no database code (entry kinds, statuses, methods) leaks
into it, nothing is cut off at the page's edge (WeasyPrint's layout: every box ends inside
the page's content area), the portfolio audit report is landscape (its breakdowns have
eight columns), and an akad or agreement keeps its signatures on the page of its last
clause."""
import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from coop_app import pdf
from coop_app.extensions import db
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans.models import Loan, LoanPayment
from coop_app.members.models import Member
from coop_app.savings.models import SavingsTransaction
from tests.loans.conftest import lworld  # noqa: F401  (the loan pages' world)
from tests.support.books import loan_product
from tests.support.web import client_for

D = Decimal
# Codes as the database stores them: snake_case words, or the English words of a status,
# method or kind that a person reading Indonesian must never see.
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
CODES = re.compile(r"\b(active|applied|approved|rejected|cancelled|paid off|written off|flat|"
                   r"effective|annuity|monthly|weekly|deposit|withdrawal|None|True|False|"
                   r"ksp|kspps|lancar_|daily_pct)\b")


def rupiah(amount):
    """Rp written the Indonesian way (Rp10.000.000), made here, not by the app's formatter."""
    return "Rp" + f"{int(amount):,}".replace(",", ".")


@pytest.fixture
def layouts(monkeypatch):
    """The WeasyPrint layouts of the documents rendered during the test (to measure boxes)."""
    documents = []
    original = pdf._Document.render

    def render(self, *args, **kwargs):
        document = original(self, *args, **kwargs)
        documents.append(document)
        return document
    monkeypatch.setattr(pdf._Document, "render", render)
    return documents


def read_pdf(client, url):
    """(pages' text, pages' (width, height) in points) of the PDF at `url`."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(BytesIO(response.data))
    texts = [page.extract_text() for page in reader.pages]
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    return texts, sizes


def whole(texts):
    return " ".join(" ".join(texts).split())


def assert_no_codes(texts):
    text = whole(texts)
    assert not SNAKE.search(text), SNAKE.search(text).group(0)
    assert not CODES.search(text), CODES.search(text).group(0)


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def overflow(document):
    """[(page, how far past the content area's right edge, the text there)] of every box
    that ends beyond its page's content area (a clipped or spilling column)."""
    found = []
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        right = page.width - page_box.margin_right - page_box.padding_right
        for child in page_box.children:
            if type(child).__name__ == "MarginBox":
                continue
            for box in _boxes(child):
                if not hasattr(box, "margin_width"):
                    continue
                end = box.position_x + box.margin_width()
                if end > right + 0.5:
                    found.append((number, round(end - right, 1), getattr(box, "text", "")))
    return found


def assert_fits(layouts):
    assert layouts, "a document was rendered"
    spilled = overflow(layouts[-1])
    assert not spilled, f"past the right edge: {spilled[:5]}"


def on_page(texts, snippet):
    """The number (from 1) of the first page whose text holds `snippet` (spaces ignored)."""
    wanted = "".join(snippet.split())
    for number, text in enumerate(texts, 1):
        if wanted in "".join(text.split()):
            return number
    raise AssertionError(f"{snippet!r} is on no page")


# -- loans ---------------------------------------------------------------------------------------

def test_the_loan_agreement_reads_its_terms(app, lworld, layouts):
    client = client_for(app, "treasurer")
    texts, sizes = read_pdf(client, f"/c/KSP-A/loans/{lworld.loans['active']}/agreement.pdf")
    text = whole(texts)
    assert "PERJANJIAN PINJAMAN" in text and "KSP Sumber Rejeki" in text
    assert "Rp10.000.000" in text and "sepuluh juta rupiah" in text.lower()
    assert "18% setahun, bunga menurun" in text
    assert "Siti Rahayu" in text and "2022.00001" in text
    assert "16 April 2026" in text  # the first instalment
    assert "Rp10.975.000" in text  # the schedule's total: principal + 975.000 interest
    assert all(width < height for width, height in sizes)  # portrait A4
    assert_no_codes(texts)
    assert_fits(layouts)


def test_the_akad_murabahah_reads_its_sale(app, lworld, layouts):
    client = client_for(app, "bmt.manager")
    texts, _sizes = read_pdf(client, f"/c/BMT-C/loans/{lworld.loans['bmt']}/agreement.pdf")
    text = whole(texts)
    assert "AKAD MURABAHAH" in text and "Bismillahirrahmanirrahim" in text
    assert "Mesin jahit" in text and "Rp6.000.000" in text and "Rp1.000.000" in text
    with app.app_context():
        loan = db.session.get(Loan, lworld.loans["bmt"])
        margin, amount = loan.margin, loan.amount
    assert rupiah(margin) in text and rupiah(amount + margin) in text  # margin, sale price
    assert not re.search(r"\b(bunga|denda)\b", text, re.I)
    assert_no_codes(texts)
    assert_fits(layouts)


@pytest.mark.parametrize("code, amount, title, words", [
    ("QH", "2000000", "AKAD QARDH", ["Rp2.000.000", "dua juta rupiah"]),
    ("MDA", "6000000", "AKAD MUDHARABAH", ["Rp6.000.000", "40% untuk BMT : 60% untuk Anggota"]),
])
def test_the_other_akads(app, lworld, layouts, code, amount, title, words):
    from tests.loans.factory import active_loan
    with app.app_context():
        loan = active_loan(lworld.bmt_id, lworld.aminah, code, amount, 10, lworld.user_id("bmt.treasurer"),
                           lworld.user_id("bmt.manager"), date(2026, 3, 16))
        db.session.commit()
        loan_id = loan.id
    client = client_for(app, "bmt.manager")
    texts, _sizes = read_pdf(client, f"/c/BMT-C/loans/{loan_id}/agreement.pdf")
    text = whole(texts)
    assert title in text and "Aminah" in text
    for expected in words:
        assert expected in text.lower() if expected.islower() else expected in text
    assert not re.search(r"\b(bunga|denda)\b", text, re.I)
    assert on_page(texts, "Pasal 7") == on_page(texts, "( Aminah )")
    assert_no_codes(texts)
    assert_fits(layouts)


def _agreement_with(app, w, purpose, collateral):
    """An application of Siti's whose purpose and collateral texts move the last clause
    down the page."""
    with app.app_context():
        loan = service.apply_loan(w.ksp_id, ApplicationData(
            w.siti, loan_product(w.ksp_id, "PUF").id, D("2000000"), 12, purpose, date(2026, 11, 18),
            collateral_description=collateral, collateral_value=D("1000000")), w.user_id("treasurer"))
        db.session.commit()
        return loan.id


LONG_ADDRESS = ("Blok Karanganyar RT 02 RW 05 Dusun Krajan " * 8)[:300]
COLLATERAL = " ".join(["Sertifikat tanah pekarangan"] * 12)[:300]


@pytest.mark.parametrize("words", range(0, 8))
def test_the_signatures_stay_with_the_last_clause(app, lworld, words):
    """Whatever length the clauses above take, the signature block is on the page of the
    last clause (Pasal 7 and the closing sentence), never alone on the next page. The
    lengths sweep the last clause across the end of the first page."""
    with app.app_context():
        db.session.get(Member, lworld.siti).address = LONG_ADDRESS
        db.session.commit()
    purpose = ("Modal warung sembako dan peralatan dapur " * words)[:300] or "Modal"
    loan_id = _agreement_with(app, lworld, purpose, COLLATERAL)
    client = client_for(app, "treasurer")
    texts, _sizes = read_pdf(client, f"/c/KSP-A/loans/{loan_id}/agreement.pdf")
    clause = on_page(texts, "Pasal 7 — Perselisihan")
    closing = on_page(texts, "Demikian perjanjian ini dibuat")
    signatures = on_page(texts, "( Siti Rahayu )")
    assert clause == closing == signatures
    assert on_page(texts, "Lampiran — Jadwal Angsuran") == signatures + 1  # the schedule follows


def test_the_schedule_and_the_receipt(app, lworld, layouts):
    client = client_for(app, "treasurer")
    loan_id = lworld.loans["active"]
    texts, _sizes = read_pdf(client, f"/c/KSP-A/loans/{loan_id}/schedule.pdf")
    text = whole(texts)
    assert "Rp10.975.000" in text and "16 April 2026" in text and "Sisa pokok" in text
    assert_no_codes(texts)
    assert_fits(layouts)
    with app.app_context():
        payment = db.session.get(LoanPayment, lworld.payment)
        number = f"KWP/{payment.paid_on.year}/{payment.id:06d}"
    texts, _sizes = read_pdf(client, f"/c/KSP-A/loans/{loan_id}/payments/{lworld.payment}/receipt.pdf")
    text = whole(texts)
    assert number in text and "Rp1.000.000" in text and "satu juta rupiah" in text.lower()
    assert_no_codes(texts)
    assert_fits(layouts)


# -- the portfolio audit report ----------------------------------------------------------------------

def large_loans(app, w):
    """Three loans of Rp100.000.000 (the product's largest) besides the world's: figures of
    a real cooperative's width, which spilled past a portrait page's edge."""
    from datetime import date

    from tests.loans.factory import active_loan
    with app.app_context():
        for _ in range(3):
            active_loan(w.ksp_id, w.budi, "PUF", "100000000", 36, w.user_id("treasurer"),
                        w.user_id("manager"), date(2026, 3, 16))
        db.session.commit()


def test_the_portfolio_audit_report_is_landscape_and_fits_its_columns(app, lworld, layouts):
    large_loans(app, lworld)
    with app.app_context():
        outstanding = sum(db.session.execute(db.select(Loan.principal_outstanding).where(
            Loan.cooperative_id == lworld.ksp_id, Loan.status == "active")).scalars())
    client = client_for(app, "auditor.all")
    texts, sizes = read_pdf(client, "/c/KSP-A/portfolio/report.pdf")
    assert all(width > height for width, height in sizes)  # A4 landscape on every page
    text = whole(texts)
    assert "LAPORAN AUDIT PORTOFOLIO PEMBIAYAAN" in text
    assert rupiah(outstanding) in text
    # the last column of each breakdown, its header and its figures, on the page
    assert text.count("Hapus buku") >= 4 and "Per jenis kelamin" in text and "Perempuan" in text
    assert_no_codes(texts)
    assert_fits(layouts)


def test_the_programme_report_fits_its_columns(app, lworld, layouts):
    large_loans(app, lworld)
    client = client_for(app, "auditor.all")
    texts, sizes = read_pdf(client, "/portfolio/report.pdf")
    assert all(width > height for width, height in sizes)
    text = whole(texts)
    assert "Per koperasi" in text and "KSP-A · KSP Sumber Rejeki" in text and "BMT-C" in text
    assert_no_codes(texts)
    assert_fits(layouts)


# -- savings and remittances -------------------------------------------------------------------------

def test_the_passbook_statement_and_savings_receipt(app, lworld, layouts):
    client = client_for(app, "treasurer")
    account = lworld.siti_ss
    texts, _sizes = read_pdf(client, f"/c/KSP-A/remittances/accounts/{account}/passbook.pdf")
    text = whole(texts)
    assert "Siti Rahayu" in text and "Rp5.000.000" in text
    assert_no_codes(texts)
    assert_fits(layouts)
    texts, _sizes = read_pdf(client, f"/c/KSP-A/remittances/accounts/{account}/statement.pdf"
                                     "?date_from=2022-01-01&date_to=2026-11-18")
    text = whole(texts)
    assert "Siti Rahayu" in text and "Rp5.000.000" in text
    assert_no_codes(texts)
    assert_fits(layouts)
    with app.app_context():
        entry_id = db.session.execute(db.select(SavingsTransaction.entry_id).where(
            SavingsTransaction.account_id == account)).scalars().first()
    texts, _sizes = read_pdf(client, f"/c/KSP-A/savings/receipts/{entry_id}.pdf")
    text = whole(texts)
    assert "Kuitansi Setoran Simpanan".upper() in text.upper() and "Rp5.000.000" in text
    assert "lima juta rupiah" in text.lower()
    assert_no_codes(texts)
    assert_fits(layouts)


def test_the_remittance_receipt(app, families, layouts):
    from tests.remittances.helpers import record
    with app.app_context():
        remittance = record(families, reference="BNI-55001234", amount_idr=D("2500000"))
        db.session.commit()
        remittance_id = remittance.id
    client = client_for(app, "treasurer")
    texts, _sizes = read_pdf(client, f"/c/KSP-A/remittances/{remittance_id}/receipt.pdf")
    text = whole(texts)
    assert "BNI-55001234" in text and "Rp2.500.000" in text and "Siti Rahayu" in text
    assert "dua juta lima ratus ribu rupiah" in text.lower()
    assert_no_codes(texts)
    assert_fits(layouts)
