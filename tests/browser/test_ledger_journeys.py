"""The main journeys of the ledger in a real browser: a manager records an expense voucher,
finds it in the journal and the trial balance, and reverses it; a member cannot reach it."""
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from tests.browser.conftest import follow, login


def _fund_cash(server, amount):
    with server.app.app_context():
        coop_id = server.world.ksp_id
        cash = ledger.account_by_key(coop_id, "cash")
        grants = ledger.account_by_key(coop_id, "grants")
        ledger.post_manual_entry(coop_id, date.today(), "Hibah awal program",
                                 [(cash.id, Decimal("10000000"), None, None),
                                  (grants.id, None, Decimal("10000000"), None)],
                                 "browser-seed", created_by=server.world.user_id("manager"))
        db.session.commit()


def test_manager_records_finds_and_reverses_an_expense_voucher(page, live_server):
    _fund_cash(live_server, 10_000_000)
    login(page, "manager")
    assert page.url.endswith("/c/KSP-A/")
    assert page.locator("#summary-cash").inner_text() == "Rp10.000.000"

    follow(page.locator("main >> text=Bukti kas keluar"))
    page.select_option("#cash_account", label="1101 · Kas")
    page.select_option("#counter_account", label="5203 · Beban Alat Tulis Kantor")
    page.fill("#amount", "1.250.000")
    page.fill("#description", "Beli kertas kuitansi dan tinta printer")
    follow(page.locator("button:has-text('Catat pembayaran')"))

    assert "/ledger/entries/" in page.url
    lines = page.locator("table").first.inner_text()
    assert "Beban Alat Tulis Kantor" in lines and "Rp1.250.000" in lines
    with live_server.app.app_context():
        voucher = db.session.execute(
            db.select(JournalEntry).where(JournalEntry.kind == "expense_voucher")).scalar_one()
        assert sorted(line.amount for line in voucher.lines) == [Decimal("-1250000.00"), Decimal("1250000.00")]
        voucher_id = voucher.id

    page.goto(page.base + "/c/KSP-A/ledger/journal")
    journal = page.locator("#journal").inner_text()
    assert "Beli kertas kuitansi dan tinta printer" in journal and f"#{voucher_id}" in journal

    page.goto(page.base + "/c/KSP-A/ledger/trial-balance")
    assert page.locator("#tb-status").inner_text().startswith("Seimbang")
    tb = page.locator("#trial-balance").inner_text()
    assert "Beban Alat Tulis Kantor" in tb and "Rp1.250.000" in tb
    assert "Rp10.000.000" in page.locator("#tb-totals").inner_text()

    page.goto(page.base + f"/c/KSP-A/ledger/entries/{voucher_id}")
    page.fill("#reason", "Salah catat: kertas dibeli dengan dana pribadi pengurus")
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page.locator("button:has-text('Balik')"))
    assert page.locator("#entry-reverses").inner_text().startswith(f"#{voucher_id}")

    page.goto(page.base + "/c/KSP-A/ledger/journal")
    assert "Dibalik oleh #" in page.locator("#journal").inner_text()
    page.goto(page.base + "/c/KSP-A/ledger/trial-balance")
    assert "Beban Alat Tulis Kantor" not in page.locator("#trial-balance").inner_text()
    with live_server.app.app_context():
        assert db.session.execute(db.select(db.func.count(JournalEntry.id))).scalar() == 3


def test_member_cannot_reach_the_voucher_form(page, live_server):
    page.allow_http_errors = True
    login(page, "member")
    assert "Buku" not in page.locator("nav").inner_text()
    response = page.goto(page.base + "/c/KSP-A/ledger/vouchers/expense")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Tidak diizinkan"
    assert page.locator("form #amount").count() == 0
