"""The loan and financing methods (akad), one record each: the schedule rule that computes its
instalments, whether it is sharia financing, the accounts it posts to, and its words for
people and for the Indonesian documents.

Every per-method rule of the loans package asks this table (`of(code)`), so a new method is
one record here, plus what lies outside the package's code: its accounts in the chart
(ledger/chart.py), the `method` check of the loan tables (a migration), and a rule in the
pure calculator schedule.py if none of the existing ones computes it.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The codes stored in loan_products.method and loans.method.
FLAT, EFFECTIVE, ANNUITY = "flat", "effective", "annuity"
MURABAHAH, QARDH, MUDHARABAH = "murabahah", "qardh", "mudharabah"


@dataclass(frozen=True)
class Method:
    code: str  # what products and loans store
    label: object  # its name on the pages (translated)
    schedule_rule: str  # the schedule.build_schedule method that computes its instalments
    sharia: bool  # a KSPPS/BMT finances with it (an akad); a KSP lends with the others
    receivable_key: str  # the GL account (system key) holding what the member owes
    income_key: str | None  # where its charge is earned, when paid; None: it charges nothing
    late_charge_key: str  # where late charges go: penalty income, or ta'zir to the social fund
    charge_word: str  # the charge part of an instalment in the Indonesian documents
    name_id: str  # the method in the Indonesian documents
    agreement_title: str  # the title of its Indonesian agreement
    # A sale of goods at cost plus a disclosed margin (murabahah): the application gives the
    # goods, their cost price and the down payment, the margin may be given as an amount; the
    # receivable holds the sale price with the margin deferred until paid, and the sale price
    # never changes (a restructuring spreads the unpaid margin over the new term).
    sale: bool = False
    benevolent: bool = False  # charges nothing: its rate is always 0 (qardh)
    profit_sharing: bool = False  # the profit is shared by a nisbah (mudharabah)


_CONVENTIONAL = dict(sharia=False, receivable_key="loans_receivable", income_key="interest_income",
                     late_charge_key="penalty_income", charge_word="Bunga",
                     agreement_title="Perjanjian Pinjaman")
_SHARIA = dict(sharia=True, late_charge_key="social_fund")

METHODS = {method.code: method for method in (
    Method(FLAT, _l("Flat"), "flat", name_id="bunga tetap (flat)", **_CONVENTIONAL),
    Method(EFFECTIVE, _l("Declining balance (equal principal)"), "effective",
           name_id="bunga menurun (efektif, pokok sama)", **_CONVENTIONAL),
    Method(ANNUITY, _l("Annuity"), "annuity", name_id="anuitas", **_CONVENTIONAL),
    Method(MURABAHAH, _l("Murabahah (cost plus margin)"), "murabahah",
           receivable_key="murabahah_receivable", income_key="margin_income", charge_word="Margin",
           name_id="akad murabahah", agreement_title="Akad Murabahah", sale=True, **_SHARIA),
    Method(QARDH, _l("Qardh (benevolent financing)"), "qardh", receivable_key="qardh_receivable",
           income_key=None, charge_word="Jasa", name_id="akad qardh", agreement_title="Akad Qardh",
           benevolent=True, **_SHARIA),
    Method(MUDHARABAH, _l("Mudharabah (profit sharing)"), "mudharabah",
           receivable_key="mudharabah_financing", income_key="profit_share_income",
           charge_word="Bagi hasil", name_id="akad mudharabah", agreement_title="Akad Mudharabah",
           profit_sharing=True, **_SHARIA),
)}

CONVENTIONAL_METHODS = tuple(code for code, method in METHODS.items() if not method.sharia)
SHARIA_METHODS = tuple(code for code, method in METHODS.items() if method.sharia)
# Every account that holds loans' principal (murabahah's with the margin deferred against it).
RECEIVABLE_KEYS = tuple(sorted({method.receivable_key for method in METHODS.values()}))
DEFERRED_MARGIN_KEY = "deferred_margin"


def of(code):
    """The record of a method code (KeyError for a code that is none)."""
    return METHODS[code]


def offered(sharia):
    """The codes a cooperative may lend with: sharia methods for a KSPPS/BMT, the others for a KSP."""
    return SHARIA_METHODS if sharia else CONVENTIONAL_METHODS


def label(code):
    """The method's name on the pages; an unknown code as it is."""
    method = METHODS.get(code)
    return method.label if method else code
