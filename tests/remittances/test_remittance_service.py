"""Remittances through the service layer: conversion to rupiah, the standing allocation and
its split, one balanced entry with the savings movements, duplicates and retries."""
from datetime import date, timedelta

import pytest

from coop_app.errors import DomainError, NotFound
from coop_app.extensions import db
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import JournalEntry
from coop_app.ledger.posting import IdempotencyConflict
from coop_app.remittances import conversion
from coop_app.remittances import queries as remittance_queries
from coop_app.remittances import recording as remittances
from coop_app.savings.models import Remittance, SavingsTransaction
from tests.remittances.helpers import RECEIVED, D, record
from tests.support import in_english, key
from tests.support.books import bank, cash, posting_lines, remittance_counts, savings_balance

# -- conversion --------------------------------------------------------------------------------


def test_ringgit_at_a_rate_with_sen_converts_exactly():
    assert conversion.convert("MYR", D("1500.00"), D("3412.50")) == (
        "MYR", D("1500.00"), D("3412.50"), D("5118750.00"))


@pytest.mark.parametrize("currency,amount,rate,idr", [
    ("HKD", "777.77", "2150.5", "1672594.39"),      # 1.672.594,385: half up, not half even (…,38)
    ("SAR", "333.33", "4.5", "1499.99"),            # 1.499,985 -> 1.499,99
    ("TWD", "2500.50", "512.123", "1280563.56"),    # 1.280.563,5615 -> down
    ("SGD", "100.05", "11823.15", "1182906.16"),    # 1.182.906,1575 -> up
    ("JPY", "12345", "107.123456", "1322439.06"),   # six decimals of rate are kept
    ("KRW", "1000000", "11.5", "11500000.00"),
])
def test_conversion_rounds_half_up_to_the_sen(currency, amount, rate, idr):
    assert conversion.convert(currency, D(amount), D(rate))[3] == D(idr)
    assert conversion.to_idr(D(amount), D(rate)) == D(idr)


@pytest.mark.parametrize("typed,kept", [
    ("3412.50", "3412.50"), ("3412.5000000000000", "3412.500000"), ("1E+3", "1000"),
    ("0003412.123456", "3412.123456"),
])
def test_a_rate_is_kept_as_typed_within_six_decimals(typed, kept):
    assert str(conversion.check_rate(D(typed))) == kept


def test_rupiah_is_taken_as_it_is():
    assert conversion.convert("IDR", amount_idr=D("2000000.50")) == ("IDR", None, None, D("2000000.50"))


@pytest.mark.parametrize("args,text", [
    (("MYR", D("1500"), None), "Enter the exchange rate"),
    (("MYR", None, D("3412.5")), "Enter the amount sent in MYR"),
    (("MYR", D("1500"), D("0")), "more than zero"),
    (("MYR", D("1500"), D("-3412.5")), "more than zero"),
    (("MYR", D("-1500"), D("3412.5")), "more than zero"),
    (("MYR", D("1500"), D("3412.1234567")), "at most six decimals"),
    (("MYR", D("1500.001"), D("3412.5")), "exact to the cent"),
    (("MYR", D("1500"), D("2000000")), "larger than any real exchange rate"),
    (("XYZ", D("1500"), D("3412.5")), "Choose one of the listed currencies"),
    (("", None, None), "Choose one of the listed currencies"),
    (("IDR", D("1500"), None), "no foreign amount or rate"),
    (("IDR", None, None), "Enter the amount received in rupiah"),
    (("MYR", D("0.01"), D("0.1")), "comes to zero"),
])
def test_conversion_refuses_what_does_not_make_an_amount(ctx, args, text):
    with pytest.raises(DomainError) as error:
        conversion.convert(*args)
    assert text in in_english(error.value)


def test_a_foreign_remittance_takes_no_typed_rupiah_amount(ctx):
    with pytest.raises(DomainError) as error:
        conversion.convert("MYR", D("1500"), D("3412.5"), D("5118750"))
    assert "computed from the amount and the rate" in in_english(error.value)


# -- the split (pure) ----------------------------------------------------------------------------

def test_split_takes_the_wajib_due_then_the_percentage_then_pays_the_rest():
    split = remittances.split_amounts(D("2000000"), D("40000"), savings_pct=30)
    assert split == remittances.Split(wajib=D("40000"), savings=D("600000.00"), cash=D("1360000.00"))
    assert split.wajib + split.savings + split.cash == D("2000000")


def test_percentage_of_an_odd_amount_rounds_half_up_and_the_parts_still_sum():
    split = remittances.split_amounts(D("1000000.05"), D("0"), savings_pct=30)
    assert split.savings == D("300000.02")  # 300.000,015
    assert split.cash == D("700000.03")
    assert split.wajib + split.savings + split.cash == D("1000000.05")


def test_a_fixed_amount_larger_than_what_is_left_is_capped():
    split = remittances.split_amounts(D("1000000"), D("40000"), savings_fixed=D("5000000"))
    assert split == remittances.Split(wajib=D("40000"), savings=D("960000"), cash=D("0"))


def test_a_wajib_due_larger_than_the_remittance_takes_all_of_it():
    split = remittances.split_amounts(D("25000"), D("40000"), savings_pct=30)
    assert split == remittances.Split(wajib=D("25000"), savings=D("0"), cash=D("0"))


def test_no_allocation_pays_everything_out():
    assert remittances.split_amounts(D("750000")) == remittances.Split(D("0"), D("0"), D("750000"))


# -- wajib due from the books ----------------------------------------------------------------------

def test_wajib_due_is_months_since_joining_times_wajib_less_paid(ctx, families):
    coop, siti = families.ksp_id, families.siti
    # joined 10 January with one wajib of 20.000 paid
    assert remittances.wajib_due(coop, siti, date(2025, 1, 31)) == D("0")
    assert remittances.wajib_due(coop, siti, date(2025, 3, 15)) == D("40000")
    assert remittances.wajib_due(coop, siti, date(2025, 12, 1)) == D("220000")
    assert remittances.wajib_due(coop, siti, date(2024, 12, 1)) == D("0")
    with pytest.raises(NotFound):
        remittances.wajib_due(families.other_id, siti, RECEIVED)


# -- recording ------------------------------------------------------------------------------------

def test_split_of_30_percent_wajib_due_and_cash_is_one_balanced_entry(ctx, families):
    coop = families.ksp_id
    sukarela, wajib = families.accounts[("siti", "SS")], families.accounts[("siti", "SW")]
    remittances.set_allocation(coop, families.siti, sukarela, savings_pct=30)
    entries_before, _ = remittance_counts()

    remittance = record(families, reference="mbb 2025 0315 01", amount_idr=D("2000000"),
                        money_account_id=bank(coop))
    db.session.commit()

    assert remittance.replayed is False
    assert (remittance.amount_idr, remittance.saved_amount, remittance.cash_paid) == (
        D("2000000"), D("640000"), D("1360000"))
    assert remittance.reference == "MBB 2025 0315 01"  # compared without case or extra spaces
    assert remittance.country == "Malaysia" and remittance.migrant_worker_id == families.ahmad
    assert remittances.split_parts(remittance) == [
        {"part": "wajib", "amount": D("40000.00"), "account_id": wajib,
         "account_number": "SW-000001", "product": "Simpanan Wajib"},
        {"part": "savings", "amount": D("600000.00"), "account_id": sukarela,
         "account_number": "SS-000001", "product": "Simpanan Sukarela"},
        {"part": "cash", "amount": D("1360000.00")},
    ]
    assert remittance_counts()[0] == entries_before + 1
    entry = db.session.get(JournalEntry, remittance.entry_id)
    assert (entry.kind, entry.entry_date) == ("remittance", RECEIVED)
    # the whole remittance in, the savings parts credited, the payout out of the same account
    assert posting_lines(entry.id) == [("simpanan_wajib", D("-40000.00")),
                                     ("simpanan_sukarela", D("-600000.00")),
                                     ("bank", D("2000000.00")), ("bank", D("-1360000.00"))]
    assert sum(line.amount for line in entry.lines) == 0
    assert savings_balance(wajib) == D("60000") and savings_balance(sukarela) == D("650000")
    txns = db.session.execute(db.select(SavingsTransaction).where(
        SavingsTransaction.entry_id == entry.id).order_by(SavingsTransaction.id)).scalars().all()
    assert [(t.account_id, t.kind, t.amount, t.balance_after) for t in txns] == [
        (wajib, "remittance", D("40000"), D("60000")), (sukarela, "remittance", D("600000"), D("650000"))]
    assert check_ledger(coop)[1] == []
    # the wajib is now paid up: a second remittance the same month saves only the share
    second = record(families, amount_idr=D("100000"))
    assert (second.saved_amount, second.cash_paid) == (D("30000"), D("70000"))


def test_ringgit_remittance_keeps_currency_amount_and_rate(ctx, families):
    remittances.set_allocation(families.ksp_id, families.siti, families.accounts[("siti", "SS")],
                               savings_pct=30, pay_wajib_due=False)
    remittance = record(families, currency="MYR", foreign_amount=D("1500.00"), rate=D("3412.50"),
                        amount_idr=None, channel="remittance_company")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Remittance, remittance.id)
    assert (stored.currency, stored.foreign_amount, stored.rate, stored.amount_idr) == (
        "MYR", D("1500.00"), "3412.50", D("5118750.00"))
    assert (stored.saved_amount, stored.cash_paid) == (D("1535625.00"), D("3583125.00"))
    assert savings_balance(families.accounts[("siti", "SS")]) == D("1585625.00")
    assert check_ledger()[1] == []


def test_fixed_amount_larger_than_the_remittance_is_capped_and_nothing_is_paid_out(ctx, families):
    coop = families.ksp_id
    sukarela = families.accounts[("siti", "SS")]
    remittances.set_allocation(coop, families.siti, sukarela, savings_fixed=D("5000000"))
    remittance = record(families, amount_idr=D("1000000"))
    db.session.commit()
    assert (remittance.saved_amount, remittance.cash_paid) == (D("1000000"), D("0"))
    assert [p["part"] for p in remittances.split_parts(remittance)] == ["wajib", "savings"]
    assert posting_lines(remittance.entry_id) == [
        ("simpanan_wajib", D("-40000.00")), ("simpanan_sukarela", D("-960000.00")),
        ("cash", D("1000000.00"))]
    assert savings_balance(sukarela) == D("1010000")
    assert check_ledger(coop)[1] == []


def test_without_an_allocation_everything_is_paid_out_in_one_entry(ctx, families):
    remittance = record(families, member="wati", amount_idr=D("750000"))
    db.session.commit()
    assert (remittance.saved_amount, remittance.cash_paid) == (D("0"), D("750000"))
    assert posting_lines(remittance.entry_id) == [("cash", D("750000.00")), ("cash", D("-750000.00"))]
    assert remittances.split_parts(remittance) == [{"part": "cash", "amount": D("750000.00")}]
    assert check_ledger()[1] == []


def test_wajib_only_allocation_in_a_bmt(ctx, families):
    coop = families.bmt_id
    wadiah = families.accounts[("aminah", "WD")]
    remittances.set_allocation(coop, families.aminah, wadiah, savings_pct=50, pay_wajib_due=True)
    remittance = record(families, member="aminah", currency="SAR", foreign_amount=D("1000"),
                        rate=D("4321.25"), amount_idr=None)
    db.session.commit()
    # 4.321.250: wajib due 40.000, 50% of the whole = 2.160.625, rest 2.120.625
    assert (remittance.amount_idr, remittance.saved_amount, remittance.cash_paid) == (
        D("4321250"), D("2200625"), D("2120625"))
    assert savings_balance(wadiah) == D("2185625")
    assert posting_lines(remittance.entry_id)[1] == ("simpanan_wadiah", D("-2160625.00"))
    assert check_ledger(coop)[1] == []


def test_the_same_reference_cannot_be_recorded_twice(ctx, families):
    first = record(families, reference="WU-778899")
    db.session.commit()
    before = remittance_counts()
    for reference in ("WU-778899", " wu-778899 "):
        with pytest.raises(DomainError) as error:
            record(families, member="budi", reference=reference)
        db.session.rollback()
        assert f"already recorded on {RECEIVED.isoformat()} (remittance #{first.id})" in in_english(error.value)
    assert remittance_counts() == before
    # another cooperative may have a transfer with the same code
    record(families, member="aminah", reference="WU-778899")
    db.session.commit()


def test_a_retried_submission_returns_the_first_remittance(ctx, families):
    remittances.set_allocation(families.ksp_id, families.siti, families.accounts[("siti", "SS")],
                               savings_pct=30)
    submission = key()
    first = record(families, reference="BRI-1", idempotency_key=submission)
    db.session.commit()
    before = remittance_counts()
    again = record(families, reference="BRI-1", idempotency_key=submission)
    assert again.replayed is True and again.id == first.id
    assert remittance_counts() == before
    assert savings_balance(families.accounts[("siti", "SS")]) == D("650000")
    with pytest.raises(IdempotencyConflict):
        record(families, reference="BRI-2", idempotency_key=submission)


@pytest.mark.parametrize("changes,text", [
    ({"received_on": date.today() + timedelta(days=1)}, "is after today"),
    ({"received_on": date(2024, 12, 31)}, "before the member joined"),
    ({"reference": "  "}, "Enter the transfer's reference"),
    ({"reference": "X" * 61}, "at most 60 characters"),
    ({"channel": "pigeon"}, "Choose how the money was sent"),
    ({"migrant_worker_id": None}, "Choose the migrant worker"),
    ({"migrant_worker_id": "OTHER"}, "Migrant worker not found"),
    ({"money_account_id": "GRANTS"}, "Choose a cash or bank account"),
    ({"amount_idr": D("-5")}, "more than zero"),
    ({"amount_idr": D("0")}, "more than zero"),
    ({"country": "X" * 101}, "at most 100 characters"),
])
def test_bad_input_is_refused_and_nothing_is_written(ctx, families, changes, text):
    from coop_app.ledger.service import account_by_key
    if changes.get("migrant_worker_id") == "OTHER":
        changes["migrant_worker_id"] = families.other_migrant
    if changes.get("money_account_id") == "GRANTS":
        changes["money_account_id"] = account_by_key(families.ksp_id, "grants").id
    before = remittance_counts()
    with pytest.raises(DomainError) as error:
        record(families, **changes)
    db.session.rollback()
    assert text in in_english(error.value)
    assert remittance_counts() == before


def test_a_member_of_another_cooperative_is_not_found(ctx, families):
    with pytest.raises(NotFound):
        remittances.record_remittance(families.ksp_id, families.aminah, remittances.RemittanceData(
            families.ahmad, "bank", "IDR", RECEIVED, "X-1", cash(families.ksp_id),
            amount_idr=D("1000")), key())


# -- standing allocation ----------------------------------------------------------------------------

def test_allocation_is_set_and_changed(ctx, families):
    coop, siti = families.ksp_id, families.siti
    sukarela = families.accounts[("siti", "SS")]
    allocation = remittances.set_allocation(coop, siti, sukarela, savings_pct=30)
    assert (allocation.savings_account_id, allocation.savings_pct, allocation.savings_fixed,
            allocation.pay_wajib_due, allocation.pay_instalment_due) == (sukarela, 30, None, True, True)
    changed = remittances.set_allocation(coop, siti, sukarela, savings_fixed=D("250000"),
                                         pay_wajib_due=False, pay_instalment_due=False)
    assert changed.id == allocation.id
    assert (changed.savings_pct, changed.savings_fixed, changed.pay_wajib_due) == (None, D("250000"), False)
    cleared = remittances.set_allocation(coop, siti)
    assert (cleared.savings_account_id, cleared.savings_pct, cleared.savings_fixed) == (None, None, None)


@pytest.mark.parametrize("account,pct,fixed,text", [
    (("budi", "SS"), 30, None, "open sukarela, wadiah or mudharabah"),     # another member's
    (("siti", "SP"), 30, None, "open sukarela, wadiah or mudharabah"),     # pokok
    (("siti", "SW"), 30, None, "open sukarela, wadiah or mudharabah"),     # wajib
    (("aminah", "WD"), 30, None, "open sukarela, wadiah or mudharabah"),   # another cooperative
    (("siti", "SS"), 30, D("1000"), "either a percentage or a fixed amount"),
    (("siti", "SS"), None, None, "either a percentage or a fixed amount"),
    (("siti", "SS"), 0, None, "from 1 to 100"),
    (("siti", "SS"), 101, None, "from 1 to 100"),
    (("siti", "SS"), None, D("-1000"), "more than zero"),
    (None, 30, None, "Choose the savings account"),
])
def test_allocation_bad_input(ctx, families, account, pct, fixed, text):
    account_id = families.accounts[account] if account else None
    with pytest.raises(DomainError) as error:
        remittances.set_allocation(families.ksp_id, families.siti, account_id, pct, fixed)
    assert text in in_english(error.value)
    db.session.rollback()
    assert remittances.get_allocation(families.ksp_id, families.siti) is None


# -- totals ---------------------------------------------------------------------------------------

def test_totals_and_share_saved_are_summed_in_sql(ctx, families):
    coop = families.ksp_id
    remittances.set_allocation(coop, families.siti, families.accounts[("siti", "SS")], savings_pct=30)
    record(families, amount_idr=D("2000000"))                                  # saves 640.000
    record(families, member="wati", amount_idr=D("1000000"))                   # saves nothing
    record(families, member="budi", amount_idr=D("500000"), received_on=date(2025, 4, 2))
    record(families, member="aminah", amount_idr=D("9000000"))                 # another cooperative
    db.session.commit()
    totals = remittance_queries.remittance_totals(coop)
    assert totals == {"count": 3, "received": D("3500000"), "saved": D("640000"),
                      "paid_out": D("2860000"), "share_saved": D("18.3")}
    march = remittance_queries.remittance_summary(coop, date(2025, 3, 1), date(2025, 3, 31))
    assert (march["count"], march["received"], march["saved"], march["share_saved"]) == (
        2, D("3000000"), D("640000"), D("21.3"))
    assert remittance_queries.remittance_totals(coop, member_text="siti")["received"] == D("2000000")
    assert remittance_queries.remittance_totals(coop, member_text="2025.00003")["count"] == 1
    empty = remittance_queries.remittance_summary(coop, date(2020, 1, 1), date(2020, 12, 31))
    assert (empty["count"], empty["received"], empty["share_saved"]) == (0, D("0"), None)
