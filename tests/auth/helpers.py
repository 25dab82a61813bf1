"""Helpers shared by the access, admin and audit tests."""
import re

import pytest

# Staff pages inside a cooperative render the "Books" menu of base.html, which links to the
# ledger's pages; until those views exist such a page cannot render at all.
LEDGER_ENDPOINTS = ("ledger.journal", "ledger.trial_balance", "ledger.chart", "ledger.periods",
                    "ledger.voucher", "ledger.manual_entry", "ledger.entry")


def require_ledger_views(app):
    missing = [name for name in LEDGER_ENDPOINTS if name not in app.view_functions]
    if missing:
        pytest.skip(f"the ledger views are not written yet (missing {', '.join(missing)})")


def english(client):
    """Read the pages in English, as a user who pressed the language button."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def logged_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


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
