"""Trainings and their participants: the service's rules (who may attend: a member of this
cooperative, not cancelled, joined by the day and not left before it; certificates numbered
uniquely within a training), the pages (list, new, detail, adding by member number or from
the list, certificates, removing), the member page's panel, and access for every role.

The people (tests/members/pages.py): Siti (2024.00001) and Budi (2024.00002) of KSP-A, who
joined on 1 February 2024; Orang Lain of KSP-B. Today is 18 November 2026."""
from datetime import date

import pytest

from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members.models import Member
from coop_app.trainings import service as trainings
from coop_app.trainings.models import Training, TrainingParticipant
from tests.members.helpers import register
from tests.support import in_english
from tests.support.web import login_as, table_column, text_of
from tests.trainings.helpers import add_pendamping, count, count_in

BASE = "/c/KSP-A/trainings"
HELD = date(2026, 3, 10)


def data(**changes):
    values = dict(training_type="packaging", title="  Kemasan produk olahan  ", held_on=HELD,
                  provider="Dinas Koperasi Kabupaten Indramayu")
    values.update(changes)
    return trainings.TrainingData(**values)


@pytest.fixture
def course(app, people, world):
    """A packaging training of KSP-A on 10 March 2026, with nobody yet."""
    with app.app_context():
        training = trainings.create_training(world.ksp_id, data())
        db.session.commit()
        return training.id


# -- the service ------------------------------------------------------------------------

def test_a_training_and_its_participants(app, people, world, course):
    with app.app_context():
        training = db.session.get(Training, course)
        assert (training.training_type, training.title, training.held_on) == (
            "packaging", "Kemasan produk olahan", HELD)
        siti = trainings.add_participant(world.ksp_id, course, member_number=" 2024.00001 ",
                                         certified=True, certificate_number=" KMS-001 ")
        budi = trainings.add_participant(world.ksp_id, course, member_id=people.budi)
        db.session.commit()
        assert (siti.member_id, siti.certified, siti.certificate_number) == (people.siti, True, "KMS-001")
        assert (budi.member_id, budi.certified, budi.certificate_number) == (people.budi, False, None)
        assert [m.name for _p, m in trainings.participants(world.ksp_id, course)] == [
            "Budi Santoso", "Siti Aminah"]
        assert trainings.participant_counts(world.ksp_id, [course]) == {course: (2, 1)}
        # a certificate given later, then the participant removed
        trainings.update_certificate(world.ksp_id, budi.id, True, "KMS-002")
        db.session.commit()
        assert trainings.participant_counts(world.ksp_id, [course]) == {course: (2, 2)}
        trainings.remove_participant(world.ksp_id, budi.id)
        db.session.commit()
        assert trainings.participant_counts(world.ksp_id, [course]) == {course: (1, 1)}
        attended = trainings.member_trainings(world.ksp_id, people.siti)
        assert [(t.title, p.certificate_number) for t, p in attended] == [("Kemasan produk olahan", "KMS-001")]
        with pytest.raises(NotFound):
            trainings.get_training(world.other_id, course)


@pytest.mark.parametrize("changes,field,text", [
    ({"training_type": "cooking"}, "training_type", "Choose the kind of training"),
    ({"title": "  "}, "title", "title"),
    ({"title": "t" * 201}, "title", "at most 200"),
    ({"held_on": date(2026, 11, 19)}, "held_on", "cannot be in the future"),
    ({"held_on": None}, "held_on", "not a date"),
    ({"provider": ""}, "provider", "who gave the training"),
])
def test_bad_trainings(app, world, changes, field, text):
    with app.app_context():
        with pytest.raises(InvalidField) as caught:
            trainings.create_training(world.ksp_id, data(**changes))
        assert caught.value.field == field and text in in_english(caught.value)
        db.session.rollback()
        assert count(Training) == 0


def _member(world, name, serial, **changes):
    return register(world.ksp_id, name=name, serial=serial, **changes).id


@pytest.mark.parametrize("who,field,text", [
    ("late", "member", "joined on Jun 1, 2026, after the training"),
    ("cancelled", "member", "registration was cancelled"),
    ("left", "member", "left the cooperative on Mar 10, 2026, before the training"),
    ("other", "member", "Choose one of the listed options"),
])
def test_who_may_not_attend(app, people, world, course, who, field, text):
    with app.app_context():
        ids = {"late": _member(world, "Baru Gabung", 11, join_date=date(2026, 6, 1)),
               "cancelled": _member(world, "Batal", 12),
               "left": _member(world, "Sudah Keluar", 13),
               "other": people.other}
        db.session.get(Member, ids["cancelled"]).status = "cancelled"
        leaver = db.session.get(Member, ids["left"])
        leaver.status, leaver.left_on = "resigned", HELD
        db.session.commit()
        with pytest.raises(InvalidField) as caught:
            trainings.add_participant(world.ksp_id, course, member_id=ids[who])
        assert caught.value.field == field and text in in_english(caught.value)
        db.session.rollback()
        assert count(TrainingParticipant) == 0
        # the pick list offers the members of that day only
        training = db.session.get(Training, course)
        assert [m.name for m in trainings.eligible_members(world.ksp_id, training)] == [
            "Budi Santoso", "Siti Aminah"]


@pytest.mark.parametrize("kwargs,field,text", [
    ({}, "member_number", "Type a member number or choose a member"),
    ({"member_number": "2024.99999"}, "member_number", "No member of this cooperative has that member number"),
    ({"member_number": "2024.00001"}, "member_number", "already a participant"),
    ({"member_id": "budi", "certified": True}, "certificate_number", "has a certificate number"),
    ({"member_id": "budi", "certified": True, "certificate_number": "x" * 61}, "certificate_number", "at most 60"),
    ({"member_id": "budi", "certificate_number": "KMS-9"}, "certificate_number", "Tick"),
    ({"member_id": "budi", "certified": True, "certificate_number": "kms-001"}, "certificate_number",
     "Another participant of this training holds that certificate number"),
])
def test_bad_participants(app, people, world, course, kwargs, field, text):
    with app.app_context():
        trainings.add_participant(world.ksp_id, course, member_id=people.siti, certified=True,
                                  certificate_number="KMS-001")
        db.session.commit()
        if kwargs.get("member_id") == "budi":
            kwargs = {**kwargs, "member_id": people.budi}
        with pytest.raises(InvalidField) as caught:
            trainings.add_participant(world.ksp_id, course, **kwargs)
        assert caught.value.field == field and text in in_english(caught.value)
        db.session.rollback()
        assert count(TrainingParticipant) == 1


def test_a_certificate_number_may_repeat_in_another_training(app, people, world, course):
    with app.app_context():
        second = trainings.create_training(world.ksp_id, data(title="Kemasan lanjutan"))
        trainings.add_participant(world.ksp_id, course, member_id=people.siti, certified=True,
                                  certificate_number="KMS-001")
        trainings.add_participant(world.ksp_id, second.id, member_id=people.budi, certified=True,
                                  certificate_number="KMS-001")
        db.session.commit()
        assert count(TrainingParticipant) == 2


def test_moving_a_training_keeps_its_participants_members(app, people, world, course):
    with app.app_context():
        trainings.add_participant(world.ksp_id, course, member_id=people.siti)
        db.session.commit()
        with pytest.raises(InvalidField) as caught:
            trainings.update_training(world.ksp_id, course, data(held_on=date(2024, 1, 31)))
        assert "Siti Aminah, a participant, was not a member on that day" in in_english(caught.value)
        db.session.rollback()
        trainings.update_training(world.ksp_id, course, data(held_on=date(2024, 2, 1), training_type="skills"))
        db.session.commit()
        assert (db.session.get(Training, course).held_on, db.session.get(Training, course).training_type) == (
            date(2024, 2, 1), "skills")


# -- the pages --------------------------------------------------------------------------

def form(**changes):
    values = {"training_type": "entrepreneurship", "title": "Memulai usaha", "held_on": "2026-10-05",
              "provider": "Pendamping Desmigratif"}
    values.update(changes)
    return values


def test_recording_a_training_and_its_participants(app, client, people, world):
    add_pendamping(app, world)
    login_as(client, "pendamping")
    response = client.post(f"{BASE}/new", data=form())
    assert response.status_code == 302
    detail = response.headers["Location"]
    # by member number, with a certificate
    response = client.post(f"{detail}/participants", data={
        "member_number": "2024.00001", "member": "", "certified": "y", "certificate_number": "KWU-01"})
    assert response.status_code == 302
    page = text_of(client.get(detail))
    # the pick list holds Budi only now, by name and number
    assert "Budi Santoso (2024.00002)" in page and "Siti Aminah (2024.00001)" not in page
    response = client.post(f"{detail}/participants", data={
        "member_number": "", "member": str(people.budi), "certificate_number": ""})
    assert response.status_code == 302
    page = text_of(client.get(detail))
    assert table_column(page, "participants") == ["Budi Santoso", "Siti Aminah"]
    assert table_column(page, "participants", 2) == ["no certificate", "Certified, number KWU-01"]
    listing = text_of(client.get(f"{BASE}/"))
    assert table_column(listing, "trainings") == ["Memulai usaha"]
    assert table_column(listing, "trainings", 1) == ["Entrepreneurship"]
    assert (table_column(listing, "trainings", 4), table_column(listing, "trainings", 5)) == (["2"], ["1"])
    assert table_column(text_of(client.get(f"{BASE}/?training_type=skills")), "trainings") == []
    with app.app_context():
        budi = db.session.execute(db.select(TrainingParticipant).where(
            TrainingParticipant.member_id == people.budi)).scalar_one()
        training_id = budi.training_id
    response = client.post(f"{BASE}/{training_id}/participants/{budi.id}/certificate",
                           data={"certified": "y", "certificate_number": "KWU-01"})
    assert response.status_code == 422 and "Another participant of this training" in text_of(response)
    response = client.post(f"{BASE}/{training_id}/participants/{budi.id}/certificate",
                           data={"certified": "y", "certificate_number": "KWU-02"})
    assert response.status_code == 302
    assert client.post(f"{BASE}/{training_id}/participants/{budi.id}/remove").status_code == 302
    assert table_column(text_of(client.get(detail)), "participants") == ["Siti Aminah"]
    assert count_in(app, TrainingParticipant) == 1


def test_the_member_page_shows_trainings_and_certificates(app, client, auth, people, world, course):
    with app.app_context():
        trainings.add_participant(world.ksp_id, course, member_id=people.siti, certified=True,
                                  certificate_number="KMS-001")
        db.session.commit()
    login_as(client, "manager")
    page = text_of(client.get(f"/c/KSP-A/members/{people.siti}"))
    assert table_column(page, "member-trainings") == ["Kemasan produk olahan"]
    assert table_column(page, "member-trainings", 1) == ["Packaging"]
    assert table_column(page, "member-trainings", 3) == ["Certified, number KMS-001"]
    assert table_column(text_of(client.get(f"/c/KSP-A/members/{people.budi}")), "member-trainings") == []
    login_as(client, "member")  # Siti herself
    page = text_of(client.get(f"/c/KSP-A/members/{people.siti}"))
    assert table_column(page, "member-trainings", 3) == ["Certified, number KMS-001"]


@pytest.mark.parametrize("changes,text", [
    ({"training_type": ""}, "Choose the kind of training"),
    ({"training_type": "cooking"}, "Choose one of the listed options"),
    ({"title": ""}, "This field is required"),
    ({"title": "t" * 201}, "At most 200 characters"),
    ({"held_on": "2026-11-19"}, "cannot be in the future"),
    ({"held_on": "2026-13-01"}, "not a date"),
    ({"provider": ""}, "This field is required"),
])
def test_bad_training_input(app, client, auth, people, course, changes, text):
    login_as(client, "treasurer")
    response = client.post(f"{BASE}/new", data=form(**changes))
    assert response.status_code == 422 and text in text_of(response)
    response = client.post(f"{BASE}/{course}/edit", data=form(**changes))
    assert response.status_code == 422 and text in text_of(response)
    with app.app_context():
        assert count(Training) == 1 and db.session.get(Training, course).title == "Kemasan produk olahan"


@pytest.mark.parametrize("values,text", [
    ({"member_number": "", "member": ""}, "Type a member number or choose a member"),
    ({"member_number": "2024.77777", "member": ""}, "No member of this cooperative has that member number"),
    ({"member_number": "", "member": "999"}, "Choose one of the listed options"),
    ({"member_number": "2024.00001", "member": "", "certified": "y"}, "has a certificate number"),
    ({"member_number": "2024.00001", "member": "", "certificate_number": "A-1"}, "Tick"),
])
def test_bad_participant_input(app, client, people, course, values, text):
    login_as(client, "manager")
    response = client.post(f"{BASE}/{course}/participants", data=values)
    assert response.status_code == 422 and text in text_of(response)
    assert count_in(app, TrainingParticipant) == 0


@pytest.mark.parametrize("username,read,write", [
    ("treasurer", 200, 302), ("manager", 200, 302), ("pendamping", 200, 302),
    ("auditor.jabar", 200, 403), ("auditor.indramayu", 200, 403), ("member", 403, 403),
    ("other.manager", 404, 404), ("bmt.manager", 404, 404), ("auditor.ntb", 404, 404),
])
def test_access_for_each_role(app, client, people, world, course, username, read, write):
    add_pendamping(app, world)
    login_as(client, username)
    assert client.get(f"{BASE}/").status_code == read
    assert client.get(f"{BASE}/{course}").status_code == read
    assert client.get(f"{BASE}/new").status_code == (200 if write == 302 else write)
    assert client.post(f"{BASE}/new", data=form()).status_code == write
    assert client.post(f"{BASE}/{course}/participants", data={"member_number": "2024.00001"}).status_code == write
    assert count_in(app, Training) == (2 if write == 302 else 1)
    if read == 200:
        page = text_of(client.get(f"{BASE}/{course}"))
        assert ('id="add-participant"' in page) == (write == 302)
        assert 'id="nav-trainings"' in page


def test_other_cooperatives_trainings_are_not_found(app, client, people, world, course):
    login_as(client, "other.manager")
    assert client.get(f"/c/KSP-B/trainings/{course}").status_code == 404
    assert client.post(f"/c/KSP-B/trainings/{course}/participants",
                       data={"member_number": "2024.00001"}).status_code == 404
    assert count_in(app, TrainingParticipant) == 0
