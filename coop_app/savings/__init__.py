"""Savings products and accounts, deposits and withdrawals, wajib arrears, month-end interest
and profit sharing, the passbook and its documents. Remittances are a use case of their own
(remittances/)."""
