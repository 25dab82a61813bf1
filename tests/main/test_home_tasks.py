"""The home pages as task lists: each role's lines count the work waiting on the
cooperative's today and link to the list where it is done, showing exactly those rows; the
admin's home says what to set up; the dashboard's charts carry the reports' figures."""
import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal as D
from html import unescape

import pytest
from flask import g
from sqlalchemy import func, select

from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.loans.monthend import run_loan_month_end
from coop_app.loans.portfolio.figures import portfolio
from coop_app.main import charts
from coop_app.remittances.queries import remittance_totals
from coop_app.savings.models import SavingsTransaction
from tests.conftest import PASSWORD
from tests.main.world import build_day
from tests.support.web import client_for


@pytest.fixture
def day(app):
    with app.app_context():
        g.actor_id = None
        built = build_day()
        db.session.remove()
    return built


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return unescape(response.get_data(as_text=True))


def tasks_of(html):
    """{key: (count, link, text)} of the task lines on a page."""
    found = {}
    for key, count, body in re.findall(
            r'<li[^>]*data-task="([a-z_]+)" data-count="(\d+)">(.*?)</li>', html, re.S):
        href = re.search(r'<a href="([^"]+)"', body).group(1)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
        found[key] = (int(count), href, text)
    return found


def loan_rows(html):
    return {int(n) for n in re.findall(r'<tr data-loan="(\d+)"', html)}


def first_cells(html, table_id):
    """The first cell of each body row of a table: the codes or usernames an admin list shows."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [cell.strip() for cell in re.findall(r"<tr>\s*<td[^>]*>([^<]*)</td>", body)]


def member_rows(html):
    return re.findall(r'<tr data-member="([^"]+)"', html)


# -- the treasurer's and the manager's lines ---------------------------------------------------

def test_treasurer_home_counts_the_days_work_and_each_line_lists_exactly_its_rows(app, day):
    client = client_for(app, "treasurer")
    html = page(client, "/c/KSP-A/")
    lines = tasks_of(html)
    assert list(lines) == ["applications", "approved", "due_week", "arrears", "wajib"]
    assert {key: count for key, (count, _h, _t) in lines.items()} == {
        "applications": 1, "approved": 1, "due_week": 1, "arrears": 1, "wajib": 1}
    assert "1 application waiting for a decision" in lines["applications"][2]
    assert "1 loan with an instalment due by 24 Nov" in lines["due_week"][2]
    assert "1 loan in arrears" in lines["arrears"][2]
    # Siti owes 21 months of Rp20.000: January 2025 was paid, February 2025 to October 2026 not.
    assert "Rp420,000 in all" in lines["wajib"][2]

    expected = {"applications": {day.applied}, "approved": {day.approved},
                "due_week": {day.due_soon}, "arrears": {day.overdue}}
    for key, loans in expected.items():
        listed = page(client, lines[key][1])
        assert loan_rows(listed) == loans, key
    wajib = page(client, lines["wajib"][1])
    assert member_rows(wajib) == ["2025.00001"]


def test_the_lines_follow_the_cooperatives_date(app, day, clock):
    """At 00:30 WIB on 21 November (still the 20th in UTC) Dewi's instalment of the 20th is
    overdue and nothing else falls due within the week."""
    clock.move_to(datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc))
    client = client_for(app, "treasurer")
    lines = tasks_of(page(client, "/c/KSP-A/"))
    assert lines["due_week"][0] == 0
    assert lines["arrears"][0] == 2
    assert loan_rows(page(client, lines["arrears"][1])) == {day.overdue, day.due_soon}


def test_manager_also_sees_the_month_end_and_the_months_to_close(app, day):
    client = client_for(app, "manager")
    lines = tasks_of(page(client, "/c/KSP-A/"))
    assert list(lines) == ["applications", "approved", "due_week", "arrears", "wajib",
                           "month_end", "to_close"]
    assert lines["month_end"][0] == 1
    assert "The month-end of October 2026 has not run" in lines["month_end"][2]
    assert lines["month_end"][1] == "/c/KSP-A/savings/month-end"
    # The first entry is the grant of 2 January 2025: January 2025 to October 2026 are open.
    assert lines["to_close"][0] == 22
    assert "From January 2025 on" in lines["to_close"][2]
    assert lines["to_close"][1] == "/c/KSP-A/ledger/periods"

    with app.app_context():
        g.actor_id = None
        run_loan_month_end(day.ksp_id, date(2026, 10, 31), day.user_id("manager"))
        db.session.commit()
    lines = tasks_of(page(client, "/c/KSP-A/"))
    assert lines["month_end"][0] == 0
    assert "The month-end of October 2026 has run" in lines["month_end"][2]


def test_auditor_sees_arrears_and_month_ends_of_each_cooperative(app, day):
    client = client_for(app, "auditor.jabar")
    html = page(client, "/")
    rows = dict(re.findall(r'<a href="/c/(KSP-[AB])/">.*?data-arrears="(\d+)"', html, re.S))
    assert rows == {"KSP-A": "1", "KSP-B": "0"}
    assert html.count('data-month-end="missing"') == 2
    assert "/c/KSP-A/loans/?due=overdue" in html
    # On the cooperative's own home, the auditor's lines: no applications or disbursements.
    lines = tasks_of(page(client, "/c/KSP-A/"))
    assert list(lines) == ["arrears", "wajib", "month_end", "to_close"]
    assert lines["arrears"][0] == 1


def test_bmt_lines_count_only_the_bmt(app, day):
    client = client_for(app, "bmt.treasurer")
    lines = tasks_of(page(client, "/c/BMT-C/"))
    assert {key: count for key, (count, _h, _t) in lines.items()} == {
        "applications": 0, "approved": 0, "due_week": 0, "arrears": 0, "wajib": 1}


# -- the member -----------------------------------------------------------------------------

def test_member_home_shows_the_next_instalment_and_the_wajib_due(app, day):
    client = client_for(app, "member")  # Siti
    html = page(client, "/c/KSP-A/")
    dues = re.search(r'id="my-dues".*?</section>', html, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dues))
    # 6.000.000 over 12 months flat at 12%: 500.000 principal + 60.000 interest a month.
    assert "next instalment Rp560,000 due September 10, 2026" in text
    assert "Rp1,680,000 is overdue (69 days late)" in text
    # Wajib: February 2025 to November 2026 payable now (22 x 20.000), 21 of them overdue.
    assert "Rp440,000 to pay now" in text
    assert "of which Rp420,000 from months already ended" in text


def test_member_with_nothing_due_is_told_so(app, day):
    with app.app_context():
        g.actor_id = None
        user = users.create_user("wati", "Wati Kusuma", PASSWORD)
        users.grant_role(user.id, "member", cooperative_id=day.ksp_id)
        from coop_app.members.models import Member
        db.session.get(Member, day.families.wati).user_id = user.id
        db.session.commit()
    html = page(client_for(app, "wati"), "/c/KSP-A/")
    assert 'data-due="none"' in html
    assert 'data-due="wajib"' not in html


# -- the administrator ------------------------------------------------------------------------

def test_admin_home_says_what_to_set_up(app, day):
    with app.app_context():
        g.actor_id = None
        users.create_user("baru", "Pengguna Baru", PASSWORD)
        db.session.commit()
    client = client_for(app, "admin")
    html = page(client, "/")
    assert "Ask the administrator" not in html
    lines = tasks_of(html)
    # Every cooperative of the world has a manager or treasurer; member2, bmt.member have
    # roles; only the new user has none; none of the three ran October's month-end.
    assert {key: count for key, (count, _h, _t) in lines.items()} == {
        "staffless": 0, "roleless": 1, "behind": 3}
    assert 'href="/admin/cooperatives/new"' in html and 'href="/admin/users/new"' in html
    users_page = page(client, lines["roleless"][1])
    assert first_cells(users_page, "users") == ["baru"]
    behind = page(client, lines["behind"][1])
    assert first_cells(behind, "cooperatives") == ["BMT-C", "KSP-A", "KSP-B"]

    with app.app_context():
        g.actor_id = None
        from coop_app.provisioning import create_cooperative
        create_cooperative("KSP-D", "ksp", name="KSP Baru", village="Lohbener", kecamatan="Lohbener",
                           kabupaten="Kabupaten Indramayu", province="Jawa Barat",
                           founded_on=date(2020, 1, 1))
        run_loan_month_end(day.ksp_id, date(2026, 10, 31), day.user_id("manager"))
        db.session.commit()
    lines = tasks_of(page(client, "/"))
    assert lines["staffless"][0] == 1 and lines["behind"][0] == 3
    staffless = page(client, lines["staffless"][1])
    assert first_cells(staffless, "cooperatives") == ["KSP-D"]
    behind = page(client, lines["behind"][1])
    assert first_cells(behind, "cooperatives") == ["BMT-C", "KSP-B", "KSP-D"]


# -- the charts agree with the reports ------------------------------------------------------------

def chart_data(html, key):
    block = re.search(rf'<script type="application/json" id="chart-data-{key}">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def chart_table(html, key):
    """{day: [cells]} of the chart's table alternative."""
    table = re.search(rf'id="chart-table-{key}".*?</table>', html, re.S).group(0)
    return {day: re.findall(r'<td class="text-end amount">([^<]*)</td>', row)
            for day, row in re.findall(r'<tr data-day="([\d-]+)">(.*?)</tr>', table, re.S)}


def passbook_total(coop_id, day):
    """The savings members held at the close of `day`, from the passbooks: each account's
    last balance_after up to that day."""
    st = SavingsTransaction
    last = (select(st.account_id, func.max(st.id).label("id"))
            .where(st.cooperative_id == coop_id, st.txn_date <= day).group_by(st.account_id).subquery())
    rows = db.session.execute(select(st.balance_after).join(last, last.c.id == st.id)).scalars()
    return sum(rows, D(0))


def test_savings_and_remittance_chart_equals_the_passbooks_and_the_remittance_list(app, day):
    client = client_for(app, "treasurer")
    html = page(client, "/c/KSP-A/")
    data = chart_data(html, "savings")
    assert len(data["labels"]) == 12 and data["labels"][-1] == "Nov 2026"
    table = chart_table(html, "savings")
    ends = [date.fromisoformat(d) for d in table]
    assert ends[0] == date(2025, 12, 31) and ends[-2] == date(2026, 10, 31) and ends[-1] == date(2026, 11, 18)
    with app.app_context():
        for i, end in enumerate(ends):
            savings = passbook_total(day.ksp_id, end)
            received = remittance_totals(day.ksp_id, end.replace(day=1), end)["received"]
            assert D(str(data["series"][0]["values"][i])) == savings, end
            assert D(str(data["series"][1]["values"][i])) == received, end
    remittances = dict(zip(data["labels"], data["series"][1]["values"]))
    assert remittances["Sep 2026"] == 2000000 and remittances["Oct 2026"] == 1500000
    assert table["2026-10-31"][1] == "Rp1,500,000"
    # The remittance list of October says the same.
    listed = page(client, "/c/KSP-A/remittances/?date_from=2026-10-01&date_to=2026-10-31")
    assert "Rp1,500,000" in listed


def test_quality_chart_equals_the_portfolio_as_of_each_month_end(app, day):
    with app.app_context():
        g.actor_id = None
        run_loan_month_end(day.ksp_id, date(2026, 10, 31), day.user_id("manager"))
        db.session.commit()
    client = client_for(app, "manager")
    html = page(client, "/c/KSP-A/")
    data = chart_data(html, "quality")
    table = chart_table(html, "quality")
    classes = ["lancar", "dpk", "kl", "diragukan", "macet"]
    values = {d: dict(zip(classes, (s["values"][i] for s in data["series"])))
              for i, d in enumerate(table)}
    # Siti's loan of 10 August: lancar at the end of August (no month-end had classed it);
    # 51 days past due at the October month-end: dalam perhatian khusus. Dewi's: lancar.
    assert values["2026-08-31"] == {"lancar": 6000000, "dpk": 0, "kl": 0, "diragukan": 0, "macet": 0}
    assert values["2026-10-31"] == {"lancar": 3000000, "dpk": 6000000, "kl": 0, "diragukan": 0, "macet": 0}
    with app.app_context():
        for d in ("2026-07-31", "2026-08-31", "2026-10-31", "2026-11-18"):
            figures = portfolio(day.ksp_id, as_of=date.fromisoformat(d)).total.quality
            assert {q: D(str(v)) for q, v in values[d].items()} == {q: figures[q].amount for q in classes}
    # And the portfolio page as of 31 October shows the very amounts of the chart's table.
    report = page(client, "/c/KSP-A/portfolio/?as_of=2026-10-31")
    for i, q in enumerate(classes):
        shown = re.search(rf'data-figure="quality-{q}">([^<]*)</a>', report).group(1)
        assert shown == table["2026-10-31"][i], q
    assert '<canvas data-chart="chart-data-quality"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/charts.js" in html


def test_month_ends_run_back_twelve_months():
    assert charts.month_ends(date(2026, 1, 15), 3) == [date(2025, 11, 30), date(2025, 12, 31),
                                                       date(2026, 1, 15)]
    assert charts.month_ends(date(2024, 3, 31), 2) == [date(2024, 2, 29), date(2024, 3, 31)]


def test_loan_list_refuses_an_unknown_due_filter_without_an_error(app, day):
    client = client_for(app, "treasurer")
    response = client.get("/c/KSP-A/loans/?due=tomorrow")
    assert response.status_code == 200
    assert len(loan_rows(unescape(response.get_data(as_text=True)))) == 4
