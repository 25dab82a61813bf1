"""The loan pages: the loan list, the application, and the loan's own page with its terms,
schedule, payments, history, entries and arrears. Products and the simulation are in
product_views.py, the actions on a loan (approve ... recovery) in action_views.py, all on
this blueprint.

Each view parses its form and runs one service call through the web kit's `perform`, which
commits and redirects, or rolls back and leaves the service's message on the form (status
422). The lists are queries.py's selects. Nothing here decides a business rule.
"""
from decimal import Decimal

from flask import current_app, g, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.cooperatives.clock import local_today
from coop_app.enterprises.service import get_enterprise, member_enterprises
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members.forms import MemberSearchForm
from coop_app.members.service import get_member, search_query
from coop_app.ledger.labels import kind_label
from coop_app.registry import Panel
from coop_app.savings.movements import get_account, member_accounts
from coop_app.web import Pages, filter_values, page_arg, perform, refuse, replay, status_of
from coop_app.web.fields import choices, label
from coop_app.loans import documents, methods, products, queries
from coop_app.loans import models as m
from coop_app.loans.application import ApplicationData, apply_loan
from coop_app.loans.forms import (EARLY_RULE_LABELS, EVENT_LABELS, FREQUENCY_LABELS,
                                  LATE_CHARGE_LABELS, PURPOSE_KIND_LABELS, QUALITY_LABELS,
                                  ROUNDING_LABELS, SOURCE_LABELS, STATUS_LABELS, ApplicationForm,
                                  LoanFilterForm)
from coop_app.loans.terms import preview_schedule

bp = coop_blueprint("loans", __name__, "/loans")

# Service argument names -> the form fields that show their messages (refuse's `fields`);
# "date" is the date of whichever step the form records (`on`; the application's below).
FIELDS = {"product_id": "product", "enterprise_id": "enterprise", "pledged_account_id": "pledged_account",
          "savings_account_id": "savings_account", "principal": "amount", "annual_rate": "rate",
          "rate_bp": "rate", "grace_periods": "grace", "applied_on": "applied_on", "to": "to",
          "date": "on"}
APPLICATION_FIELDS = dict(FIELDS, date="applied_on")


STATUS_BADGE = {m.APPLIED: "text-bg-info", m.APPROVED: "text-bg-primary", m.ACTIVE: "text-bg-success",
                m.PAID_OFF: "text-bg-secondary", m.WRITTEN_OFF: "text-bg-dark",
                m.REJECTED: "text-bg-warning", m.CANCELLED: "text-bg-light"}
QUALITY_BADGE = {m.LANCAR: "text-bg-success", m.DPK: "text-bg-info", m.KURANG_LANCAR: "text-bg-warning",
                 m.DIRAGUKAN: "text-bg-danger", m.MACET: "text-bg-dark"}


def loan_helpers():
    """Labels and formatting every loan template uses (staff pages, portal, member page)."""
    return {"method_label": methods.label, "method_of": methods.of,
            "status_label": lambda v: label(STATUS_LABELS, v),
            "quality_label": lambda v: label(QUALITY_LABELS, v),
            "frequency_label": lambda v: label(FREQUENCY_LABELS, v),
            "source_label": lambda v: label(SOURCE_LABELS, v),
            "event_label": lambda v: label(EVENT_LABELS, v),
            "late_charge_label": lambda v: label(LATE_CHARGE_LABELS, v),
            "early_rule_label": lambda v: label(EARLY_RULE_LABELS, v),
            "rounding_label": lambda v: label(ROUNDING_LABELS, v),
            "purpose_kind_label": lambda v: label(PURPOSE_KIND_LABELS, v),
            "entry_kind_label": kind_label,
            "percent": percent, "STATUS_BADGE": STATUS_BADGE, "QUALITY_BADGE": QUALITY_BADGE}


bp.context_processor(loan_helpers)


def _member_panel(cooperative_id, member):
    loans = queries.member_loans(cooperative_id, member.id)
    return {"loans": loans, "loan_ui": loan_helpers(),
            "deferred": queries.deferred_margins(cooperative_id, loans)}


# The member page's loans (the registry's member_panels).
MEMBER_PANEL = Panel("loans", "loans/_member_panel.html", _member_panel)


def percent(basis_points):
    """1250 -> "12,5" (id) or "12.5" (en)."""
    return format_decimal(Decimal(basis_points or 0) / 100)


# -- helpers shared by the loan views -------------------------------------------------------

def get_loan_or_404(loan_id):
    """The cooperative's loan (a NotFound is the 404 page). Look it up before a service call,
    so that a missing loan is a 404 and not a refused form."""
    return queries.get_loan(g.coop.id, loan_id)


def savings_choices(member_id, blank=None, withdrawable=False):
    accounts = [a for a in member_accounts(g.coop.id, member_id) if a.status == "open"]
    if withdrawable:  # where money can be paid out to or taken from: not pokok, wajib, deposits
        accounts = [a for a in accounts if a.product.kind not in ("pokok", "wajib", "berjangka")]
    pairs = [(a.id, f"{a.number} · {a.product.name}") for a in accounts]
    return choices(([("", blank)] if blank else []) + pairs)


def page_of_rows(query):
    """One page (?page=) of a select of several entities per row, and its pager; `paginate`
    pages selects of one entity."""
    page, per_page = page_arg(), current_app.config["PAGE_SIZE"]
    total = db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar()
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, Pages(page, per_page, total)


# -- the loan list -------------------------------------------------------------------------

def _product_choices(blank):
    return choices([("", blank)] + [(p.id, f"{p.code} · {p.name}")
                                    for p in products.list_products(g.coop.id, active=None)])


@bp.route("/")
@require_role(*READERS)
def index():
    form = LoanFilterForm(formdata=request.args)
    form.product.choices = _product_choices(_("All products"))
    values = filter_values(form)
    rows, pagination = page_of_rows(queries.loan_list(
        g.coop.id, status=values["status"], product_id=values["product"], text=values["q"],
        due=values["due"] or None, today=local_today(g.coop), purpose_kind=values["purpose_kind"] or None))
    return render_template("loans/index.html", form=form, rows=rows, pagination=pagination,
                           deferred=queries.deferred_margins(g.coop.id, [loan for loan, _m in rows]))


# -- the application -------------------------------------------------------------------------

@bp.route("/apply")
@require_role(*STAFF)
def choose_member():
    form = MemberSearchForm(formdata=request.args)
    form.validate()
    text = (form.q.data or "").strip() if not form.q.errors else ""
    found = db.session.execute(search_query(g.coop.id, text, status="active").limit(20)) \
        .scalars().all() if text else []
    return render_template("loans/choose_member.html", form=form, found=found, searched=bool(text))


def _application_choices(form, member):
    form.product.choices = choices([("", _("Choose…"))] + [
        (p.id, f"{p.code} · {p.name} ({methods.label(p.method)})")
        for p in products.list_products(g.coop.id)])
    form.enterprise.choices = choices([("", _("None"))] + [
        (e.id, e.name) for e in member_enterprises(g.coop.id, member.id) if e.active])
    form.pledged_account.choices = savings_choices(member.id, blank=_("None"))


def _application_data(form, member_id):
    return ApplicationData(
        member_id=member_id, product_id=form.product.data, amount=form.amount.data,
        term=form.term.data, purpose=form.purpose.data.strip(), purpose_kind=form.purpose_kind.data,
        applied_on=form.applied_on.data,
        enterprise_id=form.enterprise.data, pledged_account_id=form.pledged_account.data,
        pledged_amount=form.pledged_amount.data or 0,
        collateral_description=(form.collateral_description.data or "").strip() or None,
        collateral_value=form.collateral_value.data or 0, cost_price=form.cost_price.data,
        down_payment=form.down_payment.data, margin=form.margin.data,
        goods_description=(form.goods_description.data or "").strip() or None,
        stated_income=form.stated_income.data)


def _preview(loan):
    return {"schedule": preview_schedule(loan), "amount": loan.amount, "margin": loan.margin,
            "admin_fee": loan.admin_fee, "method": loan.method, "rate_bp": loan.rate_bp}


@bp.route("/apply/<int:member_id>", methods=["GET", "POST"])
@require_role(*STAFF)
def apply(member_id):
    """The application; its "preview" button shows the schedule the loan would have and
    records nothing."""
    member = get_member(g.coop.id, member_id)
    form = ApplicationForm()
    _application_choices(form, member)

    def call():
        return apply_loan(g.coop.id, _application_data(form, member_id), current_user.id,
                          idempotency_key=form.key.data)

    preview = None
    if "preview" not in request.form:
        done = perform(form, call, lambda loan: url_for("loans.detail", loan_id=loan.id),
                       lambda loan: _("Loan %(number)s was recorded; a manager decides on it.",
                                      number=loan.number), fields=APPLICATION_FIELDS)
        if done is not None:
            return done
    elif form.validate_on_submit():
        known = replay(form.key.data)
        if known is not None:
            return known
        try:
            preview = _preview(call())
        except DomainError as error:
            refuse(error, form, APPLICATION_FIELDS)
        db.session.rollback()  # a preview writes nothing
    status = 200 if preview is not None else status_of(form)
    return render_template("loans/apply.html", form=form, member=member, preview=preview), status


# -- the loan's page ---------------------------------------------------------------------------

def loan_context(loan, on=None, staff=True):
    """Everything the loan's page (staff or portal) shows."""
    on = on or local_today(g.coop)
    coop_id = loan.cooperative_id
    live = loan.status == m.ACTIVE
    rows = queries.installments(loan, include_superseded=True)
    enterprise = get_enterprise(coop_id, loan.enterprise_id) if loan.enterprise_id else None
    pledged = get_account(coop_id, loan.pledged_account_id) if loan.pledged_account_id else None
    return {
        "loan": loan, "member": get_member(coop_id, loan.member_id), "enterprise": enterprise,
        "pledged_account": pledged, "today": on,
        "current": [i for i in rows if not i.superseded],
        "superseded": [i for i in rows if i.superseded],
        "preview": preview_schedule(loan, start=on) if loan.status in (m.APPLIED, m.APPROVED) else None,
        "payments": db.session.execute(queries.loan_payments(coop_id, loan.id)).scalars().all(),
        "events": db.session.execute(queries.loan_history(coop_id, loan.id)).all() if staff else [],
        "entries": db.session.execute(queries.loan_entries(coop_id, loan.id)).scalars().all()
        if staff else [],
        "arrears": queries.arrears(loan, on) if live else None,
        "next_due": queries.next_due(loan, on) if live else None,
        "people": _people(loan) if staff else {},
        "deferred": queries.deferred_margins(coop_id, [loan]),
    }


def _people(loan):
    ids = {i for i in (loan.applied_by, loan.decided_by, loan.disbursed_by) if i}
    return dict(db.session.execute(queries.user_names(ids)).all())


@bp.route("/<int:loan_id>")
@require_role(*READERS)
def detail(loan_id):
    loan = get_loan_or_404(loan_id)
    return render_template("loans/detail.html", receipt_id=request.args.get("receipt", type=int),
                           staff=has_role(*STAFF), **loan_context(loan))


# -- documents ---------------------------------------------------------------------------------

@bp.route("/<int:loan_id>/agreement.pdf")
@require_role(*READERS)
def agreement(loan_id):
    return documents.agreement_pdf(get_loan_or_404(loan_id))


@bp.route("/<int:loan_id>/schedule.pdf")
@require_role(*READERS)
def schedule_document(loan_id):
    return documents.schedule_pdf(get_loan_or_404(loan_id))


@bp.route("/<int:loan_id>/payments/<int:payment_id>/receipt.pdf")
@require_role(*READERS)
def receipt(loan_id, payment_id):
    loan = get_loan_or_404(loan_id)
    return documents.receipt_pdf(loan, documents.get_payment(loan, payment_id))


# The routes of the other loan pages live in their own modules, on this blueprint.
from coop_app.loans import action_views, product_views  # noqa: E402,F401
