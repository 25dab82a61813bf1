"""The operator's lists, for its pages and any other reader (a JSON API): plain arguments
in, a SQLAlchemy select out."""
from sqlalchemy import or_, select

from coop_app.auth.models import AUDITOR, RoleGrant, User
from coop_app.auth.queries import without_roles_condition, without_users_condition
from coop_app.closing.status import month_end_behind_condition
from coop_app.cooperatives import regions
from coop_app.cooperatives.models import Cooperative


def _containing(query, columns, text):
    """Narrow `query` to rows where any of `columns` contains `text` (LIKE wildcards in it
    are taken literally); no text, no narrowing."""
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return query


def cooperatives_query(text=None):
    """Every cooperative by code; with `text`, those whose code, name or kabupaten contains it."""
    return _containing(select(Cooperative).order_by(Cooperative.code),
                       (Cooperative.code, Cooperative.name, Cooperative.kabupaten), text)


def users_query(text=None):
    """Every user by username; with `text`, those whose username or full name contains it."""
    return _containing(select(User).order_by(User.username), (User.username, User.full_name), text)


def cooperatives_needing(need, text=None):
    """The cooperatives list narrowed by the admin home's task lines: `need` "staff" (no
    treasurer or manager) or "month_end" (last month's month-end has not run)."""
    query = cooperatives_query(text)
    if need == "staff":
        return query.where(without_users_condition())
    if need == "month_end":
        return query.where(month_end_behind_condition())
    return query


def users_needing(need, text=None):
    """The users list narrowed by the admin home's task line: `need` "roles" (no role)."""
    query = users_query(text)
    return query.where(without_roles_condition()) if need == "roles" else query


def unmapped_cooperatives_query():
    """The cooperatives whose desa is not a code of the official list (a region written
    before the list that migration 0011 could not map): the admin picks each one's desa."""
    return select(Cooperative).where(Cooperative.village_code.is_(None)).order_by(Cooperative.code)


def unmapped_grants_query():
    """Auditors' grants whose region is not a code of the official list (kept as written by
    migration 0011; such a grant shows no cooperative until the admin grants it again)."""
    provinces = [region.code for region in regions.provinces()]
    kabupaten = [region.code for province in provinces for region in regions.children(province)]
    return (select(RoleGrant).join(User, User.id == RoleGrant.user_id)
            .where(RoleGrant.role == AUDITOR,
                   or_(RoleGrant.scope_province.not_in(provinces), RoleGrant.scope_kabupaten.not_in(kabupaten)))
            .order_by(User.username, RoleGrant.id))
