"""Portfolio figures against a small book worked out by hand: outstanding, PAR, aging,
kolektibilitas, NPL, provisions, flows and breakdowns, as of the month-end and of an earlier
date; the loan lists behind the figures add up to them.

The book (KSP-A, all Rp12.000.000 over 12 months, principal Rp1.000.000 an instalment), as
of 30 June 2025:
  A  PUF, disbursed 30 May 2025, first due 30 June (not yet overdue)      0 days, F family
  B  PUE, disbursed 15 May 2025, 15 June unpaid                           15 days, M returnee
  C  PUF, disbursed 10 March 2025, April paid, 10 May unpaid              51 days, F ctki  (11.000.000 left)
  D  PUF, disbursed 20 Dec 2024, nothing paid since 20 January           161 days, F family
  E  PUF, disbursed 1 June 2024, nothing paid since 1 July 2024          364 days, M other
  F  PUF, disbursed 5 January 2025, paid off 1 March 2025                 closed, F family
  G  PUF, disbursed 1 March 2024, written off 31 May 2025, Rp500.000 recovered 20 June, M other
plus KSP-B (Jawa Barat): Rp6.000.000 disbursed 1 February 2025, nothing paid (121 days), and
BMT-C (NTB): murabahah Rp5.000.000 disbursed 1 June 2025 (current).
"""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.extensions import db
from coop_app.loans import monthend, repayment, workout
from coop_app.loans.portfolio import figures as portfolio
from coop_app.loans.portfolio import loans as portfolio_loans
from coop_app.loans.portfolio.loans import LoanFilter
from tests.loans.factory import active_loan, add_member, fund

D = Decimal
AS_OF = date(2025, 6, 30)
YEAR = date(2025, 1, 1)


def build_book(world):
    """The book above; returns {name: loan id}."""
    w = world
    teller, boss = w.user_id("treasurer"), w.user_id("manager")
    for coop_id in (w.ksp_id, w.other_id, w.bmt_id):
        fund(coop_id, "500000000")
    people = {  # name: (member number, gender, category)
        "A": ("2022.00001", "F", "family"), "B": ("2022.00002", "M", "returnee"),
        "C": ("2022.00003", "F", "ctki"), "D": ("2022.00004", "F", "family"),
        "E": ("2022.00005", "M", "other"), "F": ("2022.00006", "F", "family"),
        "G": ("2022.00007", "M", "other"),
    }
    disbursed = {"A": ("PUF", date(2025, 5, 30)), "B": ("PUE", date(2025, 5, 15)),
                 "C": ("PUF", date(2025, 3, 10)), "D": ("PUF", date(2024, 12, 20)),
                 "E": ("PUF", date(2024, 6, 1)), "F": ("PUF", date(2025, 1, 5)),
                 "G": ("PUF", date(2024, 3, 1))}
    ids = {}
    for name, (number, gender, category) in people.items():
        member = add_member(w.ksp_id, number, f"Anggota {name}", gender=gender, category=category)
        code, on = disbursed[name]
        ids[name] = active_loan(w.ksp_id, member.id, code, "12000000", 12, teller, boss, on).id
    repayment.repay_loan(w.ksp_id, ids["C"], D("1120000"), date(2025, 4, 10), teller)
    repayment.pay_off_loan(w.ksp_id, ids["F"], date(2025, 3, 1), teller)
    workout.write_off_loan(w.ksp_id, ids["G"], boss, date(2025, 5, 31), "Usaha bangkrut")
    workout.record_recovery(w.ksp_id, ids["G"], D("500000"), date(2025, 6, 20), teller)
    other = add_member(w.other_id, "2022.00001", "Anggota KSP-B", gender="M", category="returnee")
    ids["KSP-B"] = _other_loan(w, other.id)
    bmt = add_member(w.bmt_id, "2022.00001", "Anggota BMT", gender="F", category="family")
    ids["BMT-C"] = active_loan(w.bmt_id, bmt.id, "MBA", None, 12, w.user_id("bmt.treasurer"),
                               w.user_id("bmt.manager"), date(2025, 6, 1),
                               cost_price=D("5000000"), goods_description="Mesin jahit").id
    monthend.run_loan_month_end(w.ksp_id, AS_OF, boss)
    db.session.commit()
    return ids


def _other_loan(w, member_id):
    """KSP-B has a single manager: a second person approves through a treasurer grant."""
    from coop_app.auth import service as users
    clerk = users.create_user("other.treasurer", "Other Treasurer", "rahasia-123")
    users.grant_role(clerk.id, "treasurer", cooperative_id=w.other_id)
    return active_loan(w.other_id, member_id, "PUF", "6000000", 12, clerk.id,
                       w.user_id("other.manager"), date(2025, 2, 1)).id


@pytest.fixture
def book(ctx, world):
    return world, build_book(world)


def figures(scope, as_of=AS_OF):
    return portfolio.portfolio(scope, as_of, YEAR, as_of)


def amounts(tallies):
    return {key: (t.count, t.amount) for key, t in tallies.items()}


def test_the_cooperative_figures_match_the_hand_computed_book(book):
    w, _ids = book
    p = figures(w.ksp_id)
    t = p.total
    assert (t.active.count, t.outstanding) == (5, D("59000000"))
    assert amounts(t.par) == {1: (4, D("47000000")), 30: (3, D("35000000")), 90: (2, D("24000000"))}
    assert (t.par_ratio(1), t.par_ratio(30), t.par_ratio(90)) == (D("79.66"), D("59.32"), D("40.68"))
    assert amounts(t.buckets) == {
        "current": (1, D("12000000")), "1_30": (1, D("12000000")), "31_60": (1, D("11000000")),
        "61_90": (0, D(0)), "91_180": (1, D("12000000")), "over_180": (1, D("12000000"))}
    assert amounts(t.quality) == {
        "lancar": (1, D("12000000")), "dpk": (2, D("23000000")), "kl": (0, D(0)),
        "diragukan": (1, D("12000000")), "macet": (1, D("12000000"))}
    assert (t.npl.count, t.npl.amount, t.npl_ratio) == (2, D("24000000"), D("40.68"))
    # 0,5% x 12.000.000 + 3% x 12.000.000 + 3% x 11.000.000 + 50% x 12.000.000 + 100% x 12.000.000
    assert t.provision == D("60000") + D("360000") + D("330000") + D("6000000") + D("12000000")
    assert (t.disbursed.count, t.disbursed.amount) == (4, D("48000000"))  # A, B, C, F
    assert (t.written_off.count, t.written_off.amount) == (1, D("12000000"))
    assert (t.recovered.count, t.recovered.amount) == (1, D("500000"))


def test_breakdowns_by_product_category_and_gender(book):
    w, _ids = book
    p = portfolio.portfolio(w.ksp_id, AS_OF, YEAR, AS_OF, {"ctki": "C", "family": "F", "returnee": "R",
                                                            "other": "O"}, {"M": "Male", "F": "Female"})
    product = {g.key: g.figures for g in p.by_product}
    assert sorted(product) == ["PUE", "PUF"]
    assert (product["PUF"].active.count, product["PUF"].outstanding) == (4, D("47000000"))
    assert (product["PUE"].active.count, product["PUE"].par[1].amount) == (1, D("12000000"))
    assert product["PUF"].written_off.amount == D("12000000")
    category = {g.key: (g.label, g.figures.active.count, g.figures.outstanding, g.figures.par[30].amount)
                for g in p.by_category}
    assert category == {"ctki": ("C", 1, D("11000000"), D("11000000")),
                        "family": ("F", 2, D("24000000"), D("12000000")),
                        "returnee": ("R", 1, D("12000000"), D(0)),
                        "other": ("O", 1, D("12000000"), D("12000000"))}
    assert [g.key for g in p.by_category] == ["ctki", "family", "returnee", "other"]
    gender = {g.key: g.figures for g in p.by_gender}
    assert (gender["F"].active.count, gender["F"].outstanding, gender["F"].par[30].amount) == \
        (3, D("35000000"), D("23000000"))
    assert (gender["M"].active.count, gender["M"].outstanding, gender["M"].npl.amount) == \
        (2, D("24000000"), D("12000000"))
    assert (gender["F"].disbursed.count, gender["F"].disbursed.amount) == (3, D("36000000"))
    assert (gender["M"].recovered.amount, gender["M"].written_off.count) == (D("500000"), 1)
    # the parts add up to the whole
    for groups in (p.by_product, p.by_category, p.by_gender):
        assert sum((g.figures.outstanding for g in groups), D(0)) == p.total.outstanding
        assert sum((g.figures.provision for g in groups), D(0)) == p.total.provision


def test_an_earlier_date_rebuilds_outstanding_and_arrears(book):
    """On 15 February 2025: F (paid off in March) and G (written off in May) were still on
    the book with their whole principal; C was not yet disbursed."""
    w, _ids = book
    t = figures(w.ksp_id, date(2025, 2, 15)).total
    assert (t.active.count, t.outstanding) == (4, D("48000000"))  # D, E, F, G
    # F due 5 Feb (10 days), D due 20 Jan (26), E due 1 July 2024 (229), G due 1 April 2024 (320)
    assert amounts(t.buckets) == {
        "current": (0, D(0)), "1_30": (2, D("24000000")), "31_60": (0, D(0)), "61_90": (0, D(0)),
        "91_180": (0, D(0)), "over_180": (2, D("24000000"))}
    assert amounts(t.par)[30] == (2, D("24000000"))
    # C on 30 April: its April instalment was paid on the 10th, May's is not due yet
    april = figures(w.ksp_id, date(2025, 4, 30)).total
    assert april.buckets["current"].count == 1  # C only (A and B come later)


def test_the_programme_adds_the_cooperatives(book):
    w, _ids = book
    p = figures([w.ksp_id, w.other_id, w.bmt_id])
    assert (p.total.active.count, p.total.outstanding) == (7, D("70000000"))
    assert p.by_cooperative[w.other_id].par[90].amount == D("6000000")  # 121 days
    assert p.by_cooperative[w.bmt_id].buckets["current"].amount == D("5000000")
    assert p.by_cooperative[w.ksp_id].outstanding == D("59000000")
    assert p.total.par[30].amount == D("41000000")
    assert {g.key for g in p.by_product} == {"PUF", "PUE", "MBA"}
    jabar = figures([w.ksp_id, w.other_id])
    assert (jabar.total.outstanding, jabar.total.par[90].amount) == (D("65000000"), D("30000000"))


def loans_behind(scope, **filters):
    f = LoanFilter(as_of=AS_OF, date_from=YEAR, date_to=AS_OF, **filters)
    count, totals = portfolio_loans.loan_totals(scope, f)
    rows = portfolio_loans.loan_list(scope, f, per_page=50).rows
    assert len(rows) == count
    return {r.number for r in rows}, totals


def test_the_loans_behind_each_figure_add_up_to_it(book):
    w, ids = book
    scope = w.ksp_id
    t = figures(scope).total
    checks = [
        ({}, t.active),
        *[({"par": n}, t.par[n]) for n in portfolio.PAR_DAYS],
        *[({"bucket": k}, t.buckets[k]) for k in portfolio.BUCKET_KEYS],
        *[({"quality": q}, t.quality[q]) for q in t.quality],
        ({"quality": "npl"}, t.npl),
    ]
    for filters, tally in checks:
        numbers, totals = loans_behind(scope, **filters)
        assert (len(numbers), totals["outstanding"]) == (tally.count, tally.amount), filters
    numbers, totals = loans_behind(scope, status="any", disbursed=True)
    assert (len(numbers), totals["amount"]) == (t.disbursed.count, t.disbursed.amount)
    numbers, totals = loans_behind(scope, status="any", written_off=True)
    assert (len(numbers), totals["written_off_amount"]) == (1, D("12000000"))
    numbers, totals = loans_behind(scope, status="any", recovered=True)
    assert (len(numbers), totals["recovered"]) == (1, D("500000"))
    _numbers, totals = loans_behind(scope)
    assert totals["provision"] == t.provision
    # narrowing by a breakdown's key and a figure at once
    numbers, totals = loans_behind(scope, gender="F", par=30)
    assert (len(numbers), totals["outstanding"]) == (2, D("23000000"))
    numbers, _totals = loans_behind(scope, product="PUE")
    assert len(numbers) == 1
    numbers, _totals = loans_behind(scope, status="paid_off")
    assert len(numbers) == 1


def test_the_list_pages_worst_arrears_first(book):
    w, _ids = book
    f = LoanFilter(as_of=AS_OF, date_from=YEAR, date_to=AS_OF)
    first = portfolio_loans.loan_list(w.ksp_id, f, page=1, per_page=2)
    assert (first.total, first.pages, first.has_next, first.has_prev) == (5, 3, True, False)
    assert [r.dpd for r in first.rows] == [364, 161]
    last = portfolio_loans.loan_list(w.ksp_id, f, page=99, per_page=2)  # beyond the end: the last page
    assert (last.page, [r.dpd for r in last.rows]) == (3, [0])
    assert first.totals["outstanding"] == D("59000000")


def test_an_empty_scope_has_empty_figures(ctx, world):
    t = figures([]).total
    assert (t.active.count, t.outstanding, t.par_ratio(30), t.npl_ratio) == (0, D(0), None, None)
    assert figures(world.ksp_id).total.active.count == 0
