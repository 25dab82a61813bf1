"""Loans and sharia financing: products, schedules, the loan's life, month-end quality and
provisions, and the portfolio audit.

Modules: models (tables), schedule (pure calculator), quality (pure kolektibilitas and
provision rules), products, service (application, approval, disbursement), repayment,
workout (restructuring, write-off, recovery), monthend, check (check-ledger), portfolio
(SQL aggregates), views/forms (the loan pages), portfolio_views (audit pages and exports),
portal_views (the member's own loans), commands (CLI).
"""
