"""Members' enterprises: the service's rules, the list with its totals, recording and
editing by staff, and who sees what."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop_app.enterprises import service as enterprises
from coop_app.enterprises.models import Enterprise
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.models import Member
from tests.members.helpers import register
from tests.support import in_english
from tests.support.web import english, table_column, text_of

TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs
BASE = "/c/KSP-A/enterprises"


def good(**changes):
    values = dict(name="Keripik Singkong Bu Siti", sector="food_processing",
                  products="Keripik singkong, rengginang", start_date=date(2023, 1, 15), workers=4,
                  address="Blok Kulon 3", is_ovop=True)
    values.update(changes)
    return enterprises.EnterpriseData(**values)


# -- the service ------------------------------------------------------------------------

def test_create_and_update(ctx, world):
    member = register(world.ksp_id)
    shop = enterprises.create_enterprise(world.ksp_id, member.id, good())
    db.session.commit()
    assert (shop.member_id, shop.sector, shop.workers, shop.is_ovop) == (member.id, "food_processing", 4, True)
    enterprises.update_enterprise(world.ksp_id, shop.id, good(workers=0, address=" "))
    db.session.commit()
    assert (shop.workers, shop.active, shop.address) == (0, True, None)
    assert [e.id for e in enterprises.member_enterprises(world.ksp_id, member.id)] == [shop.id]
    with pytest.raises(NotFound):
        enterprises.get_enterprise(world.other_id, shop.id)


def test_totals_count_active_ovop_and_workers_in_sql(ctx, world):
    member = register(world.ksp_id)
    enterprises.create_enterprise(world.ksp_id, member.id, good(workers=4))
    enterprises.create_enterprise(world.ksp_id, member.id, good(name="Warung", sector="trade",
                                                                is_ovop=False, workers=2))
    closed = enterprises.create_enterprise(world.ksp_id, member.id, good(name="Closed", workers=9))
    enterprises.close_enterprise(world.ksp_id, closed.id, date(2026, 6, 30))
    db.session.commit()
    assert enterprises.enterprise_totals(world.ksp_id) == {"active": 2, "ovop": 1, "workers": 6}
    assert enterprises.enterprise_totals(world.other_id) == {"active": 0, "ovop": 0, "workers": 0}
    rows = db.session.execute(enterprises.enterprises_query(world.ksp_id, active=True, ovop=False)).scalars().all()
    assert [(e.name, e.member.name) for e in rows] == [("Warung", "Siti Aminah")]


@pytest.mark.parametrize("changes,field", [
    ({"name": " "}, "name"),
    ({"sector": "mining"}, "sector"),
    ({"products": ""}, "products"),
    ({"start_date": TODAY + timedelta(days=1)}, "start_date"),
    ({"start_date": None}, "start_date"),
    ({"workers": -1}, "workers"),
    ({"workers": 10001}, "workers"),
    ({"workers": True}, "workers"),
    ({"address": "a" * 301}, "address"),
])
def test_bad_enterprise_data(ctx, world, changes, field):
    member = register(world.ksp_id)
    with pytest.raises(InvalidField) as caught:
        enterprises.create_enterprise(world.ksp_id, member.id, good(**changes))
    assert caught.value.field == field
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Enterprise)).scalar() == 0


def test_only_active_members_get_new_enterprises(ctx, world):
    member = register(world.ksp_id)
    member.status = "resigned"
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        enterprises.create_enterprise(world.ksp_id, member.id, good())
    assert "active members only" in in_english(caught.value)
    with pytest.raises(NotFound):
        enterprises.create_enterprise(world.other_id, member.id, good())


# -- the pages --------------------------------------------------------------------------

def form(**changes):
    values = {"name": "Batik Tulis", "sector": "handicraft", "products": "Kain batik",
              "start_date": "2022-07-01", "workers": "3", "address": "", "is_ovop": "y"}
    values.update(changes)
    return values


def test_treasurer_records_and_edits_an_enterprise(app, client, auth, people):
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/new/{people.siti}", data=form())
    assert response.status_code == 302
    with app.app_context():
        shop = db.session.execute(select(Enterprise).where(Enterprise.name == "Batik Tulis")).scalar_one()
        assert (shop.member_id, shop.workers, shop.is_ovop, shop.start_date) == (
            people.siti, 3, True, date(2022, 7, 1))
    response = client.post(f"{BASE}/{shop.id}/edit", data=form(workers="5", is_ovop=""))
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert '<dd class="col-sm-9" id="enterprise-workers">5</dd>' in page and "OVOP</span>" not in page
    member_page = text_of(client.get(f"/c/KSP-A/members/{people.siti}"))
    assert table_column(member_page, "member-enterprises") == ["Batik Tulis"]


def test_list_filters_and_totals(client, auth, people):
    auth.login("auditor.jabar")
    english(client)
    page = text_of(client.get(f"{BASE}/"))
    assert table_column(page, "enterprises") == ["Warung Budi"]   # not KSP-B's
    assert table_column(page, "enterprises", 1) == [f"Budi Santoso {2024}.00002"]
    assert "1 active enterprise · 0 making the OVOP product · 2 workers" in page
    assert table_column(text_of(client.get(f"{BASE}/?sector=trade&status=active")), "enterprises") == ["Warung Budi"]
    assert table_column(text_of(client.get(f"{BASE}/?ovop=yes")), "enterprises") == []
    odd = client.get(f"{BASE}/?sector=mining&ovop=maybe")
    assert odd.status_code == 200 and "was ignored" in text_of(odd)
    assert table_column(text_of(odd), "enterprises") == ["Warung Budi"]


@pytest.mark.parametrize("changes,text", [
    ({"name": ""}, "This field is required"),
    ({"sector": "mining"}, "Choose one of the listed options"),
    ({"sector": ""}, "Choose the sector"),
    ({"products": "p" * 301}, "At most 300 characters"),
    ({"start_date": "2022-02-30"}, "not a date"),
    ({"start_date": (TODAY + timedelta(days=3)).isoformat()}, "not in the future"),
    ({"workers": "abc"}, "Write a whole number"),
    ({"workers": "-2"}, "Write a whole number"),
    ({"workers": "2.5"}, "Write a whole number"),
    ({"workers": ""}, "Write a whole number"),
    ({"workers": "99999"}, "from 0 to 10000"),
])
def test_bad_enterprise_input(app, client, auth, people, changes, text):
    auth.login("manager")
    english(client)
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(Enterprise)).scalar()
    response = client.post(f"{BASE}/new/{people.siti}", data=form(**changes))
    assert response.status_code == 422 and text in text_of(response)
    response = client.post(f"{BASE}/{people.shop}/edit", data=form(**changes))
    assert response.status_code == 422 and text in text_of(response)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Enterprise)).scalar() == before
        assert db.session.get(Enterprise, people.shop).name == "Warung Budi"


def test_no_enterprise_for_a_member_who_left(app, client, auth, people):
    with app.app_context():
        db.session.get(Member, people.siti).status = "resigned"
        db.session.commit()
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/new/{people.siti}", data=form())
    assert response.status_code == 422 and "active members only" in text_of(response)
