"""What staff do to a loan, one page and one service call each: approve or reject (a manager
who did not record the application: the service refuses otherwise), cancel, disburse,
repay, pay off at the quote shown, restructure and write off (managers), and record a
recovery after write-off.

Every form carries a submission key: posting actions (disburse, repay, pay off, recovery)
hand it to the service as the journal entry's idempotency key, and the service answers a
repeated key with the first result, from any browser; for the others a key this browser
already sent is answered with the first result. Either way a double submit acts once.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import flash, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import STAFF, require_role
from coop_app.auth.models import MANAGER
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members.service import get_member
from coop_app.formatting import format_share
from coop_app.money import format_money
from coop_app.web import confirmations, perform, status_of
from coop_app.loans import application, disbursement, history, queries, repayment, workout
from coop_app.loans.approval import RATIO_WARNING, approval_context
from coop_app.loans import models as m
from coop_app.loans.forms import (ApproveForm, DisburseForm, PayoffForm, ReasonForm, RecoveryForm,
                                  RepayForm, RestructureForm)
from coop_app.loans.views import FIELDS, bp, get_loan_or_404, savings_choices


def _render(loan, form, action, status=200, **extra):
    if action in ("approve", "reject") and loan.status == m.APPLIED:
        # The decision is taken beside the member's standing (loans/approval.py).
        extra.setdefault("standing", approval_context(loan, local_today(g.coop)))
        extra.setdefault("ratio_warning", RATIO_WARNING)
        extra.setdefault("share", lambda value: format_share(value, str(get_locale())))
    return render_template("loans/action.html", loan=loan, member=get_member(g.coop.id, loan.member_id),
                           form=form, action=action, **extra), status


def _perform(loan, form, action, call, message, receipt=False, posts_entry=False, confirm=None,
             **extra):
    """The shared shape of an action on `loan` (looked up first: a missing loan is a 404):
    the kit's perform runs `call()` once and goes back to the loan (to its receipt), or the
    form is shown again with why (422). An action that posts an entry (`posts_entry`) hands
    the form's key to the service as the entry's idempotency key, so the service answers a
    repeated key with the first result; the others are remembered in the browser's session.
    `confirm`: the money forms' second thoughts (web.confirmations.ask)."""
    loan_id = loan.id

    def back(result):
        return url_for("loans.detail", loan_id=loan_id, **({"receipt": result.id} if receipt else {}))
    again = _("This was already recorded; nothing new was done.") if posts_entry else None
    done = perform(form, call, back, message, fields=FIELDS, replayed_message=again, confirm=confirm)
    if done is not None:
        return done
    return _render(loan, form, action, status_of(form), **extra)


def _perform_with_reason(loan_id, action, decide, message):
    """Reject, cancel, write off: a date and a reason, handed to `decide` as
    (cooperative, loan, user, date, reason)."""
    loan = get_loan_or_404(loan_id)
    form = ReasonForm()
    return _perform(loan, form, action, lambda: decide(
        g.coop.id, loan_id, current_user.id, form.on.data, form.reason.data.strip()), message)


def _savings_field(form, loan):
    form.savings_account.choices = savings_choices(loan.member_id, blank="—", withdrawable=True)


def _money_source(form, name):
    """(source, savings account id): the account only when the money moves through savings."""
    source = form[name].data
    return source, form.savings_account.data if source == "savings" else None


# -- decisions -------------------------------------------------------------------------------

@bp.route("/<int:loan_id>/approve", methods=["GET", "POST"])
@require_role(MANAGER)
def approve(loan_id):
    loan = get_loan_or_404(loan_id)
    form = ApproveForm()
    return _perform(loan, form, "approve", lambda: application.approve_loan(
        g.coop.id, loan_id, current_user.id, form.on.data,
        reason=(form.reason.data or "").strip() or None), _("The loan was approved."))


@bp.route("/<int:loan_id>/reject", methods=["GET", "POST"])
@require_role(MANAGER)
def reject(loan_id):
    return _perform_with_reason(loan_id, "reject", application.reject_loan,
                                _("The application was rejected."))


@bp.route("/<int:loan_id>/cancel", methods=["GET", "POST"])
@require_role(*STAFF)
def cancel(loan_id):
    return _perform_with_reason(loan_id, "cancel", application.cancel_loan,
                                _("The loan was cancelled."))


# -- money in and out --------------------------------------------------------------------------

@bp.route("/<int:loan_id>/disburse", methods=["GET", "POST"])
@require_role(*STAFF)
def disburse(loan_id):
    loan = get_loan_or_404(loan_id)
    form = DisburseForm()
    _savings_field(form, loan)

    def call():
        to, account_id = _money_source(form, "to")
        return disbursement.disburse_loan(g.coop.id, loan_id, current_user.id, form.on.data, to=to,
                                          savings_account_id=account_id, idempotency_key=form.key.data)
    net = loan.amount - (loan.admin_fee or 0)
    return _perform(loan, form, "disburse", call, _("The loan was disbursed."), posts_entry=True,
                    confirm=lambda: confirmations.ask(
                        form, g.coop, loan.amount,
                        lambda: history.of_loan(loan, loan.amount, form.key.data), repeat=False),
                    net=net)


@bp.route("/<int:loan_id>/repay", methods=["GET", "POST"])
@require_role(*STAFF)
def repay(loan_id):
    loan = get_loan_or_404(loan_id)
    form = RepayForm()
    _savings_field(form, loan)
    if request.method == "GET" and _day(request.args.get("on")):
        form.on.data = _day(request.args.get("on"))  # the figures (and late charge) of that day

    def call():
        source, account_id = _money_source(form, "source")
        return repayment.repay_loan(g.coop.id, loan_id, form.amount.data, form.on.data,
                                    current_user.id, source=source, savings_account_id=account_id,
                                    idempotency_key=form.key.data)
    return _perform(loan, form, "repay", call, _("The repayment was recorded."), receipt=True,
                    posts_entry=True, confirm=lambda: confirmations.ask(
                        form, g.coop, form.amount.data,
                        lambda: history.of_loan(loan, form.amount.data, form.key.data)),
                    **_figures(loan, form.on.data if isinstance(form.on.data, date) else None))


def _figures(loan, on):
    """What is due and what paying off would cost on the form's date (today on first display)."""
    on = on or local_today(g.coop)
    if loan.status != m.ACTIVE:
        return {"due": None, "quote": None, "quote_on": on}
    try:
        return {"due": repayment.amount_due(loan, on), "quote": repayment.payoff_quote(loan, on),
                "quote_on": on}
    except DomainError as error:  # e.g. a date before the disbursement
        db.session.rollback()
        flash(str(error), "warning")
        return {"due": None, "quote": None, "quote_on": on}


@bp.route("/<int:loan_id>/payoff", methods=["GET", "POST"])
@require_role(*STAFF)
def payoff(loan_id):
    loan = get_loan_or_404(loan_id)
    form = PayoffForm()
    _savings_field(form, loan)
    if request.method == "GET" and _day(request.args.get("on")):
        form.on.data = _day(request.args.get("on"))
    shown_total = _decimal(form.quoted_total.data)  # the quote the person saw when submitting
    figures = _figures(loan, form.on.data if isinstance(form.on.data, date) else None)
    if figures["quote"] is not None:
        form.quoted_total.data = str(figures["quote"].total)  # the quote this page shows now

    def call():
        loan = queries.get_loan(g.coop.id, loan_id, lock=True)  # the quote and the payment agree
        quote = repayment.payoff_quote(loan, form.on.data) if loan.status == m.ACTIVE else None
        if quote is not None and shown_total != quote.total:
            raise DomainError(_("The amount to pay off on that date is %(total)s, not the amount "
                                "shown before; check it and submit again.", total=_money(quote.total)))
        source, account_id = _money_source(form, "source")
        return repayment.pay_off_loan(g.coop.id, loan_id, form.on.data, current_user.id,
                                      source=source, savings_account_id=account_id,
                                      idempotency_key=form.key.data)
    return _perform(loan, form, "payoff", call, _("The loan was paid off."), receipt=True,
                    posts_entry=True, **figures)


def _day(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _decimal(text):
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _money(amount):
    return format_money(amount, str(get_locale()))


# -- workout ------------------------------------------------------------------------------------

@bp.route("/<int:loan_id>/restructure", methods=["GET", "POST"])
@require_role(MANAGER)
def restructure(loan_id):
    loan = get_loan_or_404(loan_id)
    form = RestructureForm()
    return _perform(loan, form, "restructure", lambda: workout.restructure_loan(
        g.coop.id, loan_id, current_user.id, form.on.data, form.term.data,
        rate_bp=form.rate.data, grace=form.grace.data or 0, reason=form.reason.data.strip()),
        _("The loan was restructured; its new schedule is below."))


@bp.route("/<int:loan_id>/write-off", methods=["GET", "POST"])
@require_role(MANAGER)
def write_off(loan_id):
    return _perform_with_reason(loan_id, "write_off", workout.write_off_loan,
                                _("The loan was written off."))


@bp.route("/<int:loan_id>/recovery", methods=["GET", "POST"])
@require_role(*STAFF)
def recovery(loan_id):
    loan = get_loan_or_404(loan_id)
    form = RecoveryForm()
    return _perform(loan, form, "recovery", lambda: workout.record_recovery(
        g.coop.id, loan_id, form.amount.data, form.on.data, current_user.id,
        source=form.source.data, idempotency_key=form.key.data),
        _("The recovery was recorded."), receipt=True, posts_entry=True)
