"""The member's own view (/c/<code>/me/): their savings balances, each account's
transactions, their remittances, one transaction, and their passbook, statement and
receipt PDFs.

Only the member role reaches these pages, and every query starts from the member whose
user is the one logged in: an account, remittance or entry id that is not theirs is 404.
"""
from flask import abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from coop_app.auth.access import coop_blueprint, require_role
from coop_app.auth.models import MEMBER
from coop_app.extensions import db
from coop_app.web import Pages, page_arg, paginate
from coop_app.cooperatives.clock import local_today
from coop_app.portal.dues import member_dues
from coop_app.money import ZERO
from coop_app.remittances import recording as remittances
from coop_app.savings.kinds import passbook_label
from coop_app.remittances import queries as remittance_queries
from coop_app.remittances.forms import StatementForm, channel_label
from coop_app.remittances.views import statement_period
from coop_app.formatting import format_foreign, format_rate, format_share
from coop_app.remittances import documents as remittance_documents
from coop_app.savings import documents
from coop_app.savings import passbook as service

bp = coop_blueprint("portal", __name__, "/me")
RECENT_REMITTANCES = 5
kind_label = passbook_label  # the member's passbook lines, in the savings package's words


@bp.context_processor
def portal_helpers():
    locale = str(get_locale())
    return {"channel_label": channel_label, "kind_label": kind_label,
            "split_parts": remittances.split_parts,
            "format_rate": lambda rate: format_rate(rate, locale),
            "format_foreign": lambda amount, currency: format_foreign(amount, currency, locale),
            "format_share": lambda share: format_share(share, locale)}


def _own_member():
    """The logged-in member's record; without one, nothing of theirs can be found."""
    member = service.member_for_user(g.coop.id, current_user.id)
    if member is None:
        abort(404)
    return member


@bp.route("/")
@require_role(MEMBER)
def index():
    """The member's landing page (where a member's /c/<code>/ leads)."""
    member = service.member_for_user(g.coop.id, current_user.id)
    if member is None:
        return render_template("main/member_home.html")
    recent = db.session.execute(
        remittance_queries.remittances_query(g.coop.id, member_id=member.id).limit(RECENT_REMITTANCES)
    ).scalars().all()
    accounts = service.accounts_of(g.coop.id, member.id)
    # The helpers are passed along: at /c/<code>/ this renders outside the portal blueprint.
    return render_template("portal/home.html", member=member, accounts=accounts,
                           total_balance=sum((a.balance for a in accounts), ZERO), recent=recent,
                           dues=member_dues(g.coop.id, member.id, local_today(g.coop)),
                           totals=remittance_queries.remittance_totals(g.coop.id, member_id=member.id),
                           **portal_helpers())


# -- savings -------------------------------------------------------------------------------

def _render_account(member, account, form, status=200):
    per_page = current_app.config["PAGE_SIZE"]
    page = page_arg()
    history = service.account_lines(account, page=page, per_page=per_page, newest_first=True)
    return render_template("portal/account.html", member=member, account=account, history=history,
                           form=form, pagination=Pages(page, per_page, history.total_rows),
                           statement_endpoint="portal.statement"), status


@bp.route("/accounts/<int:account_id>")
@require_role(MEMBER)
def account(account_id):
    member = _own_member()
    account = service.account_for(g.coop.id, account_id, member_id=member.id)
    return _render_account(member, account, StatementForm(formdata=None))


@bp.route("/accounts/<int:account_id>/passbook.pdf")
@require_role(MEMBER)
def passbook(account_id):
    member = _own_member()
    account = service.account_for(g.coop.id, account_id, member_id=member.id)
    return documents.passbook_pdf(account, member)


@bp.route("/accounts/<int:account_id>/statement.pdf")
@require_role(MEMBER)
def statement(account_id):
    member = _own_member()
    account = service.account_for(g.coop.id, account_id, member_id=member.id)
    form = StatementForm(formdata=request.args)
    period = statement_period(form, account)
    if period is None:
        return _render_account(member, account, form, 422)
    return documents.statement_pdf(account, member, *period)


@bp.route("/entries/<int:entry_id>")
@require_role(MEMBER)
def entry(entry_id):
    member = _own_member()
    entry, movements, remittance = service.member_entry(g.coop.id, member.id, entry_id)
    return render_template("portal/entry.html", member=member, entry=entry, movements=movements,
                           remittance=remittance)


# -- remittances ---------------------------------------------------------------------------

@bp.route("/remittances")
@require_role(MEMBER)
def remittance_list():
    member = _own_member()
    pagination = paginate(remittance_queries.remittances_query(g.coop.id, member_id=member.id))
    return render_template("portal/remittances.html", member=member, pagination=pagination,
                           totals=remittance_queries.remittance_totals(g.coop.id, member_id=member.id))


@bp.route("/remittances/<int:remittance_id>")
@require_role(MEMBER)
def remittance(remittance_id):
    member = _own_member()
    item = remittance_queries.get_remittance(g.coop.id, remittance_id, member_id=member.id)
    return render_template("portal/remittance.html", member=member, remittance=item)


@bp.route("/remittances/<int:remittance_id>/receipt.pdf")
@require_role(MEMBER)
def receipt(remittance_id):
    member = _own_member()
    return remittance_documents.receipt_pdf(
        remittance_queries.get_remittance(g.coop.id, remittance_id, member_id=member.id))
