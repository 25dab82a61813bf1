"""The audited tables in words, for the audit log's column and filter: a KSPPS/BMT reads its
loan tables as financing (pembiayaan). A table nobody named shows as it is stored."""
from flask import g, has_app_context
from flask_babel import lazy_gettext as _l

from coop_app.cooperatives.models import KSPPS
from coop_app.registry import Words

TABLE_WORDS = {
    "cooperatives": Words(_l("Cooperative")),
    "enterprises": Words(_l("Enterprises")),
    "gl_accounts": Words(_l("Chart of accounts")),
    "ledger_periods": Words(_l("Ledger periods")),
    "loan_events": Words(_l("Loan history"), sharia=_l("Financing history")),
    "loan_installments": Words(_l("Loan instalments"), sharia=_l("Financing instalments")),
    "loan_month_end_runs": Words(_l("Loan month-ends"), sharia=_l("Financing month-ends")),
    "loan_payments": Words(_l("Loan payments"), sharia=_l("Financing payments")),
    "loan_products": Words(_l("Loan products"), sharia=_l("Financing products")),
    "loans": Words(_l("Loans"), sharia=_l("Financing")),
    "members": Words(_l("Members")),
    "migrant_workers": Words(_l("Migrant workers")),
    "month_end_jobs": Words(_l("Month-end jobs")),
    "remittance_allocations": Words(_l("Remittance allocations")),
    "remittances": Words(_l("Remittances")),
    "role_grants": Words(_l("Roles")),
    "savings_accounts": Words(_l("Savings accounts")),
    "savings_month_end_runs": Words(_l("Savings month-ends")),
    "savings_products": Words(_l("Savings products")),
    "savings_transactions": Words(_l("Savings transactions")),
}


def table_label(name):
    words = TABLE_WORDS.get(name)
    if words is None:
        return name
    coop = g.get("coop") if has_app_context() else None
    return words.of(coop is not None and coop.type == KSPPS)
