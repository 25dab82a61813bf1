"""Revision 0004 on a database with history: reversed remittances and registrations made
under 0003 (reference rewritten, member left "resigned") become a reversal_entry_id and a
cancelled member, and a downgrade gives the 0003 representation back. Runs on SQLite (the
table rebuilds of batch mode) and on PostgreSQL alike. Also: the migrated schema is the
models' schema."""
import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from coop_app.extensions import db
from coop_app.ledger.service import reverse_entry
from coop_app.remittances import recording as remittances
from tests.members.helpers import register
from tests.remittances.helpers import record
from tests.support import key
from tests.support.books import cash


def rows(sql, **params):
    """Read, then end the transaction: no open one may hold the tables while they change."""
    found = db.session.execute(text(sql), params).all()
    db.session.remove()
    return found


def test_the_migrated_schema_is_the_models_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_reversals_keep_their_meaning_down_to_0003_and_back(app, families):
    with app.app_context():
        coop = families.ksp_id
        remittance = record(families, reference="MBB-2025-0401-07", money_account_id=cash(coop))
        db.session.commit()
        reversal = reverse_entry(coop, remittance.entry_id, "Salah anggota", key())
        db.session.commit()
        member_id = register(coop).id
        ids = remittance.id, reversal.id, member_id, reversal.entry_date.isoformat()
        parts = remittance.split_list
        assert [part["part"] for part in parts] == ["cash"]  # no allocation: all paid out
        joining = rows("SELECT e.id FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id "
                       "WHERE e.kind = 'member_joining' AND l.member_id = :m", m=member_id)[0][0]
        reverse_entry(coop, joining, "Pendaftaran ganda", key())
        db.session.commit()
        db.session.remove()

        try:
            downgrade(revision="0003")
            (reference, split), = rows("SELECT reference, split FROM remittances WHERE id = :id", id=ids[0])
            split = json.loads(split) if isinstance(split, str) else split
            assert reference == f"MBB-2025-0401-07 (dibalik #{ids[1]})"
            assert split[-1] == {"part": "reversed", "entry_id": ids[1], "date": ids[3],
                                 "reference": "MBB-2025-0401-07"}
            assert rows("SELECT status FROM members WHERE id = :id", id=ids[2]) == [("resigned",)]
        finally:
            upgrade()

        (reference, split, reversal_id), = rows(
            "SELECT reference, split, reversal_entry_id FROM remittances WHERE id = :id", id=ids[0])
        split = json.loads(split) if isinstance(split, str) else split
        assert (reference, reversal_id) == ("MBB-2025-0401-07", ids[1])
        assert split == parts
        assert rows("SELECT status FROM members WHERE id = :id", id=ids[2]) == [("cancelled",)]
        # and the freed reference can be recorded again
        again = record(families, reference="MBB-2025-0401-07", money_account_id=cash(coop))
        db.session.commit()
        assert remittances.find_by_reference(coop, "MBB-2025-0401-07").id == again.id
