"""The operator's lists, for its pages and any other reader (a JSON API): plain arguments
in, a SQLAlchemy select out."""
from sqlalchemy import or_, select

from coop_app.auth.models import User
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
