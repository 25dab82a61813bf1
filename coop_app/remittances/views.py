"""Remittance pages of a cooperative: the list with its totals, recording a remittance for a
member, its detail and receipt, the member's standing allocation, and the passbook and
statement of any member's savings account for staff (members use /me/...).

Each view hands its form to one service call, then commits and redirects, or rolls back and
shows the form again with the service's message: through the web kit's `perform`, except
recording, whose service answers a retried submission itself. Its lists are in
remittances/queries.py. Nothing here decides a business rule.
"""
from flask import g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import READERS, STAFF, coop_blueprint, require_role
from coop_app.registry import Panel
from coop_app.web import filter_values, paginate, perform, status_of
from coop_app.web.fields import choices
from coop_app.ledger.service import cash_accounts
from coop_app.members.service import get_member
from coop_app.formatting import format_foreign, format_rate, format_share
from coop_app.remittances import documents as remittance_documents
from coop_app.savings import documents
from coop_app.savings import passbook as portal
from coop_app.remittances import recording as remittances
from coop_app.remittances import queries as remittance_queries
from coop_app.remittances.forms import (AllocationForm, MemberSearchForm,
                                               RemittanceFilterForm, RemittanceForm, StatementForm,
                                               channel_label)

bp = coop_blueprint("remittances", __name__, "/remittances")


@bp.context_processor
def remittance_helpers():
    locale = str(get_locale())
    return {"channel_label": channel_label, "split_parts": remittances.split_parts,
            "format_rate": lambda rate: format_rate(rate, locale),
            "format_foreign": lambda amount, currency: format_foreign(amount, currency, locale),
            "format_share": lambda share: format_share(share, locale)}



def _member_panel(cooperative_id, member):
    remittances, totals = remittance_queries.member_remittances(cooperative_id, member.id)
    return {"remittances": remittances, "totals": totals}


def _migrant_panel(cooperative_id, migrant):
    count, total = remittance_queries.remittances_sent(cooperative_id, migrant.id)
    return {"count": count, "total": total}


# The remittances a member received, on the member's page; what a migrant worker sent home,
# on theirs (the registry's member_panels and migrant_panels).
MEMBER_PANEL = Panel("remittances", "remittances/_member_panel.html", _member_panel)
MIGRANT_PANEL = Panel("remittances", "remittances/_migrant_panel.html", _migrant_panel)

# -- helpers -------------------------------------------------------------------------------

def statement_period(form, account):
    """The statement period asked for, the account's whole life by default; None (with the
    form's errors set) when the dates do not make a period."""
    if not form.validate():
        return None
    default_from, default_to = portal.default_period(account)
    return form.date_from.data or default_from, form.date_to.data or default_to


def _account_choices(accounts, blank=None):
    locale = str(get_locale())
    options = [(a.id, f"{a.code} · {a.display_name(locale)}") for a in accounts]
    return choices(([("", blank)] if blank is not None else []) + options)


# -- list and detail -------------------------------------------------------------------------

@bp.route("/")
@require_role(*READERS)
def index():
    form = RemittanceFilterForm(formdata=request.args)
    filters = filter_values(form)
    args = (g.coop.id, filters["date_from"], filters["date_to"], filters["member"])
    pagination = paginate(remittance_queries.remittances_query(*args))
    return render_template("remittances/index.html", form=form, pagination=pagination,
                           totals=remittance_queries.remittance_totals(*args))


@bp.route("/<int:remittance_id>")
@require_role(*READERS)
def detail(remittance_id):
    remittance = remittance_queries.get_remittance(g.coop.id, remittance_id)
    return render_template("remittances/detail.html", remittance=remittance)


@bp.route("/<int:remittance_id>/receipt.pdf")
@require_role(*READERS)
def receipt(remittance_id):
    return remittance_documents.receipt_pdf(remittance_queries.get_remittance(g.coop.id, remittance_id))


# -- recording -----------------------------------------------------------------------------

@bp.route("/new")
@require_role(*STAFF)
def choose_member():
    form = MemberSearchForm(formdata=request.args)
    text = filter_values(form)["q"]
    found = remittance_queries.members_for_recording(g.coop.id, text) if text and text.strip() else []
    return render_template("remittances/choose_member.html", form=form, found=found,
                           searched=bool(text and text.strip()))


@bp.route("/new/<int:member_id>", methods=["GET", "POST"])
@require_role(*STAFF)
def record(member_id):
    coop_id = g.coop.id
    member = get_member(coop_id, member_id)  # before the service call: another's member is 404
    form = RemittanceForm()
    form.sender.choices = choices([("", _("Choose…"))] + [
        (m.id, f"{m.name} · {m.destination_country}")
        for m in remittance_queries.senders(coop_id, member.migrant_worker_id)])
    form.money_account.choices = _account_choices(cash_accounts(coop_id))
    if request.method == "GET" and member.migrant_worker_id:
        form.sender.data = member.migrant_worker_id
    # The service answers a retried submission key itself ("already recorded as remittance #N").
    done = perform(
        form, lambda: remittances.record_remittance(coop_id, member.id, _remittance_data(form),
                                                    form.key.data, created_by=current_user.id),
        lambda remittance: url_for("remittances.detail", remittance_id=remittance.id),
        lambda remittance: _("The remittance was recorded as #%(id)s.", id=remittance.id),
        fields={"date": "received_on"}, replayed_message=lambda remittance: _(
            "This was already recorded as remittance #%(id)s; nothing new was posted.",
            id=remittance.id))
    if done is not None:
        return done
    return render_template("remittances/record.html", form=form, member=member,
                           allocation=remittances.get_allocation(coop_id, member.id),
                           due=remittances.wajib_due(coop_id, member.id, local_today(g.coop))), status_of(form)


def _remittance_data(form):
    return remittances.RemittanceData(
        migrant_worker_id=form.sender.data, channel=form.channel.data, currency=form.currency.data,
        received_on=form.received_on.data, reference=form.reference.data,
        money_account_id=form.money_account.data, foreign_amount=form.foreign_amount.data,
        rate=form.rate.data, amount_idr=form.amount_idr.data, country=form.country.data)


# -- standing allocation ----------------------------------------------------------------------

@bp.route("/allocation/<int:member_id>", methods=["GET", "POST"])
@require_role(*STAFF)
def allocation(member_id):
    coop_id = g.coop.id
    member = get_member(coop_id, member_id)
    current = remittances.get_allocation(coop_id, member.id)
    initial = {"pay_wajib_due": True, "pay_instalment_due": True}
    if current is not None:
        initial = {"savings_account": current.savings_account_id, "savings_pct": current.savings_pct,
                   "savings_fixed": current.savings_fixed, "pay_wajib_due": current.pay_wajib_due,
                   "pay_instalment_due": current.pay_instalment_due}
    form = AllocationForm(data=initial)
    form.savings_account.choices = choices([("", _("No savings share"))] + [
        (a.id, f"{a.number} · {a.product.name}")
        for a in remittances.allocatable_accounts(coop_id, member.id)])
    done = perform(
        form, lambda: remittances.set_allocation(
            coop_id, member.id, form.savings_account.data, form.savings_pct.data,
            form.savings_fixed.data, form.pay_wajib_due.data, form.pay_instalment_due.data),
        url_for("remittances.allocation", member_id=member.id),
        _("The standing allocation of %(name)s was saved.", name=member.name))
    if done is not None:
        return done
    return render_template("remittances/allocation.html", form=form, member=member,
                           accounts=portal.accounts_of(coop_id, member.id),
                           due=remittances.wajib_due(coop_id, member.id, local_today(g.coop))), status_of(form)


# -- passbook and statement of any member's account (staff and auditors) -----------------------

def _staff_account(account_id):
    account = portal.account_for(g.coop.id, account_id)
    return account, get_member(g.coop.id, account.member_id)


@bp.route("/accounts/<int:account_id>")
@require_role(*READERS)
def account(account_id):
    account, member = _staff_account(account_id)
    return render_template("remittances/account.html", account=account, member=member,
                           form=StatementForm(formdata=None),
                           statement_endpoint="remittances.statement")


@bp.route("/accounts/<int:account_id>/passbook.pdf")
@require_role(*READERS)
def passbook(account_id):
    account, member = _staff_account(account_id)
    return documents.passbook_pdf(account, member)


@bp.route("/accounts/<int:account_id>/statement.pdf")
@require_role(*READERS)
def statement(account_id):
    account, member = _staff_account(account_id)
    form = StatementForm(formdata=request.args)
    period = statement_period(form, account)
    if period is None:
        return render_template("remittances/account.html", account=account, member=member,
                               form=form, statement_endpoint="remittances.statement"), 422
    return documents.statement_pdf(account, member, *period)
