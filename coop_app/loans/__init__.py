"""Loans and sharia financing: products, schedules, the loan's life, month-end quality and
provisions, and the portfolio audit.

Modules: models (tables), methods (the table of methods: flat ... mudharabah, their schedule
rule, accounts and words), schedule (pure calculator), quality (pure kolektibilitas and
provision rules), products, terms (an application's checks and the schedule a loan's terms
give), queries (reading loans, and the pages' lists as selects), application (apply, approve,
reject, cancel), disbursement (paying out, the pledge of savings), repayment, reversal
(undoing repayments and disbursements), workout (restructuring, write-off, recovery),
monthend, check (check-ledger), documents (the Indonesian PDFs); the pages: views (the list,
the application, the loan's page), action_views (what staff do to a loan), product_views
(products and the simulation), forms; portfolio/ (figures, the loans behind them, exports and
the audit pages). The member's own loans are in coop_app/portal/loans.py, the commands in
coop_app/cli/loans.py.
"""
