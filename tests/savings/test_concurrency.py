"""Many tellers withdrawing from one account at once never overdraw it: the account row is
locked (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) before its balance
is read, so the refusals are DomainErrors and the books still agree."""
import os
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.check import check_ledger
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsAccount, SavingsTransaction
from tests.concurrency import run_at_once
from tests.savings.helpers import build_savers, open_with
from tests.support.books import cash

D = Decimal
DAY = date(2025, 4, 1)
PG_URL = os.environ.get("COOP_TEST_DATABASE_URL")

needs_postgres = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (COOP_TEST_DATABASE_URL)")
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="the SQLite variant; PostgreSQL runs its own")


@pytest.fixture
def threaded(make_app):
    """(app, savers): one pooled connection per thread and a few to spare."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 22, "max_overflow": 5, "pool_timeout": 60})
    with app.app_context():
        return app, build_savers()


def opened(app, savers):
    with app.app_context():
        account = open_with(savers.ksp_id, savers.siti, "SS", "1000000", DAY)
        db.session.commit()
        return account.id, cash(savers.ksp_id)


def withdrawals_at_once(threaded, n):
    """n withdrawals of 70.000 at once from 1.000.000 with a 10.000 minimum: 14 can be paid."""
    app, savers = threaded
    account_id, cash_id = opened(app, savers)

    def withdraw(i):
        return savings.withdraw(savers.ksp_id, account_id, D("70000"), DAY, cash_id, f"withdraw-{i}").id

    results = run_at_once(app, n, withdraw)
    paid = [r[1] for r in results if r[0] == "ok"]
    refused = [r[1] for r in results if r[0] == "error"]
    assert all(isinstance(error, DomainError) for error in refused), refused
    assert len(paid) == min(n, 14) and len(set(paid)) == len(paid)
    with app.app_context():
        final = db.session.get(SavingsAccount, account_id).balance
        assert final == D("1000000") - D("70000") * len(paid)
        assert final >= D("10000")
        assert db.session.execute(select(func.count()).select_from(SavingsTransaction).where(
            SavingsTransaction.account_id == account_id)).scalar() == 1 + len(paid)
        assert check_ledger()[1] == []
    return len(paid), len(refused)


@pytest.mark.postgres
@needs_postgres
def test_postgres_twenty_withdrawals_at_once_never_overdraw(threaded):
    assert withdrawals_at_once(threaded, 20) == (14, 6)


@sqlite_only
def test_sqlite_eight_withdrawals_at_once(threaded):
    # 8 x 70.000 = 560.000 all fit; the next test drains it
    assert withdrawals_at_once(threaded, 8) == (8, 0)


def drain_at_once(threaded, n):
    """n withdrawals of 300.000 from 1.000.000 (minimum 10.000): exactly three are paid."""
    app, savers = threaded
    account_id, cash_id = opened(app, savers)

    def withdraw(i):
        return savings.withdraw(savers.ksp_id, account_id, D("300000"), DAY, cash_id, f"drain-{i}").id

    results = run_at_once(app, n, withdraw)
    assert [r[0] for r in results].count("ok") == 3
    assert all(isinstance(r[1], DomainError) for r in results if r[0] == "error")
    with app.app_context():
        assert db.session.get(SavingsAccount, account_id).balance == D("100000.00")
        assert check_ledger()[1] == []


@sqlite_only
def test_sqlite_eight_tellers_drain_an_account(threaded):
    drain_at_once(threaded, 8)


@pytest.mark.postgres
@needs_postgres
def test_postgres_twenty_tellers_drain_an_account(threaded):
    drain_at_once(threaded, 20)


def month_end_twice_at_once(threaded, n):
    """n managers run January's month-end at once: the interest is credited once."""
    from coop_app.cooperatives.models import Cooperative
    from coop_app.savings import monthend

    app, savers = threaded
    with app.app_context():
        account = open_with(savers.ksp_id, savers.siti, "SS", "3650000", date(2024, 12, 1))
        db.session.commit()
        account_id = account.id

    def run(i):
        cooperative = db.session.get(Cooperative, savers.ksp_id)
        return {r.product.code: r.status for r in monthend.run_month_end(cooperative, date(2025, 1, 31))}

    results = run_at_once(app, n, run)
    assert [r[0] for r in results] == ["ok"] * n, results
    statuses = [r[1]["SS"] for r in results]
    assert sorted(statuses) == ["already_run"] * (n - 1) + ["posted"]
    with app.app_context():
        # 3.650.000 x 31 days x 3% / 365 = 9.300
        assert db.session.get(SavingsAccount, account_id).balance == D("3659300.00")
        assert check_ledger()[1] == []


@sqlite_only
def test_sqlite_month_end_run_twice_at_once_posts_once(threaded):
    month_end_twice_at_once(threaded, 4)


@pytest.mark.postgres
@needs_postgres
def test_postgres_month_end_run_at_once_posts_once(threaded):
    month_end_twice_at_once(threaded, 6)
