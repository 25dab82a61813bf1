"""The top bar's search at programme scale (20,000 members in a cooperative, statistics
gathered): what a text names exactly is found through an index, never a scan of the
members; a part of a name or a member number is read from its index alone (SQLite's plan
says so; PostgreSQL chooses for itself); and the results page answers quickly."""
import re
import time

from flask import g

from coop_app.extensions import db
from coop_app.main.search import Scope, _EXACT, kind_query
from tests.members.test_search_scale import crowd, plan, scans_members  # noqa: F401
from tests.support.web import client_for


def test_exact_hits_are_index_lookups(crowd):
    scope = Scope(crowd.ksp_id)
    for text in ("2024.00042", "siti 00010", "3201010101800001", "PUF-000001", "BNI-1", "#42"):
        for kind, exact in _EXACT.items():
            found = plan(exact(scope, text).limit(2))
            assert not scans_members(found), (text, kind, found)


def test_a_part_of_a_name_is_read_from_its_index(crowd):
    found = plan(kind_query(Scope(crowd.ksp_id), "members", "iti 000").limit(6))
    if db.engine.dialect.name == "sqlite":
        assert "COVERING INDEX ix_members_coop_name" in found, found
        # uq_members_number, which SQLite names after its table (sqlite_autoindex_members_N)
        assert re.search(r"COVERING INDEX (uq_members_number|sqlite_autoindex_members_\d)", found), found


def test_the_results_page_is_quick(app, crowd):
    g.pop("coop", None)
    client = client_for(app, "treasurer")
    for text in ("iti 0", "00042", "0812 3456", "zzz"):
        started = time.perf_counter()
        response = client.get("/c/KSP-A/search", query_string={"q": text})
        took = time.perf_counter() - started
        assert response.status_code in (200, 302), text
        assert took < 2.0, (text, took)
