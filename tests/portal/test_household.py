"""The member's own household in the portal: the KK masked but for its last four digits, the
members linked and the surveys; never another household, and only for the member role."""
from coop_app.extensions import db
from coop_app.members import surveys
from tests.members.households_world import KK, KK_2, household_with, survey_data
from tests.support.web import login_as, text_of

URL = "/c/KSP-A/me/household"


def test_the_member_sees_their_household_with_the_kk_masked(app, client, world, people):
    with app.app_context():
        household = household_with(world.ksp_id, people.siti, people.budi)
        surveys.record_survey(world.ksp_id, household.id, survey_data(people.siti))
        db.session.commit()
        # another household of the cooperative, with its own survey
        other = household_with(world.ksp_id, kk_number=KK_2, head_name="Warsini")
        del other
    login_as(client, "member")
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "••••••••••••0001" in page and KK not in page
    assert "Siti Aminah, Budi Santoso" in page
    assert "Rp4,650,000" in page and "Rp3,100,000" in page
    assert "Warsini" not in page and KK_2 not in page
    assert "/surveys/" not in page  # no edit links
    assert 'id="nav-my-household"' in page
    # the member page links to the portal's household, not the staff page
    member_page = text_of(client.get(f"/c/KSP-A/members/{people.siti}"))
    assert 'href="/c/KSP-A/me/household"' in member_page and "/households/" not in member_page


def test_a_member_without_a_household_is_told_so(app, client, world, people):
    login_as(client, "member")
    response = client.get(URL)
    assert response.status_code == 200
    assert "You are not linked to a family card (KK) yet." in text_of(response)


def test_only_the_member_role_opens_it(app, client, world, people):
    with app.app_context():
        household_with(world.ksp_id, people.siti)
    for username, status in (("treasurer", 403), ("auditor.jabar", 403), ("other.manager", 404)):
        login_as(client, username)
        assert client.get(URL).status_code == status, username
    # a member of another cooperative is nobody at KSP-A
    login_as(client, "member")
    assert client.get("/c/KSP-B/me/household").status_code == 404
    # the staff pages of households are not the member's
    assert client.get("/c/KSP-A/households/1").status_code == 403
