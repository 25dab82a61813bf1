"""Who may see and use the ledger's pages (members, other cooperatives, auditors, treasurers,
anonymous users), and the pages in both languages."""
import uuid

import pytest

from tests.ledger.pages import (
    BASE,
    LAST_MONTH_END,
    manual_data,
    seed,
    voucher_data,
)
from tests.support.books import account_id_in, entry_count_in
from tests.support.web import english, text_of

# -- access -----------------------------------------------------------------------------

READ_PAGES = ["/accounts", "/journal", "/trial-balance", "/periods"]
WRITE_PAGES = ["/vouchers/expense", "/vouchers/income", "/manual", "/accounts/new"]


def test_member_gets_403_everywhere(app, client, auth, world):
    entry_id = seed(app, world.ksp_id)
    cash = account_id_in(app, world.ksp_id, "cash")
    auth.login("member")
    for path in READ_PAGES + WRITE_PAGES + [f"/entries/{entry_id}", f"/accounts/{cash}"]:
        assert client.get(BASE + path).status_code == 403, path
    for path in ["/vouchers/expense", "/manual", f"/entries/{entry_id}/reverse", "/periods/close",
                 "/accounts/new", f"/accounts/{cash}/active"]:
        assert client.post(BASE + path, data={"key": uuid.uuid4().hex}).status_code == 403, path
    assert entry_count_in(app) == 1


@pytest.mark.parametrize("user", ["other.manager", "bmt.treasurer", "auditor.ntb"])
def test_users_of_other_cooperatives_get_404(app, client, auth, world, user):
    entry_id = seed(app, world.ksp_id)
    auth.login(user)
    for path in READ_PAGES + WRITE_PAGES + [f"/entries/{entry_id}"]:
        assert client.get(BASE + path).status_code == 404, path
    assert client.post(f"{BASE}/vouchers/income",
                       data=voucher_data(app, world, "income")).status_code == 404
    assert entry_count_in(app) == 1


@pytest.mark.parametrize("user", ["auditor.all", "auditor.jabar", "auditor.indramayu"])
def test_auditors_read_but_never_see_or_use_a_write_form(app, client, auth, world, user):
    entry_id = seed(app, world.ksp_id)
    cash = account_id_in(app, world.ksp_id, "cash")
    auth.login(user)
    for path in READ_PAGES + [f"/entries/{entry_id}", f"/accounts/{cash}"]:
        response = client.get(BASE + path)
        assert response.status_code == 200, path
        assert 'method="post" action="/c/KSP-A/ledger' not in text_of(response), path
        assert "/vouchers/" not in text_of(response) and "/manual" not in text_of(response)
    for path in WRITE_PAGES:
        assert client.get(BASE + path).status_code == 403, path
    assert client.post(f"{BASE}/vouchers/income",
                       data=voucher_data(app, world, "income")).status_code == 403
    assert client.post(f"{BASE}/periods/close",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 403
    assert client.post(f"{BASE}/accounts/{cash}/active", data={"active": "0"}).status_code == 403
    assert entry_count_in(app) == 1


def test_treasurer_posts_vouchers_but_not_manual_entries(app, client, auth, world):
    auth.login("treasurer")
    assert client.get(f"{BASE}/vouchers/expense").status_code == 200
    assert client.get(f"{BASE}/manual").status_code == 403
    assert client.get(f"{BASE}/accounts/new").status_code == 403
    coop = world.ksp_id
    data = manual_data([(account_id_in(app, coop, "cash"), "1.000", "", ""),
                        (account_id_in(app, coop, "grants"), "", "1.000", "")])
    assert client.post(f"{BASE}/manual", data=data).status_code == 403
    assert client.post(f"{BASE}/periods/close",
                       data={"period_end": LAST_MONTH_END.isoformat()}).status_code == 403
    assert entry_count_in(app) == 0
    periods = text_of(client.get(f"{BASE}/periods"))
    assert "/periods/close" not in periods


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"{BASE}/journal")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- languages --------------------------------------------------------------------------

@pytest.mark.parametrize("path", READ_PAGES + WRITE_PAGES)
def test_pages_render_in_both_languages(app, client, auth, world, path):
    entry_id = seed(app, world.ksp_id)
    auth.login("manager")
    indonesian = client.get(BASE + path)
    assert indonesian.status_code == 200
    assert '<html lang="id">' in text_of(indonesian)
    english(client)
    response = client.get(BASE + path)
    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="en">' in page
    assert "style=" not in page and "<script>" not in page
    assert client.get(f"{BASE}/entries/{entry_id}").status_code == 200


def test_account_names_follow_the_language(app, client, auth, world):
    auth.login("manager")
    client.post("/language", data={"lang": "id"})
    page = text_of(client.get(f"{BASE}/accounts"))
    assert "Kas dan Setara Kas" in page and "Cash and cash equivalents" not in page
    english(client)
    page = text_of(client.get(f"{BASE}/accounts"))
    assert "Chart of accounts" in page and "Cash and cash equivalents" in page
    assert "Asset" in page and "Inactive" not in page
