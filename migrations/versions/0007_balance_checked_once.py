"""ledger: each entry proved balanced once at commit (PostgreSQL)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Migration 0001 proved an entry balanced with a deferred trigger on the entry and another on
every line, each re-summing the whole entry: committing an entry of n lines cost O(n^2)
(50,000 lines: 162 s at COMMIT). Now only the entry's deferred trigger sums it, once, at
commit; for that to prove every line, a line is refused when its entry was not created in
the same transaction (a "late" line would never be summed again). That test is folded into
the per-line check that already looked the entry up, so a line costs the same one probe of
the entry's primary key as before.

"Created in this transaction" is the entry row's xmin being our transaction or one of its
subtransactions (a row inserted under a SAVEPOINT carries the subtransaction's xid, so
comparing xmin with pg_current_xact_id() alone would refuse it). xmin is 32 bits: it is
widened to the full xid8 nearest to our own top-level xid (our subtransactions are assigned
after it, anything we can see unfrozen lies within 2^31 of it), and pg_xact_status() says
'in progress' for our own (sub)transactions and for other running ones, whose rows we cannot
see, so for a row we found it means ours. A widening that lands in the future raises
(refused too). pg_xact_status checks the running transactions before the commit log, so a
transaction caught committing is 'in progress' only while its rows are still invisible to us.

SET CONSTRAINTS ... IMMEDIATE fires the entry's check before COMMIT; a line added after
that would never be summed. The check leaves a transaction-local mark (coop.balance_checked)
and a line refused while it is set, so no line follows a check in the same transaction.
SQLite has no deferred triggers: nothing changes there (check-ledger reports what it cannot
refuse).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LINE_CHECK = """
CREATE OR REPLACE FUNCTION coop_check_line_cooperative() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry_cooperative integer;
  entry_xmin bigint;
  top bigint;
  created xid8;
BEGIN
  SELECT cooperative_id, xmin::text::bigint INTO entry_cooperative, entry_xmin
    FROM journal_entries WHERE id = NEW.entry_id;
  IF NEW.cooperative_id IS DISTINCT FROM entry_cooperative
     OR NEW.cooperative_id IS DISTINCT FROM (SELECT cooperative_id FROM gl_accounts WHERE id = NEW.account_id) THEN
    RAISE EXCEPTION 'journal line of another cooperative' USING ERRCODE = 'check_violation';
  END IF;
  -- An entry takes its lines in the transaction that creates it: its balance is proved
  -- once, at COMMIT, by journal_entries_balanced, which a later line would escape.
  top := pg_current_xact_id()::text::bigint;
  -- The full xid of the entry's xmin: the one within 2^31 of our top-level xid.
  created := (top + ((entry_xmin - top % 4294967296 + 6442450944) % 4294967296) - 2147483648)::text::xid8;
  IF pg_xact_status(created) IS DISTINCT FROM 'in progress' THEN
    RAISE EXCEPTION 'journal line added to entry %, posted in an earlier transaction: post a new entry instead',
      NEW.entry_id USING ERRCODE = 'check_violation';
  END IF;
  IF current_setting('coop.balance_checked', true) = 'on' THEN
    RAISE EXCEPTION 'journal line added to entry % after entries were proved balanced in this transaction',
      NEW.entry_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$
"""

ENTRY_CHECK = """
CREATE OR REPLACE FUNCTION coop_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total bigint;
  n integer;
BEGIN
  SELECT coalesce(sum(amount), 0), count(*) INTO total, n FROM journal_lines WHERE entry_id = NEW.id;
  IF total <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'journal entry % does not balance (sum %, % lines)', NEW.id, total, n
      USING ERRCODE = 'check_violation';
  END IF;
  -- Normally this runs at COMMIT and nothing follows; after SET CONSTRAINTS ... IMMEDIATE
  -- it runs earlier, and no line may follow it in this transaction (see the line check).
  PERFORM set_config('coop.balance_checked', 'on', true);
  RETURN NULL;
END $$
"""

# 0001's functions, put back by the downgrade.
OLD_LINE_CHECK = """
CREATE OR REPLACE FUNCTION coop_check_line_cooperative() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.cooperative_id IS DISTINCT FROM (SELECT cooperative_id FROM journal_entries WHERE id = NEW.entry_id)
            OR NEW.cooperative_id IS DISTINCT FROM (SELECT cooperative_id FROM gl_accounts WHERE id = NEW.account_id) THEN
           RAISE EXCEPTION 'journal line of another cooperative' USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END $$
"""

OLD_ENTRY_CHECK = """
CREATE OR REPLACE FUNCTION coop_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         entry integer;
         total bigint;
         n integer;
       BEGIN
         -- NEW has no entry_id on journal_entries, so the branches must stay apart.
         IF TG_TABLE_NAME = 'journal_entries' THEN entry := NEW.id; ELSE entry := NEW.entry_id; END IF;
         SELECT coalesce(sum(amount), 0), count(*) INTO total, n FROM journal_lines WHERE entry_id = entry;
         IF total <> 0 OR n < 2 THEN
           RAISE EXCEPTION 'journal entry % does not balance (sum %, % lines)', entry, total, n
             USING ERRCODE = 'check_violation';
         END IF;
         RETURN NULL;
       END $$
"""

OLD_LINE_TRIGGER = """
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coop_check_entry_balanced()
"""


def _postgres():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgres():
        return
    op.execute("DROP TRIGGER IF EXISTS journal_lines_balanced ON journal_lines")
    op.execute(ENTRY_CHECK)
    op.execute(LINE_CHECK)


def downgrade():
    if not _postgres():
        return
    op.execute(OLD_ENTRY_CHECK)
    op.execute(OLD_LINE_CHECK)
    op.execute(OLD_LINE_TRIGGER)
