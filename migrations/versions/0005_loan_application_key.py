"""loan applications carry their form's submission key

Approval, rejection, cancellation and the money actions are already safe to submit twice
(state checks and the journal's idempotency key); an application was caught only by the
keys a browser session remembers. The key on the loan, unique per cooperative, catches a
second tab or a concurrent submit too.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('application_key', sa.String(length=64), nullable=True))
    op.create_index('uq_loans_application_key', 'loans', ['cooperative_id', 'application_key'],
                    unique=True)


def downgrade():
    op.drop_index('uq_loans_application_key', table_name='loans')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_column('application_key')
