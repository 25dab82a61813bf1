"""Receipts (kuitansi): a PDF with the letterhead, number, member, account, amount in figures
and in words, who served; for staff, auditors, and only the member the entry belongs to."""
import re
from datetime import date
from decimal import Decimal

import pytest
from flask import render_template

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from coop_app.savings import movements as savings
from coop_app.savings import receipts
from coop_app.savings.views import receipt_context
from tests.savings.helpers import open_with
from tests.support import key
from tests.support.books import cash, savings_product

D = Decimal
BASE = "/c/KSP-A/savings"
DAY = date(2025, 3, 3)


def deposit_entry(app, savers, member="siti", amount="1250000", by="treasurer"):
    with app.app_context():
        account = open_with(savers.ksp_id, getattr(savers, member), "SS", "100000", DAY)
        entry = savings.deposit(savers.ksp_id, account.id, D(amount), DAY, cash(savers.ksp_id), key(),
                                created_by=savers.user_id(by))
        db.session.commit()
        return entry.id


def receipt_html(app, coop_id, entry_id):
    with app.test_request_context():
        found = receipts.get_receipt(coop_id, entry_id)
        return render_template("pdf/receipt.html", coop=db.session.get(Cooperative, coop_id),
                               **receipt_context(found))


def test_deposit_receipt_says_the_amount_in_figures_and_words(app, savers):
    entry_id = deposit_entry(app, savers)
    html = receipt_html(app, savers.ksp_id, entry_id)
    assert "KSP Sumber Rejeki" in html  # the letterhead
    assert re.search(rf'id="receipt-number">KW/2025/{entry_id:06d}<', html)
    assert re.search(r'id="receipt-amount">Rp1\.250\.000<', html)
    assert re.search(r'id="receipt-words">Satu juta dua ratus lima puluh ribu rupiah<', html)
    assert "Kuitansi Setoran Simpanan" in html and "2024.00001 · Siti Rahayu" in html
    assert "SS-000001" in html and "Simpanan Sukarela" in html and "3 Maret 2025" in html
    assert "( Treasurer )" in html and "Penyetor" in html


def test_withdrawal_receipt_shows_the_penalty_and_the_net_paid(app, savers):
    with app.app_context():
        berjangka = savings_product(savers.ksp_id, "SB12")
        berjangka.early_withdrawal_allowed, berjangka.early_withdrawal_penalty_bp = True, 100
        db.session.commit()
        account = open_with(savers.ksp_id, savers.siti, "SB12", "2500000", date(2026, 6, 1))
        entry = savings.withdraw(savers.ksp_id, account.id, D("2500000"), date(2026, 11, 2),
                                 cash(savers.ksp_id), key())
        db.session.commit()
        entry_id = entry.id
    html = receipt_html(app, savers.ksp_id, entry_id)
    assert "Kuitansi Penarikan Simpanan" in html and "Penerima" in html
    assert "Rp2.500.000" in html and "-Rp25.000" in html
    assert re.search(r'id="receipt-amount">Rp2\.475\.000<', html)
    assert "Dua juta empat ratus tujuh puluh lima ribu rupiah" in html


def test_receipt_is_a_pdf_for_staff_auditors_and_its_member(app, client, auth, savers):
    entry_id = deposit_entry(app, savers)
    for user in ("treasurer", "manager", "auditor.jabar", "member"):
        auth.login(user)
        response = client.get(f"{BASE}/receipts/{entry_id}.pdf")
        assert response.status_code == 200, user
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.data.startswith(b"%PDF")
        auth.logout()


def test_other_members_and_cooperatives_get_404(app, client, auth, savers):
    siti_entry = deposit_entry(app, savers, "siti")
    budi_entry = deposit_entry(app, savers, "budi", amount="50000")
    auth.login("member2")  # Budi
    assert client.get(f"{BASE}/receipts/{siti_entry}.pdf").status_code == 404
    assert client.get(f"{BASE}/receipts/{budi_entry}.pdf").status_code == 200
    auth.logout()
    for user in ("other.manager", "auditor.ntb"):
        auth.login(user)
        assert client.get(f"{BASE}/receipts/{siti_entry}.pdf").status_code == 404, user
        auth.logout()


def test_only_savings_entries_have_receipts(app, client, auth, savers):
    with app.app_context():
        voucher = ledger.record_voucher(savers.ksp_id, ledger.INCOME_VOUCHER, DAY, cash(savers.ksp_id),
                                        ledger.account_by_key(savers.ksp_id, "other_income").id,
                                        D("10000"), "Sewa tenda", key())
        foreign = open_with(savers.bmt_id, savers.aminah, "WD", "50000", DAY)
        db.session.commit()
        voucher_id = voucher.id
        foreign_entry = db.session.execute(db.select(db.func.max(JournalEntry.id))).scalar()
        assert foreign.cooperative_id == savers.bmt_id
    auth.login("manager")
    assert client.get(f"{BASE}/receipts/{voucher_id}.pdf").status_code == 404
    assert client.get(f"{BASE}/receipts/{foreign_entry}.pdf").status_code == 404
    assert client.get(f"{BASE}/receipts/999999.pdf").status_code == 404


def test_a_reversal_has_no_receipt(app, client, auth, savers):
    entry_id = deposit_entry(app, savers)
    with app.app_context():
        reversal = ledger.reverse_entry(savers.ksp_id, entry_id, "Salah rekening", key(), reversal_date=DAY)
        db.session.commit()
        reversal_id = reversal.id
    auth.login("manager")
    assert client.get(f"{BASE}/receipts/{reversal_id}.pdf").status_code == 404


@pytest.mark.parametrize("amount, words", [("20000", "Dua puluh ribu rupiah"),
                                           ("1000.50", "Seribu rupiah lima puluh sen")])
def test_words_for_other_amounts(app, savers, amount, words):
    entry_id = deposit_entry(app, savers, amount=amount)
    assert words in receipt_html(app, savers.ksp_id, entry_id)
