"""Home (the user's cooperatives) and a cooperative's dashboard."""
from datetime import date

from flask import Blueprint, current_app, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from coop_app.auth.access import (READERS, accessible_cooperatives_query, coop_blueprint,
                                  require_role)
from coop_app.auth.models import MEMBER
from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.formatting import format_share
from coop_app.remittances.queries import remittance_summary

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
    return render_template("main/home.html", cooperatives=cooperatives)


@coop_bp.route("/")
@require_role(*READERS, MEMBER)
def dashboard():
    if not set(g.roles) & set(READERS):
        # A member's landing page is their own savings: the portal's home (/c/<code>/me/),
        # reached through the app's view table since faces do not import each other.
        return current_app.view_functions["portal.index"]()
    summary = reports.dashboard_summary(g.coop)
    today = date.today()
    remittances = remittance_summary(g.coop.id, reports.fiscal_year_start(g.coop, today), today)
    return render_template("main/dashboard.html", summary=summary, remittances=remittances,
                           remittance_share=format_share(remittances["share_saved"],
                                                         str(get_locale())))
