"""The top bar's search (/c/<code>/search?q=): results grouped by kind, each a link to its
page; one exact hit (a member number, a loan number, an entry number, a reference...) goes
straight to it. Staff and auditors search the cooperative; a member finds only their own
things, linked to their own pages. The queries are in main/search.py."""
from flask import current_app, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from coop_app.auth.access import READERS, has_role, require_role
from coop_app.auth.models import MEMBER
from coop_app.extensions import db
from coop_app.ledger.labels import kind_label
from coop_app.loans.forms import STATUS_LABELS as LOAN_STATUS_LABELS
from coop_app.main.search import KINDS, Scope, clean_text, exact_hits, kind_query
from coop_app.main.views import coop_bp
from coop_app.members.forms import STATUS_LABELS as MEMBER_STATUS_LABELS
from coop_app.members.models import Member
from coop_app.web import Pages, page_arg
from coop_app.web.fields import label

PREVIEW = 5  # rows of each kind on the grouped page


def _scope():
    """The cooperative's things for staff and auditors; a member's own things only (a member
    user with no member record finds nothing)."""
    if has_role(*READERS):
        return Scope(g.coop.id)
    member_id = db.session.execute(select(Member.id).where(
        Member.cooperative_id == g.coop.id, Member.user_id == current_user.id)).scalar_one_or_none()
    return Scope(g.coop.id, member_id if member_id is not None else -1)


def link(kind, row):
    """The page of a hit: the staff pages for staff, the member's own pages for a member."""
    staff = has_role(*READERS)
    if kind == "members":
        return url_for("members.detail", member_id=row.id)
    if kind == "loans":
        return url_for("loans.detail" if staff else "loan_portal.detail", loan_id=row[0].id)
    if kind == "entries":
        return url_for("ledger.entry" if staff else "portal.entry", entry_id=row.id)
    return url_for("remittances.detail" if staff else "portal.remittance", remittance_id=row[0].id)


def _rows(query, limit, offset=0):
    rows = db.session.execute(query.limit(limit).offset(offset)).all()
    return [row[0] if len(row) == 1 else tuple(row) for row in rows]


def _count(query):
    return db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar()


@coop_bp.route("/search")
@require_role(*READERS, MEMBER)
def search():
    text = clean_text(request.args.get("q"))
    kind = request.args.get("kind")
    kind = kind if kind in KINDS else None
    scope = _scope()
    groups, pagination = [], None
    if text:
        if kind is None:
            hits = exact_hits(scope, text)
            if len(hits) == 1:
                return redirect(link(*hits[0]))
        if kind is None:
            for each in KINDS:
                query = kind_query(scope, each, text)
                rows = _rows(query, PREVIEW + 1)
                total = len(rows) if len(rows) <= PREVIEW else _count(query)
                groups.append((each, rows[:PREVIEW], total))
            found = [(each, rows) for each, rows, total in groups if total]
            if len(found) == 1 and sum(total for _k, _r, total in groups) == 1:
                return redirect(link(found[0][0], found[0][1][0]))
        else:
            query = kind_query(scope, kind, text)
            page, per_page = page_arg(), current_app.config["PAGE_SIZE"]
            total = _count(query)
            groups.append((kind, _rows(query, per_page, (page - 1) * per_page), total))
            pagination = Pages(page, per_page, total)
    return render_template("main/search.html", text=text, kind=kind, groups=groups,
                           pagination=pagination, link=link, kind_label=kind_label,
                           preview=PREVIEW,
                           member_status=lambda value: label(MEMBER_STATUS_LABELS, value),
                           loan_status=lambda value: label(LOAN_STATUS_LABELS, value))
