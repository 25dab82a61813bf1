"""The pillar-4 indicator pages, per cooperative and across a programme reader's region.

Both blueprints serve the same pages over a different set of cooperatives: one cooperative
(its treasurers, managers and auditors), or every cooperative of the auditor's region (all
of them for an administrator). The page shows each indicator now, at baseline and a year
ago with its trend, the K4 household panel, the table by region and the ranked villages;
every figure links to the members, households, enterprises or migrants behind it, listed
only within the reader's access. The same query string with format=xlsx downloads the view
as a workbook, and report.pdf gives the "Laporan Indikator Desmigratif Pilar 4".

Behind a figure (`behind`): the members, households, enterprises or migrants of the
cooperatives the cell covers (?coop=, ?region=, or a group line's ?group_by=&group=), in the
period shown; a baseline cell's (?at=baseline) each at its cooperative's own baseline
period, read again from the snapshots; the K4 household panel's households (?panel=1).
A cell a programme view suppresses is refused (403) with its list.

The query string is shared and bookmarked, so a value that does not parse is refused with a
message (a 400 page), never guessed at and never passed on to the database.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import bindparam, false, func, select, union

from coop_app.auth.access import READERS, accessible_cooperatives_query, coop_blueprint, require_role, roles_in
from coop_app.auth.models import AUDITOR
from coop_app.cooperatives import regions
from coop_app.cooperatives.clock import local_today
from coop_app.cooperatives.models import Cooperative
from coop_app.enterprises.forms import SECTOR_LABELS
from coop_app.enterprises.models import WORKER_KINDS, Enterprise
from coop_app.extensions import db
from coop_app.indicators import catalogue, display, documents, exports, income, queries, rollup
from coop_app.indicators import report as reports
from coop_app.indicators.catalogue import ENTERPRISES, GROUPS, HOUSEHOLDS, MEMBERS, MIGRANTS
from coop_app.indicators.figures import ALL
from coop_app.indicators.income import PANEL_MIN
from coop_app.indicators.periods import MONTH, PERIOD_KINDS, Period
from coop_app.members.forms import CATEGORY_LABELS, GENDER_LABELS
from coop_app.members.models import CATEGORIES, GENDERS, Household, Member, MigrantWorker
from coop_app.trainings.models import TRAINING_TYPES
from coop_app.web import Pages, page_arg

bp = coop_blueprint("indicators", __name__, "/indicators")
programme_bp = Blueprint("programme_indicators", __name__, url_prefix="/indicators")

# The levels the programme page groups by (rollup.LEVELS but the programme itself).
GROUP_BY = (rollup.PROVINCE, rollup.KABUPATEN, rollup.KECAMATAN, rollup.VILLAGE, rollup.COHORT, rollup.TYPE)
TREND_MONTHS = 12
EARLIEST_YEAR = 2000
MAX_LENGTH = 40
# A group line's key may be a written region ("~province/kabupaten/kecamatan" when the
# cooperative has no official code), longer than the other values.
MAX_GROUP_LENGTH = 300
# The indicator the ranked table of villages opens with.
DEFAULT_RANKED = "k2_active_members"

DRILL_LABELS = {MEMBERS: _l("Members"), HOUSEHOLDS: _l("Households"),
                ENTERPRISES: _l("Enterprises"), MIGRANTS: _l("Migrant workers")}
# ?at= of a drill-down: the baseline column (each cooperative at its own baseline period).
AT_BASELINE = "baseline"
# The K4 household panel as the list page names it (it is no catalogue indicator: it is
# computed live from the surveys, never stored).
PANEL = SimpleNamespace(
    key="panel", group="K4", label=_l("Household income panel"), drill=HOUSEHOLDS,
    definition=_l("Households with a baseline survey and a follow-up survey dated in the period "
                  "at least a year after it."))


class BadArgument(ValueError):
    """A query-string value the indicator pages cannot use; `message` is what to show."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message

    def __str__(self):
        return f"{self.name}: {self.message}"


@dataclass
class Scope:
    """The cooperatives a page covers and where its links go."""
    endpoint: str  # blueprint name: "indicators" or "programme_indicators"
    cooperatives: list
    programme: bool
    today: object
    regions: list = field(default_factory=list)  # (code, label): the region filter's choices

    @property
    def ids(self):
        return [c.id for c in self.cooperatives]


@dataclass
class Controls:
    """What the page shows: the period, the cut, the grouping, the region and the ranked
    table's indicator, as parsed from the query string."""
    period: Period
    cut: str
    group_by: str
    region: str | None
    indicator: str

    def args(self):
        """The query string that shows this view again (links, export, PDF)."""
        args = {"kind": self.period.kind, "period": self.period.key, "cut": self.cut,
                "group_by": self.group_by, "indicator": self.indicator}
        if self.region:
            args["region"] = self.region
        return args


# -- the reader's cooperatives ------------------------------------------------------------

def _coop_scope():
    return Scope("indicators", [g.coop], programme=False, today=local_today(g.coop))


def _programme_scope():
    """An auditor's region (by their auditor grants only), or everything for an admin; a
    user with neither gets 403."""
    if current_user.is_admin:
        query = select(Cooperative).order_by(Cooperative.province, Cooperative.kabupaten,
                                             Cooperative.name)
    else:
        grants = [grant for grant in current_user.grants if grant.role == AUDITOR]
        if not grants:
            abort(403)
        query = accessible_cooperatives_query(SimpleNamespace(grants=grants))
    cooperatives = db.session.execute(query).scalars().all()
    codes = sorted({c.province_code for c in cooperatives if c.province_code}
                   | {c.kabupaten_code for c in cooperatives if c.kabupaten_code})
    return Scope("programme_indicators", cooperatives, programme=True, today=local_today(),
                 regions=[(code, regions.label(code)) for code in codes])


def _readable(scope):
    """The codes of the scope's cooperatives whose pages (members, enterprises...) the
    reader may open."""
    return {c.code for c in scope.cooperatives if roles_in(current_user, c) & set(READERS)}


def region_label(scope, region=None):
    """How the PDF and the page name what they cover (lazy: the PDF writes it in Indonesian)."""
    if not scope.programme:
        coop = scope.cooperatives[0]
        return f"{coop.name}, Desa {coop.village}, Kec. {coop.kecamatan}, {coop.kabupaten}"
    if region:
        return regions.label(region)
    grants = [grant for grant in current_user.grants if grant.role == AUDITOR]
    if current_user.is_admin or any(not grant.scope_province for grant in grants):
        return _l("The whole programme")
    return "; ".join(sorted({regions.label(grant.scope_kabupaten or grant.scope_province)
                             for grant in grants}))


# -- the query string ---------------------------------------------------------------------

def _text(args, name):
    """The raw value of one parameter, or None (absent or empty); repeated, overlong values
    and control characters are refused."""
    return _given(args, name) or None


def _given(args, name, limit=MAX_LENGTH):
    """The value of one parameter as given, stripped ("" when given empty), or None when
    absent; repeated values, values over `limit` characters and control characters are
    refused."""
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadArgument(name, _l("Give this value once."))
    value = values[0].strip()
    if len(value) > limit:
        raise BadArgument(name, _l("The value is too long."))
    if any(ch < " " or ch == "\x7f" for ch in value):
        raise BadArgument(name, _l("The value contains characters that are not allowed."))
    return value


def parse_period(args, today):
    """The period of ?period= (2026-10, 2026-Q3, 2026) in the kind of ?kind=; by default
    the last closed period of the kind (the last closed month). A period not begun yet, or
    before the programme's time, is refused."""
    kind = _text(args, "kind")
    if kind is not None and kind not in PERIOD_KINDS:
        raise BadArgument("kind", _l("Choose a month, a quarter or a year."))
    text = _text(args, "period")
    if text is None:
        return Period.containing(kind or MONTH, today).previous()
    try:
        period = Period.parse(text)
    except ValueError:
        raise BadArgument("period", _l("Write the period as 2026-10 (a month), 2026-Q3 (a quarter) "
                                       "or 2026 (a year).")) from None
    if kind is not None and kind != period.kind:
        # the kind was changed on the form: the period of that kind around the one shown
        period = Period.containing(kind, period.end)
    if period.end.year < EARLIEST_YEAR:
        raise BadArgument("period", _l("There are no figures before %(year)s.", year=EARLIEST_YEAR))
    if period.start > today:
        raise BadArgument("period", _l("That period has not begun yet."))
    return period


def _member_cuts():
    return [ALL] + [f"category:{c}" for c in CATEGORIES] + [f"gender:{g}" for g in GENDERS]


def parse_controls(args, scope):
    period = parse_period(args, scope.today)
    cut = _text(args, "cut") or ALL
    if cut not in _member_cuts():
        raise BadArgument("cut", _l("Choose all members, a member category or a gender."))
    group_by = _text(args, "group_by") or (rollup.KABUPATEN if scope.programme else rollup.VILLAGE)
    if group_by not in GROUP_BY:
        raise BadArgument("group_by", _l("Choose province, kabupaten, kecamatan, village, cohort "
                                         "or cooperative type."))
    region = _region(args, scope)
    indicator = _text(args, "indicator") or DEFAULT_RANKED
    if indicator not in catalogue.BY_KEY:
        raise BadArgument("indicator", _l("There is no indicator %(key)s.", key=indicator))
    return Controls(period, cut, group_by, region, indicator)


def _region(args, scope):
    """The region filter of a programme page: a province or kabupaten of the reader's
    cooperatives."""
    region = _text(args, "region") if scope.programme else None
    if region is not None and region not in dict(scope.regions):
        raise BadArgument("region", _l("No cooperative of your region lies in %(region)s.", region=region))
    return region


def _within(scope, region):
    """The scope's cooperatives inside the region filter."""
    if not region:
        return scope.cooperatives
    return [c for c in scope.cooperatives
            if regions.within(c.kabupaten_code if "." in region else c.province_code, region)]


def _format(args):
    value = _text(args, "format")
    if value not in (None, "html", "xlsx"):
        raise BadArgument("format", _l("Choose html or xlsx."))
    return value or "html"


# -- pages --------------------------------------------------------------------------------

@bp.context_processor
@programme_bp.context_processor
def indicator_helpers():
    locale = str(get_locale() or "id")
    return {"groups": GROUPS, "shown_in": catalogue.shown_in, "cut_label": display.cut_label,
            "show": lambda value, unit: display.text(value, unit, locale),
            "show_growth": lambda now, before, unit: display.growth_text(now, before, unit, locale),
            "panel_text": lambda figure, kind: display.panel_text(figure, kind, locale),
            "panel_lines": display.panel_lines, "headline": display.HEADLINE,
            "level_labels": rollup.LEVEL_LABELS,
            "group_by_choices": [(level, rollup.LEVEL_LABELS[level]) for level in GROUP_BY], "period_kind_labels": display.PERIOD_KIND_LABELS,
            "coverage_labels": display.COVERAGE_LABELS, "drill_labels": DRILL_LABELS,
            "unit_labels": display.UNIT_LABELS, "panel_min": PANEL_MIN}


@bp.errorhandler(BadArgument)
@programme_bp.errorhandler(BadArgument)
def bad_argument(error):
    db.session.rollback()
    back = url_for(f"{request.blueprint}.index")
    return render_template("indicators/bad_argument.html", error=error, back=back), 400


def _report(scope, controls, whole=False):
    """The Report of a view; `whole`: every indicator in the tables by region and village
    (the XLSX), else only the columns the page and the PDF show."""
    return reports.build_report(_within(scope, controls.region), controls.period, controls.cut,
                                controls.group_by, scope.today, TREND_MONTHS, suppress=scope.programme,
                                trend_indicators=display.HEADLINE,
                                village_indicators=None if whole else display.columns(controls.indicator))


def _filename(scope, controls, extension):
    where = controls.region or ("program" if scope.programme else g.coop.code)
    return f"indikator-{where}-{controls.period.key}.{extension}"


def _index(scope):
    controls = parse_controls(request.args, scope)
    wanted = _format(request.args)
    report = _report(scope, controls, whole=wanted == "xlsx")
    if wanted == "xlsx":
        return exports.xlsx_response(report, controls.indicator, str(rollup.LEVEL_LABELS[controls.group_by]),
                                     _filename(scope, controls, "xlsx"))
    charts = [chart for key in display.HEADLINE if (chart := _chart(report, key)) is not None]
    panel_args = {"panel": "1", "kind": controls.period.kind, "period": controls.period.key,
                  "cut": controls.cut}
    if controls.region:
        panel_args["region"] = controls.region
    return render_template(
        "indicators/index.html", scope=scope, controls=controls, report=report,
        args=controls.args(), charts=charts, cuts=_member_cuts(), ranked=report.ranked(controls.indicator),
        ranked_indicator=catalogue.BY_KEY[controls.indicator], indicators=catalogue.INDICATORS,
        region=region_label(scope, controls.region), linkable=_readable(scope),
        cooperatives=_within(scope, controls.region), by_key=catalogue.BY_KEY,
        rows_by_key={row.indicator.key: row for row in report.rows},
        coops_by_id={c.id: c for c in scope.cooperatives}, panel_args=panel_args)


def _chart(report, key):
    """A trend chart of one indicator (main/_charts.html's shape): ints only."""
    indicator = catalogue.BY_KEY[key]
    points = report.trend.get(key) or []
    if not any(value is not None for _period, value in points):
        return None
    unit = {catalogue.SHARE: "bp", catalogue.MONEY: "rp", catalogue.MEAN: "rp"}.get(indicator.unit, "count")
    locale = str(get_locale() or "id")
    return SimpleNamespace(
        key=key, title=str(indicator.label), unit=unit,
        rows=[(period.key, display.text(value, indicator.unit, locale)) for period, value in points],
        data={"kind": "line", "unit": unit, "labels": [period.key for period, _value in points],
              "series": [{"label": str(indicator.label), "colour": "#0d6efd",
                          "values": [display.chart_number(value, indicator.unit) for _p, value in points]}]})


def _definitions(scope):
    return render_template("indicators/definitions.html", scope=scope, indicators=catalogue.INDICATORS)


def _pdf(scope):
    controls = parse_controls(request.args, scope)
    report = _report(scope, controls)
    return documents.pdf_response(report, region_label(scope, controls.region),
                                  _filename(scope, controls, "pdf"))


# -- what stands behind a figure ----------------------------------------------------------

def _behind_select(indicator, cut, cooperative_ids, period):
    """The computing module's select of the ids behind a figure."""
    for computer in queries.COMPUTERS:
        try:
            return computer.behind(indicator.key, cut, cooperative_ids, period)
        except KeyError:
            continue
    raise BadArgument("indicator", _l("This figure has no list behind it."))


def _drill_cuts(indicator):
    cuts = {ALL}
    for dimension in indicator.cuts:
        if dimension == "category":
            cuts |= {f"category:{c}" for c in CATEGORIES}
        elif dimension == "gender":
            cuts |= {f"gender:{g}" for g in GENDERS}
        elif dimension == "work":
            cuts |= {f"work:{k}" for k in WORKER_KINDS} | {f"work:{k}:{g}" for k in WORKER_KINDS for g in GENDERS}
        elif dimension == "training":
            cuts |= {f"training:{t}" for t in TRAINING_TYPES}
    return cuts


def _coop_of(scope, args):
    """The cooperatives a programme drill-down lists: the one of ?coop= (in the reader's
    region), or all of the region filter's."""
    code = _text(args, "coop")
    if code is None:
        return _within(scope, _region(args, scope))
    found = [c for c in scope.cooperatives if c.code == code]
    if not found:
        raise BadArgument("coop", _l("No cooperative %(code)s in your region.", code=code))
    return found


def _listing(kind, ids_select, cooperative_ids):
    """The rows of what stands behind a figure, each with its cooperative's code and
    village, in a stable order: (select of rows, count)."""
    ids = select(ids_select.subquery().c.id)
    if kind == MEMBERS:
        query = (select(Member.id, Member.member_number.label("number"), Member.name,
                        Member.gender, Member.category, Cooperative.code, Cooperative.village)
                 .join(Cooperative, Cooperative.id == Member.cooperative_id)
                 .where(Member.id.in_(ids), Member.cooperative_id.in_(cooperative_ids))
                 .order_by(Cooperative.code, Member.member_number))
    elif kind == HOUSEHOLDS:
        query = (select(Household.id, Household.kk_number.label("number"), Household.head_name.label("name"),
                        Household.head_gender.label("gender"), Household.size, Cooperative.code,
                        Cooperative.village)
                 .join(Cooperative, Cooperative.id == Household.cooperative_id)
                 .where(Household.id.in_(ids), Household.cooperative_id.in_(cooperative_ids))
                 .order_by(Cooperative.code, Household.kk_number))
    elif kind == ENTERPRISES:
        query = (select(Enterprise.id, Enterprise.name, Enterprise.sector, Member.name.label("owner"),
                        Member.member_number.label("number"), Cooperative.code, Cooperative.village)
                 .join(Member, Member.id == Enterprise.member_id)
                 .join(Cooperative, Cooperative.id == Enterprise.cooperative_id)
                 .where(Enterprise.id.in_(ids), Enterprise.cooperative_id.in_(cooperative_ids))
                 .order_by(Cooperative.code, Enterprise.name, Enterprise.id))
    else:
        query = (select(MigrantWorker.id, MigrantWorker.name, MigrantWorker.gender,
                        MigrantWorker.destination_country.label("country"),
                        MigrantWorker.departure_date, MigrantWorker.procedural, Cooperative.code,
                        Cooperative.village)
                 .join(Cooperative, Cooperative.id == MigrantWorker.cooperative_id)
                 .where(MigrantWorker.id.in_(ids), MigrantWorker.cooperative_id.in_(cooperative_ids))
                 .order_by(Cooperative.code, MigrantWorker.name, MigrantWorker.id))
    count = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    return query, count


def _chosen(scope, args):
    """The cooperatives a drill-down lists: on a cooperative's page its own; on the
    programme's, the one of ?coop= or those of the region filter, narrowed to one group
    line's by ?group_by=&group=."""
    if not scope.programme:
        return scope.cooperatives
    return _in_group(_coop_of(scope, args), args)


def _in_group(cooperatives, args):
    """The `cooperatives` in the group ?group= of the level ?group_by= (rollup.group_of's
    key: a region code, a cooperative's code, a cohort year, a type; empty for the line of
    the unknown), or all of them without ?group=. A group none of them is in is refused,
    so a group outside the reader's region lists nothing."""
    level = _text(args, "group_by")
    if level is not None and level not in GROUP_BY:
        raise BadArgument("group_by", _l("Choose province, kabupaten, kecamatan, village, cohort "
                                         "or cooperative type."))
    key = _given(args, "group", MAX_GROUP_LENGTH)
    if key is None:
        return cooperatives
    if level is None:
        raise BadArgument("group_by", _l("Say which grouping the group belongs to."))
    found = [c for c in cooperatives if rollup.group_of(c, level)[0] == key]
    if not found:
        raise BadArgument("group", _l("No cooperative of your region is in that group."))
    return found


def _at_baseline(args):
    """Whether ?at= asks for the baseline column (absent: the period shown)."""
    at = _text(args, "at")
    if at not in (None, AT_BASELINE):
        raise BadArgument("at", _l("Leave this out for the period shown, or choose baseline."))
    return at == AT_BASELINE


def _by_baseline(baselines):
    """{baseline Period: [cooperative ids]} of report.baseline_periods' {id: Period}, oldest
    period first."""
    by_period = {}
    for coop_id, period in sorted(baselines.items()):
        by_period.setdefault(period, []).append(coop_id)
    return dict(sorted(by_period.items()))


def _suppressed(indicator, cut, cooperative_ids, period, today):
    """Whether a programme view withholds this figure (rollup's rule, on the same figures
    the page summed)."""
    if indicator.group not in rollup.SUPPRESSED_GROUPS:
        return False
    figures = queries.figures_for(cooperative_ids, period, today, cut)
    return _withheld(indicator, figures)


def _baseline_suppressed(indicator, cut, by_period):
    """Whether a programme view withholds this baseline figure: rollup's rule on what the
    page summed, each cooperative's stored figures of its own baseline period."""
    if indicator.group not in rollup.SUPPRESSED_GROUPS:
        return False
    figures = [figure for period, ids in by_period.items()
               for figure in queries.stored_figures(ids, period, cut)]
    return _withheld(indicator, figures)


def _withheld(indicator, figures):
    value = rollup.values([f for f in figures if f.indicator == indicator.key], suppress=True).get(indicator.key)
    return value is not None and value.suppressed


def _refused(scope, what):
    """The 403 page of a suppressed cell: its few units are not listed either."""
    return render_template("indicators/suppressed.html", scope=scope, what=what,
                           back=url_for(f"{scope.endpoint}.index")), 403


def _baseline_select(indicator, cut, by_period):
    """The ids behind a baseline figure: each cooperative's at its own baseline period, the
    computing module's selects of each period's cooperatives in one union (nothing when no
    cooperative has a baseline)."""
    selects = [_behind_select(indicator, cut, ids, period) for period, ids in by_period.items()]
    if not selects:
        return select(Cooperative.id.label("id")).where(false())
    return selects[0] if len(selects) == 1 else union(*selects)


def _panel_select(cooperative_ids, period, cut):
    """(select of the ids of the K4 panel's households, their number), as income.panel
    counts them. The ids are written into the SQL (integers), however many."""
    households = [record.household_id for record in income.panel_households(cooperative_ids, period, cut)]
    chosen = bindparam("panel_households", households or [-1], expanding=True, literal_execute=True)
    return select(Household.id.label("id")).where(Household.id.in_(chosen)), len(households)


def _behind(scope):
    args = request.args
    panel = _text(args, "panel")
    if panel not in (None, "1"):
        raise BadArgument("panel", _l("Leave this out, or give 1 for the households of the income panel."))
    if panel:
        return _panel_behind(scope, args)
    key = _text(args, "indicator")
    indicator = catalogue.BY_KEY.get(key or "")
    if indicator is None or indicator.drill is None:
        raise BadArgument("indicator", _l("Choose an indicator that lists who stands behind it."))
    cut = _text(args, "cut") or ALL
    if cut not in _drill_cuts(indicator):
        raise BadArgument("cut", _l("This indicator is not shown for that cut."))
    period = parse_period(args, scope.today)
    at_baseline = _at_baseline(args)
    cooperatives = _chosen(scope, args)
    ids = [c.id for c in cooperatives]
    if not at_baseline:
        if scope.programme and _suppressed(indicator, cut, ids, period, scope.today):
            return _refused(scope, indicator.label)
        return _list_page(scope, args, indicator, cut, period, cooperatives,
                          _behind_select(indicator, cut, ids, period), ids)
    # The baseline periods are read again from the snapshots, as the page's column was.
    by_period = _by_baseline(reports.baseline_periods(ids, period.kind))
    if scope.programme and _baseline_suppressed(indicator, cut, by_period):
        return _refused(scope, indicator.label)
    with_baseline = [coop_id for period_ids in by_period.values() for coop_id in period_ids]
    return _list_page(scope, args, indicator, cut, period, cooperatives,
                      _baseline_select(indicator, cut, by_period), with_baseline,
                      baselines=[base.key for base in by_period])


def _panel_behind(scope, args):
    """The households of the K4 income panel of the cooperatives chosen, in the period and
    cut: as many as the panel counts; refused in a programme view when the panel is
    suppressed (fewer than PANEL_MIN households)."""
    if _at_baseline(args):
        raise BadArgument("at", _l("The household panel is listed for the period shown, not at baseline."))
    cut = _text(args, "cut") or ALL
    if cut not in _member_cuts():
        raise BadArgument("cut", _l("Choose all members, a member category or a gender."))
    period = parse_period(args, scope.today)
    cooperatives = _chosen(scope, args)
    ids = [c.id for c in cooperatives]
    ids_select, households = _panel_select(ids, period, cut)
    if scope.programme and households < PANEL_MIN:
        return _refused(scope, PANEL.label)
    return _list_page(scope, args, PANEL, cut, period, cooperatives, ids_select, ids)


def _list_page(scope, args, indicator, cut, period, cooperatives, ids_select, cooperative_ids,
               baselines=None):
    """One page of the list behind a figure (`indicator`: a catalogue Indicator or PANEL)
    of `cooperative_ids`; `baselines`: the baseline periods' keys, for a baseline cell."""
    query, total = _listing(indicator.drill, ids_select, cooperative_ids)
    size = current_app.config["PAGE_SIZE"]
    page = page_arg()
    rows = db.session.execute(query.limit(size).offset((page - 1) * size)).all()
    back = {"kind": period.kind, "period": period.key, "cut": cut if cut in _member_cuts() else ALL}
    region = _region(args, scope)
    if region:
        back["region"] = region
    if scope.programme and _text(args, "group_by"):
        back["group_by"] = _text(args, "group_by")
    return render_template(
        "indicators/behind.html", scope=scope, indicator=indicator, cut=cut, period=period,
        rows=rows, total=total, pages=Pages(page, size, total), linkable=_readable(scope),
        cooperatives=cooperatives, back=back, baselines=baselines, category_labels=CATEGORY_LABELS,
        gender_labels=GENDER_LABELS, sector_labels=SECTOR_LABELS)


# -- one cooperative ----------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    return _index(_coop_scope())


@bp.route("/behind")
@require_role(*READERS)
def behind():
    return _behind(_coop_scope())


@bp.route("/definitions")
@require_role(*READERS)
def definitions():
    return _definitions(_coop_scope())


@bp.route("/report.pdf")
@require_role(*READERS)
def report():
    return _pdf(_coop_scope())


# -- the programme (an auditor's region) --------------------------------------------------

# The endpoints are named as on the cooperative's blueprint, so templates build either.

@programme_bp.route("/", endpoint="index")
@login_required
def programme_index():
    return _index(_programme_scope())


@programme_bp.route("/behind", endpoint="behind")
@login_required
def programme_behind():
    return _behind(_programme_scope())


@programme_bp.route("/definitions", endpoint="definitions")
@login_required
def programme_definitions():
    return _definitions(_programme_scope())


@programme_bp.route("/report.pdf", endpoint="report")
@login_required
def programme_report():
    return _pdf(_programme_scope())
