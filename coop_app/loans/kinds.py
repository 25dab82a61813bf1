"""The journal entry kinds the loans package posts, in words: a KSPPS/BMT reads them as
financing (pembiayaan, ta'zir), a KSP as loans (the ledger's pages read them through the
registry's `entry_kinds`)."""
from flask_babel import lazy_gettext as _l

from coop_app.loans.disbursement import DISBURSEMENT_ENTRY
from coop_app.loans.monthend import ENTRY_KIND as MONTH_END_ENTRY
from coop_app.loans.repayment import REPAYMENT_ENTRY
from coop_app.loans.workout import RECOVERY_ENTRY, WRITE_OFF_ENTRY
from coop_app.registry import Words

ENTRY_KIND_WORDS = {
    DISBURSEMENT_ENTRY: Words(_l("Loan disbursement"), sharia=_l("Financing disbursement")),
    REPAYMENT_ENTRY: Words(_l("Loan instalment"), sharia=_l("Financing instalment")),
    MONTH_END_ENTRY: Words(_l("Loan month-end: quality, provisions, late charges"),
                           sharia=_l("Financing month-end: quality, provisions, ta'zir")),
    WRITE_OFF_ENTRY: Words(_l("Loan write-off"), sharia=_l("Financing write-off")),
    RECOVERY_ENTRY: Words(_l("Recovery of a written-off loan"),
                          sharia=_l("Recovery of written-off financing")),
}
