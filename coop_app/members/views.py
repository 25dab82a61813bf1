"""The member register's pages: list and search, a member's page (with the panels the
registry adds), editing, a member's login and the member-number pattern. Migrant workers
have their own pages in migrant_views.py; registering, leaving and the import are in
membership/views.py, on this blueprint.

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects, or rolls back and shows the form again (422) with the
service's message. Nothing here decides a business rule.
"""
from dataclasses import dataclass
from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import raiseload

from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MANAGER, MEMBER
from coop_app.web import filter_values, form_page, paginate, perform
from coop_app.web.fields import choices
from coop_app.ledger.service import cash_accounts
from coop_app.registry import registry
from coop_app.members import migrants, service
from coop_app.members.forms import (CATEGORY_LABELS, GENDER_LABELS, RELATIONSHIP_LABELS,
                                    SECTOR_LABELS, STATUS_LABELS, EditMemberForm, LoginForm,
                                    MemberSearchForm, NumberPatternForm)
from coop_app.members.models import Member

bp = coop_blueprint("members", __name__, "/members")


@bp.context_processor
def member_labels():
    return {"category_labels": CATEGORY_LABELS, "status_labels": STATUS_LABELS,
            "gender_labels": GENDER_LABELS, "relationship_labels": RELATIONSHIP_LABELS,
            "sector_labels": SECTOR_LABELS}


# -- helpers -----------------------------------------------------------------------------

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
    member = service.get_member(g.coop.id, member_id)
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


# -- the register ------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    form = MemberSearchForm(formdata=request.args)
    values = filter_values(form)
    query = service.search_query(g.coop.id, values["q"], values["status"], values["category"])
    pagination = paginate(query.options(raiseload(Member.migrant_worker)))
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
    member = service.get_member(g.coop.id, member_id)  # outside perform: unknown is a 404
    form = EditMemberForm(obj=member)
    if request.method == "GET":
        form.migrant.data = member.migrant_worker_id
    form.set_migrant_choices(migrants.migrant_choices(g.coop.id))
    done = perform(form, lambda: service.update_member(g.coop.id, member.id, _member_data(form)),
                   url_for("members.detail", member_id=member_id), _("The member's data was saved."),
                   fields={"actual_return_date": "migrant"})
    if done is not None:
        return done
    return form_page("members/edit.html", form=form, member=member)


@bp.route("/<int:member_id>/login", methods=["GET", "POST"])
@require_role(MANAGER)
def create_login(member_id):
    member = service.get_member(g.coop.id, member_id)  # outside perform: unknown is a 404
    form = LoginForm()
    done = perform(form, lambda: service.create_member_login(g.coop.id, member.id, form.username.data,
                                                             form.password.data),
                   url_for("members.detail", member_id=member_id),
                   lambda user: _("%(name)s can now log in as %(username)s.", name=member.name,
                                  username=user.username))
    if done is not None:
        return done
    return form_page("members/login.html", form=form, member=member)


@bp.route("/settings", methods=["GET", "POST"])
@require_role(MANAGER)
def settings():
    form = NumberPatternForm(data={"pattern": g.coop.member_number_pattern})
    done = perform(form, lambda: service.set_member_number_pattern(g.coop, form.pattern.data),
                   url_for("members.settings"), _("New members will be numbered by the new pattern."))
    if done is not None:
        return done
    sample = service.format_member_number(g.coop.member_number_pattern, g.coop, 1, local_today(g.coop))
    return form_page("members/settings.html", form=form, sample=sample)
