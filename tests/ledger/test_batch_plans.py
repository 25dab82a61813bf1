"""The batch path on PostgreSQL stays fast on tables without statistics: the used-key lookup
probes the unique index (cooperative_id, idempotency_key) key by key, whatever the planner
believes of the journal's size, and a large month-end's postings are followed by ANALYZE.

A second 50,000-entry batch on fresh tables took 103 s against 8.8 s for the first while
the lookup was `key IN (...)` (the planner scanned the cooperative's whole journal, then
tested each row against the list); measured after the change: 19.2 s and 21.9 s."""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from coop_app.extensions import db
from coop_app.ledger import posting
from coop_app.ledger.posting import EntrySpec, Line, post_entries_batch, used_keys
from tests.support.books import account_id

D = Decimal


def postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner and ANALYZE")


def specs(coop, prefix, count):
    cash, grants = account_id(coop, "cash"), account_id(coop, "grants")
    return [EntrySpec(date(2025, 2, 1), "manual", "m", [Line(cash, D(1)), Line(grants, D(-1))],
                      f"{prefix}-{n}") for n in range(count)]


def plan(keys, coop, generic):
    """The plan PostgreSQL runs the used-key lookup with: a custom plan for these keys, or
    the generic plan a prepared statement settles on after five executions."""
    conn = db.session.connection()
    conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {'force_generic_plan' if generic else 'auto'}")
    conn.exec_driver_sql(
        "PREPARE used_keys_plan (varchar[], integer) AS "
        + str(posting.USED_KEYS_POSTGRES).replace(":keys", "$1").replace(":cooperative_id", "$2"))
    try:
        literal = ", ".join(f"'{key}'" for key in keys)  # test keys: letters, digits, dashes
        rows = conn.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) EXECUTE used_keys_plan (ARRAY[{literal}], {int(coop)})").scalar()
    finally:
        conn.exec_driver_sql("DEALLOCATE used_keys_plan")
    return json.dumps(rows)


@pytest.mark.postgres
@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_the_used_key_lookup_probes_the_unique_index_without_statistics(ctx, world, generic):
    postgres_only()
    coop = world.ksp_id
    db.session.execute(text("ALTER TABLE journal_entries SET (autovacuum_enabled = off)"))
    post_entries_batch(coop, specs(coop, "first", 6000))
    keys = [f"first-{n}" for n in range(0, 6000, 3)] + [f"new-{n}" for n in range(2000)]
    shown = plan(keys, coop, generic)
    assert '"Index Name": "uq_journal_entries_idempotency"' in shown, shown
    assert '"Relation Name": "journal_entries"' in shown
    for scan in ("Seq Scan", "Bitmap Heap Scan", "Hash Join"):  # nothing reads the whole journal
        assert scan not in shown, shown
    assert used_keys(db.session.connection(), coop, keys) == set(keys[:2000])
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


def test_the_used_key_lookup_on_either_database(ctx, world):
    coop, other = world.ksp_id, world.other_id
    post_entries_batch(coop, specs(coop, "k", 5))
    post_entries_batch(other, specs(other, "o", 2))
    conn = db.session.connection()
    assert used_keys(conn, coop, ["k-1", "k-4", "k-9", "o-0"]) == {"k-1", "k-4"}
    assert used_keys(conn, other, ["k-1", "o-1"]) == {"o-1"}
    assert used_keys(conn, coop, []) == set()
