"""The chart of accounts page: the tree with balances and types, adding an account, and
deactivating and activating one."""
import re

import pytest
from sqlalchemy import func, select

from coop_app.extensions import db
from coop_app.ledger.models import GLAccount
from tests.ledger.pages import (
    BASE,
    seed,
)
from tests.support.books import account_id_in
from tests.support.web import english, text_of

# -- chart of accounts ------------------------------------------------------------------

def test_chart_shows_tree_balances_and_types(app, client, auth, world):
    seed(app, world.ksp_id, "2000000")
    auth.login("treasurer")
    english(client)
    page = text_of(client.get(f"{BASE}/accounts"))
    assert re.search(r'data-account="1101">.*?account-depth-3.*?Cash on hand.*?Asset.*?Rp2,000,000', page, re.S)
    # groups sum their children: assets 2,000,000; equity on its credit side 2,000,000
    assert re.search(r'data-account="1">.*?ASSETS.*?Rp2,000,000', page, re.S)
    assert re.search(r'data-account="3">.*?EQUITY.*?Rp2,000,000', page, re.S)
    assert "add-account" not in page and "/active" not in page
    codes = re.findall(r'data-account="([^"]+)"', page)
    assert codes.index("110") < codes.index("1101") < codes.index("1102") < codes.index("1110")


def test_manager_adds_an_account_and_uses_it(app, client, auth, world):
    coop = world.ksp_id
    admin_group = account_id_in(app, coop, "admin_expenses")
    auth.login("manager")
    english(client)
    assert "add-account" in text_of(client.get(f"{BASE}/accounts"))
    response = client.post(f"{BASE}/accounts/new", data={
        "code": "5211", "name": "Beban Internet", "name_en": "Internet", "type": "expense",
        "parent": admin_group})
    assert response.status_code == 302
    with app.app_context():
        account = db.session.execute(select(GLAccount).where(
            GLAccount.cooperative_id == coop, GLAccount.code == "5211")).scalar_one()
        assert (account.name, account.name_en, account.type, account.parent_id, account.is_group,
                account.active) == ("Beban Internet", "Internet", "expense", admin_group, False, True)
        new_id = account.id
    chart = text_of(client.get(f"{BASE}/accounts"))
    assert "Account 5211 was added" in chart and re.search(r'data-account="5211">.*?Internet', chart, re.S)
    assert f'value="{new_id}"' in text_of(client.get(f"{BASE}/vouchers/expense"))


@pytest.mark.parametrize("changes,message", [
    ({"code": "5201"}, "already used"),
    ({"code": "!!"}, "letters, digits, dots or dashes"),
    ({"code": ""}, "This field is required"),
    ({"code": "x" * 21}, "At most 20 characters"),
    ({"name": ""}, "This field is required"),
    ({"type": "income"}, "the type of its group"),
    ({"type": "cash"}, "Choose one of the listed options"),
    ({"parent": "OFFICE"}, "Choose one of the listed options"),
    ({"parent": "OTHER"}, "Choose one of the listed options"),
    ({"parent": "abc"}, "Choose one of the listed options"),
])
def test_add_account_bad_input(app, client, auth, world, changes, message):
    coop = world.ksp_id
    data = {"code": "5211", "name": "Beban Internet", "type": "expense",
            "parent": account_id_in(app, coop, "admin_expenses")}
    data.update(changes)
    if data["parent"] == "OFFICE":
        data["parent"] = account_id_in(app, coop, "office_expense")  # not a group
    if data["parent"] == "OTHER":
        data["parent"] = account_id_in(app, world.other_id, "admin_expenses")
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(GLAccount)).scalar()
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/accounts/new", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(GLAccount)).scalar() == before


def test_deactivate_and_activate_an_account(app, client, auth, world):
    coop = world.ksp_id
    transport = account_id_in(app, coop, "transport_expense")
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/accounts/{transport}/active", data={"active": "0"},
                           follow_redirects=True)
    assert "is now inactive" in text_of(response)
    with app.app_context():
        assert db.session.get(GLAccount, transport).active is False
    assert f'value="{transport}"' not in text_of(client.get(f"{BASE}/vouchers/expense"))
    client.post(f"{BASE}/accounts/{transport}/active", data={"active": "1"})
    with app.app_context():
        assert db.session.get(GLAccount, transport).active is True


def test_deactivation_refusals(app, client, auth, world):
    coop = world.ksp_id
    seed(app, coop, "1000", debit="bank", credit="grants")
    bank, cash = account_id_in(app, coop, "bank"), account_id_in(app, coop, "cash")
    auth.login("manager")
    english(client)
    for account, message in ((bank, "zero balance"), (cash, "used by the system")):
        page = text_of(client.post(f"{BASE}/accounts/{account}/active", data={"active": "0"},
                                   follow_redirects=True))
        assert message in page
    page = text_of(client.post(f"{BASE}/accounts/{bank}/active", data={"active": "maybe"},
                               follow_redirects=True))
    assert "The form is damaged" in page
    with app.app_context():
        assert db.session.get(GLAccount, bank).active and db.session.get(GLAccount, cash).active
    foreign = account_id_in(app, world.other_id, "transport_expense")
    assert client.post(f"{BASE}/accounts/{foreign}/active", data={"active": "0"}).status_code == 404
    with app.app_context():
        assert db.session.get(GLAccount, foreign).active is True
