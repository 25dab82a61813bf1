"""The operator's pages: cooperatives, users and their roles. No money is posted here."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from coop_app.auth import service as user_service
from coop_app.auth.access import require_role
from coop_app.auth.models import ADMIN, RoleGrant, User
from coop_app import provisioning
from coop_app.cooperatives import service as cooperatives_service
from coop_app.cooperatives.models import Cooperative
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.admin.forms import (ROLE_LABELS, CooperativeForm, EditUserForm, GrantForm,
                                  NewCooperativeForm, NewUserForm)

bp = Blueprint("admin", __name__, url_prefix="/admin")

# A submission the server refused is answered with the form again and this status.
REFUSED = 422


@bp.context_processor
def labels():
    return {"role_labels": ROLE_LABELS}


def _search(query, columns):
    """Narrow `query` to rows where any of `columns` contains the `q` parameter."""
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return query, q


def _page(query):
    return db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)


# --- cooperatives ---------------------------------------------------------------------------

@bp.route("/cooperatives")
@require_role(ADMIN)
def cooperatives():
    query, q = _search(select(Cooperative).order_by(Cooperative.code),
                       (Cooperative.code, Cooperative.name, Cooperative.kabupaten))
    return render_template("admin/cooperatives.html", pagination=_page(query), q=q)


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new_cooperative():
    form = NewCooperativeForm()
    if form.validate_on_submit():
        try:
            coop = provisioning.create_cooperative(form.code.data, form.type.data,
                                                   **form.service_fields())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Cooperative %(code)s created with its chart of accounts.", code=coop.code),
                  "success")
            return redirect(url_for("admin.cooperatives"))
    status = REFUSED if request.method == "POST" else 200
    return render_template("admin/cooperative_form.html", form=form, edited=None), status


@bp.route("/cooperatives/<int:coop_id>/edit", methods=["GET", "POST"])
@require_role(ADMIN)
def edit_cooperative(coop_id):
    coop = db.get_or_404(Cooperative, coop_id)
    form = CooperativeForm(obj=coop)
    if form.validate_on_submit():
        try:
            cooperatives_service.update_cooperative(coop.id, **form.service_fields())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Cooperative %(code)s saved.", code=coop.code), "success")
            return redirect(url_for("admin.cooperatives"))
    status = REFUSED if request.method == "POST" else 200
    # `coop` is passed as `edited`: the name `coop` means "the cooperative of this URL" in base.html.
    return render_template("admin/cooperative_form.html", form=form, edited=coop), status


# --- users and roles ------------------------------------------------------------------------

@bp.route("/users")
@require_role(ADMIN)
def users():
    query, q = _search(select(User).order_by(User.username), (User.username, User.full_name))
    return render_template("admin/users.html", pagination=_page(query), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(form.username.data, form.full_name.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("User %(name)s created. Now grant them a role.", name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    status = REFUSED if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


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
    user = db.get_or_404(User, user_id)
    if request.method == "GET":
        return _user_page(user)
    form = EditUserForm()
    if form.validate_on_submit():
        try:
            user_service.update_user(user.id, form.full_name.data, form.active.data,
                              new_password=form.new_password.data or None,
                              acting_user_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _user_page(user, form=form, status=REFUSED)


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
@require_role(ADMIN)
def grant_role(user_id):
    user = db.get_or_404(User, user_id)
    form = GrantForm(_cooperative_choices())
    if form.validate_on_submit():
        try:
            user_service.grant_role(user.id, form.role.data, cooperative_id=form.cooperative_id.data,
                             scope_province=form.scope_province.data,
                             scope_kabupaten=form.scope_kabupaten.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Role %(role)s granted to %(name)s.", role=ROLE_LABELS[form.role.data],
                     name=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _user_page(user, grant_form=form, status=REFUSED)


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@require_role(ADMIN)
def revoke_role(grant_id):
    grant = db.get_or_404(RoleGrant, grant_id)
    user = grant.user
    role_label, username = ROLE_LABELS[grant.role], user.username
    try:
        user_service.revoke_role(grant.id, acting_user_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _user_page(user, status=REFUSED)
    db.session.commit()
    flash(_("Role %(role)s of %(name)s revoked.", role=role_label, name=username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
