"""The schedule calculator against published worked examples (loan cases L1-L4, murabahah
M1-M2), due dates, grace, rounding steps and every refused input."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.loans.schedule import METHODS, Installment, Schedule, ScheduleError, build_schedule, due_dates

D = Decimal
START = date(2024, 1, 15)


def schedule(method, principal, rate, term, **options):
    start = options.pop("start", START)
    return build_schedule(method, D(principal), D(rate), term, start, **options)


def totals(s):
    return [i.total for i in s.installments]


# -- L1: flat 90.000.000 at 12% a year flat, 36 months ------------------------------------------

def test_l1_flat():
    s = schedule("flat", "90000000", "12", 36)
    assert len(s.installments) == 36
    for i in s.installments:
        assert (i.principal, i.interest, i.total) == (D("2500000"), D("900000"), D("3400000"))
    assert s.total_interest == D("32400000")
    assert s.total_principal == D("90000000")
    assert s.installments[-1].balance == 0


# -- L2: effective (declining balance, equal principal) 5.000.000 at 22%, 12 months -------------

def test_l2_effective():
    s = schedule("effective", "5000000", "22", 12)
    first, second, last = s.installments[0], s.installments[1], s.installments[-1]
    # principal 416.666,67 a month, whole rupiah once the instalment is rounded
    assert abs(first.principal - D("416666.67")) <= 1
    assert abs(second.principal - D("416666.67")) <= 1
    # instalment 1 = 508.333,33 exactly, 508.333 rounded
    assert first.total == D("508333")
    assert first.interest == D("91667")
    # instalment 2 = 500.694,44: whole-rupiah rounding moves it by at most Rp1
    assert abs(second.total - D("500694.44")) <= 1
    assert second.total == D("500694")
    # instalment 12 = 424.305,56; the last also absorbs the residue of the 11 rounded parts
    assert abs(last.total - D("424305.56")) <= 12
    assert last.total == D("424307")
    # total interest 595.833,33: each interest part moves by at most Rp1 (here Rp0,67 in all)
    assert abs(s.total_interest - D("595833.33")) <= 12
    assert s.total_interest == D("595834")
    assert s.total_principal == D("5000000")
    for i in s.installments[:-1]:
        assert i.total == i.total.to_integral_value()


# -- L3: annuity 10.000.000 at 12%, 12 months ---------------------------------------------------

def test_l3_annuity():
    s = schedule("annuity", "10000000", "12", 12)
    # instalment 888.487,89, 888.488 rounded; the last absorbs the residue
    assert totals(s)[:-1] == [D("888488")] * 11
    assert abs(s.installments[-1].total - D("888487.89")) <= 12
    assert s.installments[0].interest == D("100000")
    # total interest 661.854,64 within a few rupiah once rounded
    assert abs(s.total_interest - D("661854.64")) <= 5
    assert s.total_interest == D("661853")
    assert s.total_principal == D("10000000")


# -- L4: flat vs effective vs annuity on 10.000.000 at 12%, 12 months ---------------------------

def test_l4_flat():
    s = schedule("flat", "10000000", "12", 12)
    assert totals(s)[:-1] == [D("933333")] * 11
    assert abs(s.installments[-1].total - D("933333")) <= 12  # the residue: Rp933.337
    assert [i.interest for i in s.installments] == [D("100000")] * 12
    assert s.total_interest == D("1200000")
    assert s.total_principal == D("10000000")


def test_l4_effective():
    s = schedule("effective", "10000000", "12", 12)
    assert s.installments[0].total == D("933333")
    assert s.installments[-1].total == D("841667")
    assert totals(s) == sorted(totals(s), reverse=True)
    assert s.total_interest == D("650000")
    assert s.total_principal == D("10000000")


def test_l4_annuity_sits_between_flat_and_effective():
    flat, effective, annuity = (schedule(m, "10000000", "12", 12).total_interest
                                for m in ("flat", "effective", "annuity"))
    assert effective < annuity < flat


# -- M1: murabahah, cost 20.000.000, down payment 4.000.000, 10% a year, 36 months --------------

def test_m1_murabahah_margin_from_the_yearly_rate():
    financed = D("20000000") - D("4000000")
    s = schedule("murabahah", financed, "10", 36)
    assert s.total_interest == D("4800000")  # the margin
    assert s.total == D("20800000")  # the sale price
    assert s.total_principal == D("16000000")
    # instalment 577.777,78 -> 577.778
    assert totals(s)[:-1] == [D("577778")] * 35
    assert abs(s.installments[-1].total - D("577777.78")) <= 36
    assert [i.interest for i in s.installments[:-1]] == [D("133333")] * 35
    assert s.installments[-1].interest == D("133345")


def test_m1_murabahah_rounded_to_rp100_as_the_source_prints():
    s = schedule("murabahah", "16000000", "10", 36, rounding=D("100"))
    assert totals(s)[:-1] == [D("577800")] * 35
    assert s.total == D("20800000")
    assert s.installments[-1].total == D("20800000") - 35 * D("577800")


def test_m1_margin_given_as_an_amount():
    s = schedule("murabahah", "16000000", "0", 36, margin=D("4800000"))
    assert s == schedule("murabahah", "16000000", "10", 36)


# -- M2: murabahah, financed 90.000.000, margin 18.000.000, 24 months ---------------------------

@pytest.mark.parametrize("rate, margin", [("0", D("18000000")), ("10", None)])
def test_m2_murabahah(rate, margin):
    s = schedule("murabahah", "90000000", rate, 24, margin=margin)
    for i in s.installments:
        assert (i.total, i.interest, i.principal) == (D("4500000"), D("750000"), D("3750000"))
    assert s.total_interest == D("18000000")
    assert s.total == D("108000000")


def test_mudharabah_projects_profit_share_like_flat():
    flat = schedule("flat", "12000000", "18", 24)
    assert schedule("mudharabah", "12000000", "18", 24) == flat


def test_qardh_pays_principal_only():
    s = schedule("qardh", "1000000", "0", 3)
    assert totals(s) == [D("333333"), D("333333"), D("333334")]
    assert s.total_interest == 0


# -- due dates ----------------------------------------------------------------------------------

def test_month_end_clamps_from_the_start_date_each_time():
    assert due_dates(date(2024, 1, 31), 4, "monthly") == [
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    assert due_dates(date(2025, 1, 31), 2, "monthly") == [date(2025, 2, 28), date(2025, 3, 31)]
    assert due_dates(date(2024, 11, 30), 3, "monthly") == [
        date(2024, 12, 30), date(2025, 1, 30), date(2025, 2, 28)]


def test_weekly_due_dates():
    assert due_dates(date(2024, 12, 24), 3, "weekly") == [
        date(2024, 12, 31), date(2025, 1, 7), date(2025, 1, 14)]
    s = schedule("flat", "5200000", "52", 4, frequency="weekly")
    assert [i.due_date for i in s.installments] == due_dates(START, 4, "weekly")
    # 52% a year is 1% a week
    assert [i.interest for i in s.installments] == [D("52000")] * 4


def test_schedule_dates_follow_the_disbursement():
    s = schedule("effective", "1000000", "12", 3, start=date(2024, 1, 31))
    assert [i.due_date for i in s.installments] == [
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


# -- grace --------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["flat", "effective", "annuity", "mudharabah"])
def test_grace_pays_interest_only(method):
    s = schedule(method, "12000000", "12", 12, grace=2)
    for i in s.installments[:2]:
        assert (i.principal, i.interest, i.total) == (0, D("120000"), D("120000"))
        assert i.balance == D("12000000")
    assert s.installments[2].principal > 0
    assert s.total_principal == D("12000000")


def test_grace_spreads_principal_over_the_rest():
    s = schedule("effective", "10000000", "12", 12, grace=2)
    assert [i.principal for i in s.installments[2:]] == [D("1000000")] * 10


def test_grace_in_murabahah_pays_margin_only():
    s = schedule("murabahah", "12000000", "10", 12, grace=3)
    assert [i.principal for i in s.installments[:3]] == [0, 0, 0]
    assert [i.interest for i in s.installments] == [D("100000")] * 12
    assert s.total == D("13200000")


def test_grace_for_qardh_moves_the_first_due_date():
    s = schedule("qardh", "1200000", "0", 12, grace=3, start=date(2024, 1, 31))
    assert len(s.installments) == 12
    assert s.installments[0].due_date == date(2024, 5, 31)
    assert totals(s) == [D("100000")] * 12


# -- rounding -----------------------------------------------------------------------------------

def test_rounding_to_rp100_and_rp1000():
    by_100 = schedule("flat", "10000000", "12", 12, rounding=D("100"))
    assert totals(by_100)[:-1] == [D("933300")] * 11
    assert by_100.installments[-1].total == D("933700")
    by_1000 = schedule("flat", "10000000", "12", 12, rounding=D("1000"))
    assert totals(by_1000)[:-1] == [D("933000")] * 11
    assert by_1000.installments[-1].total == D("937000")
    for s in (by_100, by_1000):
        assert s.total_principal == D("10000000") and s.total_interest == D("1200000")
        assert all(i.interest == D("100000") for i in s.installments)


def test_rounding_half_up():
    # 1.500.000 over 12 months at 0%: 125.000 -> with Rp1.000 steps 125.000 exactly;
    # 1.506.000: 125.500 -> 126.000 (half up), the last pays less
    s = schedule("qardh", "1506000", "0", 12, rounding=D("1000"))
    assert totals(s)[:-1] == [D("126000")] * 11
    assert s.installments[-1].total == D("1506000") - 11 * D("126000")


@pytest.mark.parametrize("method, principal, rate, term, grace", [
    ("mudharabah", "1267548", "30.84", 112, 0),
    ("annuity", "6353211", "18.16", 118, 7),
])
def test_rounding_down_where_rounding_up_would_repay_before_the_term(method, principal, rate,
                                                                      term, grace):
    # Rounded up to Rp1.000, these instalments would repay the loan one instalment early and
    # leave the last one empty; rounded down, every instalment but the last is equal.
    s = schedule(method, principal, rate, term, grace=grace, rounding=D("1000"))
    repaying = s.installments[grace:-1]
    assert len({i.total for i in repaying}) == 1
    assert repaying[0].total % 1000 == 0
    assert all(i.balance > 0 for i in s.installments[:-1])
    assert s.installments[-1].principal > 0
    assert s.installments[-1].total > repaying[0].total - 1000


def test_an_exact_half_rupiah_of_interest_rounds_up():
    # 300 x 22% / 12 = 5,5 exactly, though 22% / 12 itself has no exact decimal
    for method in ("effective", "annuity"):
        assert build_schedule(method, D("300"), D("22"), 1, START).installments[0].interest == 6


def test_principal_with_sen_is_settled_by_the_last_instalment():
    s = schedule("annuity", "2500000.50", "18", 6)
    assert s.total_principal == D("2500000.50")
    assert s.installments[-1].principal % 1 == D("0.50")
    assert s.installments[-1].balance == 0


def test_to_dict():
    s = schedule("flat", "90000000", "12", 36, start=date(2024, 1, 31))
    data = s.to_dict()
    assert data["installments"][0] == {
        "n": 1, "due_date": "2024-02-29", "principal": "2500000.00", "interest": "900000.00",
        "total": "3400000.00", "balance": "87500000.00"}
    assert data["totals"] == {"principal": "90000000.00", "interest": "32400000.00",
                              "total": "122400000.00"}
    assert isinstance(s, Schedule) and isinstance(s.installments[0], Installment)


# -- refused input ------------------------------------------------------------------------------

BAD = [
    (dict(principal=D("0")), "principal"),
    (dict(principal=D("-1")), "principal"),
    (dict(principal=D("1000.001")), "principal"),
    (dict(principal=D("100000000001")), "principal"),
    (dict(principal=D("NaN")), "principal"),
    (dict(term=0), "term"),
    (dict(term=361), "term"),
    (dict(annual_rate=D("-0.5")), "annual_rate"),
    (dict(annual_rate=D("100.01")), "annual_rate"),
    (dict(method="balloon"), "method"),
    (dict(frequency="daily"), "frequency"),
    (dict(grace=12), "grace"),
    (dict(grace=13), "grace"),
    (dict(grace=-1), "grace"),
    (dict(rounding=D("10")), "rounding"),
    (dict(rounding=D("500")), "rounding"),
    (dict(margin=D("100000")), "margin"),  # flat has no margin
    (dict(method="qardh", annual_rate=D("1")), "annual_rate"),
    (dict(method="murabahah", annual_rate=D("0"), margin=D("-1")), "margin"),
    (dict(method="murabahah", annual_rate=D("0"), margin=D("1.005")), "margin"),
    (dict(method="murabahah", annual_rate=D("10"), margin=D("100000")), "margin"),
]


@pytest.mark.parametrize("bad, field", BAD)
def test_refused_input(bad, field):
    arguments = dict(method="flat", principal=D("1000000"), annual_rate=D("12"), term=12,
                     start=START)
    arguments.update(bad)
    with pytest.raises(ScheduleError) as caught:
        build_schedule(**arguments)
    assert caught.value.field == field
    assert str(caught.value)  # a message a person can read
    assert isinstance(caught.value, (ValueError, DomainError))


def test_refused_messages_are_translatable():
    # rendered in the reader's language when shown (the catalogue holds the Indonesian)
    from flask_babel.speaklater import LazyString
    with pytest.raises(ScheduleError) as caught:
        build_schedule("qardh", D("1000000"), D("5"), 12, START)
    assert isinstance(caught.value.message, LazyString)
    assert str(caught.value) == "A qardh loan is benevolent: its rate must be 0."


def test_programming_errors_fail_loudly():
    with pytest.raises(TypeError):
        build_schedule("flat", 1000000.0, D("12"), 12, START)  # a float never touches money
    with pytest.raises(TypeError):
        build_schedule("flat", D("1000000"), D("12"), "12", START)
    with pytest.raises(TypeError):
        build_schedule("flat", D("1000000"), D("12"), 12, "2024-01-15")


def test_every_method_builds():
    for method in METHODS:
        rate = "0" if method == "qardh" else "12"
        assert schedule(method, "1000000", rate, 12).total_principal == D("1000000")
