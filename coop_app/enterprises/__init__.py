"""Members' productive enterprises, village products (OVOP), sales and income reports."""
