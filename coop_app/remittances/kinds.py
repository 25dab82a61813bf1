"""The journal entry kind of a remittance, in words (the ledger's pages read it through the
registry's `entry_kinds`)."""
from flask_babel import lazy_gettext as _l

from coop_app.registry import Words
from coop_app.remittances.recording import REMITTANCE

ENTRY_KIND_WORDS = {REMITTANCE: Words(_l("Remittance received"))}
