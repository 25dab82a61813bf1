"""The batch path on PostgreSQL stays fast on tables without statistics: keys already used are
skipped by the insert itself (ON CONFLICT on the unique index (cooperative_id,
idempotency_key), its arbiter), so no lookup is left to the planner, and a large month-end's
postings are followed by ANALYZE.

A second 50,000-entry batch on fresh tables took 103 s against 8.8 s for the first while
the lookup was `key IN (...)` (the planner scanned the cooperative's whole journal, then
tested each row against the list). A lookup probing the index key by key measured 19.2 s and
21.9 s, but its generic plan could still pick the (cooperative_id, kind) index when the
statistics said the journal was small; the arbiter index cannot be planned away."""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from coop_app.extensions import db
from coop_app.ledger import posting
from coop_app.ledger.posting import EntrySpec, Line, post_entries_batch
from tests.support.books import account_id

D = Decimal


def postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner and ANALYZE")


def specs(coop, prefix, count):
    cash, grants = account_id(coop, "cash"), account_id(coop, "grants")
    return [EntrySpec(date(2025, 2, 1), "manual", "m", [Line(cash, D(1)), Line(grants, D(-1))],
                      f"{prefix}-{n}") for n in range(count)]


def insert_plan(coop):
    """The plan of the batch path's entry insert, as PostgreSQL would run it."""
    conn = db.session.connection()
    statement = posting._insert_skipping_used_keys("postgresql").values(
        cooperative_id=coop, entry_date=date(2025, 2, 1), posted_at=date(2025, 2, 1),
        kind="manual", memo="", idempotency_key="first-1")
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return json.dumps(conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}").scalar())


@pytest.mark.postgres
def test_used_keys_are_found_by_the_unique_index_whatever_the_statistics(ctx, world):
    postgres_only()
    coop = world.ksp_id
    db.session.execute(text("ALTER TABLE journal_entries SET (autovacuum_enabled = off)"))
    post_entries_batch(coop, specs(coop, "first", 6000))
    shown = insert_plan(coop)
    assert '"Conflict Resolution": "NOTHING"' in shown, shown
    assert '"Conflict Arbiter Indexes": ["uq_journal_entries_idempotency"]' in shown, shown
    for scan in ("Seq Scan", "Bitmap Heap Scan", "Hash Join", "ix_journal_entries_coop_kind"):
        assert scan not in shown, shown
    again = specs(coop, "first", 6000)[::3] + specs(coop, "new", 2000)
    assert post_entries_batch(coop, again) == 2000
    db.session.rollback()


@pytest.mark.postgres
def test_a_bulk_month_end_posting_is_followed_by_analyze(ctx, world):
    postgres_only()
    coop = world.ksp_id

    def analyzed():
        return db.session.execute(text(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('journal_entries', 'journal_lines')"
            " ORDER BY relname")).all()

    post_entries_batch(coop, specs(coop, "small", 10))
    db.session.commit()
    assert posting.refresh_journal_statistics() is False  # 20 lines: nothing to do
    post_entries_batch(coop, specs(coop, "bulk", posting.BULK_LINES // 2))
    db.session.commit()
    assert posting.refresh_journal_statistics() is True
    assert analyzed() == [("journal_entries", posting.BULK_LINES // 2 + 10),
                          ("journal_lines", posting.BULK_LINES + 20)]
    assert posting.refresh_journal_statistics() is False  # counted from the last ANALYZE


def test_a_batch_skips_the_keys_already_used_on_either_database(ctx, world):
    coop, other = world.ksp_id, world.other_id
    assert post_entries_batch(coop, specs(coop, "k", 5)) == 5
    assert post_entries_batch(other, specs(other, "o", 2)) == 2
    # k-1 and k-4 are this cooperative's already; o-0 is only the other's, so it is new here
    mixed = [s for s in specs(coop, "k", 10) if s.idempotency_key in ("k-1", "k-4", "k-9")]
    mixed += [s for s in specs(coop, "o", 1)]
    assert post_entries_batch(coop, mixed) == 2
    keys = db.session.execute(text(
        "SELECT idempotency_key FROM journal_entries WHERE cooperative_id = :c ORDER BY id"),
        {"c": coop}).scalars().all()
    assert keys == ["k-0", "k-1", "k-2", "k-3", "k-4", "k-9", "o-0"]
    lines = db.session.execute(text(
        "SELECT count(*) FROM journal_lines WHERE cooperative_id = :c"), {"c": coop}).scalar()
    assert lines == 14  # two lines an entry, none for the skipped ones
