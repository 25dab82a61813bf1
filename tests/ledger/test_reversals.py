"""Reversing an entry through the service: the mirror linked to its original, once, never a
closing entry, never before its entry or in a closed period; sub-ledger entries by their module."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import ClosedPeriodError, Line, post_entry
from coop_app.registry import registry
from tests.ledger.helpers import fund, year_of_business
from tests.support import in_english
from tests.support.books import account_id, balance, coop, journal_counts

D = Decimal


# -- reversals -----------------------------------------------------------------------------

def test_reversal_posts_the_mirror_linked_to_the_original(ctx, world):
    ksp = world.ksp_id
    original = ledger.post_manual_entry(ksp, date(2025, 3, 1), "Salah catat", [
        (account_id(ksp, "cash"), D("750000.25"), None, "tunai"),
        (account_id(ksp, "bank"), D("250000"), None, None),
        (account_id(ksp, "grants"), None, D("1000000.25"), None)], "orig")
    db.session.commit()
    manager = world.user_id("manager")
    reversal = ledger.reverse_entry(ksp, original.id, "  Salah akun  ", "rev-1", created_by=manager,
                                    reversal_date=date(2025, 3, 2))
    db.session.commit()
    assert reversal.replayed is False
    assert (reversal.kind, reversal.memo, reversal.reverses_id, reversal.created_by,
            reversal.entry_date) == ("reversal", "Salah akun", original.id, manager, date(2025, 3, 2))
    assert [(ln.account_id, ln.amount, ln.memo) for ln in reversal.lines] == [
        (ln.account_id, -ln.amount, ln.memo) for ln in original.lines]
    db.session.expire_all()
    assert db.session.get(JournalEntry, original.id).reversed_by.id == reversal.id
    for key in ("cash", "bank", "grants"):
        assert balance(ksp, key) == 0
    assert journal_counts() == (2, 6)

    again = ledger.reverse_entry(ksp, original.id, "Salah akun", "rev-1", created_by=manager,
                                 reversal_date=date(2025, 3, 2))
    assert again.id == reversal.id and again.replayed is True
    assert journal_counts() == (2, 6)


def test_an_entry_is_reversed_once(ctx, world):
    ksp = world.ksp_id
    original = fund(ksp, "1000")
    first = ledger.reverse_entry(ksp, original.id, "salah", "rev-a", reversal_date=date(2025, 1, 3))
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp, original.id, "salah lagi", "rev-b", reversal_date=date(2025, 1, 3))
    assert f"#{first.id}" in in_english(caught.value)
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp, first.id, "balik lagi", "rev-c", reversal_date=date(2025, 1, 4))
    assert "cannot itself be reversed" in in_english(caught.value)
    assert journal_counts() == (2, 4)


def test_a_closing_entry_cannot_be_reversed(ctx, world):
    ksp = coop(world.ksp_id)
    year_of_business(ksp.id)
    period = ledger.close_period(ksp, date(2025, 12, 31), today=date(2026, 1, 3))
    before = journal_counts()
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp.id, period.closing_entry_id, "coba", "rev-closing",
                             reversal_date=date(2026, 1, 2))
    assert "closing entry cannot be reversed" in in_english(caught.value)
    assert journal_counts() == before


def test_a_reversal_is_not_dated_before_its_entry(ctx, world):
    original = fund(world.ksp_id, "1000", day=date(2025, 3, 10))
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev", reversal_date=date(2025, 3, 9))
    assert "before the entry" in in_english(caught.value)
    same_day = ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev",
                                    reversal_date=date(2025, 3, 10))
    assert same_day.entry_date == date(2025, 3, 10)


def test_a_reversal_is_not_dated_in_a_closed_period(ctx, world):
    original = fund(world.ksp_id, "1000", day=date(2025, 1, 10))
    ledger.close_period(coop(world.ksp_id), date(2025, 1, 31), today=date(2025, 3, 1))
    with pytest.raises(ClosedPeriodError):
        ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev", reversal_date=date(2025, 1, 20))
    # Corrected in the open period instead.
    reversal = ledger.reverse_entry(world.ksp_id, original.id, "salah", "rev",
                                    reversal_date=date(2025, 2, 1))
    assert reversal.reverses_id == original.id


def test_a_reversal_needs_a_reason_and_an_entry_of_this_cooperative(ctx, world):
    original = fund(world.ksp_id, "1000")
    with pytest.raises(DomainError):
        ledger.reverse_entry(world.ksp_id, original.id, "   ", "rev")
    with pytest.raises(NotFound):
        ledger.reverse_entry(world.other_id, original.id, "salah", "rev")
    assert journal_counts() == (1, 2)


def test_an_entry_with_sub_ledger_lines_is_reversed_by_its_module(ctx, world):
    # A kind no module registered a reversal handler for.
    ksp = world.ksp_id
    entry = post_entry(ksp, date(2025, 2, 1), "test_module_entry", "Setoran", [
        Line(account_id(ksp, "cash"), D("10000")),
        Line(account_id(ksp, "simpanan_sukarela"), D("-10000"), savings_account_id=5)], "dep")
    with pytest.raises(DomainError) as caught:
        ledger.reverse_entry(ksp, entry.id, "salah", "rev", reversal_date=date(2025, 2, 2))
    assert "savings or loan" in in_english(caught.value)
    assert journal_counts() == (1, 2)


def test_a_registered_handler_undoes_the_sub_ledger(ctx, world, monkeypatch):
    ksp = world.ksp_id
    calls = []
    monkeypatch.setitem(registry().reversal_handlers, "test_module_entry",
                        lambda original, reversal: calls.append((original.id, reversal.id)))
    entry = post_entry(ksp, date(2025, 2, 1), "test_module_entry", "Setoran", [
        Line(account_id(ksp, "cash"), D("10000")),
        Line(account_id(ksp, "simpanan_sukarela"), D("-10000"), savings_account_id=5)], "dep")
    reversal = ledger.reverse_entry(ksp, entry.id, "salah", "rev", reversal_date=date(2025, 2, 2))
    assert reversal.lines[1].savings_account_id == 5
    ledger.reverse_entry(ksp, entry.id, "salah", "rev", reversal_date=date(2025, 2, 2))  # a replay
    assert calls == [(entry.id, reversal.id)]
