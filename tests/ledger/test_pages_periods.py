"""Closing periods through their page: a closed month's dates are refused, the next month is
the only choice, and bad input is a message."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import LedgerPeriod
from tests.ledger.pages import BASE, LAST_MONTH_END, TODAY, manual_data, seed, voucher_data
from tests.support.books import account_id_in, coop, entry_count_in
from tests.support.web import english, text_of

# -- periods ----------------------------------------------------------------------------

def test_close_a_period_then_its_dates_are_refused(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "1000000", on=LAST_MONTH_END)
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/periods"))
    assert "No period has been closed yet" in page
    assert page.count("<option ") == 24 and f'value="{LAST_MONTH_END.isoformat()}"' in page
    assert "data-confirm" in page

    response = client.post(f"{BASE}/periods/close", data={"period_end": LAST_MONTH_END.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        period = db.session.execute(select(LedgerPeriod).where(
            LedgerPeriod.cooperative_id == coop)).scalar_one()
        assert (period.period_end, period.closed_by) == (LAST_MONTH_END, world.user_id("manager"))
    page = text_of(client.get(f"{BASE}/periods"))
    assert "The books are closed up to" in page
    assert LAST_MONTH_END.strftime("%B") in page

    before = entry_count_in(app)
    in_closed = voucher_data(app, world, "income", amount="10,000", entry_date=LAST_MONTH_END.isoformat())
    response = client.post(f"{BASE}/vouchers/income", data=in_closed)
    assert response.status_code == 422
    assert f"closed up to {LAST_MONTH_END.isoformat()}" in text_of(response)
    expense = voucher_data(app, world, amount="10,000", entry_date=LAST_MONTH_END.isoformat())
    assert "closed up to" in text_of(client.post(f"{BASE}/vouchers/expense", data=expense))
    manual = manual_data([(account_id_in(app, coop, "cash"), "1,000", "", ""),
                          (account_id_in(app, coop, "grants"), "", "1,000", "")], on=LAST_MONTH_END)
    assert "closed up to" in text_of(client.post(f"{BASE}/manual", data=manual))
    assert entry_count_in(app) == before

    # the same month again is refused; today's date still posts
    again = client.post(f"{BASE}/periods/close", data={"period_end": LAST_MONTH_END.isoformat()})
    assert again.status_code == 422 and "Choose one of the listed options" in text_of(again)
    ok = client.post(f"{BASE}/vouchers/income", data=voucher_data(app, world, "income", amount="10,000"))
    assert ok.status_code == 302 and entry_count_in(app) == before + 1


def test_reversal_dated_in_a_closed_period_is_refused(app, client, auth, world):
    coop = world.ksp_id
    entry_id = seed(app, coop, "1000000", on=LAST_MONTH_END)
    with app.app_context():
        ledger.close_period(db.session.get(Cooperative, coop), LAST_MONTH_END)
        db.session.commit()
    before = entry_count_in(app)
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/entries/{entry_id}/reverse", data={
        "reason": "Salah", "reversal_date": LAST_MONTH_END.isoformat(), "key": uuid.uuid4().hex})
    assert response.status_code == 422 and "closed up to" in text_of(response)
    assert entry_count_in(app) == before


@pytest.mark.parametrize("value", ["abc", "", (TODAY.replace(day=28) + timedelta(days=4)).isoformat(),
                                   "2020-01-15", "1990-12-31"])
def test_close_period_bad_input(app, client, auth, world, value):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/periods/close", data={"period_end": value})
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose one of the listed options" in page or "This field is required" in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(LedgerPeriod)).scalar() == 0


def test_next_period_is_the_only_choice_after_the_first_close(app, client, auth, world):
    two_months_ago = LAST_MONTH_END.replace(day=1) - timedelta(days=1)
    with app.app_context():
        ledger.close_period(coop(world.ksp_id), two_months_ago)
        db.session.commit()
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/periods"))
    assert page.count("<option ") == 1 and f'value="{LAST_MONTH_END.isoformat()}"' in page
    skipped = client.post(f"{BASE}/periods/close", data={"period_end": two_months_ago.isoformat()})
    assert skipped.status_code == 422 and "Choose one of the listed options" in text_of(skipped)
    assert client.post(f"{BASE}/periods/close",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 302
