"""No stored code reaches a person: the demo's journal, audit log, loan and member pages,
the portfolio's pages and exports (CSV, XLSX) and the PDFs, read in Indonesian and in
English, show every entry kind, status, method, class and table as words.

The codes are collected from the code (the constants of the models and services) and from
what the demo stored. Codes may stay where a person does not read them: URLs, form values,
attributes, and the audit log's raw before/after values (one click away, for auditors)."""
import csv
import html
import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import distinct, make_url, select

from coop_app import create_app, pdf
from coop_app.audit.models import AuditLog
from coop_app.audit.queries import audited_tables
from coop_app.closing.models import JOB_STATUSES
from coop_app.cooperatives.models import KSP, KSPPS, Cooperative
from coop_app.demo import DEMO_PASSWORD
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.labels import kind_label
from coop_app.ledger.models import JournalEntry
from coop_app.loans import methods
from coop_app.loans import models as loans
from coop_app.loans.forms import EVENT_LABELS, SOURCE_LABELS
from coop_app.members import models as members
from coop_app.membership.leaving import SETTLEMENT
from coop_app.registry import registry
from coop_app.remittances.recording import CHANNELS, REMITTANCE
from coop_app.savings import models as savings
from coop_app.savings.monthend import PASSBOOK_KINDS
from coop_app.savings.movements import DEPOSIT, REVERSAL, WITHDRAWAL

from tests.conftest import PG_URL, _config
from tests.test_demo import DEMO_TODAY, demo_database  # noqa: F401 (fixture)

COOPS = {"KSP-IDM01": "ksp.manajer", "BMT-LTM01": "bmt.manajer"}
MEMBERS = ("ksp.anggota", "bmt.anggota")
PERIOD = f"as_of={DEMO_TODAY}&date_from={DEMO_TODAY.year}-01-01&date_to={DEMO_TODAY}"
DOCUMENT = re.compile(r"\.(pdf|csv|xlsx)$")


@pytest.fixture(scope="module")
def demo(demo_database):  # noqa: F811
    """One app on the demo for the whole module: the pages are only read."""
    if PG_URL:  # the demo's own database, loaded once for this module
        app = create_app(_config(make_url(PG_URL).set(database=demo_database).render_as_string(
            hide_password=False)))
    else:
        app = create_app(_config(f"sqlite:///{demo_database}"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def stored(*columns):
    values = set()
    for column in columns:
        values |= {v for v in db.session.execute(select(distinct(column))).scalars() if v}
    return values


def known_codes():
    """Every value of every kind, status, method and class: from the code, and whatever the
    demo stored in those columns."""
    codes = {*ledger.LEDGER_KINDS, *registry().entry_kinds, *registry().reversal_handlers,
             *loans.LOAN_STATUSES, *loans.QUALITY_CLASSES, *loans.FREQUENCIES,
             *loans.LATE_CHARGE_KINDS, *loans.EARLY_RULES, *methods.METHODS,
             *EVENT_LABELS, *SOURCE_LABELS, "payoff",
             *savings.PRODUCT_KINDS, savings.AVERAGE_DAILY, savings.LOWEST_MONTHLY,
             DEPOSIT, WITHDRAWAL, REVERSAL, SETTLEMENT, REMITTANCE, *PASSBOOK_KINDS.values(),
             *members.MEMBER_STATUSES, *members.CATEGORIES, *members.RELATIONSHIPS,
             *CHANNELS, *JOB_STATUSES, KSP, KSPPS, *audited_tables(), "insert", "update", "delete"}
    codes |= stored(JournalEntry.kind, savings.SavingsTransaction.kind, loans.Loan.status,
                    loans.Loan.method, loans.Loan.quality, loans.LoanEvent.kind,
                    loans.LoanPayment.kind, AuditLog.table_name, members.Member.status,
                    members.Member.category)
    return codes


def own_english_words(codes):
    """Codes that are also English words the pages say on purpose (a member is "active", a
    member page's login is "none"): the catalogue translates them, so in English they read
    as the word they are."""
    with force_locale("id"):
        return {code for code in codes if gettext(code) != code}


def visible_texts(page):
    """The texts a person reads on a page: no tags, attributes, scripts or styles, and not
    the audit log's raw values."""
    page = re.sub(r"(?s)<details data-raw-values>.*?</details>", " ", page)
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    for text in re.split(r"<[^>]*>", page):
        text = " ".join(html.unescape(text).split())
        if text:
            yield text


def raw_codes(texts, codes, allowed=frozenset()):
    """(code, text) of every text that is a code (but an allowed one), alone or after its
    label, or that holds a code with an underscore."""
    joined = [code for code in codes if "_" in code]
    within = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, joined)) + r")(?![\w])")
    found = []
    for text in texts:
        bare = text.strip(" :·-–()")  # a value after its label (": qardh") is a value too
        if (bare in codes and bare not in allowed) or within.search(text):
            found.append((bare if bare in codes else within.search(text).group(1), text[:120]))
    return found


class Reader:
    """A logged-in client that reads pages in one language and keeps what each showed."""

    def __init__(self, app, username, lang, rendered):
        self.client = app.test_client()
        response = self.client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        with self.client.session_transaction() as session:
            session["lang"] = lang
        self.rendered = rendered
        self.texts = {}  # url -> visible texts
        self.links = {}  # url of a page -> the pages it links to
        self.documents = set()

    def read(self, url):
        if url in self.texts:
            return
        before = len(self.rendered)
        response = self.client.get(url)
        if response.status_code in (301, 302, 303):  # the start page sends each to their own
            self.texts[url] = []
            location = urlsplit(response.headers["Location"])
            self.links[url] = [location.path + ("?" + location.query if location.query else "")]
            return
        assert response.status_code == 200, (url, response.status_code)
        if response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            self.texts[url] = list(visible_texts(page))
            self.links[url] = []
            for href in re.findall(r'href="([^"#]+)"', page):
                parts = urlsplit(urljoin(url, html.unescape(href)))
                if parts.netloc not in ("", "localhost") or parts.path.startswith("/static") \
                        or parts.path in ("/logout", "/language"):
                    continue
                path = parts.path + ("?" + parts.query if parts.query else "")
                (self.documents.add(path) if DOCUMENT.search(parts.path) else self.links[url].append(path))
        elif response.mimetype == "application/pdf":
            assert len(self.rendered) > before, url
            self.texts[url] = list(visible_texts(self.rendered[-1]))
        elif response.mimetype == "text/csv":
            rows = csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
            self.texts[url] = [cell.strip() for row in rows for cell in row if cell.strip()]
        else:
            from openpyxl import load_workbook
            sheet = load_workbook(io.BytesIO(response.data)).active
            self.texts[url] = [str(v).strip() for row in sheet.iter_rows(values_only=True)
                               for v in row if v is not None and str(v).strip()]

    def follow(self, start, limit):
        """Read `start` and the pages it links to, breadth first, up to `limit` pages."""
        queue = [start]
        while queue and len(self.texts) < limit:
            url = queue.pop(0)
            if url in self.texts or DOCUMENT.search(url):
                continue
            self.read(url)
            queue.extend(link for link in self.links.get(url, ()) if link not in self.texts)

    def read_documents(self):
        """One document of each kind linked from the pages read (a PDF takes a while)."""
        kinds = set()
        for url in sorted(self.documents):
            kind = re.sub(r"\d+", "N", urlsplit(url).path)
            if kind not in kinds:
                kinds.add(kind)
                self.read(url)


def staff_pages(code):
    """The pages of a cooperative where codes were printed: its journal with every kind, an
    entry of each kind, the audit log of every table, the loans of every status and method,
    the portfolio and its exports, members, savings accounts and remittances."""
    coop = db.session.execute(select(Cooperative).where(Cooperative.code == code)).scalar_one()
    base = f"/c/{code}"
    kinds = db.session.execute(
        select(JournalEntry.kind, db.func.min(JournalEntry.id))
        .where(JournalEntry.cooperative_id == coop.id).group_by(JournalEntry.kind)).all()
    loan_ids = db.session.execute(
        select(db.func.min(loans.Loan.id)).where(loans.Loan.cooperative_id == coop.id)
        .group_by(loans.Loan.status, loans.Loan.method, loans.Loan.quality)).scalars().all()
    account_ids = db.session.execute(
        select(db.func.min(savings.SavingsAccount.id))
        .join(savings.SavingsProduct, savings.SavingsAccount.product_id == savings.SavingsProduct.id)
        .where(savings.SavingsAccount.cooperative_id == coop.id)
        .group_by(savings.SavingsProduct.kind, savings.SavingsAccount.status)).scalars().all()
    member_ids = db.session.execute(
        select(db.func.min(members.Member.id)).where(members.Member.cooperative_id == coop.id)
        .group_by(members.Member.status, members.Member.category)).scalars().all()
    borrowers = db.session.execute(  # a few members with loans of different kinds
        select(loans.Loan.member_id).where(loans.Loan.id.in_(loan_ids))
        .order_by(loans.Loan.id).limit(6)).scalars().all()
    return ([f"{base}/ledger/journal"]
            + [f"{base}/ledger/journal?kind={kind}" for kind, _entry in kinds]
            + [f"{base}/ledger/entries/{entry}" for _kind, entry in kinds]
            + [f"{base}/audit/"] + [f"{base}/audit/?table={table}" for table in audited_tables()]
            + [f"{base}/loans/"] + [f"{base}/loans/?status={s}" for s in loans.LOAN_STATUSES]
            + [f"{base}/loans/{loan}" for loan in loan_ids]
            + [f"{base}/portfolio/?{PERIOD}", f"{base}/portfolio/loans?{PERIOD}&status=any",
               f"{base}/portfolio/loans.csv?{PERIOD}&status=any",
               f"{base}/portfolio/loans.xlsx?{PERIOD}&status=any", f"{base}/portfolio/report.pdf?{PERIOD}"]
            + [f"{base}/members/"] + [f"{base}/members/{m}" for m in {*member_ids, *borrowers}]
            + [f"{base}/savings/accounts/{a}" for a in account_ids]
            + [f"{base}/remittances/", f"{base}/savings/month-end"])


@pytest.fixture(scope="module")
def shown(demo):
    """What every page, export and PDF showed, by language: {lang: {(user, url): texts}};
    the codes to look for, and those that are English words too."""
    rendered = []
    real = pdf.render_template

    def capture(template, **context):
        page = real(template, **context)
        rendered.append(page)
        return page

    pdf.render_template = capture
    try:
        with demo.app_context():
            codes = known_codes()
            english = own_english_words(codes)
            pages = {code: staff_pages(code) for code in COOPS}
        out = {}
        for lang in ("id", "en"):
            out[lang] = {}
            readers = []
            for code, manager in COOPS.items():
                reader = Reader(demo, manager, lang, rendered)
                for url in pages[code]:
                    reader.read(url)
                readers.append((manager, reader))
            auditor = Reader(demo, "auditor", lang, rendered)
            for url in (f"/portfolio/?{PERIOD}", f"/portfolio/loans?{PERIOD}&status=any",
                        f"/portfolio/loans.csv?{PERIOD}&status=any",
                        f"/portfolio/loans.xlsx?{PERIOD}&status=any", f"/portfolio/report.pdf?{PERIOD}"):
                auditor.read(url)
            readers.append(("auditor", auditor))
            for username in MEMBERS:  # a member's own pages, by their links
                reader = Reader(demo, username, lang, rendered)
                reader.follow("/", limit=40)
                readers.append((username, reader))
            for username, reader in readers:
                reader.read_documents()
                for url, texts in reader.texts.items():
                    out[lang][(username, url)] = texts
        return out, codes, english
    finally:
        pdf.render_template = real


# -- the tests ----------------------------------------------------------------------------

def test_every_journal_kind_has_words_in_both_languages_and_in_sharia(demo):
    with demo.app_context():
        kinds = stored(JournalEntry.kind) | set(registry().reversal_handlers) | set(ledger.LEDGER_KINDS)
        assert len(kinds) >= 17  # the demo posts every kind but the year-end closing
        for lang in ("id", "en"):
            with force_locale(lang):
                for kind in kinds:
                    for sharia in (False, True):
                        words = str(kind_label(kind, sharia=sharia))
                        assert words != kind and "_" not in words, (lang, kind, words)
        with force_locale("id"):
            assert str(kind_label("loan_disbursement", sharia=False)) == "Pencairan pinjaman"
            assert str(kind_label("loan_disbursement", sharia=True)) == "Pencairan pembiayaan"
            assert str(kind_label("loan_month_end", sharia=True)) == \
                "Tutup bulan pembiayaan: kolektibilitas, PPAP, ta'zir"
            assert str(kind_label("savings_deposit")) == "Setoran simpanan"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_code_is_shown_on_pages_exports_or_pdfs(shown, lang):
    pages, codes, english = shown
    read = pages[lang]
    urls = {url for _user, url in read}
    # What was read: every journal kind, the audit log, loans, the exports and PDFs.
    assert sum("/ledger/journal?kind=" in url for url in urls) >= 20
    for part in ("/audit/?table=loans", "/portfolio/loans.csv", "/portfolio/loans.xlsx",
                 "/portfolio/report.pdf", "/agreement.pdf", "/schedule.pdf", "/me/"):
        assert any(part in url for url in urls), part
    found = [(user, url, code, text) for (user, url), texts in read.items()
             for code, text in raw_codes(texts, codes, english if lang == "en" else frozenset())]
    assert found == [], "\n".join(map(repr, found))


def test_the_journal_and_the_exports_say_it_in_the_cooperatives_words(demo, shown):
    pages, _codes, _english = shown
    ksp = pages["id"][("ksp.manajer", "/c/KSP-IDM01/ledger/journal?kind=loan_disbursement")]
    bmt = pages["id"][("bmt.manajer", "/c/BMT-LTM01/ledger/journal?kind=loan_disbursement")]
    assert "Pencairan pinjaman" in ksp and "Pencairan pembiayaan" not in ksp
    assert "Pencairan pembiayaan" in bmt and "Pencairan pinjaman" not in bmt
    english = pages["en"][("bmt.manajer", "/c/BMT-LTM01/ledger/journal?kind=savings_wadiah_bonus")]
    assert "Bonus on wadiah savings" in english
    audit = pages["id"][("bmt.manajer", "/c/BMT-LTM01/audit/?table=loans")]
    assert "Pembiayaan" in audit
    for lang, words in (("id", {"Aktif", "Lunas", "Lancar"}), ("en", {"Active", "Paid off"})):
        cells = set(pages[lang][("auditor", f"/portfolio/loans.csv?{PERIOD}&status=any")])
        assert words <= cells, (lang, words - cells)
        sheet = set(pages[lang][("bmt.manajer", f"/c/BMT-LTM01/portfolio/loans.xlsx?{PERIOD}&status=any")])
        with demo.app_context(), force_locale(lang):
            assert str(methods.label(methods.MURABAHAH)) in sheet
