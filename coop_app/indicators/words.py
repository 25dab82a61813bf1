"""What a KSPPS/BMT reads on the indicator pages, exports and report instead of the loan
words of the catalogue (pembiayaan for pinjaman, margin and bagi hasil for bunga): filled into
the registry's `sharia_words` beside the loans' own table (loans/words.py)."""


def N_(message):
    return message


SHARIA_WORDS = {
    "Productive credit outstanding": N_("Productive financing outstanding"),
    "Productive credit disbursed": N_("Productive financing disbursed"),
    "Productive borrowers": N_("Members with productive financing"),
    "Borrowers": N_("Members with financing"),
    "Entrepreneurs with productive credit": N_("Entrepreneurs with productive financing"),
    "Principal outstanding at t of loans for working capital or investment.":
        N_("Principal outstanding at t of financing for working capital or investment."),
    "Principal of loans for working capital or investment disbursed in P.":
        N_("Principal of financing for working capital or investment disbursed in P."),
    "Members with productive credit outstanding at t.":
        N_("Members with productive financing outstanding at t."),
    "Active members with a loan outstanding at t, over the active members.":
        N_("Active members with financing outstanding at t, over the active members."),
    "Entrepreneurs at t with productive credit outstanding, over the entrepreneurs.":
        N_("Entrepreneurs at t with productive financing outstanding, over the entrepreneurs."),
    "Principal outstanding at t of loans more than 30 days past due, over all principal "
    "outstanding at t.":
        N_("Principal outstanding at t of financing more than 30 days past due, over all "
           "principal outstanding at t."),
    "Active members at t with at least one movement they made in P (deposit, withdrawal, "
    "remittance, disbursement, repayment), over the active members at t. Interest postings, exit "
    "settlements and reversed entries do not count.":
        N_("Active members at t with at least one movement they made in P (deposit, withdrawal, "
           "remittance, disbursement, angsuran), over the active members at t. Profit-sharing "
           "and bonus postings, exit settlements and reversed entries do not count."),
}
