"""Migrant-worker pages: the list with linked members counted, recording, recording the
return, the detail with the family; bad input is a message and writes nothing."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coop_app.extensions import db
from coop_app.members.models import MigrantWorker
from tests.members.pages import BASE
from tests.support.web import english, table_column, text_of

TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs


def migrant_form(**changes):
    values = {"name": "Sumarni", "gender": "F", "destination_country": "Hong Kong",
              "sector": "domestic", "departure_date": "2021-06-01", "expected_return_date": "2025-06-01",
              "actual_return_date": "", "procedural": "y", "notes": ""}
    values.update(changes)
    return values


def migrant_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(MigrantWorker)).scalar()


def test_list_counts_linked_members(client, auth, people):
    auth.login("auditor.all")
    english(client)
    page = text_of(client.get(f"{BASE}/migrants"))
    assert table_column(page, "migrants") == ["Rohman"]          # not KSP-B's migrant
    assert table_column(page, "migrants", 6) == ["1"]
    assert table_column(page, "migrants", 4) == ["abroad"]
    assert table_column(text_of(client.get(f"{BASE}/migrants?where=returned")), "migrants") == []
    assert table_column(text_of(client.get(f"{BASE}/migrants?q=ro")), "migrants") == ["Rohman"]
    assert table_column(text_of(client.get(f"{BASE}/migrants?q=x")), "migrants") == []
    assert "The filter was ignored" in text_of(client.get(f"{BASE}/migrants?where=moon"))


def test_record_a_migrant_and_then_the_return(app, client, auth, people):
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/migrants/new", data=migrant_form())
    assert response.status_code == 302
    url = response.headers["Location"]
    with app.app_context():
        record = db.session.execute(select(MigrantWorker).where(MigrantWorker.name == "Sumarni")).scalar_one()
        assert (record.gender, record.sector, record.departure_date, record.procedural,
                record.actual_return_date) == ("F", "domestic", date(2021, 6, 1), True, None)
    back = (TODAY - timedelta(days=10)).isoformat()
    edit = client.post(f"{url}/edit", data=migrant_form(actual_return_date=back, procedural=""))
    assert edit.status_code == 302
    page = text_of(client.get(url))
    assert 'id="migrant-returned"' in page
    with app.app_context():
        record = db.session.get(MigrantWorker, record.id)
        assert (record.actual_return_date.isoformat(), record.procedural) == (back, False)


def test_detail_lists_the_family_and_remittances(client, auth, people):
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/migrants/{people.rohman}"))
    assert table_column(page, "migrant-members", 1) == ["Budi Santoso"]
    assert table_column(page, "migrant-members", 3) == ["Child"]
    assert "0 remittances · Rp0" in page
    assert f'href="{BASE}/new?migrant={people.rohman}"' in page


@pytest.mark.parametrize("changes,message", [
    ({"name": ""}, "This field is required"),
    ({"name": "x" * 201}, "At most 200 characters"),
    ({"destination_country": ""}, "This field is required"),
    ({"sector": "mining"}, "Choose one of the listed options"),
    ({"sector": ""}, "Choose the sector"),
    ({"gender": "Z"}, "Choose one of the listed options"),
    ({"departure_date": "2021-02-30"}, "not a date"),
    ({"actual_return_date": "2020-01-01"}, "before the departure date"),
    ({"expected_return_date": "2020-01-01"}, "expected return is before"),
    ({"actual_return_date": (TODAY + timedelta(days=5)).isoformat()}, "cannot be in the future"),
    ({"notes": "n" * 501}, "At most 500 characters"),
])
def test_bad_migrant_input(app, client, auth, people, changes, message):
    auth.login("treasurer")
    english(client)
    before = migrant_count(app)
    response = client.post(f"{BASE}/migrants/new", data=migrant_form(**changes))
    assert response.status_code == 422 and message in text_of(response)
    response = client.post(f"{BASE}/migrants/{people.rohman}/edit", data=migrant_form(**changes))
    assert response.status_code == 422 and message in text_of(response)
    assert migrant_count(app) == before
    with app.app_context():
        assert db.session.get(MigrantWorker, people.rohman).name == "Rohman"
