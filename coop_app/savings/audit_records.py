"""How the audit log tells of the savings rows (registry().audit_records): an account by its
number, a movement as what it was ("deposit #12 of Rp500.000 to account SS.0001"), a product
by name; each linked to its page and found by number for the log's record filter."""
from decimal import Decimal

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.extensions import db
from coop_app.money import format_money
from coop_app.registry import AuditRecord, Words
from coop_app.savings.forms import KIND_LABELS, METHOD_LABELS
from coop_app.savings.kinds import passbook_label
from coop_app.savings.models import SavingsAccount, SavingsProduct, SavingsTransaction
from coop_app.web.fields import label

FOUND_AT_MOST = 500
ACCOUNT_STATUS_LABELS = {"open": _l("open"), "closed": _l("closed")}


def _account_number(account_id):
    account = db.session.get(SavingsAccount, account_id) if account_id else None
    return account.number if account is not None else None


def describe_account(row_id, values):
    if values.get("number"):
        return _("savings account %(number)s", number=values["number"])
    return _("savings account #%(id)s", id=row_id)


def find_accounts(cooperative_id, text):
    query = (select(SavingsAccount.id).where(SavingsAccount.cooperative_id == cooperative_id,
                                             SavingsAccount.number == text).limit(FOUND_AT_MOST))
    return list(db.session.scalars(query))


def describe_movement(row_id, values):
    """"deposit #12 of Rp500.000 to account SS.0001" (a withdrawal "from" the account)."""
    kind = str(passbook_label(values.get("kind"))).lower() if values.get("kind") else _("movement")
    amount = values.get("amount")
    number = _account_number(values.get("account_id"))
    if amount is None or number is None:
        return _("%(kind)s #%(id)s", kind=kind, id=row_id)
    amount = Decimal(str(amount))
    rupiah = format_money(abs(amount), str(get_locale()))
    template = (_("%(kind)s #%(id)s of %(amount)s from account %(account)s") if amount < 0 else
                _("%(kind)s #%(id)s of %(amount)s to account %(account)s"))
    return template % {"kind": kind, "id": row_id, "amount": rupiah, "account": number}


def find_movements(cooperative_id, text):
    """A movement by its number ("#12"), or every movement of an account by the account's number."""
    digits = text.lstrip("#").strip()
    query = select(SavingsTransaction.id).where(SavingsTransaction.cooperative_id == cooperative_id)
    by_account = query.join(SavingsAccount, SavingsAccount.id == SavingsTransaction.account_id).where(
        SavingsAccount.number == text)
    ids = list(db.session.scalars(by_account.limit(FOUND_AT_MOST)))
    if digits.isdigit() and len(digits) < 10:
        ids += list(db.session.scalars(query.where(SavingsTransaction.id == int(digits))))
    return ids


def describe_product(row_id, values):
    if values.get("name"):
        return _("savings product %(name)s", name=values["name"])
    return _("savings product #%(id)s", id=row_id)


def find_products(cooperative_id, text):
    query = select(SavingsProduct.id).where(SavingsProduct.cooperative_id == cooperative_id,
                                            (SavingsProduct.code == text) | SavingsProduct.name.ilike(f"%{text}%"))
    return list(db.session.scalars(query.limit(FOUND_AT_MOST)))


def _account_link(_row_id, values):
    account_id = values.get("account_id")
    return url_for("savings.account", account_id=account_id) if account_id else None


AUDIT_RECORDS = {
    "savings_accounts": AuditRecord(
        describe=describe_account,
        link=lambda row_id, _values: url_for("savings.account", account_id=row_id),
        find=find_accounts,
        fields={"pledged": Words(_l("pledged amount")), "maturity_date": Words(_l("maturity date"))},
        values={"status": lambda code: label(ACCOUNT_STATUS_LABELS, code)}),
    "savings_transactions": AuditRecord(
        describe=describe_movement, link=_account_link, find=find_movements, recorded=True,
        fields={"account_id": Words(_l("account"))},
        values={"kind": passbook_label}),
    "savings_products": AuditRecord(
        describe=describe_product,
        link=lambda _row_id, _values: url_for("savings.products"),
        find=find_products,
        fields={"interest_rate_bp": Words(_l("interest rate"), sharia=_l("rate")),
                "nisbah_member_pct": Words(_l("member's nisbah (%)")),
                "min_balance": Words(_l("minimum balance")), "min_opening": Words(_l("minimum opening deposit")),
                "fixed_amount": Words(_l("fixed amount")), "period_months": Words(_l("period (months)")),
                "term_months": Words(_l("term (months)")), "mandatory": Words(_l("mandatory")),
                "early_withdrawal_allowed": Words(_l("early withdrawal allowed")),
                "early_withdrawal_penalty_bp": Words(_l("early withdrawal charge"))},
        values={"kind": lambda code: label(KIND_LABELS, code),
                "interest_method": lambda code: label(METHOD_LABELS, code)}),
}
