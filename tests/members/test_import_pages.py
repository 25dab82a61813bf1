"""The import page: upload, a preview with every row's errors, then "import all" in one
transaction; a bad file or a bad row writes nothing."""
import io
import re

import pytest
from sqlalchemy import select

from coop_app.extensions import db
from coop_app.members.models import Member
from tests.members.pages import BASE
from tests.members.test_import import ROWS, csv_bytes, xlsx_bytes
from tests.support.books import member_counts_in
from tests.support.web import english, table_column, text_of


def upload(client, content, name="anggota.csv"):
    return client.post(f"{BASE}/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def confirm_data(page):
    return {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)
            for name in ("file_hash", "kind")}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_preview_then_import_all(app, client, auth, world, kind):
    auth.login("treasurer")
    english(client)
    content = csv_bytes(ROWS) if kind == "csv" else xlsx_bytes(ROWS)
    preview = upload(client, content, f"anggota.{kind}")
    assert preview.status_code == 200
    page = text_of(preview)
    assert "Every row is valid: 4 members will be registered" in page
    assert table_column(page, "import-rows", 2) == ["Siti Aminah", "Dedi Karta", "Wati", "Rudi"]
    assert member_counts_in(app) == (0, 0)                    # a preview writes nothing

    response = client.post(f"{BASE}/import/confirm", data=confirm_data(page))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/")
    assert member_counts_in(app) == (4, 4)
    assert "4 members were registered" in text_of(client.get(response.headers["Location"]))

    # a second confirmation of the same file registers nobody twice
    again = client.post(f"{BASE}/import/confirm", data=confirm_data(page))
    assert again.status_code == 302 and member_counts_in(app) == (4, 4)
    assert "nothing new was registered" in text_of(client.get(again.headers["Location"]))


def test_a_reuploaded_file_registers_nobody_twice(app, client, auth, world):
    auth.login("treasurer")
    english(client)
    page = text_of(upload(client, csv_bytes(ROWS)))
    client.post(f"{BASE}/import/confirm", data=confirm_data(page))
    page = text_of(upload(client, csv_bytes(ROWS)))
    assert "already imported" in page
    response = client.post(f"{BASE}/import/confirm", data=confirm_data(page))
    assert "nothing new was registered" in text_of(client.get(response.headers["Location"]))
    assert member_counts_in(app) == (4, 4)


def test_preview_lists_row_errors_and_offers_no_import(app, client, auth, world):
    auth.login("manager")
    english(client)
    bad = [row[:] for row in ROWS]
    bad[1][6] = "2024-13-01"
    bad[3][0] = bad[0][0]
    page = text_of(upload(client, csv_bytes(bad)))
    assert "2 problems were found" in page
    assert table_column(page, "import-errors", 0) == ["3", "5"]
    assert table_column(page, "import-errors", 1) == ["join_date", "nik"]
    assert "also on row 2" in page
    assert "Import all" not in page and 'name="file_hash"' not in page
    assert member_counts_in(app) == (0, 0)


def test_row_errors_in_indonesian_page(app, client, auth, world):
    auth.login("manager")
    bad = [row[:] for row in ROWS]
    bad[0][2] = "?"
    page = text_of(upload(client, csv_bytes(bad)))
    assert '<html lang="id">' in page and 'data-row="2"' in page
    assert member_counts_in(app) == (0, 0)


def test_confirming_a_file_that_became_bad_imports_nothing(app, client, auth, world):
    """Between the preview and the confirmation, one of its people was registered by hand."""
    auth.login("treasurer")
    english(client)
    page = text_of(upload(client, csv_bytes(ROWS)))
    same_nik = csv_bytes([ROWS[3][:1] + ["Rudi", "L", "1999-07-30", "Blok", "", "2024-03-03",
                                         "ctki", "", "", "", "", ""]])
    client.post(f"{BASE}/import/confirm", data=confirm_data(text_of(upload(client, same_nik))))
    assert member_counts_in(app) == (1, 1)
    response = client.post(f"{BASE}/import/confirm", data=confirm_data(page))
    assert response.status_code == 422
    assert "Nothing was imported" in text_of(response) and "already registered" in text_of(response)
    assert member_counts_in(app) == (1, 1)


@pytest.mark.parametrize("name,content,message", [
    ("anggota.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
    ("anggota.csv", b"x" * (2 * 1024 * 1024 + 10), "larger than 2 MB"),
    ("anggota.xlsx", b"nik,name\n", "not an Excel workbook"),
    ("anggota.csv", b"nama,alamat\n", "missing: nik"),
])
def test_bad_files_are_refused_on_the_upload_form(app, client, auth, world, name, content, message):
    auth.login("treasurer")
    english(client)
    response = upload(client, content, name)
    assert response.status_code == 422 and message in text_of(response)
    assert 'name="file"' in text_of(response)
    assert member_counts_in(app) == (0, 0)


def test_the_web_takes_a_thousand_members_per_file(app, client, auth, world):
    auth.login("treasurer")
    english(client)
    response = upload(client, csv_bytes([ROWS[3]] * 1001))
    assert response.status_code == 422 and "at most 1000 members" in text_of(response)
    assert member_counts_in(app) == (0, 0)


def test_no_file_and_tampered_confirmations(app, client, auth, world):
    auth.login("treasurer")
    english(client)
    response = client.post(f"{BASE}/import", data={})
    assert response.status_code == 422 and "Choose a file to upload" in text_of(response)
    for data in ({"file_hash": "../../etc/passwd", "kind": "csv"},
                 {"file_hash": "a" * 64, "kind": "exe"},
                 {"file_hash": "a" * 64, "kind": "csv"}, {}):
        response = client.post(f"{BASE}/import/confirm", data=data)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/import")
    assert member_counts_in(app) == (0, 0)


def test_imported_members_are_in_the_right_cooperative_only(app, client, auth, world):
    auth.login("other.manager")
    page = text_of(client.post("/c/KSP-B/members/import", data={
        "file": (io.BytesIO(csv_bytes(ROWS[:1])), "a.csv")}, content_type="multipart/form-data"))
    client.post("/c/KSP-B/members/import/confirm", data=confirm_data(page))
    with app.app_context():
        assert db.session.execute(select(Member.cooperative_id)).scalars().all() == [world.other_id]
