"""Any indicator view as XLSX, read back with openpyxl: the same figures as the page, labels
not codes, money as rupiah numbers, and a suppressed cell left empty with its note (the
world of test_pages: KSP-A's October stored, with a K4 cell of two enterprises)."""
import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.indicators.test_pages import OCTOBER, indicators_world  # noqa: F401  (the fixture)
from tests.support.web import login_as


def workbook(client, url, **args):
    response = client.get(url, query_string=dict(OCTOBER, format="xlsx", **args))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def rows_by_indicator(book):
    rows = list(book["Indicators"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Group", "Indicator", "Unit", "Now")
    return {row[1]: row for row in rows[2:]}


def test_the_programme_export_keeps_suppressed_cells_suppressed(client, indicators_world):
    login_as(client, "auditor.indramayu")
    book = workbook(client, "/indicators/")
    assert book.sheetnames == ["Indicators", "By region", "Villages", "Ranked villages",
                               "Household panel", "Data coverage", "Definitions"]
    rows = rows_by_indicator(book)
    active = rows["Active members"]
    assert active[0] == "People using the cooperative" and active[2] == "Count"
    assert active[3] == 3
    turnover = rows["Enterprise turnover"]
    assert turnover[3] is None
    assert turnover[7] == "Suppressed: fewer than 5 households."
    panel = list(book["Household panel"].iter_rows(values_only=True))
    assert panel[1] == ("Suppressed: fewer than 5 households.", None, None)
    assert all(row[1] is None and row[2] is None for row in panel[3:])


def test_the_cooperative_export_shows_money_as_rupiah_numbers(client, indicators_world):
    login_as(client, "manager")
    book = workbook(client, "/c/KSP-A/indicators/")
    sheet = book["Indicators"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    turnover = rows["Enterprise turnover"][3]
    assert turnover.value == Decimal("1500000.00") or turnover.value == 1500000
    assert turnover.number_format == '"Rp"#,##0'
    assert rows["Enterprise turnover"][2].value == "Rupiah per unit"


def test_the_region_and_village_tables_are_labelled(client, indicators_world):
    login_as(client, "auditor.jabar")
    book = workbook(client, "/indicators/", group_by="kabupaten", indicator="k2_active_members")
    regions = list(book["By region"].iter_rows(values_only=True))
    assert regions[0][:3] == ("Kabupaten/kota", "Cooperatives", "Members' savings")
    column = regions[0].index("Active members")
    assert sorted((row[0], row[column]) for row in regions[1:3]) == [("Kabupaten Cirebon", 2),
                                                                   ("Kabupaten Indramayu", 3)]
    assert regions[3] == ("Suppressed: fewer than 5 households.",) + (None,) * (len(regions[0]) - 1)
    ranked = list(book["Ranked villages"].iter_rows(values_only=True))
    assert ranked[2:] == [(1, "Juntinyuat", 3), (2, "Weru Kidul", 2)]
    definitions = list(book["Definitions"].iter_rows(values_only=True))
    assert ("People using the cooperative", "Active members",
            "Members who had joined by t and not left by t.") in definitions
    coverage = dict(book["Data coverage"].iter_rows(min_row=2, values_only=True))
    assert coverage["Cooperatives"] == 2
