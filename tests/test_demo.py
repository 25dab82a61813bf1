"""`flask coop demo`: two cooperatives, a user for every role, a year of members of migrant
families with their savings, remittances and enterprises, and books that check out."""
import re
import shutil
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from coop_app import create_app
from coop_app.audit.models import AuditLog
from coop_app.auth.models import RoleGrant, User
from coop_app.config import TestConfig
from coop_app.cooperatives.models import Cooperative
from coop_app.demo import COOPERATIVES, DEMO_PASSWORD, USERS, load_demo
from coop_app.enterprises.models import Enterprise
from coop_app.database import refresh_statistics
from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.registry import registry
from coop_app.ledger.models import JournalEntry, JournalLine, LedgerPeriod
from coop_app.members.models import Member, MigrantWorker
from coop_app.members.nik import check_nik
from coop_app.members.service import returnee_eligible
from coop_app.savings.arrears import arrears_list
from coop_app.remittances.queries import remittance_totals
from coop_app.savings.models import (Remittance, RemittanceAllocation, SavingsAccount,
                                     SavingsMonthEndRun, SavingsProduct, SavingsTransaction)
from coop_app.savings.check import check_savings_subledger

from tests.conftest import PG_URL, Auth, _migrate

DEMO_TABLES = (JournalEntry, JournalLine, User, RoleGrant, LedgerPeriod, Member, MigrantWorker,
               SavingsAccount, SavingsTransaction, Remittance, RemittanceAllocation, Enterprise,
               SavingsMonthEndRun, AuditLog)
# The NIK's first four digits: province and kabupaten of each demo cooperative.
KABUPATEN = {"KSP-IDM01": "3212", "BMT-LTM01": "5203"}
DEMO_MEMBER = {"KSP-IDM01": ("ksp.anggota", "Casmadi"), "BMT-LTM01": ("bmt.anggota", "Sahnan")}
# The demo is built as of a fixed day, the 1st of a month (the day a month's figures turn
# over), so no test depends on the day it runs.
DEMO_TODAY = date(2026, 11, 1)


def _pg_database(suffix):
    """The URL of a PostgreSQL database beside the worker's own, named <worker db>_<suffix>."""
    base = make_url(PG_URL)
    return base.set(database=f"{base.database}_{suffix}")


def _pg_admin(statements):
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session")
def demo_database(database_template, tmp_path_factory):
    """The demo is loaded once (per test worker: the modules reading it import this
    fixture) and each test reading it gets a copy: on SQLite a file; on
    PostgreSQL a database (<worker db>_demo) that each test copies with CREATE DATABASE ...
    TEMPLATE, a file copy on the server, where loading the demo again took half a minute."""
    if PG_URL:
        template = _pg_database("demo")
        _pg_admin([f'DROP DATABASE IF EXISTS "{template.database}" WITH (FORCE)',
                   f'CREATE DATABASE "{template.database}"'])
        url = template.render_as_string(hide_password=False)
        _migrate(url)
        app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
        with app.app_context():
            assert load_demo(today=DEMO_TODAY) is True
            db.session.commit()
            refresh_statistics(db.session)  # as `flask coop demo` does
            db.session.remove()
            db.engine.dispose()
        yield template.database
        _pg_admin([f'DROP DATABASE IF EXISTS "{template.database}" WITH (FORCE)'])
        return
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(database_template, path)
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}))
    with app.app_context():
        assert load_demo(today=DEMO_TODAY) is True
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield path


@pytest.fixture
def demo_app(demo_database, make_app, tmp_path):
    """An app on a database holding the demo as of DEMO_TODAY."""
    if PG_URL:  # a fresh copy of the demo's database
        copy = _pg_database("demo_copy")
        _pg_admin([f'DROP DATABASE IF EXISTS "{copy.database}" WITH (FORCE)',
                   f'CREATE DATABASE "{copy.database}" TEMPLATE "{demo_database}"'])
        return make_app(SQLALCHEMY_DATABASE_URI=copy.render_as_string(hide_password=False))
    path = tmp_path / "demo.db"
    shutil.copy(demo_database, path)
    return make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def cooperative(code):
    return db.session.execute(select(Cooperative).where(Cooperative.code == code)).scalar_one()


def ended_months(today, months):
    """The last day of each of the `months` months before today's."""
    ends, day = [], today.replace(day=1)
    for _ in range(months):
        day -= timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return ends


def test_demo_command_loads_once(app, runner):
    result = runner.invoke(args=["coop", "demo", "--lang", "en", "--url", "http://127.0.0.1:8080/"])
    assert result.exit_code == 0, result.output
    # Progress as it loads (each line with the seconds since the start), then what was loaded.
    lines = [re.sub(r"^\[ *\d+ s\] ", "", line) for line in result.output.splitlines()]
    steps = ["Loading the demo data: the cooperatives and their users",
             "Cooperative 1/2, KSP Desmigratif Sumber Rejeki: members, savings, remittances and loans",
             "Cooperative 2/2, KSPPS BMT Desmigratif Al-Amanah: members, savings, remittances and loans",
             "Closing the past months", "Saving the demo data"]
    assert [line for line in lines if line in steps] == steps
    assert sum(line.startswith("Cooperative 1/2, KSP Desmigratif Sumber Rejeki: posting ") for line in lines) >= 12
    assert re.search(r"^Demo data loaded in \d+ s: 2 cooperatives, 10 users, 122 members, \d+ savings "
                     r"accounts, \d+ loans, \d+ journal entries\.$", result.output, re.M)
    assert ("Open http://127.0.0.1:8080/ and log in with the password Desmigratif2026 as one of: admin, "
            "auditor, pendamping.jabar, ksp.manajer,") in result.output
    with app.app_context():
        codes = db.session.execute(select(Cooperative.code).order_by(Cooperative.code)).scalars().all()
        assert codes == ["BMT-LTM01", "KSP-IDM01"]
        assert count(User) == 10
        assert {u for u in db.session.execute(select(User.username)).scalars()} == {
            u[0] for u in USERS}
        assert count(JournalEntry) >= 2 * (2 + 6 * 7)  # opening entries and six months of vouchers each
        assert count(Member) == 122  # 60 a cooperative and a cancelled registration each
        if db.engine.dialect.name == "postgresql":  # the command gathered fresh statistics
            assert db.session.execute(text(
                "SELECT reltuples FROM pg_class WHERE relname = 'members'")).scalar() == 122
        before = {model.__tablename__: count(model) for model in DEMO_TABLES}

    again = runner.invoke(args=["coop", "demo"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("Data demo sudah dimuat; tidak ada yang diubah.\n")  # Indonesian by default
    assert "Masuk dengan kata sandi Desmigratif2026 sebagai salah satu dari: admin," in again.output
    with app.app_context():
        assert {model.__tablename__: count(model) for model in DEMO_TABLES} == before
        assert count(Cooperative) == 2 and count(User) == 10


def test_demo_books_check_out(demo_app):
    app = demo_app
    with app.app_context():
        facts, problems = check_ledger()
        assert problems == []
        assert facts["cooperatives"] == 2
        for spec in COOPERATIVES:
            coop = db.session.execute(select(Cooperative).where(Cooperative.code == spec["code"])).scalar_one()
            # Every month but the last two is closed, in order.
            periods = ledger.periods(coop.id)
            assert len(periods) == 4
            assert ledger.next_period_to_close(coop) == ledger.month_end(
                date.fromordinal(periods[0].period_end.toordinal() + 1))
            _, debit, credit = reports.trial_balance(coop.id, DEMO_TODAY)
            assert debit == credit > 0
            # Cash and bank never went below zero on any day: everything was posted in date
            # order, so every expense and withdrawal was paid from money that was there.
            for key in ("cash", "bank"):
                account_id = ledger.account_by_key(coop.id, key).id
                daily = db.session.execute(
                    select(JournalEntry.entry_date, func.sum(JournalLine.amount))
                    .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
                    .where(JournalLine.account_id == account_id)
                    .group_by(JournalEntry.entry_date).order_by(JournalEntry.entry_date)).all()
                running = [sum(total for _day, total in daily[:n + 1]) for n in range(len(daily))]
                assert len(daily) > 50 and min(running) >= 0 and running[-1] > 0, key
            roles = db.session.execute(select(RoleGrant.role).where(
                RoleGrant.cooperative_id == coop.id)).scalars().all()
            # KSP-IDM01 also has its pendamping desa (the village facilitator).
            assert sorted(roles) == ["manager", "member"] + (
                ["pendamping"] if spec["code"] == "KSP-IDM01" else []) + ["treasurer"]
        # The savings sub-ledger is among the checks, and every balance matches its lines.
        assert check_savings_subledger in registry().subledger_checks
        assert check_savings_subledger() == []
        assert facts["entries"] > 1000
    result = app.test_cli_runner().invoke(args=["coop", "check-ledger"])
    assert result.exit_code == 0 and "OK" in result.output


def test_demo_across_a_fiscal_year_end_closes_into_shu(ctx):
    # Six months up to March 2026: September to December 2025 are closed, December with
    # the year-end closing entry.
    assert load_demo(today=date(2026, 3, 15)) is True
    db.session.commit()
    assert load_demo(today=date(2026, 3, 15)) is False
    for spec in COOPERATIVES:
        coop = db.session.execute(select(Cooperative).where(Cooperative.code == spec["code"])).scalar_one()
        assert [p.period_end for p in ledger.periods(coop.id)] == [
            date(2025, 12, 31), date(2025, 11, 30), date(2025, 10, 31), date(2025, 9, 30)]
        closing = db.session.get(JournalEntry, ledger.periods(coop.id)[0].closing_entry_id)
        assert closing.kind == "closing" and closing.entry_date == date(2025, 12, 31)
        shu = ledger.account_by_key(coop.id, "shu_undistributed").id
        year_end = reports.balances_by_account(coop.id, as_of=date(2025, 12, 31))
        assert year_end.get(shu) == sum(ln.amount for ln in closing.lines if ln.account_id == shu)
        for account in ledger.accounts(coop.id, types=["income", "expense"]):
            assert account.id not in year_end
    assert check_ledger()[1] == []


def test_demo_members_of_every_category_with_their_savings_and_remittances(demo_app):
    today = DEMO_TODAY
    with demo_app.app_context():
        for spec in COOPERATIVES:
            coop = cooperative(spec["code"])
            members = db.session.execute(select(Member).where(
                Member.cooperative_id == coop.id)).scalars().all()
            by_category = {}
            for member in members:
                by_category[member.category] = by_category.get(member.category, 0) + 1
            # 60 members, and one villager of the next desa whose registration was cancelled
            assert by_category == {"ctki": 10, "family": 22, "returnee": 14, "other": 15}
            statuses = [m.status for m in members]
            assert (statuses.count("resigned"), statuses.count("cancelled")) == (1, 1)
            # Real NIKs of the kabupaten: birth date and gender encoded, women's day + 40.
            for member in members:
                assert check_nik(member.nik, member.birth_date, member.gender) == member.nik
                assert member.nik.startswith(KABUPATEN[spec["code"]])
                assert 1 <= int(member.nik[4:6]) <= 30
            assert len({m.nik for m in members}) == len(members)

            # Every member has one pokok and one wajib account; active members paid their pokok.
            kinds = db.session.execute(
                select(SavingsAccount.member_id, SavingsProduct.kind, SavingsAccount.balance,
                       SavingsAccount.status)
                .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
                .where(SavingsAccount.cooperative_id == coop.id,
                       SavingsProduct.kind.in_(["pokok", "wajib"]))).all()
            assert sorted((member_id, kind) for member_id, kind, _b, _s in kinds) == sorted(
                (m.id, kind) for m in members for kind in ("pokok", "wajib"))
            active = {m.id for m in members if m.status == "active"}
            assert {member_id for member_id, kind, balance, status in kinds
                    if kind == "pokok" and balance == 100000 and status == "open"} == active
            # A year of monthly wajib: some paid in each of the last twelve months.
            wajib_months = set(db.session.execute(
                select(SavingsTransaction.txn_date)
                .join(SavingsAccount, SavingsAccount.id == SavingsTransaction.account_id)
                .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
                .where(SavingsAccount.cooperative_id == coop.id, SavingsProduct.kind == "wajib",
                       SavingsTransaction.amount > 0)).scalars())
            for end in ended_months(today, 12):
                assert any(d.year == end.year and d.month == end.month for d in wajib_months), end
            _rows, in_arrears, _total = arrears_list(coop.id, today)
            assert 0 < in_arrears < 40  # some members fall behind, most do not

            # Family members belong to migrants abroad in six countries; returnees have
            # their own records, some still within their three years and some beyond.
            family = [m for m in members if m.category == "family"]
            assert all(m.migrant_worker.actual_return_date is None and m.relationship for m in family)
            abroad = {m.migrant_worker_id for m in family}
            assert len(abroad) == 16
            assert {m.migrant_worker.destination_country for m in family} == {
                "Malaysia", "Taiwan", "Hong Kong", "Arab Saudi", "Singapura", "Korea Selatan"}
            returnees = [m for m in members if m.category == "returnee"]
            assert all(m.migrant_worker.actual_return_date < today for m in returnees)
            eligible = [m for m in returnees if returnee_eligible(m, m.migrant_worker, today)]
            assert 0 < len(eligible) < len(returnees)

            # Remittances in foreign currencies, split by standing allocations.
            remittances = db.session.execute(select(Remittance).where(
                Remittance.cooperative_id == coop.id)).scalars().all()
            assert len(remittances) > 60
            assert len({r.currency for r in remittances}) >= 5
            allocated = set(db.session.execute(select(RemittanceAllocation.member_id).where(
                RemittanceAllocation.cooperative_id == coop.id)).scalars())
            assert len(allocated) == 16 and {r.member_id for r in remittances} == allocated
            # Each is split whole: saved, instalments paid for a borrower, the rest in cash.
            assert all(r.saved_amount > 0 and r.saved_amount + r.cash_paid + sum(
                (Decimal(p["amount"]) for p in r.split_list if p.get("part") == "instalment"),
                Decimal(0)) == r.amount_idr for r in remittances)
            assert all(r.migrant_worker_id in abroad for r in remittances)
            # One was typed with a zero too many, reversed the same day and recorded again
            # under its own reference; the reversed one is out of the totals.
            (wrong,) = [r for r in remittances if r.reversal_entry_id is not None]
            (right,) = [r for r in remittances if r.reference == wrong.reference and r is not wrong]
            assert wrong.amount_idr == 10 * right.amount_idr and wrong.received_on == right.received_on
            assert wrong.reversed_on == wrong.received_on
            # The manager reversed it: the reversal entry and the audit trail say so.
            manager = "ksp.manajer" if spec["code"] == "KSP-IDM01" else "bmt.manajer"
            reversal = db.session.get(JournalEntry, wrong.reversal_entry_id)
            assert db.session.get(User, reversal.created_by).username == manager
            assert db.session.execute(
                select(User.username).join(AuditLog, AuditLog.actor_id == User.id)
                .where(AuditLog.table_name == "remittances", AuditLog.action == "update",
                       AuditLog.row_id == wrong.id)).scalars().all() == [manager]
            assert remittance_totals(coop.id)["received"] == sum(
                (r.amount_idr for r in remittances if r is not wrong), Decimal(0))

            # Voluntary savings move both ways; month-end interest or profit sharing was paid
            # for each of the past twelve months.
            movements = dict(db.session.execute(
                select(SavingsTransaction.kind, func.count()).where(
                    SavingsTransaction.cooperative_id == coop.id)
                .group_by(SavingsTransaction.kind)).all())
            assert movements["deposit"] > 300 and movements["withdrawal"] > 30
            paid = db.session.execute(
                select(SavingsProduct.code, SavingsMonthEndRun.period_end)
                .join(SavingsProduct, SavingsProduct.id == SavingsMonthEndRun.product_id)
                .where(SavingsMonthEndRun.cooperative_id == coop.id, SavingsMonthEndRun.total > 0)).all()
            codes = ["SS"] if coop.type == "ksp" else ["SM", "WD"]
            for end in ended_months(today, 12):
                for code in codes:
                    assert (code, end) in paid, (code, end)

            enterprises = db.session.execute(select(Enterprise).where(
                Enterprise.cooperative_id == coop.id)).scalars().all()
            assert len(enterprises) == 10 and sum(e.is_ovop for e in enterprises) >= 3

            # The demo member's login is linked to their member record.
            username, name = DEMO_MEMBER[spec["code"]]
            user = db.session.execute(select(User).where(User.username == username)).scalar_one()
            linked = db.session.execute(select(Member).where(Member.user_id == user.id)).scalar_one()
            assert (linked.cooperative_id, linked.name, linked.category) == (coop.id, name, "family")


def test_demo_members_see_their_own_accounts(demo_app):
    client = demo_app.test_client()
    auth = Auth(client)
    for code, (username, name) in DEMO_MEMBER.items():
        with demo_app.app_context():
            coop = cooperative(code)
            member = db.session.execute(select(Member).where(
                Member.cooperative_id == coop.id, Member.name == name)).scalar_one()
            own = set(db.session.execute(select(SavingsAccount.id).where(
                SavingsAccount.member_id == member.id)).scalars())
            others = db.session.execute(select(SavingsAccount.id).where(
                SavingsAccount.cooperative_id == coop.id, SavingsAccount.member_id != member.id)
                .limit(3)).scalars().all()
            remitted = db.session.execute(select(func.count()).select_from(Remittance).where(
                Remittance.member_id == member.id)).scalar()
        auth.login(username, DEMO_PASSWORD)
        page = client.get(f"/c/{code}/me/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert name in html
        # Pokok, wajib, the everyday account (sukarela or wadiah and mudharabah) and a time deposit.
        assert {int(i) for i in re.findall(r'<tr data-account="(\d+)">', html)} == own
        assert len(own) == (4 if code == "KSP-IDM01" else 5)
        assert remitted > 5 and re.findall(r'<tr data-remittance="(\d+)">', html)
        for account_id in own:
            assert client.get(f"/c/{code}/me/accounts/{account_id}").status_code == 200
        for account_id in others:
            assert client.get(f"/c/{code}/me/accounts/{account_id}").status_code == 404
        other_code = next(c for c in DEMO_MEMBER if c != code)
        assert client.get(f"/c/{other_code}/me/").status_code == 404
        auth.logout()


def test_demo_loans_tell_every_story_and_the_books_hold(demo_app):
    """Each cooperative lends on every product it offers; loans are in every state a
    treasurer meets, month-end has classed and provisioned them, and check-ledger (which
    compares every loan with its lines) is clean."""
    from coop_app.loans.check import check_loans_subledger
    from coop_app.loans import methods as loan_methods
    from coop_app.loans.models import Loan, LoanMonthEndRun, LoanPayment

    with demo_app.app_context():
        assert check_loans_subledger in registry().subledger_checks
        for code, methods in (("KSP-IDM01", {"flat", "effective", "annuity"}),
                              ("BMT-LTM01", {"murabahah", "qardh", "mudharabah"})):
            coop = cooperative(code)
            loans = db.session.execute(select(Loan).where(Loan.cooperative_id == coop.id)).scalars().all()
            assert {loan.method for loan in loans} == methods
            statuses = {loan.status for loan in loans}
            assert statuses == {"applied", "approved", "rejected", "active", "paid_off", "written_off"}
            active = [loan for loan in loans if loan.status == "active"]
            assert {loan.quality for loan in active} >= {"lancar", "dpk", "kl", "macet"}
            # The last month-end provisioned every active loan by its class, on what it
            # owed then: 0,5% of a lancar loan, all of a macet one net of its collateral.
            last_end = db.session.execute(select(func.max(LoanMonthEndRun.period_end)).where(
                LoanMonthEndRun.cooperative_id == coop.id)).scalar()
            loan_accounts = [ledger.account_by_key(coop.id, key).id for key in
                             {loan_methods.of(m).receivable_key for m in methods} | ({"deferred_margin"} if code.startswith("BMT") else set())]
            for loan in active:
                owed = db.session.execute(
                    select(func.coalesce(func.sum(JournalLine.amount), 0))
                    .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                    .where(JournalLine.loan_id == loan.id, JournalLine.account_id.in_(loan_accounts),
                           JournalEntry.entry_date <= last_end)).scalar()
                if loan.quality == "lancar":
                    assert loan.provision == (owed * 5 / 1000).quantize(Decimal("1"), ROUND_HALF_UP)
                if loan.quality == "macet":
                    assert loan.provision == owed - loan.collateral_value
            written_off = [loan for loan in loans if loan.status == "written_off"]
            assert all(loan.principal_outstanding == 0 and loan.written_off_amount > 0
                       and loan.recovered_amount == Decimal(500_000) for loan in written_off)
            assert db.session.execute(select(func.count()).select_from(LoanPayment).where(
                LoanPayment.cooperative_id == coop.id)).scalar() > 40
        assert check_ledger()[1] == []
