"""The operator's pages: cooperatives, users and their roles. No money is posted here.

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects, or rolls back and shows the form again (422) with the
service's message. The lists' queries are in admin/queries.py, paged with the kit's
`paginate`.
"""
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coop_app import provisioning
from coop_app.admin.forms import (ROLE_LABELS, CooperativeForm, EditUserForm, GrantForm,
                                  NewCooperativeForm, NewUserForm, RevokeForm)
from coop_app.admin.queries import cooperatives_query, users_query
from coop_app.auth import service as user_service
from coop_app.auth.access import require_role
from coop_app.auth.models import ADMIN, RoleGrant
from coop_app.cooperatives import service as cooperatives_service
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.web import REFUSED, paginate, perform, status_of

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.context_processor
def labels():
    return {"role_labels": ROLE_LABELS}


def _search_text():
    """The list's `q` parameter: what to look for (at most 100 characters)."""
    return (request.args.get("q") or "").strip()[:100]


# --- cooperatives ---------------------------------------------------------------------------

@bp.route("/cooperatives")
@require_role(ADMIN)
def cooperatives():
    q = _search_text()
    return render_template("admin/cooperatives.html", pagination=paginate(cooperatives_query(q)), q=q)


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new_cooperative():
    form = NewCooperativeForm()
    done = perform(form, lambda: provisioning.create_cooperative(form.code.data, form.type.data,
                                                                 **form.service_fields()),
                   url_for("admin.cooperatives"),
                   lambda coop: _("Cooperative %(code)s created with its chart of accounts.",
                                  code=coop.code))
    if done is not None:
        return done
    return render_template("admin/cooperative_form.html", form=form, edited=None), status_of(form)


@bp.route("/cooperatives/<int:coop_id>/edit", methods=["GET", "POST"])
@require_role(ADMIN)
def edit_cooperative(coop_id):
    coop = cooperatives_service.get_cooperative(coop_id)
    form = CooperativeForm(obj=coop)
    done = perform(form, lambda: cooperatives_service.update_cooperative(coop.id, **form.service_fields()),
                   url_for("admin.cooperatives"), _("Cooperative %(code)s saved.", code=coop.code))
    if done is not None:
        return done
    # `coop` is passed as `edited`: the name `coop` means "the cooperative of this URL" in base.html.
    return render_template("admin/cooperative_form.html", form=form, edited=coop), status_of(form)


# --- users and roles ------------------------------------------------------------------------

@bp.route("/users")
@require_role(ADMIN)
def users():
    q = _search_text()
    return render_template("admin/users.html", pagination=paginate(users_query(q)), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new_user():
    form = NewUserForm()
    done = perform(form, lambda: user_service.create_user(form.username.data, form.full_name.data,
                                                          form.password.data),
                   lambda user: url_for("admin.edit_user", user_id=user.id),
                   lambda user: _("User %(name)s created. Now grant them a role.", name=user.username))
    if done is not None:
        return done
    return render_template("admin/user_new.html", form=form), status_of(form)


def _cooperative_choices():
    return db.session.execute(
        select(Cooperative.id, Cooperative.code, Cooperative.name).order_by(Cooperative.code)).all()


def _grant_order(grant):
    return (grant.role, grant.cooperative.code if grant.cooperative else "",
            grant.scope_province or "", grant.scope_kabupaten or "")


def _user_page(user, form=None, grant_form=None, status=200):
    """The user's page: their details, their roles, and the form to grant another."""
    if form is None:
        form = EditUserForm(obj=user, formdata=None)
    if grant_form is None:
        grant_form = GrantForm(_cooperative_choices(), formdata=None)
    grants = sorted(user.grants, key=_grant_order)
    return render_template("admin/user_edit.html", user=user, form=form, grant_form=grant_form,
                           grants=grants), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def edit_user(user_id):
    user = user_service.get_user(user_id)
    if request.method == "GET":
        return _user_page(user)
    form = EditUserForm()
    done = perform(form, lambda: user_service.update_user(
        user.id, form.full_name.data, form.active.data, new_password=form.new_password.data or None,
        acting_user_id=current_user.id),
        url_for("admin.edit_user", user_id=user.id), _("User %(name)s saved.", name=user.username))
    if done is not None:
        return done
    return _user_page(user, form=form, status=REFUSED)


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
@require_role(ADMIN)
def grant_role(user_id):
    user = user_service.get_user(user_id)
    form = GrantForm(_cooperative_choices())
    done = perform(form, lambda: user_service.grant_role(
        user.id, form.role.data, cooperative_id=form.cooperative_id.data,
        scope_province=form.scope_province.data, scope_kabupaten=form.scope_kabupaten.data),
        url_for("admin.edit_user", user_id=user.id),
        lambda _grant: _("Role %(role)s granted to %(name)s.", role=ROLE_LABELS[form.role.data],
                         name=user.username))
    if done is not None:
        return done
    return _user_page(user, grant_form=form, status=REFUSED)


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@require_role(ADMIN)
def revoke_role(grant_id):
    grant = db.get_or_404(RoleGrant, grant_id)  # outside perform: unknown is a 404
    user = grant.user
    done = perform(RevokeForm(), lambda: user_service.revoke_role(grant.id, acting_user_id=current_user.id),
                   url_for("admin.edit_user", user_id=user.id),
                   _("Role %(role)s of %(name)s revoked.", role=ROLE_LABELS[grant.role],
                     name=user.username))
    if done is not None:
        return done
    return _user_page(user, status=REFUSED)
