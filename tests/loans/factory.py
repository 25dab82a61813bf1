"""Helpers to make loans in tests through the service: members, money in the till, products by
code, and a loan taken from application to disbursement. Used by the loans tests of every
engineer (import from tests.loans.factory; the `lw` fixture is in tests/loans/conftest.py)."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D  # so ruff sees D("...") defaults as immutable (B008)

from coop_app.extensions import db
from coop_app.ledger.posting import Line, post_entry
from coop_app.ledger.service import account_by_key
from coop_app.loans import disbursement
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.members.models import Member
from tests.support import key
from tests.support.books import loan_product as product  # active_loan() reads product by code

JOINED = date(2022, 1, 10)


def add_member(coop_id, number, name, joined=JOINED, user_id=None, gender="F", category="family"):
    member = Member(cooperative_id=coop_id, member_number=number, nik=number.replace(".", "").rjust(16, "3"),
                    name=name, name_search=name.lower(), gender=gender, birth_date=date(1985, 5, 17),
                    address="Blok Karanganyar RT 02", join_date=joined, category=category,
                    user_id=user_id)
    db.session.add(member)
    db.session.flush()
    return member


def fund(coop_id, amount, on=date(2022, 1, 1), to="cash"):
    """Put money in the cooperative's cash (or bank): a grant, so loans can be paid out."""
    account = account_by_key(coop_id, to).id
    grants = account_by_key(coop_id, "grants").id
    return post_entry(coop_id, on, "manual", "Hibah modal usaha", [Line(account, D(amount)),
                      Line(grants, -D(amount))], key())


def active_loan(coop_id, member_id, code, amount, term, applied_by, approved_by, on,
                purpose="Modal usaha", to="cash", **options):
    """Apply, approve and disburse on the same day `on`; returns the active loan."""
    loan = service.apply_loan(coop_id, ApplicationData(member_id, product(coop_id, code).id,
                                                       D(amount) if amount is not None else None, term,
                                                       purpose, on, **options), applied_by)
    service.approve_loan(coop_id, loan.id, approved_by, on)
    return disbursement.disburse_loan(coop_id, loan.id, applied_by, on, to=to)


def pokok_account(coop_id, member_id, on):
    """The member's simpanan pokok, opened with 100.000 on `on`: an account a loan is
    neither paid out to nor repaid from."""
    from coop_app.savings import opening
    from coop_app.savings.models import SavingsProduct
    pokok = db.session.execute(db.select(SavingsProduct.id).where(
        SavingsProduct.cooperative_id == coop_id, SavingsProduct.code == "SP")).scalar_one()
    account, _ = opening.open_account_with_deposit(coop_id, member_id, pokok, on, D("100000"),
                                                   account_by_key(coop_id, "cash").id, key())
    return account.id


# -- a world with borrowers ------------------------------------------------------------------

@dataclass
class Borrowers:
    ksp_id: int
    bmt_id: int
    other_id: int
    siti: int  # KSP-A, sukarela account `siti_ss` with 5.000.000, enterprise `warung`
    budi: int  # KSP-A, no savings
    aminah: int  # BMT-C, wadiah account `aminah_wd` with 2.000.000
    siti_ss: int
    aminah_wd: int
    warung: int  # Siti's enterprise
    bengkel: int  # Budi's enterprise
    users: dict

    def user_id(self, username):
        return self.users[username]


def build_borrowers(cash=D("1000000000")):
    from coop_app.enterprises.models import Enterprise
    from coop_app.savings import opening
    from coop_app.savings.models import SavingsProduct
    from tests.conftest import build_world

    world = build_world()

    def open_with(coop_id, member_id, code, amount, on=date(2022, 1, 10)):
        product_id = db.session.execute(db.select(SavingsProduct.id).where(
            SavingsProduct.cooperative_id == coop_id, SavingsProduct.code == code)).scalar_one()
        account, _entry = opening.open_account_with_deposit(
            coop_id, member_id, product_id, on, D(amount), account_by_key(coop_id, "cash").id, key())
        return account

    def enterprise(coop_id, member_id, name):
        row = Enterprise(cooperative_id=coop_id, member_id=member_id, name=name, sector="trade",
                         products="Sembako", start_date=date(2020, 1, 1))
        db.session.add(row)
        db.session.flush()
        return row

    siti = add_member(world.ksp_id, "2022.00001", "Siti Rahayu")
    budi = add_member(world.ksp_id, "2022.00002", "Budi Santoso", gender="M")
    aminah = add_member(world.bmt_id, "2022.00001", "Aminah")
    siti_ss = open_with(world.ksp_id, siti.id, "SS", "5000000")
    aminah_wd = open_with(world.bmt_id, aminah.id, "WD", "2000000")
    for coop_id in (world.ksp_id, world.bmt_id):
        fund(coop_id, cash)
    warung = enterprise(world.ksp_id, siti.id, "Warung Siti")
    bengkel = enterprise(world.ksp_id, budi.id, "Bengkel Budi")
    db.session.commit()
    return Borrowers(world.ksp_id, world.bmt_id, world.other_id, siti.id, budi.id, aminah.id,
                     siti_ss.id, aminah_wd.id, warung.id, bengkel.id, world.users)
