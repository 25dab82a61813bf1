"""month-end jobs: the month-end started from the page runs in the background

`month_end_jobs`: one row per month-end started from the page (cooperative, month, who,
when, status running/done/failed, steps done of total, the current step, a message, each
step's summary, and a heartbeat so that a job whose process died shows as interrupted).
A partial unique index lets one job run per cooperative at a time.

Revision ID: 0009
Revises: 0008
Create Date: 2027-03-02 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'month_end_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('started_by', sa.Integer(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('steps_done', sa.Integer(), nullable=False),
        sa.Column('steps_total', sa.Integer(), nullable=False),
        sa.Column('current_step', sa.String(length=40), nullable=True),
        sa.Column('message', sa.String(length=500), nullable=True),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.CheckConstraint("status in ('running', 'done', 'failed')", name=op.f('ck_month_end_jobs_status')),
        sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'],
                                name=op.f('fk_month_end_jobs_cooperative_id_cooperatives')),
        sa.ForeignKeyConstraint(['started_by'], ['users.id'], name=op.f('fk_month_end_jobs_started_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_month_end_jobs')),
    )
    with op.batch_alter_table('month_end_jobs', schema=None) as batch_op:
        batch_op.create_index('uq_month_end_jobs_running', ['cooperative_id'], unique=True,
                              postgresql_where=sa.text("status = 'running'"),
                              sqlite_where=sa.text("status = 'running'"))
        batch_op.create_index('ix_month_end_jobs_coop_started', ['cooperative_id', 'started_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('month_end_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_month_end_jobs_coop_started')
        batch_op.drop_index('uq_month_end_jobs_running')
    op.drop_table('month_end_jobs')
