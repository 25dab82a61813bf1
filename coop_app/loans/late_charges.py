"""Late charges counted by the day: what a loan owes for the days late of its open instalments
up to a date that no month-end or earlier payment has charged yet, and what a reversed payment
takes back.

Each instalment keeps `late_charged_through`, the day up to which its late days were charged;
the month-end (monthend.py, set-based in SQL) and a payment both count from the day after it
and then move it, so no day is charged twice. A daily charge is `late_charge_daily_bp` a day
of the overdue amount (summed over the loan's instalments in sen-days, rounded once to the
rupiah half up); a fixed charge is charged once per late instalment. For a sharia product the
charge is ta'zir, paid to the social fund (repayment.credit_lines).
"""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coop_app.money import ZERO, from_sen, to_money, to_sen
from coop_app.loans.models import LATE_DAILY, LATE_FIXED, LATE_NONE
from coop_app.loans.quality import share_sen
from coop_app.loans.queries import unpaid_interest, unpaid_principal


@dataclass(frozen=True)
class Part:
    """One instalment's share of a charge."""
    installment: object
    charged_from: date | None  # its late_charged_through before the charge (None: never charged)
    sen_days: int  # its overdue amount in sen x the days charged


@dataclass(frozen=True)
class Charge:
    """A loan's late charge for the days late up to `on` (by its product's rule)."""
    kind: str
    daily_bp: int
    fixed: Decimal
    on: date | None = None
    parts: tuple = ()

    @property
    def amount(self):
        return charge_amount(self.kind, self.daily_bp, self.fixed,
                             [(part.charged_from, part.sen_days) for part in self.parts])

    def as_json(self):
        """What a payment keeps so that its reversal can undo the charge."""
        if not self.parts:
            return None
        return {"kind": self.kind, "daily_bp": self.daily_bp, "fixed": str(self.fixed),
                "on": self.on.isoformat(),
                "parts": [{"installment_id": part.installment.id, "sen_days": part.sen_days,
                           "from": part.charged_from.isoformat() if part.charged_from else None}
                          for part in self.parts]}


NO_CHARGE = Charge(LATE_NONE, 0, ZERO)


def days_uncharged(row, on):
    """The days instalment `row` is late on `on` that were not charged yet."""
    start = max(row.due_date, row.late_charged_through or row.due_date)
    return max(0, (on - start).days)


def charge_amount(kind, daily_bp, fixed, parts):
    """The charge of `parts`, (charged_from, sen_days) of each instalment charged: the daily
    rate on the sen-days, or the fixed amount for each instalment never charged before."""
    if kind == LATE_DAILY:
        return from_sen(share_sen(sum(sen_days for _from, sen_days in parts), daily_bp))
    if kind == LATE_FIXED:
        return to_money(fixed) * sum(1 for charged_from, _days in parts if charged_from is None)
    return ZERO


def charge_at(loan, rows, on):
    """The late charge of `loan` for the days late up to `on` of its open instalments `rows`
    not charged yet (by a month-end or an earlier payment)."""
    product = loan.product
    parts = []
    for row in rows:
        days = days_uncharged(row, on)
        if days:
            overdue = to_sen(unpaid_principal(row) + unpaid_interest(row))
            parts.append(Part(row, row.late_charged_through, overdue * days))
    return Charge(product.late_charge_kind, product.late_charge_daily_bp,
                  to_money(product.late_charge_fixed), on, tuple(parts))


def mark_charged(charge):
    """The instalments of `charge` are charged up to its date."""
    for part in charge.parts:
        part.installment.late_charged_through = charge.on


def undo(payment, rows):
    """Give the instalments of a reversed payment back the charged-through day they had before
    it, and return the part of its charge to take off the loan's late charges due (`rows`: the
    loan's instalments by id). An instalment that a later month-end charged on from the
    payment's date keeps its date and its share of the charge, so its days stay charged once."""
    data = payment.late_charged
    if isinstance(data, str):  # a driver that hands JSON back as text
        data = json.loads(data)
    if not data:
        return ZERO
    on = date.fromisoformat(data["on"])
    kept = []
    for part in data["parts"]:
        row = rows.get(part["installment_id"])
        charged_from = date.fromisoformat(part["from"]) if part["from"] else None
        if row is not None and not row.superseded and row.late_charged_through == on:
            row.late_charged_through = charged_from
        else:
            kept.append((charged_from, part["sen_days"]))
    return to_money(payment.late_charge) - charge_amount(data["kind"], data["daily_bp"],
                                                         Decimal(data["fixed"]), kept)
