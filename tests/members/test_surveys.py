"""Household economic surveys: the baseline and its follow-ups, the respondent, the dates
(never in the future, never before the respondent's birth), the amounts' bounds, correcting
a survey, and the pages with their refusals (422, nothing saved)."""
import html
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from coop_app.audit.models import AuditLog
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from coop_app.members import households, surveys
from tests.members.households_world import (KK_2, add_pendamping, household_with, survey_count,
                                            survey_data)
from tests.support import in_english
from tests.support.web import login_as, text_of

D = Decimal
BASE = "/c/KSP-A/households"


def test_a_baseline_and_a_follow_up(ctx, world, people):
    household = household_with(world.ksp_id, people.siti, people.budi)
    baseline = surveys.record_survey(world.ksp_id, household.id, survey_data(people.siti),
                                     created_by=world.user_id("treasurer"))
    follow_up = surveys.record_survey(world.ksp_id, household.id, survey_data(
        people.budi, kind="follow_up", surveyed_on=date(2026, 1, 20), income_remittance=D("3000000"),
        income_enterprise=None, enumerator="  Wati   Lestari "))
    db.session.commit()
    # 2.500.000 + 1.200.000 + 800.000 + 0 + 150.000
    assert baseline.income == D("4650000")
    assert (baseline.spending, baseline.created_by) == (D("3100000"), world.user_id("treasurer"))
    # an empty amount is none: 3.000.000 + 0 + 800.000 + 0 + 150.000
    assert follow_up.income == D("3950000")
    assert follow_up.enumerator == "Wati Lestari"
    assert [s.id for s in surveys.household_surveys(world.ksp_id, household.id)] == [baseline.id, follow_up.id]
    with pytest.raises(NotFound):
        surveys.get_survey(world.other_id, baseline.id)


def _refused(world, household_id, data):
    with pytest.raises(InvalidField) as caught:
        surveys.record_survey(world.ksp_id, household_id, data)
    db.session.rollback()
    return caught.value.field, in_english(caught.value)


def test_dates_are_neither_in_the_future_nor_before_the_respondent_was_born(ctx, world, people):
    household = household_with(world.ksp_id, people.siti)
    # the cooperative's today is 18 November 2026 (the frozen clock, WIB)
    assert _refused(world, household.id, survey_data(people.siti, surveyed_on=date(2026, 11, 19))) == (
        "surveyed_on", "The survey date cannot be in the future.")
    # Siti was born on 17 May 1990
    assert _refused(world, household.id, survey_data(people.siti, surveyed_on=date(1990, 5, 16))) == (
        "surveyed_on", "The survey date is before the respondent's birth date (1990-05-17).")
    surveys.record_survey(world.ksp_id, household.id, survey_data(people.siti, surveyed_on=date(2026, 11, 18)))
    db.session.commit()
    assert survey_count() == 1


def test_one_baseline_follow_ups_after_it_one_survey_a_day(ctx, world, people):
    household = household_with(world.ksp_id, people.siti)
    assert _refused(world, household.id, survey_data(people.siti, kind="follow_up")) == (
        "kind", "Record the household's baseline survey first.")
    surveys.record_survey(world.ksp_id, household.id, survey_data(people.siti))  # 10 January 2025
    db.session.commit()
    assert _refused(world, household.id, survey_data(people.siti, surveyed_on=date(2025, 6, 1))) == (
        "kind", "This household already has its baseline survey (of 2025-01-10); record a follow-up.")
    assert _refused(world, household.id, survey_data(people.siti, kind="follow_up",
                                                     surveyed_on=date(2024, 12, 1))) == (
        "surveyed_on", "A follow-up comes after the baseline survey (of 2025-01-10).")
    assert _refused(world, household.id, survey_data(people.siti, kind="follow_up")) == (
        "surveyed_on", "This household already has a survey on this date.")
    assert survey_count() == 1


@pytest.mark.parametrize("changes,field,message", [
    ({"kind": "yearly"}, "kind", "Choose the kind of survey."),
    ({"surveyed_on": None}, "surveyed_on", "This field is required."),
    ({"member_id": None}, "member", "Choose the member who answered the survey."),
    ({"enumerator": "  "}, "enumerator", "Fill in the enumerator's name (at most 200 characters)."),
    ({"enumerator": "a" * 201}, "enumerator", "Fill in the enumerator's name (at most 200 characters)."),
    ({"income_wages": D("-1")}, "income_wages", "An income or spending cannot be negative (write 0 for none)."),
    ({"spending": D("-0.01")}, "spending", "An income or spending cannot be negative (write 0 for none)."),
    ({"income_remittance": D("1000000000.01")}, "income_remittance",
     "At most Rp1.000.000.000 a month: check the amount (a month's figure, not a year's)."),
    ({"income_other": D("12.345")}, "income_other", "Amounts are exact to the sen: at most two decimals."),
])
def test_bad_survey_data_is_refused_and_nothing_saved(ctx, world, people, changes, field, message):
    household = household_with(world.ksp_id, people.siti)
    assert _refused(world, household.id, survey_data(**{"member_id": people.siti, **changes})) == \
        (field, message)
    assert survey_count() == 0


def test_the_bound_itself_is_accepted(ctx, world, people):
    household = household_with(world.ksp_id, people.siti)
    survey = surveys.record_survey(world.ksp_id, household.id, survey_data(
        people.siti, income_remittance=D("1000000000"), spending=D("0")))
    assert survey.income == D("1002150000")


def test_the_respondent_is_a_member_linked_to_the_household(ctx, world, people):
    household = household_with(world.ksp_id, people.siti)
    message = ("member", "The respondent must be a member linked to this household.")
    assert _refused(world, household.id, survey_data(people.budi)) == message  # not linked
    assert _refused(world, household.id, survey_data(people.other)) == message  # another cooperative


def test_a_survey_is_corrected_and_the_audit_log_keeps_the_change(ctx, world, people):
    household = household_with(world.ksp_id, people.siti, people.budi)
    baseline = surveys.record_survey(world.ksp_id, household.id, survey_data(people.siti))
    follow_up = surveys.record_survey(world.ksp_id, household.id, survey_data(
        people.siti, kind="follow_up", surveyed_on=date(2026, 2, 1)))
    db.session.commit()
    # the respondent moves out: the survey they answered can still be corrected
    households.unlink_member(world.ksp_id, household.id, people.siti)
    surveys.update_survey(world.ksp_id, baseline.id, survey_data(people.siti, spending=D("2900000")))
    db.session.commit()
    assert baseline.spending == D("2900000")
    # a baseline cannot be moved after its follow-up, nor a follow-up before the baseline
    with pytest.raises(InvalidField) as caught:
        surveys.update_survey(world.ksp_id, baseline.id, survey_data(people.siti, surveyed_on=date(2026, 3, 1)))
    assert in_english(caught.value) == "The baseline comes before every follow-up (the first is of 2026-02-01)."
    db.session.rollback()
    with pytest.raises(InvalidField):
        surveys.update_survey(world.ksp_id, follow_up.id, survey_data(
            people.budi, kind="follow_up", surveyed_on=date(2025, 1, 1)))
    db.session.rollback()
    changes = db.session.execute(select(AuditLog).where(
        AuditLog.table_name == "household_surveys", AuditLog.row_id == baseline.id,
        AuditLog.action == "update")).scalars().all()
    assert [(D(c.before["spending"]), D(c.after["spending"])) for c in changes] == [(D("3100000"), D("2900000"))]


# -- the pages ----------------------------------------------------------------------------------

def _form(member_id, **changes):
    values = {"kind": "baseline", "surveyed_on": "2025-01-10", "member": str(member_id),
              "enumerator": "Wati", "income_remittance": "2500000", "income_enterprise": "1,200,000",
              "income_wages": "800000", "income_farming": "", "income_other": "150000",
              "spending": "3100000"}
    values.update(changes)
    return values


def test_the_pendamping_records_a_survey_and_the_household_page_totals_it(app, client, world, people):
    add_pendamping(app, world)
    with app.app_context():
        household_id = household_with(world.ksp_id, people.siti).id
    login_as(client, "pendamping")
    response = client.post(f"{BASE}/{household_id}/surveys/new", data=_form(people.siti))
    assert response.status_code == 302
    page = text_of(client.get(f"{BASE}/{household_id}"))
    assert "Rp4,650,000" in page and "Rp3,100,000" in page
    with app.app_context():
        survey = surveys.household_surveys(world.ksp_id, household_id)[0]
        assert survey.created_by is not None
    response = client.post(f"{BASE}/surveys/{survey.id}/edit", data=_form(people.siti, spending="3,000,000"))
    assert response.status_code == 302
    assert "Rp3,000,000" in text_of(client.get(f"{BASE}/{household_id}"))


@pytest.mark.parametrize("changes,message", [
    ({"surveyed_on": "2026-11-19"}, "The survey date cannot be in the future."),
    ({"surveyed_on": "1990-05-16"}, "The survey date is before the respondent's birth date (1990-05-17)."),
    ({"income_wages": "-5"}, "An income or spending cannot be negative (write 0 for none)."),
    ({"spending": "2,000,000,000"}, "At most Rp1.000.000.000 a month"),
    ({"income_other": "satu juta"}, "That is not an amount."),
    ({"enumerator": ""}, "This field is required."),
    ({"member": ""}, "Choose the member who answered the survey."),
    ({"kind": "follow_up"}, "Record the household's baseline survey first."),
])
def test_bad_surveys_on_the_page_answer_422_and_save_nothing(app, client, world, people, changes, message):
    with app.app_context():
        household_id = household_with(world.ksp_id, people.siti).id
    login_as(client, "treasurer")
    response = client.post(f"{BASE}/{household_id}/surveys/new", data=_form(people.siti, **changes))
    assert response.status_code == 422
    assert message in html.unescape(text_of(response))
    with app.app_context():
        assert survey_count() == 0


def test_a_member_not_of_the_household_is_not_offered(app, client, world, people):
    with app.app_context():
        household_id = household_with(world.ksp_id, people.siti, head_name="Warsini").id
        household_with(world.ksp_id, people.budi, kk_number=KK_2)
    login_as(client, "manager")
    page = text_of(client.get(f"{BASE}/{household_id}/surveys/new"))
    assert "Siti Aminah" in page and "Budi Santoso" not in page
    response = client.post(f"{BASE}/{household_id}/surveys/new", data=_form(people.budi))
    assert response.status_code == 422
    with app.app_context():
        assert survey_count() == 0


def test_an_auditor_reads_surveys_but_records_none(app, client, world, people):
    with app.app_context():
        household_id = household_with(world.ksp_id, people.siti).id
        survey = surveys.record_survey(world.ksp_id, household_id, survey_data(people.siti))
        db.session.commit()
        survey_id = survey.id
    login_as(client, "auditor.indramayu")
    page = text_of(client.get(f"{BASE}/{household_id}"))
    assert "Rp4,650,000" in page and f"/surveys/{survey_id}/edit" not in page
    assert client.post(f"{BASE}/{household_id}/surveys/new", data=_form(people.siti)).status_code == 403
    assert client.get(f"{BASE}/surveys/{survey_id}/edit").status_code == 403
    login_as(client, "other.manager")
    assert client.get(f"{BASE}/surveys/{survey_id}/edit").status_code == 404
    login_as(client, "bmt.manager")
    assert client.get(f"/c/BMT-C/households/surveys/{survey_id}/edit").status_code == 404


def test_the_audit_log_tells_of_households_and_surveys(app, client, world, people):
    login_as(client, "manager")
    client.post(f"{BASE}/new", data={"kk_number": "3212110503150001", "head_name": "Budi Santoso",
                                     "head_gender": "M", "size": "4", "address": ""})
    with app.app_context():
        household = households.household_by_kk(world.ksp_id, "3212110503150001")
        households.link_member(world.ksp_id, household.id, people.siti)
        db.session.commit()
        household_id = household.id
    client.post(f"{BASE}/{household_id}/surveys/new", data=_form(people.siti))
    page = html.unescape(text_of(client.get("/c/KSP-A/audit/")))
    assert "household KK 3212110503150001" in page
    assert "household survey of 2025-01-10" in page
    assert f'href="{BASE}/{household_id}"' in page
