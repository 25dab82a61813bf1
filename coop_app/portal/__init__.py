"""The member's own view (/c/<code>/me/): their savings, transactions, remittances, loans
and the PDFs of each. A face: it reads through the products' services and queries."""
