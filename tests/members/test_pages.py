"""The member pages through the test client: registering (with a new migrant inline),
the member's page, editing, search, member numbers, logins and leaving; bad input on every
form is a message and writes nothing."""
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop_app.auth.models import User
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.members.models import Member, MigrantWorker
from coop_app.savings.models import Remittance, SavingsAccount
from tests.members.helpers import D, make_nik
from tests.members.pages import BASE, member_form, register_form
from tests.support.web import english, form_key, table_column, text_of

TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs


def counts(app):
    with app.app_context():
        return tuple(db.session.execute(select(func.count()).select_from(model)).scalar()
                     for model in (Member, JournalEntry, MigrantWorker, User))


def member_id_from(response):
    match = re.search(r"/members/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


# -- registering ------------------------------------------------------------------------

def test_treasurer_registers_a_member_with_pokok_and_wajib(app, client, auth, world):
    auth.login("treasurer")
    key = form_key(client, f"{BASE}/new")
    response = client.post(f"{BASE}/new", data=register_form(app, world, key=key))
    assert response.status_code == 302
    member_id = member_id_from(response)
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert (member.name, member.member_number, member.phone) == (
            "Nur Aini", f"{TODAY.year}.00001", "0812 3456 7890")
        entry = db.session.execute(select(JournalEntry)).scalar_one()
        assert (entry.idempotency_key, entry.kind, entry.created_by) == (
            key, "member_joining", world.user_id("treasurer"))
        lines = dict(db.session.execute(
            select(GLAccount.system_key, JournalLine.amount)
            .join(GLAccount, GLAccount.id == JournalLine.account_id)
            .where(JournalLine.entry_id == entry.id)).all())
        assert lines == {"cash": D("120000.00"), "simpanan_pokok": D("-100000.00"),
                         "simpanan_wajib": D("-20000.00")}
    page = text_of(client.get(response.headers["Location"]))
    assert "Nur Aini" in page and "Rp100.000" in page and "Rp20.000" in page
    assert table_column(page, "member-savings", 2) == ["Rp100.000", "Rp20.000"]


def test_a_double_submission_registers_once(app, client, auth, world):
    auth.login("treasurer")
    english(client)
    data = register_form(app, world)
    first = client.post(f"{BASE}/new", data=data)
    second = client.post(f"{BASE}/new", data=data)
    assert member_id_from(first) == member_id_from(second)
    assert counts(app)[:2] == (1, 1)
    assert "already recorded" in text_of(client.get(second.headers["Location"]))


def test_family_member_with_a_new_migrant_on_the_same_form(app, client, auth, world):
    auth.login("manager")
    data = register_form(app, world, category="family", migrant="new", relationship="spouse",
                         migrant_name="Karta", migrant_country="Arab Saudi",
                         migrant_sector="construction", migrant_departure="2022-02-02",
                         migrant_expected_return="2026-02-02", migrant_procedural="")
    response = client.post(f"{BASE}/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        member = db.session.get(Member, member_id_from(response))
        migrant = member.migrant_worker
        assert (member.relationship, migrant.name, migrant.destination_country, migrant.sector,
                migrant.departure_date, migrant.procedural) == (
            "spouse", "Karta", "Arab Saudi", "construction", date(2022, 2, 2), False)


def test_returnee_with_own_record_is_flagged_eligible(app, client, auth, world):
    auth.login("manager")
    english(client)
    back = TODAY - timedelta(days=400)
    data = register_form(app, world, category="returnee", migrant="new", migrant_country="Malaysia",
                         migrant_sector="plantation", migrant_actual_return=back.isoformat())
    response = client.post(f"{BASE}/new", data=data)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert 'id="returnee-eligible"' in page and "Eligible as a returnee until" in page
    with app.app_context():
        assert db.session.get(Member, member_id_from(response)).migrant_worker.name == "Nur Aini"


def test_register_a_family_member_from_the_migrants_page(client, auth, people):
    auth.login("treasurer")
    page = text_of(client.get(f"{BASE}/new?migrant={people.rohman}"))
    assert re.search(rf'<option selected value="{people.rohman}">Rohman', page)
    assert '<option selected value="family">' in page


REGISTER_CASES = [
    ("nik", "", "This field is required"),
    ("nik", "1234", "exactly 16 digits"),
    ("nik", make_nik(date(1988, 8, 8), "M", serial=77), "does not match the gender"),
    ("nik", "9901014808880077", "region code"),
    ("name", "", "This field is required"),
    ("name", "x" * 201, "At most 200 characters"),
    ("gender", "X", "Choose one of the listed options"),
    ("gender", "", "Choose the gender"),
    ("birth_date", "1988-02-30", "not a date"),
    ("birth_date", "", "This field is required"),
    ("join_date", (TODAY + timedelta(days=1)).isoformat(), "cannot be in the future"),
    ("join_date", "kemarin", "not a date"),
    ("address", "", "This field is required"),
    ("phone", "abc", "7 to 20 digits"),
    ("category", "tourist", "Choose one of the listed options"),
    ("category", "family", "linked to the migrant worker"),
    ("migrant", "abc", "Choose one of the listed options"),
    ("migrant", "999999", "Choose one of the listed options"),
    ("money_account", "", "Choose an account"),
    ("money_account", "999999", "Choose one of the listed options"),
    ("relationship", "cousin", "Choose one of the listed options"),
    ("key", "<script>", "The form is damaged"),
]


@pytest.mark.parametrize("field,value,message", REGISTER_CASES)
def test_register_bad_input_is_a_message_and_nothing_is_written(app, client, auth, world, field,
                                                                value, message):
    auth.login("treasurer")
    english(client)
    before = counts(app)
    response = client.post(f"{BASE}/new", data=register_form(app, world, **{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    assert counts(app) == before


@pytest.mark.parametrize("changes,message", [
    ({"category": "family", "migrant": "new", "relationship": "child", "migrant_name": "Karta",
      "migrant_country": "", "migrant_sector": "domestic"}, "Fill in the destination country"),
    ({"category": "family", "migrant": "new", "relationship": "child", "migrant_name": "Karta",
      "migrant_country": "Taiwan", "migrant_sector": "mining"}, "Choose one of the listed options"),
    ({"category": "family", "migrant": "new", "relationship": "", "migrant_name": "Karta",
      "migrant_country": "Taiwan", "migrant_sector": "domestic"}, "Choose the relationship"),
    ({"category": "returnee", "migrant": "new", "migrant_country": "Taiwan",
      "migrant_sector": "domestic"}, "Record the return date"),
    ({"category": "returnee", "migrant": "new", "migrant_country": "Taiwan",
      "migrant_sector": "domestic", "migrant_actual_return": (TODAY + timedelta(days=3)).isoformat()},
     "cannot be in the future"),
    ({"category": "other", "migrant": "new", "migrant_name": "Karta", "migrant_country": "Taiwan",
      "migrant_sector": "domestic"}, "Only family members and returnees"),
])
def test_register_bad_migrant_part_writes_neither(app, client, auth, world, changes, message):
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/new", data=register_form(app, world, **changes))
    assert response.status_code == 422
    assert message in text_of(response)
    assert counts(app)[:3] == (0, 0, 0)


def test_a_closed_period_is_a_message(app, client, auth, world):
    with app.app_context():
        ledger.close_period(db.session.get(Cooperative, world.ksp_id),
                            TODAY.replace(day=1) - timedelta(days=1))
        db.session.commit()
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/new", data=register_form(
        app, world, join_date=(TODAY.replace(day=1) - timedelta(days=3)).isoformat()))
    assert response.status_code == 422 and "The books are closed" in text_of(response)
    assert counts(app)[:2] == (0, 0)


# -- the member's page ------------------------------------------------------------------

def test_member_page_shows_family_savings_enterprises_remittances_and_history(
        app, client, auth, world, people):
    with app.app_context():
        entry_id = db.session.execute(select(JournalEntry.id).order_by(JournalEntry.id)).scalars().first()
        db.session.add(Remittance(cooperative_id=world.ksp_id, member_id=people.budi,
                                  migrant_worker_id=people.rohman, country="Taiwan", channel="bank",
                                  amount_idr=D("2500000"), received_on=date(2024, 5, 2),
                                  reference="TW-1", entry_id=entry_id, saved_amount=D("750000"),
                                  cash_paid=D("1750000")))
        account_id = db.session.execute(select(SavingsAccount.id).where(
            SavingsAccount.member_id == people.budi).order_by(SavingsAccount.id)).scalars().first()
        db.session.commit()
    auth.login("manager")
    english(client)
    assert client.post(f"{BASE}/{people.budi}/edit", data=member_form(
        nik=make_nik(date(1990, 5, 17), "M", serial=2), name="Budi Santosa", gender="M",
        category="family", migrant=str(people.rohman), relationship="child")).status_code == 302
    page = text_of(client.get(f"{BASE}/{people.budi}"))
    assert "Budi Santosa" in page and "Rohman" in page and "(Child)" in page
    assert "Taiwan" in page and "Manufacturing" in page
    assert table_column(page, "member-enterprises") == ["Warung Budi"]
    assert table_column(page, "member-remittances", 1) == ["Rohman"]
    assert table_column(page, "member-remittances", 3) == ["Rp2,500,000"]
    assert table_column(page, "member-remittances", 4) == ["Rp750,000"]
    assert "received Rp2,500,000 · saved Rp750,000" in page
    assert f'href="/c/KSP-A/savings/accounts/{account_id}"' in page
    history = table_column(page, "member-history", 2)
    assert history[0].startswith("name : Budi Santoso → Budi Santosa") and history[-1] == "Registered"
    assert f'href="{BASE}/{people.budi}/leave"' in page and f'href="{BASE}/{people.budi}/login"' in page


def test_edit_bad_input_changes_nothing(app, client, auth, people):
    auth.login("treasurer")
    english(client)
    for changes, message in [({"name": ""}, "This field is required"),
                             ({"category": "family"}, "linked to the migrant worker"),
                             ({"category": "returnee", "migrant": str(people.rohman)},
                              "Record the return date"),
                             ({"migrant": str(people.other_migrant)}, "Choose one of the listed options"),
                             ({"nik": make_nik(date(1990, 5, 17), "M", serial=2)},
                              "does not match the gender"),
                             ({"birth_date": "1990-13-01"}, "not a date")]:
        response = client.post(f"{BASE}/{people.siti}/edit", data=member_form(**changes))
        assert response.status_code == 422 and message in text_of(response), changes
    with app.app_context():
        siti = db.session.get(Member, people.siti)
        assert (siti.name, siti.category, siti.migrant_worker_id) == ("Siti Aminah", "other", None)


# -- search -----------------------------------------------------------------------------

def test_list_searches_by_name_nik_and_number_and_filters(app, client, auth, people):
    auth.login("auditor.indramayu")
    english(client)
    with app.app_context():
        siti = db.session.get(Member, people.siti)
        nik, number = siti.nik, siti.member_number
    everyone = text_of(client.get(f"{BASE}/"))
    assert table_column(everyone, "members", 1) == ["Siti Aminah", "Budi Santoso"]
    assert "Orang Lain" not in everyone and "2 members" in everyone
    assert table_column(text_of(client.get(f"{BASE}/?q=bud")), "members", 1) == ["Budi Santoso"]
    assert table_column(text_of(client.get(f"{BASE}/?q={nik}")), "members", 1) == ["Siti Aminah"]
    assert table_column(text_of(client.get(f"{BASE}/?q={number}")), "members", 1) == ["Siti Aminah"]
    assert table_column(text_of(client.get(f"{BASE}/?category=family")), "members", 1) == ["Budi Santoso"]
    assert table_column(text_of(client.get(f"{BASE}/?status=resigned")), "members", 1) == []
    odd = client.get(f"{BASE}/?status=gone&q=siti&page=abc")
    assert odd.status_code == 200
    assert "The filter was ignored" in text_of(odd)
    assert table_column(text_of(odd), "members", 1) == ["Siti Aminah"]
    assert client.get(f"{BASE}/?q=" + "x" * 500).status_code == 200
    assert client.get(f"{BASE}/?q=²³").status_code == 200  # digits, but not ASCII ones


# -- member numbers ---------------------------------------------------------------------

def test_manager_sets_the_member_number_pattern(app, client, auth, world):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/settings", data={"pattern": "{code}/{year}/{seq:04d}"})
    assert response.status_code == 302
    page = text_of(client.get(f"{BASE}/settings"))
    assert f"KSP-A/{TODAY.year}/0001" in page
    response = client.post(f"{BASE}/new", data=register_form(app, world))
    with app.app_context():
        assert db.session.get(Member, member_id_from(response)).member_number == f"KSP-A/{TODAY.year}/0001"


@pytest.mark.parametrize("pattern,message", [
    ("", "This field is required"),
    ("{year}", "needs {seq}"),
    ("{nama}{seq}", "Use only {code}, {year} and {seq}"),
    ("{seq:z}", "cannot be used"),
    ("{{seq}", "braces do not match"),
    ("y" * 41, "At most 40 characters"),
])
def test_bad_patterns_are_refused(app, client, auth, world, pattern, message):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/settings", data={"pattern": pattern})
    assert response.status_code == 422 and message in text_of(response)
    with app.app_context():
        assert db.session.get(Cooperative, world.ksp_id).member_number_pattern == "{year}.{seq:05d}"


# -- a login for a member ---------------------------------------------------------------

def test_manager_gives_a_member_a_login_and_the_member_sees_their_page(app, client, auth, people):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/{people.budi}/login", data={
        "username": "budi.santoso", "password": "rahasia-budi", "confirm": "rahasia-budi"})
    assert response.status_code == 302
    assert "can now log in as budi.santoso" in text_of(client.get(response.headers["Location"]))
    again = client.post(f"{BASE}/{people.budi}/login", data={
        "username": "budi2", "password": "rahasia-budi", "confirm": "rahasia-budi"})
    assert again.status_code == 422 and "already has a login" in text_of(again)
    auth.logout()
    assert auth.login("budi.santoso", "rahasia-budi").status_code == 302
    assert client.get(f"{BASE}/{people.budi}").status_code == 200
    assert client.get(f"{BASE}/{people.siti}").status_code == 404
    assert client.get(f"/c/KSP-A/enterprises/{people.shop}").status_code == 200


@pytest.mark.parametrize("form,message", [
    ({"username": "", "password": "rahasia-123", "confirm": "rahasia-123"}, "This field is required"),
    ({"username": "Budi Santoso", "password": "rahasia-123", "confirm": "rahasia-123"}, "lowercase letters"),
    ({"username": "manager", "password": "rahasia-123", "confirm": "rahasia-123"}, "already taken"),
    ({"username": "budi", "password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"username": "budi", "password": "rahasia-123", "confirm": "rahasia-321"}, "passwords differ"),
])
def test_bad_login_input(app, client, auth, people, form, message):
    auth.login("manager")
    english(client)
    before = counts(app)
    response = client.post(f"{BASE}/{people.budi}/login", data=form)
    assert response.status_code == 422 and message in text_of(response)
    assert counts(app) == before


# -- leaving ----------------------------------------------------------------------------

def test_manager_settles_a_leaving_member(app, client, auth, world, people):
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/{people.budi}/leave"))
    assert re.search(r'To pay out</td>\s*<td class="text-end text-nowrap">Rp120,000', page)
    key = form_key(client, f"{BASE}/{people.budi}/leave")
    with app.app_context():
        cash = ledger.account_by_key(world.ksp_id, "cash").id
    data = {"outcome": "resigned", "heir_name": "", "left_on": TODAY.isoformat(),
            "money_account": str(cash), "key": key}
    response = client.post(f"{BASE}/{people.budi}/leave", data=data)
    assert response.status_code == 302
    shown = text_of(client.get(response.headers["Location"]))
    assert "the savings were paid out in entry" in shown and "resigned" in shown
    assert client.post(f"{BASE}/{people.budi}/leave", data=data).status_code == 302
    with app.app_context():
        budi = db.session.get(Member, people.budi)
        assert (budi.status, budi.left_on) == ("resigned", TODAY)
        settlements = db.session.execute(select(JournalEntry).where(
            JournalEntry.kind == "member_settlement")).scalars().all()
        assert len(settlements) == 1
        assert sum(line.amount for line in settlements[0].lines if line.account_id == cash) == D("-120000")
    assert "already left" in text_of(client.get(f"{BASE}/{people.budi}/leave"))


@pytest.mark.parametrize("changes,message", [
    ({"left_on": (TODAY + timedelta(days=1)).isoformat()}, "is after today"),
    ({"left_on": "2024-01-31"}, "before the member joined"),
    ({"left_on": "31-12-2024"}, "not a date"),
    ({"outcome": "deceased"}, "Name the heir"),
    ({"outcome": "vanished"}, "Choose one of the listed options"),
    ({"money_account": "999999"}, "Choose one of the listed options"),
    ({"money_account": ""}, "Choose an account"),
    ({"key": ""}, "The form is damaged"),
])
def test_bad_leaving_input_changes_nothing(app, client, auth, world, people, changes, message):
    auth.login("manager")
    english(client)
    with app.app_context():
        cash = ledger.account_by_key(world.ksp_id, "cash").id
    data = {"outcome": "resigned", "heir_name": "", "left_on": TODAY.isoformat(),
            "money_account": str(cash), "key": uuid.uuid4().hex}
    data.update(changes)
    before = counts(app)
    response = client.post(f"{BASE}/{people.budi}/leave", data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert counts(app) == before
    with app.app_context():
        assert db.session.get(Member, people.budi).status == "active"


def test_pledged_savings_are_shown_and_refused(app, client, auth, world, people):
    with app.app_context():
        account = db.session.execute(select(SavingsAccount).where(
            SavingsAccount.member_id == people.budi).order_by(SavingsAccount.id)).scalars().first()
        account.pledged = D("50000")
        db.session.commit()
        cash = ledger.account_by_key(world.ksp_id, "cash").id
    auth.login("manager")
    english(client)
    assert 'id="pledged-warning"' in text_of(client.get(f"{BASE}/{people.budi}/leave"))
    before = counts(app)
    response = client.post(f"{BASE}/{people.budi}/leave", data={
        "outcome": "resigned", "left_on": TODAY.isoformat(), "money_account": str(cash),
        "key": uuid.uuid4().hex})
    assert response.status_code == 422 and "pledged as loan collateral" in text_of(response)
    assert counts(app) == before


def test_pages_have_no_inline_script_or_style(client, auth, people):
    auth.login("manager")
    for url in (f"{BASE}/", f"{BASE}/new", f"{BASE}/{people.budi}", f"{BASE}/{people.budi}/edit",
                f"{BASE}/{people.budi}/leave", f"{BASE}/{people.budi}/login", f"{BASE}/settings",
                f"{BASE}/import", f"{BASE}/migrants", f"{BASE}/migrants/{people.rohman}",
                f"{BASE}/migrants/new", "/c/KSP-A/enterprises/", f"/c/KSP-A/enterprises/{people.shop}"):
        page = text_of(client.get(url))
        assert "style=" not in page and "<script>" not in page and "onclick" not in page, url
        assert '<div class="table-responsive">' in page or "<table" not in page, url


def test_odd_input_never_breaks_a_page(app, client, auth, world, people):
    """Huge ids and pages, NUL bytes (which PostgreSQL refuses) and odd text: a page or a
    404, never a 500."""
    auth.login("manager")
    english(client)
    huge = "99999999999999999999"
    statuses = {url: client.get(url).status_code for url in (
        f"{BASE}/{huge}", f"{BASE}/migrants/{huge}", f"/c/KSP-A/enterprises/{huge}",
        f"/c/KSP-A/enterprises/new/{huge}", f"{BASE}/?page={huge}", f"{BASE}/migrants?page={huge}",
        f"/c/KSP-A/enterprises/?page={huge}", f"{BASE}/?page=-3", f"{BASE}/?q=a%00b",
        f"{BASE}/migrants?q=%00", f"{BASE}/?q=%5C", f"{BASE}/new?migrant={huge}")}
    assert statuses == {
        f"{BASE}/{huge}": 404, f"{BASE}/migrants/{huge}": 404, f"/c/KSP-A/enterprises/{huge}": 404,
        f"/c/KSP-A/enterprises/new/{huge}": 404, f"{BASE}/?page={huge}": 200,
        f"{BASE}/migrants?page={huge}": 200, f"/c/KSP-A/enterprises/?page={huge}": 200,
        f"{BASE}/?page=-3": 200, f"{BASE}/?q=a%00b": 200, f"{BASE}/migrants?q=%00": 200,
        f"{BASE}/?q=%5C": 200, f"{BASE}/new?migrant={huge}": 200}
    response = client.post(f"{BASE}/new", data=register_form(app, world, name="Nur\x00 Aini\x07",
                                                             address="Blok\x00 Kulon"))
    assert response.status_code == 302
    with app.app_context():
        member = db.session.get(Member, member_id_from(response))
        assert (member.name, member.address) == ("Nur Aini", "Blok Kulon")
    response = client.post(f"{BASE}/migrants/new", data={
        "name": "\x00", "destination_country": "Taiwan", "sector": "domestic"})
    assert response.status_code == 422 and "Fill in the migrant worker" in text_of(response)
