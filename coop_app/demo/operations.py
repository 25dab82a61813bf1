"""The demo's operations, each through its service as a treasurer or manager would."""
from datetime import date
from decimal import Decimal

from flask import g
from sqlalchemy import select

from coop_app.enterprises.service import create_enterprise
from coop_app.extensions import db
from coop_app.indicators.snapshots import take_snapshot
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.loans.monthend import run_loan_month_end
from coop_app.membership import joining, leaving
from coop_app.members import migrants
from coop_app.members import service as members
from coop_app.members.migrants import MigrantData
from coop_app.members.models import OTHER, RETURNEE
from coop_app.savings import arrears, monthend
from coop_app.remittances import recording as remittance
from coop_app.savings import movements as savings
from coop_app.savings.models import MUDHARABAH, POKOK, WADIAH, WAJIB
from coop_app.savings.opening import open_account_with_deposit
from coop_app.savings.products import product_summaries
from coop_app.demo.cast import _round_down
from coop_app.demo.regions import REFERENCE_PREFIX

DEMO_PASSWORD = "Desmigratif2026"
# Month-end amounts of a BMT, as parts of the product's balance: the income the manager
# declares distributable from mudharabah funds (about 12% a year before the nisbah) and the
# discretionary wadiah bonus (about 1.2% a year).
MUDHARABAH_INCOME_RATE = Decimal("0.01")
WADIAH_BONUS_RATE = Decimal("0.001")
CASH_KEPT = Decimal(10_000_000)  # cash the counter keeps; the rest is banked each month

# -- the operations, each through its service ------------------------------------------------

def _record_migrant(books, migrant):
    record = migrants.create_migrant(
        books.coop.id, migrant.name, migrant.country, migrant.sector, migrant.departure,
        migrant.expected_return, migrant.actual_return, migrant.procedural, migrant.gender)
    migrant.id = record.id


def _register(books, person):
    coop = books.coop
    new_migrant = None
    migrant_id = None
    if person.category == RETURNEE:
        m = person.migrant
        new_migrant = MigrantData(m.name, m.country, m.sector, m.departure, m.expected_return,
                                  m.actual_return, m.procedural, m.gender)
    elif person.migrant is not None:
        migrant_id = person.migrant.id
    data = members.MemberData(
        nik=person.nik, name=person.name, gender=person.gender, birth_date=person.birth_date,
        address=person.address, phone=person.phone, join_date=person.join_date,
        category=person.category, migrant_worker_id=migrant_id, relationship=person.relationship)
    member = joining.register_member(coop, data, books.cash_id, books.key("join"),
                                     created_by=books.treasurer_id, new_migrant=new_migrant)
    person.member_id = member.id
    if person.category == RETURNEE:
        person.migrant.id = member.migrant_worker_id
    for kind, code in ((POKOK, "SP"), (WAJIB, "SW")):
        person.accounts[code] = savings.account_of_kind(coop.id, member.id, kind).id
    for code in (person.everyday, person.extra):
        if code:
            product = books.products[code]
            opening = max(product.min_opening, Decimal(50_000))
            account, _entry = open_account_with_deposit(
                coop.id, member.id, product.id, person.join_date, opening, books.cash_id,
                books.key("open"), created_by=books.treasurer_id)
            person.accounts[code] = account.id
    if person.allocation:
        kind, value = person.allocation
        target = person.accounts[person.extra or person.everyday]
        remittance.set_allocation(coop.id, member.id, target,
                                  savings_pct=value if kind == "pct" else None,
                                  savings_fixed=value if kind == "fixed" else None,
                                  pay_wajib_due=True)
    if person.username:
        members.create_member_login(coop.id, member.id, person.username, DEMO_PASSWORD)


def _deposit(books, person, code, amount, day):
    savings.deposit(books.coop.id, person.accounts[code], amount, day, books.cash_id,
                    books.key("dep"), created_by=books.treasurer_id)


def _collect_wajib(books, person, day):
    standing = arrears.member_arrears(books.coop.id, person.member_id, day, payable=True)
    if standing is not None and standing.amount > 0:
        arrears.collect_wajib(books.coop.id, person.member_id, day, books.cash_id,
                              books.key("wajib"), created_by=books.treasurer_id)


def _withdraw(books, person, code, percent, day):
    account = savings.get_account(books.coop.id, person.accounts[code])
    amount = _round_down(savings.available_to_withdraw(account, day) * percent / 100, 5_000)
    if amount < 20_000:
        return
    # Large sums are paid by transfer from the bank, small ones over the counter.
    cash_left = ledger.account_balance(books.coop.id, books.cash_id)
    money = books.cash_id if amount <= 1_000_000 and cash_left >= amount + 500_000 else books.bank_id
    savings.withdraw(books.coop.id, account.id, amount, day, money, books.key("wd"),
                     created_by=books.treasurer_id)


def _remit(books, person, day, currency, foreign_amount, rate, amount_idr, mistyped=False):
    """Record a remittance. Mistyped: the treasurer first types the amount with a zero too
    many; the manager reverses that the same day and the transfer is recorded again, under
    its own reference, as received."""
    migrant = person.migrant
    reference = f"{REFERENCE_PREFIX[migrant.channel]}{day:%y%m%d}{next(books.keys):05d}"

    def record(foreign_amount, amount_idr):
        return remittance.record_remittance(
            books.coop.id, person.member_id, remittance.RemittanceData(
                migrant.id, migrant.channel, currency, day, reference,
                books.bank_id if migrant.channel == "bank" else books.cash_id,
                foreign_amount=foreign_amount, rate=rate, amount_idr=amount_idr),
            books.key("remit"), created_by=books.treasurer_id, today=books.today)

    if mistyped:
        wrong = record(foreign_amount and foreign_amount * 10, amount_idr and amount_idr * 10)
        _reverse_as_manager(books, wrong.entry_id, "Salah ketik: jumlah kelebihan satu angka nol", day)
    record(foreign_amount, amount_idr)


def _register_in_error(books, region, day):
    """A villager of the next desa registered by mistake: the manager reverses the
    registration the same day, and the member record stays as a cancelled registration."""
    province, kabupaten = region["nik_region"]
    birth = date(1991, 4, 17)
    kecamatan = region["home_kecamatan"] % 30 + 1  # the next desa's
    nik = f"{province:02d}{kabupaten:02d}{kecamatan:02d}{birth.day + 40:02d}{birth:%m%y}9001"
    data = members.MemberData(
        nik=nik, name=region["women"][-1], gender="F", birth_date=birth,
        address=region["address"].format(place=region["places"][0], rt=1, rw=1), phone=None,
        join_date=day, category=OTHER, migrant_worker_id=None, relationship=None)
    member = joining.register_member(books.coop, data, books.cash_id, books.key("join"),
                                     created_by=books.treasurer_id)
    registration = db.session.execute(
        select(JournalEntry.id).join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .where(JournalEntry.kind == joining.JOINING_KIND, JournalLine.member_id == member.id)
        .limit(1)).scalar_one()
    _reverse_as_manager(books, registration, "Warga desa tetangga: mendaftar di koperasi desanya sendiri", day)


def _reverse_as_manager(books, entry_id, reason, day):
    """The treasurer's mistake, reversed by the manager: the audit trail names the manager."""
    treasurer, g.actor_id = g.actor_id, books.manager_id
    try:
        ledger.reverse_entry(books.coop.id, entry_id, reason, books.key("reverse"), reversal_date=day,
                             created_by=books.manager_id)
    finally:
        g.actor_id = treasurer


def _open_time_deposit(books, person, code, amount, day):
    product = books.products[code]
    account, _entry = open_account_with_deposit(
        books.coop.id, person.member_id, product.id, day, amount, books.bank_id,
        books.key("td"), created_by=books.treasurer_id)
    person.accounts[code] = account.id


def _add_enterprise(books, person, data):
    person.enterprise_id = create_enterprise(books.coop.id, person.member_id, data).id


def _leave(books, person):
    leaving.resign_member(books.coop.id, person.member_id, person.leaves_on, books.cash_id,
                          books.key("leave"), created_by=books.manager_id)


def _bank_the_cash(books, day):
    """Cash above what the counter needs goes to the bank at the end of the month."""
    surplus = ledger.account_balance(books.coop.id, books.cash_id) - CASH_KEPT
    if surplus >= 1_000_000:
        amount = _round_down(surplus, 1_000_000)
        ledger.post_manual_entry(
            books.coop.id, day, "Setor kelebihan kas ke rekening bank koperasi",
            [(books.bank_id, amount, None, None), (books.cash_id, None, amount, None)],
            books.key("bank"), created_by=books.manager_id)


def _month_end(books, end):
    """Interest (KSP) or profit sharing and the wadiah bonus (BMT) for the month, the loans'
    month-end, then the snapshot of the month's indicators (after the provisions: PAR30 and
    the own capital read them)."""
    amounts = {}
    for product, _accounts, total in product_summaries(books.coop.id):
        if product.kind == MUDHARABAH or (product.kind not in (POKOK, WAJIB, WADIAH)
                                          and product.nisbah_member_pct):
            basis = _round_down(total * MUDHARABAH_INCOME_RATE, 1000)
        elif product.kind == WADIAH:
            basis = _round_down(total * WADIAH_BONUS_RATE, 1)
        else:
            continue
        if basis > 0:
            amounts[product.id] = basis
    monthend.run_month_end(books.coop, end, amounts, run_by=books.manager_id, today=books.today)
    run_loan_month_end(books.coop.id, end, books.manager_id, today=books.today)
    take_snapshot(books.coop.id, end)
