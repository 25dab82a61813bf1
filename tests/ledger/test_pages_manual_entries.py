"""The manual entry page: eight lines, two shown; a balanced entry posts every line, and an
unbalanced one or bad lines are refused with a message while nothing is written."""
import pytest

from tests.ledger.pages import BASE, D, entry_id_from, get_entry, manual_data
from tests.support.books import account_id_in, entry_count_in, entry_lines_in
from tests.support.web import english, text_of

# -- manual entries ---------------------------------------------------------------------

def test_manual_entry_form_has_eight_lines_two_visible(client, auth, world):
    auth.login("manager")
    page = text_of(client.get(f"{BASE}/manual"))
    assert page.count('class="journal-line"') == 2
    assert page.count('class="journal-line d-none"') == 6
    assert "data-add-line" in page and "data-line-totals" in page
    assert page.count("data-debit") == 8 and page.count("data-credit") == 8
    assert "style=" not in page and "<script>" not in page


def test_balanced_manual_entry_posts_every_line(app, client, auth, world):
    coop = world.ksp_id
    cash, grants, other = (account_id_in(app, coop, k) for k in ("cash", "grants", "other_income"))
    auth.login("manager")
    data = manual_data([(cash, "2.000.000", "", "setoran"), (grants, "", "1.500.000", ""),
                        (other, "", "500.000", "jasa")], memo="Hibah dan jasa")
    response = client.post(f"{BASE}/manual", data=data)
    assert response.status_code == 302
    entry_id = entry_id_from(response)
    assert entry_lines_in(app, entry_id) == {"cash": D("2000000.00"), "grants": D("-1500000.00"),
                                       "other_income": D("-500000.00")}
    entry = get_entry(app, entry_id)
    assert (entry.kind, entry.memo, entry.created_by) == ("manual", "Hibah dan jasa",
                                                          world.user_id("manager"))


def test_unbalanced_manual_entry_says_by_how_much(app, client, auth, world):
    coop = world.ksp_id
    cash, grants = account_id_in(app, coop, "cash"), account_id_in(app, coop, "grants")
    auth.login("manager")
    english(client)
    data = manual_data([(cash, "1,000,000", "", ""), (grants, "", "900,000", "")])
    response = client.post(f"{BASE}/manual", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "does not balance" in page and "100000.00" in page
    assert entry_count_in(app) == 0
    # what was typed stays on the form
    assert 'value="1,000,000"' in page and 'value="900,000"' in page


def _manual_cases(app, world):
    coop = world.ksp_id
    cash, grants = account_id_in(app, coop, "cash"), account_id_in(app, coop, "grants")
    wajib = account_id_in(app, coop, "simpanan_wajib")
    foreign = account_id_in(app, world.other_id, "cash")
    group = account_id_in(app, coop, "cash_and_bank")
    return {
        "one line": ([(cash, "1,000", "", "")], "at least two lines"),
        "no lines": ([], "at least two lines"),
        "debit and credit": ([(cash, "1,000", "1,000", ""), (grants, "", "1,000", "")],
                             "either a debit or a credit"),
        "no amount": ([(cash, "", "", ""), (grants, "", "1,000", "")], "either a debit or a credit"),
        "amount without account": ([(None, "1,000", "", ""), (grants, "", "1,000", "")],
                                   "Choose an open detail account on every line"),
        "foreign account": ([(foreign, "1,000", "", ""), (grants, "", "1,000", "")],
                            "Choose one of the listed options"),
        "control account": ([(wajib, "1,000", "", ""), (grants, "", "1,000", "")],
                            "Choose one of the listed options"),
        "group account": ([(group, "1,000", "", ""), (grants, "", "1,000", "")],
                          "Choose one of the listed options"),
        "tampered account": ([("x", "1,000", "", ""), (grants, "", "1,000", "")],
                             "Choose one of the listed options"),
        "text amount": ([(cash, "abc", "", ""), (grants, "", "1,000", "")], "That is not an amount"),
        "negative amount": ([(cash, "-5", "", ""), (grants, "", "-5", "")], "more than zero"),
        "zero amount": ([(cash, "0", "", ""), (grants, "", "0", "")], "more than zero"),
        "three decimals": ([(cash, "1,555", "", ""), (grants, "", "1,555", "")], None),
        "sub-sen": ([(cash, "1.555", "", ""), (grants, "", "1.555", "")], "at most two decimals"),
        "huge": ([(cash, "999999999999999999", "", ""), (grants, "", "999999999999999999", "")],
                 "larger than any single transaction"),
    }


MANUAL_CASES = ["one line", "no lines", "debit and credit", "no amount", "amount without account",
                "foreign account", "control account", "group account", "tampered account",
                "text amount", "negative amount", "zero amount", "sub-sen", "huge"]


@pytest.mark.parametrize("case", MANUAL_CASES)
def test_manual_entry_bad_lines_are_refused(app, client, auth, world, case):
    lines, message = _manual_cases(app, world)[case]
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/manual", data=manual_data(lines))
    assert response.status_code == 422
    assert message in text_of(response)
    assert entry_count_in(app) == 0


@pytest.mark.parametrize("field,value,message", [
    ("memo", "", "Describe the entry"),
    ("memo", "   ", "Describe the entry"),
    ("entry_date", "2025-02-30", "not a date"),
    ("key", "", "The form is damaged"),
])
def test_manual_entry_bad_header_is_refused(app, client, auth, world, field, value, message):
    coop = world.ksp_id
    data = manual_data([(account_id_in(app, coop, "cash"), "1,000", "", ""),
                        (account_id_in(app, coop, "grants"), "", "1,000", "")])
    data[field] = value
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/manual", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert entry_count_in(app) == 0


def test_manual_entry_in_indonesian_amounts(app, client, auth, world):
    """The default language reads 1.500.000,50 as one and a half million and fifty sen."""
    coop = world.ksp_id
    auth.login("manager")
    response = client.post(f"{BASE}/manual", data=manual_data(
        [(account_id_in(app, coop, "bank"), "1.500.000,50", "", ""),
         (account_id_in(app, coop, "grants"), "", "1.500.000,50", "")]))
    assert response.status_code == 302
    assert entry_lines_in(app, entry_id_from(response)) == {"bank": D("1500000.50"),
                                                     "grants": D("-1500000.50")}
