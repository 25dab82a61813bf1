"""The member's own loans (/c/<code>/me/loans/): the list, a loan with its schedule, next due
and arrears, its payments and receipts, the agreement, and the simulation.

Only the member role reaches these pages, and every loan is looked up from the member whose
user is logged in: the id of another member's loan is 404, page or PDF.
"""
from flask import abort, g, render_template
from flask_login import current_user

from coop_app.auth.access import coop_blueprint, require_role
from coop_app.auth.models import MEMBER
from coop_app.errors import NotFound
from coop_app.savings.passbook import member_for_user
from coop_app.loans import documents, queries
from coop_app.loans.product_views import render_simulation
from coop_app.loans.views import loan_context, loan_helpers

bp = coop_blueprint("loan_portal", __name__, "/me/loans")
bp.context_processor(loan_helpers)


def _own_member():
    member = member_for_user(g.coop.id, current_user.id)
    if member is None:
        abort(404)
    return member


def _own_loan(loan_id):
    """The loan if it is the logged-in member's; anyone else's does not exist here."""
    member = _own_member()
    try:
        loan = queries.get_loan(g.coop.id, loan_id)
    except NotFound:
        abort(404)
    if loan.member_id != member.id:
        abort(404)
    return loan


@bp.route("/")
@require_role(MEMBER)
def index():
    member = _own_member()
    loans = queries.member_loans(g.coop.id, member.id)
    return render_template("loans/portal_index.html", member=member, loans=loans,
                           deferred=queries.deferred_margins(g.coop.id, loans))


@bp.route("/<int:loan_id>")
@require_role(MEMBER)
def detail(loan_id):
    loan = _own_loan(loan_id)
    return render_template("loans/portal_detail.html", **loan_context(loan, staff=False))


@bp.route("/<int:loan_id>/agreement.pdf")
@require_role(MEMBER)
def agreement(loan_id):
    return documents.agreement_pdf(_own_loan(loan_id))


@bp.route("/<int:loan_id>/schedule.pdf")
@require_role(MEMBER)
def schedule_document(loan_id):
    return documents.schedule_pdf(_own_loan(loan_id))


@bp.route("/<int:loan_id>/payments/<int:payment_id>/receipt.pdf")
@require_role(MEMBER)
def receipt(loan_id, payment_id):
    loan = _own_loan(loan_id)
    try:
        payment = documents.get_payment(loan, payment_id)
    except NotFound:
        abort(404)
    return documents.receipt_pdf(loan, payment)


@bp.route("/simulate")
@require_role(MEMBER)
def simulate():
    return render_simulation("loans/simulate.html", staff=False)
