"""What a figure (report.Value) stands for, by its indicator's unit: the number a page, a
spreadsheet cell or a chart shows, and the text a page or the PDF writes. One place, so the
page, the XLSX export and the PDF report never disagree on a rounding.

Money is kept in sen to the end and turned into rupiah here as a Decimal; a chart gets whole
rupiah, basis points or counts as ints (never a float).
"""
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l

from coop_app.formatting import format_share
from coop_app.indicators.catalogue import COUNT, MEAN, MONEY, NET, SHARE
from coop_app.indicators.figures import ALL
from coop_app.members.forms import CATEGORY_LABELS, GENDER_LABELS
from coop_app.money import format_money, from_sen

UNIT_LABELS = {MONEY: _l("Rupiah"), COUNT: _l("Count"), SHARE: _l("Percent"),
               MEAN: _l("Rupiah per unit"), NET: _l("Count (net)")}
# What the data coverage counts (report.coverage), in the order shown.
COVERAGE_LABELS = {
    "cooperatives": _l("Cooperatives"),
    "profiles": _l("Villages with a profile for the year"),
    "households": _l("Households recorded (family cards)"),
    "surveyed": _l("Households surveyed"),
    "panel": _l("Households in the income panel"),
}
# The headline figure of each group: the trend charts and the table by region.
HEADLINE = ("k1_member_savings", "k2_active_members", "k3_entrepreneurs", "k4_net_income",
            "k5_jobs", "k6_trained_share", "k7_assets", "k8_wajib_compliance", "k9_nonprocedural")


def columns(ranked):
    """The indicators the tables by region and village of a page (and its PDF) show: the
    headline ones and the one the villages are ranked by."""
    return tuple(dict.fromkeys((*HEADLINE, ranked)))


PERIOD_KIND_LABELS = {"month": _l("Month"), "quarter": _l("Quarter"), "year": _l("Year")}
WORK_LABELS = {"owner": _l("Owners"), "family": _l("Unpaid family workers"), "hired": _l("Hired workers")}
TRAINING_LABELS = {"entrepreneurship": _l("Entrepreneurship"), "skills": _l("Skills"),
                   "financial_literacy": _l("Financial literacy"), "packaging": _l("Packaging"),
                   "digital_marketing": _l("Digital marketing"), "other": _l("Other training")}
SUPPRESSED = "—"  # a cell of fewer households than the panel minimum
NOTHING = "–"  # no figure (no denominator, or not computed)
SEN = Decimal("0.01")


def number(value, unit):
    """The figure as a number: rupiah (Decimal) for money and means, the ratio (Decimal,
    0.25 for 25%) for shares, an int for counts; None when there is none or it is
    suppressed."""
    if value is None or value.suppressed:
        return None
    if unit == MONEY:
        return from_sen(value.numerator)
    if unit == MEAN:
        if not value.denominator:
            return None
        return (Decimal(value.numerator) / Decimal(value.denominator) / 100).quantize(SEN, ROUND_HALF_UP)
    if unit == SHARE:
        return value.ratio
    return value.numerator


def growth(now, before, unit):
    """How the figure moved from `before` to `now`: for a share the change in percentage
    points (as a ratio: 0.05 is five points), otherwise the relative change (0.1 is +10%);
    None when either is missing or the earlier one is zero."""
    a, b = number(now, unit), number(before, unit)
    if a is None or b is None:
        return None
    if unit == SHARE:
        return a - b
    if b == 0:
        return None
    return Decimal(a - b) / Decimal(b)


def chart_number(value, unit):
    """The int a chart draws: whole rupiah for money and means, basis points for shares,
    the count otherwise; 0 when there is none."""
    figure = number(value, unit)
    if figure is None:
        return 0
    if unit == SHARE:
        return int((figure * 10000).to_integral_value(ROUND_HALF_UP))
    if unit in (MONEY, MEAN):
        return int(Decimal(figure).to_integral_value(ROUND_HALF_UP))
    return int(figure)


def text(value, unit, locale="id"):
    """The figure as written: `Rp1.500.000`, `25,0%`, `1.204`; "—" when suppressed."""
    if value is not None and value.suppressed:
        return SUPPRESSED
    figure = number(value, unit)
    if figure is None:
        return NOTHING
    if unit in (MONEY, MEAN):
        return format_money(figure, locale)
    if unit == SHARE:
        return format_share(figure * 100, locale)
    if unit == NET and figure > 0:
        return "+" + format_decimal(figure, locale=locale)
    return format_decimal(figure, locale=locale)


def growth_text(now, before, unit, locale="id"):
    """The growth as written: `+12,5%` or, for a share, `+3,0 poin`/`+3.0 pts`."""
    if (now is not None and now.suppressed) or (before is not None and before.suppressed):
        return SUPPRESSED
    change = growth(now, before, unit)
    if change is None:
        return NOTHING
    sign = "+" if change > 0 else ""
    figure = format_decimal(change * 100, format="#,##0.0", locale=locale)
    if unit == SHARE:
        return f"{sign}{figure} {'poin' if locale.startswith('id') else 'pts'}"
    return f"{sign}{figure}%"


def panel_text(figure, kind, locale="id"):
    """A figure of the household panel (panel_lines' kinds); "" where a line has none."""
    if figure is None:
        return ""
    if kind == "amount":
        return format_money(figure, locale)
    if kind == "share":
        return format_share(figure * 100, locale)
    return format_decimal(figure, locale=locale)


def panel_lines(panel):
    """The household panel's lines: (label, baseline, follow-up, kind) with kind "amount"
    or "share"/"count" for a single figure in the follow-up column."""
    return [
        (_l("Mean monthly income"), panel.baseline_mean, panel.follow_up_mean, "amount"),
        (_l("Median monthly income"), panel.baseline_median, panel.follow_up_median, "amount"),
        (_l("Change of the mean income"), None, panel.change_of_mean, "amount"),
        (_l("Households whose income rose"), None, panel.rose, "count"),
        (_l("Share whose income rose"), None, panel.rose_share, "share"),
        (_l("Mean monthly income, real (baseline prices)"), panel.baseline_mean, panel.real_follow_up_mean, "amount"),
        (_l("Median monthly income, real (baseline prices)"), panel.baseline_median, panel.real_follow_up_median, "amount"),
        (_l("Change of the mean income, real"), None, panel.real_change_of_mean, "amount"),
        (_l("Share whose real income rose"), None, panel.real_rose_share, "share"),
        (_l("Mean monthly spending"), panel.spending_baseline_mean, panel.spending_follow_up_mean, "amount"),
        (_l("Median monthly spending"), panel.spending_baseline_median, panel.spending_follow_up_median, "amount"),
        (_l("Change of the mean spending"), None, panel.spending_change_of_mean, "amount"),
    ]


def cut_label(cut):
    """A cut as words: "Female", "Family of a migrant worker · Female", "All"."""
    if cut in (None, ALL):
        return _l("All")
    labels = {"category": CATEGORY_LABELS, "gender": GENDER_LABELS, "work": WORK_LABELS,
              "training": TRAINING_LABELS}
    dimension, *values = cut.split(":")
    words = []
    for position, value in enumerate(values):
        table = labels[dimension] if position == 0 else GENDER_LABELS
        words.append(str(table.get(value, value)))
    return " · ".join(words)
