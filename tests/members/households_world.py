"""The households tests' world (tests/members/test_households.py, test_surveys.py,
test_survey_import.py, tests/portal/test_household.py): the `people` of the member pages
(Siti, linked to the "member" user, and Budi in KSP-A; Orang Lain in KSP-B), a pendamping
desa of KSP-A, and plausible KK numbers."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.members import households, surveys
from coop_app.members.models import Household, HouseholdSurvey
from tests.conftest import PASSWORD

D = Decimal
TODAY = date(2026, 11, 18)  # the frozen clock's day (tests/conftest.py)
KK = "3212110503150001"  # Indramayu 32.12.11, issued 05-03-2015, serial 0001
KK_2 = "3212110101200002"


def add_pendamping(app, world, username="pendamping", cooperative_id=None):
    with app.app_context():
        user = users.create_user(username, "Pendamping Desa", PASSWORD)
        users.grant_role(user.id, "pendamping", cooperative_id=cooperative_id or world.ksp_id)
        db.session.commit()
        return user.id


def household_data(**changes):
    values = dict(kk_number=KK, head_name="Budi Santoso", head_gender="M", size=4,
                  address="Blok Kulon 3, Juntinyuat")
    values.update(changes)
    return households.HouseholdData(**values)


def survey_data(member_id, **changes):
    values = dict(kind="baseline", surveyed_on=date(2025, 1, 10), member_id=member_id,
                  enumerator="Wati (pendamping)", income_remittance=D("2500000"),
                  income_enterprise=D("1200000"), income_wages=D("800000"), income_farming=D("0"),
                  income_other=D("150000"), spending=D("3100000"))
    values.update(changes)
    return surveys.SurveyData(**values)


def household_with(coop_id, *member_ids, **changes):
    """A household (committed) with these members linked."""
    household = households.create_household(coop_id, household_data(**changes))
    for member_id in member_ids:
        households.link_member(coop_id, household.id, member_id)
    db.session.commit()
    return household


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def household_count():
    return count(Household)


def survey_count():
    return count(HouseholdSurvey)
