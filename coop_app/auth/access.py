"""The one access check. Every page, API call and PDF goes through require_role.

Views under /c/<coop_code>/ get the cooperative loaded into g.coop and the current user's
roles there into g.roles; a user with no role in it gets 404 (it does not exist for them),
a user whose role is not allowed gets 403.
"""
from functools import wraps

from flask import Blueprint, abort, g
from flask_login import current_user, login_required
from sqlalchemy import and_, or_, select, true

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.auth.models import ADMIN, AUDITOR, COOPERATIVE_ROLES, MANAGER, PENDAMPING, TREASURER

STAFF = (TREASURER, MANAGER)
READERS = (TREASURER, MANAGER, AUDITOR)
# Who records the programme's data of a cooperative (households, surveys, enterprise reports,
# trainings): its staff and its village facilitator.
PROGRAMME_STAFF = (TREASURER, MANAGER, PENDAMPING)


def roles_in(user, cooperative):
    if not user.is_authenticated or cooperative is None:
        return frozenset()
    return frozenset(grant.role for grant in user.grants if grant.covers(cooperative))


def accessible_cooperatives_query(user):
    """A select of the cooperatives `user` holds any role in (scoped in SQL, not Python)."""
    conditions = []
    coop_ids = [grant.cooperative_id for grant in user.grants if grant.role in COOPERATIVE_ROLES]
    if coop_ids:
        conditions.append(Cooperative.id.in_(coop_ids))
    for grant in user.grants:
        if grant.role != AUDITOR:
            continue
        parts = [true()]
        if grant.scope_province:  # codes of the official list, as the cooperative's
            parts.append(Cooperative.province_code == grant.scope_province)
        if grant.scope_kabupaten:
            parts.append(Cooperative.kabupaten_code == grant.scope_kabupaten)
        conditions.append(and_(*parts))
    query = select(Cooperative).order_by(Cooperative.province, Cooperative.kabupaten, Cooperative.name)
    if not conditions:
        return query.where(Cooperative.id.is_(None))
    return query.where(or_(*conditions))


def load_cooperative(code):
    """Load the cooperative of a /c/<coop_code>/ URL into g, or 404 if the user has no role there."""
    coop = db.session.execute(select(Cooperative).where(Cooperative.code == code)).scalar_one_or_none()
    roles = roles_in(current_user, coop)
    if coop is None or not roles:
        abort(404)
    g.coop = coop
    g.roles = roles


def require_role(*allowed):
    """Allow the view to users holding one of `allowed` in the URL's cooperative.

    On a view outside /c/<coop_code>/, only `admin` can be allowed (admin pages).
    """
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            code = g.get("coop_code")
            if code is None:
                if ADMIN in allowed and current_user.is_admin:
                    return view(*args, **kwargs)
                abort(403)
            load_cooperative(code)
            if not set(g.roles) & set(allowed):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def coop_blueprint(name, import_name, suffix=""):
    """A blueprint whose URLs live under /c/<coop_code>/<suffix>.

    The code is taken off the view arguments (views read g.coop after require_role) and
    put back automatically by url_for while a cooperative is loaded.
    """
    bp = Blueprint(name, import_name, url_prefix=f"/c/<coop_code>{suffix}")

    @bp.url_value_preprocessor
    def pull_code(endpoint, values):
        g.coop_code = values.pop("coop_code", None) if values else None

    @bp.url_defaults
    def add_code(endpoint, values):
        if "coop_code" not in values and g.get("coop") is not None:
            values["coop_code"] = g.coop.code

    return bp


def has_role(*wanted):
    return bool(set(g.get("roles", ())) & set(wanted))
