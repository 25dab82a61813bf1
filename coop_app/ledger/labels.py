"""Journal entry kinds in words: the ledger's own kinds here, the kinds other packages post
from the registry's `entry_kinds` (each package names its own; create_app fills them in)."""
from flask import g, has_app_context
from flask_babel import lazy_gettext as _l

from coop_app.cooperatives.models import KSPPS
from coop_app.ledger.service import CLOSING, EXPENSE_VOUCHER, INCOME_VOUCHER, MANUAL, REVERSAL
from coop_app.registry import registry

KIND_LABELS = {
    EXPENSE_VOUCHER: _l("Expense voucher"), INCOME_VOUCHER: _l("Income voucher"),
    MANUAL: _l("Manual entry"), REVERSAL: _l("Reversal"), CLOSING: _l("Year-end closing"),
}


def _sharia_here():
    """Whether the cooperative of the page (g.coop) is a KSPPS/BMT."""
    coop = g.get("coop") if has_app_context() else None
    return coop is not None and coop.type == KSPPS


def kind_label(kind, sharia=None):
    """A journal kind for people, in a KSPPS/BMT's own words where they differ (sharia: None
    takes it from the page's cooperative). A kind nobody named shows as it is stored."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    words = registry().entry_kinds.get(kind) if has_app_context() else None
    if words is None:
        return kind
    return words.of(_sharia_here() if sharia is None else sharia)
