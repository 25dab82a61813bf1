"""The books: chart of accounts, journal posting, reversal, reports, period close."""
