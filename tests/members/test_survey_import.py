"""The survey import from Excel: a new KK creates its household, the respondent is linked,
rows are taken in date order, headers in English or Indonesian; any row's error imports
nothing and every row's errors are listed; the file's own refusals; the template."""
import html
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members import households, survey_import, surveys
from coop_app.members.models import Member
from tests.members.households_world import (KK, KK_2, add_pendamping, household_count, household_with,
                                            survey_count)
from tests.support import in_english
from tests.support.web import login_as, text_of

D = Decimal
URL = "/c/KSP-A/households/import"
HEADER = list(survey_import.COLUMNS)


def workbook(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def numbers(app, *member_ids):
    with app.app_context():
        return [db.session.get(Member, member_id).member_number for member_id in member_ids]


def rows_for(siti, budi):
    """Budi's household: a follow-up listed above its baseline, the baseline a date cell."""
    return [
        [KK, "Budi Santoso", "L", 4, budi, "lanjutan", "15/01/2026", "Wati", "3.000.000", 0, 800000, "", 150000, 2900000],
        [KK, "", "", "", siti, "baseline", datetime(2025, 1, 10), "Wati", 2500000, "1.200.000", 800000, 0, 150000, "3.100.000"],
    ]


def test_a_file_creates_the_household_links_its_members_and_records_its_surveys(ctx, world, people, app):
    siti, budi = numbers(app, people.siti, people.budi)
    rows = survey_import.read_surveys("surveys.xlsx", workbook(rows_for(siti, budi)))
    result = survey_import.run_import(world.ksp_id, rows, created_by=world.user_id("treasurer"))
    assert result.ok, [(e.row, e.column, in_english(e.message)) for e in result.errors]
    db.session.commit()
    assert (result.rows, result.households_created, result.members_linked) == (2, 1, 2)
    household = households.household_by_kk(world.ksp_id, KK)
    assert (household.head_name, household.head_gender, household.size) == ("Budi Santoso", "M", 4)
    recorded = surveys.household_surveys(world.ksp_id, household.id)
    assert [(s.kind, s.surveyed_on, s.member_id, s.income, s.spending) for s in recorded] == [
        ("baseline", date(2025, 1, 10), people.siti, D("4650000"), D("3100000")),
        ("follow_up", date(2026, 1, 15), people.budi, D("3950000"), D("2900000")),
    ]
    assert {s.created_by for s in recorded} == {world.user_id("treasurer")}


def test_indonesian_headers_and_an_existing_household(ctx, world, people, app):
    siti, = numbers(app, people.siti)
    household = household_with(world.ksp_id, people.siti)
    header = [survey_import.INDONESIAN[name] for name in survey_import.COLUMNS]
    content = workbook([[KK, "", "", "", siti, "awal", "2025-01-10", "Wati", 0, 0, 0, 1750000, 0, 1500000]], header)
    result = survey_import.run_import(world.ksp_id, survey_import.read_surveys("s.xlsx", content))
    assert result.ok and (result.rows, result.households_created, result.members_linked) == (1, 0, 0)
    assert surveys.household_surveys(world.ksp_id, household.id)[0].income_farming == D("1750000")


def test_any_row_in_error_imports_nothing_and_every_error_is_listed(ctx, world, people, app):
    siti, budi = numbers(app, people.siti, people.budi)
    rows = rows_for(siti, budi) + [
        [KK_2, "Warsini", "P", 3, "no-such", "awal", "2025-02-01", "Wati", 0, 0, 0, 0, 0, 0],   # row 4
        [3212110101200003, "Warsini", "P", 3, siti, "awal", "2025-02-01", "Wati", 0, 0, 0, 0, 0, 0],  # row 5
        ["3212110101200004", "Tarno", "L", 3, budi, "yearly", "2027-01-01", "", -5, 0, 0, 0, 0, "x"],  # row 6
        [KK, "", "", "", budi, "lanjutan", "2026-11-19", "Wati", 0, 0, 0, 0, 0, 0],  # row 7
        ["3212110101200006", "", "", "", budi, "awal", "2025-03-01", "Wati", 0, 0, 0, 0, 0, 0],  # row 8
        [KK, "", "", "", budi, "awal", "1990-05-16", "Wati", 0, 0, 0, 0, 0, 0],  # row 9
    ]
    result = survey_import.run_import(world.ksp_id, survey_import.read_surveys("s.xlsx", workbook(rows)))
    db.session.rollback()
    assert [(e.row, e.column, in_english(e.message)) for e in result.errors] == [
        (4, "member_number", "No member has this number."),
        (5, "kk_number", "Store the KK number as text: a spreadsheet keeps only 15 digits of a number."),
        (6, "kind", "Write the kind as baseline or follow_up (or awal, lanjutan)."),
        (6, "spending", "That is not an amount. Write it like 1.500.000 or 1.500.000,50."),
        (7, "surveyed_on", "The survey date cannot be in the future."),
        (8, "kk_number", "This KK is not recorded yet: fill in head_name, head_gender and household_size "
                         "to record it."),
        (9, "surveyed_on", "The survey date is before the respondent's birth date (1990-05-17)."),
    ]
    assert (household_count(), survey_count()) == (0, 0)
    assert db.session.get(Member, people.siti).household_id is None


def test_a_respondent_of_another_household_is_a_row_error(ctx, world, people, app):
    siti, = numbers(app, people.siti)
    household_with(world.ksp_id, people.siti, kk_number=KK_2)
    content = workbook([[KK, "Budi Santoso", "L", 4, siti, "awal", "2025-01-10", "Wati", 0, 0, 0, 0, 0, 0]])
    result = survey_import.run_import(world.ksp_id, survey_import.read_surveys("s.xlsx", content))
    assert [(e.row, e.column, in_english(e.message)) for e in result.errors] == [
        (2, "member_number", f"This member is already linked to the household of KK {KK_2}; "
                             "unlink them there first.")]


@pytest.mark.parametrize("name,content,message", [
    ("s.csv", b"kk_number\n", "Upload an Excel workbook (.xlsx)."),
    ("s.xlsx", b"kk_number,head_name\n", "This file is not an Excel workbook (.xlsx)."),
    ("s.xlsx", b"", "The file is empty."),
    ("s.xlsx", workbook([], header=["kk_number", "kind"]),
     "The first row must name the columns; missing: member_number, surveyed_on, enumerator."),
    ("s.xlsx", workbook([], header=HEADER + ["notes"]), "Unknown columns: notes."),
    ("s.xlsx", workbook([], header=HEADER + ["kind"]), "A column is named twice in the first row."),
    ("s.xlsx", workbook([]), "The file has a header but no surveys."),
])
def test_files_refused_as_a_whole(ctx, name, content, message):
    with pytest.raises(DomainError) as caught:
        survey_import.read_surveys(name, content)
    assert in_english(caught.value).startswith(message)


def test_the_template_names_the_columns_in_indonesian(ctx):
    book = load_workbook(io.BytesIO(survey_import.template_workbook()))
    header = [cell.value for cell in next(book.worksheets[0].iter_rows(max_row=1))]
    assert header == [survey_import.INDONESIAN[name] for name in survey_import.COLUMNS]
    assert book.worksheets[1].max_row == len(survey_import.COLUMNS) + 1
    # the template read back is a file with a header and no surveys
    with pytest.raises(DomainError) as caught:
        survey_import.read_surveys("t.xlsx", survey_import.template_workbook())
    assert in_english(caught.value) == "The file has a header but no surveys."


# -- the page ------------------------------------------------------------------------------------

def _upload(client, content, name="surveys.xlsx"):
    return client.post(URL, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_the_pendamping_imports_a_file_on_the_page(app, client, world, people):
    add_pendamping(app, world)
    siti, budi = numbers(app, people.siti, people.budi)
    login_as(client, "pendamping")
    assert client.get(URL).status_code == 200
    response = _upload(client, workbook(rows_for(siti, budi)))
    assert response.status_code == 302
    with app.app_context():
        assert (household_count(), survey_count()) == (1, 2)
    template = client.get(f"{URL}/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


def test_a_file_with_errors_answers_422_lists_them_and_saves_nothing(app, client, world, people):
    siti, budi = numbers(app, people.siti, people.budi)
    rows = rows_for(siti, budi) + [[KK_2, "Warsini", "P", 3, "no-such", "awal", "2025-02-01", "Wati", 0, 0, 0, 0, 0, 0]]
    login_as(client, "treasurer")
    response = _upload(client, workbook(rows))
    assert response.status_code == 422
    page = html.unescape(text_of(response))
    assert "Nothing was imported: 1 error was found." in page
    assert 'data-row="4"' in page and "No member has this number." in page
    response = _upload(client, b"not a workbook")
    assert response.status_code == 422
    assert "This file is not an Excel workbook (.xlsx)." in text_of(response)
    with app.app_context():
        assert (household_count(), survey_count()) == (0, 0)


def test_auditors_and_members_import_nothing(app, client, world):
    for username, status in (("auditor.jabar", 403), ("member", 403), ("auditor.ntb", 404),
                             ("other.manager", 404)):
        login_as(client, username)
        assert _upload(client, workbook([])).status_code == status, username
