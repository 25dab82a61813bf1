"""How the audit log tells of the loan rows (registry().audit_records), in a KSPPS/BMT's own
words: a loan (pembiayaan) by number and borrower, a payment (angsuran) by its amount, an
instalment by its number, a product by name; each linked to its page and found by number for
the log's record filter."""
from decimal import Decimal

from flask import g, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.extensions import db
from coop_app.loans import methods
from coop_app.loans.forms import (EARLY_RULE_LABELS, EVENT_LABELS, FREQUENCY_LABELS, LATE_CHARGE_LABELS,
                                  QUALITY_LABELS, SOURCE_LABELS, STATUS_LABELS)
from coop_app.loans.models import Loan, LoanEvent, LoanInstallment, LoanPayment, LoanProduct
from coop_app.members.models import Member
from coop_app.money import format_money
from coop_app.registry import AuditRecord, Words
from coop_app.web.fields import label

FOUND_AT_MOST = 500

LOAN = Words(_l("loan %(number)s (%(name)s)"), sharia=_l("financing %(number)s (%(name)s)"))
LOAN_BARE = Words(_l("loan %(number)s"), sharia=_l("financing %(number)s"))
LOAN_ID = Words(_l("loan #%(id)s"), sharia=_l("financing #%(id)s"))
PAYMENT = Words(_l("payment #%(id)s of %(amount)s on loan %(number)s"),
                sharia=_l("instalment payment #%(id)s of %(amount)s on financing %(number)s"))
PAYMENT_ID = Words(_l("loan payment #%(id)s"), sharia=_l("financing payment #%(id)s"))
INSTALMENT = Words(_l("instalment %(n)s of loan %(number)s"), sharia=_l("angsuran %(n)s of financing %(number)s"))
INSTALMENT_ID = Words(_l("loan instalment #%(id)s"), sharia=_l("financing angsuran #%(id)s"))
EVENT = Words(_l("history of loan %(number)s: %(event)s"), sharia=_l("history of financing %(number)s: %(event)s"))
EVENT_ID = Words(_l("loan history line #%(id)s"), sharia=_l("financing history line #%(id)s"))
PRODUCT = Words(_l("loan product %(name)s"), sharia=_l("financing product %(name)s"))
PRODUCT_ID = Words(_l("loan product #%(id)s"), sharia=_l("financing product #%(id)s"))
PAYMENT_KIND_LABELS = {"repayment": _l("Repayment"), "payoff": _l("Payoff"), "recovery": _l("Recovery")}

# Loan columns whose words differ at a KSPPS/BMT (margin, ta'zir, angsuran).
FIELDS = {
    "rate_bp": Words(_l("interest rate"), sharia=_l("margin or expected return rate")),
    "interest": Words(_l("interest"), sharia=_l("margin or profit share")),
    "paid_interest": Words(_l("interest paid"), sharia=_l("margin or profit share paid")),
    "waived_interest": Words(_l("interest waived"), sharia=_l("margin waived")),
    "penalty": Words(_l("late charge paid"), sharia=_l("ta'zir paid")),
    "penalty_due": Words(_l("late charges due"), sharia=_l("ta'zir due")),
    "late_charge": Words(_l("late charge"), sharia=_l("ta'zir")),
    "late_charges": Words(_l("late charges"), sharia=_l("ta'zir")),
    "late_charge_kind": Words(_l("late charge"), sharia=_l("ta'zir")),
    "late_charge_daily_bp": Words(_l("late charge a day"), sharia=_l("ta'zir a day")),
    "late_charge_fixed": Words(_l("fixed late charge"), sharia=_l("fixed ta'zir")),
    "late_charged_through": Words(_l("late charge counted through"), sharia=_l("ta'zir counted through")),
    "principal_outstanding": Words(_l("principal outstanding")),
    "principal": Words(_l("principal")),
    "paid_principal": Words(_l("principal paid")),
    "method": Words(_l("method"), sharia=_l("akad")),
    "term": Words(_l("term (instalments)"), sharia=_l("term (angsuran)")),
    "quality": Words(_l("quality (kolektibilitas)")),
    "days_past_due": Words(_l("days past due")),
    "provision": Words(_l("provision (PPAP)")),
    "paid_on": Words(_l("date paid")),
    "due_date": Words(_l("due date")),
    "disbursed_on": Words(_l("disbursement date")),
    "disbursement_entry_id": Words(_l("disbursement entry")),
    "pledged_account_id": Words(_l("pledged savings account")),
    "pledged_amount": Words(_l("pledged amount")),
    "enterprise_id": Words(_l("enterprise")),
    "loan_id": Words(_l("loan"), sharia=_l("financing")),
    "remittance_id": Words(_l("remittance")),
    "savings_account_id": Words(_l("savings account")),
    "collateral_description": Words(_l("collateral")),
    "collateral_value": Words(_l("collateral value")),
    "goods_description": Words(_l("goods")),
    "admin_fee": Words(_l("administration fee")),
    "written_off_amount": Words(_l("amount written off")),
    "recovered_amount": Words(_l("amount recovered")),
    "closed_on": Words(_l("closing date")),
    "decision_reason": Words(_l("reason for the decision")),
    "grace_periods": Words(_l("grace periods")),
    "rounding": Words(_l("rounding")),
    "n": Words(_l("instalment number"), sharia=_l("angsuran number")),
    "event_date": Words(_l("date")),
    "note": Words(_l("note")),
    "decided_on": Words(_l("decision date")),
    "applied_on": Words(_l("application date")),
    "purpose": Words(_l("purpose")),
    "source": Words(_l("source")),
    "margin": Words(_l("margin")),
    "cost_price": Words(_l("cost price")),
    "down_payment": Words(_l("down payment")),
    "nisbah_coop_pct": Words(_l("cooperative's nisbah (%)")),
    "max_amount": Words(_l("largest amount")),
    "min_amount": Words(_l("smallest amount")),
}
VALUES = {
    "status": lambda code: label(STATUS_LABELS, code), "method": methods.label,
    "quality": lambda code: label(QUALITY_LABELS, code),
    "restructured_class": lambda code: label(QUALITY_LABELS, code),
    "frequency": lambda code: label(FREQUENCY_LABELS, code),
    "late_charge_kind": lambda code: label(LATE_CHARGE_LABELS, code),
    "early_repayment_rule": lambda code: label(EARLY_RULE_LABELS, code),
    "source": lambda code: label(SOURCE_LABELS, code),
}


def _words(words):
    return str(words.of(g.coop.is_sharia if g.get("coop") is not None else False))


def _loan(loan_id):
    return db.session.get(Loan, loan_id) if loan_id else None


def describe_loan(row_id, values):
    number = values.get("number")
    if not number:
        return _words(LOAN_ID) % {"id": row_id}
    member = db.session.get(Member, values["member_id"]) if values.get("member_id") else None
    if member is None:
        return _words(LOAN_BARE) % {"number": number}
    return _words(LOAN) % {"number": number, "name": member.name}


def find_loans(cooperative_id, text):
    query = select(Loan.id).where(Loan.cooperative_id == cooperative_id, Loan.number == text)
    return list(db.session.scalars(query.limit(FOUND_AT_MOST)))


def _of_loan(words, words_id, row_id, values, **more):
    loan = _loan(values.get("loan_id"))
    if loan is None:
        return _words(words_id) % {"id": row_id}
    return _words(words) % {"id": row_id, "number": loan.number, **more}


def describe_payment(row_id, values):
    amount = values.get("amount")
    if amount is None:
        return _words(PAYMENT_ID) % {"id": row_id}
    return _of_loan(PAYMENT, PAYMENT_ID, row_id, values,
                    amount=format_money(Decimal(str(amount)), str(get_locale())))


def describe_instalment(row_id, values):
    return _of_loan(INSTALMENT, INSTALMENT_ID, row_id, values, n=values.get("n", "?"))


def describe_event(row_id, values):
    return _of_loan(EVENT, EVENT_ID, row_id, values,
                    event=str(label(EVENT_LABELS, values.get("kind"))).lower())


def find_of_loans(model):
    def find(cooperative_id, text):
        query = (select(model.id).join(Loan, Loan.id == model.loan_id)
                 .where(model.cooperative_id == cooperative_id, Loan.number == text))
        return list(db.session.scalars(query.limit(FOUND_AT_MOST)))
    return find


def describe_product(row_id, values):
    if values.get("name"):
        return _words(PRODUCT) % {"name": values["name"]}
    return _words(PRODUCT_ID) % {"id": row_id}


def find_products(cooperative_id, text):
    query = select(LoanProduct.id).where(LoanProduct.cooperative_id == cooperative_id,
                                         (LoanProduct.code == text) | LoanProduct.name.ilike(f"%{text}%"))
    return list(db.session.scalars(query.limit(FOUND_AT_MOST)))


def _loan_link(_row_id, values):
    return url_for("loans.detail", loan_id=values["loan_id"]) if values.get("loan_id") else None


AUDIT_RECORDS = {
    "loans": AuditRecord(describe=describe_loan, find=find_loans, fields=FIELDS, values=VALUES,
                         link=lambda row_id, _values: url_for("loans.detail", loan_id=row_id)),
    "loan_payments": AuditRecord(
        describe=describe_payment, link=_loan_link, find=find_of_loans(LoanPayment), recorded=True,
        fields=FIELDS, values={**VALUES, "kind": lambda code: label(PAYMENT_KIND_LABELS, code)}),
    "loan_installments": AuditRecord(describe=describe_instalment, link=_loan_link,
                                     find=find_of_loans(LoanInstallment), fields=FIELDS, values=VALUES),
    "loan_events": AuditRecord(describe=describe_event, link=_loan_link, find=find_of_loans(LoanEvent),
                               recorded=True, fields=FIELDS,
                               values={**VALUES, "kind": lambda code: label(EVENT_LABELS, code)}),
    "loan_products": AuditRecord(describe=describe_product, find=find_products, fields=FIELDS, values=VALUES,
                                 link=lambda _row_id, _values: url_for("loans.products")),
}
