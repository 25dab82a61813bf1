"""Joining the cooperative: registering a member enrols them in the cooperative's mandatory
savings (pokok, wajib) and takes the simpanan pokok (and the first wajib) in one journal
entry with the new accounts. Reversing that entry cancels the registration (leaving.py).
"""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coop_app.errors import InvalidField
from coop_app.extensions import db
from coop_app.ledger.posting import Line, find_by_key
from coop_app.members.migrants import MigrantData, add_migrant
from coop_app.members.models import ACTIVE, FAMILY, RETURNEE, Member
from coop_app.members.service import MemberData, _clean_member, next_member_number
from coop_app.savings import movements as savings
from coop_app.savings.models import POKOK, SavingsProduct
from coop_app.savings.opening import open_account

JOINING_KIND = "member_joining"  # the journal kind of a registration (reversed in leaving.py)
# A migrant created with a member: its fields as the registration names them.
NEW_MIGRANT_FIELDS = {"name": "migrant_name", "destination_country": "migrant_country",
                      "sector": "migrant_sector", "departure_date": "migrant_departure",
                      "expected_return_date": "migrant_expected_return",
                      "actual_return_date": "migrant_actual_return"}


def _member_of_entry(entry):
    member_ids = {line.member_id for line in entry.lines if line.member_id}
    return db.session.get(Member, member_ids.pop()) if len(member_ids) == 1 else None


def register_member(cooperative, data: MemberData, money_account_id, idempotency_key,
                    created_by=None, pay_first_wajib=True, new_migrant: MigrantData | None = None):
    """Register a member, open the mandatory accounts and take pokok (and the first wajib).

    `new_migrant` creates the migrant worker a family member belongs to (or a returnee's own
    record) in the same transaction. A retried submission (same key) returns the member
    registered the first time with `replayed` set, and writes nothing.
    """
    existing = find_by_key(cooperative.id, idempotency_key)
    if existing is not None:
        member = _member_of_entry(existing)
        if existing.kind == JOINING_KIND and member is not None:
            member.replayed = True
            return member
    if new_migrant is not None:
        if data.category not in (FAMILY, RETURNEE):
            raise InvalidField("migrant", _l("Only family members and returnees are linked to a "
                                             "migrant worker."))
        if data.category == RETURNEE and not (new_migrant.name or "").strip():
            new_migrant.name = data.name  # a returnee's record is their own
            new_migrant.gender = data.gender
        try:
            data.migrant_worker_id = add_migrant(cooperative.id, new_migrant).id
        except InvalidField as error:  # name the fields of the migrant part of the form
            raise InvalidField(NEW_MIGRANT_FIELDS.get(error.field, "migrant"), error.message) from None
    fields = _clean_member(cooperative.id, data)
    member = Member(cooperative_id=cooperative.id, status=ACTIVE,
                    member_number=next_member_number(cooperative, data.join_date), **fields)
    db.session.add(member)
    db.session.flush()
    mandatory = db.session.execute(select(SavingsProduct).where(
        SavingsProduct.cooperative_id == cooperative.id, SavingsProduct.mandatory.is_(True),
        SavingsProduct.active.is_(True)).order_by(SavingsProduct.code)).scalars().all()
    movements = []
    for product in mandatory:
        account = open_account(cooperative.id, member.id, product.id, data.join_date)
        due = product.fixed_amount or Decimal(0)
        if due > 0 and (product.kind == POKOK or pay_first_wajib):
            movements.append(savings.Movement(account, due, savings.DEPOSIT))
    if movements:
        cash = savings.money_account(cooperative.id, money_account_id)
        total = sum(move.amount for move in movements)
        # The passbook memo column holds 200 characters.
        memo = f"Pendaftaran anggota {member.member_number} {member.name}"[:200]
        savings.post_movements(cooperative.id, data.join_date, JOINING_KIND, memo,
                               movements, [Line(cash.id, total, member_id=member.id)],
                               idempotency_key, created_by)
    member.replayed = False
    return member
