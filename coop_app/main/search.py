"""The top bar's search, read-only: members by any part of the name, a NIK, a member number
or a phone number; loans by number; journal entries by number (#N); remittances by reference.

Every query is scoped to one cooperative (the URL's) and, for a member, to what is their own:
their own member record, their loans, the entries with a line of theirs and their remittances.
Each kind is one select that pages (`kind_query`) and its exact hits (`exact_hits`), so the
results page shows each kind's first rows and pages through one kind at a time.

Indexes: exact hits are index lookups (uq_members_number, ix_members_coop_name for a whole
name, ix_members_coop_nik, uq_loans_number, the entries' primary key,
uq_remittances_reference); a NIK prefix is a range on ix_members_coop_nik. A part of a name,
a member number or a loan number (LIKE '%...%') is read from the cooperative's entries of
ix_members_coop_name, uq_members_number and uq_loans_number alone; a part of a phone scans the
cooperative's members (a cheap LIKE first). No B-tree finds a part of a word: a trigram index
(PostgreSQL pg_trgm) would, with a migration. On 100,000 members (SQLite) a part of a name
takes about 40 ms, a phone about 60 ms.
"""
import re
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select, union
from sqlalchemy.orm import lazyload

from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry, JournalLine
from coop_app.loans.models import Loan
from coop_app.members.migrants import escape_like
from coop_app.members.models import Member
from coop_app.savings.models import Remittance

KINDS = ("members", "loans", "entries", "remittances")
MAX_TEXT = 100
ENTRY_NUMBER = re.compile(r"^#?\s*([0-9]{1,18})$")
MAX_ROW_ID = 2_147_483_647  # ids are 32-bit integers in both databases
PHONE_TEXT = re.compile(r"^\+?[0-9][0-9 \-]*$")


@dataclass(frozen=True)
class Scope:
    """Whose things a search may find: the cooperative's, or only one member's."""
    cooperative_id: int
    member_id: int | None = None  # set for a member: only their own things


def clean_text(text):
    """The search text: no NUL, spaces collapsed, at most MAX_TEXT characters."""
    return " ".join((text or "").replace("\x00", "").split())[:MAX_TEXT]


def _contains(column, text):
    return column.like(f"%{escape_like(text)}%", escape="\\")


def _digits(text):
    return re.sub(r"[^0-9]", "", text)


def _phone_digits(column):
    """A phone as digits only (the register keeps the spaces, dashes and + typed)."""
    return func.replace(func.replace(func.replace(column, " ", ""), "-", ""), "+", "")


def _phone_forms(digits):
    """0812... is also +62812... and the reverse."""
    forms = {digits}
    if digits.startswith("0") and len(digits) > 1:
        forms.add("62" + digits[1:])
    elif digits.startswith("62") and len(digits) > 2:
        forms.add("0" + digits[2:])
    return forms


def _entry_number(text):
    match = ENTRY_NUMBER.match(text)
    if match is None:
        return None
    number = int(match.group(1))
    return number if 0 < number <= MAX_ROW_ID else None


# -- each kind ---------------------------------------------------------------------------------

def _nik_prefix(digits):
    """A prefix of the digits-only NIK as a range on ix_members_coop_nik (the same order in
    every collation)."""
    upper = str(int(digits) + 1).zfill(len(digits))
    if len(upper) > len(digits):  # 999...: no upper bound
        return Member.nik >= digits
    return and_(Member.nik >= digits, Member.nik < upper)


def _phone_match(digits):
    """The phone holds these digits in a row once its separators are dropped. The plain LIKE
    on the digits in order (separators allowed between them) is cheap and passes first, so
    the separators are dropped only on the few phones that may match."""
    return or_(*(and_(Member.phone.like("%" + "%".join(form) + "%"),
                      _contains(_phone_digits(Member.phone), form)) for form in _phone_forms(digits)))


def _member_ids(cooperative_id, text):
    """The ids of the cooperative's members `text` finds, one select per way of finding,
    each on its own index: a part of the name (ix_members_coop_name, read from the index
    alone), a part of the member number (uq_members_number, likewise), a NIK prefix (a range
    on ix_members_coop_nik) and a phone (the cooperative's rows)."""
    mine = Member.cooperative_id == cooperative_id
    ways = [select(Member.id).where(mine, _contains(Member.name_search, text.lower())),
            select(Member.id).where(mine, _contains(Member.member_number, text))]
    if text.isascii() and text.isdigit():
        ways.append(select(Member.id).where(mine, _nik_prefix(text[:16])))
    digits = _digits(text)
    if len(digits) >= 4 and PHONE_TEXT.match(text):
        ways.append(select(Member.id).where(mine, Member.phone.is_not(None), _phone_match(digits)))
    return union(*ways)


def _members(scope, text):
    query = (select(Member).options(lazyload(Member.migrant_worker))
             .where(Member.id.in_(_member_ids(scope.cooperative_id, text))))
    if scope.member_id is not None:
        query = query.where(Member.id == scope.member_id)
    return query.order_by(Member.name_search, Member.id)


def _member_exact(scope, text):
    mine = Member.cooperative_id == scope.cooperative_id
    matches = [Member.member_number == text, Member.name_search == text.lower()]
    if text.isascii() and text.isdigit() and len(text) == 16:
        matches.append(Member.nik == text)
    query = select(Member).options(lazyload(Member.migrant_worker)).where(mine, or_(*matches))
    if scope.member_id is not None:
        query = query.where(Member.id == scope.member_id)
    return query.order_by(Member.name_search, Member.id)


def _loans(scope, text, number=None):
    """Loans whose number holds `text` (read from uq_loans_number), or is `number`."""
    match = Loan.number == number if number is not None else or_(
        _contains(Loan.number, text), _contains(Loan.number, text.upper()))
    query = (select(Loan, Member).join(Member, Member.id == Loan.member_id)
             .where(Loan.cooperative_id == scope.cooperative_id, match))
    if scope.member_id is not None:
        query = query.where(Loan.member_id == scope.member_id)
    return query.order_by(Loan.number, Loan.id)


def _loan_exact(scope, text):
    # Loan numbers are a product code and digits (PUE-000001); a code is typed in any case.
    return _loans(scope, text, number=text.upper())


def _entries(scope, text):
    number = _entry_number(text)
    query = select(JournalEntry).where(JournalEntry.cooperative_id == scope.cooperative_id)
    if number is None:
        return query.where(false())
    query = query.where(JournalEntry.id == number)
    if scope.member_id is not None:
        query = query.where(select(JournalLine.id).where(
            JournalLine.entry_id == JournalEntry.id, JournalLine.member_id == scope.member_id).exists())
    return query.order_by(JournalEntry.id)


def _remittances(scope, text):
    query = (select(Remittance, Member).join(Member, Member.id == Remittance.member_id)
             .where(Remittance.cooperative_id == scope.cooperative_id,
                    _contains(func.lower(Remittance.reference), text.lower())))
    if scope.member_id is not None:
        query = query.where(Remittance.member_id == scope.member_id)
    return query.order_by(Remittance.received_on.desc(), Remittance.id.desc())


def _remittance_exact(scope, text):
    # the reference as typed: uq_remittances_reference (the standing ones) finds it
    return _remittances(scope, text).where(Remittance.reference == text)


_QUERIES = {"members": _members, "loans": _loans, "entries": _entries, "remittances": _remittances}
_EXACT = {"members": _member_exact, "loans": _loan_exact, "entries": _entries,
          "remittances": _remittance_exact}


def kind_query(scope, kind, text):
    """The select of one kind's hits for `text` (members: Member rows; loans and remittances:
    (row, Member) pairs; entries: JournalEntry rows), in a stable order, ready to page."""
    text = clean_text(text)
    if not text:
        return _QUERIES[kind](scope, "").where(false())
    return _QUERIES[kind](scope, text)


def exact_hits(scope, text, limit=2):
    """[(kind, row)] of what `text` names exactly: a member number, a full NIK or a whole
    name, a loan number, an entry number, a remittance reference (at most `limit`)."""
    text = clean_text(text)
    hits = []
    if not text:
        return hits
    for kind in KINDS:
        rows = db.session.execute(_EXACT[kind](scope, text).limit(limit)).all()
        hits.extend((kind, row[0] if len(row) == 1 else tuple(row)) for row in rows)
        if len(hits) >= limit:
            break
    return hits[:limit]
