"""The household pages (/c/<code>/households/): the list and its search, a household with
its members and surveys, recording and editing households and surveys, linking members, and
the survey import with its template.

The cooperative's staff and its pendamping record; auditors of its region read; a member
sees their own household in the portal only. Each view parses its form and runs one service
call through the web kit's `perform` (commit and redirect, or 422 with the message).
"""
import io

from flask import current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from coop_app.auth.access import PROGRAMME_STAFF, READERS, coop_blueprint, has_role, require_role
from coop_app.auth.models import PENDAMPING
from coop_app.cooperatives.clock import local_today
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members import households, service, survey_import, surveys
from coop_app.members.forms import GENDER_LABELS
from coop_app.members.household_forms import (INCOME_LABELS, KIND_LABELS, HouseholdForm,
                                              HouseholdSearchForm, LinkMemberForm, SurveyForm,
                                              SurveyImportForm, UnlinkForm)
from coop_app.registry import Panel
from coop_app.web import REFUSED, Pages, filter_values, form_page, page_arg, perform
from coop_app.web.workbooks import MAX_BYTES

bp = coop_blueprint("households", __name__, "/households")
VIEWERS = (*READERS, PENDAMPING)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def household_labels():
    return {"kind_labels": KIND_LABELS, "income_labels": INCOME_LABELS,
            "gender_labels": GENDER_LABELS, "may_record": has_role(*PROGRAMME_STAFF)}


def _household_data(form):
    return households.HouseholdData(kk_number=form.kk_number.data, head_name=form.head_name.data,
                                    head_gender=form.head_gender.data, size=form.size.data,
                                    address=form.address.data)


def _survey_data(form):
    return surveys.SurveyData(
        kind=form.kind.data, surveyed_on=form.surveyed_on.data, member_id=form.member.data,
        enumerator=form.enumerator.data,
        **{name: form[name].data for name in surveys.AMOUNT_FIELDS})


def _member_panel(cooperative_id, member):
    household = households.household_of(member)
    return {"household": household,
            "members": households.member_count(household.id) if household else 0}


# The member page's household (the registry's member_panels).
MEMBER_PANEL = Panel("household", "members/households/_member_panel.html", _member_panel)


# -- the list ------------------------------------------------------------------------------

@bp.route("/")
@require_role(*VIEWERS)
def index():
    form = HouseholdSearchForm(formdata=request.args)
    values = filter_values(form)
    query = households.households_query(g.coop.id, values["q"], values["survey"] or None,
                                        local_today(g.coop))
    per_page, page = current_app.config["PAGE_SIZE"], page_arg()
    total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar()
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return render_template("members/households/index.html", form=form, rows=rows,
                           pagination=Pages(page, per_page, total))


@bp.route("/new", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def new():
    form = HouseholdForm()
    done = perform(form, lambda: households.create_household(g.coop.id, _household_data(form)),
                   lambda household: url_for("households.detail", household_id=household.id),
                   _("The household was recorded."))
    if done is not None:
        return done
    return form_page("members/households/form.html", form=form, household=None)


# -- one household --------------------------------------------------------------------------

def _render_detail(household, link_form, status=200):
    members = households.household_members(g.coop.id, household.id)
    return render_template("members/households/detail.html", household=household, members=members,
                           surveys=surveys.household_surveys(g.coop.id, household.id),
                           link_form=link_form, unlink_form=UnlinkForm(),
                           staff_view=has_role(*READERS)), status


@bp.route("/<int:household_id>")
@require_role(*VIEWERS)
def detail(household_id):
    household = households.get_household(g.coop.id, household_id)
    return _render_detail(household, LinkMemberForm(formdata=None))


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def edit(household_id):
    household = households.get_household(g.coop.id, household_id)  # outside perform: a 404
    form = HouseholdForm(obj=household)
    done = perform(form, lambda: households.update_household(g.coop.id, household.id,
                                                             _household_data(form)),
                   url_for("households.detail", household_id=household.id),
                   _("The household was saved."))
    if done is not None:
        return done
    return form_page("members/households/form.html", form=form, household=household)


@bp.route("/<int:household_id>/members", methods=["POST"])
@require_role(*PROGRAMME_STAFF)
def link(household_id):
    household = households.get_household(g.coop.id, household_id)
    form = LinkMemberForm()

    def link_by_number():
        member = households.member_by_number(g.coop.id, form.member.data)
        return households.link_member(g.coop.id, household.id, member.id)

    done = perform(form, link_by_number, url_for("households.detail", household_id=household.id),
                   lambda member: _("%(name)s was linked to this household.", name=member.name))
    if done is not None:
        return done
    return _render_detail(household, form, REFUSED)


@bp.route("/<int:household_id>/members/<int:member_id>/unlink", methods=["POST"])
@require_role(*PROGRAMME_STAFF)
def unlink(household_id, member_id):
    household = households.get_household(g.coop.id, household_id)
    done = perform(UnlinkForm(), lambda: households.unlink_member(g.coop.id, household.id, member_id),
                   url_for("households.detail", household_id=household.id),
                   lambda member: _("%(name)s was unlinked from this household.", name=member.name))
    if done is not None:
        return done
    return _render_detail(household, LinkMemberForm(formdata=None), REFUSED)


# -- surveys ---------------------------------------------------------------------------------

@bp.route("/<int:household_id>/surveys/new", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def new_survey(household_id):
    household = households.get_household(g.coop.id, household_id)
    form = SurveyForm()
    form.set_member_choices(households.household_members(g.coop.id, household.id))
    done = perform(form, lambda: surveys.record_survey(g.coop.id, household.id, _survey_data(form),
                                                       created_by=current_user.id),
                   url_for("households.detail", household_id=household.id),
                   _("The survey was recorded."))
    if done is not None:
        return done
    return form_page("members/households/survey_form.html", form=form, household=household,
                     survey=None)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def edit_survey(survey_id):
    survey = surveys.get_survey(g.coop.id, survey_id)  # outside perform: a 404
    household = households.get_household(g.coop.id, survey.household_id)
    form = SurveyForm(obj=survey)
    if request.method == "GET":
        form.member.data = survey.member_id
    members = households.household_members(g.coop.id, household.id)
    if survey.member_id not in {m.id for m in members} and survey.member_id is not None:
        members.append(service.get_member(g.coop.id, survey.member_id))
    form.set_member_choices(members)
    done = perform(form, lambda: surveys.update_survey(g.coop.id, survey.id, _survey_data(form)),
                   url_for("households.detail", household_id=household.id),
                   _("The survey was saved."))
    if done is not None:
        return done
    return form_page("members/households/survey_form.html", form=form, household=household,
                     survey=survey)


# -- the import -------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@require_role(*PROGRAMME_STAFF)
def import_surveys():
    form = SurveyImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose a file to upload.")]
        else:
            result = _import(form, upload)
            if result is not None and result.ok:
                db.session.commit()
                return _imported(result)
            db.session.rollback()  # all or nothing
    return render_template("members/households/import.html", form=form, result=result,
                           columns=survey_import.COLUMNS, indonesian=survey_import.INDONESIAN,
                           column_help=survey_import.COLUMN_HELP), \
        REFUSED if request.method == "POST" else 200


def _import(form, upload):
    """The file's rows recorded in this transaction, or None (its message on the form)."""
    content = upload.read(MAX_BYTES + 1)
    try:
        rows = survey_import.read_surveys(upload.filename, content)
    except DomainError as error:
        form.file.errors = [str(error)]
        return None
    return survey_import.run_import(g.coop.id, rows, created_by=current_user.id)


def _imported(result):
    flash(_("%(rows)d surveys were imported (%(households)d new households, %(linked)d members "
            "linked).", rows=result.rows, households=result.households_created,
            linked=result.members_linked), "success")
    return redirect(url_for("households.index"))


@bp.route("/import/template.xlsx")
@require_role(*PROGRAMME_STAFF)
def import_template():
    return send_file(io.BytesIO(survey_import.template_workbook()), mimetype=XLSX,
                     as_attachment=True, download_name="template_survei_rumah_tangga.xlsx")
