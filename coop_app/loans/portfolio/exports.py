"""The loan list behind a portfolio figure as CSV and XLSX: one row per loan, then a totals
row. Codes (method, purpose, status, quality, category, gender) are written as words in the
reader's language, as the pages show them, and the aging bucket as its days; amounts are
plain numbers."""
import csv
import io

from flask import make_response
from flask_babel import gettext as _

from coop_app.members.forms import CATEGORY_LABELS, GENDER_LABELS
from coop_app.web.fields import label
from coop_app.loans import methods
from coop_app.loans.forms import PURPOSE_KIND_LABELS, QUALITY_LABELS, STATUS_LABELS
from coop_app.loans.portfolio import figures as p
from coop_app.loans.portfolio import loans as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _bucket(days):
    """The aging bucket as its days past due: "0", "1–30" ... "> 180"."""
    for _key, low, high in p.BUCKETS:
        if days >= low and (high is None or days <= high):
            return str(low) if high == low else f"> {low - 1}" if high is None else f"{low}–{high}"
    return ""


def _words(labels, code):
    """A code as the reader's word (str: a lazy string is not a cell value)."""
    return None if code is None else str(label(labels, code))


def _columns():
    """(header, value of a row, kind) for every column: kind text, date, int or money."""
    return [
        (_("Cooperative"), lambda r: r.coop_code, "text"),
        (_("Loan number"), lambda r: r.number, "text"),
        (_("Member number"), lambda r: r.member_number, "text"),
        (_("Member"), lambda r: r.member_name, "text"),
        (_("Gender"), lambda r: _words(GENDER_LABELS, r.gender), "text"),
        (_("Category"), lambda r: _words(CATEGORY_LABELS, r.category), "text"),
        (_("Product code"), lambda r: r.product_code, "text"),
        (_("Product"), lambda r: r.product_name, "text"),
        (_("Method"), lambda r: None if r.method is None else str(methods.label(r.method)), "text"),
        (_("Status"), lambda r: _words(STATUS_LABELS, r.status), "text"),
        (_("Disbursed on"), lambda r: r.disbursed_on, "date"),
        (_("Closed on"), lambda r: r.closed_on, "date"),
        (_("Amount"), lambda r: pl.money(r.amount), "money"),
        (_("Outstanding principal"), lambda r: pl.money(r.outstanding), "money"),
        (_("Days past due"), lambda r: r.dpd, "int"),
        (_("Aging bucket"), lambda r: _bucket(r.dpd) if r.active else "", "text"),
        (_("Quality"), lambda r: _words(QUALITY_LABELS, r.quality), "text"),
        (_("Provision"), lambda r: pl.money(r.provision), "money"),
        (_("Written off"), lambda r: pl.money(r.written_off_amount), "money"),
        (_("Recovered in the period"), lambda r: pl.money(r.recovered), "money"),
        # last, so the columns that were there before keep their places in people's sheets
        (_("Purpose"), lambda r: _words(PURPOSE_KIND_LABELS, r.purpose_kind), "text"),
    ]


def _totals_row(columns, count, totals):
    """The last row: the number of loans, and the sum of each money column."""
    values = [None] * len(columns)
    values[0] = _("Total: %(count)s loans", count=count)
    money = [i for i, (_header, _value, kind) in enumerate(columns) if kind == "money"]
    for i, name in zip(money, ("amount", "outstanding", "provision", "written_off_amount", "recovered")):
        values[i] = totals[name]
    return values


def _safe(text):
    """Text a spreadsheet would take for a formula is written as text (CSV injection)."""
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def _download(body, mimetype, filename):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows, count, totals, filename):
    columns = _columns()
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark: spreadsheet programs then read UTF-8
    writer = csv.writer(out)
    writer.writerow([header for header, _value, _kind in columns])
    for row in rows:
        cells = []
        for _header, value, kind in columns:
            cell = value(row)
            cells.append("" if cell is None else _safe(cell) if kind == "text" else
                         cell.isoformat() if kind == "date" and hasattr(cell, "isoformat") else cell)
        writer.writerow(cells)
    writer.writerow(["" if v is None else v for v in _totals_row(columns, count, totals)])
    return _download(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", filename)


def xlsx_response(rows, count, totals, filename):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Loans"))
    bold = Font(bold=True)
    formats = {"money": "#,##0.00", "date": "yyyy-mm-dd", "int": "0"}

    def cell(value, kind, font=None):
        c = WriteOnlyCell(sheet, value=value)
        if kind == "text" and isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        elif kind in formats and value is not None:
            c.number_format = formats[kind]
        if font:
            c.font = font
        return c

    sheet.append([cell(header, "text", bold) for header, _value, _kind in columns])
    for row in rows:
        sheet.append([cell(value(row), kind) for _header, value, kind in columns])
    sheet.append([cell(v, kind if i else "text", bold)
                  for i, (v, (_header, _value, kind)) in enumerate(zip(_totals_row(columns, count, totals),
                                                                         columns))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     filename)
