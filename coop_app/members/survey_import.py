"""Importing household economic surveys from an Excel workbook, all or nothing.

One row is one survey: the household's KK (a KK not yet recorded creates the household from
the row's head, gender and size), the respondent's member number (linked to the household
if they are not yet), and the survey itself. Every row goes through the same services as
the pages (households.py, surveys.py), each in its own savepoint, so one pass finds every
row's errors; the caller commits only when there are none. Rows are taken in date order,
so a file may list a follow-up above its household's baseline; a new KK's head, gender and
size may be on any one of its rows. Headers may be written in
English or Indonesian (COLUMN_WORDS).
"""
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.members import households, surveys
from coop_app.members.models import BASELINE, FOLLOW_UP
from coop_app.members.nik import KKError, check_kk
from coop_app.money import MoneyError, parse_amount
from coop_app.web.workbooks import WorkbookRefused, cell_date, cell_text, workbook_rows

MAX_ROWS = 2000
HOUSEHOLD_COLUMNS = ("kk_number", "head_name", "head_gender", "household_size")
SURVEY_COLUMNS = ("member_number", "kind", "surveyed_on", "enumerator")
AMOUNT_COLUMNS = surveys.AMOUNT_FIELDS
COLUMNS = HOUSEHOLD_COLUMNS + SURVEY_COLUMNS + AMOUNT_COLUMNS
REQUIRED = ("kk_number", "member_number", "kind", "surveyed_on", "enumerator")
# The Indonesian header of each column (the template's); either language is read.
INDONESIAN = {
    "kk_number": "no_kk", "head_name": "nama_kepala_keluarga", "head_gender": "jk_kepala_keluarga",
    "household_size": "jumlah_anggota_keluarga", "member_number": "no_anggota",
    "kind": "jenis_survei", "surveyed_on": "tanggal_survei", "enumerator": "pencacah",
    "income_remittance": "pendapatan_remitansi", "income_enterprise": "pendapatan_usaha",
    "income_wages": "pendapatan_upah", "income_farming": "pendapatan_tani_nelayan",
    "income_other": "pendapatan_lain", "spending": "pengeluaran",
}
COLUMN_WORDS = {**{name: name for name in COLUMNS}, **{word: name for name, word in INDONESIAN.items()}}
# Service fields, as the import's columns.
FIELD_COLUMNS = {"size": "household_size", "member": "member_number"}

GENDER_WORDS = {"l": "M", "m": "M", "laki-laki": "M", "pria": "M", "male": "M",
                "p": "F", "f": "F", "perempuan": "F", "wanita": "F", "female": "F"}
KIND_WORDS = {"baseline": BASELINE, "awal": BASELINE, "survei awal": BASELINE,
              "follow_up": FOLLOW_UP, "follow-up": FOLLOW_UP, "follow up": FOLLOW_UP,
              "lanjutan": FOLLOW_UP, "survei lanjutan": FOLLOW_UP}


@dataclass
class RowError:
    row: int          # the row number as the spreadsheet shows it (the header is row 1)
    column: str       # an import column, or "" for the row as a whole
    message: object   # a lazy translatable message


@dataclass
class ImportResult:
    rows: int = 0
    households_created: int = 0
    members_linked: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


class _BadValue(Exception):
    pass


# -- reading ------------------------------------------------------------------------------------

_text = cell_text


def _header(cells):
    names = [COLUMN_WORDS.get(re.sub(r"[\s\-]+", "_", _text(cell).lower()), _text(cell))
             if _text(cell) else "" for cell in cells]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise WorkbookRefused(_l("The first row must name the columns; missing: %(columns)s.",
                                 columns=", ".join(missing)))
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        raise WorkbookRefused(_l("Unknown columns: %(columns)s. The columns are: %(known)s.",
                                 columns=", ".join(unknown), known=", ".join(COLUMNS)))
    if len(set(filter(None, names))) != len(list(filter(None, names))):
        raise WorkbookRefused(_l("A column is named twice in the first row."))
    return names


def read_surveys(filename, content, max_rows=MAX_ROWS):
    """[(row number, {column: value})] of the file's surveys; file-level problems raise."""
    table = workbook_rows(filename, content, max_rows, len(COLUMNS) + 10)
    if not table:
        raise WorkbookRefused(_l("The file has no rows."))
    names = _header(table[0][1])
    rows = [(number, {name: cells[i] for i, name in enumerate(names) if name})
            for number, cells in table[1:]]
    if not rows:
        raise WorkbookRefused(_l("The file has a header but no surveys."))
    return rows


def _date(value):
    """A date cell, or text as YYYY-MM-DD or DD/MM/YYYY; required."""
    try:
        parsed = cell_date(value)
    except ValueError:
        raise _BadValue(_l("That is not a date. Write it as YYYY-MM-DD or DD/MM/YYYY.")) from None
    if parsed is None:
        raise _BadValue(_l("This field is required."))
    return parsed


def _amount(value):
    """A number cell, or an amount typed the Indonesian way (1.500.000); empty is 0."""
    if isinstance(value, bool):
        raise _BadValue(_l("That is not an amount."))
    if isinstance(value, (int, float)):
        try:
            return Decimal(str(value))  # the cell's shortest decimal form, as the sheet shows it
        except InvalidOperation:
            raise _BadValue(_l("That is not an amount.")) from None
    text = _text(value)
    if not text:
        return Decimal(0)
    try:
        return parse_amount(text, "id")
    except MoneyError:
        raise _BadValue(_l("That is not an amount. Write it like 1.500.000 or 1.500.000,50.")) from None


def _kk(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _BadValue(_l("Store the KK number as text: a spreadsheet keeps only 15 digits of a number."))
    return _text(value)


def _size(value):
    text = _text(value)
    if not text:
        return None
    if not text.isdigit():
        raise _BadValue(_l("Write a whole number, like 3."))
    return int(text)


def _word(words, message):
    def parse(value):
        text = " ".join(_text(value).lower().split())
        if text not in words:
            raise _BadValue(message)
        return words[text]
    return parse


@dataclass
class _Row:
    number: int
    kk: str = ""
    household: households.HouseholdData | None = None
    member_number: str = ""
    survey: surveys.SurveyData | None = None


def _parse(number, values):
    """The row's values checked for their form; (row, errors)."""
    errors = []

    def take(column, parse):
        try:
            return parse(values.get(column))
        except _BadValue as bad:
            errors.append(RowError(number, column, bad.args[0]))
            return None

    kk = take("kk_number", _kk) or ""
    gender_text = _text(values.get("head_gender"))
    gender = take("head_gender", _word(GENDER_WORDS, _l("Write the gender as L or P (or M or F).")))\
        if gender_text else None
    household = households.HouseholdData(
        kk_number=kk, head_name=_text(values.get("head_name")), head_gender=gender,
        size=take("household_size", _size))
    kind = take("kind", _word(KIND_WORDS, _l("Write the kind as baseline or follow_up (or awal, lanjutan).")))
    day = take("surveyed_on", _date)
    amounts = {column: take(column, _amount) for column in AMOUNT_COLUMNS}
    survey = surveys.SurveyData(kind=kind, surveyed_on=day, member_id=None,
                                enumerator=_text(values.get("enumerator")), **amounts)
    member_number = _text(values.get("member_number"))
    if not member_number:
        errors.append(RowError(number, "member_number", _l("This field is required.")))
    return _Row(number, kk, household, member_number, survey), errors


# -- the import ------------------------------------------------------------------------------

def _column(error):
    name = getattr(error, "field", "") or ""
    name = FIELD_COLUMNS.get(name, name)
    return name if name in COLUMNS else ""


def _complete(data):
    return bool(data.head_name) and data.head_gender is not None and data.size is not None


def _household_for(cooperative_id, row, heads, result):
    """The row's household: recorded already, or created from the first row of the file that
    gives its head, gender and size (rows are taken in date order, not the file's)."""
    kk = households.validate_kk(row.kk)
    household = households.household_by_kk(cooperative_id, kk)
    if household is not None:
        return household
    data = heads.get(kk)
    if data is None:
        raise InvalidField("kk_number", _l("This KK is not recorded yet: fill in head_name, "
                                           "head_gender and household_size to record it."))
    result.households_created += 1
    return households.create_household(cooperative_id, data)


def _heads(rows):
    """{KK: the household data of the first row giving it whole}, in the file's order."""
    heads = {}
    for row in rows:
        try:
            kk = check_kk(row.kk)
        except KKError:
            continue
        if _complete(row.household):
            heads.setdefault(kk, row.household)
    return heads


def _respondent(cooperative_id, household, row, result):
    member = households.member_by_number(cooperative_id, row.member_number)
    if member.household_id != household.id:
        households.link_member(cooperative_id, household.id, member.id)
        result.members_linked += 1
    return member


def _import_row(cooperative_id, row, heads, created_by, result):
    counts = (result.households_created, result.members_linked)
    try:
        with db.session.begin_nested():
            household = _household_for(cooperative_id, row, heads, result)
            row.survey.member_id = _respondent(cooperative_id, household, row, result).id
            surveys.record_survey(cooperative_id, household.id, row.survey, created_by=created_by)
    except DomainError as error:
        result.households_created, result.members_linked = counts
        return [RowError(row.number, _column(error), error.message)]
    result.rows += 1
    return []


def run_import(cooperative_id, rows, created_by=None):
    """Record every row in the caller's transaction, each in a savepoint; the ImportResult
    has every row's errors. The caller commits only when there are none, else rolls back."""
    result = ImportResult()
    parsed = []
    for number, values in rows:
        row, errors = _parse(number, values)
        result.errors.extend(errors)
        if not errors:
            parsed.append(row)
    heads = _heads(parsed)
    for row in sorted(parsed, key=lambda row: (row.survey.surveyed_on, row.number)):
        result.errors.extend(_import_row(cooperative_id, row, heads, created_by, result))
    result.errors.sort(key=lambda error: error.row)
    return result


# -- the template ------------------------------------------------------------------------------

COLUMN_HELP = {
    "kk_number": _l("The family card's 16 digits, stored as text."),
    "head_name": _l("The head of the household (for a KK not recorded yet)."),
    "head_gender": _l("L or P (for a KK not recorded yet)."),
    "household_size": _l("People on the family card, 1 to 30 (for a KK not recorded yet)."),
    "member_number": _l("The member number of the member who answered; they are linked to the KK."),
    "kind": _l("baseline (awal) or follow_up (lanjutan)."),
    "surveyed_on": _l("The survey's date, YYYY-MM-DD or DD/MM/YYYY."),
    "enumerator": _l("Who asked the questions."),
    "income_remittance": _l("Monthly income from remittances, in rupiah."),
    "income_enterprise": _l("Monthly net income of the household's enterprises, in rupiah."),
    "income_wages": _l("Monthly wages, in rupiah."),
    "income_farming": _l("Monthly income from farming or fishing, in rupiah."),
    "income_other": _l("Other monthly income, in rupiah."),
    "spending": _l("Monthly spending, in rupiah."),
}


def template_workbook():
    """The import's template: the Indonesian headers on the first sheet (the KK column as
    text), and what each column holds on a second."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Survei"
    sheet.append([INDONESIAN[name] for name in COLUMNS])
    sheet.column_dimensions["A"].number_format = "@"  # a KK typed as a number loses its last digit
    help_sheet = workbook.create_sheet("Petunjuk")
    help_sheet.append(["kolom", "column", "isi"])
    for name in COLUMNS:
        help_sheet.append([INDONESIAN[name], name, str(COLUMN_HELP[name])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
