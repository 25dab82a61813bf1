"""The indicator pages through the Flask test client: who may see which cooperatives'
figures, the controls' bad values (a message, never a 500), a figure and the list behind it
agreeing, and a suppressed K4 cell shown as "—" with no list behind it.

The world (tests/conftest.py): KSP-A in Indramayu and KSP-B in Cirebon (both Jawa Barat),
BMT-C in Lombok Timur (NTB). Members join on 1 Feb 2024, so at the end of October 2026 (the
last closed month at the tests' frozen 18 Nov 2026) KSP-A has 3 active members, KSP-B 2 and
BMT-C 1. KSP-A's October is stored as the month-end would (snapshots inserted directly),
with an enterprise turnover of Rp3.000.000 over 2 reporting enterprises: a K4 cell of fewer
than five, suppressed in programme views and shown (Rp1.500.000 each) on KSP-A's own page.
KSP-B and BMT-C have no snapshot: their October is computed live.
"""
import re
from datetime import date

import pytest

from coop_app.extensions import db
from coop_app.indicators.models import IndicatorSnapshot
from tests.indicators.joining import join
from tests.support.web import login_as

OCTOBER = dict(kind="month", period="2026-10")


def snapshot(coop_id, indicator, numerator, denominator=None, cut="all", end=date(2026, 10, 31)):
    db.session.add(IndicatorSnapshot(cooperative_id=coop_id, period_kind="month", period_end=end,
                                     indicator=indicator, cut=cut, numerator=numerator,
                                     denominator=denominator))


@pytest.fixture
def indicators_world(app, world):
    with app.app_context():
        for name, gender, category in (("Siti Aminah", "F", "family"), ("Budi Santoso", "M", "other"),
                                       ("Ani Lestari", "F", "ctki")):
            join(world.ksp_id, name, gender, category)
        for name, gender in (("Dewi Sartika", "F"), ("Eko Prasetyo", "M")):
            join(world.other_id, name, gender, "other")
        join(world.bmt_id, "Fatimah Zahra", "F", "returnee")
        snapshot(world.ksp_id, "k2_active_members", 3)
        snapshot(world.ksp_id, "k2_active_members", 2, cut="gender:F")
        snapshot(world.ksp_id, "k2_active_members", 1, cut="gender:M")
        snapshot(world.ksp_id, "k4_turnover", 300_000_000, 2)
        db.session.commit()
    return world


def cell(html, indicator, column):
    """The text of one cell of an indicator's row (tags stripped)."""
    row = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', html, re.S).group(1)
    found = re.search(rf'data-column="{column}">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", found).strip()


def link(html, indicator, column="now"):
    row = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', html, re.S).group(1)
    found = re.search(rf'data-column="{column}">(.*?)</td>', row, re.S).group(1)
    href = re.search(r'href="([^"]+)"', found)
    return href.group(1).replace("&amp;", "&") if href else None


# -- access -------------------------------------------------------------------------------

@pytest.mark.parametrize("username, active", [
    ("admin", "6"), ("auditor.all", "6"), ("auditor.jabar", "5"), ("auditor.indramayu", "3"),
    ("auditor.ntb", "1")])
def test_the_programme_page_covers_the_readers_region_only(client, indicators_world, username, active):
    login_as(client, username)
    response = client.get("/indicators/", query_string=OCTOBER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert cell(html, "k2_active_members", "now") == active
    assert 'id="nav-programme-indicators"' in html


@pytest.mark.parametrize("username", ["manager", "treasurer", "member", "other.manager"])
def test_the_programme_page_refuses_cooperative_roles(client, indicators_world, username):
    login_as(client, username)
    assert client.get("/indicators/").status_code == 403
    assert client.get("/indicators/behind", query_string=dict(indicator="k2_active_members")).status_code == 403
    assert client.get("/indicators/report.pdf").status_code == 403


def test_the_programme_pages_need_a_login(client, indicators_world):
    assert client.get("/indicators/").status_code == 302


@pytest.mark.parametrize("username, status", [
    ("manager", 200), ("treasurer", 200), ("auditor.indramayu", 200), ("auditor.jabar", 200),
    ("member", 403), ("other.manager", 404), ("auditor.ntb", 404), ("bmt.manager", 404)])
def test_the_cooperative_page_is_for_its_readers(client, indicators_world, username, status):
    login_as(client, username)
    assert client.get("/c/KSP-A/indicators/", query_string=OCTOBER).status_code == status
    assert client.get("/c/KSP-A/indicators/behind", query_string=dict(
        indicator="k2_active_members", **OCTOBER)).status_code == status
    assert client.get("/c/KSP-A/indicators/definitions").status_code == status


def test_a_manager_sees_the_indicator_link_in_the_cooperative(client, indicators_world):
    login_as(client, "manager")
    html = client.get("/c/KSP-A/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert 'id="nav-indicators"' in html
    assert cell(html, "k2_active_members", "now") == "3"
    assert "nav-programme-indicators" not in html


def test_an_auditor_drills_down_only_in_their_region(client, indicators_world):
    login_as(client, "auditor.indramayu")
    args = dict(indicator="k2_active_members", cut="all", **OCTOBER)
    assert client.get("/indicators/behind", query_string=dict(args, coop="KSP-A")).status_code == 200
    refused = client.get("/indicators/behind", query_string=dict(args, coop="KSP-B"))
    assert refused.status_code == 400
    assert "No cooperative KSP-B in your region." in refused.get_data(as_text=True)
    listing = client.get("/indicators/behind", query_string=args).get_data(as_text=True)
    assert "Siti Aminah" in listing and "Dewi Sartika" not in listing
    assert client.get("/indicators/behind", query_string=dict(args, region="32.09")).status_code == 400


# -- the controls ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (dict(period="2026-13"), "Write the period as 2026-10"),
    (dict(period="abc"), "Write the period as 2026-10"),
    (dict(period="2027-01"), "That period has not begun yet."),
    (dict(period="1999"), "There are no figures before 2000."),
    (dict(kind="week"), "Choose a month, a quarter or a year."),
    (dict(cut="category:nope"), "Choose all members, a member category or a gender."),
    (dict(group_by="planet"), "Choose province, kabupaten"),
    (dict(region="35"), "No cooperative of your region lies in 35."),
    (dict(indicator="k99"), "There is no indicator k99."),
    (dict(format="pdf"), "Choose html or xlsx."),
    (dict(period="\x00"), "characters that are not allowed"),
    (dict(period="1" * 41), "The value is too long."),
])
def test_a_bad_control_gets_a_message_not_a_server_error(client, indicators_world, args, message):
    login_as(client, "auditor.jabar")
    response = client.get("/indicators/", query_string=args)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("args", [
    dict(indicator="nope"), dict(indicator="k7_assets"), dict(),
    dict(indicator="k2_active_members", cut="work:owner"),
    dict(indicator="k2_active_members", period="2026-02-30"),
])
def test_a_bad_drill_down_gets_a_message(client, indicators_world, args):
    login_as(client, "manager")
    assert client.get("/c/KSP-A/indicators/behind", query_string=args).status_code == 400


def test_the_controls_change_period_kind_cut_and_grouping(client, indicators_world):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=dict(kind="quarter", period="2026-10", cut="gender:F",
                                                      group_by="province")).get_data(as_text=True)
    assert '<small class="text-body-secondary" id="period-shown">2026-Q4</small>' in html
    assert "Cut: Female" in html
    assert 'data-group="32"' in html
    # by default the last closed month
    html = client.get("/indicators/").get_data(as_text=True)
    assert 'id="period-shown">2026-10<' in html


def test_the_region_filter_narrows_the_figures(client, indicators_world):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=dict(region="32.09", **OCTOBER)).get_data(as_text=True)
    assert cell(html, "k2_active_members", "now") == "2"
    assert "Cirebon" in html


# -- figures and what stands behind them --------------------------------------------------------

def test_a_figure_and_its_drill_down_agree(client, indicators_world):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=dict(region="32.09", **OCTOBER)).get_data(as_text=True)
    href = link(html, "k2_active_members")
    assert href.startswith("/indicators/behind?")
    listing = client.get(href).get_data(as_text=True)
    assert "Members behind this figure: 2." in listing
    assert "Dewi Sartika" in listing and "Eko Prasetyo" in listing
    assert "Siti Aminah" not in listing


def test_a_kabupaten_or_village_line_drills_down_to_its_own_cooperatives(client, indicators_world):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=dict(group_by="kabupaten", **OCTOBER)).get_data(as_text=True)
    row = re.search(r'<tr data-group="32.09">(.*?)</tr>', html, re.S).group(1)
    href = re.search(r'href="([^"]+)" data-figure="k2_active_members"', row).group(1).replace("&amp;", "&")
    assert "region=32.09" in href
    listing = client.get(href).get_data(as_text=True)
    assert "Members behind this figure: 2." in listing
    assert "Dewi Sartika" in listing and "Siti Aminah" not in listing
    html = client.get("/indicators/", query_string=dict(group_by="village", **OCTOBER)).get_data(as_text=True)
    row = re.search(r'<tr data-group="KSP-B">(.*?)</tr>', html, re.S).group(1)
    href = re.search(r'href="([^"]+)" data-figure="k2_active_members"', row).group(1).replace("&amp;", "&")
    listing = client.get(href).get_data(as_text=True)
    assert "Members behind this figure: 2." in listing and "Eko Prasetyo" in listing
    # a cohort has no region to list by: its line shows figures without links
    html = client.get("/indicators/", query_string=dict(group_by="cohort", **OCTOBER)).get_data(as_text=True)
    groups = re.search(r'<table class="table table-sm align-middle" id="groups">(.*?)</table>', html, re.S).group(1)
    assert "data-figure=" not in groups


def test_a_cut_drills_down_to_its_members(client, indicators_world):
    login_as(client, "other.manager")
    html = client.get("/c/KSP-B/indicators/", query_string=dict(cut="gender:F", **OCTOBER)).get_data(as_text=True)
    assert cell(html, "k2_active_members", "now") == "1"
    listing = client.get(link(html, "k2_active_members")).get_data(as_text=True)
    assert "Members behind this figure: 1." in listing
    assert "Dewi Sartika" in listing and "Eko Prasetyo" not in listing
    # the reader may open the member's page from the list
    assert re.search(r'href="/c/KSP-B/members/\d+">Dewi Sartika</a>', listing)


def test_a_suppressed_cell_is_a_dash_without_a_drill_down(client, indicators_world):
    login_as(client, "auditor.indramayu")
    html = client.get("/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert cell(html, "k4_turnover", "now") == "—"
    assert link(html, "k4_turnover") is None
    assert 'data-suppressed="k4_turnover"' in html
    # the household panel of no household is suppressed too
    assert 'id="panel-suppressed"' in html
    assert "fewer than 5 households" in html
    refused = client.get("/indicators/behind", query_string=dict(indicator="k4_turnover", **OCTOBER))
    assert refused.status_code == 403
    assert "Fewer than 5 households" in refused.get_data(as_text=True)


def test_the_cooperative_page_shows_its_own_small_cell(client, indicators_world):
    login_as(client, "manager")
    html = client.get("/c/KSP-A/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert cell(html, "k4_turnover", "now") == "Rp1,500,000"


def test_the_page_has_trends_ranked_villages_coverage_and_definitions(client, indicators_world):
    login_as(client, "admin")
    html = client.get("/indicators/", query_string=dict(indicator="k2_active_members", **OCTOBER)).get_data(as_text=True)
    chart = re.search(r'<script type="application/json" id="chart-data-k2_active_members">(.*?)</script>',
                      html, re.S).group(1)
    assert '"unit": "count"' in chart and "." not in re.sub(r'"[^"]*"', "", chart)  # ints only
    ranked = re.findall(r'<tr data-village="([^"]+)">', html)
    assert ranked == ["KSP-A", "KSP-B", "BMT-C"]  # 3, 2 and 1 active members
    assert re.search(r'data-coverage="cooperatives"><td>Cooperatives</td><td class="text-end">3<', html)
    definitions = client.get("/indicators/definitions").get_data(as_text=True)
    assert 'id="k2_active_members"' in definitions
    assert "Members who had joined by t and not left by t." in definitions


def test_the_household_panel_of_five_households(client, indicators_world, monkeypatch):
    """The panel's figures as the page writes them (the panel itself is income.py's, tested
    there): means and medians in rupiah, the change of the mean, the share that rose."""
    from decimal import Decimal

    from coop_app.indicators import income
    five = income.IncomePanel(
        households=5, suppressed=False, baseline_mean=Decimal("2000000"), baseline_median=Decimal("1800000"),
        follow_up_mean=Decimal("2500000"), follow_up_median=Decimal("2400000"),
        change_of_mean=Decimal("500000"), rose=4, rose_share=Decimal("0.8"))
    monkeypatch.setattr(income, "panel", lambda ids, period, cut="all": five)
    login_as(client, "auditor.indramayu")
    html = client.get("/indicators/", query_string=OCTOBER).get_data(as_text=True)
    panel = re.search(r'<table class="table table-sm align-middle" id="household-panel">(.*?)</table>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel))
    assert "Mean monthly income Rp2,000,000 Rp2,500,000" in text
    assert "Change of the mean income Rp500,000" in text
    assert "Households whose income rose 4" in text
    assert "Share whose income rose 80.0%" in text
    assert "—" not in text and 'id="panel-suppressed"' not in html
