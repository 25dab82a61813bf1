"""Reversing an entry through its page: a manager's, once, with a reason and a date; not a
treasurer's or an auditor's, not another cooperative's entry."""
import re
import uuid

import pytest

from tests.ledger.pages import (
    BASE,
    TODAY,
    D,
    entry_id_from,
    get_entry,
    seed,
)
from tests.support.books import account_id_in, entry_count_in, entry_lines_in
from tests.support.web import english, text_of

# -- reversal ---------------------------------------------------------------------------

def test_manager_reverses_an_entry_once(app, client, auth, world):
    entry_id = seed(app, world.ksp_id, "750000")
    auth.login("manager")
    english(client)
    page = text_of(client.get(f"{BASE}/entries/{entry_id}"))
    assert f'action="{BASE}/entries/{entry_id}/reverse"' in page
    key = re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = client.post(f"{BASE}/entries/{entry_id}/reverse",
                           data={"reason": "Salah catat", "reversal_date": TODAY.isoformat(), "key": key})
    assert response.status_code == 302
    reversal_id = entry_id_from(response)
    assert reversal_id != entry_id
    reversal = get_entry(app, reversal_id)
    assert (reversal.kind, reversal.memo, reversal.reverses_id, reversal.created_by) == (
        "reversal", "Salah catat", entry_id, world.user_id("manager"))
    assert entry_lines_in(app, reversal_id) == {"cash": D("-750000.00"), "grants": D("750000.00")}

    shown = text_of(client.get(response.headers["Location"]))
    assert f'href="{BASE}/entries/{entry_id}"' in shown and "was reversed by entry" in shown
    original = text_of(client.get(f"{BASE}/entries/{entry_id}"))
    assert 'id="entry-reversed-by"' in original and f"#{reversal_id}" in original
    assert "/reverse" not in original  # no form on a reversed entry
    journal = text_of(client.get(f"{BASE}/journal"))
    assert f"Reversed by #{reversal_id}" in journal and f"Reverses #{entry_id}" in journal

    # the same submission again is harmless; a new one is refused
    again = client.post(f"{BASE}/entries/{entry_id}/reverse",
                        data={"reason": "Salah catat", "reversal_date": TODAY.isoformat(), "key": key})
    assert again.status_code == 302 and entry_id_from(again) == reversal_id
    second = client.post(f"{BASE}/entries/{entry_id}/reverse",
                         data={"reason": "Lagi", "reversal_date": TODAY.isoformat(),
                               "key": uuid.uuid4().hex})
    assert second.status_code == 422
    assert f"already reversed by entry #{reversal_id}" in text_of(second)
    reversal_of_reversal = client.post(f"{BASE}/entries/{reversal_id}/reverse",
                                       data={"reason": "x", "reversal_date": TODAY.isoformat(),
                                             "key": uuid.uuid4().hex})
    assert reversal_of_reversal.status_code == 422
    assert "cannot itself be reversed" in text_of(reversal_of_reversal)
    assert entry_count_in(app) == 2


@pytest.mark.parametrize("field,value,message", [
    ("reason", "", "Give the reason for the reversal"),
    ("reason", "  ", "Give the reason for the reversal"),
    ("reversal_date", "31-12-2025", "not a date"),
    ("reversal_date", "2000-01-01", "cannot be dated before the entry"),
    ("key", "", "The form is damaged"),
])
def test_reversal_bad_input(app, client, auth, world, field, value, message):
    entry_id = seed(app, world.ksp_id, "750000")
    auth.login("manager")
    english(client)
    data = {"reason": "Salah catat", "reversal_date": TODAY.isoformat(), "key": uuid.uuid4().hex,
            field: value}
    response = client.post(f"{BASE}/entries/{entry_id}/reverse", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert entry_count_in(app) == 1


def test_treasurer_and_auditor_cannot_reverse(app, client, auth, world):
    entry_id = seed(app, world.ksp_id)
    data = {"reason": "x", "reversal_date": TODAY.isoformat(), "key": uuid.uuid4().hex}
    for user in ("treasurer", "auditor.jabar"):
        auth.login(user)
        page = text_of(client.get(f"{BASE}/entries/{entry_id}"))
        assert "/reverse" not in page
        assert client.post(f"{BASE}/entries/{entry_id}/reverse", data=data).status_code == 403
        auth.logout()
    assert entry_count_in(app) == 1


def test_entry_of_another_cooperative_is_404(app, client, auth, world):
    foreign = seed(app, world.other_id)
    auth.login("manager")
    assert client.get(f"{BASE}/entries/{foreign}").status_code == 404
    assert client.get(f"{BASE}/entries/999999").status_code == 404
    response = client.post(f"{BASE}/entries/{foreign}/reverse",
                           data={"reason": "x", "reversal_date": TODAY.isoformat(),
                                 "key": uuid.uuid4().hex})
    assert response.status_code == 404
    assert entry_count_in(app) == 1
    foreign_account = account_id_in(app, world.other_id, "cash")
    assert client.get(f"{BASE}/accounts/{foreign_account}").status_code == 404
