"""The loan pages: the loan list, the application, and the loan's own page with its terms,
schedule, payments, history, entries and arrears. Products and the simulation are in
product_views.py, the actions on a loan (approve ... recovery) in action_views.py, all on
this blueprint.

Each view parses its form, calls one service function, then commits and redirects, or rolls
back and shows the service's message (status 422). Nothing here decides a business rule.
"""
from datetime import date
from decimal import Decimal

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import User
from coop_app.enterprises.service import get_enterprise, member_enterprises
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.web.fields import choices
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.web import Pages
from coop_app.members.forms import MemberSearchForm
from coop_app.members.models import Member
from coop_app.members.service import get_member, search_query
from coop_app.registry import Panel
from coop_app.savings.movements import get_account, member_accounts
from coop_app.loans import models as m
from coop_app.loans import documents, products
from coop_app.loans import application as service
from coop_app.loans.forms import (EARLY_RULE_LABELS, EVENT_LABELS, FREQUENCY_LABELS,
                                  LATE_CHARGE_LABELS, METHOD_LABELS, QUALITY_LABELS,
                                  ROUNDING_LABELS, SOURCE_LABELS, STATUS_LABELS, ApplicationForm,
                                  LoanFilterForm, label)
from coop_app.loans.models import Loan, LoanEvent, LoanPayment

bp = coop_blueprint("loans", __name__, "/loans")

REFUSED = 422  # a form sent back with what was wrong: nothing was written
MAX_PAGE = 100000
REMEMBERED_SUBMISSIONS = 20
# Service argument names -> the form fields that show their messages.
FIELDS = {"product_id": "product", "enterprise_id": "enterprise", "pledged_account_id": "pledged_account",
          "savings_account_id": "savings_account", "principal": "amount", "annual_rate": "rate",
          "rate_bp": "rate", "grace_periods": "grace", "applied_on": "applied_on", "to": "to"}


STATUS_BADGE = {m.APPLIED: "text-bg-info", m.APPROVED: "text-bg-primary", m.ACTIVE: "text-bg-success",
                m.PAID_OFF: "text-bg-secondary", m.WRITTEN_OFF: "text-bg-dark",
                m.REJECTED: "text-bg-warning", m.CANCELLED: "text-bg-light"}
QUALITY_BADGE = {m.LANCAR: "text-bg-success", m.DPK: "text-bg-info", m.KURANG_LANCAR: "text-bg-warning",
                 m.DIRAGUKAN: "text-bg-danger", m.MACET: "text-bg-dark"}


def loan_helpers():
    """Labels and formatting every loan template uses (staff pages, portal, member page)."""
    return {"method_label": lambda v: label(METHOD_LABELS, v),
            "status_label": lambda v: label(STATUS_LABELS, v),
            "quality_label": lambda v: label(QUALITY_LABELS, v),
            "frequency_label": lambda v: label(FREQUENCY_LABELS, v),
            "source_label": lambda v: label(SOURCE_LABELS, v),
            "event_label": lambda v: label(EVENT_LABELS, v),
            "late_charge_label": lambda v: label(LATE_CHARGE_LABELS, v),
            "early_rule_label": lambda v: label(EARLY_RULE_LABELS, v),
            "rounding_label": lambda v: label(ROUNDING_LABELS, v),
            "percent": percent, "STATUS_BADGE": STATUS_BADGE, "QUALITY_BADGE": QUALITY_BADGE}


bp.context_processor(loan_helpers)


def _member_panel(cooperative_id, member):
    return {"loans": service.member_loans(cooperative_id, member.id), "loan_ui": loan_helpers()}


# The member page's loans (the registry's member_panels).
MEMBER_PANEL = Panel("loans", "loans/_member_panel.html", _member_panel)


def percent(basis_points):
    """1250 -> "12,5" (id) or "12.5" (en)."""
    return format_decimal(Decimal(basis_points or 0) / 100)


# -- helpers shared by the loan views -------------------------------------------------------

def or_404(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except NotFound:
        abort(404)


def get_loan_or_404(loan_id, lock=False):
    return or_404(service.get_loan, g.coop.id, loan_id, lock=lock)


def refused(error, form=None):
    """A service said no: undo whatever was flushed and show why, next to the field it is
    about when the form has one."""
    db.session.rollback()
    name = FIELDS.get(error.field, error.field) if isinstance(error, InvalidField) else None
    if name == "date" and form is not None:  # the date field of whichever form this is
        name = next((n for n in ("on", "applied_on") if n in form), name)
    if form is not None and name and name in form and form[name].type not in ("HiddenField",
                                                                                 "SubmissionKeyField"):
        form[name].errors = list(form[name].errors) + [str(error)]
    else:
        flash(str(error), "danger")


def status_of(form):
    return REFUSED if request.method == "POST" else 200


def page_arg():
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def already_submitted(key):
    """Where a submission with this key went, if this browser already sent it: a double
    click or a refresh of a form that posts no journal entry (approval, application) is then
    answered with the first result instead of a second application or a refusal."""
    for done, url in session.get("loan_submissions", []):
        if done == key:
            return url
    return None


def remember_submission(key, url):
    done = [item for item in session.get("loan_submissions", []) if item[0] != key]
    session["loan_submissions"] = (done + [[key, url]])[-REMEMBERED_SUBMISSIONS:]


def replay(key):
    url = already_submitted(key)
    if url is None:
        return None
    flash(_("This was already recorded; nothing new was done."), "info")
    return redirect(url)


def done(key, url, message):
    """Commit what the service did, remember the submission and go to `url`."""
    db.session.commit()
    remember_submission(key, url)
    flash(message, "success")
    return redirect(url)


def savings_choices(member_id, blank=None, withdrawable=False):
    accounts = [a for a in member_accounts(g.coop.id, member_id) if a.status == "open"]
    if withdrawable:  # where money can be paid out to or taken from: not pokok, wajib, deposits
        accounts = [a for a in accounts if a.product.kind not in ("pokok", "wajib", "berjangka")]
    pairs = [(a.id, f"{a.number} · {a.product.name}") for a in accounts]
    return choices(([("", blank)] if blank else []) + pairs)


# -- the loan list -------------------------------------------------------------------------

def _product_choices(blank):
    return choices([("", blank)] + [(p.id, f"{p.code} · {p.name}")
                                    for p in products.list_products(g.coop.id, active=None)])


@bp.route("/")
@require_role(*READERS)
def index():
    form = LoanFilterForm(formdata=request.args)
    form.product.choices = _product_choices(_("All products"))
    values = {}
    form.validate()
    for field in form:
        if field.errors:
            flash(_("%(label)s: %(error)s The filter was ignored.", label=field.label.text,
                    error=field.errors[0]), "warning")
        values[field.name] = None if field.errors else field.data
    query = (select(Loan, Member).join(Member, Member.id == Loan.member_id)
             .where(Loan.cooperative_id == g.coop.id))
    if values["status"]:
        query = query.where(Loan.status == values["status"])
    if values["product"]:
        query = query.where(Loan.product_id == values["product"])
    text = (values["q"] or "").strip()
    if text:
        matching = search_query(g.coop.id, text).with_only_columns(Member.id).order_by(None)
        query = query.where(or_(Loan.member_id.in_(matching), Loan.number == text))
    per_page = current_app.config["PAGE_SIZE"]
    page = page_arg()
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar()
    rows = db.session.execute(query.order_by(Loan.applied_on.desc(), Loan.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return render_template("loans/index.html", form=form, rows=rows,
                           pagination=Pages(page, per_page, total))


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
        (p.id, f"{p.code} · {p.name} ({label(METHOD_LABELS, p.method)})")
        for p in products.list_products(g.coop.id)])
    form.enterprise.choices = choices([("", _("None"))] + [
        (e.id, e.name) for e in member_enterprises(g.coop.id, member.id) if e.active])
    form.pledged_account.choices = savings_choices(member.id, blank=_("None"))


@bp.route("/apply/<int:member_id>", methods=["GET", "POST"])
@require_role(*STAFF)
def apply(member_id):
    member = or_404(get_member, g.coop.id, member_id)
    form = ApplicationForm()
    _application_choices(form, member)
    preview = None
    status = 200
    if form.validate_on_submit():
        replayed = replay(form.key.data)
        if replayed:
            return replayed
        try:
            loan = service.apply_loan(
                g.coop.id, member.id, form.product.data, form.amount.data, form.term.data,
                form.purpose.data.strip(), form.applied_on.data, current_user.id,
                enterprise_id=form.enterprise.data, pledged_account_id=form.pledged_account.data,
                pledged_amount=form.pledged_amount.data or 0,
                collateral_description=(form.collateral_description.data or "").strip() or None,
                collateral_value=form.collateral_value.data or 0, cost_price=form.cost_price.data,
                down_payment=form.down_payment.data, margin=form.margin.data,
                goods_description=(form.goods_description.data or "").strip() or None,
                idempotency_key=form.key.data)
            if "preview" in request.form:
                preview = {"schedule": service.preview_schedule(loan), "amount": loan.amount,
                           "margin": loan.margin, "admin_fee": loan.admin_fee,
                           "method": loan.method, "rate_bp": loan.rate_bp}
                db.session.rollback()  # a preview writes nothing
        except DomainError as error:
            refused(error, form)
            status = REFUSED
        else:
            if preview is None:
                loan_id, number = loan.id, loan.number
                if loan.replayed:  # the same form sent again, from another tab or at once
                    db.session.rollback()
                    remember_submission(form.key.data, url_for("loans.detail", loan_id=loan_id))
                    return replay(form.key.data)
                return done(form.key.data, url_for("loans.detail", loan_id=loan_id),
                            _("Loan %(number)s was recorded; a manager decides on it.", number=number))
    elif request.method == "POST":
        status = REFUSED
    member = or_404(get_member, g.coop.id, member_id)
    return render_template("loans/apply.html", form=form, member=member, preview=preview), status


# -- the loan's page ---------------------------------------------------------------------------

def loan_entries(loan):
    """The journal entries of a loan: those with a line on it and those its history names."""
    on_lines = select(JournalLine.entry_id).where(JournalLine.cooperative_id == loan.cooperative_id,
                                                  JournalLine.loan_id == loan.id)
    in_history = select(LoanEvent.entry_id).where(LoanEvent.loan_id == loan.id,
                                                  LoanEvent.entry_id.is_not(None))
    return db.session.execute(
        select(JournalEntry).where(JournalEntry.cooperative_id == loan.cooperative_id,
                                   or_(JournalEntry.id.in_(on_lines), JournalEntry.id.in_(in_history)))
        .order_by(JournalEntry.entry_date, JournalEntry.id)).scalars().all()


def loan_context(loan, on=None, staff=True):
    """Everything the loan's page (staff or portal) shows."""
    on = on or date.today()
    coop_id = loan.cooperative_id
    live = loan.status == m.ACTIVE
    rows = service.installments(loan, include_superseded=True)
    events = db.session.execute(
        select(LoanEvent, User.full_name).outerjoin(User, User.id == LoanEvent.user_id)
        .where(LoanEvent.cooperative_id == coop_id, LoanEvent.loan_id == loan.id)
        .order_by(LoanEvent.event_date, LoanEvent.id)).all() if staff else []
    enterprise = None
    if loan.enterprise_id:
        enterprise = get_enterprise(coop_id, loan.enterprise_id)
    pledged = None
    if loan.pledged_account_id:
        pledged = get_account(coop_id, loan.pledged_account_id)
    return {
        "loan": loan, "member": get_member(coop_id, loan.member_id), "enterprise": enterprise,
        "pledged_account": pledged, "today": on,
        "current": [i for i in rows if not i.superseded],
        "superseded": [i for i in rows if i.superseded],
        "preview": service.preview_schedule(loan, start=on)
        if loan.status in (m.APPLIED, m.APPROVED) else None,
        "payments": db.session.execute(
            select(LoanPayment).where(LoanPayment.cooperative_id == coop_id,
                                      LoanPayment.loan_id == loan.id)
            .order_by(LoanPayment.paid_on, LoanPayment.id)).scalars().all(),
        "events": events, "entries": loan_entries(loan) if staff else [],
        "arrears": service.arrears(loan, on) if live else None,
        "next_due": service.next_due(loan, on) if live else None,
        "people": _people(loan) if staff else {},
    }


def _people(loan):
    ids = {i for i in (loan.applied_by, loan.decided_by, loan.disbursed_by) if i}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


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
    return documents.receipt_pdf(loan, or_404(documents.get_payment, loan, payment_id))


# The routes of the other loan pages live in their own modules, on this blueprint.
from coop_app.loans import action_views, product_views  # noqa: E402,F401
