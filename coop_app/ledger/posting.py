"""The one posting service: every money movement in coop_app goes through here.

post_entry() validates a balanced entry and adds it to the caller's transaction; it never
commits, so a domain service posts its entry and its sub-ledger change together.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from coop_app.database import refresh_statistics
from coop_app.errors import DomainError, InvalidField
from coop_app.extensions import db
from coop_app.money import MoneyError, to_money, to_sen
from coop_app.cooperatives.models import utcnow
from coop_app.cooperatives.service import today_of
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine, LedgerPeriod

MAX_KEY_LENGTH = 100


class PostingError(DomainError):
    """The entry was refused; nothing was written."""


class EntryDateError(PostingError, InvalidField):
    """The date rule of every money form refused the entry's date; `field` is "date", so a
    form shows the message next to its date field (a view's `fields` maps it)."""

    def __init__(self, message):
        super().__init__("date", message)


class ClosedPeriodError(EntryDateError):
    pass


class FutureDateError(EntryDateError):
    pass


class IdempotencyConflict(PostingError):
    """The key was used before for a different entry."""


@dataclass(frozen=True)
class Line:
    account_id: int
    amount: Decimal  # signed rupiah: debit positive, credit negative
    memo: str | None = None
    member_id: int | None = None
    savings_account_id: int | None = None
    loan_id: int | None = None

    def signature(self):
        return (self.account_id, to_sen(self.amount), self.member_id, self.savings_account_id,
                self.loan_id)


@dataclass
class EntrySpec:
    """One entry for the batch path (the same rules as post_entry)."""
    entry_date: date
    kind: str
    memo: str
    lines: list
    idempotency_key: str
    created_by: int | None = None
    reverses_id: int | None = None
    sen: list = field(default_factory=list, repr=False)


def closed_through(cooperative_id):
    """The last date of the latest closed period, or None."""
    return db.session.execute(
        select(func.max(LedgerPeriod.period_end)).where(LedgerPeriod.cooperative_id == cooperative_id)
    ).scalar()


_LOOK_IT_UP = object()


def check_not_future(cooperative_id, day, today=None):
    """A date given and not after the cooperative's today: the first half of check_open, for
    the steps that post nothing themselves (an application, a restructuring)."""
    if not isinstance(day, date):
        raise EntryDateError(_l("Give the date."))
    today = today or today_of(cooperative_id)
    if day > today:
        raise FutureDateError(_l("The date %(date)s is after today (%(today)s): nothing can be "
                                 "recorded in the future.", date=day.isoformat(), today=today.isoformat()))


def check_open(cooperative_id, entry_date, closed=_LOOK_IT_UP, today=None):
    """The one date rule of every money movement (deposits, withdrawals, vouchers, manual
    entries, reversals, disbursements, repayments, remittances; post_entry applies it to
    all): not after the cooperative's today, not in a closed period. A service whose other
    checks depend on the date calls it first. `closed` (None meaning nothing is closed) and
    `today` may be passed when already known, so batches look them up once."""
    check_not_future(cooperative_id, entry_date, today)
    if closed is _LOOK_IT_UP:
        closed = closed_through(cooperative_id)
    if closed is not None and entry_date <= closed:
        raise ClosedPeriodError(_l(
            "The books are closed up to %(date)s; choose a later date.", date=closed.isoformat()))


def _validate_shape(spec_lines, idempotency_key, kind, memo):
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise PostingError(_l("An entry needs an idempotency key of at most 100 characters."))
    if not kind:
        raise PostingError(_l("An entry needs a kind."))
    if memo is not None and len(memo) > 500:
        raise PostingError(_l("The description is too long (at most 500 characters)."))
    if len(spec_lines) < 2:
        raise PostingError(_l("An entry needs at least two lines."))
    sens = []
    for line in spec_lines:
        try:
            sen = to_sen(line.amount)
        except (MoneyError, TypeError):
            raise PostingError(_l("Every amount must be exact to the sen.")) from None
        if sen == 0:
            raise PostingError(_l("A line cannot have a zero amount."))
        sens.append(sen)
    if sum(sens) != 0:
        raise PostingError(_l("The entry does not balance: debits and credits differ by %(diff)s.",
                              diff=str(abs(to_money(Decimal(sum(sens)) / 100)))))
    return sens


def _postable_accounts(cooperative_id, account_ids):
    rows = db.session.execute(
        select(GLAccount.id, GLAccount.is_group, GLAccount.active)
        .where(GLAccount.cooperative_id == cooperative_id, GLAccount.id.in_(set(account_ids)))
    ).all()
    found = {r.id: r for r in rows}
    for account_id in set(account_ids):
        row = found.get(account_id)
        if row is None:
            raise PostingError(_l("An account in this entry does not belong to this cooperative."))
        if row.is_group:
            raise PostingError(_l("A group account only sums its children; post to a detail account."))
        if not row.active:
            raise PostingError(_l("An account in this entry is inactive."))


def _same_entry(existing, entry_date, kind, lines):
    mine = sorted(line.signature() for line in lines)
    theirs = sorted(
        (ln.account_id, to_sen(ln.amount), ln.member_id, ln.savings_account_id, ln.loan_id)
        for ln in existing.lines)
    return existing.entry_date == entry_date and existing.kind == kind and mine == theirs


def find_by_key(cooperative_id, idempotency_key):
    return db.session.execute(
        select(JournalEntry).where(JournalEntry.cooperative_id == cooperative_id,
                                   JournalEntry.idempotency_key == idempotency_key)
    ).scalar_one_or_none()


def _replay(existing, entry_date, kind, lines):
    if not _same_entry(existing, entry_date, kind, lines):
        raise IdempotencyConflict(_l(
            "This submission key was already used for a different entry (#%(id)s).", id=existing.id))
    existing.replayed = True
    return existing


def post_entry(cooperative_id, entry_date, kind, memo, lines, idempotency_key,
               created_by=None, reverses_id=None):
    """Validate and add one balanced entry to the current transaction.

    Returns the entry. If the key was posted before with the same content, returns that
    entry with `replayed` set and posts nothing; with other content, raises IdempotencyConflict.
    """
    lines = list(lines)
    sens = _validate_shape(lines, idempotency_key, kind, memo)
    existing = find_by_key(cooperative_id, idempotency_key)
    if existing is not None:
        return _replay(existing, entry_date, kind, lines)
    check_open(cooperative_id, entry_date)
    _postable_accounts(cooperative_id, [line.account_id for line in lines])

    entry = JournalEntry(
        cooperative_id=cooperative_id, entry_date=entry_date, kind=kind, memo=memo or "",
        created_by=created_by, idempotency_key=idempotency_key, reverses_id=reverses_id,
        posted_at=utcnow())
    entry.lines = [
        JournalLine(cooperative_id=cooperative_id, account_id=line.account_id,
                    amount=to_money(Decimal(sen) / 100), memo=line.memo, member_id=line.member_id,
                    savings_account_id=line.savings_account_id, loan_id=line.loan_id)
        for line, sen in zip(lines, sens)
    ]
    try:
        # A savepoint: a concurrent post of the same key loses here without spoiling
        # the caller's transaction, and then returns the winner's entry.
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        existing = find_by_key(cooperative_id, idempotency_key)
        if existing is None:
            raise
        return _replay(existing, entry_date, kind, lines)
    entry.replayed = False
    return entry


# One probe of the unique index (cooperative_id, idempotency_key) per key, whatever the
# statistics say: LIMIT 1 keeps the lateral subquery from being flattened into a join, so the
# planner cannot hash or bitmap-scan the cooperative's whole journal for a list of keys, as
# it did for `key IN (...)` on tables never ANALYZEd (a second 50,000-entry batch took 103 s
# against 8.8 s for the first).
def _insert_skipping_used_keys(dialect_name):
    """INSERT ... ON CONFLICT (cooperative_id, idempotency_key) DO NOTHING: the database
    finds the keys already used through the unique index itself (its arbiter), whatever
    the planner believes of the journal's size; no lookup query to plan. A key another
    transaction is posting right now waits for it, then counts as used."""
    insert = postgresql_insert if dialect_name == "postgresql" else sqlite_insert
    entries = JournalEntry.__table__
    return (insert(entries)
            .on_conflict_do_nothing(index_elements=[entries.c.cooperative_id,
                                                    entries.c.idempotency_key])
            .returning(entries.c.idempotency_key, entries.c.id))


def post_entries_batch(cooperative_id, specs, chunk=2000):
    """Post many entries in the caller's transaction, set-based (month-end jobs, imports).

    The same rules as post_entry: each entry balanced, accounts postable, period open;
    keys already posted are skipped. Returns the number of entries posted.
    """
    if not specs:
        return 0
    account_ids = set()
    for spec in specs:
        spec.sen = _validate_shape(spec.lines, spec.idempotency_key, spec.kind, spec.memo)
        account_ids.update(line.account_id for line in spec.lines)
    closed, today = closed_through(cooperative_id), today_of(cooperative_id)
    for spec in specs:
        check_open(cooperative_id, spec.entry_date, closed, today)
    _postable_accounts(cooperative_id, account_ids)
    keys = [spec.idempotency_key for spec in specs]
    if len(set(keys)) != len(keys):
        raise PostingError(_l("The same idempotency key appears twice in one batch."))

    conn = db.session.connection()
    posted = 0
    for start in range(0, len(specs), chunk):
        part = specs[start:start + chunk]
        now = utcnow()
        # Keys already posted are skipped by the insert itself. RETURNING the key with the
        # id, so the rows may come back in any order: asking SQLAlchemy to keep the
        # parameter order makes it insert one row per statement.
        ids = dict(conn.execute(
            _insert_skipping_used_keys(conn.dialect.name),
            [{"cooperative_id": cooperative_id, "entry_date": s.entry_date, "posted_at": now,
              "kind": s.kind, "memo": s.memo or "", "created_by": s.created_by,
              "idempotency_key": s.idempotency_key, "reverses_id": s.reverses_id} for s in part],
        ).all())
        part = [s for s in part if s.idempotency_key in ids]
        if not part:
            continue
        rows = []
        for spec in part:
            entry_id = ids[spec.idempotency_key]
            for line, sen in zip(spec.lines, spec.sen):
                rows.append((entry_id, cooperative_id, line.account_id, sen, line.memo,
                             line.member_id, line.savings_account_id, line.loan_id))
        # Straight to the driver: the amounts are already validated integer sen.
        conn.exec_driver_sql(
            "INSERT INTO journal_lines (entry_id, cooperative_id, account_id, amount, memo,"
            " member_id, savings_account_id, loan_id) VALUES "
            + ("(?, ?, ?, ?, ?, ?, ?, ?)" if conn.dialect.paramstyle == "qmark"
               else "(%s, %s, %s, %s, %s, %s, %s, %s)"),
            rows,
        )
        posted += len(part)
        db.session.info[_BULK_LINES] = db.session.info.get(_BULK_LINES, 0) + len(rows)
    return posted


# Lines the batch path wrote since the journal's statistics were last refreshed (in this
# session, committed or not: the count only decides when to ANALYZE).
_BULK_LINES = "coop_ledger_bulk_lines"
BULK_LINES = 10_000


def refresh_journal_statistics(at_least=BULK_LINES):
    """ANALYZE the journal (PostgreSQL) once batch postings wrote `at_least` lines, and
    commit: a month-end posts entries of tens of thousands of lines, which a planner still
    holding the statistics of a small journal joins the slowest way. Called by batch jobs
    between units of work, never inside a caller's transaction. Returns whether it ran."""
    if db.session.info.get(_BULK_LINES, 0) < at_least:
        return False
    refresh_statistics(db.session, "journal_entries", "journal_lines")
    db.session.info[_BULK_LINES] = 0
    return True
