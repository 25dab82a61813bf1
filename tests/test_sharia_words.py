"""A KSPPS/BMT speaks sharia everywhere: its manager and its treasurer read every page their
menu reaches (the financing, savings and member pages, the books, the audit log), every PDF
and export linked from them, in Indonesian and in English, and never meet "pinjaman", "bunga"
or "denda" (Indonesian) nor "loan", "interest", "penalty" or "late fee" (English): a BMT says
pembiayaan, angsuran, margin, nisbah/bagi hasil, ujrah, ta'zir and akad.

The BMT of the conftest world gets a murabahah financing paid out in June, its first angsuran
paid, the later ones late with ta'zir charged at the month-ends since, a pending mudharabah
application, a member with wadiah and mudharabah savings, and that member's own login."""
import csv
import html
import io
import re
from datetime import date
from decimal import Decimal as D
from urllib.parse import urljoin, urlsplit

import pytest
from flask import g
from sqlalchemy import select

from coop_app import pdf
from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.ledger.service import account_by_key
from coop_app.loans import application, monthend, repayment
from coop_app.loans.application import ApplicationData
from coop_app.loans.models import Loan, LoanInstallment
from coop_app.savings import opening
from tests.conftest import PASSWORD, build_world
from tests.loans.factory import active_loan, add_member, fund
from tests.support import key
from tests.support.books import loan_product, savings_product

BMT = "/c/BMT-C"
SOLD = date(2026, 6, 15)
# Words a KSP says and a BMT does not, whole words, in either case.
FORBIDDEN = {
    "id": re.compile(r"\b(pinjaman|bunga|denda)\b", re.I),
    "en": re.compile(r"\b(loans?|interests?|penalty|penalties|late[- ]fees?)\b", re.I),
}
DOCUMENT = re.compile(r"\.(pdf|csv|xlsx)$")
PER_SHAPE = 2  # pages read of each kind of URL (digits and query values aside)
# Attributes a person reads (a tooltip, a placeholder, an image's text).
SHOWN_ATTRIBUTES = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"')


@pytest.fixture
def bmt(app):
    with app.app_context():
        world = build_world()
        ids = world.users
        g.actor_id = ids["bmt.treasurer"]
        fund(world.bmt_id, "500000000")
        aminah = add_member(world.bmt_id, "2026.00001", "Aminah")
        halimah = add_member(world.bmt_id, "2026.00002", "Halimah")
        cash = account_by_key(world.bmt_id, "cash").id
        for member, code, amount in ((aminah, "WD", "2000000"), (aminah, "SM", "3000000"),
                                     (halimah, "SM", "1000000")):
            opening.open_account_with_deposit(world.bmt_id, member.id, savings_product(world.bmt_id, code).id,
                                              date(2026, 5, 4), D(amount), cash, key())
        financing = active_loan(world.bmt_id, aminah.id, "MBA", None, 12, ids["bmt.treasurer"],
                                ids["bmt.manager"], SOLD, goods_description="Mesin jahit",
                                cost_price=D("6000000"), down_payment=D("1000000"))
        first = db.session.scalars(select(LoanInstallment).where(
            LoanInstallment.loan_id == financing.id, LoanInstallment.n == 1)).one()
        repayment.repay_loan(world.bmt_id, financing.id, first.total, date(2026, 7, 15), ids["bmt.treasurer"])
        for month_end in (date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)):
            monthend.run_loan_month_end(world.bmt_id, month_end, ids["bmt.manager"])
        application.apply_loan(world.bmt_id, ApplicationData(
            halimah.id, loan_product(world.bmt_id, "MDA").id, D("4000000"), 10, "Modal warung", date(2026, 11, 2)),
            ids["bmt.treasurer"])
        login = users.create_user("bmt.anggota", "Aminah", PASSWORD)
        users.grant_role(login.id, "member", cooperative_id=world.bmt_id)
        aminah.user_id = login.id
        db.session.commit()
        loan = db.session.get(Loan, financing.id)
        assert loan.days_past_due > 60 and loan.penalty_due > 0  # late, with ta'zir charged
        g.actor_id = None
        return {"financing": financing.id, "aminah": aminah.id}


def visible_texts(page):
    """What a person reads on a page: its text (no tags, scripts or styles, not the audit
    log's raw stored values, one click away for auditors) and its tooltips and placeholders."""
    page = re.sub(r"(?s)<details data-raw-values>.*?</details>", " ", page)
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    texts = [html.unescape(value) for value in SHOWN_ATTRIBUTES.findall(page)]
    texts += [html.unescape(text) for text in re.split(r"<[^>]*>", page)]
    return [" ".join(text.split()) for text in texts if text.strip()]


def shape(url):
    parts = urlsplit(url)
    keys = sorted(part.split("=")[0] for part in parts.query.split("&") if part)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


class Crawler:
    """One logged-in reader in one language: reads pages breadth first from the start page,
    inside the BMT and the user's own pages, and every kind of document linked."""

    def __init__(self, app, username, lang, rendered):
        self.client = app.test_client()
        response = self.client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, username
        with self.client.session_transaction() as session:
            session["lang"] = lang
        self.rendered = rendered
        self.texts = {}
        self.shapes = {}

    def _links(self, url, page):
        for href in re.findall(r'href="([^"#]+)"', page):
            parts = urlsplit(urljoin(url, html.unescape(href)))
            if parts.netloc not in ("", "localhost") or parts.path.startswith("/static") \
                    or parts.path in ("/logout", "/language"):
                continue
            if not (parts.path.startswith(BMT) or parts.path in ("/", "/account", "/account/password")):
                continue
            yield parts.path + ("?" + parts.query if parts.query else "")

    def read(self, url):
        before = len(self.rendered)
        response = self.client.get(url)
        if response.status_code in (301, 302, 303):
            location = urlsplit(response.headers["Location"])
            return [location.path + ("?" + location.query if location.query else "")]
        assert response.status_code == 200, (url, response.status_code)
        if response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            self.texts[url] = visible_texts(page)
            return list(self._links(url, page))
        if response.mimetype == "application/pdf":
            assert len(self.rendered) > before, url
            self.texts[url] = visible_texts(self.rendered[-1])
        elif response.mimetype == "text/csv":
            rows = csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
            self.texts[url] = [cell.strip() for row in rows for cell in row if cell.strip()]
        else:
            from openpyxl import load_workbook
            book = load_workbook(io.BytesIO(response.data))
            self.texts[url] = [str(v).strip() for sheet in book.worksheets
                               for row in sheet.iter_rows(values_only=True)
                               for v in row if v is not None and str(v).strip()] + book.sheetnames
        return []

    def crawl(self, start, limit=400):
        queue, seen = list(start), set()
        while queue and len(self.texts) < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            kind = shape(url)
            if self.shapes.get(kind, 0) >= (1 if DOCUMENT.search(urlsplit(url).path) else PER_SHAPE):
                continue
            self.shapes[kind] = self.shapes.get(kind, 0) + 1
            queue.extend(link for link in self.read(url) if link not in seen)


@pytest.fixture
def rendered():
    """The HTML of every PDF rendered meanwhile (its text as the PDF prints it)."""
    pages = []
    real = pdf.render_template

    def capture(template, **context):
        page = real(template, **context)
        pages.append(page)
        return page

    pdf.render_template = capture
    yield pages
    pdf.render_template = real


def start_pages(bmt, username):
    """Beside the menu's links: the financing, the member, and (for the manager) the audit
    log of the financing tables."""
    pages = [f"{BMT}/", f"{BMT}/loans/{bmt['financing']}", f"{BMT}/members/{bmt['aminah']}",
             f"{BMT}/loans/?status=applied"]
    if username == "bmt.manager":
        pages += [f"{BMT}/audit/?table={table}" for table in
                  ("loans", "loan_products", "loan_installments", "loan_payments", "loan_events")]
    return pages


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("username", ["bmt.manager", "bmt.treasurer", "bmt.anggota"])
def test_a_bmt_never_says_loan_interest_or_penalty(app, bmt, rendered, username, lang):
    crawler = Crawler(app, username, lang, rendered)
    crawler.crawl(["/"] + (start_pages(bmt, username) if username != "bmt.anggota" else []))
    read = set(crawler.texts)
    # what was read: the financing, its documents, savings, the member, the books
    expected = (["/loans/", "/agreement.pdf", "/schedule.pdf", "/savings/accounts/", "/members/"]
                if username != "bmt.anggota" else ["/me"])
    if username == "bmt.manager":
        expected += ["/ledger/journal", "/ledger/accounts", "/audit/", "/portfolio/", ".csv", ".xlsx"]
    for part in expected:
        assert any(part in url for url in read), (part, sorted(read))
    found = sorted({(url, match.group(0), text[:160]) for url, texts in crawler.texts.items()
                    for text in texts for match in [FORBIDDEN[lang].search(text)] if match})
    assert found == [], f"{len(found)} places:\n" + "\n".join(map(repr, found))
