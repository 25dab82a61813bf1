"""Fixtures and helpers of the member page tests (through the Flask test client)."""
import uuid
from dataclasses import dataclass
from datetime import date

from coop_app.enterprises import service as enterprises
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.members import migrants
from coop_app.membership import joining
from tests.members.helpers import BIRTH, data, make_nik
from tests.support.books import coop

BASE = "/c/KSP-A/members"


@dataclass
class People:
    siti: int        # KSP-A, linked to the "member" user
    budi: int        # KSP-A, family of Rohman, owns an enterprise
    rohman: int      # KSP-A migrant worker
    shop: int        # Budi's enterprise
    other: int       # a member of KSP-B
    other_migrant: int
    other_shop: int


def build_people(app, world):
    with app.app_context():
        cash = ledger.account_by_key(world.ksp_id, "cash").id
        rohman = migrants.create_migrant(world.ksp_id, "Rohman", "Taiwan", "manufacturing",
                                         departure_date=date(2020, 1, 10))
        siti = joining.register_member(coop(world.ksp_id), data(), cash, uuid.uuid4().hex)
        siti.user_id = world.user_id("member")
        budi = joining.register_member(coop(world.ksp_id), data(
            name="Budi Santoso", gender="M", serial=2, category="family",
            migrant_worker_id=rohman.id, relationship="child"), cash, uuid.uuid4().hex)
        shop = enterprises.create_enterprise(world.ksp_id, budi.id, enterprises.EnterpriseData(
            "Warung Budi", "trade", "Sembako", date(2023, 5, 1), 2))
        other_cash = ledger.account_by_key(world.other_id, "cash").id
        other = joining.register_member(coop(world.other_id), data(name="Orang Lain", serial=3),
                                        other_cash, uuid.uuid4().hex)
        other_migrant = migrants.create_migrant(world.other_id, "Asing", "Korea", "fishing")
        other_shop = enterprises.create_enterprise(world.other_id, other.id, enterprises.EnterpriseData(
            "Kedai Lain", "trade", "Kopi", date(2023, 5, 1), 1))
        db.session.commit()
        return People(siti.id, budi.id, rohman.id, shop.id, other.id, other_migrant.id, other_shop.id)


def register_form(app, world, **changes):
    with app.app_context():
        cash = ledger.account_by_key(world.ksp_id, "cash").id
    values = {"nik": make_nik(date(1988, 8, 8), "F", serial=77), "name": "Nur Aini", "gender": "F",
              "birth_date": "1988-08-08", "address": "Blok Kulon 5", "phone": "0812 3456 7890",
              "join_date": date.today().isoformat(), "category": "other", "migrant": "",
              "relationship": "", "money_account": str(cash), "migrant_name": "",
              "migrant_country": "", "migrant_sector": "", "migrant_departure": "",
              "migrant_expected_return": "", "migrant_actual_return": "",
              "migrant_procedural": "y", "key": uuid.uuid4().hex}
    values.update(changes)
    return values


def member_form(**changes):
    values = {"nik": make_nik(BIRTH, "F", serial=1), "name": "Siti Aminah", "gender": "F",
              "birth_date": BIRTH.isoformat(), "address": "Desa Juntinyuat RT 02/03",
              "phone": "081234567890", "join_date": "2024-02-01", "category": "other",
              "migrant": "", "relationship": ""}
    values.update(changes)
    return values
