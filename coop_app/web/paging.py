"""Lists a page at a time: the ?page= argument within bounds and the pager of the tables
macro (templates/macros/tables.html)."""
from flask import current_app, request

from coop_app.extensions import db

# A page past this is refused as no page at all: a huge number would overflow the OFFSET
# (SQLite's is a 64-bit integer; PostgreSQL's bigint) and answer a 500.
MAX_PAGE = 100_000


def page_arg():
    """The ?page= of a list: 1 when missing or not a number, within 1 and MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def paginate(query, per_page=None):
    """Flask-SQLAlchemy's pager over `query`, at the capped page; a page past the end is empty."""
    return db.paginate(query, page=page_arg(), per_page=per_page or current_app.config["PAGE_SIZE"],
                       error_out=False)


class Pages:
    """What the pager needs, for queries and reports that count their own rows."""

    def __init__(self, page, per_page, total):
        self.page = page
        self.total = total
        self.pages = max(1, -(-total // per_page))
        self.has_prev, self.prev_num = page > 1, page - 1
        self.has_next, self.next_num = page < self.pages, page + 1
