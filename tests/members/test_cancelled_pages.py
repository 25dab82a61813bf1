"""A registration made in error and reversed, as the register shows it: the member is
marked "registration cancelled" (not "resigned"), the person is registered again with the
same NIK through the form, and the status filter finds each."""
import uuid

from sqlalchemy import select

from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.models import JournalEntry
from coop_app.members.models import Member
from tests.members.pages import BASE, register_form
from tests.support.web import form_key, text_of


def registered(client, app, world):
    key = form_key(client, f"{BASE}/new")
    response = client.post(f"{BASE}/new", data=register_form(app, world, key=key))
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_cancelled_registration_is_marked_and_the_person_registered_again(app, client, auth, world):
    auth.login("treasurer")
    first = registered(client, app, world)
    with app.app_context():
        joining = db.session.execute(select(JournalEntry.id).where(
            JournalEntry.kind == "member_joining")).scalar_one()
        ledger.reverse_entry(world.ksp_id, joining, "Didaftarkan di koperasi yang salah",
                             uuid.uuid4().hex, created_by=world.user_id("manager"))
        db.session.commit()

    page = text_of(client.get(f"{BASE}/{first}"))
    assert 'id="member-status">pendaftaran dibatalkan</span>' in page
    assert "Dibatalkan</dt>" in page and 'id="member-left-on"' in page
    assert "/leave" not in page  # nothing more to settle

    again = registered(client, app, world)  # the same NIK, accepted
    assert again != first
    with app.app_context():
        nik = {m.id: (m.nik, m.status) for m in db.session.execute(select(Member)).scalars()}
    assert nik[first][0] == nik[again][0] and (nik[first][1], nik[again][1]) == ("cancelled", "active")

    cancelled = text_of(client.get(f"{BASE}/?status=cancelled"))
    active = text_of(client.get(f"{BASE}/?status=active"))
    assert f'href="{BASE}/{first}"' in cancelled and f'href="{BASE}/{again}"' not in cancelled
    assert f'href="{BASE}/{again}"' in active and f'href="{BASE}/{first}"' not in active
    # a third registration of the person while one stands is refused with the field's message
    key = form_key(client, f"{BASE}/new")
    refused = client.post(f"{BASE}/new", data=register_form(app, world, key=key))
    assert "Anggota dengan NIK ini sudah terdaftar." in text_of(refused)
    with app.app_context():
        assert len(db.session.execute(select(Member.id)).all()) == 2
