"""The enterprise pages: the cooperative's list, and recording or editing a member's enterprise.

Each view parses its form, calls one service function, then commits and redirects, or
rolls back and shows the service's message.
"""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MEMBER
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.registry import Panel
from coop_app.members import service as members
from coop_app.web import form_page
from coop_app.enterprises import service
from coop_app.enterprises.forms import SECTOR_LABELS, EnterpriseFilterForm, EnterpriseForm

bp = coop_blueprint("enterprises", __name__, "/enterprises")

MAX_PAGE = 100000


def page_arg():
    """The ?page= of the list, within bounds (a huge page would overflow SQLite's OFFSET)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


@bp.context_processor
def enterprise_labels():
    return {"enterprise_sector_labels": SECTOR_LABELS}


def _or_404(function, *args):
    try:
        return function(*args)
    except NotFound:
        abort(404)


def _data(form):
    return service.EnterpriseData(
        name=form.name.data, sector=form.sector.data, products=form.products.data,
        start_date=form.start_date.data, workers=form.workers.data, address=form.address.data,
        is_ovop=form.is_ovop.data, active=form.active.data)


def _refused(error, form):
    db.session.rollback()
    if isinstance(error, InvalidField) and error.field in form:
        form[error.field].errors = list(form[error.field].errors) + [str(error)]
    else:
        flash(str(error), "danger")



def _member_panel(cooperative_id, member):
    return {"enterprises": service.member_enterprises(cooperative_id, member.id),
            "sector_labels": SECTOR_LABELS}


# The member page's enterprises (the registry's member_panels).
MEMBER_PANEL = Panel("enterprises", "enterprises/_member_panel.html", _member_panel)

@bp.route("/")
@require_role(*READERS)
def index():
    form = EnterpriseFilterForm(formdata=request.args)
    if not form.validate():
        flash(_("A filter was not understood and was ignored."), "warning")
    values = {f.name: (None if f.errors else f.data) for f in form}
    active = {"active": True, "inactive": False}.get(values["status"])
    ovop = {"yes": True, "no": False}.get(values["ovop"])
    query = service.enterprises_query(g.coop.id, values["sector"] or None, active, ovop)
    pagination = db.paginate(query, page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    return render_template("enterprises/index.html", form=form, pagination=pagination,
                           totals=service.enterprise_totals(g.coop.id))


@bp.route("/new/<int:member_id>", methods=["GET", "POST"])
@require_role(*STAFF)
def new(member_id):
    member = _or_404(members.get_member, g.coop.id, member_id)
    form = EnterpriseForm()
    if form.validate_on_submit():
        try:
            enterprise = service.create_enterprise(g.coop.id, member.id, _data(form))
        except DomainError as error:
            _refused(error, form)
        else:
            enterprise_id = enterprise.id
            db.session.commit()
            flash(_("The enterprise was recorded."), "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise_id))
    return form_page("enterprises/form.html", form=form, member=member, enterprise=None)


@bp.route("/<int:enterprise_id>")
@require_role(*READERS, MEMBER)
def detail(enterprise_id):
    enterprise = _or_404(service.get_enterprise, g.coop.id, enterprise_id)
    member = members.get_member(g.coop.id, enterprise.member_id)
    if not has_role(*READERS) and member.user_id != current_user.id:
        abort(404)  # a member sees only their own enterprises
    return render_template("enterprises/detail.html", enterprise=enterprise, member=member)


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@require_role(*STAFF)
def edit(enterprise_id):
    enterprise = _or_404(service.get_enterprise, g.coop.id, enterprise_id)
    member = members.get_member(g.coop.id, enterprise.member_id)
    form = EnterpriseForm(obj=enterprise)
    if form.validate_on_submit():
        try:
            service.update_enterprise(g.coop.id, enterprise.id, _data(form))
        except DomainError as error:
            _refused(error, form)
        else:
            db.session.commit()
            flash(_("The enterprise was saved."), "success")
            return redirect(url_for("enterprises.detail", enterprise_id=enterprise_id))
    return form_page("enterprises/form.html", form=form, member=member, enterprise=enterprise)
