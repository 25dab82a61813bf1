"""Manual entries through the service: many lines, never on control or group accounts, rows
checked, a description needed."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.errors import DomainError
from coop_app.ledger import service as ledger
from coop_app.ledger.posting import PostingError
from tests.support import in_english
from tests.support.books import account_id, journal_counts

D = Decimal


# -- manual entries -----------------------------------------------------------------------------

def test_a_manual_entry_with_many_lines(ctx, world):
    ksp = world.ksp_id
    entry = ledger.post_manual_entry(ksp, date(2025, 2, 1), "Pembelian aset", [
        (account_id(ksp, "fixed_assets"), D("3000000"), None, "Laptop"),
        (None, None, None, None),  # an empty form row is ignored
        (account_id(ksp, "cash"), None, D("1000000"), None),
        (account_id(ksp, "other_payable"), None, D("2000000"), "Utang ke toko"),
    ], "man", created_by=world.user_id("manager"))
    assert entry.kind == "manual" and len(entry.lines) == 3
    assert [ln.amount for ln in entry.lines] == [D("3000000"), D("-1000000"), D("-2000000")]


@pytest.mark.parametrize("key", ["simpanan_wajib", "simpanan_pokok", "loans_receivable",
                                 "simpanan_sukarela", "loan_allowance", "cash_and_bank"])
def test_a_manual_entry_cannot_touch_control_or_group_accounts(ctx, world, key):
    ksp = world.ksp_id
    with pytest.raises(DomainError) as caught:
        ledger.post_manual_entry(ksp, date(2025, 2, 1), "Koreksi", [
            (account_id(ksp, "cash"), D("1000"), None, None), (account_id(ksp, key), None, D("1000"), None)], "man")
    assert "open detail account" in in_english(caught.value)
    assert journal_counts() == (0, 0)


def test_sharia_control_accounts_are_refused_too(ctx, world):
    bmt = world.bmt_id
    for key in ("murabahah_receivable", "deferred_margin", "simpanan_wadiah", "simpanan_mudharabah"):
        with pytest.raises(DomainError):
            ledger.post_manual_entry(bmt, date(2025, 2, 1), "Koreksi", [
                (account_id(bmt, key), D("1000"), None, None), (account_id(bmt, "cash"), None, D("1000"), None)], key)
    assert journal_counts() == (0, 0)


@pytest.mark.parametrize("rows, error", [
    ([("cash", D("1000"), D("1000")), ("grants", None, D("1000"))], DomainError),
    ([("cash", None, None), ("grants", None, D("1000"))], DomainError),
    ([("cash", D("1000"), None)], DomainError),
    ([("cash", D("1000"), None), ("grants", None, D("999"))], PostingError),
    ([("cash", D("-1000"), None), ("grants", D("1000"), None)], DomainError),
    ([("cash", D("10.001"), None), ("grants", None, D("10.001"))], DomainError),
])
def test_manual_entry_rows_are_checked(ctx, world, rows, error):
    ksp = world.ksp_id
    with pytest.raises(error):
        ledger.post_manual_entry(ksp, date(2025, 2, 1), "Koreksi",
                                 [(account_id(ksp, k), debit, credit, None) for k, debit, credit in rows], "man")
    assert journal_counts() == (0, 0)


def test_a_manual_entry_needs_a_description(ctx, world):
    ksp = world.ksp_id
    with pytest.raises(DomainError):
        ledger.post_manual_entry(ksp, date(2025, 2, 1), "", [
            (account_id(ksp, "cash"), D("1"), None, None), (account_id(ksp, "grants"), None, D("1"), None)], "man")
