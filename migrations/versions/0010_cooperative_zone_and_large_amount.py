"""a cooperative's time zone and its large-amount threshold

`cooperatives.time_zone` (WIB, WITA or WIT) makes "today" the cooperative's local date;
existing rows take it from their province name. `cooperatives.large_amount_sen` is the
amount (in sen, default Rp50.000.000) above which a money form asks to confirm.

Revision ID: 0010
Revises: 0009
Create Date: 2027-03-09 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

WITA_WORDS = ("bali", "nusa tenggara", "ntb", "ntt", "kalimantan selatan", "kalimantan timur",
              "kalimantan utara", "kalsel", "kaltim", "kaltara", "sulawesi", "gorontalo",
              "sulut", "sulteng", "sulsel", "sultra", "sulbar")
WIT_WORDS = ("maluku", "papua")


def _zone(name):
    text = (name or "").strip().lower()
    if any(word in text for word in WIT_WORDS):
        return "WIT"
    if any(word in text for word in WITA_WORDS):
        return "WITA"
    return "WIB"


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # SQLite adds a column with its CHECK in place; a batch copy would rebuild the
        # table every other table points to.
        op.execute("ALTER TABLE cooperatives ADD COLUMN time_zone VARCHAR(4) NOT NULL DEFAULT 'WIB'"
                   " CONSTRAINT ck_cooperatives_time_zone CHECK (time_zone in ('WIB', 'WITA', 'WIT'))")
        op.execute("ALTER TABLE cooperatives ADD COLUMN large_amount_sen BIGINT NOT NULL"
                   " DEFAULT 5000000000 CONSTRAINT ck_cooperatives_large_amount CHECK (large_amount_sen > 0)")
    else:
        op.add_column('cooperatives', sa.Column('time_zone', sa.String(length=4), nullable=False,
                                                server_default='WIB'))
        op.add_column('cooperatives', sa.Column('large_amount_sen', sa.BigInteger(), nullable=False,
                                                server_default='5000000000'))
        op.create_check_constraint('ck_cooperatives_time_zone', 'cooperatives',
                                   "time_zone in ('WIB', 'WITA', 'WIT')")
        op.create_check_constraint('ck_cooperatives_large_amount', 'cooperatives', "large_amount_sen > 0")
    rows = conn.execute(sa.text("SELECT id, province FROM cooperatives")).all()
    for coop_id, province in rows:
        zone = _zone(province)
        if zone != "WIB":
            conn.execute(sa.text("UPDATE cooperatives SET time_zone = :zone WHERE id = :id"),
                         {"zone": zone, "id": coop_id})


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint('ck_cooperatives_large_amount', 'cooperatives', type_='check')
        op.drop_constraint('ck_cooperatives_time_zone', 'cooperatives', type_='check')
    op.drop_column('cooperatives', 'large_amount_sen')
    op.drop_column('cooperatives', 'time_zone')
