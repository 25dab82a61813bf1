"""The member register's pages: list and search, registration, a member's page, editing,
a member's login, leaving, the member-number pattern and the import (migrant workers have
their own pages in migrant_views.py).

Each view parses its form, calls one service function, then commits and redirects, or
rolls back and shows the service's message. Nothing here decides a business rule.
"""
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import raiseload

from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MANAGER, MEMBER
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.web.fields import choices
from coop_app.ledger.service import cash_accounts
from coop_app.registry import registry
from coop_app.members import migrants, service
from coop_app.members.forms import (CATEGORY_LABELS, GENDER_LABELS, RELATIONSHIP_LABELS,
                                    SECTOR_LABELS, STATUS_LABELS, EditMemberForm, LoginForm,
                                    MemberSearchForm, NumberPatternForm)
from coop_app.members.models import Member

bp = coop_blueprint("members", __name__, "/members")

MAX_PAGE = 100000


@bp.context_processor
def member_labels():
    return {"category_labels": CATEGORY_LABELS, "status_labels": STATUS_LABELS,
            "gender_labels": GENDER_LABELS, "relationship_labels": RELATIONSHIP_LABELS,
            "sector_labels": SECTOR_LABELS}


# -- helpers -----------------------------------------------------------------------------

def or_404(function, *args):
    try:
        return function(*args)
    except NotFound:
        abort(404)


REFUSED = 422  # a form sent back with what was wrong: nothing was written


def form_page(template, **context):
    """A form's page: on a POST it is shown again only when the form was refused (every
    accepted submission redirects), so it answers 422, as the other packages' forms do."""
    return render_template(template, **context), (REFUSED if request.method == "POST" else 200)


def refused(error, form=None, fields=None):
    """A service said no: undo whatever was flushed and show why, next to the field it is
    about when there is one on the form."""
    db.session.rollback()
    name = (fields or {}).get(error.field, error.field) if isinstance(error, InvalidField) else None
    if form is not None and name and name in form:
        form[name].errors = list(form[name].errors) + [str(error)]
    else:
        flash(str(error), "danger")


def _money_choices(form_field):
    locale = str(get_locale())
    form_field.choices = choices((a.id, f"{a.code} · {a.display_name(locale)}")
                                 for a in cash_accounts(g.coop.id))


@dataclass(frozen=True)
class ShownPanel:
    template: str
    data: dict


def panels_of(panels, subject):
    """The registry's panels of a page, each with its variables for `subject`."""
    return [ShownPanel(panel.template, panel.context(g.coop.id, subject)) for panel in panels]


def _own_member_or_404(member_id):
    """Staff and auditors see every member; a member only themselves (others do not exist)."""
    member = or_404(service.get_member, g.coop.id, member_id)
    if not has_role(*READERS) and member.user_id != current_user.id:
        abort(404)
    return member


def _member_data(form):
    migrant = form.migrant.data
    return service.MemberData(
        nik=form.nik.data, name=form.name.data, gender=form.gender.data,
        birth_date=form.birth_date.data, address=form.address.data, phone=form.phone.data,
        join_date=form.join_date.data, category=form.category.data,
        migrant_worker_id=migrant if isinstance(migrant, int) else None,
        relationship=form.relationship.data or None)


def page_arg():
    """The ?page= of a list, within bounds (a huge page would overflow SQLite's OFFSET)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def filter_values(form):
    """Values of a GET filter form; a value that does not parse is flashed and ignored."""
    form.validate()
    values = {}
    for field in form:
        if field.errors:
            flash(_("%(label)s: %(error)s The filter was ignored.", label=field.label.text,
                    error=field.errors[0]), "warning")
            values[field.name] = None
        else:
            values[field.name] = field.data
    return values


# -- the register ------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    form = MemberSearchForm(formdata=request.args)
    values = filter_values(form)
    query = service.search_query(g.coop.id, values["q"], values["status"], values["category"])
    pagination = db.paginate(query.options(raiseload(Member.migrant_worker)), page=page_arg(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("members/index.html", form=form, pagination=pagination)


@bp.route("/me")
@require_role(MEMBER)
def me():
    member = service.member_of_user(g.coop.id, current_user.id)
    if member is None:
        abort(404)
    return redirect(url_for("members.detail", member_id=member.id))


@bp.route("/<int:member_id>")
@require_role(*READERS, MEMBER)
def detail(member_id):
    member = _own_member_or_404(member_id)
    coop_id = g.coop.id
    migrant = member.migrant_worker
    family = [m for m in migrants.linked_members(coop_id, migrant.id) if m.id != member.id] \
        if migrant else []
    staff_view = has_role(*READERS)
    return render_template(
        "members/detail.html", member=member, migrant=migrant, family=family,
        eligible=service.returnee_eligible(member, migrant),
        eligible_until=service.returnee_eligible_until(migrant),
        panels=panels_of(registry().member_panels, member),
        history=service.member_history(coop_id, member.id) if staff_view else [],
        staff_view=staff_view)


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@require_role(*STAFF)
def edit(member_id):
    member = or_404(service.get_member, g.coop.id, member_id)
    form = EditMemberForm(obj=member)
    if request.method == "GET":
        form.migrant.data = member.migrant_worker_id
    form.set_migrant_choices(migrants.migrant_choices(g.coop.id))
    if form.validate_on_submit():
        try:
            service.update_member(g.coop.id, member.id, _member_data(form))
        except DomainError as error:
            refused(error, form, {"actual_return_date": "migrant"})
        else:
            db.session.commit()
            flash(_("The member's data was saved."), "success")
            return redirect(url_for("members.detail", member_id=member_id))
    return form_page("members/edit.html", form=form, member=member)


@bp.route("/<int:member_id>/login", methods=["GET", "POST"])
@require_role(MANAGER)
def create_login(member_id):
    member = or_404(service.get_member, g.coop.id, member_id)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.create_member_login(g.coop.id, member.id, form.username.data,
                                               form.password.data)
        except DomainError as error:
            refused(error)
        else:
            username = user.username
            db.session.commit()
            flash(_("%(name)s can now log in as %(username)s.", name=member.name,
                    username=username), "success")
            return redirect(url_for("members.detail", member_id=member_id))
    return form_page("members/login.html", form=form, member=member)


@bp.route("/settings", methods=["GET", "POST"])
@require_role(MANAGER)
def settings():
    form = NumberPatternForm(data={"pattern": g.coop.member_number_pattern})
    if form.validate_on_submit():
        try:
            service.set_member_number_pattern(g.coop, form.pattern.data)
        except DomainError as error:
            refused(error, form)
        else:
            db.session.commit()
            flash(_("New members will be numbered by the new pattern."), "success")
            return redirect(url_for("members.settings"))
    sample = service.format_member_number(g.coop.member_number_pattern, g.coop, 1, date.today())
    return form_page("members/settings.html", form=form, sample=sample)
