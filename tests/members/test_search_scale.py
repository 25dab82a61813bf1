"""The register must stay fast at programme scale: with 20,000 members in a cooperative
(and the planner's statistics gathered), every search is an index search and the first
page of the unfiltered register is read in index order, never sorted from a full scan."""
from datetime import date

import pytest
from sqlalchemy import text

from coop_app.extensions import db
from coop_app.members import service as members
from coop_app.members.models import Member
from tests.members.helpers import make_nik

MEMBERS = 20000
NAMES = ("siti", "budi", "wati", "rohman", "dedi", "nur", "agus", "sri", "joko", "ani")


@pytest.fixture
def crowd(ctx, world):
    rows = []
    for i in range(MEMBERS):
        name = f"{NAMES[i % len(NAMES)]} {i:05d}"
        rows.append(dict(cooperative_id=world.ksp_id, member_number=f"2024.{i + 1:05d}",
                         nik=make_nik(date(1980 + i % 20, 1 + i % 12, 1 + i % 28), "M",
                                      serial=1 + i // 240),
                         name=name.title(), name_search=name, gender="M",
                         birth_date=date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
                         address="Desa", join_date=date(2024, 1, 1), status="active",
                         category="other", created_at=date(2024, 1, 1)))
    db.session.execute(Member.__table__.insert(), rows)  # plain rows: no audit trail needed
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return world


def plan(query):
    sql = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        return " | ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    return " | ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))


def scans_members(found):
    return "SCAN members" in found or "Seq Scan on members" in found


@pytest.mark.parametrize("search,index", [
    ("siti 01", "ix_members_coop_name"),
    ("3201010101800001", "nik"),
    ("32010101", "nik"),
    ("2024.00042", "member_number"),
])
def test_every_search_uses_an_index(crowd, search, index):
    query = members.search_query(crowd.ksp_id, search, status="active").limit(50)
    found = plan(query)
    assert not scans_members(found), found
    if db.engine.dialect.name == "sqlite":
        wanted = {"ix_members_coop_name": "ix_members_coop_name",
                  "nik": "nik>? AND nik<?", "member_number": "member_number=?"}[index]
    else:  # a NIK is found through either index on it (the unique one holds standing members)
        wanted = {"ix_members_coop_name": ("ix_members_coop_name",),
                  "nik": ("ix_members_coop_nik", "uq_members_nik"),
                  "member_number": ("uq_members_number",)}[index]
        wanted = next((name for name in wanted if name in found), wanted[0])
    assert wanted in found, found
    assert db.session.execute(query).scalars().first() is not None


def test_the_first_page_of_the_register_is_read_in_index_order(crowd):
    found = plan(members.search_query(crowd.ksp_id).limit(50))
    assert not scans_members(found), found
    assert "TEMP B-TREE" not in found and "Sort" not in found.split("|")[0], found
    names = [m.member_number for m in db.session.execute(
        members.search_query(crowd.ksp_id).limit(3)).scalars()]
    assert names == ["2024.00001", "2024.00002", "2024.00003"]
