"""The operator's pages: cooperatives, users and their roles. No money is posted here."""
