"""Remittances from migrant workers: recorded for a member in rupiah, split by the member's
standing allocation into wajib, loan instalments, savings and cash in one entry
(recording.py), reversed, listed (queries.py), and their receipts (documents.py). Spans
savings and loans, so it sits above them."""
