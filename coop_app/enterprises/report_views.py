"""An enterprise's reports: recording one month or quarter, and editing it (on the
enterprises blueprint; the reports are listed on the enterprise's own page).

A new report starts from the latest one's people, channels and permits (they change
seldom), or from the owner alone when it is the first, so the person reporting writes the
month's turnover and costs and corrects only what changed."""
from flask import g, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.auth.access import PROGRAMME_STAFF, require_role
from coop_app.cooperatives.clock import local_today
from coop_app.enterprises import reports, service
from coop_app.enterprises.forms import ReportForm
from coop_app.enterprises.models import REPORT_MONTH, WORKER_COLUMNS
from coop_app.enterprises.views import bp
from coop_app.members import service as members
from coop_app.web import form_page, perform

# A report refused on the total of its people is about the people's fields as a whole.
FIELDS = {"workers": "owner_m"}


def _data(form):
    return reports.ReportData(
        period_kind=form.period_kind.data, year=form.year.data, month=form.month.data,
        quarter=form.quarter.data, turnover=form.turnover.data, costs=form.costs.data,
        workers=form.workers(), sells_local=form.sells_local.data,
        sells_online=form.sells_online.data, sells_export=form.sells_export.data,
        has_nib=form.has_nib.data, has_pirt=form.has_pirt.data, has_halal=form.has_halal.data)


def _form_values(data):
    """A ReportData as the form's fields: the people flattened into their own fields."""
    values = {name: value for name, value in vars(data).items() if name != "workers"}
    return {**values, **{column: data.workers.get(column, 0) for column in WORKER_COLUMNS.values()}}


def _starting_data(owner, enterprise):
    """What a new report's form shows first: this month, and the latest report's people,
    channels and permits (or the owner alone)."""
    today = local_today(g.coop)
    latest = reports.latest_report(g.coop.id, enterprise.id)
    if latest is not None:
        data = reports.report_data(latest)
        data.turnover = data.costs = None
    else:
        data = reports.ReportData(period_kind=REPORT_MONTH, year=today.year, turnover=None,
                                  costs=None, workers={f"owner_{owner.gender.lower()}": 1})
    data.period_kind, data.year, data.month, data.quarter = REPORT_MONTH, today.year, today.month, None
    return _form_values(data)


@bp.route("/<int:enterprise_id>/reports/new", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def new_report(enterprise_id):
    enterprise = service.get_enterprise(g.coop.id, enterprise_id)  # outside perform: a 404
    owner = members.get_member(g.coop.id, enterprise.member_id)
    form = ReportForm(data=_starting_data(owner, enterprise))
    done = perform(form, lambda: reports.record_report(g.coop.id, enterprise.id, _data(form),
                                                       created_by=current_user.id),
                   url_for("enterprises.detail", enterprise_id=enterprise.id),
                   lambda report: _("The report of %(period)s was recorded.",
                                    period=reports.period_label(report)),
                   fields=FIELDS)
    if done is not None:
        return done
    return form_page("enterprises/report_form.html", form=form, enterprise=enterprise, report=None)


@bp.route("/<int:enterprise_id>/reports/<int:report_id>/edit", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def edit_report(enterprise_id, report_id):
    enterprise = service.get_enterprise(g.coop.id, enterprise_id)  # outside perform: a 404
    report = reports.get_report(g.coop.id, report_id, enterprise.id)
    form = ReportForm(data=_form_values(reports.report_data(report)))
    done = perform(form, lambda: reports.update_report(g.coop.id, report.id, _data(form)),
                   url_for("enterprises.detail", enterprise_id=enterprise.id),
                   lambda saved: _("The report of %(period)s was saved.",
                                   period=reports.period_label(saved)),
                   fields=FIELDS)
    if done is not None:
        return done
    return form_page("enterprises/report_form.html", form=form, enterprise=enterprise, report=report)
