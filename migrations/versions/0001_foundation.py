"""foundation: cooperatives, users, roles, ledger, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 17:39:22.306948

"""
from alembic import op
import sqlalchemy as sa

# The database itself guards the ledger rules a bug elsewhere could break:
# posted entries and lines are never updated or deleted, nothing is dated in a closed
# period, a line belongs to its entry's cooperative and account's cooperative, and (on
# PostgreSQL, checked at commit) every entry balances with at least two lines.
SQLITE_GUARDS = [
    """CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
       BEGIN SELECT RAISE(ABORT, 'journal_entries are immutable: post a reversal instead'); END""",
    """CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
       BEGIN SELECT RAISE(ABORT, 'journal_entries are immutable: post a reversal instead'); END""",
    """CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
       BEGIN SELECT RAISE(ABORT, 'journal_lines are immutable: post a reversal instead'); END""",
    """CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
       BEGIN SELECT RAISE(ABORT, 'journal_lines are immutable: post a reversal instead'); END""",
    """CREATE TRIGGER journal_entries_open_period BEFORE INSERT ON journal_entries
       WHEN NEW.entry_date <= (SELECT MAX(period_end) FROM ledger_periods
                               WHERE cooperative_id = NEW.cooperative_id)
       BEGIN SELECT RAISE(ABORT, 'journal entry dated in a closed period'); END""",
    """CREATE TRIGGER journal_lines_same_cooperative BEFORE INSERT ON journal_lines
       WHEN NEW.cooperative_id IS NOT (SELECT cooperative_id FROM journal_entries WHERE id = NEW.entry_id)
         OR NEW.cooperative_id IS NOT (SELECT cooperative_id FROM gl_accounts WHERE id = NEW.account_id)
       BEGIN SELECT RAISE(ABORT, 'journal line of another cooperative'); END""",
]
SQLITE_GUARD_NAMES = ["journal_entries_no_update", "journal_entries_no_delete",
                      "journal_lines_no_update", "journal_lines_no_delete",
                      "journal_entries_open_period", "journal_lines_same_cooperative"]

POSTGRES_GUARDS = [
    """CREATE FUNCTION coop_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION '% are immutable: post a reversal instead', TG_TABLE_NAME
           USING ERRCODE = 'restrict_violation';
       END $$""",
    """CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
       FOR EACH ROW EXECUTE FUNCTION coop_refuse_change()""",
    """CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines
       FOR EACH ROW EXECUTE FUNCTION coop_refuse_change()""",
    """CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
       FOR EACH STATEMENT EXECUTE FUNCTION coop_refuse_change()""",
    """CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
       FOR EACH STATEMENT EXECUTE FUNCTION coop_refuse_change()""",
    """CREATE FUNCTION coop_check_open_period() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.entry_date <= (SELECT max(period_end) FROM ledger_periods
                               WHERE cooperative_id = NEW.cooperative_id) THEN
           RAISE EXCEPTION 'journal entry dated in a closed period' USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER journal_entries_open_period BEFORE INSERT ON journal_entries
       FOR EACH ROW EXECUTE FUNCTION coop_check_open_period()""",
    """CREATE FUNCTION coop_check_line_cooperative() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.cooperative_id IS DISTINCT FROM (SELECT cooperative_id FROM journal_entries WHERE id = NEW.entry_id)
            OR NEW.cooperative_id IS DISTINCT FROM (SELECT cooperative_id FROM gl_accounts WHERE id = NEW.account_id) THEN
           RAISE EXCEPTION 'journal line of another cooperative' USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER journal_lines_same_cooperative BEFORE INSERT ON journal_lines
       FOR EACH ROW EXECUTE FUNCTION coop_check_line_cooperative()""",
    """CREATE FUNCTION coop_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
       END $$""",
    """CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coop_check_entry_balanced()""",
    """CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coop_check_entry_balanced()""",
]
POSTGRES_DROPS = [
    "DROP TRIGGER IF EXISTS journal_lines_balanced ON journal_lines",
    "DROP TRIGGER IF EXISTS journal_entries_balanced ON journal_entries",
    "DROP TRIGGER IF EXISTS journal_lines_same_cooperative ON journal_lines",
    "DROP TRIGGER IF EXISTS journal_entries_open_period ON journal_entries",
    "DROP TRIGGER IF EXISTS journal_lines_no_truncate ON journal_lines",
    "DROP TRIGGER IF EXISTS journal_entries_no_truncate ON journal_entries",
    "DROP TRIGGER IF EXISTS journal_lines_immutable ON journal_lines",
    "DROP TRIGGER IF EXISTS journal_entries_immutable ON journal_entries",
    "DROP FUNCTION IF EXISTS coop_check_entry_balanced()",
    "DROP FUNCTION IF EXISTS coop_check_line_cooperative()",
    "DROP FUNCTION IF EXISTS coop_check_open_period()",
    "DROP FUNCTION IF EXISTS coop_refuse_change()",
]


def create_ledger_guards():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_GUARDS if dialect == "sqlite" else POSTGRES_GUARDS:
        op.execute(statement)


def drop_ledger_guards():
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_GUARD_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for statement in POSTGRES_DROPS:
            op.execute(statement)


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('cooperatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('village', sa.String(length=100), nullable=False),
    sa.Column('kecamatan', sa.String(length=100), nullable=False),
    sa.Column('kabupaten', sa.String(length=100), nullable=False),
    sa.Column('province', sa.String(length=100), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=False),
    sa.Column('fiscal_year_start_month', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("type in ('ksp', 'kspps')", name=op.f('ck_cooperatives_type')),
    sa.CheckConstraint('fiscal_year_start_month between 1 and 12', name=op.f('ck_cooperatives_fiscal_month')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperatives')),
    sa.UniqueConstraint('code', name=op.f('uq_cooperatives_code'))
    )
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperatives_kabupaten'), ['kabupaten'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperatives_province'), ['province'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_audit_log_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_coop_at', ['cooperative_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_row', ['table_name', 'row_id'], unique=False)

    op.create_table('gl_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('system_key', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("type in ('asset', 'liability', 'equity', 'income', 'expense')", name=op.f('ck_gl_accounts_type')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_gl_accounts_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['parent_id'], ['gl_accounts.id'], name=op.f('fk_gl_accounts_parent_id_gl_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gl_accounts')),
    sa.UniqueConstraint('cooperative_id', 'code', name='uq_gl_accounts_code'),
    sa.UniqueConstraint('cooperative_id', 'system_key', name='uq_gl_accounts_system_key')
    )
    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('memo', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_journal_entries_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_journal_entries_created_by_users')),
    sa.ForeignKeyConstraint(['reverses_id'], ['journal_entries.id'], name=op.f('fk_journal_entries_reverses_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries')),
    sa.UniqueConstraint('cooperative_id', 'idempotency_key', name='uq_journal_entries_idempotency'),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_journal_entries_reverses_id'))
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_coop_date', ['cooperative_id', 'entry_date', 'id'], unique=False)
        batch_op.create_index('ix_journal_entries_coop_kind', ['cooperative_id', 'kind'], unique=False)

    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('scope_province', sa.String(length=100), nullable=True),
    sa.Column('scope_kabupaten', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(role in ('treasurer', 'manager', 'member') and cooperative_id is not null) or (role in ('auditor', 'admin') and cooperative_id is null)", name=op.f('ck_role_grants_scope')),
    sa.CheckConstraint("role in ('treasurer', 'manager', 'member', 'auditor', 'admin')", name=op.f('ck_role_grants_role')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_role_grants_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    sa.UniqueConstraint('user_id', 'role', 'cooperative_id', 'scope_province', 'scope_kabupaten', name='uq_role_grants_unique')
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grants_user_id'), ['user_id'], unique=False)

    op.create_table('journal_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('savings_account_id', sa.Integer(), nullable=True),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_journal_lines_nonzero')),
    sa.ForeignKeyConstraint(['account_id'], ['gl_accounts.id'], name=op.f('fk_journal_lines_account_id_gl_accounts')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_journal_lines_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_lines_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_lines'))
    )
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_index('ix_journal_lines_account', ['account_id', 'entry_id'], unique=False)
        batch_op.create_index('ix_journal_lines_entry', ['entry_id'], unique=False)
        batch_op.create_index('ix_journal_lines_loan', ['loan_id'], unique=False)
        batch_op.create_index('ix_journal_lines_member', ['member_id'], unique=False)
        batch_op.create_index('ix_journal_lines_savings', ['savings_account_id'], unique=False)

    op.create_table('ledger_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closing_entry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_ledger_periods_closed_by_users')),
    sa.ForeignKeyConstraint(['closing_entry_id'], ['journal_entries.id'], name=op.f('fk_ledger_periods_closing_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_ledger_periods_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_periods')),
    sa.UniqueConstraint('cooperative_id', 'period_end', name='uq_ledger_periods_end')
    )
    # ### end Alembic commands ###
    create_ledger_guards()


def downgrade():
    drop_ledger_guards()
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('ledger_periods')
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_lines_savings')
        batch_op.drop_index('ix_journal_lines_member')
        batch_op.drop_index('ix_journal_lines_loan')
        batch_op.drop_index('ix_journal_lines_entry')
        batch_op.drop_index('ix_journal_lines_account')

    op.drop_table('journal_lines')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grants_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_grants_cooperative_id'))

    op.drop_table('role_grants')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entries_coop_kind')
        batch_op.drop_index('ix_journal_entries_coop_date')

    op.drop_table('journal_entries')
    op.drop_table('gl_accounts')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_row')
        batch_op.drop_index('ix_audit_log_coop_at')

    op.drop_table('audit_log')
    op.drop_table('users')
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperatives_province'))
        batch_op.drop_index(batch_op.f('ix_cooperatives_kabupaten'))

    op.drop_table('cooperatives')
    # ### end Alembic commands ###
