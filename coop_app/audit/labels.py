"""The audited tables in words, for the audit log's column and filter: a KSPPS/BMT reads its
loan tables as financing (pembiayaan). A table nobody named shows as it is stored."""
from flask import g, has_app_context
from flask_babel import lazy_gettext as _l

from coop_app.cooperatives.models import KSPPS
from coop_app.registry import Words

TABLE_WORDS = {
    "assistances": Words(_l("Assistance to enterprises")),
    "consumer_price_indexes": Words(_l("Price indexes")),
    "cooperatives": Words(_l("Cooperative")),
    "enterprise_reports": Words(_l("Enterprise reports")),
    "enterprises": Words(_l("Enterprises")),
    "household_surveys": Words(_l("Household surveys")),
    "households": Words(_l("Households")),
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
    "training_participants": Words(_l("Training participants")),
    "trainings": Words(_l("Trainings")),
    "village_profiles": Words(_l("Village profiles")),
}


def table_label(name):
    words = TABLE_WORDS.get(name)
    if words is None:
        return name
    coop = g.get("coop") if has_app_context() else None
    return words.of(coop is not None and coop.type == KSPPS)


# One row of a table, in a sentence of the log ("Wartini added chart account #12"), for the
# tables whose package tells of its rows no better (registry().audit_records).
RECORD_WORDS = {
    "assistances": Words(_l("assistance")),
    "consumer_price_indexes": Words(_l("price index")),
    "cooperatives": Words(_l("the cooperative")),
    "enterprise_reports": Words(_l("enterprise report")),
    "enterprises": Words(_l("enterprise")),
    "gl_accounts": Words(_l("chart account")),
    "ledger_periods": Words(_l("ledger period")),
    "loan_events": Words(_l("loan history line"), sharia=_l("financing history line")),
    "loan_installments": Words(_l("loan instalment"), sharia=_l("financing instalment (angsuran)")),
    "loan_month_end_runs": Words(_l("loan month-end"), sharia=_l("financing month-end")),
    "loan_payments": Words(_l("loan payment"), sharia=_l("financing payment")),
    "loan_products": Words(_l("loan product"), sharia=_l("financing product")),
    "loans": Words(_l("loan"), sharia=_l("financing")),
    "members": Words(_l("member")),
    "migrant_workers": Words(_l("migrant worker")),
    "month_end_jobs": Words(_l("month-end job")),
    "remittance_allocations": Words(_l("remittance allocation")),
    "remittances": Words(_l("remittance")),
    "role_grants": Words(_l("role")),
    "savings_accounts": Words(_l("savings account")),
    "savings_month_end_runs": Words(_l("savings month-end")),
    "savings_products": Words(_l("savings product")),
    "savings_transactions": Words(_l("savings transaction")),
    "training_participants": Words(_l("training participant")),
    "trainings": Words(_l("training")),
    "users": Words(_l("user")),
    "village_profiles": Words(_l("village profile")),
}

# Columns in words, lower case, as they read inside a sentence ("changed the phone of ...").
# A package names its own columns in its AuditRecord's `fields`; these are the common ones.
FIELD_WORDS = {
    "accounts": Words(_l("accounts")),
    "active": Words(_l("active")),
    "actual_return_date": Words(_l("return date")),
    "address": Words(_l("address")),
    "amount": Words(_l("amount")),
    "applied_by": Words(_l("applied by")),
    "closed_by": Words(_l("closed by")),
    "decided_by": Words(_l("decided by")),
    "disbursed_by": Words(_l("paid out by")),
    "run_by": Words(_l("run by")),
    "amount_idr": Words(_l("amount in rupiah")),
    "balance": Words(_l("balance")),
    "balance_after": Words(_l("balance after")),
    "birth_date": Words(_l("date of birth")),
    "category": Words(_l("category")),
    "channel": Words(_l("channel")),
    "closed_on": Words(_l("closing date")),
    "code": Words(_l("code")),
    "cooperative_id": Words(_l("cooperative")),
    "country": Words(_l("country")),
    "created_at": Words(_l("time created")),
    "departure_date": Words(_l("departure date")),
    "destination_country": Words(_l("destination country")),
    "entry_id": Words(_l("journal entry")),
    "expected_return_date": Words(_l("expected return date")),
    "founded_on": Words(_l("founding date")),
    "fiscal_year_start_month": Words(_l("first month of the fiscal year")),
    "gender": Words(_l("gender")),
    "is_group": Words(_l("group account")),
    "join_date": Words(_l("joining date")),
    "kabupaten": Words(_l("kabupaten/kota")),
    "kecamatan": Words(_l("kecamatan")),
    "kind": Words(_l("kind")),
    "large_amount_sen": Words(_l("large amount")),
    "left_on": Words(_l("leaving date")),
    "member_id": Words(_l("member")),
    "member_number": Words(_l("member number")),
    "member_number_pattern": Words(_l("member number pattern")),
    "memo": Words(_l("memo")),
    "name": Words(_l("name")),
    "name_en": Words(_l("English name")),
    "name_search": Words(_l("name for searching")),
    "nik": Words(_l("NIK")),
    "notes": Words(_l("notes")),
    "number": Words(_l("number")),
    "opened_on": Words(_l("opening date")),
    "parent_id": Words(_l("parent account")),
    "period_end": Words(_l("period end")),
    "phone": Words(_l("phone")),
    "product_id": Words(_l("product")),
    "products": Words(_l("products")),
    "province": Words(_l("province")),
    "reference": Words(_l("reference")),
    "relationship": Words(_l("relationship")),
    "role": Words(_l("role")),
    "scope_kabupaten": Words(_l("kabupaten/kota of the scope")),
    "scope_province": Words(_l("province of the scope")),
    "sector": Words(_l("sector")),
    "start_date": Words(_l("start date")),
    "status": Words(_l("status")),
    "system_key": Words(_l("system key")),
    "time_zone": Words(_l("time zone")),
    "total": Words(_l("total")),
    "txn_date": Words(_l("date")),
    "type": Words(_l("type")),
    "user_id": Words(_l("login")),
    "village": Words(_l("village (desa)")),
    "workers": Words(_l("workers")),
}


def _sharia_here():
    coop = g.get("coop") if has_app_context() else None
    return coop is not None and coop.type == KSPPS


def record_label(name):
    """One row of a table in words ("member"); a table nobody named shows as it is stored."""
    words = RECORD_WORDS.get(name)
    return name if words is None else words.of(_sharia_here())


def field_label(name, own=None):
    """A column in words: the table's own (`own`, {column: Words}), the common ones, or the
    column's name with spaces."""
    words = (own or {}).get(name) or FIELD_WORDS.get(name)
    if words is None:
        return name.replace("_", " ")
    return words.of(_sharia_here())
