"""Members and migrant workers: registering, linking families, search, leaving.

Registering a member enrols them in the cooperative's mandatory savings (pokok, wajib) and
takes the simpanan pokok in one journal entry with the new accounts.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..errors import DomainError, NotFound
from ..extensions import db
from ..ledger.posting import Line
from ..savings import service as savings
from ..savings.models import POKOK, SavingsProduct
from .models import (ACTIVE, CATEGORIES, FAMILY, GENDERS, RELATIONSHIPS, RETURNEE,
                     RETURNEE_ELIGIBLE_YEARS, Member, MigrantWorker)
from .nik import NIKError, check_nik

NIK_MESSAGES = {
    "format": _l("A NIK is exactly 16 digits."),
    "region": _l("The NIK's region code (first six digits) is not a real province, kabupaten and kecamatan."),
    "birth": _l("The NIK's birth-date part (digits 7 to 12) is not a real date."),
    "birth_mismatch": _l("The NIK does not match the birth date (digits 7 to 12 are DDMMYY; women add 40 to the day)."),
    "gender_mismatch": _l("The NIK does not match the gender (women add 40 to the day of birth)."),
}
SECTORS = ("domestic", "caregiving", "manufacturing", "plantation", "construction", "fishing",
           "hospitality", "other")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,20}$")
DEFAULT_NUMBER_PATTERN = "{year}.{seq:05d}"


@dataclass
class MemberData:
    nik: str
    name: str
    gender: str
    birth_date: date
    address: str
    phone: str | None
    join_date: date
    category: str
    migrant_worker_id: int | None = None
    relationship: str | None = None


def validate_nik(nik, birth_date=None, gender=None):
    try:
        return check_nik(nik, birth_date, gender)
    except NIKError as error:
        raise DomainError(NIK_MESSAGES[error.code]) from None


def format_member_number(pattern, cooperative, seq, join_date):
    """Member numbers follow the cooperative's pattern: {code}, {year}, {seq:05d}..."""
    try:
        return pattern.format(code=cooperative.code, year=join_date.year, seq=seq)
    except (KeyError, IndexError, ValueError):
        return DEFAULT_NUMBER_PATTERN.format(year=join_date.year, seq=seq)


def next_member_number(cooperative, join_date):
    count = db.session.execute(select(func.count()).select_from(Member).where(
        Member.cooperative_id == cooperative.id)).scalar()
    pattern = cooperative.member_number_pattern or DEFAULT_NUMBER_PATTERN
    seq = count + 1
    while True:
        number = format_member_number(pattern, cooperative, seq, join_date)
        taken = db.session.execute(select(Member.id).where(
            Member.cooperative_id == cooperative.id, Member.member_number == number)).first()
        if not taken:
            return number
        seq += 1


def get_migrant(cooperative_id, migrant_id):
    migrant = db.session.execute(select(MigrantWorker).where(
        MigrantWorker.cooperative_id == cooperative_id, MigrantWorker.id == migrant_id)).scalar_one_or_none()
    if migrant is None:
        raise NotFound(_l("Migrant worker not found."))
    return migrant


def _clean_member(cooperative_id, data: MemberData, member_id=None):
    name = (data.name or "").strip()
    address = (data.address or "").strip()
    if not name or len(name) > 200:
        raise DomainError(_l("Fill in the member's name (at most 200 characters)."))
    if not address or len(address) > 300:
        raise DomainError(_l("Fill in the address (at most 300 characters)."))
    if data.gender not in GENDERS:
        raise DomainError(_l("Choose the gender."))
    if data.category not in CATEGORIES:
        raise DomainError(_l("Choose the Desmigratif category."))
    today = date.today()
    if not isinstance(data.birth_date, date) or data.birth_date > today or data.birth_date.year < 1900:
        raise DomainError(_l("The birth date must be a real date in the past."))
    if not isinstance(data.join_date, date) or data.join_date > today:
        raise DomainError(_l("The joining date cannot be in the future."))
    if (data.join_date - data.birth_date).days < 17 * 365:
        raise DomainError(_l("A member must be at least 17 years old when joining."))
    phone = (data.phone or "").strip() or None
    if phone and not PHONE.match(phone):
        raise DomainError(_l("The phone number has 7 to 20 digits."))
    nik = validate_nik(data.nik, data.birth_date, data.gender)
    clash = db.session.execute(select(Member.id).where(
        Member.cooperative_id == cooperative_id, Member.nik == nik)).scalar()
    if clash and clash != member_id:
        raise DomainError(_l("A member with this NIK is already registered."))
    migrant_id, relationship = data.migrant_worker_id, data.relationship
    if data.category == FAMILY:
        if not migrant_id:
            raise DomainError(_l("A family member is linked to the migrant worker they belong to."))
        if relationship not in RELATIONSHIPS:
            raise DomainError(_l("Choose the relationship to the migrant worker."))
        get_migrant(cooperative_id, migrant_id)
    elif data.category == RETURNEE:
        if not migrant_id:
            raise DomainError(_l("A returnee is linked to their own migrant-worker record."))
        migrant = get_migrant(cooperative_id, migrant_id)
        if migrant.actual_return_date is None:
            raise DomainError(_l("Record the return date on the migrant-worker record first."))
        relationship = None
    else:
        migrant_id = migrant_id or None
        relationship = None
    return dict(nik=nik, name=name, name_search=name.lower(), gender=data.gender,
                birth_date=data.birth_date, address=address, phone=phone,
                join_date=data.join_date, category=data.category,
                migrant_worker_id=migrant_id, relationship=relationship)


def register_member(cooperative, data: MemberData, money_account_id, idempotency_key,
                    created_by=None, pay_first_wajib=True):
    """Register a member, open the mandatory accounts and take pokok (and the first wajib)."""
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
        account = savings.open_account(cooperative.id, member.id, product.id, data.join_date)
        due = product.fixed_amount or Decimal(0)
        if due > 0 and (product.kind == POKOK or pay_first_wajib):
            movements.append(savings.Movement(account, due, savings.DEPOSIT))
    if movements:
        cash = savings.money_account(cooperative.id, money_account_id)
        total = sum(move.amount for move in movements)
        savings.post_movements(cooperative.id, data.join_date, "member_joining",
                               f"Pendaftaran anggota {member.member_number} {member.name}",
                               movements, [Line(cash.id, total, member_id=member.id)],
                               idempotency_key, created_by)
    return member


def update_member(cooperative_id, member_id, data: MemberData):
    member = get_member(cooperative_id, member_id)
    fields = _clean_member(cooperative_id, data, member_id=member.id)
    for key, value in fields.items():
        setattr(member, key, value)
    db.session.flush()
    return member


def get_member(cooperative_id, member_id):
    member = db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.id == member_id)).scalar_one_or_none()
    if member is None:
        raise NotFound(_l("Member not found."))
    return member


def member_of_user(cooperative_id, user_id):
    return db.session.execute(select(Member).where(
        Member.cooperative_id == cooperative_id, Member.user_id == user_id)).scalar_one_or_none()


def search_query(cooperative_id, text=None, status=None, category=None):
    """Members matching a name prefix, a NIK or a member number (index-backed)."""
    query = select(Member).where(Member.cooperative_id == cooperative_id)
    text = (text or "").strip()
    if text:
        if text.isdigit() and len(text) == 16:
            query = query.where(Member.nik == text)
        else:
            lowered = text.lower().replace("%", "").replace("_", "")
            query = query.where(or_(Member.name_search.like(f"{lowered}%"),
                                    Member.member_number == text,
                                    Member.nik.like(f"{text}%") if text.isdigit() else False))
    if status:
        query = query.where(Member.status == status)
    if category:
        query = query.where(Member.category == category)
    return query.order_by(Member.name_search, Member.id)


def returnee_eligible(member, migrant, today=None):
    """A returnee counts for the programme for three years after coming home."""
    if member.category != RETURNEE or migrant is None or migrant.actual_return_date is None:
        return False
    today = today or date.today()
    back = migrant.actual_return_date
    try:
        limit = back.replace(year=back.year + RETURNEE_ELIGIBLE_YEARS)
    except ValueError:  # 29 February
        limit = back.replace(year=back.year + RETURNEE_ELIGIBLE_YEARS, day=28)
    return today <= limit


def create_migrant(cooperative_id, name, destination_country, sector, departure_date=None,
                   expected_return_date=None, actual_return_date=None, procedural=True,
                   gender=None, notes=None):
    name = (name or "").strip()
    country = (destination_country or "").strip()
    if not name or len(name) > 200:
        raise DomainError(_l("Fill in the migrant worker's name."))
    if not country or len(country) > 100:
        raise DomainError(_l("Fill in the destination country."))
    if sector not in SECTORS:
        raise DomainError(_l("Choose the sector of work abroad."))
    if departure_date and actual_return_date and actual_return_date < departure_date:
        raise DomainError(_l("The return date is before the departure date."))
    if departure_date and expected_return_date and expected_return_date < departure_date:
        raise DomainError(_l("The expected return is before the departure date."))
    if actual_return_date and actual_return_date > date.today():
        raise DomainError(_l("The actual return date cannot be in the future."))
    migrant = MigrantWorker(cooperative_id=cooperative_id, name=name, destination_country=country,
                            sector=sector, departure_date=departure_date,
                            expected_return_date=expected_return_date,
                            actual_return_date=actual_return_date, procedural=bool(procedural),
                            gender=gender if gender in GENDERS else None,
                            notes=(notes or "").strip() or None)
    db.session.add(migrant)
    db.session.flush()
    return migrant

