"""A small world of remitting families, shared by the remittance and portal tests.

Members and migrant workers are made directly (these tests depend only on the savings
service and the posting service); each member joins with pokok, one wajib and a voluntary
account, posted through post_movements as the registration does.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.ledger.posting import Line
from coop_app.members.models import Member, MigrantWorker
from coop_app.remittances import recording as remittances
from coop_app.savings import movements as savings
from coop_app.savings import opening
from tests.conftest import PASSWORD, build_world
from tests.support import key
from tests.support.books import cash, savings_product

D = Decimal
JOINED = date(2025, 1, 10)
# Received two months after joining: three wajib payments due (Jan, Feb, Mar), one paid.
RECEIVED = date(2025, 3, 15)


def add_migrant(coop_id, name, country, sector="plantation"):
    migrant = MigrantWorker(cooperative_id=coop_id, name=name, destination_country=country,
                            sector=sector, procedural=True)
    db.session.add(migrant)
    db.session.flush()
    return migrant


def add_member(coop_id, number, name, nik, migrant=None, user_id=None, joined=JOINED):
    member = Member(cooperative_id=coop_id, member_number=number, nik=nik, name=name,
                    name_search=name.lower(), gender="F", birth_date=date(1990, 5, 17),
                    address="Blok Karanganyar RT 02", join_date=joined, category="family",
                    migrant_worker_id=migrant.id if migrant else None,
                    relationship="spouse" if migrant else None, user_id=user_id)
    db.session.add(member)
    db.session.flush()
    return member


def enrol(coop_id, member, deposits, day=JOINED):
    """Open the member's accounts {product code: opening deposit} in one joining entry."""
    accounts, movements = {}, []
    for code, amount in deposits.items():
        account = opening.open_account(coop_id, member.id, savings_product(coop_id, code).id, day)
        accounts[code] = account
        movements.append(savings.Movement(account, D(amount), "deposit"))
    total = sum(move.amount for move in movements)
    savings.post_movements(coop_id, day, "member_joining", f"Pendaftaran anggota {member.name}",
                           movements, [Line(cash(coop_id), total, member_id=member.id)], key())
    return accounts


@dataclass
class Families:
    ksp_id: int
    bmt_id: int
    other_id: int
    siti: int  # KSP-A, login "member", family of Ahmad (Malaysia)
    budi: int  # KSP-A, login "member2", family of Rina (Hong Kong)
    wati: int  # KSP-A, no login
    aminah: int  # BMT-C, login "bmt.member"
    ahmad: int
    rina: int
    other_migrant: int  # a migrant worker of KSP-B
    accounts: dict  # {(member name, product code): account id}
    users: dict

    def user_id(self, username):
        return self.users[username]


def build_families():
    world = build_world()
    ids = dict(world.users)
    for username, full_name, coop_id in (("member2", "Budi Santoso", world.ksp_id),
                                         ("bmt.member", "Aminah", world.bmt_id)):
        user = users.create_user(username, full_name, PASSWORD)
        users.grant_role(user.id, "member", cooperative_id=coop_id)
        ids[username] = user.id
    ahmad = add_migrant(world.ksp_id, "Ahmad Fauzi", "Malaysia")
    rina = add_migrant(world.ksp_id, "Rina Marlina", "Hong Kong", "domestic")
    other_migrant = add_migrant(world.other_id, "Dedi", "Taiwan", "manufacturing")
    saudi = add_migrant(world.bmt_id, "Hasan", "Arab Saudi", "domestic")
    siti = add_member(world.ksp_id, "2025.00001", "Siti Rahayu", "3212015705900001", ahmad,
                      ids["member"])
    budi = add_member(world.ksp_id, "2025.00002", "Budi Santoso", "3212015705900002", rina,
                      ids["member2"])
    wati = add_member(world.ksp_id, "2025.00003", "Wati Kusuma", "3212015705900003", ahmad)
    aminah = add_member(world.bmt_id, "2025.00001", "Aminah", "5203015705900001", saudi,
                        ids["bmt.member"])
    accounts = {}
    for member, coop_id, deposits in (
            (siti, world.ksp_id, {"SP": "100000", "SW": "20000", "SS": "50000"}),
            (budi, world.ksp_id, {"SP": "100000", "SW": "20000", "SS": "75000"}),
            (wati, world.ksp_id, {"SP": "100000", "SW": "20000", "SS": "10000"}),
            (aminah, world.bmt_id, {"SP": "100000", "SW": "20000", "WD": "25000"})):
        for code, account in enrol(coop_id, member, deposits).items():
            accounts[(member.name.split()[0].lower(), code)] = account.id
    db.session.commit()
    return Families(world.ksp_id, world.bmt_id, world.other_id, siti.id, budi.id, wati.id,
                    aminah.id, ahmad.id, rina.id, other_migrant.id, accounts, ids)


def record(families, member="siti", **changes):
    """Record a remittance through the service (the caller commits)."""
    member_id = getattr(families, member)
    coop_id = db.session.get(Member, member_id).cooperative_id
    sender = db.session.get(Member, member_id).migrant_worker_id
    arguments = dict(migrant_worker_id=sender, channel="bank", currency="IDR",
                     received_on=RECEIVED, reference=f"TRX-{key()[:10]}",
                     money_account_id=cash(coop_id), idempotency_key=key(),
                     amount_idr=D("2000000"))
    arguments.update(changes)
    context = {name: arguments.pop(name) for name in ("idempotency_key", "created_by", "today")
               if name in arguments}
    return remittances.record_remittance(coop_id, member_id, remittances.RemittanceData(**arguments),
                                         **context)
