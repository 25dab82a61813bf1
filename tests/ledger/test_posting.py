"""The posting service: balanced entries go in whole, anything else is refused whole."""
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import (
    ClosedPeriodError,
    EntrySpec,
    IdempotencyConflict,
    Line,
    PostingError,
    post_entries_batch,
    post_entry,
)
from tests.support import in_english
from tests.support.books import journal_counts

D = Decimal
DAY = date(2025, 3, 10)


def account(coop_id, key):
    return ledger.account_by_key(coop_id, key).id


def cash_grant(coop_id, amount="1500000.50"):
    return [Line(account(coop_id, "cash"), D(amount)), Line(account(coop_id, "grants"), -D(amount))]


# -- a good entry -----------------------------------------------------------------------

def test_balanced_entry_posts_with_its_lines(ctx, world):
    coop = world.ksp_id
    cash, grants, bank = account(coop, "cash"), account(coop, "grants"), account(coop, "bank")
    manager = world.user_id("manager")
    entry = post_entry(coop, DAY, "manual", "Hibah desa", [
        Line(cash, D("1000000.50"), memo="tunai"),
        Line(bank, D("500000")),
        Line(grants, D("-1500000.50")),
    ], "k-1", created_by=manager)
    db.session.commit()
    assert entry.replayed is False
    assert journal_counts() == (1, 3)

    db.session.expire_all()
    stored = db.session.get(JournalEntry, entry.id)
    assert (stored.cooperative_id, stored.entry_date, stored.kind, stored.memo) == (
        coop, DAY, "manual", "Hibah desa")
    assert stored.created_by == manager and stored.posted_at is not None
    assert stored.idempotency_key == "k-1" and stored.reverses_id is None
    assert [(ln.account_id, ln.amount, ln.memo) for ln in stored.lines] == [
        (cash, D("1000000.50"), "tunai"), (bank, D("500000.00"), None),
        (grants, D("-1500000.50"), None)]
    assert all(ln.cooperative_id == coop for ln in stored.lines)
    assert stored.total == D("1500000.50")
    # The database holds integer sen.
    raw = db.session.execute(text("SELECT amount FROM journal_lines ORDER BY id")).scalars().all()
    assert raw == [100_000_050, 50_000_000, -150_000_050]
    assert ledger.account_balance(coop, cash) == D("1000000.50")
    assert ledger.account_balance(coop, grants) == D("-1500000.50")


def test_post_entry_never_commits(ctx, world):
    post_entry(world.ksp_id, DAY, "manual", "", cash_grant(world.ksp_id), "k-rollback")
    assert journal_counts() == (1, 2)
    db.session.rollback()
    assert journal_counts() == (0, 0)


def test_sub_ledger_references_are_kept(ctx, world):
    coop = world.ksp_id
    entry = post_entry(coop, DAY, "deposit", "Setoran", [
        Line(account(coop, "cash"), D("50000"), member_id=7),
        Line(account(coop, "simpanan_sukarela"), D("-50000"), member_id=7, savings_account_id=11),
    ], "k-sub")
    db.session.commit()
    assert [(ln.member_id, ln.savings_account_id, ln.loan_id) for ln in entry.lines] == [
        (7, None, None), (7, 11, None)]


# -- refusals: nothing is written ----------------------------------------------------------

def _refusals(coop, other, world):
    cash, grants = account(coop, "cash"), account(coop, "grants")
    return {
        "one line": [Line(cash, D("100"))],
        "no lines": [],
        "zero line": [Line(cash, D("100")), Line(grants, D("-100")), Line(cash, D("0"))],
        "unbalanced": [Line(cash, D("100000")), Line(grants, D("-99999.99"))],
        "three decimals": [Line(cash, D("100.005")), Line(grants, D("-100.005"))],
        "float": [Line(cash, 100.5), Line(grants, -100.5)],
        "other cooperative": [Line(cash, D("100")), Line(account(other, "grants"), D("-100"))],
        "group account": [Line(account(coop, "cash_and_bank"), D("100")), Line(grants, D("-100"))],
        "missing account": [Line(cash, D("100")), Line(999_999, D("-100"))],
    }


REFUSALS = ["one line", "no lines", "zero line", "unbalanced", "three decimals", "float",
            "other cooperative", "group account", "missing account"]


@pytest.mark.parametrize("case", REFUSALS)
def test_invalid_entry_is_refused_and_nothing_is_written(ctx, world, case):
    post_entry(world.ksp_id, DAY, "manual", "", cash_grant(world.ksp_id), "before")
    db.session.commit()
    before = journal_counts()
    lines = _refusals(world.ksp_id, world.other_id, world)[case]
    with pytest.raises(PostingError):
        post_entry(world.ksp_id, DAY, "manual", "", lines, f"bad-{case}")
    assert journal_counts() == before
    db.session.commit()
    assert journal_counts() == before


def test_inactive_account_is_refused(ctx, world):
    coop = world.ksp_id
    prepaid = account(coop, "prepaid")
    ledger.set_account_active(coop, prepaid, False)
    db.session.commit()
    with pytest.raises(PostingError) as caught:
        post_entry(coop, DAY, "manual", "", [Line(prepaid, D("10")), Line(account(coop, "cash"), D("-10"))],
                   "k-inactive")
    assert "inactive" in in_english(caught.value)
    assert journal_counts() == (0, 0)


@pytest.mark.parametrize("kind, memo, key", [
    ("manual", "", ""),
    ("manual", "", "x" * 101),
    ("", "", "k"),
    ("manual", "m" * 501, "k"),
])
def test_shape_of_the_entry_is_checked(ctx, world, kind, memo, key):
    with pytest.raises(PostingError):
        post_entry(world.ksp_id, DAY, kind, memo, cash_grant(world.ksp_id), key)
    assert journal_counts() == (0, 0)


def test_unbalanced_message_names_the_difference(ctx, world):
    coop = world.ksp_id
    with pytest.raises(PostingError) as caught:
        post_entry(coop, DAY, "manual", "", [Line(account(coop, "cash"), D("1000")),
                                             Line(account(coop, "grants"), D("-999.50"))], "k")
    assert "0.50" in in_english(caught.value)


# -- idempotency --------------------------------------------------------------------------

def test_same_key_same_content_replays_the_first_entry(ctx, world):
    coop = world.ksp_id
    first = post_entry(coop, DAY, "manual", "Hibah", cash_grant(coop), "submit-1")
    db.session.commit()
    first_id = first.id
    db.session.expire_all()
    # The lines may come in another order: the content is the same.
    again = post_entry(coop, DAY, "manual", "Hibah", list(reversed(cash_grant(coop))), "submit-1")
    db.session.commit()
    assert again.id == first_id
    assert again.replayed is True
    assert journal_counts() == (1, 2)


def test_replay_within_the_same_transaction(ctx, world):
    coop = world.ksp_id
    first = post_entry(coop, DAY, "manual", "", cash_grant(coop), "submit-2")
    again = post_entry(coop, DAY, "manual", "", cash_grant(coop), "submit-2")
    assert again is first and again.replayed
    db.session.commit()
    assert journal_counts() == (1, 2)


@pytest.mark.parametrize("change", ["amount", "date", "kind", "account", "extra line", "member"])
def test_same_key_different_content_is_a_conflict(ctx, world, change):
    coop = world.ksp_id
    post_entry(coop, DAY, "manual", "", cash_grant(coop, "1000"), "submit-3")
    db.session.commit()
    cash, grants, bank = account(coop, "cash"), account(coop, "grants"), account(coop, "bank")
    entry_date, kind = DAY, "manual"
    lines = [Line(cash, D("1000")), Line(grants, D("-1000"))]
    if change == "amount":
        lines = [Line(cash, D("1000.01")), Line(grants, D("-1000.01"))]
    elif change == "date":
        entry_date = date(2025, 3, 11)
    elif change == "kind":
        kind = "expense_voucher"
    elif change == "account":
        lines = [Line(bank, D("1000")), Line(grants, D("-1000"))]
    elif change == "extra line":
        lines = [Line(cash, D("600")), Line(bank, D("400")), Line(grants, D("-1000"))]
    elif change == "member":
        lines = [Line(cash, D("1000"), member_id=3), Line(grants, D("-1000"))]
    with pytest.raises(IdempotencyConflict):
        post_entry(coop, entry_date, kind, "", lines, "submit-3")
    assert journal_counts() == (1, 2)


def test_keys_are_per_cooperative(ctx, world):
    a = post_entry(world.ksp_id, DAY, "manual", "", cash_grant(world.ksp_id), "same-key")
    b = post_entry(world.other_id, DAY, "manual", "", cash_grant(world.other_id), "same-key")
    db.session.commit()
    assert a.id != b.id and not a.replayed and not b.replayed
    assert journal_counts() == (2, 4)


def test_a_key_from_another_cooperative_is_not_a_replay(ctx, world):
    post_entry(world.other_id, DAY, "manual", "", cash_grant(world.other_id), "k-x")
    db.session.commit()
    # KSP-A's books do not see KSP-B's key, so a different entry is not a conflict.
    mine = post_entry(world.ksp_id, DAY, "manual", "", cash_grant(world.ksp_id, "5"), "k-x")
    assert mine.replayed is False and mine.cooperative_id == world.ksp_id


# -- closed periods -------------------------------------------------------------------------

def test_entry_in_a_closed_period_is_refused(ctx, world):
    coop = db.session.get(Cooperative, world.ksp_id)
    post_entry(coop.id, date(2025, 1, 15), "manual", "", cash_grant(coop.id), "jan")
    ledger.close_period(coop, date(2025, 1, 31), today=date(2025, 2, 10))
    db.session.commit()
    for day in (date(2025, 1, 31), date(2025, 1, 1), date(2024, 12, 31)):
        with pytest.raises(ClosedPeriodError) as caught:
            post_entry(coop.id, day, "manual", "", cash_grant(coop.id), f"late-{day}")
        assert "2025-01-31" in in_english(caught.value)
    assert journal_counts() == (1, 2)
    post_entry(coop.id, date(2025, 2, 1), "manual", "", cash_grant(coop.id), "feb")
    db.session.commit()
    assert journal_counts() == (2, 4)


def test_closed_period_of_another_cooperative_does_not_matter(ctx, world):
    other = db.session.get(Cooperative, world.other_id)
    ledger.close_period(other, date(2025, 1, 31), today=date(2025, 2, 10))
    post_entry(world.ksp_id, date(2025, 1, 20), "manual", "", cash_grant(world.ksp_id), "k")
    db.session.commit()
    assert journal_counts() == (1, 2)


# -- the batch path -----------------------------------------------------------------------

def _spec(coop, n, amount="1000", day=DAY, lines=None):
    return EntrySpec(entry_date=day, kind="import", memo=f"baris {n}",
                     lines=lines or cash_grant(coop, amount), idempotency_key=f"batch-{n}")


def test_batch_posts_every_entry(ctx, world):
    coop = world.ksp_id
    specs = [_spec(coop, n, f"{n + 1}.25") for n in range(25)]
    assert post_entries_batch(coop, specs, chunk=10) == 25
    db.session.commit()
    assert journal_counts() == (25, 50)
    assert ledger.account_balance(coop, account(coop, "cash")) == sum(
        (D(f"{n + 1}.25") for n in range(25)), D(0))
    stored = db.session.execute(select(JournalEntry).where(
        JournalEntry.idempotency_key == "batch-7")).scalar_one()
    assert stored.memo == "baris 7"
    assert [ln.amount for ln in stored.lines] == [D("8.25"), D("-8.25")]


def test_batch_skips_keys_already_posted(ctx, world):
    coop = world.ksp_id
    post_entries_batch(coop, [_spec(coop, n) for n in range(5)])
    db.session.commit()
    assert post_entries_batch(coop, [_spec(coop, n) for n in range(8)], chunk=3) == 3
    db.session.commit()
    assert journal_counts() == (8, 16)


@pytest.mark.parametrize("case", ["unbalanced", "float", "other cooperative", "group account",
                                  "zero line", "one line", "closed period", "duplicate key"])
def test_batch_is_refused_whole(ctx, world, case):
    coop = world.ksp_id
    cooperative = db.session.get(Cooperative, coop)
    ledger.close_period(cooperative, date(2025, 1, 31), today=date(2025, 2, 10))
    db.session.commit()
    specs = [_spec(coop, n) for n in range(10)]
    bad = _refusals(coop, world.other_id, world)
    if case == "closed period":
        specs[7] = _spec(coop, 7, day=date(2025, 1, 31))
    elif case == "duplicate key":
        specs[7] = _spec(coop, 2)
    else:
        specs[7] = _spec(coop, 7, lines=bad[case])
    with pytest.raises(PostingError):
        post_entries_batch(coop, specs, chunk=3)
    assert journal_counts() == (0, 0)


def test_empty_batch_posts_nothing(ctx, world):
    assert post_entries_batch(world.ksp_id, []) == 0


def test_unique_keys_in_many_cooperatives(ctx, world):
    key = str(uuid.uuid4())
    for coop in (world.ksp_id, world.other_id, world.bmt_id):
        post_entry(coop, DAY, "manual", "", cash_grant(coop), key)
    db.session.commit()
    assert journal_counts() == (3, 6)
