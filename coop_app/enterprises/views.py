"""The enterprise pages: the cooperative's list, and recording, editing or closing a member's
enterprise (its reports' pages are enterprises.report_views).

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects, or rolls back and shows the form again (422) with the
service's message next to the field it is about. The list's query is
enterprises.service.enterprises_query, paged with the kit's `paginate`.
"""
from flask import abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.auth.access import PROGRAMME_STAFF, READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MEMBER, PENDAMPING
from coop_app.registry import Panel, registry
from coop_app.members import service as members
from coop_app.members.views import panels_of
from coop_app.web import form_page, paginate, perform
from coop_app.enterprises import reports, service
from coop_app.enterprises.forms import (SECTOR_LABELS, CloseEnterpriseForm, EnterpriseFilterForm,
                                        EnterpriseForm)

bp = coop_blueprint("enterprises", __name__, "/enterprises")


@bp.context_processor
def enterprise_labels():
    return {"enterprise_sector_labels": SECTOR_LABELS, "report_period_label": reports.period_label}


def _data(form):
    return service.EnterpriseData(
        name=form.name.data, sector=form.sector.data, products=form.products.data,
        start_date=form.start_date.data, workers=form.workers.data, address=form.address.data,
        is_ovop=form.is_ovop.data)


def _member_panel(cooperative_id, member):
    return {"enterprises": service.member_enterprises(cooperative_id, member.id),
            "sector_labels": SECTOR_LABELS}


# The member page's enterprises (the registry's member_panels).
MEMBER_PANEL = Panel("enterprises", "enterprises/_member_panel.html", _member_panel)


@bp.route("/")
@require_role(*READERS, PENDAMPING)
def index():
    form = EnterpriseFilterForm(formdata=request.args)
    if not form.validate():
        flash(_("A filter was not understood and was ignored."), "warning")
    values = {f.name: (None if f.errors else f.data) for f in form}
    active = {"active": True, "inactive": False}.get(values["status"])
    ovop = {"yes": True, "no": False}.get(values["ovop"])
    query = service.enterprises_query(g.coop.id, values["sector"] or None, active, ovop)
    return render_template("enterprises/index.html", form=form, pagination=paginate(query),
                           totals=service.enterprise_totals(g.coop.id))


@bp.route("/new/<int:member_id>", methods=["GET", "POST"])
@require_role(*STAFF)
def new(member_id):
    member = members.get_member(g.coop.id, member_id)  # outside perform: unknown is a 404
    form = EnterpriseForm()
    done = perform(form, lambda: service.create_enterprise(g.coop.id, member.id, _data(form)),
                   lambda enterprise: url_for("enterprises.detail", enterprise_id=enterprise.id),
                   _("The enterprise was recorded."))
    if done is not None:
        return done
    return form_page("enterprises/form.html", form=form, member=member, enterprise=None)


@bp.route("/<int:enterprise_id>")
@require_role(*READERS, PENDAMPING, MEMBER)
def detail(enterprise_id):
    enterprise = service.get_enterprise(g.coop.id, enterprise_id)
    member = members.get_member(g.coop.id, enterprise.member_id)
    if not has_role(*READERS, PENDAMPING) and member.user_id != current_user.id:
        abort(404)  # a member sees only their own enterprises
    return render_template(
        "enterprises/detail.html", enterprise=enterprise, member=member,
        reports=reports.enterprise_reports(g.coop.id, enterprise.id),
        report_totals=reports.report_totals(g.coop.id, enterprise.id),
        panels=panels_of(registry().enterprise_panels, enterprise))


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@require_role(*STAFF)
def edit(enterprise_id):
    enterprise = service.get_enterprise(g.coop.id, enterprise_id)  # outside perform: a 404
    member = members.get_member(g.coop.id, enterprise.member_id)
    form = EnterpriseForm(obj=enterprise)
    done = perform(form, lambda: service.update_enterprise(g.coop.id, enterprise.id, _data(form)),
                   url_for("enterprises.detail", enterprise_id=enterprise_id),
                   _("The enterprise was saved."))
    if done is not None:
        return done
    return form_page("enterprises/form.html", form=form, member=member, enterprise=enterprise)


@bp.route("/<int:enterprise_id>/close", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def close(enterprise_id):
    """Closing instead of deleting: the enterprise stays on record with the day it stopped."""
    enterprise = service.get_enterprise(g.coop.id, enterprise_id)  # outside perform: a 404
    form = CloseEnterpriseForm()
    done = perform(form, lambda: service.close_enterprise(g.coop.id, enterprise.id, form.closed_on.data),
                   url_for("enterprises.detail", enterprise_id=enterprise.id),
                   _("The enterprise was closed; it stays on record."))
    if done is not None:
        return done
    return form_page("enterprises/close.html", form=form, enterprise=enterprise)
