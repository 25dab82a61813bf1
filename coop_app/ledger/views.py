"""The ledger's pages: chart of accounts, journal, entries and reversal, account ledgers,
trial balance, vouchers, manual entries and period close.

Each view parses its form and runs one service function through the web kit's `perform`,
which commits and redirects, or rolls back and shows the service's message; lists are paged
with the kit's `paginate`/`page_arg`. Nothing here decides a business rule.
"""
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coop_app.cooperatives.clock import local_today
from coop_app.auth.access import READERS, STAFF, coop_blueprint, has_role, require_role
from coop_app.auth.models import MANAGER
from coop_app.ledger import fiscal_year, history, reports, service
from coop_app.ledger.forms import (AccountActiveForm, AccountForm, AsOfForm, ClosePeriodForm,
                                   JournalFilterForm, ManualEntryForm, PeriodFilterForm,
                                   ReverseForm, VoucherForm, type_label)
from coop_app.ledger.labels import kind_label
from coop_app.ledger.models import ACCOUNT_TYPES, EXPENSE, INCOME
from coop_app.ledger.posting import closed_through
from coop_app.web import Pages, confirmations, filter_values, form_page, page_arg, paginate, perform, status_of
from coop_app.web.fields import choices

bp = coop_blueprint("ledger", __name__, "/ledger")

VOUCHER_KINDS = {"expense": service.EXPENSE_VOUCHER, "income": service.INCOME_VOUCHER}
# What sets an expense or income account's usual size (not the year-end closing entry).
VOUCHER_HISTORY_KINDS = (service.EXPENSE_VOUCHER, service.INCOME_VOUCHER, service.MANUAL)


@bp.context_processor
def ledger_helpers():
    return {"kind_label": kind_label, "type_label": type_label}


# -- helpers -----------------------------------------------------------------------------

def _locale():
    return str(get_locale())


def _account_choices(accounts, blank=None):
    locale = _locale()
    options = [(a.id, f"{a.code} · {a.display_name(locale)}") for a in accounts]
    return choices(([("", blank)] if blank is not None else []) + options)


def _entry_url(entry):
    return url_for("ledger.entry", entry_id=entry.id)


def _replayed_entry(entry):
    """A submission posted before (the entry's idempotency key) posted nothing new."""
    return _("This was already recorded as entry #%(id)s; nothing new was posted.", id=entry.id)


# -- chart of accounts -------------------------------------------------------------------

def _tree(accounts, balances):
    """(account, depth, natural balance) in tree order; a group's balance sums its children."""
    children = {}
    for account in accounts:
        children.setdefault(account.parent_id, []).append(account)
    rows = []

    def walk(parent_id, depth):
        subtotal = 0
        for account in sorted(children.get(parent_id, ()), key=lambda a: a.code):
            row = [account, depth, None]
            rows.append(row)
            signed = balances.get(account.id, 0) + walk(account.id, depth + 1)
            row[2] = reports.natural(account, signed)
            subtotal += signed
        return subtotal

    walk(None, 0)
    return rows


@bp.route("/accounts")
@require_role(*READERS)
def chart():
    accounts = service.accounts(g.coop.id, active=None)
    balances = reports.balances_by_account(g.coop.id, local_today(g.coop))
    return render_template("ledger/chart.html", rows=_tree(accounts, balances), today=local_today(g.coop))


@bp.route("/accounts/new", methods=["GET", "POST"])
@require_role(MANAGER)
def add_account():
    form = AccountForm()
    form.parent.choices = _account_choices(service.accounts(g.coop.id, postable=False))
    done = perform(form, lambda: service.add_account(
        g.coop.id, form.code.data, form.name.data, form.type.data, form.parent.data,
        name_en=form.name_en.data, is_group=form.is_group.data),
        url_for("ledger.chart"), lambda account: _("Account %(code)s was added.", code=account.code))
    if done is not None:
        return done
    return form_page("ledger/account_form.html", form=form)


def _active_message(account):
    if account.active:
        return _("Account %(code)s is active again.", code=account.code)
    return _("Account %(code)s is now inactive.", code=account.code)


@bp.route("/accounts/<int:account_id>/active", methods=["POST"])
@require_role(MANAGER)
def account_active(account_id):
    account = service.get_account(g.coop.id, account_id)  # outside perform: unknown is a 404
    form = AccountActiveForm()
    done = perform(form, lambda: service.set_account_active(g.coop.id, account.id,
                                                            form.active.data == "1"),
                   url_for("ledger.chart"), _active_message)
    if done is not None:
        return done
    if form.errors:  # not the service's no (perform showed that): the form itself
        flash(_("The form is damaged; reload the page and try again."), "danger")
    return redirect(url_for("ledger.chart"))


# -- journal and entries -----------------------------------------------------------------

@bp.route("/journal")
@require_role(*READERS)
def journal():
    coop_id = g.coop.id
    form = JournalFilterForm(formdata=request.args)
    form.account.choices = _account_choices(service.accounts(coop_id, postable=True, active=None),
                                            blank=_("All accounts"))
    kinds = list(service.LEDGER_KINDS) + sorted(
        set(reports.journal_kinds(coop_id)) - set(service.LEDGER_KINDS))
    form.kind.choices = choices([("", _("All kinds"))] + [(k, kind_label(k)) for k in kinds])
    filters = filter_values(form)
    pagination = paginate(reports.journal_query(coop_id, filters["date_from"], filters["date_to"],
                                                filters["account"], filters["kind"]))
    reversed_by = reports.reversals_of(coop_id, [e.id for e in pagination.items])
    return render_template("ledger/journal.html", form=form, pagination=pagination,
                           reversed_by=reversed_by)


def _render_entry(entry, reverse_form=None):
    """An entry with its lines; a manager also gets the reversal form while one is possible."""
    reversible = (entry.reversed_by is None and entry.reverses_id is None
                  and entry.kind != service.CLOSING)
    if reversible and has_role(MANAGER):
        reverse_form = reverse_form or ReverseForm()
    else:
        reverse_form = None
    return render_template("ledger/entry.html", entry=entry, reverse_form=reverse_form)


@bp.route("/entries/<int:entry_id>")
@require_role(*READERS)
def entry(entry_id):
    return _render_entry(service.get_entry(g.coop.id, entry_id))


@bp.route("/entries/<int:entry_id>/reverse", methods=["POST"])
@require_role(MANAGER)
def reverse(entry_id):
    original = service.get_entry(g.coop.id, entry_id)  # outside perform: unknown is a 404
    form = ReverseForm()
    done = perform(form, lambda: service.reverse_entry(
        g.coop.id, original.id, form.reason.data, form.key.data, created_by=current_user.id,
        reversal_date=form.reversal_date.data),
        _entry_url, lambda reversal: _("Entry #%(original)s was reversed by entry #%(id)s.",
                                       original=entry_id, id=reversal.id),
        fields={"date": "reversal_date"}, replayed_message=_replayed_entry)
    if done is not None:
        return done
    return _render_entry(original, form), status_of(form)


# -- reports -----------------------------------------------------------------------------

@bp.route("/accounts/<int:account_id>")
@require_role(*READERS)
def account_ledger(account_id):
    account = service.get_account(g.coop.id, account_id)
    today = local_today(g.coop)
    form = PeriodFilterForm(formdata=request.args)
    filters = filter_values(form)
    date_from = filters["date_from"] or today.replace(day=1)
    date_to = filters["date_to"] or today
    if date_from > date_to:
        flash(_("The start of the period is after its end; showing this month instead."), "warning")
        date_from, date_to = today.replace(day=1), today
    form.date_from.data, form.date_to.data = date_from, date_to
    per_page = current_app.config["PAGE_SIZE"]
    page = page_arg()
    opening, rows, total_rows, closing = reports.general_ledger(
        g.coop.id, account.id, date_from, date_to, page, per_page)
    for row in rows:
        row["balance"] = reports.natural(account, row["balance"])
    return render_template(
        "ledger/account_ledger.html", account=account, form=form, rows=rows,
        opening=reports.natural(account, opening), closing=reports.natural(account, closing),
        date_from=date_from, date_to=date_to, pagination=Pages(page, per_page, total_rows))


@bp.route("/trial-balance")
@require_role(*READERS)
def trial_balance():
    form = AsOfForm(formdata=request.args)
    as_of = filter_values(form)["as_of"] or local_today(g.coop)
    form.as_of.data = as_of
    rows, total_debit, total_credit = reports.trial_balance(g.coop.id, as_of)
    return render_template("ledger/trial_balance.html", form=form, as_of=as_of, rows=rows,
                           total_debit=total_debit, total_credit=total_credit,
                           balanced=total_debit == total_credit)


# -- posting -----------------------------------------------------------------------------

@bp.route("/vouchers/<direction>", methods=["GET", "POST"])
@require_role(*STAFF)
def voucher(direction):
    kind = VOUCHER_KINDS.get(direction)
    if kind is None:
        abort(404)
    coop_id = g.coop.id
    form = VoucherForm()
    form.cash_account.choices = _account_choices(service.cash_accounts(coop_id))
    expense = kind == service.EXPENSE_VOUCHER
    form.counter_account.choices = _account_choices(
        service.open_accounts(coop_id, [EXPENSE if expense else INCOME]))
    form.cash_account.label.text = _("Paid from") if expense else _("Received into")
    form.counter_account.label.text = _("Expense account") if expense else _("Income account")
    done = perform(form, lambda: service.record_voucher(
        coop_id, kind, form.entry_date.data, form.cash_account.data, form.counter_account.data,
        form.amount.data, form.description.data, idempotency_key=form.key.data,
        created_by=current_user.id),
        _entry_url, lambda entry: _("The voucher was recorded as entry #%(id)s.", id=entry.id),
        fields={"date": "entry_date"}, replayed_message=_replayed_entry,
        confirm=lambda: confirmations.ask(form, g.coop, form.amount.data, lambda: history.of_account(
            coop_id, form.counter_account.data, kind, form.amount.data, form.key.data,
            kinds=VOUCHER_HISTORY_KINDS)))
    if done is not None:
        return done
    return form_page("ledger/voucher.html", form=form, direction=direction, expense=expense)


@bp.route("/manual", methods=["GET", "POST"])
@require_role(MANAGER)
def manual_entry():
    coop_id = g.coop.id
    form = ManualEntryForm()
    form.set_account_choices(_account_choices(service.open_accounts(coop_id, ACCOUNT_TYPES),
                                              blank="—"))
    done = perform(form, lambda: service.post_manual_entry(
        coop_id, form.entry_date.data, form.memo.data, form.rows(), form.key.data,
        created_by=current_user.id),
        _entry_url, lambda entry: _("The journal entry was posted as entry #%(id)s.", id=entry.id),
        fields={"date": "entry_date"}, replayed_message=_replayed_entry)
    if done is not None:
        return done
    return form_page("ledger/manual_entry.html", form=form)


# -- periods -----------------------------------------------------------------------------

def _closable_month_ends(cooperative, today):
    """The month ends a manager may close now: the next one in order, or, before the first
    close, any of the last 24."""
    following = service.next_period_to_close(cooperative)
    if following is not None:
        return [following] if following < today else []
    ends, day = [], today.replace(day=1) - timedelta(days=1)
    for _month in range(24):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends


def _close_form(today):
    form = ClosePeriodForm()
    form.period_end.choices = choices(
        (d.isoformat(), format_date(d, "long")) for d in _closable_month_ends(g.coop, today))
    return form


def _render_periods(form):
    closed = closed_through(g.coop.id)
    # Years a legacy close passed without their closing entry: the repair, told up front.
    unclosed = fiscal_year.unclosed_years(g.coop, closed + timedelta(days=1)) if closed else []
    return render_template(
        "ledger/periods.html", periods=service.periods(g.coop.id), form=form,
        closed_through=closed, next_period=service.next_period_to_close(g.coop),
        today=local_today(g.coop), unclosed=[fiscal_year.what_to_do(g.coop, end) for end in unclosed])


@bp.route("/periods")
@require_role(*READERS)
def periods():
    return _render_periods(_close_form(local_today(g.coop)) if has_role(MANAGER) else None)


@bp.route("/periods/close", methods=["POST"])
@require_role(MANAGER)
def close_period():
    form = _close_form(local_today(g.coop))
    done = perform(form, lambda: service.close_period(g.coop, form.period_end.data,
                                                      closed_by=current_user.id),
                   url_for("ledger.periods"),
                   lambda period: _("The books are closed up to %(date)s.",
                                    date=format_date(period.period_end, "long")))
    if done is not None:
        return done
    return _render_periods(form), status_of(form)
