"""The cooperative's today is its own local date (WIB, WITA or WIT), and one date rule holds on
every money form: nothing dated after that today, nothing in a closed period; the same
message everywhere, 422, nothing written."""
import re
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask import g

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.posting import ClosedPeriodError, FutureDateError
from coop_app.ledger.service import INCOME_VOUCHER
from coop_app.provisioning import create_cooperative
from coop_app.savings import movements as savings
from tests.ledger.pages import manual_data, seed, voucher_data
from tests.savings.helpers import build_savers, open_with
from tests.support import key
from tests.support.books import account_id, account_id_in, cash, entry_count_in, savings_balance_in
from tests.support.web import english, text_of

D = Decimal
# 02:54 WIB on Wednesday 2 December 2026: the server's UTC date is still 1 December.
AT_0254_WIB = datetime(2026, 12, 1, 19, 54, tzinfo=timezone.utc)
# Half past midnight of 2 December at WITA (23:30 on 1 December at WIB).
AT_0030_WITA = datetime(2026, 12, 1, 16, 30, tzinfo=timezone.utc)
# Half past midnight of 2 December at WIT (23:30 WITA, 22:30 WIB on 1 December).
AT_0030_WIT = datetime(2026, 12, 1, 15, 30, tzinfo=timezone.utc)
DEC_1, DEC_2, DEC_3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
FROZEN_DAY = date(2026, 11, 18)  # tests/conftest.py's clock
FUTURE = "after today"


@pytest.fixture
def savers(app):
    """Members of KSP-A (WIB, Jawa Barat) and BMT-C (WITA, NTB) with a sukarela account each."""
    with app.app_context():
        people = build_savers()
        siti = open_with(people.ksp_id, people.siti, "SS", "1000000", date(2025, 3, 3))
        aminah = open_with(people.bmt_id, people.aminah, "WD", "1000000", date(2025, 3, 3))
        db.session.commit()
        return people, siti.id, aminah.id


def deposit_form(client, code, account):
    return text_of(client.get(f"/c/{code}/savings/accounts/{account}/deposit"))


def date_default(page):
    return re.search(r'name="entry_date"[^>]*value="([0-9-]+)"|value="([0-9-]+)"[^>]*name="entry_date"',
                     page).group(0)


def date_error(page, name):
    """The message shown under the form's date field `name`."""
    found = re.search(rf'name="{name}"[^>]*>\s*(?:<[^>]*>\s*)*?<div class="invalid-feedback">([^<]*)</div>', page)
    return found and found.group(1)


def post_deposit(app, client, code, account, day, amount):
    return client.post(f"/c/{code}/savings/accounts/{account}/deposit", data={
        "entry_date": day.isoformat(), "amount": amount, "key": uuid.uuid4().hex,
        "money_account": account_id_in(app, _coop_id(app, code), "cash")})


def _coop_id(app, code):
    with app.app_context():
        return db.session.execute(db.select(Cooperative.id).where(Cooperative.code == code)).scalar_one()


# -- the cooperative's today -------------------------------------------------------------------

def test_at_0254_wib_a_deposit_dated_today_is_taken_and_tomorrow_refused(app, client, auth, savers, clock):
    people, siti, _aminah = savers
    clock.move_to(AT_0254_WIB)
    auth.login("treasurer")
    english(client)
    assert 'value="2026-12-02"' in date_default(deposit_form(client, "KSP-A", siti))

    response = post_deposit(app, client, "KSP-A", siti, DEC_2, "250,000")
    assert response.status_code == 302
    assert savings_balance_in(app, siti) == D("1250000.00")

    before = entry_count_in(app, people.ksp_id)
    refused = post_deposit(app, client, "KSP-A", siti, DEC_3, "40,000")
    assert refused.status_code == 422
    assert date_error(text_of(refused), "entry_date") == (
        "The date 2026-12-03 is after today (2026-12-02): nothing can be recorded in the future.")
    assert savings_balance_in(app, siti) == D("1250000.00")
    assert entry_count_in(app, people.ksp_id) == before


def test_the_message_is_in_the_users_language(app, client, auth, savers, clock):
    _people, siti, _aminah = savers
    clock.move_to(AT_0254_WIB)
    auth.login("treasurer")
    refused = post_deposit(app, client, "KSP-A", siti, DEC_3, "40.000")
    assert refused.status_code == 422
    assert "Tanggal 2026-12-03 sesudah hari ini (2026-12-02)" in text_of(refused)


def test_a_wita_cooperative_has_its_today_an_hour_before_jawa(app, client, auth, savers, clock):
    """The world's BMT is in Nusa Tenggara Barat: WITA. At 00:30 WITA its 2 December has
    begun, while KSP-A in Jawa Barat is still at 23:30 on 1 December."""
    people, siti, aminah = savers
    clock.move_to(AT_0030_WITA)
    with app.app_context():
        assert db.session.get(Cooperative, people.bmt_id).time_zone == "WITA"
        entry = savings.deposit(people.bmt_id, aminah, D("100000"), DEC_2, cash(people.bmt_id), key())
        assert entry.entry_date == DEC_2
        with pytest.raises(FutureDateError, match=r"2026-12-02\D+2026-12-01"):
            savings.deposit(people.ksp_id, siti, D("100000"), DEC_2, cash(people.ksp_id), key())
        db.session.commit()
    auth.login("bmt.treasurer")
    assert 'value="2026-12-02"' in date_default(deposit_form(client, "BMT-C", aminah))
    auth.logout()
    auth.login("treasurer")
    assert 'value="2026-12-01"' in date_default(deposit_form(client, "KSP-A", siti))


def test_a_wit_cooperative_at_the_date_line(ctx, world, clock):
    """A cooperative in Papua keeps WIT: at 00:30 WIT on 2 December it records that day's
    money, which the WITA and WIB cooperatives may not yet."""
    papua = create_cooperative("KSP-JPR", "ksp", name="KSP Harapan Sentani", village="Hinekombe",
                               kecamatan="Sentani", kabupaten="Kabupaten Jayapura", province="Papua",
                               founded_on=date(2020, 1, 1))
    assert papua.time_zone == "WIT"
    clock.move_to(AT_0030_WIT)
    seed_entry = ledger.record_voucher(
        papua.id, INCOME_VOUCHER, DEC_2, account_id(papua.id, "cash"),
        account_id(papua.id, "other_income"), D("50000"), "Jasa sewa tenda", key())
    assert seed_entry.entry_date == DEC_2
    for other in (world.bmt_id, world.ksp_id):
        with pytest.raises(FutureDateError):
            ledger.record_voucher(other, INCOME_VOUCHER, DEC_2, account_id(other, "cash"),
                                  account_id(other, "other_income"), D("50000"), "Jasa", key())
        ledger.record_voucher(other, INCOME_VOUCHER, DEC_1, account_id(other, "cash"),
                              account_id(other, "other_income"), D("50000"), "Jasa", key())


# -- vouchers, manual entries and reversals: 422, nothing written ------------------------------

BASE = "/c/KSP-A/ledger"
TOMORROW, IN_2027 = date(2026, 11, 19), date(2027, 3, 1)


@pytest.mark.parametrize("day", [TOMORROW, IN_2027])
def test_a_voucher_dated_after_today_is_refused(app, client, auth, world, day):
    seed(app, world.ksp_id, "5000000", on=date(2026, 11, 2))
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/vouchers/income",
                           data=voucher_data(app, world, "income", entry_date=day.isoformat(), amount="15,000"))
    assert response.status_code == 422
    assert f"The date {day.isoformat()} is after today (2026-11-18)" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 1


@pytest.mark.parametrize("day", [TOMORROW, IN_2027])
def test_a_manual_entry_dated_after_today_is_refused(app, client, auth, world, day):
    auth.login("manager")
    english(client)
    cash_id = account_id_in(app, world.ksp_id, "cash")
    grants = account_id_in(app, world.ksp_id, "grants")
    response = client.post(f"{BASE}/manual", data=manual_data(
        [(cash_id, "100,000", "", ""), (grants, "", "100,000", "")], on=day))
    assert response.status_code == 422
    assert f"The date {day.isoformat()} is after today (2026-11-18)" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 0


@pytest.mark.parametrize("day", [TOMORROW, IN_2027])
def test_a_reversal_dated_after_today_is_refused(app, client, auth, world, day):
    entry_id = seed(app, world.ksp_id, "750000", on=date(2026, 11, 2))
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/entries/{entry_id}/reverse", data={
        "reason": "Salah catat", "reversal_date": day.isoformat(), "key": uuid.uuid4().hex})
    assert response.status_code == 422
    assert f"The date {day.isoformat()} is after today (2026-11-18)" in text_of(response)
    assert entry_count_in(app, world.ksp_id) == 1


def test_a_voucher_in_a_closed_period_is_refused(app, client, auth, world):
    seed(app, world.ksp_id, "5000000", on=date(2026, 9, 2))
    with app.app_context():
        ledger.close_period(db.session.get(Cooperative, world.ksp_id), date(2026, 10, 31))
        db.session.commit()
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/vouchers/expense",
                           data=voucher_data(app, world, entry_date="2026-10-15", amount="10,000"))
    assert response.status_code == 422
    # next to the date it is about, as every refused date is
    assert date_error(text_of(response), "entry_date") == "The books are closed up to 2026-10-31; choose a later date."
    assert entry_count_in(app, world.ksp_id) == 1


def test_the_voucher_form_defaults_to_the_cooperatives_today(client, auth, world, clock):
    clock.move_to(AT_0254_WIB)
    auth.login("treasurer")
    page = text_of(client.get(f"{BASE}/vouchers/expense"))
    assert 'value="2026-12-02"' in date_default(page)


# -- times shown in the cooperative's zone -----------------------------------------------------

def test_an_entry_shows_when_it_was_posted_in_the_cooperatives_zone(app, client, auth, world, clock):
    clock.move_to(AT_0030_WITA)
    with app.app_context():
        g.actor_id = None
        entry = ledger.record_voucher(
            world.bmt_id, INCOME_VOUCHER, DEC_2, account_id(world.bmt_id, "cash"),
            account_id(world.bmt_id, "other_income"), D("50000"), "Ujrah sewa", key())
        db.session.commit()
        entry_id = entry.id
    auth.login("bmt.manager")
    english(client)
    page = text_of(client.get(f"/c/BMT-C/ledger/entries/{entry_id}"))
    assert re.search(r"Dec 2, 2026, 12:30:\d\d\W+AM WITA", page), page


# -- the admin sees and chooses the zone -------------------------------------------------------

class FormValues(HTMLParser):
    """The values a browser would send back of a page's form: inputs and selected options."""

    def __init__(self, html):
        super().__init__()
        self.values, self._select = {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "submit"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.values):
            self.values[self._select] = attrs.get("value") or ""


def test_the_admin_sees_and_changes_the_time_zone(app, client, auth, world):
    auth.login("admin")
    english(client)
    url = f"/admin/cooperatives/{world.bmt_id}/edit"
    page = text_of(client.get(url))
    assert "Time zone" in page
    form = FormValues(page).values
    assert form["time_zone"] == ""  # "from the province": NTB's WITA
    with app.app_context():
        assert db.session.get(Cooperative, world.bmt_id).time_zone == "WITA"
    form["time_zone"] = "WIT"
    response = client.post(url, data=form)
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        assert db.session.get(Cooperative, world.bmt_id).time_zone == "WIT"
    refused = client.post(url, data=dict(form, time_zone="CET"))
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Cooperative, world.bmt_id).time_zone == "WIT"


# -- the rule itself, for every caller of post_entry -------------------------------------------

def test_post_entry_refuses_tomorrow_and_a_closed_period_with_the_date_field(ctx, world):
    ksp = db.session.get(Cooperative, world.ksp_id)
    with pytest.raises(FutureDateError) as future:
        ledger.record_voucher(ksp.id, INCOME_VOUCHER, TOMORROW, account_id(ksp.id, "cash"),
                              account_id(ksp.id, "other_income"), D("1000"), "x", key())
    assert future.value.field == "date"
    ledger.close_period(ksp, date(2026, 10, 31))
    with pytest.raises(ClosedPeriodError) as closed:
        ledger.record_voucher(ksp.id, INCOME_VOUCHER, date(2026, 10, 1), account_id(ksp.id, "cash"),
                              account_id(ksp.id, "other_income"), D("1000"), "x", key())
    assert closed.value.field == "date"
    entry = ledger.record_voucher(ksp.id, INCOME_VOUCHER, FROZEN_DAY, account_id(ksp.id, "cash"),
                                  account_id(ksp.id, "other_income"), D("1000"), "x", key())
    assert entry.entry_date == FROZEN_DAY
