"""Demo data: two cooperatives in two kabupaten, a user for each role, months of vouchers.

Everything is posted through the services, as a treasurer would, so the demo books obey
every ledger rule. Idempotent: if the demo cooperatives exist, nothing is done.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from flask import g

from .auth import service as users
from .cooperatives.service import by_code, create_cooperative
from .extensions import db
from .ledger import service as ledger
from .ledger.service import EXPENSE_VOUCHER, INCOME_VOUCHER

DEMO_PASSWORD = "Desmigratif2026"

COOPERATIVES = [
    dict(code="KSP-IDM01", type_="ksp", name="KSP Desmigratif Sumber Rejeki",
         village="Juntinyuat", kecamatan="Juntinyuat", kabupaten="Kabupaten Indramayu",
         province="Jawa Barat", founded_on=date(2018, 3, 12), fiscal_year_start_month=1),
    dict(code="BMT-LTM01", type_="kspps", name="KSPPS BMT Desmigratif Al-Amanah",
         village="Suralaga", kecamatan="Suralaga", kabupaten="Kabupaten Lombok Timur",
         province="Nusa Tenggara Barat", founded_on=date(2019, 7, 1), fiscal_year_start_month=1),
]

# (username, full name, role, cooperative code or auditor province)
USERS = [
    ("admin", "Admin Program Desmigratif", "admin", None),
    ("auditor", "Rina Pendamping Nasional", "auditor", None),
    ("pendamping.jabar", "Dedi Pendamping Jawa Barat", "auditor", "Jawa Barat"),
    ("ksp.manajer", "Hj. Siti Aminah", "manager", "KSP-IDM01"),
    ("ksp.bendahara", "Wartini", "treasurer", "KSP-IDM01"),
    ("ksp.anggota", "Casmadi", "member", "KSP-IDM01"),
    ("bmt.manajer", "H. Lalu Muhammad Zainuddin", "manager", "BMT-LTM01"),
    ("bmt.bendahara", "Baiq Nurhidayati", "treasurer", "BMT-LTM01"),
    ("bmt.anggota", "Sahnan", "member", "BMT-LTM01"),
]

MONTHLY_EXPENSES = [
    ("salary_expense", "Honor pengelola bulan {month}", (600_000, 900_000)),
    ("office_expense", "Pembelian alat tulis kantor dan kertas kuitansi", (75_000, 250_000)),
    ("utility_expense", "Listrik dan pulsa internet kantor koperasi", (150_000, 350_000)),
    ("transport_expense", "Transport penagihan dan setor ke bank", (50_000, 200_000)),
    ("bank_charges", "Biaya administrasi rekening bank", (10_000, 15_000)),
]
MONTHLY_INCOME = [
    ("bank_income", "Jasa giro rekening bank bulan {month}", (40_000, 120_000)),
    ("other_income", "Sewa tenda dan kursi koperasi untuk hajatan warga", (150_000, 400_000)),
]


def _month_starts(today, months):
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


def load_demo(today=None, months=6):
    """Create the demo; returns False if it was already there."""
    if by_code(COOPERATIVES[0]["code"]) is not None:
        return False
    today = today or date.today()
    rng = random.Random(2018)
    coops = {spec["code"]: create_cooperative(**spec) for spec in COOPERATIVES}
    people = {}
    for username, full_name, role, where in USERS:
        user = users.create_user(username, full_name, DEMO_PASSWORD)
        if role == "auditor":
            users.grant_role(user.id, role, scope_province=where)
        elif role == "admin":
            users.grant_role(user.id, role)
        else:
            users.grant_role(user.id, role, cooperative_id=coops[where].id)
        people[username] = user

    starts = _month_starts(today, months)
    for code, prefix in (("KSP-IDM01", "ksp"), ("BMT-LTM01", "bmt")):
        coop = coops[code]
        manager, treasurer = people[f"{prefix}.manajer"], people[f"{prefix}.bendahara"]
        g.actor_id = manager.id
        _opening(coop, starts[0], manager)
        g.actor_id = treasurer.id
        for start in starts:
            _month(coop, start, treasurer, rng)
        g.actor_id = manager.id
        # Close every demo month but the last two, as a careful manager would.
        for start in starts[:-2]:
            ledger.close_period(coop, ledger.month_end(start), closed_by=manager.id, today=today)
    g.actor_id = None
    db.session.flush()
    return True


def _opening(coop, day, manager):
    bank = ledger.account_by_key(coop.id, "bank")
    cash = ledger.account_by_key(coop.id, "cash")
    grants = ledger.account_by_key(coop.id, "grants")
    ledger.post_manual_entry(
        coop.id, day, "Hibah modal awal Program Desmigratif (Kementerian Ketenagakerjaan)",
        [(bank.id, Decimal("25000000"), None, "Transfer hibah ke rekening koperasi"),
         (grants.id, None, Decimal("25000000"), None)],
        f"demo:opening:{coop.code}", created_by=manager.id)
    transfer = ledger.account_by_key(coop.id, "bank")
    ledger.post_manual_entry(
        coop.id, day + timedelta(days=1), "Tarik tunai dari bank untuk kas operasional",
        [(cash.id, Decimal("5000000"), None, None), (transfer.id, None, Decimal("5000000"), None)],
        f"demo:cash:{coop.code}", created_by=manager.id)


def _month(coop, start, treasurer, rng):
    cash = ledger.account_by_key(coop.id, "cash")
    bank = ledger.account_by_key(coop.id, "bank")
    label = start.strftime("%m/%Y")
    for n, (key, memo, (low, high)) in enumerate(MONTHLY_INCOME):
        account = ledger.account_by_key(coop.id, key)
        amount = Decimal(rng.randrange(low, high, 1000))
        ledger.record_voucher(coop.id, INCOME_VOUCHER, start + timedelta(days=24 + n),
                              bank.id if key == "bank_income" else cash.id, account.id, amount,
                              memo.format(month=label), f"demo:{coop.code}:{start}:in{n}",
                              created_by=treasurer.id)
    for n, (key, memo, (low, high)) in enumerate(MONTHLY_EXPENSES):
        account = ledger.account_by_key(coop.id, key)
        amount = Decimal(rng.randrange(low, high, 1000))
        ledger.record_voucher(coop.id, EXPENSE_VOUCHER, start + timedelta(days=2 + 3 * n),
                              bank.id if key in ("bank_charges", "salary_expense") else cash.id, account.id, amount,
                              memo.format(month=label), f"demo:{coop.code}:{start}:out{n}",
                              created_by=treasurer.id)
