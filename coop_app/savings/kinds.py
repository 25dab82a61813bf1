"""What the savings package stores as codes, in words: the journal entry kinds it posts (the
ledger's pages read them through the registry's `entry_kinds`) and the kinds of passbook
lines (the account page, the member's own pages)."""
from flask_babel import lazy_gettext as _l

from coop_app.registry import Words
from coop_app.savings.monthend import ENTRY_KINDS, INTEREST, PASSBOOK_KINDS, PROFIT_SHARING, WADIAH_BONUS
from coop_app.savings.movements import DEPOSIT, DEPOSIT_ENTRY, REVERSAL, WITHDRAWAL, WITHDRAWAL_ENTRY
from coop_app.web.fields import label

ENTRY_KIND_WORDS = {
    DEPOSIT_ENTRY: Words(_l("Savings deposit")),
    WITHDRAWAL_ENTRY: Words(_l("Savings withdrawal")),
    ENTRY_KINDS[INTEREST]: Words(_l("Interest on savings")),
    ENTRY_KINDS[PROFIT_SHARING]: Words(_l("Profit sharing on mudharabah savings")),
    ENTRY_KINDS[WADIAH_BONUS]: Words(_l("Bonus on wadiah savings")),
}

# Passbook lines (SavingsTransaction.kind). Remittances and a leaving member's settlement
# write their own kinds ("remittance", "settlement": remittances.recording, membership.leaving,
# packages above this one).
PASSBOOK_LABELS = {
    DEPOSIT: _l("Deposit"), WITHDRAWAL: _l("Withdrawal"), REVERSAL: _l("Reversal"),
    PASSBOOK_KINDS[INTEREST]: _l("Interest"), PASSBOOK_KINDS[PROFIT_SHARING]: _l("Profit share"),
    PASSBOOK_KINDS[WADIAH_BONUS]: _l("Wadiah bonus"),
    "remittance": _l("Remittance"), "settlement": _l("Settlement on leaving"),
}


def passbook_label(kind):
    return label(PASSBOOK_LABELS, kind)
