"""The loan's documents in Indonesian with the cooperative's letterhead: the agreement (an
akad for sharia financing: murabahah, qardh, mudharabah; a perjanjian pinjaman otherwise)
with its schedule, the schedule on its own, and the receipt (kuitansi) of a repayment.
Staff and the member who owns the loan download the same documents."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.cooperatives.service import today_of
from coop_app.auth.models import User
from coop_app.enterprises.service import get_enterprise
from coop_app.errors import NotFound
from coop_app.extensions import db
from coop_app.members.service import get_member
from coop_app.money import ZERO
from coop_app.formatting import indonesian
from coop_app.pdf import pdf_response
from coop_app.terbilang import money_in_words
from coop_app.loans import methods, words
from coop_app.loans import models as m
from coop_app.loans.models import LoanPayment
from coop_app.loans.queries import deferred_margins, installments
from coop_app.loans.terms import preview_schedule

FREQUENCIES_ID = {m.MONTHLY: "bulanan", m.WEEKLY: "mingguan"}
SOURCES_ID = {"cash": "Tunai", "bank": "Transfer bank", "savings": "Pemindahbukuan dari simpanan",
              "remittance": "Kiriman uang (remitansi)", "recovery": "Tunai"}


@dataclass
class Row:
    n: int
    due_date: date
    principal: Decimal
    interest: Decimal
    total: Decimal
    balance: Decimal


def schedule_rows(loan):
    """The loan's current schedule; before disbursement, the one it would have."""
    if loan.status in (m.APPLIED, m.APPROVED, m.REJECTED, m.CANCELLED):
        return [Row(i.n, i.due_date, i.principal, i.interest, i.total, i.balance)
                for i in preview_schedule(loan, start=today_of(loan.cooperative_id)).installments]
    return [Row(i.n, i.due_date, i.principal, i.interest, i.total, i.balance_after)
            for i in installments(loan)]


def _totals(rows):
    return {"principal": sum((r.principal for r in rows), ZERO),
            "interest": sum((r.interest for r in rows), ZERO),
            "total": sum((r.total for r in rows), ZERO)}


def _name(user_id):
    return db.session.get(User, user_id).full_name if user_id else None


def _loan_context(loan):
    rows = schedule_rows(loan)
    member = get_member(loan.cooperative_id, loan.member_id)
    enterprise = None
    if loan.enterprise_id:
        enterprise = get_enterprise(loan.cooperative_id, loan.enterprise_id)
    method = methods.of(loan.method)
    return dict(loan=loan, member=member, enterprise=enterprise, product=loan.product, rows=rows,
                totals=_totals(rows), interest_word=method.charge_word, method_id=method.name_id,
                frequency_id=FREQUENCIES_ID.get(loan.frequency, loan.frequency),
                sharia=method.sharia, noun=words.noun_id(method.sharia),  # pinjaman or pembiayaan
                late_word=words.late_charge_id(method.sharia),  # denda or ta'zir
                # a murabahah's margin still deferred: what remains is owed at the sale price
                margin_deferred=deferred_margins(loan.cooperative_id, [loan]).get(loan.id, ZERO),
                **indonesian())


def agreement_context(loan):
    context = _loan_context(loan)
    margin = loan.margin or ZERO
    context.update(
        title=methods.of(loan.method).agreement_title,
        number=f"{loan.number}/AKAD" if context["sharia"] else f"{loan.number}/PP",
        sale_price=(loan.cost_price or loan.amount) + margin,
        debt=loan.amount + margin,
        first_instalment=context["rows"][0] if context["rows"] else None,
        officer=_name(loan.decided_by), words=money_in_words(loan.amount))
    return context


def agreement_pdf(loan):
    return pdf_response("loan_agreement.html", f"akad-{loan.number}.pdf".replace("/", "-"),
                        **agreement_context(loan))


def schedule_pdf(loan):
    return pdf_response("loan_schedule.html", f"jadwal-{loan.number}.pdf".replace("/", "-"),
                        **_loan_context(loan))


# -- receipts ------------------------------------------------------------------------------------

def get_payment(loan, payment_id):
    """A payment of this loan (never of another one, whatever its id); NotFound otherwise."""
    payment = db.session.execute(select(LoanPayment).where(
        LoanPayment.cooperative_id == loan.cooperative_id, LoanPayment.loan_id == loan.id,
        LoanPayment.id == payment_id)).scalar_one_or_none()
    if payment is None:
        raise NotFound(_l("Payment not found."))
    return payment


def receipt_number(payment):
    return f"KWP/{payment.paid_on.year}/{payment.id:06d}"


def receipt_context(loan, payment):
    context = _loan_context(loan)
    context.update(payment=payment, number=receipt_number(payment),
                   source=SOURCES_ID.get(payment.source, payment.source),
                   penalty_word="Ta'zir (dana sosial)" if context["sharia"] else "Denda keterlambatan",
                   words=money_in_words(payment.amount), served_by=_name(payment.created_by))
    return context


def receipt_pdf(loan, payment):
    return pdf_response("loan_receipt.html", f"kuitansi-{receipt_number(payment)}.pdf".replace("/", "-"),
                        **receipt_context(loan, payment))
