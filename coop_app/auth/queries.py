"""Read-only selects over users and their roles for the administrator: the users who hold no
role at all (they can log in and see nothing) and the cooperatives where no treasurer or
manager holds a role (nobody can work in them). The admin lists filter by them and the admin's home page
counts them."""
from sqlalchemy import exists, select

from coop_app.auth.models import MANAGER, TREASURER, RoleGrant, User
from coop_app.cooperatives.models import Cooperative


def without_roles_condition():
    """A clause over User: no role grant of any kind."""
    return ~exists().where(RoleGrant.user_id == User.id)


def without_users_condition():
    """A clause over Cooperative: no user is its treasurer or manager."""
    return ~exists().where(RoleGrant.cooperative_id == Cooperative.id,
                           RoleGrant.role.in_((TREASURER, MANAGER)))


def users_without_roles_query():
    return select(User).where(without_roles_condition()).order_by(User.username)


def cooperatives_without_users_query():
    return select(Cooperative).where(without_users_condition()).order_by(Cooperative.code)
