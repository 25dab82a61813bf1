"""The portfolio audit pages and exports, per cooperative and across an auditor's region.

Both blueprints serve the same pages over a different set of cooperatives: one cooperative
(its treasurers, managers and auditors), or every cooperative of the auditor's region (all
of them for an administrator). Every figure links to the loans behind it; the loan list
exports as CSV and XLSX and the figures as a PDF audit report.
"""
from dataclasses import dataclass
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from coop_app.auth.access import (READERS, accessible_cooperatives_query, coop_blueprint,
                                  require_role, roles_in)
from coop_app.auth.models import AUDITOR
from coop_app.cooperatives import regions
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.members.forms import CATEGORY_LABELS, GENDER_LABELS
from coop_app.pdf import pdf_response
from coop_app.formatting import format_share, indonesian
from coop_app.web import page_arg
from coop_app.loans.portfolio import figures as p
from coop_app.loans.portfolio import loans as pl
from coop_app.loans import words
from coop_app.loans.forms import QUALITY_LABELS, STATUS_LABELS
from coop_app.loans.portfolio.exports import csv_response, xlsx_response
from coop_app.loans.portfolio.forms import BadFilter, filter_args, parse_filter, parse_period

bp = coop_blueprint("portfolio", __name__, "/portfolio")
programme_bp = Blueprint("programme_portfolio", __name__, url_prefix="/portfolio")

BUCKET_LABELS = {"current": "0", "1_30": "1–30", "31_60": "31–60", "61_90": "61–90",
                 "91_180": "91–180", "over_180": "> 180"}
# The quality classes by their Indonesian names, as PDF reports write them.
QUALITY_ID = {"lancar": "Lancar", "dpk": "Dalam Perhatian Khusus", "kl": "Kurang Lancar",
              "diragukan": "Diragukan", "macet": "Macet"}
CATEGORY_ID = {"ctki": "Calon PMI", "family": "Keluarga PMI", "returnee": "Purna PMI",
               "other": "Warga lainnya"}
GENDER_ID = {"M": "Laki-laki", "F": "Perempuan"}


@dataclass
class Scope:
    """The cooperatives a page covers and where its links go."""
    endpoint: str  # blueprint name: "portfolio" or "programme_portfolio"
    cooperatives: list
    programme: bool

    @property
    def ids(self):
        return [c.id for c in self.cooperatives]

    @property
    def codes(self):
        return {c.code: c.id for c in self.cooperatives}


def _coop_scope():
    return Scope("portfolio", [g.coop], programme=False)


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
    return Scope("programme_portfolio", db.session.execute(query).scalars().all(), programme=True)


@bp.context_processor
@programme_bp.context_processor
def portfolio_helpers():
    return {"quality_labels": QUALITY_LABELS, "status_labels": STATUS_LABELS,
            "category_labels": CATEGORY_LABELS, "gender_labels": GENDER_LABELS,
            "bucket_labels": BUCKET_LABELS,
            "par_days": p.PAR_DAYS, "buckets": p.BUCKET_KEYS, "from_sen": pl.money,
            "percent": lambda share: format_share(share, str(get_locale()))}


@bp.errorhandler(BadFilter)
@programme_bp.errorhandler(BadFilter)
def bad_filter(error):
    db.session.rollback()
    back = url_for(f"{request.blueprint}.index")
    return render_template("portfolio/bad_filter.html", error=error, back=back), 400


def _figures(scope):
    period = parse_period(request.args)
    figures = p.portfolio(scope.ids, period.as_of, period.date_from, period.date_to,
                          CATEGORY_LABELS, GENDER_LABELS)
    return period, figures


# -- pages ------------------------------------------------------------------------------

def _index(scope):
    period, figures = _figures(scope)
    linkable = {c.code for c in scope.cooperatives if roles_in(current_user, c) & set(READERS)}
    return render_template("portfolio/index.html", scope=scope, period=period, portfolio=figures,
                           base_args=period.args(), linkable=linkable)


def _loans(scope):
    f = parse_filter(request.args, scope.codes if scope.programme else None)
    page = pl.loan_list(scope.ids, f, page_arg(), current_app.config["PAGE_SIZE"])
    coop_code = request.args.get("coop") if f.cooperative_id is not None else None
    return render_template("portfolio/loans.html", scope=scope, f=f, page=page,
                           args=filter_args(f, coop_code), coop_code=coop_code)


def _export(scope, kind):
    f = parse_filter(request.args, scope.codes if scope.programme else None)
    count, totals = pl.loan_totals(scope.ids, f)
    name = f"portofolio-{'program' if scope.programme else g.coop.code}-{f.as_of.isoformat()}"
    rows = pl.loan_rows(scope.ids, f)
    if kind == "csv":
        return csv_response(rows, count, totals, f"{name}.csv")
    return xlsx_response(rows, count, totals, f"{name}.xlsx")


def _report(scope):
    period, figures = _figures(scope)
    context = {
        **indonesian(),  # rp, tgl, persen, printed_on, coop (none for the programme)
        "quality_id": QUALITY_ID, "category_id": CATEGORY_ID, "gender_id": GENDER_ID,
        "bucket_labels": BUCKET_LABELS, "user": current_user,
        # a KSPPS/BMT's own report says pembiayaan; the programme's (many cooperatives) pinjaman
        "noun": words.noun_id(not scope.programme and g.coop.is_sharia),
    }
    name = f"laporan-portofolio-{'program' if scope.programme else g.coop.code}-{period.as_of.isoformat()}.pdf"
    return pdf_response("portfolio_report.html", name, scope=scope, period=period,
                        portfolio=figures, regions=_regions(scope), **context)


def _regions(scope):
    """How the PDF names a programme report's region: its provinces and kabupaten."""
    if not scope.programme:
        return ""
    grants = [grant for grant in current_user.grants if grant.role == AUDITOR]
    if current_user.is_admin or any(not grant.scope_province for grant in grants):
        return "Seluruh wilayah program"
    return "; ".join(sorted({regions.label(grant.scope_kabupaten) if grant.scope_kabupaten
                             else f"Provinsi {regions.label(grant.scope_province)}" for grant in grants}))


# -- one cooperative --------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    return _index(_coop_scope())


@bp.route("/loans")
@require_role(*READERS)
def loans():
    return _loans(_coop_scope())


@bp.route("/loans.csv")
@require_role(*READERS)
def loans_csv():
    return _export(_coop_scope(), "csv")


@bp.route("/loans.xlsx")
@require_role(*READERS)
def loans_xlsx():
    return _export(_coop_scope(), "xlsx")


@bp.route("/report.pdf")
@require_role(*READERS)
def report():
    return _report(_coop_scope())


# -- the programme (an auditor's region) ------------------------------------------------

# The endpoints are named as on the cooperative's blueprint, so templates build either.

@programme_bp.route("/", endpoint="index")
@login_required
def programme_index():
    return _index(_programme_scope())


@programme_bp.route("/loans", endpoint="loans")
@login_required
def programme_loans():
    return _loans(_programme_scope())


@programme_bp.route("/loans.csv", endpoint="loans_csv")
@login_required
def programme_loans_csv():
    return _export(_programme_scope(), "csv")


@programme_bp.route("/loans.xlsx", endpoint="loans_xlsx")
@login_required
def programme_loans_xlsx():
    return _export(_programme_scope(), "xlsx")


@programme_bp.route("/report.pdf", endpoint="report")
@login_required
def programme_report():
    return _report(_programme_scope())
