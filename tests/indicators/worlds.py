"""A village built by hand through the real services, for the indicator tests (K1, K2, K7,
K8, K9; H5's tests may add their enterprises and trainings to it).

KSP-A (KSP Sumber Rejeki, Desa Juntinyuat) in the third quarter of 2026 (P = 1 July to
30 September 2026, t = 30 September). Products are the defaults: simpanan pokok 100.000,
wajib 20.000 a month, sukarela (SS); loans PUF, flat 12% a year (1% a month of the
amount), admin fee 1%. Every member joins through the registration, which takes pokok
100.000 and the joining month's wajib 20.000.

| member | sex, category | KK | joined | what happens |
|---|---|---|---|---|
| Siti | F, family (of Ahmad) | H1 | 5 Jan | SS 500.000 (1 Feb); wajib 100.000 (30 Jun), 40.000 (15 Jul); withdraws 100.000 from SS (5 Aug); investment loan 3.000.000 x 12 disbursed 1 Jul, first instalment 280.000 paid 1 Aug |
| Budi | M, other | H1 | 5 Jan | working-capital loan 1.200.000 x 12 disbursed 2 Mar, nothing repaid; a wajib deposit of 60.000 on 20 Jul reversed on 21 Jul |
| Joko | M, ctki | H3 | 5 Jan | wajib 140.000 (5 Jul); leaves on 20 Aug (settlement 260.000) |
| Rina | F, ctki | H4 | 5 Jan | wajib 240.000 in advance (1 Mar); SS 50.000 (1 Feb); consumption loan 600.000 x 6 disbursed 4 May, instalments of 106.000 paid 4 Jun, 4 Jul, 4 Aug, 4 Sep |
| Wati | F, returnee | H2 | 10 Aug | SS 10.000 (10 Aug); remittance 1.000.000 on 10 Sep split 20.000 wajib, 300.000 to SS (30%), 680.000 paid out; a remittance of 500.000 on 12 Sep reversed on 13 Sep |
| Dedi | M, other | H5 | 5 Oct | joins after t |

Also: a grant of 100.000.000 (2 Jan); office supplies 20.000 (15 Jun) and salaries 50.000
(25 Sep) paid in cash; village profiles 2025 (200 households, 40 migrant households) and
2027 (300, 60), none for 2026. Migrant workers departing: Ahmad (M, procedural, 15 Jul),
Sari (F, non-procedural, 1 Aug), Lina (F, procedural, 30 Sep), Tono (sex unknown,
non-procedural, 20 Jul), Yanti (F, non-procedural, 1 Oct: after P), Wati's own record (left
2020, back 30 Jun 2026).

KSP-B: Eka (F, other, H6 of KSP-B) joined 1 Feb 2026 and paid nothing more; no profile.
BMT-C: nothing.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coop_app.extensions import db
from coop_app.ledger.posting import Line, post_entry
from coop_app.ledger.service import account_by_key, reverse_entry
from coop_app.loans import application, disbursement, repayment
from coop_app.loans.application import ApplicationData
from coop_app.members import migrants
from coop_app.members.models import Household, Member
from coop_app.membership import joining, leaving
from coop_app.cooperatives.models import VillageProfile
from coop_app.indicators.periods import Period
from coop_app.remittances import recording as remittances
from coop_app.savings import movements, opening
from coop_app.savings.models import Remittance
from tests.conftest import build_world
from tests.members.helpers import data
from tests.support import key
from tests.support.books import cash, coop, loan_product, savings_product

D = Decimal
Q3 = Period.quarter(2026, 3)
JANUARY = date(2026, 1, 5)


@dataclass
class Village:
    ksp_id: int
    other_id: int
    bmt_id: int
    members: dict  # name -> member id
    households: dict  # "H1".. -> household id
    migrants: dict  # name -> migrant worker id
    accounts: dict  # (name, product code) -> savings account id
    loans: dict  # name -> loan id
    users: dict


def _household(coop_id, number, head, gender):
    row = Household(cooperative_id=coop_id, kk_number=f"3212110101{number:06d}", head_name=head,
                    head_gender=gender, size=4)
    db.session.add(row)
    db.session.flush()
    return row.id


def _expense(coop_id, system_key, amount, on, memo):
    post_entry(coop_id, on, "manual", memo, [Line(account_by_key(coop_id, system_key).id, D(amount)),
                                             Line(cash(coop_id), -D(amount))], key())


def _loan(coop_id, member_id, amount, term, on, purpose_kind, users):
    """Apply, approve and disburse in cash on `on`, for the purpose kind given."""
    loan = application.apply_loan(coop_id, ApplicationData(
        member_id, loan_product(coop_id, "PUF").id, D(amount), term, "Usaha keluarga", on),
        users["treasurer"])
    loan.purpose_kind = purpose_kind
    application.approve_loan(coop_id, loan.id, users["manager"], on)
    return disbursement.disburse_loan(coop_id, loan.id, users["treasurer"], on).id


def _repay(coop_id, loan_id, on, users):
    from coop_app.loans.queries import get_loan
    due = repayment.amount_due(get_loan(coop_id, loan_id), on).total
    repayment.repay_loan(coop_id, loan_id, due, on, users["treasurer"], idempotency_key=key())
    return due


def build_village():
    world = build_world()
    users = {name: world.user_id(name) for name in ("treasurer", "manager")}
    ksp = world.ksp_id
    till = cash(ksp)
    post_entry(ksp, date(2026, 1, 2), "manual", "Hibah modal usaha",
               [Line(till, D("100000000")), Line(account_by_key(ksp, "grants").id, D("-100000000"))],
               key())

    def departing(name, gender, on, procedural, returned=None):
        return migrants.create_migrant(ksp, name, "Malaysia", "plantation", departure_date=on,
                                       actual_return_date=returned, procedural=procedural,
                                       gender=gender).id

    mw = {"Ahmad": departing("Ahmad", "M", date(2026, 7, 15), True),
          "Sari": departing("Sari", "F", date(2026, 8, 1), False),
          "Lina": departing("Lina", "F", date(2026, 9, 30), True),
          "Tono": departing("Tono", None, date(2026, 7, 20), False),
          "Yanti": departing("Yanti", "F", date(2026, 10, 1), False),
          "Wati": departing("Wati", "F", date(2020, 3, 1), True, returned=date(2026, 6, 30))}
    households = {f"H{n}": _household(ksp, n, f"Kepala {n}", "M") for n in range(1, 6)}

    def join(coop_id, name, gender, category, joined, serial, household=None, **links):
        member = joining.register_member(
            coop(coop_id), data(name=name, gender=gender, category=category, join_date=joined,
                                serial=serial, **links), cash(coop_id), key())
        member.household_id = household
        return member.id

    people = {
        "Siti": join(ksp, "Siti", "F", "family", JANUARY, 1, households["H1"],
                     migrant_worker_id=mw["Ahmad"], relationship="spouse"),
        "Budi": join(ksp, "Budi", "M", "other", JANUARY, 2, households["H1"]),
        "Joko": join(ksp, "Joko", "M", "ctki", JANUARY, 3, households["H3"]),
        "Rina": join(ksp, "Rina", "F", "ctki", JANUARY, 4, households["H4"]),
        "Wati": join(ksp, "Wati", "F", "returnee", date(2026, 8, 10), 5, households["H2"],
                     migrant_worker_id=mw["Wati"]),
        "Dedi": join(ksp, "Dedi", "M", "other", date(2026, 10, 5), 6, households["H5"]),
    }
    eka_household = _household(world.other_id, 6, "Kepala Eka", "F")
    people["Eka"] = join(world.other_id, "Eka", "F", "other", date(2026, 2, 1), 7, eka_household)

    def account(name, code):
        return movements.account_of_kind(ksp, people[name], savings_product(ksp, code).kind).id

    def open_ss(name, amount, on):
        opened, _entry = opening.open_account_with_deposit(
            ksp, people[name], savings_product(ksp, "SS").id, on, D(amount), till, key())
        return opened.id

    accounts = {(name, code): account(name, code) for name in ("Siti", "Budi", "Joko", "Rina", "Wati")
                for code in ("SP", "SW")}
    accounts[("Siti", "SS")] = open_ss("Siti", "500000", date(2026, 2, 1))
    accounts[("Rina", "SS")] = open_ss("Rina", "50000", date(2026, 2, 1))
    accounts[("Wati", "SS")] = open_ss("Wati", "10000", date(2026, 8, 10))

    def deposit(name, code, amount, on):
        return movements.deposit(ksp, accounts[(name, code)], D(amount), on, till, key()).id

    deposit("Rina", "SW", "240000", date(2026, 3, 1))
    deposit("Siti", "SW", "100000", date(2026, 6, 30))
    deposit("Joko", "SW", "140000", date(2026, 7, 5))
    deposit("Siti", "SW", "40000", date(2026, 7, 15))
    reversed_deposit = deposit("Budi", "SW", "60000", date(2026, 7, 20))
    reverse_entry(ksp, reversed_deposit, "Salah input", key(), reversal_date=date(2026, 7, 21))
    movements.withdraw(ksp, accounts[("Siti", "SS")], D("100000"), date(2026, 8, 5), till, key())
    leaving.resign_member(ksp, people["Joko"], date(2026, 8, 20), till, key())

    loans = {"Budi": _loan(ksp, people["Budi"], "1200000", 12, date(2026, 3, 2), "working_capital", users),
             "Rina": _loan(ksp, people["Rina"], "600000", 6, date(2026, 5, 4), "consumption", users),
             "Siti": _loan(ksp, people["Siti"], "3000000", 12, date(2026, 7, 1), "investment", users)}
    for day in (date(2026, 6, 4), date(2026, 7, 4), date(2026, 8, 4), date(2026, 9, 4)):
        _repay(ksp, loans["Rina"], day, users)
    _repay(ksp, loans["Siti"], date(2026, 8, 1), users)

    remittances.set_allocation(ksp, people["Wati"], savings_account_id=accounts[("Wati", "SS")],
                               savings_pct=30)

    def remit(amount, on, reference):
        return remittances.record_remittance(ksp, people["Wati"], remittances.RemittanceData(
            mw["Wati"], remittances.BANK, "IDR", on, reference, till, amount_idr=D(amount)), key())

    remit("1000000", date(2026, 9, 10), "TRF-0910")
    second = remit("500000", date(2026, 9, 12), "TRF-0912")
    reverse_entry(ksp, second.entry_id, "Transfer ganda", key(), reversal_date=date(2026, 9, 13))

    _expense(ksp, "office_expense", "20000", date(2026, 6, 15), "Alat tulis")
    _expense(ksp, "salary_expense", "50000", date(2026, 9, 25), "Honor pengelola")
    for year, households_count, migrant_count in ((2025, 200, 40), (2027, 300, 60)):
        db.session.add(VillageProfile(cooperative_id=ksp, year=year, population_m=400,
                                      population_f=410, households=households_count,
                                      migrant_households=migrant_count, working_abroad=55))
    db.session.commit()
    assert db.session.get(Remittance, second.id).reversal_entry_id is not None
    assert db.session.get(Member, people["Joko"]).left_on == date(2026, 8, 20)
    return Village(ksp, world.other_id, world.bmt_id, people, households, mw, accounts, loans,
                   world.users)
