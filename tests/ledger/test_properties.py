"""Properties of the books under random input: whatever balanced entries go in, the trial
balance stays at zero; whatever unbalanced or inexact entry is offered, nothing goes in.

The database persists across the examples of one test function, so every example uses a
fresh idempotency key and compares counts before and after.
"""
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coop_app.extensions import db
from coop_app.ledger import reports
from coop_app.ledger import service as ledger
from coop_app.ledger.chart import CONTROL_ACCOUNT_KEYS
from coop_app.ledger.check import check_ledger
from coop_app.ledger.posting import EntrySpec, Line, PostingError, post_entries_batch, post_entry
from coop_app.money import MoneyError, format_plain, from_sen, parse_amount, to_sen
from tests.support.books import journal_counts

FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FIRST_DAY = date(2024, 1, 1)

# Up to Rp10 billion a line, in sen; small amounts are drawn often too.
sen_amounts = st.one_of(st.integers(1, 10_000), st.integers(1, 1_000_000_000_000))


@st.composite
def balanced_entries(draw):
    """(line count, [(account index, sen)]) whose sens sum to zero, none of them zero."""
    n = draw(st.integers(2, 6))
    sens = [draw(sen_amounts) * draw(st.sampled_from([1, -1])) for _ in range(n - 1)]
    last = -sum(sens)
    assume(last != 0)
    sens.append(last)
    picks = [draw(st.integers(0, 10_000)) for _ in range(n)]
    day = FIRST_DAY + timedelta(days=draw(st.integers(0, 1000)))
    return day, list(zip(picks, sens, strict=True))


def postable(coop_id):
    """Postable accounts outside the sub-ledgers' control accounts (only their own modules
    post there, naming the savings account or loan; check-ledger holds them to it)."""
    return [a.id for a in ledger.accounts(coop_id, postable=True)
            if a.system_key not in CONTROL_ACCOUNT_KEYS]


def as_lines(accounts, drawn):
    return [Line(accounts[pick % len(accounts)], from_sen(sen)) for pick, sen in drawn]


def assert_books_in_order(coop_id):
    _, debit, credit = reports.trial_balance(coop_id, date(2030, 1, 1))
    assert debit == credit
    assert sum(reports.balances_by_account(coop_id).values(), Decimal(0)) == 0
    facts, problems = check_ledger()
    assert problems == []
    return facts


@FAST
@given(entry=balanced_entries())
def test_balanced_entries_keep_the_books_in_order(ctx, world, entry):
    coop = world.ksp_id
    accounts = postable(coop)
    day, drawn = entry
    lines = as_lines(accounts, drawn)
    before = journal_counts()
    posted = post_entry(coop, day, "manual", "acak", lines, str(uuid.uuid4()))
    db.session.commit()
    assert journal_counts() == (before[0] + 1, before[1] + len(lines))
    assert sorted(to_sen(ln.amount) for ln in posted.lines) == sorted(sen for _, sen in drawn)
    facts = assert_books_in_order(coop)
    assert facts["entries"] == before[0] + 1


@FAST
@given(entry=balanced_entries(), data=st.data())
def test_a_replay_posts_nothing(ctx, world, entry, data):
    coop = world.bmt_id
    accounts = postable(coop)
    day, drawn = entry
    lines = as_lines(accounts, drawn)
    key = str(uuid.uuid4())
    first = post_entry(coop, day, "manual", "", lines, key)
    db.session.commit()
    before = journal_counts()
    again = post_entry(coop, day, "manual", "", data.draw(st.permutations(lines)), key)
    db.session.commit()
    assert (again.id, again.replayed, journal_counts()) == (first.id, True, before)


@st.composite
def spoiled_entries(draw):
    """A balanced entry with one line spoiled: one sen more or less, zero, or a float."""
    day, drawn = draw(balanced_entries())
    victim = draw(st.integers(0, len(drawn) - 1))
    how = draw(st.sampled_from(["plus one sen", "minus one sen", "zero", "float", "sub-sen"]))
    return day, drawn, victim, how


@FAST
@given(spoiled=spoiled_entries())
def test_spoiled_entries_are_refused_whole(ctx, world, spoiled):
    coop = world.ksp_id
    accounts = postable(coop)
    day, drawn, victim, how = spoiled
    lines = as_lines(accounts, drawn)
    line = lines[victim]
    amount = {
        "plus one sen": line.amount + Decimal("0.01"),
        "minus one sen": line.amount - Decimal("0.01"),
        "zero": Decimal("0"),
        "float": float(line.amount),
        "sub-sen": line.amount + Decimal("0.001"),
    }[how]
    lines[victim] = Line(line.account_id, amount)
    before = journal_counts()
    with pytest.raises(PostingError):
        post_entry(coop, day, "manual", "", lines, str(uuid.uuid4()))
    db.session.commit()
    assert journal_counts() == before
    assert_books_in_order(coop)


@FAST
@given(entries=st.lists(balanced_entries(), min_size=1, max_size=12), spoil=st.booleans(),
       data=st.data())
def test_batches_go_in_whole_or_not_at_all(ctx, world, entries, spoil, data):
    coop = world.other_id
    accounts = postable(coop)
    specs = [EntrySpec(entry_date=day, kind="import", memo="", lines=as_lines(accounts, drawn),
                       idempotency_key=str(uuid.uuid4())) for day, drawn in entries]
    if spoil:
        spec = data.draw(st.sampled_from(specs))
        first = spec.lines[0]
        spec.lines[0] = Line(first.account_id, first.amount + Decimal("0.01"))
    before = journal_counts()
    if spoil:
        with pytest.raises(PostingError):
            post_entries_batch(coop, specs, chunk=data.draw(st.integers(1, 5)))
        db.session.commit()
        assert journal_counts() == before
    else:
        assert post_entries_batch(coop, specs, chunk=data.draw(st.integers(1, 5))) == len(specs)
        db.session.commit()
        assert journal_counts() == (before[0] + len(specs), before[1] + sum(len(s.lines) for s in specs))
    assert_books_in_order(coop)


# -- money --------------------------------------------------------------------------------

sen_values = st.integers(-10_000_000_000_000, 10_000_000_000_000)


@settings(max_examples=200, deadline=None)
@given(sen=sen_values)
def test_sen_round_trip(sen):
    assert to_sen(from_sen(sen)) == sen
    assert from_sen(sen) * 100 == sen


@settings(max_examples=200, deadline=None)
@given(sen=st.integers(0, 10_000_000_000_000), locale=st.sampled_from(["id", "en"]))
def test_what_is_shown_parses_back(sen, locale):
    amount = from_sen(sen)
    assert parse_amount(format_plain(amount, locale), locale) == amount


@settings(max_examples=100, deadline=None)
@given(value=st.decimals(allow_nan=False, allow_infinity=False, places=3,
                         min_value=-10**9, max_value=10**9))
def test_sub_sen_amounts_are_refused(value):
    if value == value.quantize(Decimal("0.01")):
        assert to_sen(value) == int(value * 100)
    else:
        with pytest.raises(MoneyError):
            to_sen(value)
