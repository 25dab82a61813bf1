"""The village's profile per year and its Desmigratif cohort: the service's rules, the year
that stands for another (profile_for), the page and its form, and who may read or write."""
import pytest
from flask import g
from flask_babel import force_locale
from sqlalchemy import func, select

from coop_app.auth import service as users
from coop_app.cooperatives import profiles
from coop_app.cooperatives.models import Cooperative, VillageProfile
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from tests.admin.test_admin import NEW_COOP
from tests.conftest import PASSWORD
from tests.support.web import element_text, login_as, table_column, text_of

VILLAGE = "/c/KSP-A/village"


def data(**changes):
    """Desa Juntinyuat in 2024: 4.120 men and 4.305 women in 2.610 households, 640 of them with
    a migrant worker, 702 people working abroad."""
    values = dict(year=2024, population_m=4120, population_f=4305, households=2610,
                  migrant_households=640, working_abroad=702)
    values.update(changes)
    return profiles.ProfileData(**values)


def form(**changes):
    values = {"year": "2024", "population_m": "4120", "population_f": "4305", "households": "2610",
              "migrant_households": "640", "working_abroad": "702"}
    values.update(changes)
    return values


def profile_count(app=None):
    if app is None:
        return db.session.scalar(select(func.count()).select_from(VillageProfile))
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(VillageProfile))


@pytest.fixture
def sctx(ctx):
    """The service layer, its messages in English."""
    with force_locale("en"):
        g.actor_id = None
        yield ctx


@pytest.fixture
def pendamping(app, world):
    """A village facilitator of KSP-A."""
    with app.app_context():
        user = users.create_user("pendamping", "Rina Pendamping", PASSWORD)
        users.grant_role(user.id, "pendamping", cooperative_id=world.ksp_id)
        db.session.commit()
    return "pendamping"


# -- the service ------------------------------------------------------------------------

def test_record_and_correct_a_years_profile(sctx, world):
    profile = profiles.record_profile(world.ksp_id, data())
    db.session.commit()
    assert (profile.year, profile.population_m + profile.population_f, profile.households) == (2024, 8425, 2610)
    profiles.update_profile(world.ksp_id, profile.id, data(year=2023, households=2600))
    db.session.commit()
    assert [(p.year, p.households) for p in profiles.profiles(world.ksp_id)] == [(2023, 2600)]
    with pytest.raises(NotFound):
        profiles.get_profile(world.other_id, profile.id)


@pytest.mark.parametrize("changes, field, message", [
    (dict(year=1999), "year", "The year is from 2000 to 2026."),
    (dict(year=2027), "year", "The year is from 2000 to 2026."),  # today is 18 Nov 2026
    (dict(year=None), "year", "The year is from 2000 to 2026."),
    (dict(population_m=-1), "population_m", "Write a whole number from 0 to 1,000,000."),
    (dict(population_f=1_000_001), "population_f", "Write a whole number from 0 to 1,000,000."),
    (dict(households=True), "households", "Write a whole number from 0 to 1,000,000."),
    (dict(households="2610"), "households", "Write a whole number from 0 to 1,000,000."),
    (dict(working_abroad=None), "working_abroad", "Write a whole number from 0 to 1,000,000."),
    (dict(migrant_households=2611), "migrant_households",
     "Migrant households cannot be more than the village's households (2610)."),
    (dict(population_m=400, population_f=300, working_abroad=701), "working_abroad",
     "People working abroad cannot be more than the village's population (700)."),
])
def test_bad_profiles_are_refused_and_nothing_is_saved(sctx, world, changes, field, message):
    with pytest.raises(InvalidField) as refused:
        profiles.record_profile(world.ksp_id, data(**changes))
    assert (refused.value.field, str(refused.value)) == (field, message)
    db.session.rollback()
    assert profile_count() == 0


def test_the_limits_themselves_are_accepted(sctx, world):
    profiles.record_profile(world.ksp_id, data(year=2000, population_m=0, population_f=0, households=0,
                                               migrant_households=0, working_abroad=0))
    profiles.record_profile(world.ksp_id, data(year=2026, population_m=1_000_000, population_f=0,
                                               households=1_000_000, migrant_households=1_000_000,
                                               working_abroad=1_000_000))
    db.session.commit()
    assert profile_count() == 2


def test_one_profile_a_year(sctx, world):
    first = profiles.record_profile(world.ksp_id, data())
    second = profiles.record_profile(world.ksp_id, data(year=2025))
    profiles.record_profile(world.other_id, data())  # another village may have its own 2024
    db.session.commit()
    with pytest.raises(InvalidField, match="The profile of 2024 is already recorded: edit it instead."):
        profiles.record_profile(world.ksp_id, data(households=2700))
    db.session.rollback()
    with pytest.raises(InvalidField, match="The profile of 2024 is already recorded"):
        profiles.update_profile(world.ksp_id, second.id, data(year=2024))
    db.session.rollback()
    assert profile_count() == 3
    assert (db.session.get(VillageProfile, second.id).year, first.households) == (2025, 2610)


def test_profile_for_is_that_years_or_the_latest_earlier_one(sctx, world):
    """Profiles of 2022 and 2024: 2023 divides by 2022's, 2026 by 2024's, 2021 by none."""
    p2022 = profiles.record_profile(world.ksp_id, data(year=2022, households=2500))
    p2024 = profiles.record_profile(world.ksp_id, data(year=2024))
    other = profiles.record_profile(world.other_id, data(year=2023, households=1800, migrant_households=300))
    db.session.commit()
    found = {year: profiles.profile_for(world.ksp_id, year) for year in (2021, 2022, 2023, 2024, 2026)}
    assert found == {2021: None, 2022: p2022, 2023: p2022, 2024: p2024, 2026: p2024}
    assert profiles.profile_for(world.bmt_id, 2026) is None
    rows = db.session.execute(profiles.profiles_for([world.ksp_id, world.other_id, world.bmt_id], 2023)) \
        .scalars().all()
    assert sorted((p.cooperative_id, p.year, p.households) for p in rows) == [
        (world.ksp_id, 2022, 2500), (world.other_id, 2023, 1800)]
    assert other.id in {p.id for p in rows}


# -- the page -----------------------------------------------------------------------------

def test_the_treasurer_records_and_edits_a_profile_on_the_page(app, client, world):
    login_as(client, "treasurer")
    response = client.post(f"{VILLAGE}/new", data=form())
    assert response.status_code == 302, text_of(response)
    page = text_of(client.get(VILLAGE))
    assert table_column(page, "village-profiles", 0) == ["2024"]
    assert table_column(page, "village-profiles", 3) == ["8,425"]  # 4,120 men and 4,305 women
    assert table_column(page, "village-profiles", 5) == ["640"]
    with app.app_context():
        profile_id = db.session.execute(select(VillageProfile.id)).scalar_one()
    edit = f"{VILLAGE}/{profile_id}/edit"
    assert 'value="2610"' in text_of(client.get(edit))
    assert client.post(edit, data=form(households="2650")).status_code == 302
    assert table_column(text_of(client.get(VILLAGE)), "village-profiles", 4) == ["2,650"]


@pytest.mark.parametrize("changes, message", [
    (dict(year="2027"), "The year is from 2000 to 2026."),
    (dict(year="dua ribu"), "Write the year, like 2025."),
    (dict(year=""), "Enter the year."),
    (dict(households="-3"), "Write a whole number, like 3."),
    (dict(households=""), "Enter the number (0 if none)."),
    (dict(population_f="1000001"), "Write a whole number from 0 to 1,000,000."),
    (dict(migrant_households="2611"), "Migrant households cannot be more than the village&#39;s households (2610)."),
    (dict(working_abroad="9000"), "People working abroad cannot be more than the village&#39;s population (8425)."),
])
def test_bad_input_on_the_page_is_422_with_its_message(app, client, world, changes, message):
    login_as(client, "manager")
    response = client.post(f"{VILLAGE}/new", data=form(**changes))
    assert response.status_code == 422
    assert message in text_of(response)
    assert profile_count(app) == 0


def test_a_second_profile_of_the_same_year_is_refused_on_the_page(app, client, world):
    login_as(client, "manager")
    assert client.post(f"{VILLAGE}/new", data=form()).status_code == 302
    response = client.post(f"{VILLAGE}/new", data=form(households="3000"))
    assert response.status_code == 422
    assert "The profile of 2024 is already recorded: edit it instead." in text_of(response)
    assert profile_count(app) == 1


# -- who may read and write -----------------------------------------------------------------

def test_staff_and_the_pendamping_write_the_auditor_reads(app, client, world, pendamping):
    for username, year in (("treasurer", "2021"), ("manager", "2022"), (pendamping, "2023")):
        login_as(client, username)
        page = text_of(client.get(VILLAGE))
        assert f"{VILLAGE}/new" in page
        assert client.post(f"{VILLAGE}/new", data=form(year=year)).status_code == 302
    for auditor in ("auditor.jabar", "auditor.indramayu", "auditor.all"):
        login_as(client, auditor)
        response = client.get(VILLAGE)
        assert response.status_code == 200
        assert table_column(text_of(response), "village-profiles", 0) == ["2023", "2022", "2021"]
        assert f"{VILLAGE}/new" not in text_of(response) and "/edit" not in text_of(response)
        assert client.get(f"{VILLAGE}/new").status_code == 403
        assert client.post(f"{VILLAGE}/new", data=form(year="2020")).status_code == 403
        assert client.post(f"{VILLAGE}/1/edit", data=form(year="2020")).status_code == 403
    assert profile_count(app) == 3


def test_a_member_may_not_and_other_cooperatives_do_not_see_it(app, client, world, pendamping):
    login_as(client, "member")
    assert client.get(VILLAGE).status_code == 403
    assert client.post(f"{VILLAGE}/new", data=form()).status_code == 403
    for outsider in ("other.manager", "auditor.ntb", "bmt.treasurer"):
        login_as(client, outsider)
        assert client.get(VILLAGE).status_code == 404
        assert client.post(f"{VILLAGE}/new", data=form()).status_code == 404
    login_as(client, "other.manager")  # another cooperative's profile is not found from its own page
    with app.app_context():
        mine = profiles.record_profile(world.ksp_id, data())
        db.session.commit()
        mine_id = mine.id
    assert client.get(f"/c/KSP-B/village/{mine_id}/edit").status_code == 404
    assert client.post(f"/c/KSP-B/village/{mine_id}/edit", data=form(year="2020")).status_code == 404
    assert profile_count(app) == 1


def test_the_settings_page_links_to_the_village(client, world):
    login_as(client, "manager")
    assert f'href="{VILLAGE}"' in text_of(client.get("/c/KSP-A/settings"))


# -- the cohort -------------------------------------------------------------------------------

def test_the_admin_sets_the_cohort_and_the_village_page_shows_it(app, client, world):
    login_as(client, "admin")
    url = f"/admin/cooperatives/{world.ksp_id}/edit"
    assert client.post(url, data={**NEW_COOP, "programme_cohort": "2017"}).status_code == 302
    with app.app_context():
        assert db.session.get(Cooperative, world.ksp_id).programme_cohort == 2017
    assert 'value="2017"' in text_of(client.get(url))
    login_as(client, "treasurer")
    assert element_text(text_of(client.get(VILLAGE)), "village-cohort") == "2017"


@pytest.mark.parametrize("cohort, message", [
    ("2015", "The cohort is a year from 2016 to 2026."),
    ("2027", "The cohort is a year from 2016 to 2026."),
    ("dua", "Write the year, like 2017."),
])
def test_a_bad_cohort_is_refused(app, client, world, cohort, message):
    login_as(client, "admin")
    response = client.post(f"/admin/cooperatives/{world.ksp_id}/edit",
                           data={**NEW_COOP, "programme_cohort": cohort})
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        coop = db.session.get(Cooperative, world.ksp_id)
        assert (coop.programme_cohort, coop.name) == (None, "KSP Sumber Rejeki")


def test_an_empty_cohort_clears_it_and_the_page_says_so(app, client, world):
    with app.app_context():
        db.session.get(Cooperative, world.ksp_id).programme_cohort = 2018
        db.session.commit()
    login_as(client, "admin")
    assert client.post(f"/admin/cooperatives/{world.ksp_id}/edit",
                       data={**NEW_COOP, "programme_cohort": ""}).status_code == 302
    login_as(client, "auditor.jabar")
    assert element_text(text_of(client.get(VILLAGE)), "village-cohort").startswith("not set")
