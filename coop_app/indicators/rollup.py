"""The levels above a cooperative: a figure of a kecamatan, a kabupaten, a province, the
programme, a cohort or a type is the sum of its cooperatives' numerators over the sum of
their denominators, never a mean of the cooperatives' ratios (a village of 1,000 members
weighs a thousand times one of a single member).

Regions are grouped by the cooperative's official codes (cooperatives/regions.py, which
also names them); a cooperative whose region was written before the official list, without
a code, is grouped with the others of the same written name.
"""
from flask_babel import lazy_gettext as _l

from coop_app.cooperatives import regions
from coop_app.cooperatives.models import KSP, KSPPS
from coop_app.indicators.catalogue import BY_KEY
from coop_app.indicators import queries
from coop_app.indicators.income import PANEL_MIN
from coop_app.indicators import report  # the Group and Value it fills (report imports this)

VILLAGE, KECAMATAN, KABUPATEN, PROVINCE = "village", "kecamatan", "kabupaten", "province"
PROGRAMME, COHORT, TYPE = "programme", "cohort", "type"
LEVELS = (VILLAGE, KECAMATAN, KABUPATEN, PROVINCE, PROGRAMME, COHORT, TYPE)
LEVEL_LABELS = {
    VILLAGE: _l("Village"), KECAMATAN: _l("Kecamatan"), KABUPATEN: _l("Kabupaten/kota"),
    PROVINCE: _l("Province"), PROGRAMME: _l("Programme"), COHORT: _l("Cohort"),
    TYPE: _l("Cooperative type"),
}
TYPE_LABELS = {KSP: "KSP", KSPPS: "KSPPS/BMT"}
# The region columns of a level: (code column, written-name columns from the province down).
_REGION_COLUMNS = {
    PROVINCE: ("province_code", ("province",)),
    KABUPATEN: ("kabupaten_code", ("province", "kabupaten")),
    KECAMATAN: ("kecamatan_code", ("province", "kabupaten", "kecamatan")),
}
# The indicators whose small cells are suppressed in programme views: K4's figures are
# incomes (a village's mean turnover of two enterprises tells each one's).
SUPPRESSED_GROUPS = ("K4",)
_SUPPRESSIBLE = frozenset(key for key, indicator in BY_KEY.items() if indicator.group in SUPPRESSED_GROUPS)


def group_of(cooperative, level):
    """(key, label) of the group `cooperative` belongs to at `level`."""
    if level == VILLAGE:
        return cooperative.code, cooperative.village
    if level in _REGION_COLUMNS:
        code_column, names = _REGION_COLUMNS[level]
        code = getattr(cooperative, code_column)
        written = getattr(cooperative, names[-1])
        if code:
            return code, regions.name_of(code) or written
        return "~" + "/".join(regions.normalise(getattr(cooperative, n)) for n in names), written
    if level == PROGRAMME:
        return "", str(_l("Programme"))
    if level == COHORT:
        cohort = cooperative.programme_cohort
        return (str(cohort), str(cohort)) if cohort else ("", str(_l("No cohort")))
    if level == TYPE:
        return cooperative.type, TYPE_LABELS.get(cooperative.type, cooperative.type)
    raise ValueError(level)


def value(numerator, denominator, indicator_key, suppress):
    """A Value, suppressed (its numbers withheld) when `suppress` and it is a K4 figure of
    fewer than PANEL_MIN units."""
    if (suppress and denominator is not None and denominator < PANEL_MIN
            and indicator_key in _SUPPRESSIBLE):
        return report.Value(0, None, suppressed=True)
    return report.Value(numerator, denominator)


def sums(figures):
    """{indicator: (numerator sum, denominator sum or None)} of figures of one cut."""
    return queries.sums_of(figures)


def values(figures, suppress=True):
    """{indicator: Value} summed over `figures` (one cut, any number of cooperatives)."""
    return {key: value(n, d, key, suppress) for key, (n, d) in sums(figures).items()}


def rollup(cooperatives, figures, level, cut=None, suppress=True):
    """The Groups of `cooperatives` at `level`, each with its indicators summed from
    `figures` (of `cut` only when given), sorted by label. `suppress`: a programme view."""
    members = {}
    for cooperative in cooperatives:
        key, label = group_of(cooperative, level)
        entry = members.setdefault(key, (label, []))
        entry[1].append(cooperative.id)
    group_of_coop = {coop_id: key for key, (_label, ids) in members.items() for coop_id in ids}
    totals = {key: {} for key in members}
    for figure in figures:  # one pass, summing in place: a programme page has tens of thousands
        if cut is not None and figure.cut != cut:
            continue
        key = group_of_coop.get(figure.cooperative_id)
        if key is None:
            continue
        sums_of_group = totals[key]
        numerator, denominator = sums_of_group.get(figure.indicator, (0, None))
        if figure.denominator is not None:
            denominator = (denominator or 0) + figure.denominator
        sums_of_group[figure.indicator] = (numerator + figure.numerator, denominator)
    groups = [report.Group(key, str(label), sorted(ids),
                           {indicator: value(n, d, indicator, suppress)
                            for indicator, (n, d) in totals[key].items()})
              for key, (label, ids) in members.items()]
    return sorted(groups, key=lambda group: (group.label.lower(), group.key))
