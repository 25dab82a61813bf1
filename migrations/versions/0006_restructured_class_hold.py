"""a restructured loan's class is held until its new instalments are paid on time

`loans.restructured_class`: the class a loan had when restructured. Month-ends class it at
least that badly until the latest three instalments of its new schedule were each paid by
its due date, then clear it. Loans restructured before this revision are not held (the
class they had then was not recorded).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restructured_class', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_column('restructured_class')
