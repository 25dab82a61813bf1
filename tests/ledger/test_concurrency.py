"""Many clients at once: a retried submission still posts once, and cash is never overdrawn.

PostgreSQL (COOP_TEST_DATABASE_URL set): each thread has its own session; the unique key
and the savepoint in post_entry decide the race. SQLite (a file in WAL mode): every write
transaction begins with BEGIN IMMEDIATE, so writers queue behind the busy timeout.
"""
import os
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.posting import Line, post_entry
from coop_app.ledger.service import EXPENSE_VOUCHER
from tests.concurrency import run_at_once
from tests.support.books import journal_counts_in

D = Decimal
DAY = date(2025, 4, 1)
PG_URL = os.environ.get("COOP_TEST_DATABASE_URL")

needs_postgres = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (COOP_TEST_DATABASE_URL)")
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="the SQLite variant; PostgreSQL runs its own")


@pytest.fixture
def threaded_app(make_app, world):
    # One connection per thread and a few to spare: the pool must not be the bottleneck.
    return make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 5, "pool_timeout": 60})


def accounts(app, coop_id, *keys):
    with app.app_context():
        return [ledger.account_by_key(coop_id, key).id for key in keys]


def same_key_at_once(app, world, n):
    coop = world.ksp_id
    cash, grants = accounts(app, coop, "cash", "grants")

    def post(i):
        entry = post_entry(coop, DAY, "manual", "Setoran yang dikirim ulang", [
            Line(cash, D("250000.50")), Line(grants, D("-250000.50"))], "double-click")
        return entry.id, entry.replayed

    results = run_at_once(app, n, post)
    errors = [r[1] for r in results if r[0] == "error"]
    assert errors == []
    ids = {r[1][0] for r in results}
    assert len(ids) == 1
    assert sorted(r[1][1] for r in results) == [False] + [True] * (n - 1)
    assert journal_counts_in(app) == (1, 2)
    with app.app_context():
        assert ledger.account_balance(coop, cash) == D("250000.50")


@pytest.mark.postgres
@needs_postgres
def test_postgres_sixteen_threads_post_the_same_key_once(threaded_app, world):
    same_key_at_once(threaded_app, world, 16)


@sqlite_only
def test_sqlite_eight_threads_post_the_same_key_once(threaded_app, world):
    same_key_at_once(threaded_app, world, 8)


def concurrent_withdrawals(app, world, n):
    """n expense vouchers of 30.000 at once against 100.000 cash: three are paid."""
    coop = world.ksp_id
    cash, grants, office = accounts(app, coop, "cash", "grants", "office_expense")
    with app.app_context():
        post_entry(coop, DAY, "manual", "Modal", [Line(cash, D("100000")), Line(grants, D("-100000"))],
                   "fund")
        db.session.commit()

    def spend(i):
        return ledger.record_voucher(coop, EXPENSE_VOUCHER, DAY, cash, office, D("30000"),
                                     f"Belanja {i}", f"spend-{i}").id

    results = run_at_once(app, n, spend)
    paid = [r for r in results if r[0] == "ok"]
    refused = [r[1] for r in results if r[0] == "error"]
    assert len(paid) == 3
    assert len(refused) == n - 3 and all(isinstance(e, DomainError) for e in refused)
    with app.app_context():
        assert ledger.account_balance(coop, cash) == D("10000")
    assert journal_counts_in(app) == (4, 8)


@pytest.mark.postgres
@needs_postgres
def test_postgres_concurrent_vouchers_never_overdraw_cash(threaded_app, world):
    concurrent_withdrawals(threaded_app, world, 12)


@sqlite_only
def test_sqlite_concurrent_vouchers_never_overdraw_cash(threaded_app, world):
    concurrent_withdrawals(threaded_app, world, 8)


@pytest.mark.postgres
@needs_postgres
def test_postgres_many_keys_at_once_all_post(threaded_app, world):
    coop = world.ksp_id
    cash, grants = accounts(threaded_app, coop, "cash", "grants")

    def post(i):
        return post_entry(coop, DAY, "manual", "", [Line(cash, D(i + 1)), Line(grants, -D(i + 1))],
                          f"key-{i}").id

    results = run_at_once(threaded_app, 16, post)
    assert [r[0] for r in results] == ["ok"] * 16
    assert len({r[1] for r in results}) == 16
    assert journal_counts_in(threaded_app) == (16, 32)


def reversals_at_once(app, world, n):
    """n managers reverse the same entry at once, each with their own form key: one wins."""
    coop = world.ksp_id
    cash, grants = accounts(app, coop, "cash", "grants")
    with app.app_context():
        entry_id = post_entry(coop, DAY, "manual", "Salah catat", [
            Line(cash, D("5000")), Line(grants, D("-5000"))], "wrong").id
        db.session.commit()

    def reverse(i):
        return ledger.reverse_entry(coop, entry_id, f"Koreksi {i}", f"reverse-{i}",
                                    reversal_date=DAY).id

    results = run_at_once(app, n, reverse)
    assert [r[0] for r in results].count("ok") == 1
    refused = [r[1] for r in results if r[0] == "error"]
    assert all(isinstance(e, DomainError) for e in refused), refused
    assert journal_counts_in(app) == (2, 4)


@pytest.mark.postgres
@needs_postgres
def test_postgres_an_entry_is_reversed_once_under_concurrency(threaded_app, world):
    reversals_at_once(threaded_app, world, 8)


@sqlite_only
def test_sqlite_an_entry_is_reversed_once_under_concurrency(threaded_app, world):
    reversals_at_once(threaded_app, world, 6)
