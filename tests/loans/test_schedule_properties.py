"""Properties of every schedule under random loans: whatever the method, rate, term, grace,
rounding and frequency, the principal is repaid exactly and no part is ever negative."""
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coop_app.loans.schedule import FIXED_CHARGE, FREQUENCIES, METHODS, ROUNDINGS, build_schedule

# Rp100.000 to Rp500.000.000, in sen: whole rupiah most of the time, sometimes with sen.
principals = st.one_of(
    st.integers(100_000, 500_000_000).map(Decimal),
    st.integers(10_000_000, 50_000_000_000).map(lambda sen: Decimal(sen) / 100),
)
# 0% to 36% a year, up to two decimals.
rates = st.integers(0, 3600).map(lambda hundredths: Decimal(hundredths) / 100)
starts = st.dates(date(2000, 1, 1), date(2060, 12, 31))


@st.composite
def loans(draw):
    method = draw(st.sampled_from(METHODS))
    term = draw(st.integers(1, 120))
    margin = None
    rate = Decimal(0) if method == "qardh" else draw(rates)
    if method == "murabahah" and draw(st.booleans()):
        rate, margin = Decimal(0), draw(st.integers(0, 200_000_000).map(Decimal))
    return dict(method=method, principal=draw(principals), annual_rate=rate, term=term,
                start=draw(starts), frequency=draw(st.sampled_from(FREQUENCIES)),
                grace=draw(st.integers(0, min(term - 1, 12))),
                rounding=draw(st.sampled_from(ROUNDINGS)), margin=margin)


@settings(max_examples=200, deadline=None)
@given(loans())
def test_every_schedule_repays_exactly(loan):
    s = build_schedule(**loan)
    rows = s.installments
    assert len(rows) == loan["term"]
    assert [i.n for i in rows] == list(range(1, loan["term"] + 1))
    assert s.total_principal == loan["principal"]
    assert rows[-1].balance == 0
    # from Rp100.000 up, no loan is repaid before its last instalment, which is never empty
    assert all(i.balance > 0 for i in rows[:-1])
    assert rows[-1].principal > 0
    before = loan["principal"]
    for i in rows:
        assert i.principal >= 0 and i.interest >= 0 and i.total >= 0
        assert i.total == i.principal + i.interest
        assert i.balance == before - i.principal
        assert i.balance <= before
        for amount in (i.principal, i.interest, i.total, i.balance):
            assert amount == amount.quantize(Decimal("0.01"))
        before = i.balance
    dates = [i.due_date for i in rows]
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
    assert dates[0] > loan["start"]


@settings(max_examples=200, deadline=None)
@given(loans())
def test_grace_instalments_carry_no_principal(loan):
    s = build_schedule(**loan)
    if loan["method"] != "qardh":
        assert all(i.principal == 0 for i in s.installments[:loan["grace"]])
    else:  # qardh: the grace moves the first due date instead
        step = s.installments[0].due_date - loan["start"]
        assert step > timedelta(days=28 * loan["grace"] if loan["frequency"] == "monthly"
                                else 7 * loan["grace"])


@settings(max_examples=200, deadline=None)
@given(loans())
def test_instalments_before_the_last_are_rounded(loan):
    """Every instalment after the grace but the last is a multiple of the rounding step,
    except where the rounded total would have been less than the interest part (it is then
    interest only); a flat charge adds up to its disclosed total."""
    s = build_schedule(**loan)
    step = loan["rounding"]
    for i in s.installments[loan["grace"]:-1]:
        if i.principal > 0:
            assert i.total % step == 0
    if loan["method"] in FIXED_CHARGE:
        periods = 12 if loan["frequency"] == "monthly" else 52
        charge = loan["margin"] if loan["margin"] is not None else (
            loan["principal"] * loan["annual_rate"] * loan["term"] / (100 * periods)
        ).quantize(Decimal("1"), rounding="ROUND_HALF_UP")
        assert s.total_interest == charge
