"""The member's own view through the test client: their balances, transactions, remittances
and PDFs; nothing of any other member (every id URL 404s), no staff page (403), and the
passbook and statement numbers rendered from known lines."""
import re
from datetime import date

import pytest
from flask import g, render_template

from coop_app.auth import service as users
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.posting import Line
from coop_app.members.models import Member
from coop_app.remittances import recording as remittances
from coop_app.savings import documents
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsAccount
from tests.conftest import PASSWORD
from tests.remittances.helpers import D, record
from tests.support import key
from tests.support.books import cash
from tests.support.web import english, text_of

ME = "/c/KSP-A/me"


def move(coop_id, account_id, amount, day, memo):
    """A deposit (positive) or withdrawal (negative) of a known amount on a known day."""
    account, amount = db.session.get(SavingsAccount, account_id), D(amount)
    savings.post_movements(coop_id, day, "savings_deposit" if amount > 0 else "savings_withdrawal",
                           memo, [savings.Movement(account, amount, "deposit" if amount > 0 else "withdrawal")],
                           [Line(cash(coop_id), amount, member_id=account.member_id)], key())


@pytest.fixture
def story(app, families):
    """Siti's sukarela: 50.000 at joining, 600.000 of a remittance on 15 March, 100.000
    withdrawn on 20 April, and 25.000 deposited on 1 February but recorded last. Budi and
    Aminah have remittances of their own; Siti also has one paid out wholly in cash."""
    coop = families.ksp_id
    sukarela = families.accounts[("siti", "SS")]
    with app.app_context():
        remittances.set_allocation(coop, families.siti, sukarela, savings_pct=30)
        siti = record(families, reference="SITI-1", amount_idr=D("2000000"))
        move(coop, sukarela, "-100000", date(2025, 4, 20), "Penarikan tunai")
        move(coop, sukarela, "25000", date(2025, 2, 1), "Setoran susulan")
        remittances.set_allocation(coop, families.siti, pay_wajib_due=False)  # all paid out now
        cash_only = record(families, reference="SITI-2", amount_idr=D("300000"),
                           received_on=date(2025, 4, 25))
        budi = record(families, member="budi", reference="BUDI-1", amount_idr=D("500000"))
        aminah = record(families, member="aminah", reference="AMINAH-1", amount_idr=D("700000"))
        db.session.commit()
        return {"siti": siti.id, "siti_entry": siti.entry_id, "cash_only": cash_only.id,
                "cash_only_entry": cash_only.entry_id, "budi": budi.id, "budi_entry": budi.entry_id,
                "aminah": aminah.id, "aminah_entry": aminah.entry_id}


# -- what a member sees --------------------------------------------------------------------------

def test_member_sees_own_balances_and_remittances_only(app, client, auth, families, story):
    auth.login("member")
    english(client)
    for url in (f"{ME}/", "/c/KSP-A/"):  # a member landing on the cooperative gets the portal
        response = client.get(url)
        assert response.status_code == 200
        page = text_of(response)
        assert "Siti Rahayu" in page and "Budi" not in page.split("<main")[1]
        accounts = dict(re.findall(r'<tr data-account="(\d+)">.*?text-end text-nowrap">(Rp[0-9,.]+)<',
                                   page, re.S))
        assert accounts == {str(families.accounts[("siti", "SP")]): "Rp100,000",
                            str(families.accounts[("siti", "SW")]): "Rp60,000",
                            str(families.accounts[("siti", "SS")]): "Rp575,000"}
        assert re.findall(r'<tr data-remittance="(\d+)">', page) == [str(story["cash_only"]), str(story["siti"])]
        assert "2 remittances received, Rp2,300,000 in all, of which Rp640,000 saved (27.8%)" in page
        assert 'id="loans-note"' in page and 'href="/c/KSP-A/me/"' in page
        assert "/remittances/" not in page.split("<main")[0]  # no staff menu


def test_member_in_indonesian(app, client, auth, families, story):
    auth.login("member")
    page = text_of(client.get(f"{ME}/"))
    assert '<html lang="id">' in page and "Rp575.000" in page and "style=" not in page


def test_transactions_are_paginated_with_running_balances_in_date_order(app, client, auth, families, story):
    sukarela = families.accounts[("siti", "SS")]
    auth.login("member")
    english(client)
    page = text_of(client.get(f"{ME}/accounts/{sukarela}"))
    rows = re.findall(r'<tr data-entry="(\d+)">.*?</td>\s*<td>(.*?) <span.*?</td>\s*'
                      r'<td class="text-end text-nowrap">(.*?)</td><td class="text-end text-nowrap">(.*?)</td>'
                      r'<td class="text-end text-nowrap">(.*?)</td>', page, re.S)
    assert [(memo, out, into, balance) for _e, memo, out, into, balance in rows] == [
        ("Penarikan tunai", "Rp100,000", "", "Rp575,000"),
        ("Remitansi SITI-1: Simpanan Sukarela", "", "Rp600,000", "Rp675,000"),
        ("Setoran susulan", "", "Rp25,000", "Rp75,000"),
        ("Pendaftaran anggota Siti Rahayu", "", "Rp50,000", "Rp50,000"),
    ]
    app.config["PAGE_SIZE"] = 3
    first = text_of(client.get(f"{ME}/accounts/{sukarela}"))
    assert len(re.findall(r'<tr data-entry="', first)) == 3 and "Page 1 of 2" in first
    second = text_of(client.get(f"{ME}/accounts/{sukarela}?page=2"))
    assert re.findall(r'<tr data-entry="(\d+)">', second) and "Pendaftaran anggota" in second
    assert client.get(f"{ME}/accounts/{sukarela}?page=x").status_code == 200


def test_member_reads_a_remittance_and_an_entry(app, client, auth, families, story):
    auth.login("member")
    english(client)
    page = text_of(client.get(f"{ME}/remittances/{story['siti']}"))
    assert "SITI-1" in page and "Ahmad Fauzi" in page
    assert re.search(r'data-part="savings">.*?Rp600,000', page, re.S)
    receipt = client.get(f"{ME}/remittances/{story['siti']}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    listing = text_of(client.get(f"{ME}/remittances"))
    assert re.findall(r'<tr data-remittance="(\d+)">', listing) == [str(story["cash_only"]), str(story["siti"])]
    entry = text_of(client.get(f"{ME}/entries/{story['siti_entry']}"))
    movements = re.findall(r'<tr data-account="(\d+)">', entry)
    assert movements == [str(families.accounts[("siti", "SW")]), str(families.accounts[("siti", "SS")])]
    assert "Rp40,000" in entry and "Rp600,000" in entry
    cash_only = text_of(client.get(f"{ME}/entries/{story['cash_only_entry']}"))
    assert "did not move your savings" in cash_only and f"/me/remittances/{story['cash_only']}" in cash_only


# -- nothing of anyone else ----------------------------------------------------------------------

def id_urls(families, story, who):
    """Every URL of the portal that takes an id, for the ids of `who`."""
    account = families.accounts[(who, "SS" if who != "aminah" else "WD")]
    return [f"{ME}/accounts/{account}", f"{ME}/accounts/{account}/passbook.pdf",
            f"{ME}/accounts/{account}/statement.pdf", f"{ME}/entries/{story[who + '_entry']}",
            f"{ME}/remittances/{story[who]}", f"{ME}/remittances/{story[who]}/receipt.pdf"]


@pytest.mark.parametrize("username,who", [("member", "budi"), ("member2", "siti"),
                                          ("member", "aminah"), ("member2", "aminah")])
def test_every_id_url_of_another_member_is_404(app, client, auth, families, story, username, who):
    auth.login(username)
    for url in id_urls(families, story, who):
        assert client.get(url).status_code == 404, url
    own = "siti" if username == "member" else "budi"
    for url in id_urls(families, story, own):
        assert client.get(url).status_code == 200, url


def test_unknown_ids_are_404(client, auth, families, story):
    auth.login("member")
    for url in (f"{ME}/accounts/999999", f"{ME}/accounts/999999/passbook.pdf",
                f"{ME}/entries/999999", f"{ME}/remittances/999999", f"{ME}/remittances/999999/receipt.pdf"):
        assert client.get(url).status_code == 404, url


def test_staff_pages_are_403_for_members(app, client, auth, families, story):
    account = families.accounts[("siti", "SS")]
    auth.login("member")
    for url in ("/c/KSP-A/remittances/", f"/c/KSP-A/remittances/{story['siti']}",
                f"/c/KSP-A/remittances/{story['siti']}/receipt.pdf", "/c/KSP-A/remittances/new",
                f"/c/KSP-A/remittances/new/{families.siti}", f"/c/KSP-A/remittances/allocation/{families.siti}",
                f"/c/KSP-A/remittances/accounts/{account}",
                f"/c/KSP-A/remittances/accounts/{account}/passbook.pdf",
                f"/c/KSP-A/remittances/accounts/{account}/statement.pdf",
                f"/c/KSP-A/ledger/entries/{story['siti_entry']}"):
        assert client.get(url).status_code == 403, url
    # another cooperative does not exist for this member
    assert client.get("/c/BMT-C/me/").status_code == 404
    assert client.get(f"/c/BMT-C/me/remittances/{story['aminah']}").status_code == 404


@pytest.mark.parametrize("username,status", [("treasurer", 403), ("manager", 403), ("auditor.all", 403),
                                             ("other.manager", 404), ("admin", 404)])
def test_the_portal_is_for_members_only(app, client, auth, families, story, username, status):
    auth.login(username)
    for url in [f"{ME}/", f"{ME}/remittances"] + id_urls(families, story, "siti"):
        assert client.get(url).status_code == status, url


def test_a_member_login_without_a_member_record(app, client, auth, families, story):
    with app.app_context():
        user = users.create_user("member3", "Tanpa Data", PASSWORD)
        users.grant_role(user.id, "member", cooperative_id=families.ksp_id)
        db.session.commit()
    auth.login("member3")
    english(client)
    for url in (f"{ME}/", "/c/KSP-A/"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'id="not-linked"' in text_of(response) and "Siti" not in text_of(response)
    assert client.get(f"{ME}/remittances").status_code == 404
    for who in ("siti", "budi"):
        for url in id_urls(families, story, who):
            assert client.get(url).status_code == 404, url


# -- passbook and statement ------------------------------------------------------------------------

def render(app, families, template, context_of, *args):
    with app.test_request_context():
        g.coop = db.session.get(Cooperative, families.ksp_id)
        account = db.session.get(SavingsAccount, families.accounts[("siti", "SS")])
        member = db.session.get(Member, families.siti)
        return render_template(f"pdf/{template}", **context_of(account, member, *args))


def pdf_rows(html, table_id):
    table = re.search(rf'<table id="{table_id}"[^>]*>(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
                     for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)])
    return rows


def test_passbook_lists_every_line_with_its_running_balance(app, families, story):
    with app.app_context():
        html = render(app, families, "passbook.html", documents.passbook_context)
    assert "Buku Tabungan" in html and "KSP Sumber Rejeki" in html and "Desa Juntinyuat" in html
    assert "Siti Rahayu" in html and "2025.00001" in html and "SS-000001" in html
    assert pdf_rows(html, "passbook-lines") == [
        ["1", "10 Jan 2025", "Pendaftaran anggota Siti Rahayu", "", "Rp50.000", "Rp50.000"],
        ["2", "1 Feb 2025", "Setoran susulan", "", "Rp25.000", "Rp75.000"],
        ["3", "15 Mar 2025", "Remitansi SITI-1: Simpanan Sukarela", "", "Rp600.000", "Rp675.000"],
        ["4", "20 Apr 2025", "Penarikan tunai", "Rp100.000", "", "Rp575.000"],
    ]
    assert re.search(r"Rp100\.000</th><th class=\"num\">Rp675\.000</th><th class=\"num\" "
                     r"id=\"passbook-closing\">Rp575\.000<", html)


def test_statement_has_opening_lines_and_closing(app, families, story):
    with app.app_context():
        html = render(app, families, "statement.html", documents.statement_context,
                      date(2025, 2, 1), date(2025, 3, 31))
        later = render(app, families, "statement.html", documents.statement_context,
                       date(2025, 5, 1), date(2025, 5, 31))
    assert "1 Februari 2025 s.d. 31 Maret 2025" in html
    assert re.search(r'id="statement-opening">Rp50\.000<', html)
    assert pdf_rows(html, "statement-lines")[1:] == [
        ["1 Feb 2025", "Setoran susulan", "", "Rp25.000", "Rp75.000"],
        ["15 Mar 2025", "Remitansi SITI-1: Simpanan Sukarela", "", "Rp600.000", "Rp675.000"],
    ]
    assert re.search(r'id="statement-closing">Rp675\.000<', html)
    assert re.search(r'id="statement-opening">Rp575\.000<', later)
    assert "Tidak ada transaksi dalam periode ini" in later
    assert re.search(r'id="statement-closing">Rp575\.000<', later)


def test_member_downloads_passbook_and_statement(app, client, auth, families, story):
    sukarela = families.accounts[("siti", "SS")]
    auth.login("member")
    english(client)
    passbook = client.get(f"{ME}/accounts/{sukarela}/passbook.pdf")
    assert passbook.status_code == 200 and passbook.content_type == "application/pdf"
    assert passbook.data.startswith(b"%PDF")
    assert 'filename="buku-tabungan-SS-000001.pdf"' in passbook.headers["Content-Disposition"]
    statement = client.get(f"{ME}/accounts/{sukarela}/statement.pdf?date_from=2025-02-01&date_to=2025-03-31")
    assert statement.status_code == 200 and statement.data.startswith(b"%PDF")
    whole = client.get(f"{ME}/accounts/{sukarela}/statement.pdf")
    assert whole.status_code == 200 and whole.data.startswith(b"%PDF")


@pytest.mark.parametrize("query,message", [
    ("date_from=2025-04-01&date_to=2025-03-01", "before its start"),
    ("date_from=2025-02-30", "not a date"),
    ("date_to=yesterday", "not a date"),
])
def test_statement_bad_dates_are_a_message(app, client, auth, families, story, query, message):
    auth.login("member")
    english(client)
    response = client.get(f"{ME}/accounts/{families.accounts[('siti', 'SS')]}/statement.pdf?{query}")
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and 'id="transactions"' in page
