"""Simpanan wajib arrears: payments due since joining x the fixed amount, less what was paid,
computed in SQL for every member and for one; collected in one entry."""
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.members.models import Member
from coop_app.savings import arrears
from coop_app.savings import movements as savings
from tests.savings.helpers import open_with, passbook
from tests.support import key
from tests.support.books import assert_books_clean, cash, entry_lines, savings_counts, savings_product
from tests.support.web import english, table_column

D = Decimal
AS_OF = date(2025, 4, 1)
BASE = "/c/KSP-A/savings"


def setup_wajib(savers):
    """Siti joined Jan 2024 and paid 120.000; Budi joined Feb 2025 and paid 40.000; Wati
    joined Dec 2024 and paid 20.000; Aminah (BMT-C) owes her own cooperative."""
    db.session.get(Member, savers.budi).join_date = date(2025, 2, 20)
    db.session.get(Member, savers.wati).join_date = date(2024, 12, 5)
    siti = open_with(savers.ksp_id, savers.siti, "SW", "20000", date(2024, 1, 10))
    savings.deposit(savers.ksp_id, siti.id, D("100000"), date(2024, 6, 1), cash(savers.ksp_id), key())
    budi = open_with(savers.ksp_id, savers.budi, "SW", "40000", date(2025, 2, 20))
    wati = open_with(savers.ksp_id, savers.wati, "SW", "20000", date(2024, 12, 5))
    open_with(savers.bmt_id, savers.aminah, "SW", "20000", date(2024, 1, 10))
    # paid after the day asked about: not counted then
    savings.deposit(savers.ksp_id, wati.id, D("20000"), date(2025, 4, 20), cash(savers.ksp_id), key())
    db.session.commit()
    return siti.id, budi.id, wati.id


def test_arrears_of_every_member_in_sql(sctx):
    s = sctx
    siti, _budi, wati = setup_wajib(s)
    rows, count, total = arrears.arrears_list(s.ksp_id, AS_OF)
    # Siti: Jan 2024 .. Mar 2025 = 15 payments = 300.000 due, 120.000 paid
    # Wati: Dec 2024 .. Mar 2025 = 4 payments = 80.000 due, 20.000 paid (the 20 April payment is later)
    assert [(r.member_number, r.payments_due, r.due, r.paid, r.amount) for r in rows] == [
        ("2024.00001", 15, D("300000.00"), D("120000.00"), D("180000.00")),
        ("2024.00003", 4, D("80000.00"), D("20000.00"), D("60000.00")),
    ]
    assert (count, total) == (2, D("240000.00"))
    assert rows[0].account_id == siti and rows[1].account_id == wati
    # a month later Budi (2 of 3 paid) owes too, and Wati's late payment counts
    rows, count, total = arrears.arrears_list(s.ksp_id, date(2025, 5, 1))
    assert {r.member_number: r.amount for r in rows} == {
        "2024.00001": D("200000.00"), "2024.00003": D("60000.00"), "2024.00002": D("20000.00")}
    # pages of one
    first, count, _total = arrears.arrears_list(s.ksp_id, AS_OF, page=2, per_page=1)
    assert [r.member_number for r in first] == ["2024.00003"] and count == 2


def test_a_months_payment_is_overdue_only_once_its_month_has_ended(sctx):
    s = sctx
    setup_wajib(s)
    # Siti may pay for March until 31 March: behind by 14 payments then, by 15 on 1 April.
    march = arrears.member_arrears(s.ksp_id, s.siti, date(2025, 3, 31))
    assert (march.payments_due, march.due, march.amount) == (14, D("280000.00"), D("160000.00"))
    april = arrears.member_arrears(s.ksp_id, s.siti, date(2025, 4, 1))
    assert (april.payments_due, april.due, april.amount) == (15, D("300000.00"), D("180000.00"))
    # What she can pay on 31 March includes March's payment.
    payable = arrears.member_arrears(s.ksp_id, s.siti, date(2025, 3, 31), payable=True)
    assert (payable.payments_due, payable.amount) == (15, D("180000.00"))
    # The joining month's payment is due on joining: Budi owes it on his first day.
    db.session.get(Member, s.budi).join_date = date(2025, 4, 1)
    db.session.flush()
    budi = arrears.member_arrears(s.ksp_id, s.budi, date(2025, 4, 1))
    assert (budi.payments_due, budi.due) == (1, D("20000.00"))
    db.session.rollback()


def test_one_members_standing_and_other_periods(sctx):
    s = sctx
    setup_wajib(s)
    budi = arrears.member_arrears(s.ksp_id, s.budi, AS_OF)
    assert (budi.payments_due, budi.due, budi.paid, budi.amount) == (2, D("40000.00"), D("40000.00"), D("0.00"))
    savings_product(s.ksp_id, "SW").period_months = 3  # wajib every quarter
    db.session.flush()
    siti = arrears.member_arrears(s.ksp_id, s.siti, AS_OF)
    # 14 months since joining -> payments in Jan, Apr, Jul, Oct 2024 and Jan 2025 = 5 x 20.000
    assert (siti.payments_due, siti.due, siti.amount) == (5, D("100000.00"), D("-20000.00"))
    assert arrears.member_arrears(s.ksp_id, s.aminah, AS_OF) is None  # not a KSP-A member
    db.session.rollback()


def _statements_of(call):
    """(SQL, parameters) of every statement `call` runs, and its result."""
    from sqlalchemy import event
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen, result


def test_one_members_arrears_reads_only_that_members_wajib_lines(sctx):
    s = sctx
    siti, _budi, _wati = setup_wajib(s)
    # Many other lines in the cooperative: Siti's sukarela and the others' wajib.
    sukarela = open_with(s.ksp_id, s.siti, "SS", "50000", date(2024, 2, 1))
    for day in (2, 3, 4):
        savings.deposit(s.ksp_id, sukarela.id, D("10000"), date(2024, 2, day), cash(s.ksp_id), key())
    db.session.commit()
    seen, standing = _statements_of(lambda: arrears.member_arrears(s.ksp_id, s.siti, AS_OF))
    assert (standing.account_id, standing.paid, standing.amount) == (siti, D("120000.00"), D("180000.00"))
    (statement, parameters), = [q for q in seen if "savings_transactions" in q[0]]
    # The paid subquery is limited to the member's wajib account(s) ...
    paid = statement[statement.index("savings_transactions"):]
    assert "member_id" in paid.split("GROUP BY")[0]
    if db.session.get_bind().dialect.name == "sqlite":
        # ... so SQLite reads the account's lines through its index instead of scanning
        # every passbook line of the cooperative.
        plan = db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        details = [row[-1] for row in plan]
        assert not any(d.startswith("SCAN savings_transactions") for d in details), details
        assert any(d.startswith("SEARCH savings_transactions") for d in details), details
    db.session.rollback()


def test_resigned_members_and_members_joining_later_owe_nothing(sctx):
    s = sctx
    setup_wajib(s)
    db.session.get(Member, s.siti).status = "resigned"
    db.session.flush()
    rows, count, _total = arrears.arrears_list(s.ksp_id, AS_OF)
    assert [r.member_number for r in rows] == ["2024.00003"]
    rows, count, total = arrears.arrears_list(s.ksp_id, date(2024, 11, 30))
    assert count == 0 and total == 0  # Wati had not joined yet; Siti resigned
    db.session.rollback()


def test_collecting_takes_everything_due_in_one_entry(sctx):
    s = sctx
    siti, _budi, _wati = setup_wajib(s)
    k = key()
    entry = arrears.collect_wajib(s.ksp_id, s.siti, AS_OF, cash(s.ksp_id), k)
    db.session.commit()
    # 180.000 overdue up to March and April's 20.000, payable on 1 April
    assert entry_lines(entry.id) == {"cash": D("200000.00"), "simpanan_wajib": D("-200000.00")}
    assert passbook(siti)[-1] == ("deposit", D("200000.00"), D("320000.00"))
    assert arrears.member_arrears(s.ksp_id, s.siti, AS_OF, payable=True).amount == 0
    assert arrears.member_arrears(s.ksp_id, s.siti, AS_OF).amount == D("-20000.00")  # April ahead
    before = savings_counts()
    again = arrears.collect_wajib(s.ksp_id, s.siti, AS_OF, cash(s.ksp_id), k)
    assert (again.id, again.replayed) == (entry.id, True)
    db.session.rollback()
    assert savings_counts() == before
    with pytest.raises(DomainError, match="Nothing is due"):
        arrears.collect_wajib(s.ksp_id, s.siti, AS_OF, cash(s.ksp_id), key())
    db.session.rollback()
    with pytest.raises(DomainError, match="Member not found"):
        arrears.collect_wajib(s.ksp_id, s.aminah, AS_OF, cash(s.ksp_id), key())
    db.session.rollback()
    savings.account_of_kind(s.ksp_id, s.budi, "wajib").status = "closed"
    with pytest.raises(DomainError, match="no open simpanan wajib account"):
        arrears.collect_wajib(s.ksp_id, s.budi, AS_OF, cash(s.ksp_id), key())
    db.session.rollback()
    assert savings_counts() == before
    assert_books_clean()


# -- pages --------------------------------------------------------------------------------

def test_arrears_page_lists_and_totals(app, client, auth, savers):
    with app.app_context():
        setup_wajib(savers)
    auth.login("auditor.indramayu")
    page = client.get(f"{BASE}/arrears?as_of=2025-04-01").get_data(as_text=True)
    assert table_column(page, "arrears", 5) == ["Rp180.000", "Rp60.000"]
    assert table_column(page, "arrears", 2) == ["15 × Rp20.000", "4 × Rp20.000"]
    assert re.search(r'id="arrears-summary">[^<]*2[^<]*Rp240\.000', page)
    assert "/collect" not in page  # auditors read only
    bad = client.get(f"{BASE}/arrears?as_of=kemarin")
    assert bad.status_code == 200 and "The filter was ignored" in english_text(client, f"{BASE}/arrears?as_of=kemarin")


def english_text(client, url):
    english(client)
    return client.get(url).get_data(as_text=True)


def test_treasurer_collects_from_the_page(app, client, auth, savers):
    with app.app_context():
        siti, _budi, _wati = setup_wajib(savers)
        cash_id = cash(savers.ksp_id)
    auth.login("treasurer")
    page = client.get(f"{BASE}/arrears/{savers.siti}/collect").get_data(as_text=True)
    today = date.today()
    owed_today = ((today.year * 12 + today.month) - (2024 * 12 + 1) + 1) * 20000 - 120000
    shown = f"Rp{owed_today:,}".replace(",", ".")
    assert re.search(rf'id="wajib-arrears">{re.escape(shown)}<', page), shown
    data = {"entry_date": "2025-03-15", "money_account": cash_id, "key": uuid.uuid4().hex}
    response = client.post(f"{BASE}/arrears/{savers.siti}/collect", data=data)
    assert response.status_code == 302
    assert re.search(rf"/savings/accounts/{siti}\?receipt=\d+$", response.headers["Location"])
    with app.app_context():
        assert arrears.member_arrears(savers.ksp_id, savers.siti, AS_OF).amount == 0
    english(client)
    again = client.post(f"{BASE}/arrears/{savers.siti}/collect", data=dict(data, key=uuid.uuid4().hex))
    assert again.status_code == 422 and "Nothing is due" in again.get_data(as_text=True)


@pytest.mark.parametrize("changes, message", [
    (dict(entry_date="15/03/2025"), "That is not a date"),
    (dict(entry_date="2099-03-15"), "is after today"),
    (dict(entry_date="2023-01-01"), "before the account was opened"),
    (dict(money_account="999999"), "Choose one of the listed options"),
    (dict(key="%%%"), "The form is damaged"),
])
def test_collect_bad_input(app, client, auth, savers, changes, message):
    with app.app_context():
        setup_wajib(savers)
        data = {"entry_date": "2025-03-15", "money_account": cash(savers.ksp_id), "key": uuid.uuid4().hex}
        before = savings_counts()
    data.update(changes)
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/arrears/{savers.siti}/collect", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert savings_counts() == before


def test_collect_access(app, client, auth, savers):
    with app.app_context():
        setup_wajib(savers)
    data = {"entry_date": "2025-03-15", "money_account": "1", "key": uuid.uuid4().hex}
    auth.login("member")
    assert client.get(f"{BASE}/arrears").status_code == 403
    assert client.post(f"{BASE}/arrears/{savers.siti}/collect", data=data).status_code == 403
    auth.logout()
    auth.login("auditor.all")
    assert client.post(f"{BASE}/arrears/{savers.siti}/collect", data=data).status_code == 403
    auth.logout()
    auth.login("manager")
    assert client.get(f"{BASE}/arrears/{savers.aminah}/collect").status_code == 404
    assert client.post(f"{BASE}/arrears/999999/collect", data=data).status_code == 404
    auth.logout()
    auth.login("other.manager")
    assert client.get(f"{BASE}/arrears").status_code == 404
