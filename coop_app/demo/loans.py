"""The demo's loans: members borrow for their businesses; most repay on time, some fall
behind (so the month-end classes them and provisions), one is restructured, one written off
and partly recovered, one paid off early, and a few applications wait for a decision.

A treasurer applies, the manager approves (maker-checker), the treasurer pays out from the
bank and takes the instalments at the counter; everything through the loan services.
"""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from coop_app.loans import disbursement, methods, queries, repayment, workout
from coop_app.loans import application as loans
from coop_app.loans.models import (ACTIVE, CONSUMPTION, EDUCATION, INVESTMENT, PRODUCTIVE,
                                   WORKING_CAPITAL)
from coop_app.loans.products import list_products
from coop_app.loans.schedule import due_dates

# (product code, amount (murabahah: the goods' cost), term, months before today it was
# paid out, story, purpose, purpose kind). Stories: prompt (pays each instalment within a few days),
# late N (its first unpaid instalment fell due N - 1 months before the last month-end's month,
# so that month-end classes it dpk, kl or macet whatever day the demo is loaded), early (pays off early), restructure (falls
# behind, the manager reschedules, then pays), writeoff (stops, written off, then a
# recovery), applied / approved / rejected (waiting or refused). Purpose kind: working
# capital or investment for a business, consumption or education for a family's needs.
STORIES = {
    "ksp": [
        ("PUF", 10_000_000, 12, 10, "prompt", "Tambah modal warung sembako", WORKING_CAPITAL),
        ("PUE", 5_000_000, 12, 9, "prompt", "Pembelian bibit dan pupuk padi musim tanam", WORKING_CAPITAL),
        ("PUA", 15_000_000, 24, 8, "prompt", "Mesin jahit untuk usaha konveksi", INVESTMENT),
        ("PUF", 3_000_000, 10, 11, "early", "Modal dagang ikan asin", WORKING_CAPITAL),
        ("PUE", 4_000_000, 12, 7, ("late", 2), "Gerobak dan peralatan jualan bakso", INVESTMENT),
        ("PUF", 6_000_000, 12, 9, ("late", 4), "Pakan dan bibit lele", WORKING_CAPITAL),
        ("PUA", 8_000_000, 18, 11, ("late", 8), "Renovasi kios pulsa dan aksesoris", INVESTMENT),
        ("PUF", 5_000_000, 12, 11, "writeoff", "Modal usaha kerupuk udang", WORKING_CAPITAL),
        ("PUE", 7_000_000, 12, 10, "restructure", "Pembelian kambing untuk digemukkan", INVESTMENT),
        ("PUF", 2_000_000, 6, 0, "applied", "Modal jualan es dan minuman", WORKING_CAPITAL),
        ("PUA", 12_000_000, 24, 0, "approved", "Perluasan usaha mangga gedong gincu", INVESTMENT),
        ("PUE", 45_000_000, 24, 0, "rejected", "Pembelian mobil bak terbuka", INVESTMENT),
    ],
    "kspps": [
        ("MBA", 12_000_000, 12, 10, "prompt", "Murabahah mesin pengolah kopi", INVESTMENT),
        ("QH", 2_000_000, 10, 9, "prompt", "Qardh biaya berobat keluarga", CONSUMPTION),
        ("MDA", 10_000_000, 12, 8, "prompt", "Modal usaha tenun songket", WORKING_CAPITAL),
        ("MBA", 6_000_000, 12, 11, "early", "Murabahah sepeda motor untuk berdagang", INVESTMENT),
        ("MBA", 5_000_000, 12, 7, ("late", 2), "Murabahah etalase dan freezer", INVESTMENT),
        ("MDA", 6_000_000, 12, 9, ("late", 4), "Modal usaha kerajinan ketak", WORKING_CAPITAL),
        ("MBA", 8_000_000, 18, 11, ("late", 8), "Murabahah bibit dan pupuk tembakau", WORKING_CAPITAL),
        ("MBA", 4_000_000, 12, 11, "writeoff", "Murabahah peralatan bengkel", INVESTMENT),
        ("MDA", 7_000_000, 12, 10, "restructure", "Modal usaha ternak sapi", WORKING_CAPITAL),
        ("QH", 1_500_000, 6, 0, "applied", "Qardh biaya sekolah anak", EDUCATION),
        ("MBA", 9_000_000, 12, 0, "approved", "Murabahah mesin penggiling padi", INVESTMENT),
        ("MDA", 40_000_000, 24, 0, "rejected", "Modal pembangunan homestay", INVESTMENT),
    ],
}
GOODS = {"MBA": "Barang sesuai daftar belanja yang dibeli koperasi atas nama anggota"}
DOWN_PAYMENT_PCT = 10


@dataclass
class Borrowing:
    product: object
    cost: Decimal
    term: int
    paid_out: object  # date
    story: object
    purpose: str
    purpose_kind: str
    person: object = None
    loan_id: int | None = None


def _month_back(day, months):
    month = day.month - 1 - months
    year = day.year + month // 12
    return day.replace(year=year, month=month % 12 + 1, day=min(day.day, 28))


def _first_unpaid(today, months):
    """The due date (a 15th) of a late loan's first unpaid instalment: `months` - 1 months
    before the month of the last month-end. At that month-end it is then 43-47 days past due
    for 2 months (dpk), 102-108 for 4 (kl) and 224-230 for 8 (macet), on any day."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return _month_back(last_month_end, months - 1).replace(day=15)


def schedule_loans(timeline, books, people, ranks):
    """Put every story's applications, decisions, payments and workouts on the timeline."""
    today = books.today
    products = {p.code: p for p in list_products(books.coop.id)}
    # The demo member who logs in borrows first; then owners of businesses; then the rest.
    staying = [p for p in people if p.leaves_on is None]
    borrowers = ([staying[0]] + [p for p in staying[1:] if p.owns_business]
                 + [p for p in staying[1:] if not p.owns_business])
    used = set()
    for code, amount, term, months_ago, story, purpose, kind in STORIES[books.coop.type]:
        paid_out = _month_back(today, months_ago) if months_ago else today - timedelta(days=2)
        if isinstance(story, tuple):  # instalments due on the 15th: see _first_unpaid
            paid_out = paid_out.replace(day=15)
        # The first borrower in line who had been a member for a few weeks by then. Those
        # who fall behind have no remittances coming in (their allocation would pay the dues).
        falls_behind = story in ("writeoff", "restructure") or isinstance(story, tuple)
        person = next((p for p in borrowers if id(p) not in used
                       and p.join_date + timedelta(days=20) <= paid_out
                       and not (falls_behind and p.recipient)), None)
        if person is None:
            continue
        used.add(id(person))
        b = Borrowing(products[code], Decimal(amount), term, paid_out, story, purpose, kind, person)
        _schedule(timeline, books, b, ranks)


def _schedule(timeline, books, b, ranks):
    treasurer, manager, today = books.treasurer_id, books.manager_id, books.today
    add = timeline.add
    if b.story == "applied":
        add(today - timedelta(days=1), ranks.BUSINESS, treasurer, _apply, books, b, today - timedelta(days=1))
        return
    if b.story == "rejected":
        add(today - timedelta(days=20), ranks.BUSINESS, treasurer, _apply, books, b, today - timedelta(days=20))
        add(today - timedelta(days=16), ranks.BUSINESS, manager, _reject, books, b, today - timedelta(days=16))
        return
    applied_on = b.paid_out - timedelta(days=6)
    add(applied_on, ranks.BUSINESS, treasurer, _apply, books, b, applied_on)
    add(b.paid_out - timedelta(days=2), ranks.BUSINESS, manager, _approve, books, b, b.paid_out - timedelta(days=2))
    if b.story == "approved":
        return
    add(b.paid_out, ranks.MONEY_OUT, treasurer, _disburse, books, b)
    dues = due_dates(b.paid_out, b.term, "monthly")
    stop = None
    if isinstance(b.story, tuple):
        stop = _first_unpaid(today, b.story[1])
    elif b.story == "writeoff":
        stop = b.paid_out + timedelta(days=70)
    elif b.story == "restructure":
        stop = b.paid_out + timedelta(days=100)
    for n, due in enumerate(dues):
        day = due + timedelta(days=n % 4)
        if stop is not None and (due >= stop if isinstance(b.story, tuple) else day >= stop):
            break
        if b.story == "early" and n >= b.term // 2:
            add(day, ranks.MONEY_IN, treasurer, _pay_off, books, b, day)
            break
        add(day, ranks.MONEY_IN, treasurer, _pay_due, books, b, day)
    if b.story == "writeoff":
        written = _month_back(today, 1)
        add(written, ranks.VOUCHER, manager, _write_off, books, b, written)
        add(today - timedelta(days=8), ranks.MONEY_IN, treasurer, _recover, books, b,
            today - timedelta(days=8))
    if b.story == "restructure":
        day = stop + timedelta(days=75)
        add(day, ranks.VOUCHER, manager, _restructure, books, b, day)
        for due in due_dates(day, 12, "monthly"):
            add(due + timedelta(days=1), ranks.MONEY_IN, treasurer, _pay_due, books, b,
                due + timedelta(days=1))


# -- the operations ------------------------------------------------------------------------

def _apply(books, b, day):
    person = b.person
    murabahah = methods.of(b.product.method).sale  # goods bought at cost plus margin
    down = (b.cost * DOWN_PAYMENT_PCT / 100).quantize(Decimal("1")) if murabahah else None
    loan = loans.apply_loan(books.coop.id, loans.ApplicationData(
        person.member_id, b.product.id, None if murabahah else b.cost, b.term, b.purpose, day,
        enterprise_id=person.enterprise_id if b.purpose_kind in PRODUCTIVE else None,
        purpose_kind=b.purpose_kind, cost_price=b.cost if murabahah else None, down_payment=down,
        goods_description=GOODS.get(b.product.code) if murabahah else None,
        collateral_description="BPKB sepeda motor" if b.cost >= 8_000_000 else None,
        collateral_value=Decimal(4_000_000) if b.cost >= 8_000_000 else 0), books.treasurer_id)
    b.loan_id = loan.id


def _approve(books, b, day):
    loans.approve_loan(books.coop.id, b.loan_id, books.manager_id, day,
                       reason="Usaha berjalan, simpanan wajib tertib")


def _reject(books, b, day):
    loans.reject_loan(books.coop.id, b.loan_id, books.manager_id, day,
                      reason="Melebihi kemampuan bayar dari penghasilan usaha saat ini")


def _disburse(books, b):
    disbursement.disburse_loan(books.coop.id, b.loan_id, books.treasurer_id, b.paid_out, to="bank",
                               idempotency_key=books.key("loan-out"), money_account_id=books.bank_id)


def _active(books, b):
    if b.loan_id is None:
        return None
    loan = queries.get_loan(books.coop.id, b.loan_id)
    return loan if loan.status == ACTIVE else None


def _pay_due(books, b, day):
    loan = _active(books, b)
    if loan is None:
        return
    due = repayment.amount_due(loan, day)
    if due.total > 0:
        repayment.repay_loan(books.coop.id, loan.id, due.total, day, books.treasurer_id,
                             idempotency_key=books.key("loan-in"), money_account_id=books.cash_id)


def _pay_off(books, b, day):
    loan = _active(books, b)
    if loan is not None:
        repayment.pay_off_loan(books.coop.id, loan.id, day, books.treasurer_id,
                               idempotency_key=books.key("loan-off"), money_account_id=books.cash_id)


def _restructure(books, b, day):
    loan = _active(books, b)
    if loan is not None:
        workout.restructure_loan(books.coop.id, loan.id, books.manager_id, day, 12,
                                 reason="Usaha terdampak gagal panen; jadwal diperpanjang")


def _write_off(books, b, day):
    loan = _active(books, b)
    if loan is not None:
        workout.write_off_loan(books.coop.id, loan.id, books.manager_id, day,
                               reason="Macet lebih dari 180 hari; usaha tutup, penagihan tetap berjalan")


def _recover(books, b, day):
    if b.loan_id is not None:
        workout.record_recovery(books.coop.id, b.loan_id, Decimal(500_000), day, books.treasurer_id,
                                idempotency_key=books.key("loan-rec"))
