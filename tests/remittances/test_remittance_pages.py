"""The remittance pages through the test client: recording (in both languages), bad input on
every form with nothing written, the standing allocation, the list with its totals, the
receipt, the staff passbook, the dashboard figure, and who may open what."""
import re
from datetime import date, timedelta

import pytest
from flask import g, render_template
from sqlalchemy import event

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger.check import check_ledger
from coop_app.ledger.service import account_by_key
from coop_app.money import format_money
from coop_app.remittances import documents
from coop_app.remittances import queries as remittance_queries
from coop_app.remittances import recording as remittances
from coop_app.savings.models import Remittance
from tests.remittances.helpers import RECEIVED, D, record
from tests.support import key
from tests.support.books import cash, remittance_counts, savings_balance
from tests.support.web import english, form_key_of, text_of

BASE = "/c/KSP-A/remittances"


def record_url(member_id):
    return f"{BASE}/new/{member_id}"


def ringgit(app, families, english=False, **changes):
    """Form data of MYR 1.500,00 at 3.412,50 for Siti, typed the Indonesian (or English) way."""
    with app.app_context():
        cash_id = cash(families.ksp_id)
    amount, rate = ("1,500.00", "3,412.50") if english else ("1.500,00", "3.412,50")
    data = {"sender": str(families.ahmad), "country": "", "channel": "remittance_company",
            "currency": "MYR", "foreign_amount": amount, "rate": rate, "amount_idr": "",
            "received_on": RECEIVED.isoformat(), "reference": "WU-2025-0001",
            "money_account": str(cash_id), "key": key()}
    data.update(changes)
    return data


def allocate(app, families, member="siti", code="SS", **settings):
    with app.app_context():
        remittances.set_allocation(families.ksp_id, getattr(families, member),
                                   families.accounts[(member, code)], **settings)
        db.session.commit()


def remittance_id_from(response):
    match = re.search(r"/remittances/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def stored(app, remittance_id):
    with app.app_context():
        remittance = db.session.get(Remittance, remittance_id)
        db.session.expunge(remittance)
        return remittance


def db_counts(app):
    with app.app_context():
        return remittance_counts()


# -- recording --------------------------------------------------------------------------------

def test_treasurer_records_a_ringgit_remittance_split_by_the_allocation(app, client, auth, families):
    allocate(app, families, savings_pct=30)
    auth.login("treasurer")
    with app.app_context():
        due = remittances.wajib_due(families.ksp_id, families.siti, date.today())
    page = text_of(client.get(record_url(families.siti)))
    assert "Siti Rahayu" in page and format_money(due, "id") in page  # the wajib due today
    assert re.search(rf'<option selected value="{families.ahmad}">Ahmad Fauzi', page)
    data = ringgit(app, families, key=form_key_of(page))
    response = client.post(record_url(families.siti), data=data)
    assert response.status_code == 302
    remittance_id = remittance_id_from(response)

    remittance = stored(app, remittance_id)
    assert (remittance.currency, remittance.foreign_amount, remittance.rate, remittance.amount_idr) == (
        "MYR", D("1500.00"), "3412.50", D("5118750.00"))
    # wajib due 40.000, 30% of 5.118.750 = 1.535.625, the rest paid out
    assert (remittance.saved_amount, remittance.cash_paid) == (D("1575625.00"), D("3543125.00"))
    assert remittance.country == "Malaysia" and remittance.channel == "remittance_company"
    with app.app_context():
        assert db.session.get(type(remittance), remittance_id).entry.created_by == families.user_id("treasurer")
        assert savings_balance(families.accounts[("siti", "SS")]) == D("1585625")
        assert check_ledger()[1] == []

    detail = text_of(client.get(f"{BASE}/{remittance_id}"))
    assert "MYR 1.500,00" in detail and "3.412,50" in detail and "Rp5.118.750" in detail
    assert re.search(r'data-part="wajib">.*?Rp40\.000', detail, re.S)
    assert re.search(r'data-part="savings">.*?Simpanan Sukarela · SS-000001.*?Rp1\.535\.625', detail, re.S)
    assert re.search(r'data-part="cash">.*?Rp3\.543\.125', detail, re.S)
    assert "WU-2025-0001" in detail


def test_recording_in_english_with_rupiah(app, client, auth, families):
    auth.login("manager")
    english(client)
    data = ringgit(app, families, currency="IDR", foreign_amount="", rate="",
                   amount_idr="2,000,000.50", channel="bank", country="Malaysia (Johor)")
    response = client.post(record_url(families.siti), data=data)
    assert response.status_code == 302
    remittance = stored(app, remittance_id_from(response))
    assert (remittance.currency, remittance.foreign_amount, remittance.rate, remittance.amount_idr,
            remittance.cash_paid, remittance.country) == (
        "IDR", None, None, D("2000000.50"), D("2000000.50"), "Malaysia (Johor)")
    page = text_of(client.get(response.headers["Location"]))
    assert "Rp2,000,000.50" in page and "Paid out in cash" in page
    assert "The remittance was recorded as" in page


def test_a_double_submission_records_once(app, client, auth, families):
    allocate(app, families, savings_pct=30)
    auth.login("treasurer")
    english(client)
    data = ringgit(app, families, english=True)
    first = client.post(record_url(families.siti), data=data)
    before = db_counts(app)
    second = client.post(record_url(families.siti), data=data)
    assert remittance_id_from(first) == remittance_id_from(second)
    assert db_counts(app) == before
    assert "already recorded as remittance" in text_of(client.get(second.headers["Location"]))
    with app.app_context():
        assert savings_balance(families.accounts[("siti", "SS")]) == D("1585625")


@pytest.mark.parametrize("changes,message", [
    ({"rate": ""}, "Enter the exchange rate"),                              # foreign amount, no rate
    ({"foreign_amount": ""}, "Enter the amount sent in MYR"),
    ({"rate": "0"}, "The rate must be more than zero"),
    ({"rate": "-3,412.50"}, "The rate must be more than zero"),
    ({"rate": "3,412.1234567"}, "at most six decimals"),
    ({"rate": "abc"}, "That is not a rate"),
    ({"rate": "1" * 31}, "That is not a rate"),
    ({"currency": "XYZ"}, "Choose one of the listed options"),
    ({"received_on": (date.today() + timedelta(days=1)).isoformat()}, "is after today"),
    ({"received_on": "2025-02-30"}, "not a date"),
    ({"received_on": "2024-12-31"}, "before the member joined"),
    ({"reference": "DUPLICATE"}, "already recorded on"),
    ({"reference": ""}, "Enter the transfer"),
    ({"reference": "R" * 61}, "At most 60 characters"),
    ({"currency": "IDR"}, "no foreign amount or rate"),
    ({"amount_idr": "5,118,750"}, "leave the rupiah amount empty"),
    ({"currency": "IDR", "foreign_amount": "", "rate": "", "amount_idr": "abc"}, "That is not an amount"),
    ({"currency": "IDR", "foreign_amount": "", "rate": "", "amount_idr": "-5"}, "more than zero"),
    ({"currency": "IDR", "foreign_amount": "", "rate": "", "amount_idr": "10.555"}, "at most two decimals"),
    ({"foreign_amount": "-1,500"}, "more than zero"),
    ({"sender": "OTHER"}, "Choose one of the listed options"),
    ({"sender": ""}, "Choose the migrant worker"),
    ({"money_account": "GRANTS"}, "Choose one of the listed options"),
    ({"channel": "pigeon"}, "Choose one of the listed options"),
    ({"key": "zz"}, "The form is damaged"),
    ({"country": "C" * 101}, "At most 100 characters"),
])
def test_record_bad_input_is_a_message_and_nothing_is_written(app, client, auth, families, changes,
                                                                message):
    allocate(app, families, savings_pct=30)
    with app.app_context():
        record(families, reference="DUPLICATE")
        db.session.commit()
        if changes.get("sender") == "OTHER":
            changes["sender"] = str(families.other_migrant)
        if changes.get("money_account") == "GRANTS":
            changes["money_account"] = str(account_by_key(families.ksp_id, "grants").id)
    before = db_counts(app)
    auth.login("treasurer")
    english(client)
    response = client.post(record_url(families.siti), data=ringgit(app, families, True, **changes))
    assert response.status_code == 422
    assert message in text_of(response)
    assert db_counts(app) == before
    with app.app_context():
        assert savings_balance(families.accounts[("siti", "SS")]) == D("650000")  # 50.000 + the 600.000 above


def test_rates_are_read_the_indonesian_way(app, client, auth, families):
    auth.login("treasurer")
    data = ringgit(app, families, currency="HKD", foreign_amount="777,77", rate="2.150,5")
    response = client.post(record_url(families.siti), data=data)
    remittance = stored(app, remittance_id_from(response))
    assert (remittance.foreign_amount, remittance.rate, remittance.amount_idr) == (
        D("777.77"), "2150.5", D("1672594.39"))
    wrong = client.post(record_url(families.siti), data=ringgit(app, families, rate="2150.50",
                                                               reference="X-2"))
    assert wrong.status_code == 422 and "3.412,50" in text_of(wrong)  # the hint of the format


def test_a_member_of_another_cooperative_cannot_be_recorded_for(app, client, auth, families):
    auth.login("treasurer")
    assert client.get(record_url(families.aminah)).status_code == 404
    assert client.post(record_url(families.aminah), data=ringgit(app, families)).status_code == 404
    assert client.get(record_url(999999)).status_code == 404
    assert db_counts(app)[1] == 0


def test_choosing_the_member(app, client, auth, families):
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/new?q=siti"))
    assert f'data-member="{families.siti}"' in page and f'data-member="{families.budi}"' not in page
    assert record_url(families.siti) in page
    page = text_of(client.get(f"{BASE}/new?q=2025.00002"))
    assert f'data-member="{families.budi}"' in page
    assert "No active member matches" in text_of(client.get(f"{BASE}/new?q=aminah"))
    assert client.get(f"{BASE}/new?q=" + "x" * 200).status_code == 200


# -- standing allocation --------------------------------------------------------------------------

def test_allocation_page_sets_the_instruction(app, client, auth, families):
    sukarela = families.accounts[("siti", "SS")]
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/allocation/{families.siti}"))
    assert f'value="{sukarela}"' in page and "Simpanan Pokok" not in page.split("<form")[1].split("</form>")[0]
    with app.app_context():
        due = remittances.wajib_due(families.ksp_id, families.siti, date.today())
    assert re.search(rf'id="wajib-due">[^<]*{re.escape(format_money(due, "en"))}<', page)
    response = client.post(f"{BASE}/allocation/{families.siti}", data={
        "savings_account": str(sukarela), "savings_pct": "30", "savings_fixed": "",
        "pay_wajib_due": "y"})
    assert response.status_code == 302
    with app.app_context():
        allocation = remittances.get_allocation(families.ksp_id, families.siti)
        assert (allocation.savings_account_id, allocation.savings_pct, allocation.savings_fixed,
                allocation.pay_wajib_due, allocation.pay_instalment_due) == (sukarela, 30, None, True, False)
    page = text_of(client.get(response.headers["Location"]))
    assert "was saved" in page and 'name="savings_pct" type="text" value="30"' in page
    response = client.post(f"{BASE}/allocation/{families.siti}", data={
        "savings_account": str(sukarela), "savings_pct": "", "savings_fixed": "250,000"})
    assert response.status_code == 302
    with app.app_context():
        allocation = remittances.get_allocation(families.ksp_id, families.siti)
        assert (allocation.savings_pct, allocation.savings_fixed, allocation.pay_wajib_due) == (
            None, D("250000"), False)


@pytest.mark.parametrize("changes,message", [
    ({"savings_pct": "150"}, "whole number from 1 to 100"),
    ({"savings_pct": "abc"}, "whole number from 1 to 100"),
    ({"savings_pct": "12.5"}, "whole number from 1 to 100"),
    ({"savings_pct": "0"}, "whole number from 1 to 100"),
    ({"savings_fixed": "100,000"}, "either a percentage or a fixed amount"),
    ({"savings_pct": ""}, "either a percentage or a fixed amount"),
    ({"savings_pct": "", "savings_fixed": "-5"}, "more than zero"),
    ({"savings_pct": "", "savings_fixed": "lots"}, "That is not an amount"),
    ({"savings_account": "POKOK"}, "Choose one of the listed options"),
    ({"savings_account": "BUDI"}, "Choose one of the listed options"),
    ({"savings_account": ""}, "Choose the savings account"),
])
def test_allocation_bad_input(app, client, auth, families, changes, message):
    data = {"savings_account": str(families.accounts[("siti", "SS")]), "savings_pct": "30",
            "savings_fixed": "", "pay_wajib_due": "y"}
    data.update(changes)
    if data["savings_account"] == "POKOK":
        data["savings_account"] = str(families.accounts[("siti", "SP")])
    if data["savings_account"] == "BUDI":
        data["savings_account"] = str(families.accounts[("budi", "SS")])
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/allocation/{families.siti}", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        assert remittances.get_allocation(families.ksp_id, families.siti) is None


# -- list, totals, detail and receipt ----------------------------------------------------------------

def seed_remittances(app, families):
    allocate(app, families, savings_pct=30)
    with app.app_context():
        ids = [record(families, amount_idr=D("2000000"), reference="A-1").id,        # saves 640.000
               record(families, member="wati", amount_idr=D("1000000"), reference="A-2").id,
               record(families, member="budi", amount_idr=D("500000"), reference="A-3",
                      received_on=date(2025, 4, 2)).id,
               record(families, member="aminah", amount_idr=D("9000000"), reference="B-1").id]
        db.session.commit()
    return ids


def shown(client, query=""):
    page = text_of(client.get(f"{BASE}/?{query}"))
    return page, [int(i) for i in re.findall(r'<tr data-remittance="(\d+)">', page)]


def test_list_filters_totals_and_pagination(app, client, auth, families):
    siti, wati, budi, aminah = seed_remittances(app, families)
    auth.login("auditor.jabar")
    english(client)
    page, ids = shown(client)
    assert ids == [budi, wati, siti]  # newest first; never another cooperative's
    assert re.search(r'id="totals-count">3<', page)
    assert re.search(r'id="totals-received">Rp3,500,000<', page)
    assert re.search(r'id="totals-saved">Rp640,000<', page)
    assert re.search(r'id="totals-share">18\.3%<', page)
    assert "record-remittance" not in page  # an auditor reads only
    page, ids = shown(client, "date_from=2025-03-01&date_to=2025-03-31")
    assert ids == [wati, siti] and re.search(r'id="totals-share">21\.3%<', page)
    page, ids = shown(client, "member=siti")
    assert ids == [siti] and re.search(r'id="totals-received">Rp2,000,000<', page)
    assert shown(client, "member=2025.00002")[1] == [budi]
    page, ids = shown(client, "date_from=2025-02-31&member=wati")
    assert ids == [wati] and "The filter was ignored" in page
    app.config["PAGE_SIZE"] = 2
    page, ids = shown(client)
    assert ids == [budi, wati] and "Page 1 of 2" in page and re.search(r'id="totals-count">3<', page)
    assert shown(client, "page=2")[1] == [siti]
    assert client.get(f"{BASE}/?page=abc").status_code == 200


def test_list_queries_do_not_grow_with_the_rows(app, client, auth, families):
    auth.login("treasurer")
    statements = []

    def count(*args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        seed_remittances(app, families)
        statements.clear()
        client.get(f"{BASE}/")
        few = len(statements)
        with app.app_context():
            for n in range(6):
                record(families, member=("budi", "wati")[n % 2], amount_idr=D("1000"),
                       reference=f"N-{n}")
            db.session.commit()
        statements.clear()
        page = text_of(client.get(f"{BASE}/"))
        assert len(re.findall(r'<tr data-remittance="', page)) == 9
        assert len(statements) == few
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_detail_and_receipt(app, client, auth, families):
    allocate(app, families, savings_pct=30)
    with app.app_context():
        remittance = record(families, currency="MYR", foreign_amount=D("1500"), rate=D("3412.50"),
                            amount_idr=None, reference="MBB-77")
        db.session.commit()
        remittance_id = remittance.id
        with app.test_request_context():
            g.coop = db.session.get(Cooperative, families.ksp_id)
            html = render_template("pdf/remittance_receipt.html",
                                   **documents.receipt_context(db.session.get(Remittance, remittance_id)))
    assert "Bukti Penerimaan Remitansi" in html and "KSP Sumber Rejeki" in html
    assert "Ahmad Fauzi" in html and "Malaysia" in html and "MBB-77" in html
    assert "MYR 1.500,00" in html and "3.412,50" in html
    assert re.search(r'id="receipt-idr">Rp5\.118\.750<', html)
    assert re.search(r"Simpanan wajib \(tunggakan\) · SW-000001</td>\s*<td class=\"num\">Rp40\.000<", html)
    assert re.search(r"Simpanan Sukarela · SS-000001</td>\s*<td class=\"num\">Rp1\.535\.625<", html)
    assert re.search(r"Dibayarkan tunai kepada anggota</td>\s*<td class=\"num\">Rp3\.543\.125<", html)
    assert "Perusahaan Pengiriman Uang" not in html and "Bank" in html

    auth.login("auditor.indramayu")
    assert client.get(f"{BASE}/{remittance_id}").status_code == 200
    response = client.get(f"{BASE}/{remittance_id}/receipt.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.data.startswith(b"%PDF")


# -- staff passbook and statement -------------------------------------------------------------------

def test_staff_download_any_members_passbook_and_statement(app, client, auth, families):
    sukarela = families.accounts[("budi", "SS")]
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/accounts/{sukarela}"))
    assert "Budi Santoso" in page and "Rp75,000" in page
    passbook = client.get(f"{BASE}/accounts/{sukarela}/passbook.pdf")
    assert passbook.status_code == 200 and passbook.data.startswith(b"%PDF")
    statement = client.get(f"{BASE}/accounts/{sukarela}/statement.pdf?date_from=2025-01-01&date_to=2025-12-31")
    assert statement.status_code == 200 and statement.data.startswith(b"%PDF")
    for query, message in (("date_from=2025-05-01&date_to=2025-01-01", "before its start"),
                           ("date_from=nonsense", "not a date")):
        response = client.get(f"{BASE}/accounts/{sukarela}/statement.pdf?{query}")
        assert response.status_code == 422 and message in text_of(response)
    other = families.accounts[("aminah", "WD")]
    for url in (f"{BASE}/accounts/{other}", f"{BASE}/accounts/{other}/passbook.pdf",
                f"{BASE}/accounts/{other}/statement.pdf"):
        assert client.get(url).status_code == 404


# -- access --------------------------------------------------------------------------------------

def staff_urls(families, remittance_id, foreign_remittance_id):
    account = families.accounts[("siti", "SS")]
    return {
        "list": f"{BASE}/", "choose": f"{BASE}/new", "record": record_url(families.siti),
        "detail": f"{BASE}/{remittance_id}", "receipt": f"{BASE}/{remittance_id}/receipt.pdf",
        "allocation": f"{BASE}/allocation/{families.siti}", "account": f"{BASE}/accounts/{account}",
        "passbook": f"{BASE}/accounts/{account}/passbook.pdf",
        "statement": f"{BASE}/accounts/{account}/statement.pdf",
        "foreign_detail": f"{BASE}/{foreign_remittance_id}",
        "foreign_receipt": f"{BASE}/{foreign_remittance_id}/receipt.pdf",
    }


READ = dict(list=200, choose=403, record=403, detail=200, receipt=200, allocation=403, account=200,
            passbook=200, statement=200, foreign_detail=404, foreign_receipt=404)
STAFF = dict(READ, choose=200, record=200, allocation=200)
HIDDEN = dict.fromkeys(READ, 404)
NO_ROLE = dict.fromkeys(READ, 403)


@pytest.mark.parametrize("username,expected", [
    ("treasurer", STAFF), ("manager", STAFF), ("auditor.all", READ), ("auditor.jabar", READ),
    ("auditor.indramayu", READ), ("member", NO_ROLE), ("member2", NO_ROLE),
    ("other.manager", HIDDEN), ("bmt.treasurer", HIDDEN), ("auditor.ntb", HIDDEN), ("admin", HIDDEN),
])
def test_who_may_open_the_remittance_pages(app, client, auth, families, username, expected):
    with app.app_context():
        mine = record(families, reference="ACC-1").id
        foreign = record(families, member="aminah", reference="ACC-2").id
        db.session.commit()
    urls = staff_urls(families, mine, foreign)
    auth.login(username)
    actual = {name: client.get(url).status_code for name, url in urls.items()}
    assert actual == expected
    # writing: a POST is refused the same way for those who may not record
    if expected["record"] != 200:
        before = db_counts(app)
        assert client.post(urls["record"], data=ringgit(app, families)).status_code == expected["record"]
        assert client.post(urls["allocation"], data={"savings_pct": "30"}).status_code == expected["allocation"]
        assert db_counts(app) == before


def test_nav_and_dashboard_show_remittances(app, client, auth, families):
    seed_remittances(app, families)
    auth.login("manager")
    english(client)
    page = text_of(client.get("/c/KSP-A/"))
    assert 'href="/c/KSP-A/remittances/"' in page and "My savings" not in page
    if date.today().year == RECEIVED.year:  # the figure counts this fiscal year's remittances
        assert re.search(r'id="summary-remittances">Rp3,500,000<', page)
        assert re.search(r'id="summary-remittance-share">18\.3% saved<', page)
    with app.app_context():
        today = date.today()
        record(families, amount_idr=D("1000000"), reference="TODAY-1", received_on=today)
        db.session.commit()
        summary = remittance_queries.remittance_summary(
            families.ksp_id, date(today.year, 1, 1), today)
    page = text_of(client.get("/c/KSP-A/"))
    assert re.search(r'id="summary-remittances">Rp([0-9,]+)<', page).group(1) == \
        f"{summary['received']:,.0f}"
    assert "style=" not in page


@pytest.mark.parametrize("path", ["/", "/new?q=s", "/new/SITI", "/allocation/SITI", "/accounts/SS"])
def test_pages_render_in_both_languages_without_inline_style(app, client, auth, families, path):
    path = path.replace("SITI", str(families.siti)).replace("SS", str(families.accounts[("siti", "SS")]))
    auth.login("treasurer")
    indonesian = client.get(BASE + path)
    assert indonesian.status_code == 200 and '<html lang="id">' in text_of(indonesian)
    english(client)
    page = text_of(client.get(BASE + path))
    assert '<html lang="en">' in page and "style=" not in page and "<script>" not in page
