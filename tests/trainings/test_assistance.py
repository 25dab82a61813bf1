"""Assistance to a member's enterprise: in kind or cash, with its value (more than zero, at
most Rp10.000.000.000), given on a day the enterprise was trading and not in the future;
recorded from the enterprise's page and listed there with its total; access for every role.

Budi's "Warung Budi" (tests/members/pages.py) started on 1 May 2023; today is 18 November
2026 (tests/conftest.py)."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.enterprises import service as enterprises
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.trainings import service as trainings
from coop_app.trainings.models import Assistance
from tests.support import in_english
from tests.support.web import login_as, table_column, text_of
from tests.trainings.helpers import add_pendamping, count, count_in

D = Decimal
ENTERPRISES = "/c/KSP-A/enterprises"


def data(**changes):
    values = dict(given_on=date(2026, 9, 14), kind="in_kind", description=" Mesin pengemas vakum ",
                  provider="Kementerian Ketenagakerjaan", value=D("7500000"))
    values.update(changes)
    return trainings.AssistanceData(**values)


def test_assistance_recorded_and_totalled(app, people, world):
    with app.app_context():
        machine = trainings.record_assistance(world.ksp_id, people.shop, data())
        cash = trainings.record_assistance(world.ksp_id, people.shop, data(
            given_on=date(2026, 10, 2), kind="cash", description="Modal bahan baku",
            value=D("2500000.50")))
        db.session.commit()
        assert (machine.kind, machine.description, machine.value) == ("in_kind", "Mesin pengemas vakum", D("7500000"))
        rows, total = trainings.enterprise_assistance(world.ksp_id, people.shop)
        assert [r.id for r in rows] == [cash.id, machine.id]
        assert total == D("10000000.50")  # 7.500.000 + 2.500.000,50
        assert trainings.enterprise_assistance(world.other_id, people.shop) == ([], D(0))
        # the largest value taken, and on the enterprise's first day
        trainings.record_assistance(world.ksp_id, people.shop, data(given_on=date(2023, 5, 1),
                                                                   value=D("10000000000")))
        with pytest.raises(NotFound):
            trainings.record_assistance(world.other_id, people.shop, data())


@pytest.mark.parametrize("changes,field,text", [
    ({"given_on": date(2026, 11, 19)}, "given_on", "cannot be in the future"),
    ({"given_on": date(2023, 4, 30)}, "given_on", "cannot be given before"),
    ({"given_on": None}, "given_on", "not a date"),
    ({"kind": "loan"}, "kind", "in kind or cash"),
    ({"value": D("0")}, "value", "more than zero"),
    ({"value": D("-1")}, "value", "more than zero"),
    ({"value": D("10000000000.01")}, "value", "at most Rp10.000.000.000"),
    ({"value": D("1.001")}, "value", "at most two decimals"),
    ({"value": None}, "value", "more than zero"),
    ({"description": " "}, "description", "what was given"),
    ({"description": "d" * 301}, "description", "at most 300"),
    ({"provider": ""}, "provider", "who gave it"),
])
def test_bad_assistance(app, people, world, changes, field, text):
    with app.app_context():
        with pytest.raises(InvalidField) as caught:
            trainings.record_assistance(world.ksp_id, people.shop, data(**changes))
        assert caught.value.field == field and text in in_english(caught.value)
        db.session.rollback()
        assert count(Assistance) == 0


def test_no_assistance_after_the_enterprise_closed(app, people, world):
    with app.app_context():
        enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 9, 13))
        db.session.commit()
        with pytest.raises(InvalidField) as caught:
            trainings.record_assistance(world.ksp_id, people.shop, data())
        assert "closed on Sep 13, 2026" in in_english(caught.value)
        db.session.rollback()
        trainings.record_assistance(world.ksp_id, people.shop, data(given_on=date(2026, 9, 13)))
        db.session.commit()
        assert count(Assistance) == 1


# -- the pages --------------------------------------------------------------------------

def form(**changes):
    values = {"given_on": "2026-09-14", "kind": "cash", "description": "Modal kerja awal",
              "provider": "Bank Indonesia", "value": "2,500,000"}
    values.update(changes)
    return values


def test_recorded_from_the_enterprise_page_and_listed_there(app, client, people, world):
    add_pendamping(app, world)
    login_as(client, "pendamping")
    page = text_of(client.get(f"{ENTERPRISES}/{people.shop}"))
    assert 'id="new-assistance"' in page
    assert table_column(page, "enterprise-assistance") == []
    url = f"/c/KSP-A/trainings/assistance/{people.shop}/new"
    assert client.post(url, data=form()).status_code == 302
    assert client.post(url, data=form(kind="in_kind", description="Etalase", value="1,750,000.25",
                                      given_on="2026-10-01")).status_code == 302
    page = text_of(client.get(f"{ENTERPRISES}/{people.shop}"))
    assert table_column(page, "enterprise-assistance", 1) == ["In kind", "Cash"]
    assert table_column(page, "enterprise-assistance", 4) == ["Rp1,750,000.25", "Rp2,500,000"]
    assert '<td class="text-end text-nowrap" id="assistance-total">Rp4,250,000.25</td>' in page


@pytest.mark.parametrize("changes,text", [
    ({"value": "0"}, "The amount must be more than zero"),
    ({"value": "abc"}, "That is not an amount"),
    ({"value": ""}, "Enter the amount"),
    ({"value": "20,000,000,000"}, "at most Rp10.000.000.000"),
    ({"kind": ""}, "Choose in kind or cash"),
    ({"kind": "loan"}, "Choose one of the listed options"),
    ({"given_on": "2026-11-19"}, "cannot be in the future"),
    ({"given_on": "2023-04-30"}, "cannot be given before"),
    ({"description": ""}, "This field is required"),
    ({"provider": "p" * 201}, "At most 200 characters"),
])
def test_bad_assistance_input(app, client, people, changes, text):
    login_as(client, "treasurer")
    response = client.post(f"/c/KSP-A/trainings/assistance/{people.shop}/new", data=form(**changes))
    assert response.status_code == 422 and text in text_of(response)
    assert count_in(app, Assistance) == 0


@pytest.mark.parametrize("username,read,write", [
    ("treasurer", 200, 302), ("manager", 200, 302), ("pendamping", 200, 302),
    ("auditor.jabar", 200, 403), ("member", 404, 403), ("other.manager", 404, 404),
    ("auditor.ntb", 404, 404),
])
def test_access_for_each_role(app, client, people, world, username, read, write):
    add_pendamping(app, world)
    login_as(client, username)
    url = f"/c/KSP-A/trainings/assistance/{people.shop}/new"
    assert client.get(url).status_code == (200 if write == 302 else write)
    assert client.post(url, data=form()).status_code == write
    assert count_in(app, Assistance) == (1 if write == 302 else 0)
    # the enterprise page (Budi's; the member user is Siti, who sees only her own)
    response = client.get(f"{ENTERPRISES}/{people.shop}")
    assert response.status_code == read
    if read == 200:
        assert ('id="new-assistance"' in text_of(response)) == (write == 302)


def test_another_cooperatives_enterprise_is_not_found(app, client, people):
    login_as(client, "manager")
    assert client.post(f"/c/KSP-A/trainings/assistance/{people.other_shop}/new", data=form()).status_code == 404
    assert count_in(app, Assistance) == 0
