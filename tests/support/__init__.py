"""What the tests share, in one place (fixtures stay in the conftest.py files):

- `tests.support` (here): `key()`, a fresh idempotency key; `in_english(error)`, a domain
  error's message as an English reader sees it.
- `tests.support.books`: the database read back: accounts by key (`cash`, `bank`,
  `account_id`), products by code (`savings_product`, `loan_product`), entries and their
  lines, balances, row counts, and `assert_books_clean`.
- `tests.support.web`: the pages through the test client: logging in, reading in English,
  the text of a response or an element, a form's submission key, a table's column.

A helper whose name ends in `_in` takes the app first and runs in an app context of its
own (for page tests, which hold an app but no context); the others run in the caller's
app context (service tests, under the `ctx` fixture or a world fixture of their own).
"""
import uuid

from flask_babel import force_locale


def key():
    """A fresh idempotency key."""
    return uuid.uuid4().hex


def in_english(error):
    """A domain error's message as an English reader sees it."""
    with force_locale("en"):
        return str(error)
