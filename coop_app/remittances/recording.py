"""Remittances from migrant workers: the member's standing allocation, the split posted as
one journal entry with its savings movements, and its reversal (converting to rupiah on
receipt is conversion.py; reading them is queries.py).

The entry shows the whole remittance and the payout: the cash or bank account it arrived in
is debited the full rupiah amount, the savings parts are credited to their accounts, and the
part paid out to the member is credited back to the same cash or bank account (so that
account's net change is the saved part and the payout can never overdraw it).
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.posting import IdempotencyConflict, Line, check_open, find_by_key
from coop_app.ledger.service import check_amount
from coop_app.members.models import ACTIVE
from coop_app.members.migrants import get_migrant
from coop_app.members.service import get_member
from coop_app.money import SEN, ZERO, to_money
from coop_app.remittances.conversion import convert
from coop_app.savings import arrears
from coop_app.savings import movements as savings
from coop_app.savings.models import (MUDHARABAH, SUKARELA, WADIAH, WAJIB, Remittance,
                                     RemittanceAllocation, remittance_stands)

REMITTANCE = "remittance"  # the journal entry's kind and the savings movements' kind
BANK, POS, REMITTANCE_COMPANY = "bank", "pos", "remittance_company"
CHANNELS = (BANK, POS, REMITTANCE_COMPANY)
# The products a standing allocation may save into (pokok is paid once; wajib is paid as
# "wajib due"; a time deposit is not topped up).
ALLOCATABLE_KINDS = (SUKARELA, WADIAH, MUDHARABAH)
REFERENCE_MAX = 60
COUNTRY_MAX = 100

# Parts of a split, in the order they are taken from the remittance.
PART_WAJIB, PART_INSTALMENT, PART_SAVINGS, PART_CASH = "wajib", "instalment", "savings", "cash"


# -- the split ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Split:
    wajib: Decimal
    savings: Decimal
    cash: Decimal
    instalment: Decimal = ZERO


def split_amounts(amount, wajib_due=ZERO, savings_pct=None, savings_fixed=None, instalment=ZERO):
    """How a remittance is divided (a pure function).

    Dues come first: the wajib due, then the loan instalments due, as far as the remittance
    covers them (the instalment part is worked out by the loans module and given here). The
    savings share is then a percentage of the whole remittance (rounded half up to the sen)
    or a fixed amount, but never more than what is left after the dues. The remainder is
    paid out in cash. The parts sum to the amount.
    """
    amount = to_money(amount)
    wajib = min(to_money(wajib_due or ZERO), amount)
    instalment = min(to_money(instalment or ZERO), amount - wajib)
    left = amount - wajib - instalment
    if savings_pct:
        wanted = (amount * Decimal(savings_pct) / 100).quantize(SEN, rounding=ROUND_HALF_UP)
    elif savings_fixed:
        wanted = to_money(savings_fixed)
    else:
        wanted = ZERO
    saved = min(wanted, left)
    return Split(wajib=wajib, savings=saved, cash=left - saved, instalment=instalment)


def wajib_due(cooperative_id, member_id, as_of):
    """Simpanan wajib payable on `as_of`, this month's included (payments due since joining x
    the fixed wajib, less the wajib paid, in SQL: savings/arrears.py keeps the one rule); zero
    when paid up or without an open wajib account."""
    member = get_member(cooperative_id, member_id)
    standing = arrears.member_arrears(cooperative_id, member.id, as_of, payable=True)
    return max(ZERO, standing.amount) if standing is not None else ZERO


# -- standing allocation ------------------------------------------------------------------

def get_allocation(cooperative_id, member_id):
    return db.session.execute(select(RemittanceAllocation).where(
        RemittanceAllocation.cooperative_id == cooperative_id,
        RemittanceAllocation.member_id == member_id)).scalar_one_or_none()


def allocatable_accounts(cooperative_id, member_id):
    """The member's open accounts a remittance share may go to."""
    return [a for a in savings.member_accounts(cooperative_id, member_id)
            if a.status == "open" and a.product.kind in ALLOCATABLE_KINDS]


def set_allocation(cooperative_id, member_id, savings_account_id=None, savings_pct=None,
                   savings_fixed=None, pay_wajib_due=True, pay_instalment_due=True):
    """Set the member's standing instruction: a percentage or a fixed amount to one of their
    savings accounts (or none), whether to pay the wajib due and the instalment due."""
    member = get_member(cooperative_id, member_id)
    if savings_account_id:
        if savings_account_id not in {a.id for a in allocatable_accounts(cooperative_id, member.id)}:
            raise DomainError(_l("Choose one of the member's open sukarela, wadiah or "
                                 "mudharabah accounts."))
        if (savings_pct is None) == (savings_fixed is None):
            raise DomainError(_l("Give either a percentage or a fixed amount for the savings share."))
        if savings_pct is not None:
            if isinstance(savings_pct, bool) or not isinstance(savings_pct, int) \
                    or not 1 <= savings_pct <= 100:
                raise DomainError(_l("The percentage is a whole number from 1 to 100."))
        else:
            savings_fixed = check_amount(savings_fixed)
    else:
        if savings_pct is not None or savings_fixed is not None:
            raise DomainError(_l("Choose the savings account the share goes to."))
        savings_account_id = None
    allocation = get_allocation(cooperative_id, member.id)
    if allocation is None:
        allocation = RemittanceAllocation(cooperative_id=cooperative_id, member_id=member.id)
        db.session.add(allocation)
    allocation.savings_account_id = savings_account_id
    allocation.savings_pct = savings_pct
    allocation.savings_fixed = savings_fixed
    allocation.pay_wajib_due = bool(pay_wajib_due)
    allocation.pay_instalment_due = bool(pay_instalment_due)
    db.session.flush()
    return allocation


# -- recording ----------------------------------------------------------------------------

def _clean_reference(reference):
    # Transfer codes are compared without case or stray spaces: "abc 123" is "ABC 123".
    reference = " ".join((reference or "").split()).upper()
    if not reference:
        raise DomainError(_l("Enter the transfer's reference (the code on the receipt)."))
    if len(reference) > REFERENCE_MAX:
        raise DomainError(_l("The reference has at most 60 characters."))
    return reference


def find_by_reference(cooperative_id, reference):
    """The standing remittance recorded with this reference (a reversed one gave it up)."""
    return db.session.execute(select(Remittance).where(
        Remittance.cooperative_id == cooperative_id, Remittance.reference == reference,
        remittance_stands())).scalar_one_or_none()


def _duplicate(existing):
    return DomainError(_l(
        "A transfer with reference %(reference)s was already recorded on %(date)s "
        "(remittance #%(id)s); the same transfer cannot be recorded twice.",
        reference=existing.reference, date=existing.received_on.isoformat(), id=existing.id))


def _replay(cooperative_id, idempotency_key, member_id, reference):
    """A submission key seen before: the first result, or a refusal if it was used for
    something else. The split is not recomputed (the dues it paid have changed since)."""
    entry = find_by_key(cooperative_id, idempotency_key)
    if entry is None:
        return None
    remittance = db.session.execute(select(Remittance).where(
        Remittance.cooperative_id == cooperative_id, Remittance.entry_id == entry.id)
    ).scalar_one_or_none()
    if remittance is None or remittance.member_id != member_id \
            or remittance.reference != reference:
        raise IdempotencyConflict(_l(
            "This submission key was already used for a different entry (#%(id)s).", id=entry.id))
    remittance.replayed = True
    return remittance


@dataclass(frozen=True)
class RemittanceData:
    """What was received, as the recording form (or an API) gives it; record_remittance checks
    it. A foreign currency gives foreign_amount and rate, rupiah gives amount_idr; an empty
    country is the sender's destination country."""
    migrant_worker_id: int | None
    channel: str
    currency: str
    received_on: date
    reference: str
    money_account_id: int | None
    foreign_amount: Decimal | None = None
    rate: Decimal | None = None
    amount_idr: Decimal | None = None
    country: str | None = None


def record_remittance(cooperative_id, member_id, data: RemittanceData, idempotency_key, *,
                      created_by=None, today=None):
    """Receive a remittance (`data`) for a member and split it by their standing allocation, in
    one journal entry with the savings movements. Returns the Remittance (`.replayed` set when
    the submission key was posted before; nothing new is written then)."""
    member = get_member(cooperative_id, member_id)
    reference = _clean_reference(data.reference)
    replayed = _replay(cooperative_id, idempotency_key, member.id, reference)
    if replayed is not None:
        return replayed
    if member.status != ACTIVE:
        raise DomainError(_l("Remittances are received only for active members."))
    if not data.migrant_worker_id:
        raise DomainError(_l("Choose the migrant worker who sent the money."))
    sender = get_migrant(cooperative_id, data.migrant_worker_id)
    country = (data.country or "").strip() or sender.destination_country
    if len(country) > COUNTRY_MAX:
        raise DomainError(_l("The country has at most 100 characters."))
    channel = data.channel
    if channel not in CHANNELS:
        raise DomainError(_l("Choose how the money was sent."))
    currency, foreign_amount, rate, amount = convert(data.currency, data.foreign_amount, data.rate,
                                                     data.amount_idr)
    received_on = data.received_on
    check_open(cooperative_id, received_on, today=today)  # before the dues and instalments it decides
    if received_on < member.join_date:
        raise DomainError(_l("The date received is before the member joined (%(date)s).",
                             date=member.join_date.isoformat()))
    existing = find_by_reference(cooperative_id, reference)
    if existing is not None:
        raise _duplicate(existing)
    cash = savings.money_account(cooperative_id, data.money_account_id)

    allocation = get_allocation(cooperative_id, member.id)
    target = None
    if allocation is not None and allocation.savings_account_id:
        target = savings.get_account(cooperative_id, allocation.savings_account_id, lock=True)
        if target.status != "open" or target.member_id != member.id:
            raise DomainError(_l("The savings account of the member's standing allocation is "
                                 "closed; change the allocation first."))
        if received_on < target.opened_on:
            raise DomainError(_l("The date received is before the allocation's savings account "
                                 "was opened (%(date)s).", date=target.opened_on.isoformat()))
    due = ZERO
    wajib_account = None
    if allocation is not None and allocation.pay_wajib_due:
        wajib_account = savings.account_of_kind(cooperative_id, member.id, WAJIB)
        if wajib_account is not None:
            wajib_account = savings.get_account(cooperative_id, wajib_account.id, lock=True)
            due = wajib_due(cooperative_id, member.id, received_on)
    loan_lines, record_loan_payments, instalment = [], None, ZERO
    if allocation is not None and allocation.pay_instalment_due:
        from coop_app.loans.repayment import instalment_lines  # loans build on savings, not the reverse
        loan_lines, record_loan_payments, instalment = instalment_lines(
            cooperative_id, member.id, amount - min(due, amount), received_on)
    split = split_amounts(amount, due,
                          allocation.savings_pct if target is not None else None,
                          allocation.savings_fixed if target is not None else None,
                          instalment=instalment)

    movements, parts = [], []
    if split.wajib:
        movements.append(savings.Movement(wajib_account, split.wajib, REMITTANCE,
                                          memo=f"Remitansi {reference}: simpanan wajib"))
        parts.append(_part(PART_WAJIB, split.wajib, wajib_account))
    if split.instalment:
        parts.append(dict(_part(PART_INSTALMENT, split.instalment), loans=_loan_numbers(loan_lines)))
    if split.savings:
        movements.append(savings.Movement(target, split.savings, REMITTANCE,
                                          memo=f"Remitansi {reference}: {target.product.name}"))
        parts.append(_part(PART_SAVINGS, split.savings, target))
    lines = [Line(cash.id, amount, memo=f"Remitansi {reference} diterima", member_id=member.id),
             *loan_lines]
    if split.cash:
        lines.append(Line(cash.id, -split.cash, memo=f"Remitansi {reference} dibayar tunai",
                          member_id=member.id))
        parts.append(_part(PART_CASH, split.cash))
    memo = f"Remitansi {reference} dari {sender.name} ({country}) untuk {member.member_number} {member.name}"
    entry = savings.post_movements(cooperative_id, received_on, REMITTANCE, memo[:500], movements,
                                   lines, idempotency_key, created_by)

    remittance = Remittance(
        cooperative_id=cooperative_id, member_id=member.id, migrant_worker_id=sender.id,
        country=country, channel=channel, currency=currency, foreign_amount=foreign_amount,
        rate=str(rate) if rate is not None else None, amount_idr=amount, received_on=received_on,
        reference=reference, entry_id=entry.id, saved_amount=split.wajib + split.savings,
        cash_paid=split.cash, split=parts)
    try:
        # A savepoint: a concurrent recording of the same reference loses here.
        with db.session.begin_nested():
            db.session.add(remittance)
    except IntegrityError:
        existing = find_by_reference(cooperative_id, reference)
        if existing is None:
            raise
        raise _duplicate(existing) from None
    if record_loan_payments is not None and split.instalment:
        record_loan_payments(entry, remittance.id)
    remittance.replayed = False
    return remittance


def _loan_numbers(lines):
    from coop_app.loans.models import Loan
    loan_ids = {line.loan_id for line in lines if line.loan_id}
    return db.session.execute(select(Loan.number).where(Loan.id.in_(loan_ids))
                              .order_by(Loan.number)).scalars().all()


def _part(kind, amount, account=None):
    part = {"part": kind, "amount": str(to_money(amount))}
    if account is not None:
        part.update(account_id=account.id, account_number=account.number,
                    product=account.product.name)
    return part


def split_parts(remittance):
    """The stored split as dicts with Decimal amounts, in the order it was taken."""
    return [dict(part, amount=Decimal(part["amount"])) for part in remittance.split_list]


# -- reversal -----------------------------------------------------------------------------

def reverse_remittance(original, reversal):
    """A reversal handler (the registry's reversal_handlers): a reversed remittance takes its savings parts (wajib due, savings
    share) back out of the accounts with passbook lines, refused if that money is no longer
    there. The record stays, marked reversed: it leaves the remittance totals, and its
    reference is given up so that the transfer can be recorded again, correctly."""
    remittance = db.session.execute(
        select(Remittance).where(Remittance.cooperative_id == original.cooperative_id,
                                 Remittance.entry_id == original.id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    from coop_app.loans.reversal import reverse_payments_of_entry
    reverse_payments_of_entry(original, reversal)  # the instalments it paid, if any
    savings.reverse_savings_entry(original, reversal)
    if remittance is None:  # an entry of this kind always has its record; nothing to mark
        return
    remittance.reversal_entry_id = reversal.id
    db.session.flush()


# The ledger calls this when a manager reverses a remittance's entry.
REVERSAL_HANDLERS = {REMITTANCE: reverse_remittance}  # filled into the registry by create_app
