"""cancelled registrations and reversed remittances free their NIK and reference

A reversed registration was left as a resigned member, so the person could never be
registered again; a reversed remittance had its reference rewritten to free it. Now a
member has the status `cancelled` and a remittance a `reversal_entry_id`, and the NIK and
the reference are unique only among the standing records (partial unique indexes); a plain
index on the NIK keeps the search over every member fast.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

STATUSES_BEFORE = "status in ('active', 'resigned', 'deceased')"
STATUSES_AFTER = "status in ('active', 'resigned', 'deceased', 'cancelled')"
NIK_STANDS = sa.text("status <> 'cancelled'")
REFERENCE_STANDS = sa.text("reversal_entry_id IS NULL")


def upgrade():
    # On SQLite dropping a table constraint rebuilds the table (batch mode); the rebuild
    # keeps the other constraints and indexes as they are.
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint('uq_members_nik', type_='unique')
        batch_op.drop_constraint(op.f('ck_members_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_members_status'), STATUSES_AFTER)
    # Registrations reversed before this revision were left "resigned".
    op.execute("""
        UPDATE members SET status = 'cancelled'
        WHERE status = 'resigned' AND EXISTS (
            SELECT 1 FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
            WHERE l.member_id = members.id AND e.kind = 'member_joining'
              AND EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_id = e.id))""")
    op.create_index('uq_members_nik', 'members', ['cooperative_id', 'nik'], unique=True,
                    sqlite_where=NIK_STANDS, postgresql_where=NIK_STANDS)
    op.create_index('ix_members_coop_nik', 'members', ['cooperative_id', 'nik'])

    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversal_entry_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_remittances_reversal_entry_id_journal_entries'),
                                    'journal_entries', ['reversal_entry_id'], ['id'])
        batch_op.drop_constraint('uq_remittances_reference', type_='unique')
    _move_reversals_out_of_the_split()
    op.create_index('uq_remittances_reference', 'remittances', ['cooperative_id', 'reference'],
                    unique=True, sqlite_where=REFERENCE_STANDS, postgresql_where=REFERENCE_STANDS)


def _move_reversals_out_of_the_split():
    """Reversals were a last {"part": "reversed", "entry_id", "date", "reference"} in the
    split, with the reference rewritten: give each its column and its reference back."""
    bind = op.get_bind()
    remittances = sa.table('remittances', sa.column('id', sa.Integer), sa.column('reference', sa.String),
                           sa.column('split', sa.JSON), sa.column('reversal_entry_id', sa.Integer))
    for row in bind.execute(sa.select(remittances.c.id, remittances.c.split)).all():
        parts = json.loads(row.split) if isinstance(row.split, str) else (row.split or [])
        reversal = next((part for part in parts if part.get("part") == "reversed"), None)
        if reversal is None:
            continue
        bind.execute(remittances.update().where(remittances.c.id == row.id).values(
            reversal_entry_id=reversal["entry_id"], reference=reversal["reference"],
            split=[part for part in parts if part.get("part") != "reversed"]))


def _put_reversals_back_into_the_split():
    """The old way: the reversal as the split's last part, the reference rewritten."""
    bind = op.get_bind()
    remittances = sa.table('remittances', sa.column('id', sa.Integer), sa.column('reference', sa.String),
                           sa.column('split', sa.JSON), sa.column('reversal_entry_id', sa.Integer))
    entries = sa.table('journal_entries', sa.column('id', sa.Integer), sa.column('entry_date', sa.Date))
    reversed_ = bind.execute(
        sa.select(remittances.c.id, remittances.c.reference, remittances.c.split,
                  remittances.c.reversal_entry_id, entries.c.entry_date)
        .join(entries, entries.c.id == remittances.c.reversal_entry_id)).all()
    for row in reversed_:
        parts = json.loads(row.split) if isinstance(row.split, str) else (row.split or [])
        suffix = f" (dibalik #{row.reversal_entry_id})"
        bind.execute(remittances.update().where(remittances.c.id == row.id).values(
            reference=row.reference[:60 - len(suffix)].rstrip() + suffix,
            split=[*parts, {"part": "reversed", "entry_id": row.reversal_entry_id,
                            "date": row.entry_date.isoformat(), "reference": row.reference}]))


def downgrade():
    op.drop_index('uq_remittances_reference', table_name='remittances')
    _put_reversals_back_into_the_split()
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_remittances_reference', ['cooperative_id', 'reference'])
        batch_op.drop_constraint(batch_op.f('fk_remittances_reversal_entry_id_journal_entries'),
                                 type_='foreignkey')
        batch_op.drop_column('reversal_entry_id')

    again = op.get_bind().execute(sa.text(
        "SELECT c.member_number FROM members c JOIN members m ON m.cooperative_id = c.cooperative_id "
        "AND m.nik = c.nik AND m.id <> c.id WHERE c.status = 'cancelled'")).scalars().all()
    if again:
        raise RuntimeError("cannot downgrade: the NIK of these cancelled registrations was "
                           f"registered again, which the old schema forbids: {again[:20]}")
    op.drop_index('ix_members_coop_nik', table_name='members')
    op.drop_index('uq_members_nik', table_name='members')
    op.execute("UPDATE members SET status = 'resigned' WHERE status = 'cancelled'")
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_members_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_members_status'), STATUSES_BEFORE)
        batch_op.create_unique_constraint('uq_members_nik', ['cooperative_id', 'nik'])
