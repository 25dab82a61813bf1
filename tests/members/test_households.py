"""Households (the family card, KK): the KK's checks, recording and editing a household,
linking its members, the list and its search, the pages, who may do what, the pendamping
desa's home and role grant."""
import html

import pytest
from sqlalchemy import select

from coop_app.auth.models import RoleGrant
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members import households, surveys
from coop_app.members.models import Member
from coop_app.members.nik import KKError, check_kk
from tests.members.households_world import (KK, KK_2, TODAY, add_pendamping, household_count,
                                            household_data, household_with, survey_data)
from tests.support import in_english
from tests.support.web import login_as, text_of

BASE = "/c/KSP-A/households"


# -- the KK's checks ---------------------------------------------------------------------

def test_a_plausible_kk_is_cleaned():
    assert check_kk(" 3212 1105.0315 0001 ") == KK
    # a card issued on the 31st of December; the day has no +40 as a NIK's has for women
    assert check_kk("3212113112990001") == "3212113112990001"


@pytest.mark.parametrize("kk,code", [
    ("321211050315000", "format"),        # 15 digits
    ("32121105031500011", "format"),      # 17 digits
    ("32121105031500O1", "format"),       # a letter O
    ("", "format"),
    ("9912110503150001", "region"),       # no province 99
    ("3200110503150001", "region"),       # kabupaten 00
    ("3212000503150001", "region"),       # kecamatan 00
    ("3212110003150001", "issued"),       # day 00
    ("3212114503150001", "issued"),       # day 45: a KK has no +40 rule
    ("3212110513150001", "issued"),       # month 13
    ("3212110503150000", "serial"),
])
def test_implausible_kks_are_refused_with_their_rule(kk, code):
    with pytest.raises(KKError) as caught:
        check_kk(kk)
    assert caught.value.code == code


def test_each_rule_has_its_message(ctx):
    with pytest.raises(InvalidField) as caught:
        households.validate_kk("3212114503150001")
    assert caught.value.field == "kk_number"
    assert "issue-date part (digits 7 to 12, DDMMYY)" in in_english(caught.value)


# -- recording a household ------------------------------------------------------------------

def test_record_and_edit_a_household(ctx, world):
    household = households.create_household(world.ksp_id, household_data(
        kk_number="3212 1105 0315 0001", head_name="  Budi   Santoso ", address=" "))
    db.session.commit()
    assert (household.kk_number, household.head_name, household.size, household.address) == \
        (KK, "Budi Santoso", 4, None)
    households.update_household(world.ksp_id, household.id, household_data(size=6, head_gender="F",
                                                                           head_name="Siti Aminah"))
    db.session.commit()
    assert (household.size, household.head_gender, household.head_name) == (6, "F", "Siti Aminah")
    # the same card may be recorded by another cooperative, not twice by one
    households.create_household(world.other_id, household_data())
    db.session.commit()
    with pytest.raises(InvalidField) as caught:
        households.create_household(world.ksp_id, household_data(head_name="Someone Else"))
    assert (caught.value.field, in_english(caught.value)) == (
        "kk_number", "A household with this KK number is already recorded.")
    with pytest.raises(NotFound):
        households.get_household(world.other_id, household.id)


@pytest.mark.parametrize("changes,field,message", [
    ({"kk_number": "12345"}, "kk_number", "A KK number is exactly 16 digits."),
    ({"kk_number": "3212110503150000"}, "kk_number", "The KK's last four digits (its serial number) cannot be 0000."),
    ({"head_name": "  "}, "head_name", "Fill in the head of the household's name (at most 200 characters)."),
    ({"head_name": "a" * 201}, "head_name", "Fill in the head of the household's name (at most 200 characters)."),
    ({"head_gender": "X"}, "head_gender", "Choose the head of the household's gender."),
    ({"size": 0}, "size", "A household has 1 to 30 people."),
    ({"size": 31}, "size", "A household has 1 to 30 people."),
    ({"size": None}, "size", "A household has 1 to 30 people."),
    ({"size": True}, "size", "A household has 1 to 30 people."),
    ({"address": "a" * 301}, "address", "Fill in the address (at most 300 characters)."),
])
def test_bad_household_data_is_refused_and_nothing_saved(ctx, world, changes, field, message):
    with pytest.raises(InvalidField) as caught:
        households.create_household(world.ksp_id, household_data(**changes))
    assert (caught.value.field, in_english(caught.value)) == (field, message)
    db.session.rollback()
    assert household_count() == 0


# -- members of a household ------------------------------------------------------------------

def test_link_and_unlink_members(ctx, world, people):
    household = household_with(world.ksp_id, people.siti, people.budi, size=2)
    assert [m.name for m in households.household_members(world.ksp_id, household.id)] == \
        ["Siti Aminah", "Budi Santoso"]
    assert households.member_count(household.id) == 2
    # the size may not fall below the members linked
    with pytest.raises(InvalidField) as caught:
        households.update_household(world.ksp_id, household.id, household_data(size=1))
    assert in_english(caught.value) == "2 members are linked to this household: its size cannot be smaller."
    db.session.rollback()
    households.unlink_member(world.ksp_id, household.id, people.budi)
    db.session.commit()
    assert db.session.get(Member, people.budi).household_id is None
    households.update_household(world.ksp_id, household.id, household_data(size=1))
    db.session.commit()
    with pytest.raises(NotFound):
        households.unlink_member(world.ksp_id, household.id, people.budi)


def test_linking_refusals(ctx, world, people):
    first = household_with(world.ksp_id, people.siti, size=1)
    second = household_with(world.ksp_id, kk_number=KK_2, head_name="Budi Santoso")
    cases = [
        (first.id, people.budi, "The household's size is 1 and as many members are linked; correct its size first."),
        (second.id, people.siti, f"This member is already linked to the household of KK {KK}; unlink them there first."),
        (first.id, people.siti, "This member is already linked to this household."),
        (second.id, people.other, "Member not found."),  # another cooperative's member
    ]
    for household_id, member_id, message in cases:
        with pytest.raises(InvalidField) as caught:
            households.link_member(world.ksp_id, household_id, member_id)
        assert (caught.value.field, in_english(caught.value)) == ("member", message)
        db.session.rollback()
    assert db.session.get(Member, people.budi).household_id is None
    assert db.session.get(Member, people.other).household_id is None


def test_a_cancelled_registration_is_not_linked(ctx, world, people):
    household = household_with(world.ksp_id)
    db.session.get(Member, people.budi).status = "cancelled"
    db.session.commit()
    with pytest.raises(InvalidField) as caught:
        households.link_member(world.ksp_id, household.id, people.budi)
    assert in_english(caught.value) == "A cancelled registration cannot be linked to a household."


# -- the list ------------------------------------------------------------------------------

def _found(coop_id, text=None, survey=None):
    rows = db.session.execute(households.households_query(coop_id, text, survey, TODAY)).all()
    return [(row.Household.kk_number, row.members, row.surveys) for row in rows]


def test_search_by_kk_prefix_or_head_name_with_counts(ctx, world, people):
    from datetime import date
    first = household_with(world.ksp_id, people.siti, people.budi)
    household_with(world.ksp_id, kk_number=KK_2, head_name="Warsini")
    household_with(world.other_id, head_name="Budi Lain")
    surveys.record_survey(world.ksp_id, first.id, survey_data(people.siti))
    surveys.record_survey(world.ksp_id, first.id, survey_data(people.budi, kind="follow_up",
                                                              surveyed_on=date(2026, 1, 12)))
    db.session.commit()
    assert _found(world.ksp_id) == [(KK_2, 0, 0), (KK, 2, 2)]
    assert _found(world.ksp_id, "32121105") == [(KK, 2, 2)]
    assert _found(world.ksp_id, "3212 1101") == [(KK_2, 0, 0)]
    assert _found(world.ksp_id, "santoso") == [(KK, 2, 2)]
    assert _found(world.ksp_id, "WARS") == [(KK_2, 0, 0)]
    assert _found(world.ksp_id, "100%_") == []


def test_survey_filters_count_what_is_waiting(ctx, world, people):
    from datetime import date
    first = household_with(world.ksp_id, people.siti)
    household_with(world.ksp_id, kk_number=KK_2)
    surveys.record_survey(world.ksp_id, first.id, survey_data(people.siti, surveyed_on=date(2025, 11, 18)))
    db.session.commit()
    assert _found(world.ksp_id, survey=households.NO_BASELINE) == [(KK_2, 0, 0)]
    # surveyed exactly a year ago today: the follow-up is due
    assert _found(world.ksp_id, survey=households.FOLLOW_UP_DUE) == [(KK, 1, 1)]
    surveys.record_survey(world.ksp_id, first.id, survey_data(people.siti, kind="follow_up",
                                                              surveyed_on=date(2026, 11, 17)))
    db.session.commit()
    assert _found(world.ksp_id, survey=households.FOLLOW_UP_DUE) == []


# -- the pages --------------------------------------------------------------------------------

def _form(**changes):
    values = {"kk_number": KK, "head_name": "Budi Santoso", "head_gender": "M", "size": "4",
              "address": "Blok Kulon 3"}
    values.update(changes)
    return values


def test_staff_record_a_household_and_link_a_member_on_the_pages(app, client, world, people):
    login_as(client, "treasurer")
    response = client.post(f"{BASE}/new", data=_form())
    assert response.status_code == 302
    with app.app_context():
        household = households.household_by_kk(world.ksp_id, KK)
        number = db.session.get(Member, people.siti).member_number
    assert response.headers["Location"].endswith(f"{BASE}/{household.id}")
    response = client.post(f"{BASE}/{household.id}/members", data={"member": number})
    assert response.status_code == 302
    page = text_of(client.get(f"{BASE}/{household.id}"))
    assert "Siti Aminah" in page and "Budi Santoso" in page
    listing = text_of(client.get(f"{BASE}/?q=santoso"))
    assert KK in listing
    assert text_of(client.get(f"/c/KSP-A/members/{people.siti}")).count(f"KK {KK}") == 1
    response = client.post(f"{BASE}/{household.id}/members", data={"member": "no-such"})
    assert response.status_code == 422
    assert "No member has this number." in text_of(response)
    response = client.post(f"{BASE}/{household.id}/members/{people.siti}/unlink")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Member, people.siti).household_id is None


@pytest.mark.parametrize("changes,message", [
    ({"kk_number": "3212110503150000"}, "The KK's last four digits (its serial number) cannot be 0000."),
    ({"kk_number": "9912110503150001"}, "The KK's region code (first six digits) is not a real province"),
    ({"size": "31"}, "A household has 1 to 30 people."),
    ({"size": "tiga"}, "Write a whole number, like 3."),
    ({"head_gender": ""}, "Choose the head of the household's gender."),
])
def test_bad_household_pages_answer_422_and_save_nothing(app, client, world, changes, message):
    login_as(client, "manager")
    response = client.post(f"{BASE}/new", data=_form(**changes))
    assert response.status_code == 422
    assert message in html.unescape(text_of(response))
    with app.app_context():
        assert household_count() == 0


def test_editing_below_the_linked_members_answers_422(app, client, world, people):
    with app.app_context():
        household = household_with(world.ksp_id, people.siti, people.budi)
        household_id = household.id
    login_as(client, "manager")
    response = client.post(f"{BASE}/{household_id}/edit", data=_form(size="1"))
    assert response.status_code == 422
    assert "2 members are linked to this household: its size cannot be smaller." in text_of(response)
    with app.app_context():
        assert households.get_household(world.ksp_id, household_id).size == 4


# -- who may do what ------------------------------------------------------------------------

@pytest.mark.parametrize("username,read,write", [
    ("treasurer", 200, 200),
    ("manager", 200, 200),
    ("pendamping", 200, 200),
    ("auditor.jabar", 200, 403),      # KSP-A is in Jawa Barat: reads, records nothing
    ("auditor.indramayu", 200, 403),
    ("auditor.ntb", 404, 404),        # outside the auditor's region
    ("member", 403, 403),             # a member sees their household in the portal only
    ("other.manager", 404, 404),      # another cooperative's staff
    ("bmt.treasurer", 404, 404),
])
def test_access_for_every_role(app, client, world, people, username, read, write):
    add_pendamping(app, world)
    with app.app_context():
        household_id = household_with(world.ksp_id, people.siti).id
    login_as(client, username)
    for url in (f"{BASE}/", f"{BASE}/{household_id}"):
        assert client.get(url).status_code == read, url
    for url in (f"{BASE}/new", f"{BASE}/{household_id}/edit", f"{BASE}/{household_id}/surveys/new",
                f"{BASE}/import", f"{BASE}/import/template.xlsx"):
        assert client.get(url).status_code == write, url
    assert client.post(f"{BASE}/new", data=_form(kk_number=KK_2)).status_code in (
        {200: 302}.get(write, write),)


def test_a_household_of_another_cooperative_is_not_found(app, client, world, people):
    with app.app_context():
        foreign = household_with(world.other_id, people.other).id
    login_as(client, "manager")
    assert client.get(f"{BASE}/{foreign}").status_code == 404
    assert client.get(f"{BASE}/{foreign}/edit").status_code == 404
    assert client.post(f"{BASE}/{foreign}/members", data={"member": "x"}).status_code == 404


def test_the_member_page_shows_the_household_to_staff(app, client, world, people):
    login_as(client, "manager")
    assert "Not linked to a family card (KK) yet." in text_of(client.get(f"/c/KSP-A/members/{people.siti}"))


# -- the pendamping desa ----------------------------------------------------------------------

def test_the_pendamping_home_lists_the_surveys_waiting(app, client, world, people):
    add_pendamping(app, world)
    with app.app_context():
        household_with(world.ksp_id, people.siti)
    login_as(client, "pendamping")
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert 'data-task="no_baseline" data-count="1"' in page
    assert 'data-task="follow_up_due" data-count="0"' in page
    for url in (f"{BASE}/", f"{BASE}/import", "/c/KSP-A/enterprises/", "/c/KSP-A/trainings/"):
        assert f'href="{url}"' in page, url
    assert f'href="{BASE}/?survey=no_baseline"' in page
    listing = text_of(client.get(f"{BASE}/?survey=no_baseline"))
    assert listing.count("data-household=") == 1
    assert "Cash and bank" not in page  # no money figures


def test_the_pendamping_opens_no_money_page(app, client, world, people):
    add_pendamping(app, world)
    with app.app_context():
        from coop_app.savings.models import SavingsAccount
        account = db.session.execute(select(SavingsAccount.id).where(
            SavingsAccount.member_id == people.siti)).scalars().first()
    login_as(client, "pendamping")
    for url in (f"/c/KSP-A/savings/accounts/{account}/deposit", "/c/KSP-A/ledger/journal",
                "/c/KSP-A/loans/", "/c/KSP-A/members/", f"/c/KSP-A/members/{people.siti}"):
        assert client.get(url).status_code == 403, url
    # another cooperative does not exist for them
    assert client.get("/c/KSP-B/households/").status_code == 404


def test_the_admin_grants_the_pendamping_role(app, client, world):
    from coop_app.auth import service as users
    with app.app_context():
        user_id = users.create_user("wati", "Wati", "rahasia-123").id
        db.session.commit()
    login_as(client, "admin")
    page = text_of(client.get(f"/admin/users/{user_id}"))
    assert '<option value="pendamping">Pendamping desa</option>' in page
    response = client.post(f"/admin/users/{user_id}/grants", data={
        "role": "pendamping", "cooperative_id": str(world.ksp_id), "scope_province": "",
        "scope_kabupaten": ""})
    assert response.status_code == 302
    with app.app_context():
        grant = db.session.execute(select(RoleGrant).where(RoleGrant.user_id == user_id)).scalar_one()
        assert (grant.role, grant.cooperative_id) == ("pendamping", world.ksp_id)
    response = client.post(f"/admin/users/{user_id}/grants", data={
        "role": "pendamping", "cooperative_id": "", "scope_province": "", "scope_kabupaten": ""})
    assert response.status_code == 422
    assert "Choose the cooperative for this role." in text_of(response)
