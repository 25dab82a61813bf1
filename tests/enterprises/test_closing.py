"""Closing an enterprise instead of deleting it: the closing date's rules (not before it
started, not after today, not before a period already reported), the start date kept
before the closing and the reports, the pages that show "Closed since ...", and who may
close one.

Budi's "Warung Budi" (tests/members/pages.py) started on 1 May 2023; today is 18 November
2026 (tests/conftest.py)."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.enterprises import reports
from coop_app.enterprises import service as enterprises
from coop_app.enterprises.models import Enterprise
from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from tests.support import in_english
from tests.support.web import english, login_as, table_column, text_of
from tests.trainings.helpers import add_pendamping

BASE = "/c/KSP-A/enterprises"


def august_report():
    return reports.ReportData(period_kind="month", year=2026, month=8, turnover=Decimal("1000000"),
                              costs=Decimal("400000"), workers={"owner_m": 1})


def shop_of(people):
    return db.session.get(Enterprise, people.shop)


# -- the service ------------------------------------------------------------------------

def test_closing_keeps_the_enterprise_on_record(app, people, world):
    with app.app_context():
        closed = enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 9, 30))
        db.session.commit()
        assert (closed.active, closed.closed_on) == (False, date(2026, 9, 30))
        assert db.session.get(Enterprise, people.shop).name == "Warung Budi"
        # the totals count open enterprises only; the list still holds the closed one
        assert enterprises.enterprise_totals(world.ksp_id) == {"active": 0, "ovop": 0, "workers": 0}
        assert [e.id for e in enterprises.member_enterprises(world.ksp_id, people.budi)] == [people.shop]
        with pytest.raises(DomainError) as caught:
            enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 10, 1))
        assert "already closed" in in_english(caught.value)


@pytest.mark.parametrize("closed_on,text", [
    (date(2026, 11, 19), "cannot be in the future"),
    (date(2023, 4, 30), "started on May 1, 2023: it cannot close before"),
    (None, "not a date"),
])
def test_bad_closing_dates(app, people, world, closed_on, text):
    with app.app_context():
        with pytest.raises(InvalidField) as caught:
            enterprises.close_enterprise(world.ksp_id, people.shop, closed_on)
        assert caught.value.field == "closed_on" and text in in_english(caught.value)
        db.session.rollback()
        assert (shop_of(people).active, shop_of(people).closed_on) == (True, None)


def test_closing_on_its_first_day_and_today(app, people, world):
    with app.app_context():
        assert enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 11, 18)).closed_on == date(2026, 11, 18)
        db.session.rollback()
        assert enterprises.close_enterprise(world.ksp_id, people.shop, date(2023, 5, 1)).closed_on == date(2023, 5, 1)


def test_no_closing_before_a_reported_period(app, people, world):
    with app.app_context():
        reports.record_report(world.ksp_id, people.shop, august_report())
        db.session.commit()
        with pytest.raises(InvalidField) as caught:
            enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 7, 31))
        assert "A report is recorded for August 2026, after that date" in in_english(caught.value)
        db.session.rollback()
        # closing inside the reported month is fine: it traded part of it
        enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 8, 10))
        db.session.commit()


def test_start_date_stays_before_the_closing_and_the_reports(app, people, world):
    def edit(start):
        return enterprises.EnterpriseData("Warung Budi", "trade", "Sembako", start, 2)

    with app.app_context():
        reports.record_report(world.ksp_id, people.shop, august_report())
        db.session.commit()
        with pytest.raises(InvalidField) as caught:
            enterprises.update_enterprise(world.ksp_id, people.shop, edit(date(2026, 9, 1)))
        assert caught.value.field == "start_date"
        assert "A report is recorded for August 2026, before that date" in in_english(caught.value)
        db.session.rollback()
        enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 8, 20))
        db.session.commit()
        with pytest.raises(InvalidField) as caught:
            enterprises.update_enterprise(world.ksp_id, people.shop, edit(date(2026, 8, 21)))
        assert "closed on Aug 20, 2026: it started before that" in in_english(caught.value)
        db.session.rollback()
        assert shop_of(people).start_date == date(2023, 5, 1)
        enterprises.update_enterprise(world.ksp_id, people.shop, edit(date(2026, 8, 1)))
        db.session.commit()
        assert shop_of(people).start_date == date(2026, 8, 1)


# -- the pages --------------------------------------------------------------------------

def test_closing_from_the_enterprise_page(app, client, auth, people):
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/{people.shop}"))
    assert 'id="close-enterprise"' in page and "open" in page
    response = client.post(f"{BASE}/{people.shop}/close", data={"closed_on": "2026-10-31"})
    assert response.status_code == 302
    page = text_of(client.get(f"{BASE}/{people.shop}"))
    assert "Closed since Oct 31, 2026" in page and 'id="close-enterprise"' not in page
    assert '<dd class="col-sm-9" id="enterprise-closed-on">Oct 31, 2026</dd>' in page
    # the list and the owner's page show it, closed, and the filters find it
    assert table_column(text_of(client.get(f"{BASE}/")), "enterprises", 7) == ["Closed since Oct 31, 2026"]
    assert table_column(text_of(client.get(f"{BASE}/?status=inactive")), "enterprises") == ["Warung Budi"]
    assert table_column(text_of(client.get(f"{BASE}/?status=active")), "enterprises") == []
    member_page = text_of(client.get(f"/c/KSP-A/members/{people.budi}"))
    assert table_column(member_page, "member-enterprises", 5) == ["Closed since Oct 31, 2026"]
    # a second closing is refused
    response = client.post(f"{BASE}/{people.shop}/close", data={"closed_on": "2026-11-01"})
    assert response.status_code == 422 and "already closed" in text_of(response)
    with app.app_context():
        assert shop_of(people).closed_on == date(2026, 10, 31)


def test_an_open_enterprise_says_so(client, auth, people):
    auth.login("manager")
    english(client)
    assert table_column(text_of(client.get(f"{BASE}/")), "enterprises", 7) == ["open"]


@pytest.mark.parametrize("value,text", [
    ("2026-11-19", "cannot be in the future"),
    ("2023-04-30", "it cannot close before"),
    ("2026-02-30", "not a date"),
    ("", "This field is required"),
])
def test_bad_closing_input(app, client, auth, people, value, text):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/{people.shop}/close", data={"closed_on": value})
    assert response.status_code == 422 and text in text_of(response)
    with app.app_context():
        assert (shop_of(people).active, shop_of(people).closed_on) == (True, None)


@pytest.mark.parametrize("username,page,post", [
    ("treasurer", 200, 302), ("manager", 200, 302), ("pendamping", 200, 302),
    ("auditor.jabar", 403, 403), ("member", 403, 403), ("other.manager", 404, 404),
    ("auditor.ntb", 404, 404),
])
def test_who_closes(app, client, people, world, username, page, post):
    add_pendamping(app, world)
    login_as(client, username)
    assert client.get(f"{BASE}/{people.shop}/close").status_code == page
    assert client.post(f"{BASE}/{people.shop}/close", data={"closed_on": "2026-10-31"}).status_code == post
    with app.app_context():
        assert shop_of(people).closed_on == (date(2026, 10, 31) if post == 302 else None)


def test_the_edit_form_no_longer_deactivates(app, client, auth, people):
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/{people.shop}/edit"))
    assert 'name="active"' not in page
    response = client.post(f"{BASE}/{people.shop}/edit", data={
        "name": "Warung Budi", "sector": "trade", "products": "Sembako", "start_date": "2023-05-01",
        "workers": "2", "address": "", "active": ""})
    assert response.status_code == 302
    with app.app_context():
        assert (shop_of(people).active, shop_of(people).closed_on) == (True, None)


def test_closed_since_in_indonesian(app, client, auth, people, world):
    with app.app_context():
        enterprises.close_enterprise(world.ksp_id, people.shop, date(2026, 10, 31))
        db.session.commit()
    auth.login("manager")  # the manager reads Indonesian, the app's language
    assert "Tutup sejak 31 Okt 2026" in text_of(client.get(f"{BASE}/{people.shop}"))
    assert table_column(text_of(client.get(f"{BASE}/")), "enterprises", 7) == ["Tutup sejak 31 Okt 2026"]
