"""Savings products and accounts, deposits, withdrawals, remittances, interest and profit sharing."""
