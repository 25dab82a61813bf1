"""Members: checking a member's data, editing, search, the member page's queries, member
numbers and members' logins. The register posts no money: joining with the simpanan pokok
and leaving with its settlement are use cases above the products (membership/). Migrant
workers live in migrants.py.
"""
import re
import string
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, union_all

from coop_app.cooperatives.clock import local_today
from coop_app.cooperatives.service import today_of
from coop_app.audit.models import AuditLog
from coop_app.auth import service as users
from coop_app.auth.models import MEMBER
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.migrants import escape_like, get_migrant
from coop_app.members.models import (ACTIVE, CANCELLED, CATEGORIES, FAMILY, GENDERS, RELATIONSHIPS,
                                     RETURNEE, RETURNEE_ELIGIBLE_YEARS, Member)
from coop_app.members.nik import NIKError, check_nik

NIK_MESSAGES = {
    "format": _l("A NIK is exactly 16 digits."),
    "region": _l("The NIK's region code (first six digits) is not a real province, kabupaten and kecamatan."),
    "birth": _l("The NIK's birth-date part (digits 7 to 12) is not a real date."),
    "birth_mismatch": _l("The NIK does not match the birth date (digits 7 to 12 are DDMMYY; women add 40 to the day)."),
    "gender_mismatch": _l("The NIK does not match the gender (women add 40 to the day of birth)."),
}
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,20}$")
DEFAULT_NUMBER_PATTERN = "{year}.{seq:05d}"
NUMBER_FIELDS = ("code", "year", "seq")
MAX_NUMBER_LENGTH = 30  # members.member_number


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
        raise InvalidField("nik", NIK_MESSAGES[error.code]) from None


# -- member numbers ---------------------------------------------------------------------

def format_member_number(pattern, cooperative, seq, join_date):
    """Member numbers follow the cooperative's pattern: {code}, {year}, {seq:05d}..."""
    try:
        return pattern.format(code=cooperative.code, year=join_date.year, seq=seq)
    except (KeyError, IndexError, ValueError, AttributeError):
        return DEFAULT_NUMBER_PATTERN.format(year=join_date.year, seq=seq)


def check_number_pattern(pattern, cooperative, today=None):
    """The cleaned pattern, or DomainError. Only {code}, {year} and {seq} (with a format such
    as {seq:04d}) are allowed: no attribute or index lookups, and {seq} must be there or
    every member would get the same number."""
    pattern = (pattern or "").strip()
    if not pattern or len(pattern) > 40:
        raise InvalidField("pattern", _l("A pattern has 1 to 40 characters."))
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(pattern)
                 if name is not None]
    except ValueError:
        raise InvalidField("pattern", _l("The pattern's braces do not match.")) from None
    if any(name not in NUMBER_FIELDS for name in names):
        raise InvalidField("pattern", _l("Use only {code}, {year} and {seq} in the pattern."))
    if "seq" not in names:
        raise InvalidField("pattern", _l("The pattern needs {seq}, the running number."))
    today = today or local_today(cooperative)
    try:
        samples = [pattern.format(code=cooperative.code, year=today.year, seq=seq)
                   for seq in (1, 99999)]
    except (KeyError, IndexError, ValueError, TypeError):
        raise InvalidField("pattern", _l("The pattern cannot be used; write the running number "
                                         "like {seq} or {seq:05d}.")) from None
    if any(len(sample) > MAX_NUMBER_LENGTH or not sample.strip() for sample in samples):
        raise InvalidField("pattern", _l("Numbers made by this pattern would be longer than "
                                         "30 characters."))
    return pattern


def set_member_number_pattern(cooperative, pattern):
    cooperative.member_number_pattern = check_number_pattern(pattern, cooperative)
    db.session.flush()
    return cooperative.member_number_pattern


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


# -- registering and editing members -------------------------------------------------------

def _clean_member(cooperative_id, data: MemberData, member_id=None):
    name = (data.name or "").strip()
    address = (data.address or "").strip()
    if not name or len(name) > 200:
        raise InvalidField("name", _l("Fill in the member's name (at most 200 characters)."))
    if not address or len(address) > 300:
        raise InvalidField("address", _l("Fill in the address (at most 300 characters)."))
    if data.gender not in GENDERS:
        raise InvalidField("gender", _l("Choose the gender."))
    if data.category not in CATEGORIES:
        raise InvalidField("category", _l("Choose the Desmigratif category."))
    today = today_of(cooperative_id)
    if not isinstance(data.birth_date, date) or data.birth_date > today or data.birth_date.year < 1900:
        raise InvalidField("birth_date", _l("The birth date must be a real date in the past."))
    if not isinstance(data.join_date, date) or data.join_date > today:
        raise InvalidField("join_date", _l("The joining date cannot be in the future."))
    if data.join_date.year < 1900:
        raise InvalidField("join_date", _l("That date is not plausible."))
    if (data.join_date - data.birth_date).days < 17 * 365:
        raise InvalidField("birth_date", _l("A member must be at least 17 years old when joining."))
    phone = (data.phone or "").strip() or None
    if phone and not PHONE.match(phone):
        raise InvalidField("phone", _l("The phone number has 7 to 20 digits."))
    nik = validate_nik(data.nik, data.birth_date, data.gender)
    clash = db.session.execute(select(Member.id).where(
        Member.cooperative_id == cooperative_id, Member.nik == nik,
        Member.status != CANCELLED)).scalar()
    if clash and clash != member_id:
        raise InvalidField("nik", _l("A member with this NIK is already registered."))
    migrant_id, relationship = data.migrant_worker_id, data.relationship
    if data.category == FAMILY:
        if not migrant_id:
            raise InvalidField("migrant", _l("A family member is linked to the migrant worker they belong to."))
        if relationship not in RELATIONSHIPS:
            raise InvalidField("relationship", _l("Choose the relationship to the migrant worker."))
        _linkable_migrant(cooperative_id, migrant_id)
    elif data.category == RETURNEE:
        if not migrant_id:
            raise InvalidField("migrant", _l("A returnee is linked to their own migrant-worker record."))
        migrant = _linkable_migrant(cooperative_id, migrant_id)
        if migrant.actual_return_date is None:
            raise InvalidField("actual_return_date", _l("Record the return date on the migrant-worker record first."))
        relationship = None
    else:
        if migrant_id:
            _linkable_migrant(cooperative_id, migrant_id)
        migrant_id = migrant_id or None
        relationship = None
    return dict(nik=nik, name=name, name_search=name.lower(), gender=data.gender,
                birth_date=data.birth_date, address=address, phone=phone,
                join_date=data.join_date, category=data.category,
                migrant_worker_id=migrant_id, relationship=relationship)


def check_member(cooperative_id, data: MemberData, member_id=None):
    """The rules a member's data must meet (InvalidField if it does not); writes nothing."""
    return _clean_member(cooperative_id, data, member_id)


def _linkable_migrant(cooperative_id, migrant_id):
    try:
        return get_migrant(cooperative_id, migrant_id)
    except NotFound as error:
        raise InvalidField("migrant", error.message) from None


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


# -- search ------------------------------------------------------------------------------

def _prefix(column, prefix):
    """An index-backed prefix match. SQLite's LIKE ignores case and so its index; a range
    does not (binary collation). PostgreSQL's LIKE uses the varchar_pattern_ops index."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column.like(f"{escape_like(prefix)}%", escape="\\")
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _digit_prefix(column, digits):
    """A prefix of a digits-only column as a range: the same order in every collation."""
    upper = str(int(digits) + 1).zfill(len(digits))
    if len(upper) > len(digits):  # 999...: no upper bound
        return column >= digits
    return and_(column >= digits, column < upper)


def search_query(cooperative_id, text=None, status=None, category=None):
    """Members matching a name prefix, a NIK (or its prefix) or a member number.

    Every condition is backed by an index on (cooperative_id, ...): the name prefix by
    ix_members_coop_name, the NIK by uq_members_nik, the number by uq_members_number. The
    unfiltered register is in member-number order and a NIK search in NIK order, which
    their indexes provide; a name search is in name order.
    """
    mine = Member.cooperative_id == cooperative_id
    text = " ".join((text or "").replace("\x00", "").split())[:200]
    order = (Member.member_number, Member.id)
    if not text:
        query = select(Member).where(mine)
    else:
        if text.isascii() and text.isdigit():
            match = _digit_prefix(Member.nik, text[:16])
            order = (Member.nik, Member.id)
        else:
            match = _prefix(Member.name_search, text.lower())
            order = (Member.name_search, Member.id)
        by_number = Member.member_number == text
        if db.session.get_bind().dialect.name == "postgresql":
            query = select(Member).where(mine, or_(match, by_number))  # a BitmapOr of both
        else:
            # SQLite would walk the whole cooperative in number order rather than use two
            # indexes for an OR: two index searches, each scoped to the cooperative, by id.
            matching = union_all(select(Member.id).where(mine, match),
                                 select(Member.id).where(mine, by_number))
            query = select(Member).where(Member.id.in_(matching))
    if status:
        query = query.where(Member.status == status)
    if category:
        query = query.where(Member.category == category)
    return query.order_by(*order)


# -- the member page ----------------------------------------------------------------------

def returnee_eligible_until(migrant):
    """The last day a returnee counts for the programme (three years after coming home)."""
    if migrant is None or migrant.actual_return_date is None:
        return None
    back = migrant.actual_return_date
    try:
        return back.replace(year=back.year + RETURNEE_ELIGIBLE_YEARS)
    except ValueError:  # 29 February
        return back.replace(year=back.year + RETURNEE_ELIGIBLE_YEARS, day=28)


def returnee_eligible(member, migrant, today=None):
    """A returnee counts for the programme for three years after coming home."""
    if member.category != RETURNEE:
        return False
    limit = returnee_eligible_until(migrant)
    return limit is not None and (today or today_of(member.cooperative_id)) <= limit


def member_history(cooperative_id, member_id, limit=50):
    """The audit trail of the member's own row, newest first."""
    return db.session.execute(
        select(AuditLog).where(AuditLog.cooperative_id == cooperative_id,
                               AuditLog.table_name == "members", AuditLog.row_id == member_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)).scalars().all()


# -- a login for a member ---------------------------------------------------------------------

def create_member_login(cooperative_id, member_id, username, password):
    """A user account with the member role in this cooperative, linked to the member."""
    member = get_member(cooperative_id, member_id)
    db.session.execute(select(Member.id).where(Member.id == member.id).with_for_update())
    if member.user_id is not None:
        raise DomainError(_l("This member already has a login."))
    if member.status != ACTIVE:
        raise DomainError(_l("Only an active member can be given a login."))
    user = users.create_user(username, member.name, password)
    users.grant_role(user.id, MEMBER, cooperative_id=cooperative_id)
    member.user_id = user.id
    db.session.flush()
    return user
