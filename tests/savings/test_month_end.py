"""Month-end: interest on average daily (or lowest) balances, mudharabah profit sharing by
nisbah, the wadiah bonus; set-based, exact to the rupiah, posted once per month."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coop_app.audit.models import AuditLog
from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from coop_app.savings import monthend
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsAccount, SavingsMonthEndRun
from tests.savings.helpers import add_member, open_with, passbook
from tests.support import key
from tests.support.books import (
    assert_books_clean,
    cash,
    coop,
    entry_lines,
    savings_balance,
    savings_counts,
    savings_product,
)
from tests.support.web import english, table_column

D = Decimal
JAN = date(2025, 1, 31)


def january_savers(s):
    """Siti: 1.000.000 for 30 days then 3.000.000 on 31 January; Budi: 500.000 from 10
    January; Wati: 100.000, 50.000 withdrawn on 16 January; a time deposit of 10.000.000."""
    siti = open_with(s.ksp_id, s.siti, "SS", "1000000", date(2024, 12, 15))
    savings.deposit(s.ksp_id, siti.id, D("2000000"), date(2025, 1, 31), cash(s.ksp_id), key())
    budi = open_with(s.ksp_id, s.budi, "SS", "500000", date(2025, 1, 10))
    wati = open_with(s.ksp_id, s.wati, "SS", "100000", date(2024, 12, 1))
    savings.withdraw(s.ksp_id, wati.id, D("50000"), date(2025, 1, 16), cash(s.ksp_id), key())
    deposit = open_with(s.ksp_id, s.wati, "SB12", "10000000", date(2024, 12, 20))
    # February movements must not change January's figures
    savings.deposit(s.ksp_id, siti.id, D("7000000"), date(2025, 2, 1), cash(s.ksp_id), key())
    db.session.commit()
    return siti.id, budi.id, wati.id, deposit.id


def test_average_daily_balances_in_sql(sctx):
    s = sctx
    siti, budi, wati, deposit = january_savers(s)
    rows = {b.account_id: b for b in monthend.month_balances(
        s.ksp_id, savings_product(s.ksp_id, "SS").id, date(2025, 1, 1), JAN)}
    # 1.000.000 x 30 + 3.000.000 x 1; average 1.064.516,13
    assert rows[siti].balance_days == D(33000000)
    assert (rows[siti].balance_days / 31).quantize(D("0.01")) == D("1064516.13")
    assert rows[budi].balance_days == D(500000 * 22) and rows[budi].lowest == 0
    assert rows[wati].balance_days == D(100000 * 15 + 50000 * 16) and rows[wati].lowest == D(50000)
    assert rows[siti].lowest == D(1000000) and rows[siti].member_id == s.siti
    assert set(rows) == {siti, budi, wati}
    # a movement on the first day of the month replaces the carried balance that day
    december = {b.account_id: b for b in monthend.month_balances(
        s.ksp_id, savings_product(s.ksp_id, "SS").id, date(2024, 12, 1), date(2024, 12, 31))}
    assert december[wati].balance_days == D(100000 * 31) and december[wati].lowest == D(100000)
    assert december[siti].balance_days == D(1000000 * 17) and december[siti].lowest == 0


def test_january_interest_is_posted_once_per_product(sctx):
    s = sctx
    siti, budi, wati, deposit = january_savers(s)
    results = {r.product.code: r for r in monthend.run_month_end(coop(s.ksp_id), JAN)}
    db.session.commit()
    # Siti 33.000.000 x 3% / 365 = 2.712,33 -> 2.712; Budi 11.000.000 x 3% / 365 = 904,11 -> 904;
    # Wati 2.300.000 x 3% / 365 = 189,04 -> 189; deposit 10.000.000 x 31 x 6% / 365 = 50.958,90 -> 50.959
    assert (results["SS"].status, results["SS"].accounts, results["SS"].total) == ("posted", 3, D("3805.00"))
    assert (results["SB12"].status, results["SB12"].total) == ("posted", D("50959.00"))
    entry = db.session.get(JournalEntry, results["SS"].entry_id)
    assert (entry.kind, entry.entry_date, entry.idempotency_key) == ("savings_interest", JAN, "month-end:SS:2025-01")
    assert entry.memo == "Bunga Simpanan Sukarela Januari 2025"
    assert entry_lines(entry.id) == {"savings_interest_expense": D("3805.00"), "simpanan_sukarela": D("-3805.00")}
    credits = {ln.savings_account_id: (-ln.amount, ln.member_id) for ln in entry.lines if ln.savings_account_id}
    assert credits == {siti: (D("2712.00"), s.siti), budi: (D("904.00"), s.budi), wati: (D("189.00"), s.wati)}
    # balances and passbooks moved in the same transaction
    assert savings_balance(siti) == D("10002712.00") and savings_balance(budi) == D("500904.00")
    assert savings_balance(wati) == D("50189.00") and savings_balance(deposit) == D("10050959.00")
    assert passbook(wati)[-1] == ("interest", D("189.00"), D("50189.00"))
    assert passbook(siti)[-1] == ("interest", D("2712.00"), D("10002712.00"))
    audited = db.session.execute(select(AuditLog.row_id, AuditLog.before, AuditLog.after).where(
        AuditLog.table_name == "savings_accounts", AuditLog.action == "update",
        AuditLog.row_id == wati)).all()
    assert (wati, {"balance": "50000.00"}, {"balance": "50189.00"}) in [tuple(r) for r in audited]
    assert_books_clean()

    before = savings_counts()
    again = monthend.run_month_end(coop(s.ksp_id), JAN)
    db.session.commit()
    assert {r.status for r in again} == {"already_run"}
    assert savings_counts() == before and savings_balance(siti) == D("10002712.00")
    runs = db.session.execute(select(func.count()).select_from(SavingsMonthEndRun)).scalar()
    assert runs == 2


def test_a_month_already_run_is_found_without_loading_its_lines(sctx):
    """The second run looks up the first by id only: loading the run's entry would load
    its lines, one per account (100,000 in a large cooperative)."""
    from sqlalchemy import event
    s = sctx
    january_savers(s)
    first = {r.product.code: r for r in monthend.run_month_end(coop(s.ksp_id), JAN)}
    db.session.commit()
    db.session.expunge_all()
    statements = []
    engine = db.session.get_bind()
    record = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        again = {r.product.code: r for r in monthend.run_month_end(coop(s.ksp_id), JAN)}
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert {code: (r.status, r.accounts, r.total, r.entry_id) for code, r in again.items()} == {
        code: ("already_run", r.accounts, r.total, r.entry_id) for code, r in first.items()}
    assert not [sql for sql in statements if "journal_lines" in sql], statements
    # A run whose savings_month_end_runs row is missing is still found by its key.
    db.session.execute(SavingsMonthEndRun.__table__.delete())
    statements.clear()
    event.listen(engine, "before_cursor_execute", record)
    try:
        by_key = {r.product.code: r for r in monthend.run_month_end(coop(s.ksp_id), JAN)}
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert by_key["SS"].status == "already_run" and by_key["SS"].entry_id == first["SS"].entry_id
    assert not [sql for sql in statements if "journal_lines" in sql], statements
    db.session.rollback()


def test_lowest_balance_method(sctx):
    s = sctx
    siti, budi, wati, _deposit = january_savers(s)
    savings_product(s.ksp_id, "SS").interest_method = "lowest_monthly"
    db.session.commit()
    results = {r.product.code: r for r in monthend.run_month_end(coop(s.ksp_id), JAN)}
    db.session.commit()
    # Siti 1.000.000 x 3% x 31/365 = 2.547,95 -> 2.548; Budi had 0 until 10 January -> nothing;
    # Wati 50.000 x 3% x 31/365 = 127,40 -> 127
    assert (results["SS"].accounts, results["SS"].total) == (2, D("2675.00"))
    assert savings_balance(siti) == D("10002548.00") and savings_balance(budi) == D("500000.00")
    assert savings_balance(wati) == D("50127.00")


def test_nothing_due_and_closed_accounts(sctx):
    s = sctx
    account = open_with(s.ksp_id, s.siti, "SS", "100000", date(2024, 12, 1))
    account.status = "closed"
    db.session.commit()
    results = {r.product.code: r for r in monthend.run_month_end(coop(s.ksp_id), JAN)}
    db.session.commit()
    assert (results["SS"].status, results["SS"].entry_id, results["SS"].total) == ("nothing_due", None, 0)
    assert savings_balance(account.id) == D("100000.00")


def bmt_savers(s):
    fatimah = add_member(s.bmt_id, "2024.00002", "Fatimah")
    aminah_sm = open_with(s.bmt_id, s.aminah, "SM", "10000000", date(2024, 12, 1))
    fatimah_sm = open_with(s.bmt_id, fatimah.id, "SM", "9990000000", date(2024, 12, 1))
    aminah_wd = open_with(s.bmt_id, s.aminah, "WD", "1000000", date(2024, 12, 1))
    fatimah_wd = open_with(s.bmt_id, fatimah.id, "WD", "2000000", date(2024, 12, 1))
    savings_product(s.bmt_id, "SM").nisbah_member_pct = 60  # nisbah 40:60, cooperative:members
    db.session.commit()
    return aminah_sm.id, fatimah_sm.id, aminah_wd.id, fatimah_wd.id


def test_mudharabah_profit_sharing_by_nisbah(sctx):
    s = sctx
    aminah_sm, fatimah_sm, aminah_wd, fatimah_wd = bmt_savers(s)
    sm, wd = savings_product(s.bmt_id, "SM"), savings_product(s.bmt_id, "WD")
    # without the manager's figures nothing is shared yet
    results = {r.product.code: r.status for r in monthend.run_month_end(coop(s.bmt_id), JAN)}
    assert results == {"SM": "not_requested", "WD": "not_requested", "SMB12": "not_requested"}
    assert db.session.execute(select(func.count()).select_from(SavingsMonthEndRun)).scalar() == 0
    results = {r.product.code: r for r in monthend.run_month_end(
        coop(s.bmt_id), JAN, {sm.id: D("40000000"), wd.id: D("100")})}
    db.session.commit()
    # average 10.000.000 of 10.000.000.000; income 40.000.000 x 60% x 0,1% = 24.000
    assert savings_balance(aminah_sm) == D("10024000.00")
    assert savings_balance(fatimah_sm) == D("9990000000.00") + D("23976000.00")
    assert results["SM"].total == D("24000000.00")
    entry = db.session.get(JournalEntry, results["SM"].entry_id)
    assert entry.kind == "savings_profit_sharing"
    assert entry_lines(entry.id) == {"profit_sharing_expense": D("24000000.00"),
                                  "simpanan_mudharabah": D("-24000000.00")}
    # wadiah bonus 100 over 1.000.000 and 2.000.000: 33,33 and 66,67 -> 33 and 67
    assert savings_balance(aminah_wd) == D("1000033.00") and savings_balance(fatimah_wd) == D("2000067.00")
    assert entry_lines(results["WD"].entry_id) == {"wadiah_bonus_expense": D("100.00"),
                                                "simpanan_wadiah": D("-100.00")}
    assert passbook(aminah_sm)[-1] == ("profit_share", D("24000.00"), D("10024000.00"))
    assert passbook(aminah_wd)[-1] == ("bonus", D("33.00"), D("1000033.00"))
    run = db.session.execute(select(SavingsMonthEndRun).where(SavingsMonthEndRun.product_id == sm.id)).scalar_one()
    assert (run.basis_amount, run.total, run.accounts, run.kind) == (D("40000000.00"), D("24000000.00"), 2,
                                                                      "profit_sharing")
    assert_books_clean()
    before = savings_counts()
    again = monthend.run_month_end(coop(s.bmt_id), JAN, {sm.id: D("50000000")})
    assert {r.product.code: r.status for r in again}["SM"] == "already_run"
    db.session.commit()
    assert savings_counts() == before


def test_month_end_refusals(sctx):
    s = sctx
    january_savers(s)
    wd = savings_product(s.bmt_id, "WD")
    today = date.today()
    with pytest.raises(DomainError, match="has not ended yet"):
        monthend.run_month_end(coop(s.ksp_id), today)
    with pytest.raises(DomainError, match="whole rupiah"):
        monthend.run_month_end(coop(s.bmt_id), JAN, {wd.id: D("100.50")})
    with pytest.raises(DomainError, match="more than zero"):
        monthend.run_month_end(coop(s.bmt_id), JAN, {wd.id: D("0")})
    db.session.rollback()
    ledger.close_period(coop(s.ksp_id), JAN)
    db.session.commit()
    before = savings_counts()
    with pytest.raises(DomainError, match="closed up to 2025-01-31"):
        monthend.run_month_end(coop(s.ksp_id), JAN)
    db.session.rollback()
    assert savings_counts() == before
    assert db.session.execute(select(func.count()).select_from(SavingsMonthEndRun)).scalar() == 0


# -- command line ---------------------------------------------------------------------------

def test_month_end_command(app, runner, savers):
    with app.app_context():
        january_savers(savers)
        bmt_savers(savers)
    result = runner.invoke(args=["coop", "month-end", "--date", "2025-01-31"])
    assert result.exit_code == 0, result.output
    assert "KSP-A SS: posted: 3 account(s), Rp3,805, entry #" in result.output
    assert "KSP-A SB12: posted: 1 account(s), Rp50,959" in result.output
    assert "BMT-C SM: not requested" in result.output
    assert "3 cooperative(s) done, 0 failed" in result.output
    again = runner.invoke(args=["coop", "month-end", "--date", "2025-01-15"])
    assert again.exit_code == 0 and "KSP-A SS: already run" in again.output
    shared = runner.invoke(args=["coop", "month-end", "--date", "2025-01-31", "--cooperative", "bmt-c",
                                 "--income", "SM=40.000.000", "--bonus", "WD=100"])
    assert shared.exit_code == 0, shared.output
    assert "BMT-C SM: posted: 2 account(s), Rp24,000,000" in shared.output
    assert "BMT-C WD: posted: 2 account(s), Rp100" in shared.output
    with app.app_context():
        from coop_app.ledger.check import check_ledger
        assert check_ledger()[1] == []


def test_month_end_command_bad_input(app, runner, savers):
    assert runner.invoke(args=["coop", "month-end"]).exit_code == 2
    assert runner.invoke(args=["coop", "month-end", "--date", "31-01-2025"]).exit_code == 2
    assert runner.invoke(args=["coop", "month-end", "--date", "2025-01-31", "--cooperative", "NOPE"]).exit_code == 2
    assert runner.invoke(args=["coop", "month-end", "--date", "2025-01-31", "--income", "SM=1"]).exit_code == 2
    bad = runner.invoke(args=["coop", "month-end", "--date", "2025-01-31", "--cooperative", "BMT-C",
                              "--income", "XX=1000"])
    assert bad.exit_code == 2 and "no month-end product" in bad.output
    bad = runner.invoke(args=["coop", "month-end", "--date", "2025-01-31", "--cooperative", "BMT-C",
                              "--bonus", "WD=banyak"])
    assert bad.exit_code == 2 and "not an amount" in bad.output
    with app.app_context():
        ledger.close_period(coop(savers.ksp_id), JAN)
        db.session.commit()
    failed = runner.invoke(args=["coop", "month-end", "--date", "2025-01-31"])
    assert failed.exit_code == 1 and "KSP-A: FAILED: " in failed.output
    assert "KSP-B SS: nothing due" in failed.output  # the others still ran
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SavingsMonthEndRun).where(
            SavingsMonthEndRun.cooperative_id == savers.ksp_id)).scalar() == 0


# -- the page -------------------------------------------------------------------------------

LAST_MONTH_END = date(2026, 10, 31)  # before the frozen clock's day (tests/conftest.py)


def test_manager_runs_the_month_end_from_the_page(app, client, auth, savers):
    with app.app_context():
        account = open_with(savers.ksp_id, savers.siti, "SS", "3650000", LAST_MONTH_END.replace(day=1) - timedelta(days=1))
        db.session.commit()
        account_id = account.id
    days = LAST_MONTH_END.day
    expected = (D(3650000) * days * D("0.03") / 365).quantize(D(1))  # 300 a day
    auth.login("manager")
    page = client.get("/c/KSP-A/savings/month-end").get_data(as_text=True)
    assert f'value="{LAST_MONTH_END.isoformat()}"' in page
    response = client.post("/c/KSP-A/savings/month-end", data={"period_end": LAST_MONTH_END.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(SavingsAccount, account_id).balance == D(3650000) + expected
    page = client.get("/c/KSP-A/savings/month-end").get_data(as_text=True)
    paid = sorted(table_column(page, "month-end-runs", 4))
    assert paid == sorted(["Rp0", "Rp{:,}".format(int(expected)).replace(",", ".")])
    again = client.post("/c/KSP-A/savings/month-end", data={"period_end": LAST_MONTH_END.isoformat()})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(SavingsAccount, account_id).balance == D(3650000) + expected


def test_bmt_manager_declares_income_on_the_page(app, client, auth, savers):
    start = LAST_MONTH_END.replace(day=1) - timedelta(days=1)
    with app.app_context():
        account = open_with(savers.bmt_id, savers.aminah, "SM", "1000000", start)
        savings_product(savers.bmt_id, "SM").nisbah_member_pct = 60
        db.session.commit()
        account_id, sm_id = account.id, savings_product(savers.bmt_id, "SM").id
    auth.login("bmt.manager")
    page = client.get("/c/BMT-C/savings/month-end").get_data(as_text=True)
    assert f'name="amount_{sm_id}"' in page
    response = client.post("/c/BMT-C/savings/month-end", data={
        "period_end": LAST_MONTH_END.isoformat(), f"amount_{sm_id}": "50.000"})
    assert response.status_code == 302
    with app.app_context():  # the only saver gets the members' 60% of 50.000
        assert db.session.get(SavingsAccount, account_id).balance == D("1030000.00")


@pytest.mark.parametrize("data, message", [
    ({"period_end": "2020-01-31"}, "Choose one of the listed options"),
    ({"period_end": ""}, "This field is required"),
    ({"period_end": LAST_MONTH_END.isoformat(), "amount_SM": "lima puluh"}, "That is not an amount"),
    ({"period_end": LAST_MONTH_END.isoformat(), "amount_WD": "100.50"}, "whole rupiah"),
])
def test_month_end_form_bad_input(app, client, auth, savers, data, message):
    with app.app_context():
        names = {f"amount_{code}": f"amount_{savings_product(savers.bmt_id, code).id}" for code in ("SM", "WD")}
    data = {names.get(k, k): v for k, v in data.items()}
    auth.login("bmt.manager")
    english(client)
    response = client.post("/c/BMT-C/savings/month-end", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SavingsMonthEndRun)).scalar() == 0


def test_month_end_access(client, auth, savers):
    data = {"period_end": LAST_MONTH_END.isoformat()}
    for user in ("treasurer", "auditor.all"):
        auth.login(user)
        page = client.get("/c/KSP-A/savings/month-end")
        assert page.status_code == 200 and 'name="period_end"' not in page.get_data(as_text=True)
        assert client.post("/c/KSP-A/savings/month-end", data=data).status_code == 403
        auth.logout()
    auth.login("member")
    assert client.get("/c/KSP-A/savings/month-end").status_code == 403
    auth.logout()
    auth.login("bmt.manager")
    assert client.get("/c/KSP-A/savings/month-end").status_code == 404
    assert client.post("/c/KSP-A/savings/month-end", data=data).status_code == 404
