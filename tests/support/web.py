"""The pages through the Flask test client: logging in, reading in English, the text of a
response or of one element, a form's submission key, a table's column."""
import re

import pytest

from tests.conftest import PASSWORD

# Staff pages inside a cooperative render the "Books" menu of base.html, which links to the
# ledger's pages; until those views exist such a page cannot render at all.
LEDGER_ENDPOINTS = ("ledger.journal", "ledger.trial_balance", "ledger.chart", "ledger.periods",
                    "ledger.voucher", "ledger.manual_entry", "ledger.entry")

FORM_KEY = re.compile(r'name="key" type="hidden" value="([0-9a-f]+)"')


def require_ledger_views(app):
    missing = [name for name in LEDGER_ENDPOINTS if name not in app.view_functions]
    if missing:
        pytest.skip(f"the ledger views are not written yet (missing {', '.join(missing)})")


# -- logging in and the language ---------------------------------------------------------------

def english(client):
    """Read the pages in English, as a user who pressed the language button (the session's
    language; logging in again starts from the user's own)."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def login_as(client, username, password=PASSWORD):
    """Log out whoever is logged in, log `username` in, and read the pages in English."""
    client.post("/logout")
    client.post("/login", data={"username": username, "password": password})
    english(client)


def client_for(app, username, password=PASSWORD):
    """A test client of its own, logged in as `username` and reading in English."""
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302
    english(client)
    return client


def logged_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


# -- reading what comes back ---------------------------------------------------------------------

def text_of(response):
    return response.get_data(as_text=True)


def element_text(html, element_id):
    """The text of the element with this id (tags stripped, spaces collapsed)."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def form_key_of(html):
    """The submission key of the form on a page already fetched."""
    match = FORM_KEY.search(html)
    assert match, "the form carries a submission key"
    return match.group(1)


def form_key(client, url):
    """The submission key of the form at `url` (fetched: it must answer 200)."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    match = FORM_KEY.search(text_of(response))
    assert match, f"the form at {url} carries a submission key"
    return match.group(1)


def table_column(html, table_id, column=0):
    """The text of one column of the table with `table_id`, row by row (tags stripped)."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table #{table_id} on the page"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(0), re.S).group(1)
    values = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if len(cells) > column and not re.search(r'colspan="', row):
            values.append(" ".join(re.sub(r"<[^>]+>", " ", cells[column]).split()))
    return values
