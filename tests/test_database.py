"""coop_app/database.py: long lists of ids, and how PostgreSQL plans what psycopg prepares."""
import pytest
from sqlalchemy import select

from coop_app.cooperatives.models import Cooperative
from coop_app.database import in_ids
from coop_app.extensions import db
from tests.conftest import PG_URL


def test_in_ids_selects_the_rows_of_the_ids_given(ctx, world):
    wanted = [world.ksp_id, world.bmt_id, 10**9]  # one id of no cooperative
    found = db.session.execute(select(Cooperative.code).where(in_ids(Cooperative.id, wanted))
                               .order_by(Cooperative.code)).scalars().all()
    assert found == ["BMT-C", "KSP-A"]
    assert db.session.execute(select(Cooperative.id).where(in_ids(Cooperative.id, []))).all() == []
    # One parameter on PostgreSQL, however many ids; a list elsewhere.
    sql = str(select(Cooperative.id).where(in_ids(Cooperative.id, range(500)))
              .compile(db.session.get_bind()))
    assert ("ANY" in sql) == bool(PG_URL)


@pytest.mark.skipif(not PG_URL, reason="SQLite prepares nothing across statements")
def test_postgresql_plans_each_statement_with_its_values(ctx):
    # psycopg prepares a statement run five times; the plan must still be made for the values.
    for _ in range(7):
        mode = db.session.execute(select(db.func.current_setting("plan_cache_mode"))).scalar()
    assert mode == "force_custom_plan"
