"""The portfolio as of a past date shows the classes and provisions (PPAP) of the last
month-end at or before that date, and its PPAP equals the loan loss allowance in the ledger
on that date (as of 30 June it once showed today's Rp3.854.110 while the ledger held
Rp547.733).

The book, worked by hand (KSP-A, product PUF, no collateral; provisions 0,5% lancar, 3% dpk,
10% kurang lancar):
  X  12.000.000 / 12, disbursed 10 March 2025, nothing ever paid (first due 10 April)
  Y   6.000.000 / 6,  disbursed 1 April 2025, paid off 15 June 2025
  Z   5.000.000 / 10, disbursed 20 May 2025, nothing paid (first due 20 June)
Month-end 30 April 2025: X 20 days past due -> dpk, 3% x 12.000.000 = 360.000; Y current ->
  lancar, 0,5% x 6.000.000 = 30.000. Allowance 390.000.
Month-end 31 July 2025: X 112 days -> kurang lancar, 10% = 1.200.000; Z 41 days -> dpk,
  3% x 5.000.000 = 150.000; Y (paid off) released, 0. Allowance 1.350.000.
As of 30 June 2025 (between them): X dpk 360.000 (81 days past due), Z lancar with no
  provision (no month-end had classed it; 10 days past due), and Y's 30.000 still held until
  the July month-end releases it: PPAP 390.000 = the ledger's allowance on 30 June.
"""
import re
from datetime import date
from decimal import Decimal as D

import pytest

from coop_app.extensions import db
from coop_app.ledger.reports import balances_by_account
from coop_app.ledger.service import account_by_key
from coop_app.loans import monthend, repayment
from coop_app.loans.portfolio import figures as portfolio
from coop_app.loans.portfolio import loans as portfolio_loans
from coop_app.loans.portfolio.loans import LoanFilter
from tests.loans.factory import active_loan, add_member, fund
from tests.support.web import login_as

APRIL, JUNE, JULY = date(2025, 4, 30), date(2025, 6, 30), date(2025, 7, 31)
YEAR = date(2025, 1, 1)


def build(world):
    w = world
    teller, boss = w.user_id("treasurer"), w.user_id("manager")
    fund(w.ksp_id, "100000000")
    ids = {}
    for name, number, amount, term, on in (("X", "2023.00001", "12000000", 12, date(2025, 3, 10)),
                                           ("Y", "2023.00002", "6000000", 6, date(2025, 4, 1))):
        member = add_member(w.ksp_id, number, f"Anggota {name}")
        ids[name] = active_loan(w.ksp_id, member.id, "PUF", amount, term, teller, boss, on).id
    monthend.run_loan_month_end(w.ksp_id, APRIL, boss)
    member = add_member(w.ksp_id, "2023.00003", "Anggota Z")
    ids["Z"] = active_loan(w.ksp_id, member.id, "PUF", "5000000", 10, teller, boss, date(2025, 5, 20)).id
    repayment.pay_off_loan(w.ksp_id, ids["Y"], date(2025, 6, 15), teller)
    monthend.run_loan_month_end(w.ksp_id, JULY, boss)
    db.session.commit()
    return ids


@pytest.fixture
def book(ctx, world):
    return world, build(world)


def allowance_in_ledger(coop_id, as_of):
    """The loan loss allowance (a credit) in the ledger at `as_of`, as a positive amount."""
    return -balances_by_account(coop_id, as_of).get(account_by_key(coop_id, "loan_allowance").id, D(0))


def classes(figures):
    return {q: (t.count, t.amount) for q, t in figures.quality.items() if t.count}


def test_between_two_month_ends_the_first_ones_classes_and_provisions(book):
    w, _ids = book
    t = portfolio.portfolio(w.ksp_id, JUNE, YEAR, JUNE).total
    assert (t.active.count, t.outstanding) == (2, D("17000000"))  # X and Z; Y paid off
    assert classes(t) == {"lancar": (1, D("5000000")), "dpk": (1, D("12000000"))}
    assert t.provision == D("390000") == allowance_in_ledger(w.ksp_id, JUNE)
    assert t.provision_closed == D("30000")  # Y's, until the July month-end releases it
    # days past due are the date's own: X 81 days (10 April), Z 10 days (20 June)
    assert (t.buckets["61_90"].amount, t.buckets["1_30"].amount) == (D("12000000"), D("5000000"))


def test_at_and_after_the_later_month_end_its_classes(book):
    w, _ids = book
    for day in (JULY, date(2025, 8, 15)):
        t = portfolio.portfolio(w.ksp_id, day, YEAR, day).total
        assert classes(t) == {"dpk": (1, D("5000000")), "kl": (1, D("12000000"))}
        assert t.provision == D("1350000") == allowance_in_ledger(w.ksp_id, day)
        assert t.provision_closed == D(0)


def test_as_of_today_the_latest_month_end(book):
    w, _ids = book
    t = portfolio.portfolio(w.ksp_id).total  # as of today
    assert classes(t) == {"dpk": (1, D("5000000")), "kl": (1, D("12000000"))}
    assert t.provision == D("1350000") == allowance_in_ledger(w.ksp_id, date.today())


def test_before_any_month_end_lancar_and_no_provision(book):
    w, _ids = book
    day = date(2025, 4, 20)  # X 10 days past due, Y current: neither classed yet
    t = portfolio.portfolio(w.ksp_id, day, YEAR, day).total
    assert (t.active.count, t.outstanding) == (2, D("18000000"))
    assert classes(t) == {"lancar": (2, D("18000000"))}
    assert t.provision == D(0) == allowance_in_ledger(w.ksp_id, day)
    # at the April month-end itself: its classes, and Y's provision on the book
    t = portfolio.portfolio(w.ksp_id, APRIL, YEAR, APRIL).total
    assert classes(t) == {"lancar": (1, D("6000000")), "dpk": (1, D("12000000"))}
    assert (t.provision, t.provision_closed) == (D("390000"), D(0))
    assert t.provision == allowance_in_ledger(w.ksp_id, APRIL)


def test_the_loans_behind_the_figures_as_of_the_date(book):
    w, ids = book
    f = LoanFilter(as_of=JUNE, date_from=YEAR, date_to=JUNE, quality="dpk")
    rows = portfolio_loans.loan_list(w.ksp_id, f).rows
    assert [(r.id, r.quality, portfolio_loans.money(r.provision)) for r in rows] == [(ids["X"], "dpk", D("360000"))]
    f = LoanFilter(as_of=JUNE, date_from=YEAR, date_to=JUNE)
    count, totals = portfolio_loans.loan_totals(w.ksp_id, f)
    assert (count, totals["outstanding"], totals["provision"]) == (2, D("17000000"), D("360000"))
    # Y among every loan of any status: paid off by then, its 30.000 still held
    f = LoanFilter(as_of=JUNE, date_from=YEAR, date_to=JUNE, status="any")
    rows = {r.id: r for r in portfolio_loans.loan_rows(w.ksp_id, f)}
    assert (rows[ids["Y"]].active, portfolio_loans.money(rows[ids["Y"]].provision)) == (0, D("30000"))
    assert (rows[ids["Z"]].quality, rows[ids["Z"]].provision) == ("lancar", 0)


def test_the_page_as_of_30_june(app, client, world):
    with app.app_context():
        build(world)
    login_as(client, "manager")
    html = client.get("/c/KSP-A/portfolio/?as_of=2025-06-30").get_data(as_text=True)

    def figure(name):
        return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)

    assert figure("provision") == "Rp390,000"
    assert (figure("quality-lancar"), figure("quality-dpk"), figure("quality-kl")) == \
        ("Rp5,000,000", "Rp12,000,000", "Rp0")
    assert 'id="fig-provision-closed"' in html and "Rp30,000" in html
    assert "the last month-end on or before that date" in html
    html = client.get("/c/KSP-A/portfolio/?as_of=2025-08-15").get_data(as_text=True)
    assert figure("provision") == "Rp1,350,000"
    assert figure("quality-kl") == "Rp12,000,000"
    assert 'id="fig-provision-closed"' not in html
    pdf = client.get("/c/KSP-A/portfolio/report.pdf?as_of=2025-06-30")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
