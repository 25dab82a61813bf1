"""The "Laporan Indikator Desmigratif Pilar 4" of a region and period, in Indonesian: the
cover, the summary against baseline, the trend charts, the tables by kabupaten and by
village, the K4 household panel, the definitions and the data coverage.

WeasyPrint runs no script, so the charts are drawn here as SVG bars from the same ints the
page's charts get (whole rupiah, basis points, counts), scaled to the tallest bar.
"""
from dataclasses import dataclass

from flask import make_response
from flask_babel import force_locale

from coop_app.formatting import indonesian
from coop_app.indicators import catalogue, display, rollup
from coop_app.indicators.income import PANEL_MIN
from coop_app.pdf import render_pdf

WIDTH, HEIGHT, BASE = 480, 120, 100  # the drawing, and the bars' bottom line


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    text: str


@dataclass
class SvgChart:
    title: str
    bars: list
    width: int = WIDTH
    height: int = HEIGHT
    base: int = BASE


def svg_chart(indicator, points):
    """Bars of one indicator's trend [(Period, Value)], oldest first."""
    numbers = [display.chart_number(value, indicator.unit) for _period, value in points]
    top = max([abs(n) for n in numbers] + [1])
    slot = WIDTH // max(len(points), 1)
    bars = []
    for i, ((period, value), n) in enumerate(zip(points, numbers)):
        tall = abs(n) * (BASE - 14) // top
        bars.append(Bar(x=i * slot + 2, y=BASE - tall, width=max(slot - 4, 1), height=tall,
                        label=period.key, text=display.text(value, indicator.unit, "id")))
    return SvgChart(str(indicator.label), bars)


def charts(report):
    found = []
    for key in display.HEADLINE:
        points = report.trend.get(key) or []
        if any(value is not None for _period, value in points):
            found.append(svg_chart(catalogue.BY_KEY[key], points))
    return found


def report_pdf(report, region_label):
    """The report's PDF bytes: Indonesian whatever the reader's language."""
    with force_locale("id"):
        return render_pdf(
            "indicators_report.html", report=report, region=region_label, charts=charts(report),
            groups=catalogue.GROUPS, shown_in=catalogue.shown_in, indicators=catalogue.INDICATORS,
            show=lambda value, unit: display.text(value, unit, "id"),
            show_growth=lambda now, before, unit: display.growth_text(now, before, unit, "id"),
            panel_text=lambda figure, kind: display.panel_text(figure, kind, "id"),
            panel_lines=display.panel_lines, headline=display.HEADLINE, by_key=catalogue.BY_KEY,
            coverage_labels=display.COVERAGE_LABELS, panel_min=PANEL_MIN,
            rows_by_key={row.indicator.key: row for row in report.rows},
            group_title=str(rollup.LEVEL_LABELS.get(report.group_by, "")).lower(),
            cut_label=str(display.cut_label(report.cut)), **indonesian())


def pdf_response(report, region_label, filename):
    response = make_response(report_pdf(report, region_label))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
