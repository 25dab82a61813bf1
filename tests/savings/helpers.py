"""Savings helpers: members of KSP-A and BMT-C made directly (so these tests depend only on
the savings service), a second member user, accounts opened with their first deposit, and a
passbook read back. The `savers` and `sctx` fixtures (tests/savings/conftest.py) build on
`build_savers`."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.members.models import Member
from coop_app.savings import opening
from coop_app.savings.models import SavingsTransaction
from tests.conftest import PASSWORD, build_world
from tests.support import key
from tests.support.books import cash, savings_product

D = Decimal
JOINED = date(2024, 1, 10)


def add_member(coop_id, number, name, joined=JOINED, user_id=None, nik=None):
    member = Member(cooperative_id=coop_id, member_number=number, nik=nik or number.rjust(16, "3"),
                    name=name, name_search=name.lower(), gender="F", birth_date=date(1990, 5, 17),
                    address="Blok Karanganyar RT 02", join_date=joined, category="family",
                    user_id=user_id)
    db.session.add(member)
    db.session.flush()
    return member


def open_with(coop_id, member_id, code, amount, day, money=None):
    """Open an account of product `code` with its opening deposit (committed by the caller)."""
    account, _entry = opening.open_account_with_deposit(
        coop_id, member_id, savings_product(coop_id, code).id, day, D(amount), money or cash(coop_id), key())
    return account


@dataclass
class Savers:
    ksp_id: int
    bmt_id: int
    other_id: int
    siti: int  # KSP-A, the user "member"
    budi: int  # KSP-A, the user "member2"
    wati: int  # KSP-A, no login
    aminah: int  # BMT-C
    users: dict

    def user_id(self, username):
        return self.users[username]


def build_savers():
    world = build_world()
    member2 = users.create_user("member2", "Budi Santoso", PASSWORD)
    users.grant_role(member2.id, "member", cooperative_id=world.ksp_id)
    siti = add_member(world.ksp_id, "2024.00001", "Siti Rahayu", user_id=world.user_id("member"))
    budi = add_member(world.ksp_id, "2024.00002", "Budi Santoso", user_id=member2.id)
    wati = add_member(world.ksp_id, "2024.00003", "Wati Kusuma")
    aminah = add_member(world.bmt_id, "2024.00001", "Aminah")
    db.session.commit()
    return Savers(world.ksp_id, world.bmt_id, world.other_id, siti.id, budi.id, wati.id, aminah.id,
                  dict(world.users, member2=member2.id))


def passbook(account_id):
    """[(kind, amount, balance after)] of an account, in the order recorded."""
    return [(t.kind, t.amount, t.balance_after) for t in db.session.execute(
        db.select(SavingsTransaction).where(SavingsTransaction.account_id == account_id)
        .order_by(SavingsTransaction.id)).scalars()]
