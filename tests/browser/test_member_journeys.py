"""Members, savings and remittances in a real browser: a treasurer registers a family
member with the migrant worker abroad, takes a deposit, records a remittance and prints
the receipt; the member logs in and downloads the passbook."""
from datetime import date, timedelta

from coop_app.extensions import db
from coop_app.members.models import Member
from coop_app.savings.models import Remittance
from tests.browser.conftest import follow, login


def _pdf(page, href):
    response = page.request.get(page.base + href if href.startswith("/") else href)
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:4] == b"%PDF"


def test_treasurer_registers_a_family_takes_savings_and_a_remittance(page, live_server):
    login(page, "treasurer")
    page.goto(page.base + "/c/KSP-A/members/new")
    # A woman born 14 May 1990 in Kabupaten Indramayu: the day carries +40 in her NIK.
    page.fill("#nik", "3212055405900001")
    page.fill("#name", "Tarsih")
    page.select_option("#gender", "F")
    page.fill("#birth_date", "1990-05-14")
    page.fill("#address", "Blok Karanganyar RT 02/RW 01, Juntinyuat")
    page.fill("#phone", "081234567890")
    page.select_option("#category", "family")
    page.select_option("#migrant", "new")
    page.select_option("#relationship", "spouse")
    page.fill("#migrant_name", "Dulkarim")
    page.fill("#migrant_country", "Malaysia")
    page.select_option("#migrant_sector", "plantation")
    page.fill("#migrant_departure", (date.today() - timedelta(days=400)).isoformat())
    follow(page.locator("main button[type=submit]"))
    assert "/members/" in page.url and "Tarsih" in page.locator("main").inner_text()
    with live_server.app.app_context():
        member = db.session.execute(db.select(Member).where(Member.nik == "3212055405900001")).scalar_one()
        member_id = member.id
        assert member.migrant_worker.name == "Dulkarim" and member.relationship == "spouse"

    # Deposit into her simpanan wajib account, then print the receipt.
    follow(page.locator("main a:has-text('SW-')"))
    follow(page.locator("main a:has-text('Setor')"))
    page.fill("#amount", "40.000")
    follow(page.locator("main button[type=submit]"))
    receipt = page.locator("#receipt-ready a").get_attribute("href")
    _pdf(page, receipt)
    assert "Rp160.000" not in page.locator("main").inner_text()  # pokok is not in this account

    # A remittance from her husband in Malaysia, split by her standing allocation.
    page.goto(page.base + f"/c/KSP-A/remittances/new/{member_id}")
    page.select_option("#currency", "MYR")
    page.fill("#foreign_amount", "1.500")
    page.fill("#rate", "3.412,50")
    page.fill("#reference", "MBB-2026-0001")
    follow(page.locator("main button[type=submit]"))
    assert "Rp5.118.750" in page.locator("main").inner_text()
    _pdf(page, page.locator("#receipt-link").get_attribute("href"))
    with live_server.app.app_context():
        remittance = db.session.execute(db.select(Remittance)).scalar_one()
        assert str(remittance.amount_idr) == "5118750.00"
        assert remittance.saved_amount + remittance.cash_paid == remittance.amount_idr


def test_member_logs_in_and_downloads_the_passbook(page, live_server):
    from coop_app.ledger.service import account_by_key
    from coop_app.members.service import MemberData
    from coop_app.membership.joining import register_member

    with live_server.app.app_context():
        coop_id = live_server.world.ksp_id
        from coop_app.cooperatives.models import Cooperative
        coop = db.session.get(Cooperative, coop_id)
        member = register_member(
            coop, MemberData(nik="3212051203850002", name="Casmadi", gender="M",
                             birth_date=date(1985, 3, 12), address="Juntinyuat", phone=None,
                             join_date=date.today(), category="other"),
            account_by_key(coop_id, "cash").id, "browser-member", created_by=None)
        member.user_id = live_server.world.user_id("member")
        db.session.commit()

    login(page, "member")
    page.goto(page.base + "/c/KSP-A/me/")
    text = page.locator("main").inner_text()
    assert "Rp100.000" in text and "Rp20.000" in text  # pokok and the first wajib
    href = page.locator("main a:has-text('Buku simpanan')").first.get_attribute("href")
    _pdf(page, href)
