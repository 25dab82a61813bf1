"""The savings pages: products, accounts and their passbooks, deposits and withdrawals with
their receipts, and wajib arrears (the month-end page, on this blueprint, is in
closing/views.py).

Each view runs its form through the web kit's `perform`: one service call, then a commit and
a redirect, or a rollback and the form again with the service's message (status 422). Its
lists are in savings/queries.py. Nothing here decides a business rule.
"""
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from babel.dates import format_date as babel_format_date
from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from coop_app.cooperatives.service import today_of
from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MANAGER, MEMBER
from coop_app.extensions import db
from coop_app.registry import Panel
from coop_app.web import Pages, confirmations, filter_values, page_arg, paginate, perform, status_of
from coop_app.web.fields import choices
from coop_app.ledger import history
from coop_app.ledger.service import cash_accounts
from coop_app.money import format_money
from coop_app.pdf import pdf_response
from coop_app.savings import arrears as wajib_arrears
from coop_app.savings import opening, products as product_service, queries, receipts
from coop_app.savings import movements as service
from coop_app.savings.kinds import passbook_label
from coop_app.savings.forms import (METHOD_LABELS, PERIOD_LABELS, ArrearsFilterForm,
                                    CollectWajibForm, MovementForm, OpenAccountForm, ProductForm,
                                    kind_label)
from coop_app.savings.models import BERJANGKA, SavingsAccount

bp = coop_blueprint("savings", __name__, "/savings")


@bp.context_processor
def savings_helpers():
    return {"kind_label": kind_label, "method_labels": METHOD_LABELS, "period_labels": PERIOD_LABELS,
            "passbook_label": passbook_label, "percent": percent}


def percent(basis_points):
    """350 -> "3,5" (id) or "3.5" (en)."""
    return format_decimal(Decimal(basis_points or 0) / 100)




def _member_panel(cooperative_id, member):
    return {"accounts": service.member_accounts(cooperative_id, member.id)}


# The member page's savings accounts (the registry's member_panels).
MEMBER_PANEL = Panel("savings", "savings/_member_panel.html", _member_panel)

# -- helpers -------------------------------------------------------------------------------

def row_id(text):
    """type= of a row id in a query string: past the integers it is absent, like any non-number."""
    number = int(text)
    if not 1 <= number <= 2147483647:
        raise ValueError(text)
    return number


def _money_choices(form_field):
    form_field.choices = choices((a.id, f"{a.code} · {a.display_name(str(get_locale()))}")
                                 for a in cash_accounts(g.coop.id))


def _visible_account(account_id):
    """The account if the user may see it: staff and auditors of the cooperative, or the
    member it belongs to. Anyone else gets 404, as if it did not exist."""
    account = service.get_account(g.coop.id, account_id)
    if not has_role(*READERS) and account.member_id != service.member_id_of_user(g.coop.id, current_user.id):
        abort(404)
    return account


def _receipt(entry, account_id):
    """Where a posting goes: the account, with the entry's receipt."""
    return url_for("savings.account", account_id=account_id, receipt=entry.id)


def _already_posted(entry):
    """perform's replayed_message: the submission key was posted before, as this entry."""
    return _("This was already recorded as entry #%(id)s; nothing new was posted.", id=entry.id)


class Opened(NamedTuple):
    """An account opened with its deposit; `replayed` as its entry (for perform)."""
    account: SavingsAccount
    entry: object

    @property
    def replayed(self):
        return self.entry.replayed


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
    done = perform(form, lambda: product_service.create_product(g.coop, _product_data(form)),
                   url_for("savings.products"),
                   lambda product: _("Product %(code)s was created.", code=product.code))
    if done is not None:
        return done
    return render_template("savings/product_form.html", form=form, product=None), status_of(form)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@require_role(MANAGER)
def edit_product(product_id):
    product = product_service.get_product(g.coop.id, product_id)
    if request.method == "GET":
        data = product_service.product_data(product)
        form = ProductForm(obj=data)
        form.interest_rate.data = data.interest_rate_bp
        form.early_withdrawal_penalty.data = data.early_withdrawal_penalty_bp
        del form.code
        del form.kind
    else:
        form = _product_form(product)
    done = perform(form, lambda: product_service.update_product(g.coop, product.id,
                                                                _product_data(form, product)),
                   url_for("savings.products"),
                   lambda saved: _("Product %(code)s was saved.", code=saved.code))
    if done is not None:
        return done
    return render_template("savings/product_form.html", form=form, product=product), status_of(form)


@bp.route("/products/<int:product_id>/accounts")
@require_role(*READERS)
def product_accounts(product_id):
    product = product_service.get_product(g.coop.id, product_id)
    # (account, member) rows: counted and cut here, as Flask-SQLAlchemy's pager keeps one entity.
    query = queries.product_accounts(g.coop.id, product.id)
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
        member = service.get_member(g.coop.id, member_id)
        form.member_number.data = member.member_number

    def open_with_deposit():
        member = service.member_by_number(g.coop.id, form.member_number.data)
        return Opened(*opening.open_account_with_deposit(
            g.coop.id, member.id, form.product.data, form.opened_on.data, form.amount.data,
            form.money_account.data, form.key.data, created_by=current_user.id))

    done = perform(form, open_with_deposit,
                   lambda opened: _receipt(opened.entry, opened.account.id),
                   lambda opened: _("Account %(number)s was opened.", number=opened.account.number),
                   fields={"date": "opened_on"}, replayed_message=lambda opened: _already_posted(opened.entry))
    if done is not None:
        return done
    return render_template("savings/open_account.html", form=form), status_of(form)


@bp.route("/accounts/<int:account_id>")
@require_role(*READERS, MEMBER)
def account(account_id):
    account = _visible_account(account_id)
    member = service.get_member(g.coop.id, account.member_id)
    passbook = paginate(queries.passbook_lines(g.coop.id, account.id))
    today = local_today(g.coop)
    return render_template(
        "savings/account.html", account=account, member=member, passbook=passbook,
        available=service.available_to_withdraw(account, today), matured=service.matured(account, today),
        receipt_id=request.args.get("receipt", type=row_id), staff=has_role(*STAFF))


def _movement(account_id, withdrawal):
    account = service.get_account(g.coop.id, account_id)
    member = service.get_member(g.coop.id, account.member_id)
    form = MovementForm()
    _money_choices(form.money_account)
    form.money_account.label.text = _("Paid from") if withdrawal else _("Received into")
    operation = service.withdraw if withdrawal else service.deposit
    done = perform(
        form, lambda: operation(g.coop.id, account.id, form.amount.data, form.entry_date.data,
                                form.money_account.data, form.key.data, created_by=current_user.id,
                                memo=(form.memo.data or "").strip() or None),
        lambda entry: _receipt(entry, account_id),
        lambda entry: (_("The withdrawal was recorded as entry #%(id)s.", id=entry.id) if withdrawal
                       else _("The deposit was recorded as entry #%(id)s.", id=entry.id)),
        fields={"date": "entry_date"}, replayed_message=_already_posted,
        confirm=lambda: confirmations.ask(form, g.coop, form.amount.data, lambda: history.of_savings_account(
            g.coop.id, account.id, service.WITHDRAWAL_ENTRY if withdrawal else service.DEPOSIT_ENTRY,
            form.amount.data, form.key.data)))
    if done is not None:
        return done
    today = local_today(g.coop)
    early_penalty = None
    if withdrawal and account.product.kind == BERJANGKA and not service.matured(account, today) \
            and account.product.early_withdrawal_allowed:
        early_penalty = service.early_withdrawal_penalty(account, account.balance)
    return render_template("savings/movement.html", form=form, account=account, member=member,
                           withdrawal=withdrawal, early_penalty=early_penalty,
                           available=service.available_to_withdraw(account, today)), status_of(form)


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
    found = receipts.get_receipt(g.coop.id, entry_id)
    if not has_role(*READERS) and not receipts.member_may_see(
            found, service.member_id_of_user(g.coop.id, current_user.id)):
        abort(404)
    return pdf_response("receipt.html", f"kuitansi-{found.entry.id}.pdf", **receipt_context(found))


def receipt_context(found):
    """What templates/pdf/receipt.html needs; the document is in Indonesian whatever the
    reader's language, so its amounts and dates are too."""
    return {"receipt": found, "rp": lambda amount: format_money(amount, "id"),
            "tanggal": lambda day: babel_format_date(day, "d MMMM yyyy", locale="id"),
            "printed_on": today_of(found.entry.cooperative_id)}


# -- wajib arrears ---------------------------------------------------------------------------

@bp.route("/arrears")
@require_role(*READERS)
def arrears():
    form = ArrearsFilterForm(formdata=request.args)
    as_of = filter_values(form)["as_of"] or local_today(g.coop)
    form.as_of.data = as_of
    per_page = current_app.config["PAGE_SIZE"]
    page = page_arg()
    rows, count, total = wajib_arrears.arrears_list(g.coop.id, as_of, page, per_page)
    return render_template("savings/arrears.html", form=form, rows=rows, count=count, total=total,
                           as_of=as_of, pagination=Pages(page, per_page, count))


@bp.route("/arrears/<int:member_id>/collect", methods=["GET", "POST"])
@require_role(*STAFF)
def collect_wajib(member_id):
    member = service.get_member(g.coop.id, member_id)
    form = CollectWajibForm()
    _money_choices(form.money_account)
    done = perform(
        form, lambda: wajib_arrears.collect_wajib(g.coop.id, member.id, form.entry_date.data,
                                                  form.money_account.data, form.key.data,
                                                  created_by=current_user.id),
        lambda entry: _receipt(entry, next(ln.savings_account_id for ln in entry.lines
                                           if ln.savings_account_id)),
        lambda entry: _("The wajib in arrears was collected as entry #%(id)s.", id=entry.id),
        fields={"date": "entry_date"}, replayed_message=_already_posted)
    if done is not None:
        return done
    as_of = form.entry_date.data if isinstance(form.entry_date.data, date) else local_today(g.coop)
    standing = wajib_arrears.member_arrears(g.coop.id, member.id, min(as_of, local_today(g.coop)),
                                            payable=True)
    return render_template("savings/collect_wajib.html", form=form, member=member,
                           standing=standing), status_of(form)
