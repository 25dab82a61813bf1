"""The member services: registration with its one joining entry, families and returnees,
member numbers, search, logins and migrant-worker records."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coop_app.auth.models import User
from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.ledger import service as ledger
from coop_app.ledger.check import check_ledger
from coop_app.ledger.models import GLAccount, JournalEntry, JournalLine
from coop_app.members import migrants
from coop_app.members import service as members
from coop_app.members.models import Member
from coop_app.membership import joining
from coop_app.savings import movements as savings
from coop_app.savings.models import SavingsTransaction
from tests.members.helpers import (
    BIRTH,
    JOINED,
    D,
    data,
    make_nik,
    member_count,
    migrant,
    migrant_count,
    register,
)
from tests.support import in_english
from tests.support.books import cash, coop, entry_count

TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py), not the day it runs


def lines_by_key(entry_id):
    rows = db.session.execute(
        select(GLAccount.system_key, JournalLine.amount, JournalLine.savings_account_id,
               JournalLine.member_id)
        .join(GLAccount, GLAccount.id == JournalLine.account_id)
        .where(JournalLine.entry_id == entry_id)).all()
    return rows


# -- registration -----------------------------------------------------------------------

def test_registration_posts_pokok_and_wajib_in_one_entry(ctx, world):
    member = register(world.ksp_id, key="join-1", name="Siti Aminah")
    assert member.member_number == f"{JOINED.year}.00001"
    assert (member.status, member.category, member.name_search) == ("active", "other", "siti aminah")

    entries = db.session.execute(select(JournalEntry).where(
        JournalEntry.cooperative_id == world.ksp_id)).scalars().all()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.kind, entry.entry_date, entry.idempotency_key) == ("member_joining", JOINED, "join-1")
    accounts = {a.product.kind: a for a in savings.member_accounts(world.ksp_id, member.id)}
    assert {k: a.balance for k, a in accounts.items()} == {"pokok": D("100000.00"),
                                                           "wajib": D("20000.00")}
    lines = {(key, amount, account) for key, amount, account, _member in lines_by_key(entry.id)}
    assert lines == {("cash", D("120000.00"), None),
                     ("simpanan_pokok", D("-100000.00"), accounts["pokok"].id),
                     ("simpanan_wajib", D("-20000.00"), accounts["wajib"].id)}
    assert all(m == member.id for *_rest, m in lines_by_key(entry.id))
    passbook = db.session.execute(select(SavingsTransaction.amount, SavingsTransaction.balance_after)
                                  .order_by(SavingsTransaction.amount)).all()
    assert passbook == [(D("20000.00"), D("20000.00")), (D("100000.00"), D("100000.00"))]
    assert ledger.account_balance(world.ksp_id, cash(world.ksp_id)) == D("120000.00")
    facts, problems = check_ledger()
    assert problems == [] and facts["entries"] == 1


def test_a_retried_registration_returns_the_first_member(ctx, world):
    first = register(world.ksp_id, key="same-key")
    again = joining.register_member(coop(world.ksp_id), data(), cash(world.ksp_id), "same-key")
    assert again.id == first.id and again.replayed is True
    db.session.commit()
    assert (member_count(), entry_count()) == (1, 1)


def test_second_member_gets_the_next_number(ctx, world):
    register(world.ksp_id, serial=1)
    second = register(world.ksp_id, serial=2, name="Budi", gender="M")
    assert second.member_number == f"{JOINED.year}.00002"


def test_the_same_nik_twice_is_refused(ctx, world):
    register(world.ksp_id)
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(name="Another"), cash(world.ksp_id), "k2")
    assert caught.value.field == "nik" and "already registered" in in_english(caught.value)
    db.session.rollback()
    assert (member_count(), entry_count()) == (1, 1)


def test_the_same_nik_in_another_cooperative_is_allowed(ctx, world):
    register(world.ksp_id)
    register(world.other_id)
    assert member_count() == 2


@pytest.mark.parametrize("changes,field,message", [
    ({"name": "  "}, "name", "member's name"),
    ({"address": ""}, "address", "Fill in the address"),
    ({"gender": "X"}, "gender", "Choose the gender"),
    ({"category": "tourist"}, "category", "Desmigratif category"),
    ({"birth_date": TODAY + timedelta(days=1)}, "birth_date", "real date in the past"),
    ({"join_date": TODAY + timedelta(days=1)}, "join_date", "cannot be in the future"),
    ({"birth_date": date(2010, 1, 1), "nik": make_nik(date(2010, 1, 1), "F")}, "birth_date",
     "at least 17 years old"),
    ({"phone": "12ab"}, "phone", "7 to 20 digits"),
    ({"nik": "123"}, "nik", "16 digits"),
    ({"nik": make_nik(BIRTH, "M")}, "nik", "does not match the gender"),
])
def test_bad_member_data_is_refused_whole(ctx, world, changes, field, message):
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(**changes), cash(world.ksp_id), "k")
    assert caught.value.field == field and message in in_english(caught.value)
    db.session.rollback()
    assert (member_count(), entry_count()) == (0, 0)


def test_money_account_must_be_cash_or_bank(ctx, world):
    wrong = ledger.account_by_key(world.ksp_id, "office_expense").id
    with pytest.raises(DomainError) as caught:
        joining.register_member(coop(world.ksp_id), data(), wrong, "k")
    assert "cash or bank" in in_english(caught.value)
    db.session.rollback()
    assert member_count() == 0


def test_a_closed_period_refuses_the_registration(ctx, world):
    ledger.close_period(coop(world.ksp_id), date(2024, 2, 29))
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        joining.register_member(coop(world.ksp_id), data(), cash(world.ksp_id), "k")
    assert "closed up to 2024-02-29" in in_english(caught.value)
    db.session.rollback()
    assert member_count() == 0


# -- families and returnees --------------------------------------------------------------

def test_family_member_links_to_a_migrant_with_a_relationship(ctx, world):
    abroad = migrant(world.ksp_id)
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(category="family"), cash(world.ksp_id), "k")
    assert caught.value.field == "migrant" and "linked to the migrant worker" in in_english(caught.value)
    db.session.rollback()
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(category="family", migrant_worker_id=abroad.id),
                                cash(world.ksp_id), "k")
    assert caught.value.field == "relationship"
    db.session.rollback()
    member = register(world.ksp_id, category="family", migrant_worker_id=abroad.id,
                      relationship="spouse")
    assert (member.migrant_worker_id, member.relationship) == (abroad.id, "spouse")
    assert [m.id for m in migrants.linked_members(world.ksp_id, abroad.id)] == [member.id]


def test_a_migrant_of_another_cooperative_cannot_be_linked(ctx, world):
    foreign = migrant(world.other_id)
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(category="family", migrant_worker_id=foreign.id,
                                                         relationship="child"), cash(world.ksp_id), "k")
    assert caught.value.field == "migrant" and "not found" in in_english(caught.value)
    db.session.rollback()
    assert member_count() == 0


def test_family_member_with_a_new_migrant_in_one_transaction(ctx, world):
    new = migrants.MigrantData(name="Rohman", destination_country="Malaysia", sector="plantation",
                               departure_date=date(2022, 1, 5))
    member = joining.register_member(coop(world.ksp_id), data(category="family", relationship="child"),
                                     cash(world.ksp_id), "k", new_migrant=new)
    db.session.commit()
    record = member.migrant_worker
    assert (record.name, record.destination_country, record.sector, record.abroad) == (
        "Rohman", "Malaysia", "plantation", True)
    assert entry_count() == 1


def test_a_bad_new_migrant_refuses_the_member_too(ctx, world):
    new = migrants.MigrantData(name="Rohman", destination_country="", sector="plantation")
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(category="family", relationship="child"),
                                cash(world.ksp_id), "k", new_migrant=new)
    assert caught.value.field == "migrant_country"
    db.session.rollback()
    assert (member_count(), migrant_count(world.ksp_id), entry_count()) == (0, 0, 0)


def test_a_new_migrant_only_for_family_and_returnees(ctx, world):
    new = migrants.MigrantData(name="Rohman", destination_country="Malaysia", sector="plantation")
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(category="ctki"), cash(world.ksp_id), "k",
                                new_migrant=new)
    assert caught.value.field == "migrant"


def test_returnee_needs_a_record_with_a_return_date(ctx, world):
    abroad = migrant(world.ksp_id, name="Siti Aminah")
    with pytest.raises(InvalidField) as caught:
        joining.register_member(coop(world.ksp_id), data(category="returnee", migrant_worker_id=abroad.id),
                                cash(world.ksp_id), "k")
    assert "Record the return date" in in_english(caught.value)
    db.session.rollback()
    own = migrants.MigrantData(name="", destination_country="Hong Kong", sector="domestic",
                               actual_return_date=date(2023, 6, 1))
    member = joining.register_member(coop(world.ksp_id), data(category="returnee"), cash(world.ksp_id),
                                     "k", new_migrant=own)
    db.session.commit()
    assert (member.migrant_worker.name, member.migrant_worker.gender) == ("Siti Aminah", "F")


def test_returnee_is_eligible_for_three_years_after_return(ctx, world):
    back = date(2021, 3, 15)
    record = migrant(world.ksp_id, name="Siti Aminah", returned=back)
    member = register(world.ksp_id, category="returnee", migrant_worker_id=record.id)
    assert members.returnee_eligible_until(record) == date(2024, 3, 15)
    assert members.returnee_eligible(member, record, today=date(2024, 3, 15)) is True
    assert members.returnee_eligible(member, record, today=date(2024, 3, 16)) is False
    assert members.returnee_eligible(member, record, today=date(2022, 1, 1)) is True
    # 29 February: three years on is 28 February
    leap = migrants.MigrantData(name="X", destination_country="Korea", sector="fishing",
                                actual_return_date=date(2020, 2, 29))
    assert members.returnee_eligible_until(leap) == date(2023, 2, 28)
    # only returnees are flagged
    member.category = "other"
    assert members.returnee_eligible(member, record, today=date(2022, 1, 1)) is False


def test_the_return_of_a_returnee_cannot_be_erased(ctx, world):
    record = migrant(world.ksp_id, name="Siti Aminah", returned=date(2023, 6, 1))
    register(world.ksp_id, category="returnee", migrant_worker_id=record.id)
    with pytest.raises(InvalidField) as caught:
        migrants.update_migrant(world.ksp_id, record.id, migrants.MigrantData(
            name="Siti Aminah", destination_country="Taiwan", sector="manufacturing"))
    assert caught.value.field == "actual_return_date"


def test_recording_a_migrants_return(ctx, world):
    record = migrant(world.ksp_id)
    migrants.update_migrant(world.ksp_id, record.id, migrants.MigrantData(
        name="Rohman", destination_country="Taiwan", sector="manufacturing",
        departure_date=date(2019, 3, 1), actual_return_date=date(2024, 1, 10)))
    db.session.commit()
    db.session.expire_all()
    assert migrants.get_migrant(world.ksp_id, record.id).actual_return_date == date(2024, 1, 10)
    with pytest.raises(NotFound):
        migrants.get_migrant(world.other_id, record.id)


@pytest.mark.parametrize("changes,field", [
    ({"name": ""}, "name"),
    ({"destination_country": " "}, "destination_country"),
    ({"sector": "mining"}, "sector"),
    ({"departure_date": date(2022, 1, 1), "actual_return_date": date(2021, 1, 1)}, "actual_return_date"),
    ({"departure_date": date(2022, 1, 1), "expected_return_date": date(2021, 1, 1)}, "expected_return_date"),
    ({"actual_return_date": TODAY + timedelta(days=2)}, "actual_return_date"),
    ({"departure_date": date(1800, 1, 1)}, "departure_date"),
])
def test_bad_migrant_data(ctx, world, changes, field):
    values = dict(name="Rohman", destination_country="Taiwan", sector="manufacturing")
    values.update(changes)
    with pytest.raises(InvalidField) as caught:
        migrants.add_migrant(world.ksp_id, migrants.MigrantData(**values))
    assert caught.value.field == field


def test_migrant_list_and_linked_counts(ctx, world):
    abroad = migrant(world.ksp_id)
    wati = migrant(world.ksp_id, name="Wati", country="Hong Kong", sector="domestic")
    register(world.ksp_id, serial=1, category="family", migrant_worker_id=abroad.id, relationship="spouse")
    register(world.ksp_id, serial=2, name="Anak", category="family", migrant_worker_id=abroad.id,
             relationship="child")

    def listed(*args, **kwargs):
        return [m.name for m in db.session.execute(
            migrants.migrants_query(world.ksp_id, *args, **kwargs)).scalars()]

    assert listed() == ["Rohman", "Wati"]
    assert listed("wa") == ["Wati"] and listed("%") == []
    assert listed(abroad=True) == ["Rohman", "Wati"] and listed(abroad=False) == []
    assert migrants.linked_counts(world.ksp_id, [abroad.id, wati.id]) == {abroad.id: 2}
    assert migrants.linked_counts(world.other_id, [abroad.id]) == {}


# -- member numbers ----------------------------------------------------------------------

def test_member_number_pattern(ctx, world):
    cooperative = coop(world.ksp_id)
    assert members.set_member_number_pattern(cooperative, " {code}/{year}/{seq:04d} ") == \
        "{code}/{year}/{seq:04d}"
    db.session.commit()
    first = register(world.ksp_id, serial=1)
    second = register(world.ksp_id, serial=2, name="Budi", gender="M")
    assert (first.member_number, second.member_number) == (f"KSP-A/{JOINED.year}/0001",
                                                           f"KSP-A/{JOINED.year}/0002")


def test_member_number_skips_a_number_taken(ctx, world):
    members.set_member_number_pattern(coop(world.ksp_id), "A-{seq}")
    db.session.commit()
    first = register(world.ksp_id, serial=1)
    first.member_number = "A-2"  # say, typed by hand before
    db.session.commit()
    assert register(world.ksp_id, serial=2, name="Budi", gender="M").member_number == "A-3"


@pytest.mark.parametrize("pattern,message", [
    ("", "1 to 40 characters"),
    ("{year}", "needs {seq}"),
    ("{name}-{seq}", "only {code}, {year} and {seq}"),
    ("{code.__class__}-{seq}", "only {code}, {year} and {seq}"),
    ("{seq[0]}", "only {code}, {year} and {seq}"),
    ("{seq", "braces do not match"),
    ("{seq:q}", "cannot be used"),
    ("{seq:040d}", "longer than 30 characters"),
    ("x" * 41, "1 to 40 characters"),
])
def test_bad_member_number_patterns(ctx, world, pattern, message):
    cooperative = coop(world.ksp_id)
    with pytest.raises(InvalidField) as caught:
        members.set_member_number_pattern(cooperative, pattern)
    assert message in in_english(caught.value)
    db.session.rollback()
    assert coop(world.ksp_id).member_number_pattern == "{year}.{seq:05d}"


# -- search ------------------------------------------------------------------------------

@pytest.fixture
def register_of_three(ctx, world):
    people = [("Siti Aminah", "F", 1), ("Siti Badriah", "F", 2), ("Budi Santoso", "M", 3)]
    made = {name: register(world.ksp_id, name=name, gender=gender, serial=serial)
            for name, gender, serial in people}
    made["Budi Santoso"].status = "resigned"
    register(world.other_id, name="Siti Other", serial=9)
    db.session.commit()
    return made


def names(coop_id, text=None, **filters):
    return [m.name for m in db.session.execute(
        members.search_query(coop_id, text, **filters)).scalars()]


def test_search_by_name_prefix_ignores_case(register_of_three, world):
    assert names(world.ksp_id, "siti") == ["Siti Aminah", "Siti Badriah"]
    assert names(world.ksp_id, "SITI B") == ["Siti Badriah"]
    assert names(world.ksp_id, "aminah") == []       # a prefix, not a substring
    assert names(world.ksp_id, "s%") == []           # wildcards are plain text
    assert names(world.ksp_id, "_iti") == []


def test_search_by_nik_and_its_prefix(register_of_three, world):
    badriah = register_of_three["Siti Badriah"]
    assert names(world.ksp_id, badriah.nik) == ["Siti Badriah"]
    # the two women share region and birth date; the man's day of birth has no +40
    assert names(world.ksp_id, badriah.nik[:12]) == ["Siti Aminah", "Siti Badriah"]
    # a NIK search lists by NIK (the order its index gives)
    assert names(world.ksp_id, badriah.nik[:6]) == ["Budi Santoso", "Siti Aminah", "Siti Badriah"]
    assert names(world.ksp_id, badriah.nik[:15] + "9") == []


def test_search_by_member_number(register_of_three, world):
    budi = register_of_three["Budi Santoso"]
    assert names(world.ksp_id, budi.member_number) == ["Budi Santoso"]


def test_unfiltered_register_is_in_number_order_and_filters_combine(register_of_three, world):
    assert names(world.ksp_id) == ["Siti Aminah", "Siti Badriah", "Budi Santoso"]
    assert names(world.ksp_id, status="active") == ["Siti Aminah", "Siti Badriah"]
    assert names(world.ksp_id, status="resigned") == ["Budi Santoso"]
    assert names(world.ksp_id, "budi", status="active") == []
    assert names(world.ksp_id, category="family") == []
    assert names(world.other_id) == ["Siti Other"]


# -- a login for a member ----------------------------------------------------------------

def test_a_member_gets_a_login_once(ctx, world):
    member = register(world.ksp_id)
    user = members.create_member_login(world.ksp_id, member.id, "siti.aminah", "rahasia-siti")
    db.session.commit()
    assert member.user_id == user.id and user.full_name == "Siti Aminah"
    assert [(g.role, g.cooperative_id) for g in user.grants] == [("member", world.ksp_id)]
    with pytest.raises(DomainError) as caught:
        members.create_member_login(world.ksp_id, member.id, "siti2", "rahasia-siti")
    assert "already has a login" in in_english(caught.value)
    db.session.rollback()
    assert db.session.execute(select(User).where(User.username == "siti2")).first() is None


@pytest.mark.parametrize("username,password,message", [
    ("Si", "rahasia-siti", "3 to 64 lowercase"),
    ("siti", "short", "at least 10 characters"),
    ("manager", "rahasia-siti", "already taken"),
])
def test_bad_logins_are_refused_whole(ctx, world, username, password, message):
    member = register(world.ksp_id)
    with pytest.raises(DomainError) as caught:
        members.create_member_login(world.ksp_id, member.id, username, password)
    assert message in in_english(caught.value)
    db.session.rollback()
    assert db.session.get(Member, member.id).user_id is None


def test_no_login_for_a_member_of_another_cooperative(ctx, world):
    member = register(world.other_id)
    with pytest.raises(NotFound):
        members.create_member_login(world.ksp_id, member.id, "siti", "rahasia-siti")


def test_update_member_keeps_the_nik_rule(ctx, world):
    member = register(world.ksp_id)
    changed = data(name="Siti Aminah Binti Karta", phone=None)
    members.update_member(world.ksp_id, member.id, changed)
    db.session.commit()
    assert (member.name, member.name_search, member.phone) == (
        "Siti Aminah Binti Karta", "siti aminah binti karta", None)
    other = register(world.ksp_id, serial=2, name="Budi", gender="M")
    with pytest.raises(InvalidField) as caught:  # Siti's NIK
        members.update_member(world.ksp_id, other.id, data(name="Budi", gender="F", serial=1))
    assert caught.value.field == "nik" and "already registered" in in_english(caught.value)
    db.session.rollback()
    assert db.session.get(Member, other.id).name == "Budi"
