"""What a KSPPS/BMT says instead of a conventional cooperative's loan words: pembiayaan for
pinjaman (financing for loan), margin or bagi hasil for bunga (interest), ta'zir for denda
(late charge), angsuran. The registry's `sharia_words` reads this table (create_app fills it
in), so every page, form and message of a BMT says them without an `if` in a template
(cooperatives.words); the catalog translates both sides.

`N_` marks a message for extraction only: the table holds message ids, translated when a
page reads them."""


def N_(message):
    return message


SHARIA_WORDS = {
    # the financing itself
    "Loan": N_("Financing"),
    "Loans": N_("Financing"),
    "Loan number": N_("Financing number"),
    "Loan numbers start with it; it cannot change later.":
        N_("Financing numbers start with it; it cannot change later."),
    "Loan portfolio": N_("Financing portfolio"),
    "Loan products": N_("Financing products"),
    "New loan product": N_("New financing product"),
    "Loan simulation": N_("Financing simulation"),
    "Work out the instalments of a loan before applying. Nothing is recorded.":
        N_("Work out the angsuran of a financing before applying. Nothing is recorded."),
    "Loan write-off": N_("Financing write-off"),
    "Loans behind the figure": N_("Financing behind the figure"),
    "Loans: %(num)s": N_("Financing: %(num)s"),
    "Total: %(count)s loans": N_("Total: %(count)s financing"),
    "%(num)d loan": (N_("%(num)d financing"), N_("%(num)d financings")),
    "My loan": N_("My financing"),
    "My loans": N_("My financing"),
    "All my loans": N_("All my financing"),
    "New loan application": N_("New financing application"),
    "No loan matches.": N_("No financing matches."),
    "No loans match.": N_("No financing matches."),
    "Active loans": N_("Active financing"),
    "Gross outstanding principal (active loans)": N_("Gross outstanding principal (active financing)"),
    "Approve the loan": N_("Approve the financing"),
    "Back to the loan": N_("Back to the financing"),
    "Cancel the loan": N_("Cancel the financing"),
    "Pay off the loan": N_("Pay off the financing"),
    "Restructure the loan": N_("Restructure the financing"),
    "Write off the loan": N_("Write off the financing"),
    "To pay off the whole loan": N_("To pay off the whole financing"),
    "The member will see only their own savings, loans and passbook. Give them the username and "
    "password in person.":
        N_("The member will see only their own savings, financing and passbook. Give them the "
           "username and password in person."),
    "Each line has a debit or a credit; the debits must equal the credits. Savings and loan "
    "accounts are kept by their own pages and cannot be used here.":
        N_("Each line has a debit or a credit; the debits must equal the credits. Savings and "
           "financing accounts are kept by their own pages and cannot be used here."),
    "Outstanding principal, days past due, kolektibilitas and provisions are as of %(date)s: the "
    "classes and provisions of the last month-end on or before that date; the provisions equal the "
    "loan loss allowance in the ledger on that date. Flows are for %(start)s to %(end)s.":
        N_("Outstanding principal, days past due, kolektibilitas and provisions are as of %(date)s: "
           "the classes and provisions of the last month-end on or before that date; the provisions "
           "equal the allowance for financing losses (PPAP) in the ledger on that date. Flows are "
           "for %(start)s to %(end)s."),
    # margin and profit share, not interest
    "Interest or margin": N_("Margin or profit share"),
    "Interest or margin rate": N_("Margin or expected return rate"),
    "Interest or margin to pay off": N_("Margin or profit share to pay off"),
    "Overdue interest or margin": N_("Overdue margin or profit share"),
    "Due now (late charges, interest or margin, principal)":
        N_("Due now (ta'zir, margin or profit share, principal)"),
    "All remaining interest or margin is due": N_("All remaining margin or profit share is due"),
    "Only the current period's interest or margin is due":
        N_("Only the current period's margin or profit share is due"),
    "Rate or margin (% a year)": N_("Margin or expected return (% a year)"),
    "New rate or margin (% a year)": N_("New margin or expected return (% a year)"),
    "Interest; for murabahah the yearly margin on the amount financed; for mudharabah the expected "
    "equivalent rate. Qardh: 0.":
        N_("For murabahah the yearly margin on the amount financed; for mudharabah the expected "
           "equivalent rate. Qardh: 0."),
    "Blank: the product's rate.": N_("Blank: the product's margin or expected return."),
    "Interest rate (% a year)": N_("Expected return (% a year)"),
    # savings: bagi hasil and bonus, not interest; no penalty
    "Interest and profit sharing": N_("Profit sharing and bonus"),
    "Interest on": N_("Return computed on"),
    "Early-withdrawal penalty (percent of the amount)":
        N_("Early-withdrawal charge (percent of the amount)"),
    "Interest on sukarela and berjangka is computed on each account's average daily balance (or "
    "lowest balance, per product) and credited at the end of the month. Mudharabah savers share "
    "the income the manager declares, by nisbah and average balance; a wadiah bonus is shared by "
    "average balance. A month is posted once: running it again posts nothing new.":
        N_("Mudharabah savers share the income the manager declares, by nisbah and average "
           "balance; a wadiah bonus is shared by average balance. A month is posted once: running "
           "it again posts nothing new."),
    # ta'zir, not a late charge (denda)
    "Late charge": N_("Ta'zir"),
    "Late charges": N_("Ta'zir"),
    "Late charges due": N_("Ta'zir due"),
    "Late charge (% a day of the overdue amount)": N_("Ta'zir (% a day of the overdue amount)"),
    "Late charge, fixed (Rp per overdue instalment)": N_("Ta'zir, fixed (Rp per overdue angsuran)"),
    "late charge %(rate)s%% a day": N_("ta'zir %(rate)s%% a day"),
    "late charge %(amount)s": N_("ta'zir %(amount)s"),
}


def noun_id(sharia):
    """The financing's name in Indonesian text the books keep (a journal memo): pembiayaan at a
    KSPPS/BMT, pinjaman elsewhere."""
    return "pembiayaan" if sharia else "pinjaman"


def late_charge_id(sharia):
    """A late payment's charge in the Indonesian of a document: ta'zir at a KSPPS/BMT, denda
    elsewhere."""
    return "ta'zir" if sharia else "denda"
