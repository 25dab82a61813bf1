"""`flask coop demo`: two cooperatives, a user for every role, books that check out."""
from datetime import date

from sqlalchemy import func, select

from coop_app.auth.models import RoleGrant, User
from coop_app.cooperatives.models import Cooperative
from coop_app.demo import COOPERATIVES, USERS, load_demo
from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import JournalEntry, JournalLine, LedgerPeriod


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def test_demo_command_loads_once(app, runner):
    result = runner.invoke(args=["coop", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    with app.app_context():
        codes = db.session.execute(select(Cooperative.code).order_by(Cooperative.code)).scalars().all()
        assert codes == ["BMT-LTM01", "KSP-IDM01"]
        assert count(User) == 9
        assert {u for u in db.session.execute(select(User.username)).scalars()} == {
            u[0] for u in USERS}
        entries, lines = count(JournalEntry), count(JournalLine)
        assert entries >= 2 * (2 + 6 * 7)  # opening entries and six months of vouchers each
        closed = count(LedgerPeriod)

    again = runner.invoke(args=["coop", "demo"])
    assert again.exit_code == 0, again.output
    assert "already present" in again.output
    with app.app_context():
        assert (count(JournalEntry), count(JournalLine), count(User), count(LedgerPeriod)) == (
            entries, lines, 9, closed)
        assert count(Cooperative) == 2


def test_demo_books_check_out(app, runner):
    assert runner.invoke(args=["coop", "demo"]).exit_code == 0
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
            _, debit, credit = reports.trial_balance(coop.id, date.today())
            assert debit == credit > 0
            # Cash never went below zero: every expense voucher was paid from money there.
            assert ledger.account_balance(coop.id, ledger.account_by_key(coop.id, "cash").id) > 0
            roles = db.session.execute(select(RoleGrant.role).where(
                RoleGrant.cooperative_id == coop.id)).scalars().all()
            assert sorted(roles) == ["manager", "member", "treasurer"]
    result = runner.invoke(args=["coop", "check-ledger"])
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
