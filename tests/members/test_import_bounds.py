"""An uploaded workbook is read within bounds whatever it declares: a cell at XFD1048576, a
dimension that lies, tens of thousands of empty formatted rows or a part that unpacks to
twenty megabytes are answered (refused or read) within a second, and no row is dropped."""
import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from coop_app.membership import importer
from tests.members.test_import import HEADER, ROWS, xlsx_bytes
from tests.members.test_import_pages import upload
from tests.support import in_english
from tests.support.books import member_counts_in
from tests.support.web import english, text_of

SHEET = "xl/worksheets/sheet1.xml"


def far_cell_workbook(far="XFD1048576"):
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "nik"
    sheet[far] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(content, change):
    """The workbook `content` with its first sheet's XML passed through change(xml)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def timed_upload(client, content):
    start = time.perf_counter()
    response = upload(client, content, "anggota.xlsx")
    return response, time.perf_counter() - start


@pytest.fixture
def staff(client, auth, world):
    auth.login("treasurer")
    english(client)
    return client


def test_a_cell_at_xfd1048576_is_refused_within_a_second(app, staff):
    content = far_cell_workbook()
    assert len(content) < 6000
    response, seconds = timed_upload(staff, content)
    assert seconds < 1, seconds
    assert response.status_code == 422
    assert "Cell XFD1048576 is outside the import&#39;s columns" in text_of(response)
    assert member_counts_in(app) == (0, 0)


def test_a_member_a_million_rows_down_is_read_within_a_second(app, staff):
    """A gap of a million rows costs nothing: the row is read, numbered as the sheet shows."""
    def far_row(xml):
        row = ROWS[3]
        cells = "".join(f'<c r="{letter}1048576" t="inlineStr"><is><t>{value}</t></is></c>'
                        for letter, value in zip("ABCDEFGH", row[:8]) if value)
        return xml.replace("</sheetData>", f'<row r="1048576">{cells}</row></sheetData>')

    content = with_sheet(xlsx_bytes(ROWS[:1]), far_row)
    response, seconds = timed_upload(staff, content)
    assert seconds < 1, seconds
    assert response.status_code == 200
    page = text_of(response)
    assert "Every row is valid: 2 members will be registered" in page
    assert "1048576" in page
    assert member_counts_in(app) == (0, 0)


def test_a_dimension_that_understates_the_sheet_drops_no_row(ctx, world):
    content = with_sheet(xlsx_bytes(ROWS), lambda xml: re.sub(r'<dimension ref="[^"]*"/>',
                                                              '<dimension ref="A1:A1"/>', xml))
    parsed = importer.read_import("anggota.xlsx", content)
    assert [row.number for row in parsed.rows] == [2, 3, 4, 5]
    assert [row.values["name"] for row in parsed.rows] == ["Siti Aminah", "Dedi Karta", "Wati", "Rudi"]


def test_too_many_empty_formatted_rows_are_refused_after_bounded_work(staff):
    """Reading stops at the row limit: 50,000 row elements take about a second on an idle
    machine (the bound is loose for a loaded one; unbounded, this sheet would be read whole)."""
    rows = "".join(f'<row r="{n}" ht="20" customHeight="1"/>' for n in range(6, 6 + 50_000))
    content = with_sheet(xlsx_bytes(ROWS), lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
    assert len(content) < importer.MAX_BYTES
    response, seconds = timed_upload(staff, content)
    assert seconds < 5, seconds
    assert response.status_code == 422
    assert "The sheet has more than 50000 rows" in text_of(response)


def test_some_empty_formatted_rows_below_the_list_are_fine(staff):
    rows = "".join(f'<row r="{n}" ht="20" customHeight="1"/>' for n in range(6, 3000))
    content = with_sheet(xlsx_bytes(ROWS), lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
    response = upload(staff, content, "anggota.xlsx")
    assert response.status_code == 200
    assert "Every row is valid: 4 members will be registered" in text_of(response)


def test_a_workbook_that_unpacks_to_20_mb_is_refused_before_it_is_parsed(staff):
    padding = " " * (20 * 1024 * 1024)
    content = with_sheet(xlsx_bytes(ROWS), lambda xml: xml.replace("<sheetData>", padding + "<sheetData>"))
    assert len(content) < importer.MAX_BYTES
    response, seconds = timed_upload(staff, content)
    assert seconds < 1, seconds
    assert response.status_code == 422
    assert "This workbook unpacks to more than 16 MB" in text_of(response)


def test_values_beyond_the_import_columns_are_refused_not_dropped(ctx, world):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROWS[3])
    sheet["AZ2"] = "a note"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(importer.ImportRefused) as caught:
        importer.read_import("anggota.xlsx", buffer.getvalue())
    assert in_english(caught.value).startswith("Cell AZ2 is outside the import's columns")


def test_reading_stops_at_the_members_limit(ctx, world):
    """A sheet of 2,000 members is refused for the page's 1,000 without reading it all."""
    content = xlsx_bytes([ROWS[3]] * 2000)
    with pytest.raises(importer.ImportRefused) as caught:
        importer.read_import("anggota.xlsx", content, importer.WEB_MAX_ROWS)
    assert in_english(caught.value) == "A file holds at most 1000 members; split it."
