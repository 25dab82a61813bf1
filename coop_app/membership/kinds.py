"""The journal entry kinds of joining and leaving, in words (the ledger's pages read them
through the registry's `entry_kinds`)."""
from flask_babel import lazy_gettext as _l

from coop_app.membership.joining import JOINING_KIND
from coop_app.membership.leaving import SETTLEMENT_KIND
from coop_app.registry import Words

ENTRY_KIND_WORDS = {
    JOINING_KIND: Words(_l("A member joins (simpanan pokok)")),
    SETTLEMENT_KIND: Words(_l("A leaving member's settlement")),
}
