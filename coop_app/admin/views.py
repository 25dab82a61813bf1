"""The operator's pages: cooperatives, users and their roles. No money is posted here.

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects, or rolls back and shows the form again (422) with the
service's message. The lists' queries are in admin/queries.py, paged with the kit's
`paginate`.
"""
from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coop_app import provisioning
from coop_app.admin.forms import (ROLE_LABELS, CooperativeForm, EditUserForm, GrantForm,
                                  NewCooperativeForm, NewUserForm, RevokeForm)
from coop_app.admin.queries import (cooperatives_needing, unmapped_cooperatives_query,
                                    unmapped_grants_query, users_needing)
from coop_app.auth import service as user_service
from coop_app.auth.access import require_role
from coop_app.auth.models import ADMIN, RoleGrant
from coop_app.cooperatives import service as cooperatives_service
from coop_app.cooperatives import regions
from coop_app.cooperatives.clock import zone_for_province_code
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


def _need(known):
    """The list's `need` parameter (the home page's task lines link with it), if known."""
    need = request.args.get("need")
    return need if need in known else None


# --- cooperatives ---------------------------------------------------------------------------

@bp.route("/cooperatives")
@require_role(ADMIN)
def cooperatives():
    q, need = _search_text(), _need(("staff", "month_end"))
    return render_template("admin/cooperatives.html", pagination=paginate(cooperatives_needing(need, q)),
                           q=q, need=need, **_unmapped_regions())


def _unmapped_regions():
    """What the cooperatives page lists for the admin to fix: cooperatives and auditors'
    grants whose region is not (yet) a code of the official list."""
    return {"unmapped": db.session.execute(unmapped_cooperatives_query()).scalars().all(),
            "unmapped_grants": db.session.execute(unmapped_grants_query()).scalars().all()}


def _cooperative_form(form_class, coop=None):
    """The cooperative's form with its region lists filled. A GET with `refresh` is the
    lists' "Show the list" button without JavaScript: what was typed comes back from the
    query string, with the next list filled."""
    if request.method == "GET" and "refresh" in request.args:
        form = form_class(formdata=request.args, obj=coop)
    else:
        form = form_class(obj=coop)
    if (request.method == "GET" and coop is not None and "time_zone" in form and coop.province_code
            and form.time_zone.data == zone_for_province_code(coop.province_code)):
        form.time_zone.data = ""  # "from the province": it follows a move to another one
    form.fill_region_choices()
    return form


@bp.route("/regions")
@require_role(ADMIN)
def region_children():
    """The regions directly under `?parent=` (the provinces without it), as JSON, for the
    forms' script (static/js/regions.js); an unknown parent has none."""
    parent = request.args.get("parent") or None
    return jsonify([{"code": r.code, "name": r.name} for r in regions.children(parent)])


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new_cooperative():
    form = _cooperative_form(NewCooperativeForm)
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
    form = _cooperative_form(CooperativeForm, coop)
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
    q, need = _search_text(), _need(("roles",))
    return render_template("admin/users.html", pagination=paginate(users_needing(need, q)), q=q,
                           need=need)


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
