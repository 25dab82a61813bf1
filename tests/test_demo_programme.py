"""The demo's programme records (demo/programme.py): village profiles and cohorts, price
indexes, family cards and household surveys, eighteen months of enterprise reports, an
enterprise that closes, trainings and assistance, loan purposes, and the month-ends'
indicator snapshots showing a trend. Reads the demo loaded once by tests/test_demo.py's
fixture (as of its DEMO_TODAY)."""
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from coop_app.auth.models import RoleGrant, User
from coop_app.cooperatives.models import ConsumerPriceIndex, VillageProfile
from coop_app.demo import DEMO_PASSWORD
from coop_app.demo.programme import PROGRAMME_MONTHS, month_end, month_start
from coop_app.enterprises.models import Enterprise, EnterpriseReport
from coop_app.extensions import db
from coop_app.indicators import income
from coop_app.indicators.catalogue import INDICATORS
from coop_app.indicators.models import IndicatorSnapshot
from coop_app.indicators.periods import Period
from coop_app.loans.models import PRODUCTIVE, Loan
from coop_app.members.models import CANCELLED, Household, HouseholdSurvey, Member
from coop_app.members.nik import check_kk
from coop_app.trainings.models import Assistance, Training, TrainingParticipant

from tests.conftest import Auth
from tests.test_demo import DEMO_TODAY, cooperative, demo_app, demo_database  # noqa: F401 (fixtures)

CODES = ("KSP-IDM01", "BMT-LTM01")
# The KK's first six digits: the province, kabupaten and kecamatan of each demo desa.
KECAMATAN = {"KSP-IDM01": "321211", "BMT-LTM01": "520313"}


def _kk_issued(kk):
    return date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))


def test_every_member_is_on_a_valid_family_card(demo_app):
    with demo_app.app_context():
        for code in CODES:
            coop = cooperative(code)
            households = {h.id: h for h in db.session.execute(select(Household).where(
                Household.cooperative_id == coop.id)).scalars()}
            members = db.session.execute(select(Member).where(
                Member.cooperative_id == coop.id)).scalars().all()
            # Every member but the cancelled registration is on a KK of this cooperative.
            assert {m.name for m in members if m.household_id is None} == {
                m.name for m in members if m.status == CANCELLED}
            assert all(households[m.household_id] for m in members if m.household_id)
            for household in households.values():
                assert check_kk(household.kk_number) == household.kk_number
                assert household.kk_number.startswith(KECAMATAN[code])
                assert date(2009, 1, 1) <= _kk_issued(household.kk_number) < DEMO_TODAY
                assert household.head_gender in ("M", "F") and household.head_name
            per_card = Counter(m.household_id for m in members if m.household_id)
            assert all(households[h].size >= n for h, n in per_card.items())
            assert 40 <= len(households) <= 60  # dozens of households
            assert sum(n == 2 for n in per_card.values()) >= 5  # spouses with returnees, parents with children
            assert {h.head_gender for h in households.values()} == {"M", "F"}


def test_surveys_make_a_panel_every_month(demo_app):
    with demo_app.app_context():
        for code in CODES:
            coop = cooperative(code)
            surveys = db.session.execute(select(HouseholdSurvey).where(
                HouseholdSurvey.cooperative_id == coop.id)).scalars().all()
            kinds = Counter((s.household_id, s.kind) for s in surveys)
            households = {s.household_id for s in surveys}
            assert all(kinds[(h, "baseline")] == 1 for h in households)
            assert {s.enumerator for s in surveys} and all(s.enumerator for s in surveys)
            for survey in surveys:
                for amount in (survey.income_remittance, survey.income_enterprise, survey.income_wages,
                               survey.income_farming, survey.income_other, survey.spending):
                    assert amount >= 0 and amount == amount.to_integral_value()  # whole rupiah
                assert survey.surveyed_on < DEMO_TODAY
            assert any(s.income_remittance > 0 for s in surveys)
            assert any(s.income_enterprise > 0 for s in surveys)
            # Each of the last six months has a panel above the suppression threshold, and
            # over them the households' mean income rose.
            before = after = Decimal(0)
            for back in range(6, 0, -1):
                start = month_start(DEMO_TODAY, back)
                panel = income.panel([coop.id], Period.month(start.year, start.month))
                assert panel.households >= income.PANEL_MIN and not panel.suppressed, (code, start)
                before += panel.baseline_mean * panel.households
                after += panel.follow_up_mean * panel.households
            assert after > before


def test_enterprises_report_over_eighteen_months(demo_app):
    first_month = month_start(DEMO_TODAY, PROGRAMME_MONTHS)
    last_month = month_start(DEMO_TODAY, 1)
    with demo_app.app_context():
        for code in CODES:
            coop = cooperative(code)
            enterprises = db.session.execute(select(Enterprise).where(
                Enterprise.cooperative_id == coop.id)).scalars().all()
            reports = db.session.execute(select(EnterpriseReport).where(
                EnterpriseReport.cooperative_id == coop.id)
                .order_by(EnterpriseReport.period_start)).scalars().all()
            by_enterprise = defaultdict(list)
            for report in reports:
                by_enterprise[report.enterprise_id].append(report)
            assert reports[0].period_start == first_month
            assert max(r.period_end for r in reports) == month_end(last_month)
            months = {r.period_start for r in reports if r.period_kind == "month"}
            assert len(months) == PROGRAMME_MONTHS  # every month has reports
            assert any(r.period_kind == "quarter" for r in reports)
            for report in reports:
                assert report.net_income == report.turnover - report.costs
                assert report.turnover == report.turnover.to_integral_value()
            # One enterprise closed within the months: its last report is of its closing
            # month, with nobody left working at the month's end.
            closed = [e for e in enterprises if e.closed_on is not None]
            assert len(closed) == 1 and not closed[0].active
            assert first_month < closed[0].closed_on < DEMO_TODAY
            last = by_enterprise[closed[0].id][-1]
            assert last.period_start <= closed[0].closed_on <= last.period_end and last.workers == 0
            # Some started within the months, after their owner joined.
            assert sum(first_month <= e.start_date < DEMO_TODAY for e in enterprises) >= 2
            # Over time some take on people, sell online and get their permits.
            grew = online = permits = 0
            for own in by_enterprise.values():
                monthly = [r for r in own if r.period_kind == "month" and r.workers]
                if monthly and monthly[-1].workers > monthly[0].workers:
                    grew += 1
                online += own[-1].sells_online and not own[0].sells_online
                permits += own[-1].has_nib and not own[0].has_nib
            assert grew >= 2 and online >= 1 and permits >= 1
            assert any(r.has_pirt for r in reports) and any(r.has_halal for r in reports)
            assert any(r.sells_export for r in reports)
            turnovers = [r.turnover for r in reports if r.period_kind == "month"]
            assert len(set(turnovers)) > len(turnovers) // 2  # seasons and growth, not one figure


def test_trainings_with_certificates_and_assistance(demo_app):
    with demo_app.app_context():
        for code in CODES:
            coop = cooperative(code)
            trainings = db.session.execute(select(Training).where(
                Training.cooperative_id == coop.id)).scalars().all()
            assert len(trainings) >= 5
            assert {t.training_type for t in trainings} >= {
                "entrepreneurship", "financial_literacy", "packaging", "digital_marketing", "skills"}
            participants = db.session.execute(select(TrainingParticipant).where(
                TrainingParticipant.cooperative_id == coop.id)).scalars().all()
            certified = [p.certificate_number for p in participants if p.certified]
            assert len(certified) >= 20 and len(set(certified)) == len(certified)
            assert any(not p.certified for p in participants)  # attendance only
            joined = dict(db.session.execute(select(Member.id, Member.join_date).where(
                Member.cooperative_id == coop.id)).all())
            held = {t.id: t.held_on for t in trainings}
            assert all(joined[p.member_id] <= held[p.training_id] for p in participants)
            kinds = db.session.execute(select(Assistance.kind, Assistance.value).where(
                Assistance.cooperative_id == coop.id)).all()
            assert {kind for kind, _value in kinds} == {"in_kind", "cash"}
            assert all(value > 0 for _kind, value in kinds)


def test_villages_cohorts_and_price_indexes(demo_app):
    with demo_app.app_context():
        for code, cohort in zip(CODES, (2017, 2019)):
            coop = cooperative(code)
            assert coop.programme_cohort == cohort
            profiles = db.session.execute(select(VillageProfile).where(
                VillageProfile.cooperative_id == coop.id).order_by(VillageProfile.year)).scalars().all()
            assert [p.year for p in profiles] == list(range(coop.founded_on.year, DEMO_TODAY.year + 1))
            for profile in profiles:
                assert 3_000 <= profile.population_m + profile.population_f <= 6_000
                assert 0 < profile.migrant_households <= profile.households
                assert profile.migrant_households <= profile.working_abroad
            assert profiles[-1].working_abroad > min(p.working_abroad for p in profiles)
        indexes = {(i.province_code, i.year): i.value for i in db.session.execute(
            select(ConsumerPriceIndex)).scalars()}
        for province in ("32", "52"):
            values = [indexes[(province, year)] for year in range(2022, 2027)]
            assert all(isinstance(v, Decimal) for v in values)
            assert values[0] == 100 and values == sorted(values)
            assert Decimal("102.6") <= values[1] <= Decimal("103.0")
            assert Decimal("104.3") <= values[2] <= Decimal("104.9")
            assert Decimal("106.0") <= values[3] <= Decimal("107.0")
            assert Decimal("108.5") <= values[4] <= Decimal("109.5")


def test_loans_say_what_they_are_for(demo_app):
    with demo_app.app_context():
        loans = db.session.execute(select(Loan)).scalars().all()
        kinds = Counter(loan.purpose_kind for loan in loans)
        assert set(kinds) == {"working_capital", "investment", "consumption", "education"}
        assert kinds["working_capital"] + kinds["investment"] >= 20
        assert all(loan.purpose_kind in PRODUCTIVE for loan in loans if loan.enterprise_id)


def test_every_snapshot_indicator_shows_a_trend(demo_app):
    """Each month-end stored its snapshot; every stored indicator is non-zero in some month
    and changes over the months."""
    with demo_app.app_context():
        rows = db.session.execute(select(
            IndicatorSnapshot.indicator, IndicatorSnapshot.period_end,
            func.sum(IndicatorSnapshot.numerator))
            .where(IndicatorSnapshot.cut == "all", IndicatorSnapshot.period_kind == "month")
            .group_by(IndicatorSnapshot.indicator, IndicatorSnapshot.period_end)).all()
        months = {end for _indicator, end, _value in rows}
        assert len(months) == 12 and max(months) == month_end(month_start(DEMO_TODAY, 1))
        values = defaultdict(list)
        for indicator, _end, value in rows:
            values[indicator].append(value)
        for indicator in INDICATORS:
            if not indicator.snapshot:
                continue
            assert any(values[indicator.key]), indicator.key
            assert len(set(values[indicator.key])) > 1, indicator.key


def test_the_pendamping_logs_in_to_their_cooperative(demo_app):
    with demo_app.app_context():
        coop = cooperative("KSP-IDM01")
        user = db.session.execute(select(User).where(User.username == "ksp.pendamping")).scalar_one()
        grants = db.session.execute(select(RoleGrant.role, RoleGrant.cooperative_id).where(
            RoleGrant.user_id == user.id)).all()
        assert grants == [("pendamping", coop.id)]
        recorded = db.session.execute(select(func.count()).select_from(HouseholdSurvey).where(
            HouseholdSurvey.created_by == user.id)).scalar()
        assert recorded > 0
    client = demo_app.test_client()
    response = Auth(client).login("ksp.pendamping", DEMO_PASSWORD)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
