"""regions from the official list: a cooperative's Kemendagri codes; auditors scoped by code

`cooperatives.province_code`, `kabupaten_code`, `kecamatan_code`, `village_code`: the desa
of the official list (coop_app/cooperatives/regions.py, vendored from idn-area-data) and the
regions above it. Existing cooperatives are mapped from their names as written ("Jateng",
"Kab. Indramayu", "Kec. Juntinyuat", "Desa Juntikebon"): a level that is found gets its
code and official name, one that is not keeps its name and no code (with every level below
it); the admin's cooperatives page lists them to be fixed. The time zone follows the
province's code where it is found.

`role_grants.scope_province` and `scope_kabupaten` hold codes from now on ("33", "32.12");
a scope whose name cannot be mapped keeps its text, which names no cooperative (the grant
shows nothing until the admin fixes it; it never widens to everything). Two grants of one
user that map to the same scope become one.

The downgrade drops the cooperatives' codes (their names stay) and writes the grants'
scopes back as names.

Revision ID: 0011
Revises: 0010
Create Date: 2027-03-09 10:00:00
"""
import sqlalchemy as sa
from alembic import op

from coop_app.cooperatives import regions
from coop_app.cooperatives.clock import zone_for_province_code

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CODE_COLUMNS = (("province_code", 2), ("kabupaten_code", 5), ("kecamatan_code", 8), ("village_code", 13))
INDEXED = ("province_code", "kabupaten_code")


def _map_cooperatives(conn):
    rows = conn.execute(sa.text(
        "SELECT id, province, kabupaten, kecamatan, village FROM cooperatives")).all()
    for coop_id, province, kabupaten, kecamatan, village in rows:
        place = regions.match(province, kabupaten, kecamatan, village)
        if place.province_code is None:
            continue
        values = dict(place.columns(), id=coop_id)
        values["time_zone"] = zone_for_province_code(place.province_code)
        conn.execute(sa.text(
            "UPDATE cooperatives SET province_code = :province_code, kabupaten_code = :kabupaten_code,"
            " kecamatan_code = :kecamatan_code, village_code = :village_code, province = :province,"
            " kabupaten = :kabupaten, kecamatan = :kecamatan, village = :village,"
            " time_zone = :time_zone WHERE id = :id"), values)


def _map_grants(conn):
    rows = conn.execute(sa.text(
        "SELECT id, user_id, role, scope_province, scope_kabupaten FROM role_grants"
        " WHERE scope_province IS NOT NULL OR scope_kabupaten IS NOT NULL ORDER BY id")).all()
    kept = set()
    for grant_id, user_id, role, province, kabupaten in rows:
        province_code = regions.match_province(province) if province else None
        kabupaten_code = regions.match_kabupaten(kabupaten, province_code) if kabupaten and province_code else None
        new_province = province_code or province
        new_kabupaten = kabupaten_code or kabupaten
        if (user_id, role, new_province, new_kabupaten) in kept:
            conn.execute(sa.text("DELETE FROM role_grants WHERE id = :id"), {"id": grant_id})
            continue
        kept.add((user_id, role, new_province, new_kabupaten))
        conn.execute(sa.text("UPDATE role_grants SET scope_province = :province, scope_kabupaten = :kabupaten"
                             " WHERE id = :id"),
                     {"province": new_province, "kabupaten": new_kabupaten, "id": grant_id})


def upgrade():
    conn = op.get_bind()
    for name, length in CODE_COLUMNS:
        # A plain ADD COLUMN on SQLite too: a batch copy would rebuild the table every other
        # table points to.
        op.add_column('cooperatives', sa.Column(name, sa.String(length=length), nullable=True))
    for name in INDEXED:
        op.create_index(op.f(f'ix_cooperatives_{name}'), 'cooperatives', [name], unique=False)
    _map_cooperatives(conn)
    _map_grants(conn)


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, scope_province, scope_kabupaten FROM role_grants"
        " WHERE scope_province IS NOT NULL OR scope_kabupaten IS NOT NULL")).all()
    for grant_id, province, kabupaten in rows:
        conn.execute(sa.text("UPDATE role_grants SET scope_province = :province, scope_kabupaten = :kabupaten"
                             " WHERE id = :id"),
                     {"province": regions.name_of(province) or province if province else None,
                      "kabupaten": regions.name_of(kabupaten) or kabupaten if kabupaten else None,
                      "id": grant_id})
    for name in INDEXED:
        op.drop_index(op.f(f'ix_cooperatives_{name}'), table_name='cooperatives')
    for name, _length in reversed(CODE_COLUMNS):
        op.drop_column('cooperatives', name)
