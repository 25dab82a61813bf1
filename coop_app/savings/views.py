"""The savings pages: products, accounts and their passbooks, deposits and withdrawals with
their receipts, and wajib arrears (the month-end run is in monthend_views).

Each view parses its form, calls one service function, then commits and redirects, or rolls
back and shows the service's message (status 422). Nothing here decides a business rule.
"""
from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MANAGER, MEMBER
from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.registry import Panel
from coop_app.web.fields import choices
from coop_app.ledger.service import cash_accounts
from coop_app.members.models import Member
from coop_app.money import format_money
from coop_app.pdf import pdf_response
from coop_app.savings import arrears as wajib_arrears
from coop_app.savings import opening, products as product_service, receipts
from coop_app.savings import movements as service
from coop_app.savings.forms import (METHOD_LABELS, PERIOD_LABELS, ArrearsFilterForm,
                                    CollectWajibForm, MovementForm, OpenAccountForm, ProductForm,
                                    kind_label)
from coop_app.savings.models import BERJANGKA, SavingsAccount, SavingsTransaction

bp = coop_blueprint("savings", __name__, "/savings")

REFUSED = 422  # a form sent back with what was wrong: nothing was written


@bp.context_processor
def savings_helpers():
    return {"kind_label": kind_label, "method_labels": METHOD_LABELS, "period_labels": PERIOD_LABELS,
            "passbook_label": passbook_label, "percent": percent}


def percent(basis_points):
    """350 -> "3,5" (id) or "3.5" (en)."""
    return format_decimal(Decimal(basis_points or 0) / 100)


def passbook_label(kind):
    labels = {"deposit": _("Deposit"), "withdrawal": _("Withdrawal"), "reversal": _("Reversal"),
              "interest": _("Interest"), "profit_share": _("Profit share"), "bonus": _("Wadiah bonus")}
    return labels.get(kind, kind)



def _member_panel(cooperative_id, member):
    return {"accounts": service.member_accounts(cooperative_id, member.id)}


# The member page's savings accounts (the registry's member_panels).
MEMBER_PANEL = Panel("savings", "savings/_member_panel.html", _member_panel)

# -- helpers -------------------------------------------------------------------------------

class Pages:
    """What macros/tables.html's pager needs, for lists that count their own rows."""

    def __init__(self, page, per_page, total):
        self.page, self.total = page, total
        self.pages = max(1, -(-total // per_page))
        self.has_prev, self.prev_num = page > 1, page - 1
        self.has_next, self.next_num = page < self.pages, page + 1


MAX_PAGE = 100000


def row_id(text):
    """type= of a row id in a query string: past the integers it is absent, like any non-number."""
    number = int(text)
    if not 1 <= number <= 2147483647:
        raise ValueError(text)
    return number


def page_arg():
    """The ?page= of a list, within bounds (a huge page would overflow SQLite's OFFSET)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _or_404(function, *args):
    try:
        return function(*args)
    except NotFound:
        abort(404)


def _refused(error, form=None):
    """A service said no: undo whatever was flushed and tell the user why, next to the
    field it is about when there is one."""
    db.session.rollback()
    field = getattr(form, getattr(error, "field", None) or "", None) if form is not None else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [str(error)]
    else:
        flash(str(error), "danger")


def _status(form):
    return REFUSED if request.method == "POST" else 200


def _money_choices(form_field):
    form_field.choices = choices((a.id, f"{a.code} · {a.display_name(str(get_locale()))}")
                                 for a in cash_accounts(g.coop.id))


def _visible_account(account_id):
    """The account if the user may see it: staff and auditors of the cooperative, or the
    member it belongs to. Anyone else gets 404, as if it did not exist."""
    account = _or_404(service.get_account, g.coop.id, account_id)
    if not has_role(*READERS) and account.member_id != service.member_id_of_user(g.coop.id, current_user.id):
        abort(404)
    return account


def _posted(entry, account_id, message):
    """Commit a posted entry and go to the account with its receipt; a replayed submission
    posted nothing new."""
    entry_id = entry.id
    if entry.replayed:
        db.session.rollback()
        flash(_("This was already recorded as entry #%(id)s; nothing new was posted.", id=entry_id), "info")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("savings.account", account_id=account_id, receipt=entry_id))


# -- products ------------------------------------------------------------------------------

@bp.route("/products")
@require_role(*READERS)
def products():
    return render_template("savings/products.html",
                           summaries=product_service.product_summaries(g.coop.id))


def _product_form(product=None):
    form = ProductForm()
    if product is None:
        form.kind.choices = choices((k, kind_label(k)) for k in product_service.kinds_for(g.coop))
    else:
        del form.code
        del form.kind
    return form


def _product_data(form, product=None):
    return product_service.ProductData(
        code=product.code if product else form.code.data, name=form.name.data,
        kind=product.kind if product else form.kind.data, fixed_amount=form.fixed_amount.data,
        period_months=form.period_months.data, interest_rate_bp=form.interest_rate.data or 0,
        interest_method=form.interest_method.data, nisbah_member_pct=form.nisbah_member_pct.data,
        min_balance=form.min_balance.data, min_opening=form.min_opening.data,
        term_months=form.term_months.data, early_withdrawal_allowed=form.early_withdrawal_allowed.data,
        early_withdrawal_penalty_bp=form.early_withdrawal_penalty.data or 0,
        mandatory=form.mandatory.data, active=form.active.data)


@bp.route("/products/new", methods=["GET", "POST"])
@require_role(MANAGER)
def new_product():
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = product_service.create_product(g.coop, _product_data(form))
        except DomainError as error:
            _refused(error, form)
        else:
            code = product.code
            db.session.commit()
            flash(_("Product %(code)s was created.", code=code), "success")
            return redirect(url_for("savings.products"))
    return render_template("savings/product_form.html", form=form, product=None), _status(form)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@require_role(MANAGER)
def edit_product(product_id):
    product = _or_404(product_service.get_product, g.coop.id, product_id)
    if request.method == "GET":
        data = product_service.product_data(product)
        form = ProductForm(obj=data)
        form.interest_rate.data = data.interest_rate_bp
        form.early_withdrawal_penalty.data = data.early_withdrawal_penalty_bp
        del form.code
        del form.kind
    else:
        form = _product_form(product)
    if form.validate_on_submit():
        try:
            product_service.update_product(g.coop, product.id, _product_data(form, product))
        except DomainError as error:
            _refused(error, form)
            product = _or_404(product_service.get_product, g.coop.id, product_id)
        else:
            code = product.code
            db.session.commit()
            flash(_("Product %(code)s was saved.", code=code), "success")
            return redirect(url_for("savings.products"))
    return render_template("savings/product_form.html", form=form, product=product), _status(form)


@bp.route("/products/<int:product_id>/accounts")
@require_role(*READERS)
def product_accounts(product_id):
    product = _or_404(product_service.get_product, g.coop.id, product_id)
    query = (select(SavingsAccount, Member)
             .join(Member, Member.id == SavingsAccount.member_id)
             .where(SavingsAccount.cooperative_id == g.coop.id, SavingsAccount.product_id == product.id)
             .order_by(SavingsAccount.number))
    per_page = current_app.config["PAGE_SIZE"]
    page = page_arg()
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar()
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return render_template("savings/product_accounts.html", product=product, rows=rows,
                           pagination=Pages(page, per_page, total))


# -- accounts --------------------------------------------------------------------------------

@bp.route("/accounts/new", methods=["GET", "POST"])
@require_role(*STAFF)
def open_account():
    form = OpenAccountForm()
    form.product.choices = choices((p.id, f"{p.code} · {p.name}") for p in product_service.products(g.coop.id))
    _money_choices(form.money_account)
    member_id = request.args.get("member_id", type=row_id)
    if request.method == "GET" and member_id:
        member = _or_404(service.get_member, g.coop.id, member_id)
        form.member_number.data = member.member_number
    if form.validate_on_submit():
        try:
            member = service.member_by_number(g.coop.id, form.member_number.data)
            account, entry = opening.open_account_with_deposit(
                g.coop.id, member.id, form.product.data, form.opened_on.data, form.amount.data,
                form.money_account.data, form.key.data, created_by=current_user.id)
        except DomainError as error:
            _refused(error, form)
        else:
            return _posted(entry, account.id, _("Account %(number)s was opened.", number=account.number))
    return render_template("savings/open_account.html", form=form), _status(form)


@bp.route("/accounts/<int:account_id>")
@require_role(*READERS, MEMBER)
def account(account_id):
    account = _visible_account(account_id)
    member = service.get_member(g.coop.id, account.member_id)
    passbook = db.paginate(
        select(SavingsTransaction).where(SavingsTransaction.cooperative_id == g.coop.id,
                                         SavingsTransaction.account_id == account.id)
        # In the order recorded, as a printed passbook: each line's balance follows the one before.
        .order_by(SavingsTransaction.id.desc()),
        page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    today = date.today()
    return render_template(
        "savings/account.html", account=account, member=member, passbook=passbook,
        available=service.available_to_withdraw(account, today), matured=service.matured(account, today),
        receipt_id=request.args.get("receipt", type=row_id), staff=has_role(*STAFF))


def _movement(account_id, withdrawal):
    account = _or_404(service.get_account, g.coop.id, account_id)
    member = service.get_member(g.coop.id, account.member_id)
    form = MovementForm()
    _money_choices(form.money_account)
    form.money_account.label.text = _("Paid from") if withdrawal else _("Received into")
    if form.validate_on_submit():
        operation = service.withdraw if withdrawal else service.deposit
        try:
            entry = operation(g.coop.id, account.id, form.amount.data, form.entry_date.data,
                              form.money_account.data, form.key.data, created_by=current_user.id,
                              memo=(form.memo.data or "").strip() or None)
        except DomainError as error:
            _refused(error, form)
            account = _or_404(service.get_account, g.coop.id, account_id)
        else:
            message = (_("The withdrawal was recorded as entry #%(id)s.", id=entry.id) if withdrawal
                       else _("The deposit was recorded as entry #%(id)s.", id=entry.id))
            return _posted(entry, account.id, message)
    today = date.today()
    early_penalty = None
    if withdrawal and account.product.kind == BERJANGKA and not service.matured(account, today) \
            and account.product.early_withdrawal_allowed:
        early_penalty = service.early_withdrawal_penalty(account, account.balance)
    return render_template("savings/movement.html", form=form, account=account, member=member,
                           withdrawal=withdrawal, early_penalty=early_penalty,
                           available=service.available_to_withdraw(account, today)), _status(form)


@bp.route("/accounts/<int:account_id>/deposit", methods=["GET", "POST"])
@require_role(*STAFF)
def deposit(account_id):
    return _movement(account_id, withdrawal=False)


@bp.route("/accounts/<int:account_id>/withdraw", methods=["GET", "POST"])
@require_role(*STAFF)
def withdraw(account_id):
    return _movement(account_id, withdrawal=True)


@bp.route("/receipts/<int:entry_id>.pdf")
@require_role(*READERS, MEMBER)
def receipt(entry_id):
    found = _or_404(receipts.get_receipt, g.coop.id, entry_id)
    if not has_role(*READERS) and not receipts.member_may_see(
            found, service.member_id_of_user(g.coop.id, current_user.id)):
        abort(404)
    return pdf_response("receipt.html", f"kuitansi-{found.entry.id}.pdf", **receipt_context(found))


def receipt_context(found):
    """What templates/pdf/receipt.html needs; the document is in Indonesian whatever the
    reader's language, so its amounts and dates are too."""
    return {"receipt": found, "rp": lambda amount: format_money(amount, "id"),
            "tanggal": lambda day: babel_format_date(day, "d MMMM yyyy", locale="id"),
            "printed_on": date.today()}


# -- wajib arrears ---------------------------------------------------------------------------

@bp.route("/arrears")
@require_role(*READERS)
def arrears():
    form = ArrearsFilterForm(formdata=request.args)
    as_of = date.today()
    if form.validate() and form.as_of.data:
        as_of = form.as_of.data
    elif form.as_of.errors:
        flash(_("%(label)s: %(error)s The filter was ignored.", label=form.as_of.label.text,
                error=form.as_of.errors[0]), "warning")
    form.as_of.data = as_of
    per_page = current_app.config["PAGE_SIZE"]
    page = page_arg()
    rows, count, total = wajib_arrears.arrears_list(g.coop.id, as_of, page, per_page)
    return render_template("savings/arrears.html", form=form, rows=rows, count=count, total=total,
                           as_of=as_of, pagination=Pages(page, per_page, count))


@bp.route("/arrears/<int:member_id>/collect", methods=["GET", "POST"])
@require_role(*STAFF)
def collect_wajib(member_id):
    member = _or_404(service.get_member, g.coop.id, member_id)
    form = CollectWajibForm()
    _money_choices(form.money_account)
    if form.validate_on_submit():
        try:
            entry = wajib_arrears.collect_wajib(g.coop.id, member.id, form.entry_date.data,
                                                form.money_account.data, form.key.data,
                                                created_by=current_user.id)
        except DomainError as error:
            _refused(error, form)
            member = _or_404(service.get_member, g.coop.id, member_id)
        else:
            account_id = next(ln.savings_account_id for ln in entry.lines if ln.savings_account_id)
            return _posted(entry, account_id, _("The wajib in arrears was collected as entry #%(id)s.",
                                                id=entry.id))
    as_of = form.entry_date.data if isinstance(form.entry_date.data, date) else date.today()
    standing = wajib_arrears.member_arrears(g.coop.id, member.id, min(as_of, date.today()),
                                            payable=True)
    return render_template("savings/collect_wajib.html", form=form, member=member,
                           standing=standing), _status(form)
