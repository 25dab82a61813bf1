"""The member's own view: their savings, transactions, remittances and passbook PDFs."""
