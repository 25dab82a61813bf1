"""Membership: a person joining the cooperative with the simpanan pokok (joining.py),
leaving with the settlement of their savings (leaving.py), and the import of a member
register from a file (importer.py, import_rows.py). Spans the register and savings (and
loans, which must be settled before leaving), so it sits above them."""
