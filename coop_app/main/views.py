"""Home (the user's cooperatives) and a cooperative's dashboard."""
from flask import Blueprint, current_app, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import (READERS, accessible_cooperatives_query, coop_blueprint,
                                  require_role)
from coop_app.auth.models import AUDITOR, MEMBER, PENDAMPING
from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.formatting import format_share
from coop_app.remittances.queries import remittance_summary
from coop_app.main import charts, pendamping, tasks

bp = Blueprint("main", __name__)
coop_bp = coop_blueprint("coop", __name__)


@bp.route("/favicon.ico")
def favicon():
    """Browsers' PDF viewers ask for the old name; the icon is the SVG served as static."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/")
@login_required
def home():
    cooperatives = db.session.execute(accessible_cooperatives_query(current_user)).scalars().all()
    if len(cooperatives) == 1 and not current_user.is_admin:
        return redirect(url_for("coop.dashboard", coop_code=cooperatives[0].code))
    # An auditor sees where each cooperative of the region stands; the administrator what
    # to set up.
    auditing = any(grant.role == AUDITOR for grant in current_user.grants)
    return render_template("main/home.html", cooperatives=cooperatives,
                           standings=tasks.standings(cooperatives) if auditing else None,
                           admin_tasks=tasks.admin_tasks() if current_user.is_admin else None)


@coop_bp.route("/")
@require_role(*READERS, MEMBER, PENDAMPING)
def dashboard():
    if PENDAMPING in g.roles and not set(g.roles) & set(READERS):
        # The village facilitator's home: the programme's work, and no money figures.
        today = local_today(g.coop)
        return render_template("main/pendamping_home.html", today=today,
                               tasks=pendamping.pendamping_tasks(g.coop, today),
                               pages=pendamping.pendamping_pages(g.coop))
    if not set(g.roles) & set(READERS):
        # A member's landing page is their own savings: the portal's home (/c/<code>/me/),
        # reached through the app's view table since faces do not import each other.
        return current_app.view_functions["portal.index"]()
    summary = reports.dashboard_summary(g.coop)
    today = local_today(g.coop)
    remittances = remittance_summary(g.coop.id, reports.fiscal_year_start(g.coop, today), today)
    return render_template("main/dashboard.html", summary=summary, remittances=remittances,
                           remittance_share=format_share(remittances["share_saved"],
                                                         str(get_locale())),
                           today=today, tasks=tasks.coop_tasks(g.coop, g.roles, today),
                           charts=_charts(today))


def _charts(today):
    """The dashboard's charts: savings and remittances by month, portfolio quality."""
    money = charts.savings_and_remittances(
        g.coop, today, _("Savings and remittances by month"),
        _("Savings held at the month's close"), _("Remittances received in the month"))
    quality = charts.portfolio_quality(
        g.coop, today, _("Financing quality by month (kolektibilitas)") if g.coop.is_sharia
        else _("Loan quality by month (kolektibilitas)"))
    return [money, quality]


# The top bar's search lives in its own module, on the cooperative's blueprint.
from coop_app.main import search_views  # noqa: E402,F401
