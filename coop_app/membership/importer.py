"""Importing a cooperative's member register from a CSV or XLSX file, all or nothing.

read_import() turns the file into rows (refusing a file too big, of an unknown type, or
unreadable). run_import() registers every row through register_member, each in its own
savepoint, so that one pass finds every row's errors and, when there are none and the
caller commits, is the import itself. A preview or a --dry-run checks the rows by the same
rules without opening accounts or posting (quick), and is rolled back. Each row's
idempotency key comes from the file's hash and the row number: a file submitted twice
registers nobody twice.
"""
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import EntryDateError, check_open, closed_through
from coop_app.ledger.service import account_by_key
from coop_app.membership.import_rows import RowError, _parse_row, _text
from coop_app.members.migrants import MigrantData, add_migrant
from coop_app.members.models import MigrantWorker
from coop_app.members.service import MemberData, check_member
from coop_app.membership.joining import register_member
from coop_app.web.workbooks import WorkbookRefused, check_unpacked_size, sheet_rows

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# What a workbook may make us read, whatever size it declares, is bounded by web/workbooks.py
# (a 5,000-member register unpacks to about 4 MB, well within it); the columns kept here.
# A registration posts an entry and opens two accounts (some 40 statements): a thousand
# rows take about half a minute, as long as a web request should. The CLI takes more.
WEB_MAX_ROWS = 1000
KINDS = ("csv", "xlsx")
REQUIRED = ("nik", "name", "gender", "birth_date", "address", "join_date", "category")
OPTIONAL = ("phone", "migrant_name", "migrant_country", "migrant_sector", "relationship",
            "return_date")
COLUMNS = REQUIRED + OPTIONAL
MAX_COLUMNS = len(COLUMNS) + 10

# Service fields, as their import columns.
FIELD_COLUMNS = {"migrant": "migrant_name", "actual_return_date": "return_date",
                 "name": "migrant_name", "destination_country": "migrant_country",
                 "sector": "migrant_sector"}


class ImportRefused(DomainError):
    """The file as a whole cannot be imported (size, type, layout)."""


@dataclass
class ImportRow:
    number: int
    values: dict
    data: MemberData | None = None
    migrant: MigrantData | None = None


@dataclass
class ImportFile:
    sha256: str
    kind: str
    rows: list


@dataclass
class ImportResult:
    registered: int = 0
    already: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


# -- reading the file ------------------------------------------------------------------------

def file_kind(filename, content):
    """'csv' or 'xlsx' by name and by content, or ImportRefused."""
    name = (filename or "").lower()
    kind = name.rsplit(".", 1)[-1] if "." in name else ""
    if kind not in KINDS:
        raise ImportRefused(_l("Upload a .csv or .xlsx file."))
    if len(content) > MAX_BYTES:
        raise ImportRefused(_l("The file is larger than 2 MB; split it into smaller files."))
    if not content:
        raise ImportRefused(_l("The file is empty."))
    is_zip = content[:4] == b"PK\x03\x04"
    if kind == "xlsx" and not is_zip:
        raise ImportRefused(_l("This file is not an Excel workbook (.xlsx)."))
    if kind == "csv" and (is_zip or b"\x00" in content):
        raise ImportRefused(_l("This file is not a CSV text file."))
    return kind


def _csv_rows(content):
    """(row number, cells) of every line of a CSV file."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 refuses only five byte values
        raise ImportRefused(_l("This file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian write CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1))
    except csv.Error:
        raise ImportRefused(_l("This file is not a CSV text file.")) from None


def _not_a_workbook():
    return ImportRefused(_l("This file is not an Excel workbook (.xlsx)."))


def _xlsx_rows(content, max_rows):
    """(row number, cells) of the rows of the first sheet that hold anything, at most
    `max_rows` members and their header: reading stops as soon as the file is refused."""
    from openpyxl import load_workbook

    try:
        check_unpacked_size(content)
    except WorkbookRefused as refused:
        raise ImportRefused(refused.message) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise _not_a_workbook() from None
    try:
        rows = []
        for number, values in sheet_rows(workbook, workbook.worksheets[0], MAX_COLUMNS):
            if any(_text(value) for value in values):
                rows.append((number, values))
                if len(rows) > max_rows + 1:  # enough to refuse the file; read no further
                    break
        return rows
    except WorkbookRefused as refused:
        raise ImportRefused(refused.message) from None
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise _not_a_workbook() from None
    finally:
        workbook.close()


def read_import(filename, content, max_rows=MAX_ROWS):
    """Read the file into ImportRows (values still as typed); file-level problems raise."""
    kind = file_kind(filename, content)
    table = _xlsx_rows(content, max_rows) if kind == "xlsx" else _csv_rows(content)
    # (spreadsheet row number, cells) of the rows that hold anything
    numbered = [(number, cells) for number, cells in table if any(_text(cell) for cell in cells)]
    if not numbered:
        raise ImportRefused(_l("The file has no rows."))
    header = [re.sub(r"[\s\-]+", "_", _text(cell).lower()) for cell in numbered[0][1]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefused(_l("The first row must name the columns; missing: %(columns)s.",
                               columns=", ".join(missing)))
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportRefused(_l("Unknown columns: %(columns)s. The columns are: %(known)s.",
                               columns=", ".join(unknown), known=", ".join(COLUMNS)))
    if len(set(name for name in header if name)) != len([name for name in header if name]):
        raise ImportRefused(_l("A column is named twice in the first row."))
    if len(numbered) - 1 > max_rows:
        raise ImportRefused(_l("A file holds at most %(max)d members; split it.", max=max_rows))
    rows = [ImportRow(number=number,
                      values={name: cells[i] if i < len(cells) else None
                              for i, name in enumerate(header) if name})
            for number, cells in numbered[1:]]
    if not rows:
        raise ImportRefused(_l("The file has a header but no members."))
    return ImportFile(sha256=hashlib.sha256(content).hexdigest(), kind=kind, rows=rows)


# -- the import itself ------------------------------------------------------------------------

def row_key(sha256, row_number):
    return f"import:{sha256[:40]}:{row_number}"


def _column(error):
    name = getattr(error, "field", "") or ""
    return name if name in COLUMNS else FIELD_COLUMNS.get(name, "")


def _migrant_for(cooperative_id, row, created):
    """The migrant worker of a family member or returnee: one of this file's earlier rows,
    an existing record of the same name and country, or a new one."""
    migrant = row.migrant
    key = _migrant_key(row)
    if key in created:
        return created[key]
    existing = db.session.execute(
        select(MigrantWorker.id).where(
            MigrantWorker.cooperative_id == cooperative_id,
            func.lower(MigrantWorker.name) == key[0],
            func.lower(MigrantWorker.destination_country) == key[1])
        .order_by(MigrantWorker.id).limit(1)).scalar()
    if existing is not None:
        return existing
    try:
        return add_migrant(cooperative_id, migrant).id
    except InvalidField as error:
        raise InvalidField(FIELD_COLUMNS.get(error.field, "migrant_name"), error.message) from None


def run_import(cooperative, parsed: ImportFile, created_by=None, on_row=None, register=True):
    """Register every row of `parsed` in the caller's transaction, each in a savepoint, or
    with register=False only check them (a preview or a dry run: quick, no entries).

    Returns an ImportResult with every row's errors. The caller commits only when there are
    none, and rolls back otherwise, and always after a check.
    """
    result = ImportResult()
    cash = account_by_key(cooperative.id, "cash")
    seen_nik = {}
    created = {}
    keys = {row.number: row_key(parsed.sha256, row.number) for row in parsed.rows}
    posted = set() if register else _posted_keys(cooperative.id, list(keys.values()))
    closed = closed_through(cooperative.id)
    for row in parsed.rows:
        errors = _parse_row(row)
        nik = (row.data.nik or "").strip()
        if nik and nik in seen_nik:
            errors.append(RowError(row.number, "nik", _l(
                "This NIK is also on row %(row)d of the file.", row=seen_nik[nik])))
        elif nik:
            seen_nik[nik] = row.number
        if errors:
            pass
        elif register:
            errors = _register_row(cooperative, keys[row.number], row, cash.id, created,
                                   created_by, result)
        elif keys[row.number] in posted:
            result.already += 1
        else:
            errors = _check_row(cooperative, row, created, closed, result)
        result.errors.extend(errors)
        if on_row is not None:
            on_row()
    return result


def _posted_keys(cooperative_id, keys):
    """The rows' keys already posted: a file imported before (one query per thousand keys)."""
    found = set()
    for start in range(0, len(keys), 1000):
        found.update(db.session.execute(select(JournalEntry.idempotency_key).where(
            JournalEntry.cooperative_id == cooperative_id,
            JournalEntry.idempotency_key.in_(keys[start:start + 1000]))).scalars())
    return found


def _row_errors(row, error):
    if isinstance(error, EntryDateError):
        return [RowError(row.number, "join_date", error.message)]
    if isinstance(error, InvalidField):
        return [RowError(row.number, _column(error), error.message)]
    return [RowError(row.number, "", error.message)]


def _migrant_key(row):
    return (row.migrant.name.strip().lower(), row.migrant.destination_country.strip().lower())


def _check_row(cooperative, row, created, closed, result):
    """The registration's rules without its accounts and entry: the member's data, the
    migrant link (a migrant created here goes with the caller's rollback) and an open period."""
    try:
        if row.migrant is not None:
            row.data.migrant_worker_id = _migrant_for(cooperative.id, row, created)
        check_member(cooperative.id, row.data)
        check_open(cooperative.id, row.data.join_date, closed)
    except DomainError as error:
        return _row_errors(row, error)
    if row.migrant is not None:
        created.setdefault(_migrant_key(row), row.data.migrant_worker_id)
    result.registered += 1
    return []


def _register_row(cooperative, key, row, cash_id, created, created_by, result):
    try:
        with db.session.begin_nested():
            if row.migrant is not None:
                row.data.migrant_worker_id = _migrant_for(cooperative.id, row, created)
            member = register_member(cooperative, row.data, cash_id, key, created_by=created_by)
    except DomainError as error:
        return _row_errors(row, error)
    if row.migrant is not None:
        created.setdefault(_migrant_key(row), row.data.migrant_worker_id)
    if member.replayed:
        result.already += 1
    else:
        result.registered += 1
    return []
