"""Any indicator view as an XLSX workbook: the indicators (now, baseline, a year ago,
growth), the table by region, the ranked villages, the K4 household panel, the data coverage
and the definitions, one sheet each.

Labels are written as words in the reader's language, never as codes. Amounts are numbers in
rupiah with a rupiah format, shares are ratios with a percent format, so a spreadsheet can
sum and sort them. A suppressed cell (fewer households than the panel minimum) stays
suppressed: the cell is empty and the row says why.
"""
import io

from flask import make_response
from flask_babel import gettext as _

from coop_app.indicators import catalogue, display
from coop_app.indicators.catalogue import COUNT, MEAN, MONEY, NET, SHARE
from coop_app.indicators.income import PANEL_MIN

RUPIAH = '"Rp"#,##0'
FORMATS = {MONEY: RUPIAH, MEAN: RUPIAH, SHARE: "0.0%", COUNT: "#,##0", NET: "+#,##0;-#,##0;0"}
MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def suppressed_note():
    return _("Suppressed: fewer than %(num)s households.", num=PANEL_MIN)


def _growth_format(unit):
    """A share grows in percentage points, written as points; the others in percent."""
    if unit == SHARE:
        points = _("pts")
        return f'+0.0" {points}";-0.0" {points}";0.0" {points}"'
    return "+0.0%;-0.0%;0.0%"


class _Sheet:
    """A write-only sheet whose cells are never taken for formulas."""

    def __init__(self, workbook, title):
        from openpyxl.styles import Font
        self.sheet = workbook.create_sheet(title[:31])
        self.bold = Font(bold=True)

    def cell(self, value, number_format=None, bold=False):
        from openpyxl.cell import WriteOnlyCell
        c = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        elif number_format and value is not None:
            c.number_format = number_format
        if bold:
            c.font = self.bold
        return c

    def row(self, *cells):
        self.sheet.append([c if hasattr(c, "data_type") else self.cell(c) for c in cells])

    def header(self, *titles):
        self.sheet.append([self.cell(str(title), bold=True) for title in titles])


def _value_cell(sheet, value, unit):
    """A figure's cell: its number in its unit's format; empty when suppressed."""
    number = display.number(value, unit)
    if unit == SHARE and number is not None:
        number = number.quantize(display.SEN * display.SEN)  # a ratio to 0.01 of a point
    return sheet.cell(number, FORMATS[unit])


def _indicators(workbook, report):
    sheet = _Sheet(workbook, _("Indicators"))
    sheet.row(sheet.cell(_("Pillar 4 indicators, %(period)s", period=report.period.key), bold=True))
    sheet.header(_("Group"), _("Indicator"), _("Unit"), _("Now"), _("Baseline"), _("A year ago"),
                 _("Growth in a year"), _("Note"))
    for row in report.rows:
        indicator = row.indicator
        unit = indicator.unit
        change = display.growth(row.now, row.year_ago, unit)
        if change is not None and unit == SHARE:
            change = change * 100
        suppressed = any(v is not None and v.suppressed for v in (row.now, row.baseline, row.year_ago))
        sheet.row(str(catalogue.GROUPS[indicator.group]), str(indicator.label), str(display.UNIT_LABELS[unit]),
                  _value_cell(sheet, row.now, unit), _value_cell(sheet, row.baseline, unit),
                  _value_cell(sheet, row.year_ago, unit), sheet.cell(change, _growth_format(unit)),
                  suppressed_note() if suppressed else None)


def _table(workbook, title, first, groups):
    """Groups (regions, cohorts, types, villages) by indicator: one column each."""
    sheet = _Sheet(workbook, title)
    indicators = catalogue.INDICATORS
    sheet.header(first, _("Cooperatives"), *[indicator.label for indicator in indicators])
    for group in groups:
        cells = [_value_cell(sheet, group.values.get(indicator.key), indicator.unit)
                 for indicator in indicators]
        sheet.row(group.label or _("Unknown"), len(group.cooperative_ids), *cells)
    if any(v is not None and v.suppressed for group in groups for v in group.values.values()):
        sheet.row(suppressed_note())


def _ranked(workbook, report, key):
    indicator = catalogue.BY_KEY[key]
    sheet = _Sheet(workbook, _("Ranked villages"))
    sheet.row(sheet.cell(_("Villages ranked by %(indicator)s", indicator=indicator.label), bold=True))
    sheet.header(_("Rank"), _("Village"), indicator.label)
    for rank, group in enumerate(report.ranked(key), start=1):
        sheet.row(rank, group.label, _value_cell(sheet, group.values.get(key), indicator.unit))


def _panel(workbook, panel):
    sheet = _Sheet(workbook, _("Household panel"))
    sheet.row(_("Households in the panel"), panel.households)
    if panel.suppressed:
        sheet.row(suppressed_note())
    sheet.header(_("Figure"), _("Baseline"), _("Follow-up"))
    formats = {"amount": RUPIAH, "share": "0.0%", "count": "#,##0"}
    for label, baseline, follow_up, kind in display.panel_lines(panel):
        sheet.row(str(label), sheet.cell(baseline, formats[kind]), sheet.cell(follow_up, formats[kind]))


def _coverage(workbook, report):
    sheet = _Sheet(workbook, _("Data coverage"))
    sheet.header(_("What"), _("Number"))
    for key, label in display.COVERAGE_LABELS.items():
        if key in report.coverage:
            sheet.row(str(label), report.coverage[key])


def _definitions(workbook):
    sheet = _Sheet(workbook, _("Definitions"))
    sheet.header(_("Group"), _("Indicator"), _("Definition"))
    for indicator in catalogue.INDICATORS:
        sheet.row(str(catalogue.GROUPS[indicator.group]), str(indicator.label), str(indicator.definition))
    sheet.row(_("For a period P ending at t. A member never includes a cancelled registration; a "
                "ratio is the sum of the numerators over the sum of the denominators at every level."))


def workbook_bytes(report, ranked_key, group_title):
    from openpyxl import Workbook
    workbook = Workbook(write_only=True)
    _indicators(workbook, report)
    _table(workbook, _("By region"), group_title, report.groups)
    _table(workbook, _("Villages"), _("Village"), report.villages)
    _ranked(workbook, report, ranked_key)
    if report.income is not None:
        _panel(workbook, report.income)
    _coverage(workbook, report)
    _definitions(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(report, ranked_key, group_title, filename):
    response = make_response(workbook_bytes(report, ranked_key, group_title))
    response.headers["Content-Type"] = MIMETYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
