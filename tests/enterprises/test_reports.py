"""An enterprise's monthly and quarterly reports: net income worked out from turnover and
costs, the periods' bounds, the overlap rules between months and quarters, every refusal
(with its message, 422 on the page, nothing saved), the enterprise page's table with its
totals, and who may record them.

Budi's "Warung Budi" (tests/members/pages.py) started on 1 May 2023; today is 18 November
2026 (tests/conftest.py)."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.enterprises import reports
from coop_app.enterprises import service as enterprises
from coop_app.enterprises.models import EnterpriseReport
from coop_app.errors import InvalidField, NotFound
from coop_app.extensions import db
from tests.support import in_english
from tests.support.web import english, login_as, table_column, text_of
from tests.trainings.helpers import add_pendamping, count, count_in

D = Decimal
BASE = "/c/KSP-A/enterprises"


def month(number, year=2026, **changes):
    values = dict(period_kind="month", year=year, month=number, turnover=D("12500000"),
                  costs=D("9750000.50"), workers={"owner_m": 1, "family_f": 2, "hired_m": 1},
                  sells_local=True, sells_online=True, has_nib=True)
    values.update(changes)
    return reports.ReportData(**values)


def quarter(number, year=2026, **changes):
    values = dict(period_kind="quarter", year=year, quarter=number, turnover=D("3000000"),
                  costs=D("4200000"), workers={"owner_m": 1})
    values.update(changes)
    return reports.ReportData(**values)


def refused(people, data, field, text, report_id=None):
    with pytest.raises(InvalidField) as caught:
        if report_id is None:
            reports.record_report(people_coop(people), people.shop, data)
        else:
            reports.update_report(people_coop(people), report_id, data)
    assert caught.value.field == field
    assert text in in_english(caught.value)
    db.session.rollback()


def people_coop(people):
    return db.session.get(enterprises.Enterprise, people.shop).cooperative_id


@pytest.fixture
def shop(app, people):
    with app.app_context():
        yield people


# -- the service ------------------------------------------------------------------------

def test_net_income_is_turnover_less_costs(shop):
    october = reports.record_report(people_coop(shop), shop.shop, month(10))
    db.session.commit()
    assert (october.period_start, october.period_end) == (date(2026, 10, 1), date(2026, 10, 31))
    # 12.500.000 - 9.750.000,50 = 2.749.999,50
    assert (october.turnover, october.costs, october.net_income) == (D("12500000"), D("9750000.50"),
                                                                    D("2749999.50"))
    assert (october.owner_m, october.family_f, october.hired_m, october.workers) == (1, 2, 1, 4)
    assert (october.sells_local, october.sells_online, october.sells_export) == (True, True, False)
    assert (october.has_nib, october.has_pirt, october.has_halal) == (True, False, False)
    # a loss: 3.000.000 - 4.200.000 = -1.200.000; the third quarter is July to September
    third = reports.record_report(people_coop(shop), shop.shop, quarter(3))
    db.session.commit()
    assert (third.period_start, third.period_end, third.net_income) == (
        date(2026, 7, 1), date(2026, 9, 30), D("-1200000"))
    # the enterprise's totals: turnover 15.500.000, costs 13.950.000,50, net 1.549.999,50
    assert reports.report_totals(people_coop(shop), shop.shop) == {
        "reports": 2, "turnover": D("15500000"), "costs": D("13950000.50"), "net_income": D("1549999.50")}
    assert [r.id for r in reports.enterprise_reports(people_coop(shop), shop.shop)] == [october.id, third.id]


def test_period_bounds():
    assert reports.month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert reports.month_bounds(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))
    assert reports.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert reports.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))


def test_the_current_period_may_be_reported_a_later_one_not(shop):
    coop = people_coop(shop)
    november = reports.record_report(coop, shop.shop, month(11))  # began on 1 November
    assert november.period_end == date(2026, 11, 30)
    refused(shop, month(12), "month", "not one that starts after today")
    refused(shop, month(1, year=2027), "year", "from 2000 to 2026")


def test_months_and_quarters_never_overlap(shop):
    coop = people_coop(shop)
    reports.record_report(coop, shop.shop, quarter(3))
    reports.record_report(coop, shop.shop, month(10))
    db.session.commit()
    refused(shop, month(8), "month", "lies in a quarter already reported (Quarter 3 2026)")
    refused(shop, quarter(4), "quarter", "A month of this quarter is already reported on its own (October 2026)")
    refused(shop, month(10), "month", "already reported; edit that report instead")
    refused(shop, quarter(3, turnover=D("1")), "quarter", "already reported; edit that report instead")
    assert count(EnterpriseReport) == 2
    # the months around them are free
    reports.record_report(coop, shop.shop, month(6))
    reports.record_report(coop, shop.shop, month(11))
    db.session.commit()
    assert count(EnterpriseReport) == 4


def test_start_and_closing_bound_the_periods(shop):
    coop = people_coop(shop)
    refused(shop, month(4, year=2023), "month", "started on")   # started 1 May 2023
    reports.record_report(coop, shop.shop, quarter(2, year=2023))  # April to June holds May
    enterprises.close_enterprise(coop, shop.shop, date(2026, 8, 15))
    db.session.commit()
    refused(shop, month(9), "month", "closed on")
    refused(shop, quarter(4), "quarter", "closed on")
    # still trading at the end of July: someone works in it
    refused(shop, month(7, workers={}), "workers", "at least one person working in it")
    # closed before the end of August: nobody need be working at its end
    august = reports.record_report(coop, shop.shop, month(8, workers={}))
    assert august.workers == 0


@pytest.mark.parametrize("changes,field,text", [
    ({"turnover": D("-1")}, "turnover", "cannot be negative"),
    ({"costs": D("-0.01")}, "costs", "cannot be negative"),
    ({"turnover": D("100000000000.01")}, "turnover", "larger than any single transaction"),
    ({"costs": D("1.005")}, "costs", "at most two decimals"),
    ({"turnover": None}, "turnover", "not an amount"),
    ({"workers": {"owner_m": -1}}, "owner_m", "from 0 to 1000"),
    ({"workers": {"owner_m": 1, "hired_f": 1001}}, "hired_f", "from 0 to 1000"),
    ({"workers": {"owner_f": True}}, "owner_f", "from 0 to 1000"),
    ({"workers": {"owner_m": 0}}, "workers", "its owner"),
    ({"period_kind": "year"}, "period_kind", "month or a quarter"),
    ({"month": 13}, "month", "Choose the month"),
    ({"month": None}, "month", "Choose the month"),
    ({"year": 1999}, "year", "from 2000 to 2026"),
])
def test_bad_reports(shop, changes, field, text):
    refused(shop, month(10, **changes), field, text)
    assert count(EnterpriseReport) == 0


def test_the_largest_amounts_pass(shop):
    report = reports.record_report(people_coop(shop), shop.shop, month(
        10, turnover=D("100000000000"), costs=D("0"),
        workers={"owner_m": 1000, "owner_f": 1000, "family_m": 1000, "family_f": 1000,
                 "hired_m": 1000, "hired_f": 1000}))
    assert (report.net_income, report.workers) == (D("100000000000"), 6000)


def test_editing_a_report(shop):
    coop = people_coop(shop)
    october = reports.record_report(coop, shop.shop, month(10))
    reports.record_report(coop, shop.shop, month(8))
    db.session.commit()
    # a report may be edited in place (its own period is no clash), or moved to a free one
    reports.update_report(coop, october.id, month(10, costs=D("13000000")))
    assert october.net_income == D("-500000")
    reports.update_report(coop, october.id, month(9, costs=D("2500000")))
    db.session.commit()
    assert (october.period_start, october.net_income) == (date(2026, 9, 1), D("10000000"))
    refused(shop, quarter(3), "quarter", "A month of this quarter is already reported", report_id=october.id)
    db.session.refresh(october)
    assert october.period_kind == "month"
    other_coop = db.session.get(enterprises.Enterprise, shop.other_shop).cooperative_id
    with pytest.raises(NotFound):
        reports.get_report(other_coop, october.id)  # another cooperative's: not found


# -- the pages --------------------------------------------------------------------------

def form(**changes):
    values = {"period_kind": "month", "year": "2026", "month": "10", "quarter": "",
              "turnover": "12,500,000", "costs": "9,750,000.50", "owner_m": "1", "owner_f": "0",
              "family_m": "0", "family_f": "2", "hired_m": "1", "hired_f": "0",
              "sells_local": "y", "has_halal": "y"}
    values.update(changes)
    return values


def test_reports_recorded_and_listed_with_totals(app, client, auth, people):
    auth.login("treasurer")
    response = client.get(f"{BASE}/{people.shop}/reports/new")
    assert response.status_code == 200
    page = text_of(response)
    # a first report starts from the owner alone (Budi: a man)
    assert 'name="owner_m" required type="number" value="1"' in page
    english(client)
    response = client.post(f"{BASE}/{people.shop}/reports/new", data=form())
    assert response.status_code == 302
    response = client.post(f"{BASE}/{people.shop}/reports/new", data=form(
        period_kind="quarter", month="", quarter="3", turnover="3,000,000", costs="4,200,000"))
    assert response.status_code == 302
    page = text_of(client.get(f"{BASE}/{people.shop}"))
    assert table_column(page, "enterprise-reports") == ["October 2026", "Quarter 3 2026"]
    assert table_column(page, "enterprise-reports", 3) == ["Rp2,749,999.50", "-Rp1,200,000"]
    assert table_column(page, "enterprise-reports", 4) == ["4", "4"]  # copied from October
    assert table_column(page, "enterprise-reports", 6) == ["halal", "halal"]
    assert "Total of 2 reports" in page
    assert "Rp15,500,000" in page and "Rp13,950,000.50" in page and "Rp1,549,999.50" in page
    # a new report starts from the latest period's people, channels and permits
    page = text_of(client.get(f"{BASE}/{people.shop}/reports/new"))
    assert 'name="family_f" required type="number" value="2"' in page
    with app.app_context():
        third = db.session.execute(db.select(EnterpriseReport).where(
            EnterpriseReport.period_kind == "quarter")).scalar_one()
    response = client.post(f"{BASE}/{people.shop}/reports/{third.id}/edit", data=form(
        period_kind="quarter", month="", quarter="3", turnover="5,000,000", costs="4,200,000"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(EnterpriseReport, third.id).net_income == D("800000")
    assert client.get(f"{BASE}/{people.other_shop}/reports/{third.id}/edit").status_code == 404


@pytest.mark.parametrize("changes,text", [
    ({"turnover": "abc"}, "That is not an amount"),
    ({"turnover": "-5,000"}, "The amount must be more than zero"),
    ({"turnover": "200,000,000,000"}, "larger than any single transaction"),
    ({"costs": ""}, "Write the costs"),
    ({"owner_m": "-1"}, "Write a whole number"),
    ({"hired_f": "1001"}, "from 0 to 1000"),
    ({"owner_m": "0", "family_f": "0", "hired_m": "0"}, "its owner"),
    ({"month": ""}, "Choose the month"),
    ({"month": "13"}, "Choose one of the listed options"),
    ({"period_kind": "quarter", "quarter": ""}, "Choose the quarter"),
    ({"month": "12"}, "not one that starts after today"),
    ({"year": "2023", "month": "4"}, "started on"),
    ({"year": "20x6"}, "Write a whole number"),
])
def test_bad_report_input(app, client, auth, people, changes, text):
    auth.login("manager")
    english(client)
    response = client.post(f"{BASE}/{people.shop}/reports/new", data=form(**changes))
    assert response.status_code == 422 and text in text_of(response)
    assert count_in(app, EnterpriseReport) == 0


def test_overlap_refused_on_the_page(app, client, auth, people):
    auth.login("manager")
    english(client)
    assert client.post(f"{BASE}/{people.shop}/reports/new", data=form()).status_code == 302
    response = client.post(f"{BASE}/{people.shop}/reports/new", data=form(period_kind="quarter", quarter="4"))
    assert response.status_code == 422
    assert "A month of this quarter is already reported on its own (October 2026)" in text_of(response)
    response = client.post(f"{BASE}/{people.shop}/reports/new", data=form())
    assert response.status_code == 422 and "already reported" in text_of(response)
    assert count_in(app, EnterpriseReport) == 1


@pytest.mark.parametrize("username,page,post", [
    ("treasurer", 200, 302), ("manager", 200, 302), ("pendamping", 200, 302),
    ("auditor.jabar", 403, 403), ("member", 403, 403), ("other.manager", 404, 404),
    ("bmt.manager", 404, 404), ("auditor.ntb", 404, 404),
])
def test_who_records_reports(app, client, people, world, username, page, post):
    add_pendamping(app, world)
    login_as(client, username)
    assert client.get(f"{BASE}/{people.shop}/reports/new").status_code == page
    assert client.post(f"{BASE}/{people.shop}/reports/new", data=form()).status_code == post
    assert count_in(app, EnterpriseReport) == (1 if post == 302 else 0)


@pytest.mark.parametrize("username,status", [
    ("treasurer", 200), ("manager", 200), ("pendamping", 200), ("auditor.indramayu", 200),
    ("other.manager", 404), ("auditor.ntb", 404),
])
def test_who_reads_the_reports(app, client, people, world, username, status):
    add_pendamping(app, world)
    with app.app_context():
        reports.record_report(world.ksp_id, people.shop, month(10))
        db.session.commit()
    login_as(client, username)
    response = client.get(f"{BASE}/{people.shop}")
    assert response.status_code == status
    if status == 200:
        page = text_of(response)
        assert table_column(page, "enterprise-reports") == ["October 2026"]
        assert ('id="new-report"' in page) == (username in ("treasurer", "manager", "pendamping"))
