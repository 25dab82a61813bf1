"""Reading an uploaded Excel workbook (.xlsx) without letting it make us do unbounded work:
its parts unpacked, the row elements of its first sheet and the columns kept are bounded
whatever sizes the file declares. The imports (members, household surveys) read their rows
here and check them themselves.
"""
import io
import re
import zipfile
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from coop_app.errors import DomainError

MAX_BYTES = 2 * 1024 * 1024
# Deflate packs repetitive XML a hundredfold: the declared unpacked size is bounded too.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
MAX_SHEET_ROWS = 50_000


class WorkbookRefused(DomainError):
    """The file as a whole cannot be read (size, type, layout)."""


def _not_a_workbook():
    return WorkbookRefused(_l("This file is not an Excel workbook (.xlsx)."))


def check_unpacked_size(content):
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED_BYTES. The sizes are
    the ones the archive declares: zipfile reads no entry past its declared size (and a
    lying entry then fails its checksum), so they bound what openpyxl can be made to parse."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_workbook() from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(_l("This workbook unpacks to more than %(mb)d MB; copy the rows "
                                 "alone into a new workbook.", mb=MAX_UNPACKED_BYTES // (1024 * 1024)))


def check_upload(filename, content):
    """Refuse a file that is not a workbook of at most MAX_BYTES."""
    if not (filename or "").lower().endswith(".xlsx"):
        raise WorkbookRefused(_l("Upload an Excel workbook (.xlsx)."))
    if not content:
        raise WorkbookRefused(_l("The file is empty."))
    if len(content) > MAX_BYTES:
        raise WorkbookRefused(_l("The file is larger than 2 MB; split it into smaller files."))
    if content[:4] != b"PK\x03\x04":
        raise _not_a_workbook()
    check_unpacked_size(content)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_rows(workbook, sheet, max_columns):
    """(row number, the first max_columns values) of each row element of `sheet`, as its XML
    holds them: neither the sheet's declared dimension nor a gap between two rows (a cell
    at XFD1048576) makes any work. openpyxl's own row iterator fills every gap up to the
    declared size, so the rows are read with the parser it uses itself (openpyxl is pinned)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                 epoch=workbook.epoch, date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for count, (number, cells) in enumerate(parser.parse(), start=1):
            if count > MAX_SHEET_ROWS:
                raise WorkbookRefused(_l("The sheet has more than %(max)d rows (empty formatted "
                                         "rows count too); copy the rows alone into a new "
                                         "workbook.", max=MAX_SHEET_ROWS))
            values = [None] * max_columns
            for cell in cells:
                column = cell["column"]
                if column <= max_columns:
                    values[column - 1] = cell["value"]
                elif not is_blank(cell["value"]):
                    raise WorkbookRefused(_l(
                        "Cell %(cell)s is outside the import's columns; delete it, or copy the "
                        "rows alone into a new workbook.",
                        cell=f"{get_column_letter(min(column, 18278))}{number}"))
            yield number, values


def workbook_rows(filename, content, max_rows, max_columns):
    """(row number, values) of the rows of the first sheet that hold anything: the header
    and at most `max_rows` more (reading stops as soon as the file is refused)."""
    from openpyxl import load_workbook

    check_upload(filename, content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise _not_a_workbook() from None
    try:
        rows = []
        for number, values in sheet_rows(workbook, workbook.worksheets[0], max_columns):
            if not all(is_blank(value) for value in values):
                rows.append((number, values))
                if len(rows) > max_rows + 1:
                    raise WorkbookRefused(_l("A file holds at most %(max)d rows; split it.",
                                             max=max_rows))
        return rows
    except WorkbookRefused:
        raise
    except Exception:  # a damaged workbook fails in many ways inside openpyxl
        raise _not_a_workbook() from None
    finally:
        workbook.close()


DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}( 00:00(:00)?)?$")


def cell_text(value):
    """A cell as text: "" when empty, a whole number without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value):
    """A date cell, or text written YYYY-MM-DD or DD/MM/YYYY; None when empty; ValueError
    for anything else (each import words its own message)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    match = DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    if ISO.match(text):
        return date.fromisoformat(text[:10])
    raise ValueError(text)
