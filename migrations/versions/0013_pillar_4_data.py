"""the data of the programme's pillar-4 indicators

Households (the family card, KK) and their economic surveys, members linked to their KK;
enterprise reports (turnover, costs, net income, people working, sales channels, permits)
and an enterprise's closing date; trainings, their participants and assistance to
enterprises; village profiles per year and the cooperative's programme cohort; consumer
price indexes per province and year; a loan's purpose kind (existing loans tied to an
enterprise become working capital, the others "other"); the indicators' month-end
snapshots; and the pendamping (village facilitator) role.

Revision ID: 0013
Revises: 0012
Create Date: 2027-03-16 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consumer_price_indexes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.CheckConstraint('value > 0', name=op.f('ck_consumer_price_indexes_value')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_price_indexes')),
    sa.UniqueConstraint('province_code', 'year', name='uq_cpi_province_year')
    )
    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=False),
    sa.Column('head_name', sa.String(length=200), nullable=False),
    sa.Column('head_gender', sa.String(length=1), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("head_gender in ('M', 'F')", name=op.f('ck_households_head_gender')),
    sa.CheckConstraint('size between 1 and 30', name=op.f('ck_households_size')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_households_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('cooperative_id', 'kk_number', name='uq_households_kk')
    )
    op.create_table('indicator_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('cut', sa.String(length=40), nullable=False),
    sa.Column('numerator', sa.BigInteger(), nullable=False),
    sa.Column('denominator', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("period_kind in ('month', 'quarter', 'year')", name=op.f('ck_indicator_snapshots_period_kind')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_indicator_snapshots_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_snapshots')),
    sa.UniqueConstraint('cooperative_id', 'period_kind', 'period_end', 'indicator', 'cut', name='uq_indicator_snapshots')
    )
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        # The roll-up's reads (indicators/report.py): every cooperative's figures of one cut
        # for a run of period ends, summed from the index alone.
        batch_op.create_index('ix_indicator_snapshots_cut', ['period_kind', 'cut', 'period_end', 'indicator', 'cooperative_id', 'numerator', 'denominator'], unique=False)

    op.create_table('trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('training_type', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("training_type in ('entrepreneurship', 'skills', 'financial_literacy', 'packaging', 'digital_marketing', 'other')", name=op.f('ck_trainings_training_type')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_trainings_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_trainings_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index('ix_trainings_coop', ['cooperative_id', 'held_on'], unique=False)

    op.create_table('village_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('population_m', sa.Integer(), nullable=False),
    sa.Column('population_f', sa.Integer(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('migrant_households', sa.Integer(), nullable=False),
    sa.Column('working_abroad', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('migrant_households <= households', name=op.f('ck_village_profiles_migrant_households')),
    sa.CheckConstraint('population_m >= 0 and population_f >= 0 and households >= 0 and migrant_households >= 0 and working_abroad >= 0', name=op.f('ck_village_profiles_non_negative')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_village_profiles_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_profiles')),
    sa.UniqueConstraint('cooperative_id', 'year', name='uq_village_profiles_year')
    )
    op.create_table('household_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('surveyed_on', sa.Date(), nullable=False),
    sa.Column('enumerator', sa.String(length=200), nullable=False),
    sa.Column('income_remittance', sa.BigInteger(), nullable=False),
    sa.Column('income_enterprise', sa.BigInteger(), nullable=False),
    sa.Column('income_wages', sa.BigInteger(), nullable=False),
    sa.Column('income_farming', sa.BigInteger(), nullable=False),
    sa.Column('income_other', sa.BigInteger(), nullable=False),
    sa.Column('spending', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind in ('baseline', 'follow_up')", name=op.f('ck_household_surveys_kind')),
    sa.CheckConstraint('income_remittance >= 0 and income_enterprise >= 0 and income_wages >= 0 and income_farming >= 0 and income_other >= 0 and spending >= 0', name=op.f('ck_household_surveys_non_negative')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_household_surveys_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_household_surveys_created_by_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_surveys_household_id_households')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_household_surveys_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_surveys'))
    )
    with op.batch_alter_table('household_surveys', schema=None) as batch_op:
        batch_op.create_index('ix_household_surveys_coop', ['cooperative_id', 'surveyed_on'], unique=False)
        batch_op.create_index('ix_household_surveys_household', ['household_id', 'surveyed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_surveys_member_id'), ['member_id'], unique=False)

    op.create_table('training_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('certified', sa.Boolean(), nullable=False),
    sa.Column('certificate_number', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_training_participants_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_training_participants_member_id_members')),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_training_participants_training_id_trainings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_participants')),
    sa.UniqueConstraint('training_id', 'member_id', name='uq_training_participants')
    )
    with op.batch_alter_table('training_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_participants_member_id'), ['member_id'], unique=False)

    op.create_table('assistances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind in ('in_kind', 'cash')", name=op.f('ck_assistances_kind')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_assistances_value')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_assistances_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_assistances_created_by_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_assistances_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistances'))
    )
    with op.batch_alter_table('assistances', schema=None) as batch_op:
        batch_op.create_index('ix_assistances_coop', ['cooperative_id', 'given_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistances_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('enterprise_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('turnover', sa.BigInteger(), nullable=False),
    sa.Column('costs', sa.BigInteger(), nullable=False),
    sa.Column('net_income', sa.BigInteger(), nullable=False),
    sa.Column('owner_m', sa.Integer(), nullable=False),
    sa.Column('owner_f', sa.Integer(), nullable=False),
    sa.Column('family_m', sa.Integer(), nullable=False),
    sa.Column('family_f', sa.Integer(), nullable=False),
    sa.Column('hired_m', sa.Integer(), nullable=False),
    sa.Column('hired_f', sa.Integer(), nullable=False),
    sa.Column('sells_local', sa.Boolean(), nullable=False),
    sa.Column('sells_online', sa.Boolean(), nullable=False),
    sa.Column('sells_export', sa.Boolean(), nullable=False),
    sa.Column('has_nib', sa.Boolean(), nullable=False),
    sa.Column('has_pirt', sa.Boolean(), nullable=False),
    sa.Column('has_halal', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("period_kind in ('month', 'quarter')", name=op.f('ck_enterprise_reports_period_kind')),
    sa.CheckConstraint('owner_m >= 0 and owner_f >= 0 and family_m >= 0 and family_f >= 0 and hired_m >= 0 and hired_f >= 0', name=op.f('ck_enterprise_reports_workers')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_enterprise_reports_period_order')),
    sa.CheckConstraint('turnover >= 0 and costs >= 0', name=op.f('ck_enterprise_reports_amounts')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_enterprise_reports_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_enterprise_reports_created_by_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_enterprise_reports_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_reports')),
    sa.UniqueConstraint('enterprise_id', 'period_kind', 'period_start', name='uq_enterprise_reports_period')
    )
    with op.batch_alter_table('enterprise_reports', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_reports_coop', ['cooperative_id', 'period_end'], unique=False)

    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_cohort', sa.Integer(), nullable=True))

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))

    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose_kind', sa.String(length=20), server_default='other', nullable=False))

    # A plain ADD COLUMN with its reference (SQLite takes one without rebuilding the table).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE members ADD COLUMN household_id INTEGER"
                   " CONSTRAINT fk_members_household_id_households REFERENCES households (id)")
    else:
        op.add_column('members', sa.Column('household_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_members_household_id_households', 'members', 'households',
                              ['household_id'], ['id'])
    op.create_index('ix_members_household_id', 'members', ['household_id'], unique=False)
    op.get_bind().execute(sa.text(
        "UPDATE loans SET purpose_kind = 'working_capital' WHERE enterprise_id IS NOT NULL"))

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_role_grants_scope'), type_='check')
        batch_op.create_check_constraint(
            'role', "role in ('treasurer', 'manager', 'member', 'auditor', 'admin', 'pendamping')")
        batch_op.create_check_constraint(
            'scope',
            "(role in ('treasurer', 'manager', 'member', 'pendamping') and cooperative_id is not null)"
            " or (role in ('auditor', 'admin') and cooperative_id is null)")


def downgrade():
    op.get_bind().execute(sa.text("DELETE FROM role_grants WHERE role = 'pendamping'"))
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_role_grants_scope'), type_='check')
        batch_op.create_check_constraint(
            'role', "role in ('treasurer', 'manager', 'member', 'auditor', 'admin')")
        batch_op.create_check_constraint(
            'scope',
            "(role in ('treasurer', 'manager', 'member') and cooperative_id is not null)"
            " or (role in ('auditor', 'admin') and cooperative_id is null)")
    op.drop_index('ix_members_household_id', table_name='members')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_members_household_id_households', 'members', type_='foreignkey')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('household_id')

    # A plain DROP COLUMN (SQLite has one): rebuilding these tables would turn the checks
    # earlier migrations declared on their columns into table checks, which those
    # migrations' own downgrades could then no longer drop with their column.
    op.drop_column('loans', 'purpose_kind')
    op.drop_column('enterprises', 'closed_on')
    op.drop_column('cooperatives', 'programme_cohort')

    with op.batch_alter_table('enterprise_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_reports_coop')

    op.drop_table('enterprise_reports')
    with op.batch_alter_table('assistances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistances_enterprise_id'))
        batch_op.drop_index('ix_assistances_coop')

    op.drop_table('assistances')
    with op.batch_alter_table('training_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_participants_member_id'))

    op.drop_table('training_participants')
    with op.batch_alter_table('household_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_surveys_member_id'))
        batch_op.drop_index('ix_household_surveys_household')
        batch_op.drop_index('ix_household_surveys_coop')

    op.drop_table('household_surveys')
    op.drop_table('village_profiles')
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_index('ix_trainings_coop')

    op.drop_table('trainings')
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_snapshots_cut')

    op.drop_table('indicator_snapshots')
    op.drop_table('households')
    op.drop_table('consumer_price_indexes')
