"""Closing a month across the products: the savings month-end, then the registered steps
(the loans'), each in its own transaction (monthend.py), and its page (views.py). The
year-end and SHU will live here."""
