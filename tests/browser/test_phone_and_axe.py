"""The phone and accessibility: on a 390-pixel phone the member's pages and the treasurer's
daily pages and forms fit the screen (no sideways scrolling; tables become stacked rows, each
cell labelled by its column; forms are one column; the top bar folds behind its menu
button), and every page passes axe-core's automated WCAG 2 A/AA check, on the phone and at
desktop width for each role's main pages.

axe-core is vendored in tests/browser/vendor/ (never served by the app) and injected through
the browser's devtools channel, so the app's strict CSP stays in force during the test. One
browser and one server, on one database, serve the whole module."""
import shutil
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from werkzeug.serving import make_server

from coop_app import create_app
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.members.models import Member
from coop_app.remittances import recording as remittances
from tests.browser.conftest import login
from tests.conftest import FROZEN_AT, PG_URL, _config, _truncate_postgres
from tests.loans.pages import build_loan_world
from tests.remittances.helpers import add_migrant
from tests.support import key
from tests.support.books import cash

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}, resultTypes: ["violations"]
}).then(r => r.violations.map(v => v.id + " (" + v.impact + "): "
    + v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.failureSummary.replace(/\\s+/g, " ")).join(" | ")))"""

# Text that runs past the page's right margin (cut off or touching the edge even when the
# page does not scroll): the extent of each innermost element's text.
SPILLED = """() => {
  const main = document.querySelector("main");
  const edge = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
  const right = e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().right; };
  return [...main.querySelectorAll("*")]
    .filter(e => !e.children.length && e.getClientRects().length && right(e) > edge + 1)
    .slice(0, 3).map(e => e.tagName + "#" + e.id + " " + e.textContent.trim().slice(0, 30));
}"""


@pytest.fixture(scope="module")
def site(database_template, tmp_path_factory):
    """The app on a local port with the loan world (tests/loans/pages.py): Siti (login
    "member") with her sukarela, an active loan with one repayment and a remittance."""
    if PG_URL:
        _truncate_postgres()
        url = PG_URL
    else:
        path = tmp_path_factory.mktemp("phone") / "coop.db"
        shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app(_config(url, WTF_CSRF_ENABLED=True))
    with time_machine.travel(FROZEN_AT, tick=True), app.app_context():
        world = build_loan_world()
        siti = db.session.get(Member, world.siti)
        siti.migrant_worker_id = add_migrant(world.ksp_id, "Ahmad Fauzi", "Malaysia").id
        siti.relationship = "spouse"
        remittance = remittances.record_remittance(world.ksp_id, world.siti, remittances.RemittanceData(
            migrant_worker_id=siti.migrant_worker_id, channel="bank", currency="IDR",
            received_on=date(2026, 5, 4), reference="MBB-2026-0001", money_account_id=cash(world.ksp_id),
            amount_idr=Decimal("2500000")), key())
        world.remittance = remittance.id
        world.entry = remittance.entry_id
        world.voucher_entry = db.session.execute(db.select(JournalEntry.id).where(
            JournalEntry.cooperative_id == world.ksp_id).order_by(JournalEntry.id)).scalars().first()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.world = world
    yield server
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def visit(browser, site):
    """visit(username, viewport) -> a logged-in page; errors the pages log fail the test."""
    contexts, errors = [], []

    def open_as(username, viewport):
        context = browser.new_context(locale="id-ID", viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.base = site.url
        login(page, username)
        return page

    open_as.allow_http_errors = False  # a test that sends a refused form on purpose sets this
    yield open_as
    for context in contexts:
        context.close()
    if open_as.allow_http_errors:
        errors = [e for e in errors if not e.startswith("Failed to load resource")]
    assert not errors, f"the pages logged errors: {errors}"


def check(page, path, width=None):
    """Open `path`; return what is wrong with it: its status, sideways scrolling (on a phone)
    and each axe-core violation."""
    response = page.goto(page.base + path)
    problems = []
    if response.status != 200:
        problems.append(f"status {response.status}")
    if width is not None:
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll > width:
            wide = page.evaluate("""(width) => [...document.body.querySelectorAll("*")]
                .filter(e => e.getBoundingClientRect().right > width)
                .slice(-3).map(e => e.tagName + "." + e.className + "#" + e.id)""", width)
            problems.append(f"scrolls sideways: {scroll}px wide ({wide})")
        spilled = page.evaluate(SPILLED)
        if spilled:
            problems.append(f"text runs past the right edge: {spilled}")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    problems += page.evaluate(AXE_RUN)
    return [f"{path}: {problem}" for problem in problems]


def member_pages(w):
    me = "/c/KSP-A/me"
    return [f"{me}/", f"{me}/accounts/{w.siti_ss}", f"{me}/loans/", f"{me}/loans/{w.loans['active']}",
            f"{me}/remittances", f"{me}/remittances/{w.remittance}", f"{me}/entries/{w.entry}",
            "/account/password"]


def treasurer_pages(w):
    c = "/c/KSP-A"
    return [f"{c}/", f"{c}/savings/accounts/{w.siti_ss}/deposit", f"{c}/savings/accounts/{w.siti_ss}/withdraw",
            f"{c}/savings/accounts/{w.siti_ss}", f"{c}/loans/{w.loans['active']}/repay",
            f"{c}/loans/{w.loans['active']}", f"{c}/members/{w.siti}", f"{c}/members/",
            f"{c}/ledger/journal", f"{c}/ledger/entries/{w.entry}", f"{c}/ledger/vouchers/expense",
            f"{c}/ledger/vouchers/income", f"{c}/remittances/", f"{c}/remittances/{w.remittance}",
            f"{c}/savings/arrears", f"{c}/indicators/", f"{c}/indicators/behind?indicator=k2_active_members"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_login_page_passes_axe(browser, site, viewport):
    context = browser.new_context(locale="id-ID", viewport=viewport)
    try:
        page = context.new_page()
        page.base = site.url
        assert check(page, "/login", viewport["width"]) == []
    finally:
        context.close()


def test_the_member_pages_fit_a_phone_and_pass_axe(visit, site):
    page = visit("member", PHONE)
    problems = [p for path in member_pages(site.world) for p in check(page, path, PHONE["width"])]
    assert problems == [], "\n".join(problems)


def test_the_treasurer_daily_pages_fit_a_phone_and_pass_axe(visit, site):
    page = visit("treasurer", PHONE)
    problems = [p for path in treasurer_pages(site.world) for p in check(page, path, PHONE["width"])]
    assert problems == [], "\n".join(problems)


def test_tables_become_labelled_rows_on_a_phone(visit, site):
    page = visit("treasurer", PHONE)
    page.goto(page.base + "/c/KSP-A/ledger/journal")
    table = page.locator("main table").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert not table.locator("thead").is_visible()
    cells = table.locator("tbody tr").first.locator("td")
    labels = [cells.nth(i).evaluate("td => getComputedStyle(td, '::before').content")
              for i in range(cells.count())]
    # Every cell with a heading shows it before its value (an empty heading shows nothing).
    assert [label.strip('"') if label != "none" else "" for label in labels] == headers
    assert "Tanggal" in headers
    first = cells.first.bounding_box()
    second = cells.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1  # stacked, not side by side
    assert first["width"] > 300  # each cell takes the row's width


def test_forms_are_one_column_and_the_top_bar_folds_on_a_phone(visit, site):
    page = visit("treasurer", PHONE)
    page.goto(page.base + f"/c/KSP-A/savings/accounts/{site.world.siti_ss}/deposit")
    fields = page.locator("main form .form-control:visible, main form .form-select:visible")
    assert fields.count() >= 2
    lefts = {round(fields.nth(i).bounding_box()["x"]) for i in range(fields.count())}
    assert len(lefts) == 1, lefts  # one column: every field starts at the same left edge
    assert all(fields.nth(i).bounding_box()["width"] > 300 for i in range(fields.count()))
    # The top bar shows its menu button, not the menu; the button opens it.
    toggler = page.locator("nav .navbar-toggler")
    journal = page.locator("#nav a.nav-link:has-text('Buku')")
    assert toggler.is_visible() and not journal.is_visible()
    toggler.click()
    journal.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_refused_form_on_a_phone_passes_axe(visit, site):
    """A deposit refused (422) shows its message next to the field, and still passes."""
    visit.allow_http_errors = True
    page = visit("treasurer", PHONE)
    page.goto(page.base + f"/c/KSP-A/savings/accounts/{site.world.siti_ss}/deposit")
    page.fill("#amount", "abc")
    with page.expect_navigation() as navigation:
        page.locator("main button[type=submit]").click()
    assert navigation.value.status == 422
    assert page.locator("#amount.is-invalid").is_visible()
    page.evaluate(AXE_SOURCE)
    assert page.evaluate(AXE_RUN) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


DESKTOP_PAGES = {
    "admin": ["/", "/admin/cooperatives", "/admin/users", "/portfolio/"],
    "manager": ["/c/KSP-A/", "/c/KSP-A/loans/", "/c/KSP-A/portfolio/", "/c/KSP-A/ledger/trial-balance",
                "/c/KSP-A/ledger/accounts", "/c/KSP-A/ledger/periods", "/c/KSP-A/savings/products",
                "/c/KSP-A/savings/month-end", "/c/KSP-A/audit/", "/c/KSP-A/ledger/manual",
                "/c/KSP-A/indicators/", "/c/KSP-A/indicators/behind?indicator=k2_active_members"],
    "treasurer": ["/c/KSP-A/", "/c/KSP-A/members/", "/c/KSP-A/ledger/journal", "/c/KSP-A/remittances/"],
    "member": ["/c/KSP-A/me/", "/c/KSP-A/me/loans/"],
    "bmt.manager": ["/c/BMT-C/", "/c/BMT-C/loans/"],
    "auditor.all": ["/", "/portfolio/", "/indicators/", "/indicators/definitions"],
}


@pytest.mark.parametrize("username", sorted(DESKTOP_PAGES))
def test_each_role_main_pages_pass_axe_at_desktop_width(visit, site, username):
    page = visit(username, DESKTOP)
    problems = [p for path in DESKTOP_PAGES[username] for p in check(page, path)]
    assert problems == [], "\n".join(problems)
