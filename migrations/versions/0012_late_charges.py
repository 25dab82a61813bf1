"""late charges counted by the day, at month-ends and at payment

`loan_installments.late_charged_through`: the day up to which an instalment's late days
have been charged. A month-end and a payment each charge from the day after it, and move it,
so no day is charged twice. `loan_payments.late_charge` and `late_charged`: what a payment
charged for the days late up to its date and from which days (what its reversal undoes).

Existing instalments still open after a cooperative's latest loan month-end (or settled
after it) were charged by that month-end up to its last day: they start from there.

Revision ID: 0012
Revises: 0011
Create Date: 2027-03-09 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

LATEST_RUN = ("(SELECT MAX(r.period_end) FROM loan_month_end_runs r"
              " WHERE r.cooperative_id = loan_installments.cooperative_id)")


def upgrade():
    op.add_column('loan_installments', sa.Column('late_charged_through', sa.Date(), nullable=True))
    op.add_column('loan_payments', sa.Column('late_charge', sa.BigInteger(), nullable=False,
                                             server_default='0'))
    op.add_column('loan_payments', sa.Column('late_charged', sa.JSON(), nullable=True))
    op.get_bind().execute(sa.text(
        f"UPDATE loan_installments SET late_charged_through = {LATEST_RUN}"
        f" WHERE superseded = :no AND due_date < {LATEST_RUN}"
        f" AND (paid_on IS NULL OR paid_on > {LATEST_RUN})"), {"no": False})


def downgrade():
    op.drop_column('loan_payments', 'late_charged')
    op.drop_column('loan_payments', 'late_charge')
    op.drop_column('loan_installments', 'late_charged_through')
