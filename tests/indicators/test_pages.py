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
from decimal import Decimal

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
    assert "group_by=kabupaten" in href and "group=32.09" in href
    listing = client.get(href).get_data(as_text=True)
    assert "Members behind this figure: 2." in listing
    assert "Dewi Sartika" in listing and "Siti Aminah" not in listing
    html = client.get("/indicators/", query_string=dict(group_by="village", **OCTOBER)).get_data(as_text=True)
    row = re.search(r'<tr data-group="KSP-B">(.*?)</tr>', html, re.S).group(1)
    href = re.search(r'href="([^"]+)" data-figure="k2_active_members"', row).group(1).replace("&amp;", "&")
    listing = client.get(href).get_data(as_text=True)
    assert "Members behind this figure: 2." in listing and "Eko Prasetyo" in listing


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


# -- the baseline, group lines and the household panel drill down too ----------------------

def behind_total(listing):
    """The count the list page gives, and the number of rows it lists (one page)."""
    total = int(re.search(r'<p id="behind-total">[^:]*: (\d+)\.</p>', listing).group(1))
    return total, len(re.findall(r'<tr data-id="\d+">', listing))


def group_links(html, indicator):
    """{group key: (the figure's text, its link)} of the table by group."""
    table = re.search(r'<table class="table table-sm align-middle" id="groups">(.*?)</table>', html, re.S).group(1)
    found = {}
    for key, row in re.findall(r'<tr data-group="([^"]*)">(.*?)</tr>', table, re.S):
        hit = re.search(rf'href="([^"]+)" data-figure="{indicator}">([^<]*)</a>', row)
        found[key] = (hit.group(2), hit.group(1).replace("&amp;", "&")) if hit else (None, None)
    return found


@pytest.fixture
def baselines(app, indicators_world):
    """KSP-B entered the records in June 2025: its baseline month, when Dewi and Eko were its
    two active members. Gita joined KSP-B in January 2026, so she is active in October 2026
    but not at KSP-B's baseline. KSP-A's baseline is its first stored month, October 2026
    (Siti, Budi and Ani); BMT-C has no snapshot, so no baseline."""
    with app.app_context():
        snapshot(indicators_world.other_id, "k2_active_members", 2, end=date(2025, 6, 30))
        join(indicators_world.other_id, "Gita Permata", "F", "other", joined=date(2026, 1, 10))
        db.session.commit()
    return indicators_world


def test_a_baseline_cell_lists_each_village_at_its_own_first_period(client, baselines):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert cell(html, "k2_active_members", "now") == "6"  # 3 + KSP-B's 3 (Gita too)
    assert cell(html, "k2_active_members", "baseline") == "5"  # 3 in Oct 2026 + 2 in Jun 2025
    href = link(html, "k2_active_members", "baseline")
    assert "at=baseline" in href
    listing = client.get(href).get_data(as_text=True)
    assert behind_total(listing) == (5, 5)
    for name in ("Siti Aminah", "Budi Santoso", "Ani Lestari", "Dewi Sartika", "Eko Prasetyo"):
        assert name in listing
    assert "Gita Permata" not in listing and "Fatimah Zahra" not in listing
    assert 'id="behind-period">Baseline<' in listing
    assert "each village at its own first period in the programme's records: 2025-06, 2026-10." in listing
    # The periods come from the snapshots, not from the URL: another period lists the same.
    again = client.get(href.replace("period=2026-10", "period=2026-01")).get_data(as_text=True)
    assert behind_total(again) == (5, 5) and "2025-06, 2026-10" in again
    # One cooperative's own page: KSP-B at June 2025.
    login_as(client, "other.manager")
    html = client.get("/c/KSP-B/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert cell(html, "k2_active_members", "baseline") == "2"
    listing = client.get(link(html, "k2_active_members", "baseline")).get_data(as_text=True)
    assert behind_total(listing) == (2, 2) and "Gita Permata" not in listing
    assert "records: 2025-06." in listing


def test_a_baseline_of_no_stored_period_lists_nobody(client, baselines):
    login_as(client, "auditor.jabar")
    quarter = dict(kind="quarter", period="2026-Q3")  # no quarter was ever stored
    html = client.get("/indicators/", query_string=quarter).get_data(as_text=True)
    assert cell(html, "k2_active_members", "baseline") == "–"
    assert link(html, "k2_active_members", "baseline") is None
    listing = client.get("/indicators/behind", query_string=dict(
        indicator="k2_active_members", at="baseline", **quarter)).get_data(as_text=True)
    assert behind_total(listing) == (0, 0)
    assert "No cooperative here has a baseline yet" in listing


def test_a_suppressed_baseline_cell_is_refused(client, indicators_world):
    login_as(client, "auditor.indramayu")
    html = client.get("/indicators/", query_string=OCTOBER).get_data(as_text=True)
    # KSP-A's baseline is October 2026: turnover of 2 enterprises, fewer than 5
    assert cell(html, "k4_turnover", "baseline") == "—"
    assert link(html, "k4_turnover", "baseline") is None
    refused = client.get("/indicators/behind", query_string=dict(indicator="k4_turnover", at="baseline", **OCTOBER))
    assert refused.status_code == 403
    assert "Fewer than 5 households" in refused.get_data(as_text=True)
    # on KSP-A's own page the small cell is shown, and linked
    login_as(client, "manager")
    html = client.get("/c/KSP-A/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert cell(html, "k4_turnover", "baseline") == "Rp1,500,000"
    assert "at=baseline" in link(html, "k4_turnover", "baseline")
    assert client.get(link(html, "k4_turnover", "baseline")).status_code == 200


@pytest.mark.parametrize("group_by, expected", [
    ("province", {"32": "5", "52": "1"}),
    ("kabupaten", {"32.09": "2", "32.12": "3", "52.03": "1"}),
    ("kecamatan", None), ("village", {"KSP-A": "3", "KSP-B": "2", "BMT-C": "1"}),
    ("cohort", {"": "4", "2025": "2"}), ("type", {"ksp": "5", "kspps": "1"}),
])
def test_every_group_line_drills_down_to_as_many_as_it_shows(app, client, indicators_world, group_by, expected):
    """Each line of the table by group links its figure to a list exactly as long (KSP-B is
    of the 2025 cohort; KSP-A and BMT-C have none: the line of the empty key)."""
    from coop_app.cooperatives.models import Cooperative
    with app.app_context():
        db.session.get(Cooperative, indicators_world.other_id).programme_cohort = 2025
        db.session.commit()
    login_as(client, "admin")
    html = client.get("/indicators/", query_string=dict(group_by=group_by, **OCTOBER)).get_data(as_text=True)
    lines = group_links(html, "k2_active_members")
    if expected is not None:
        assert {key: text for key, (text, _href) in lines.items()} == expected
    assert sum(int(text) for text, _href in lines.values()) == 6
    for key, (text, href) in lines.items():
        assert f"group_by={group_by}" in href and f"group={key}&" in href + "&"
        assert behind_total(client.get(href).get_data(as_text=True)) == (int(text), int(text))
    if group_by == "cohort":
        listing = client.get(lines["2025"][1]).get_data(as_text=True)
        assert "Dewi Sartika" in listing and "Siti Aminah" not in listing


def test_a_group_line_keeps_the_region_filter_and_its_suppression(app, client, indicators_world):
    with app.app_context():
        snapshot(indicators_world.ksp_id, "k4_net_income", 100_000_000, 2)
        db.session.commit()
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=dict(group_by="type", region="32.12", **OCTOBER)).get_data(as_text=True)
    text, href = group_links(html, "k2_active_members")["ksp"]
    assert text == "3" and "region=32.12" in href  # KSP-A only, not KSP-B
    listing = client.get(href).get_data(as_text=True)
    assert behind_total(listing) == (3, 3) and "Dewi Sartika" not in listing
    # K4's small cell of the line: a dash, and its list refused on the line's cooperatives
    assert group_links(html, "k4_net_income")["ksp"] == (None, None)
    assert 'data-suppressed="k4_net_income"' in html
    refused = client.get("/indicators/behind", query_string=dict(
        indicator="k4_net_income", group_by="type", group="ksp", region="32.12", **OCTOBER))
    assert refused.status_code == 403


def test_an_auditor_cannot_list_another_regions_group_baseline_or_panel(client, indicators_world):
    login_as(client, "auditor.indramayu")
    args = dict(indicator="k2_active_members", **OCTOBER)
    for query in (dict(group_by="kabupaten", group="32.09"), dict(group_by="village", group="KSP-B"),
                  dict(group_by="province", group="52"), dict(coop="KSP-B", at="baseline"),
                  dict(region="32.09", at="baseline")):
        refused = client.get("/indicators/behind", query_string=dict(args, **query))
        assert refused.status_code == 400, query
    assert "No cooperative of your region is in that group." in client.get("/indicators/behind", query_string=dict(
        args, group_by="kabupaten", group="32.09")).get_data(as_text=True)
    assert client.get("/indicators/behind", query_string=dict(panel="1", region="32.09", **OCTOBER)).status_code == 400
    # the province line of an auditor of Indramayu lists Indramayu's members only
    listing = client.get("/indicators/behind", query_string=dict(args, group_by="province", group="32")).get_data(as_text=True)
    assert behind_total(listing) == (3, 3) and "Dewi Sartika" not in listing
    login_as(client, "auditor.ntb")
    assert client.get("/indicators/behind", query_string=dict(args, group_by="type", group="ksp")).status_code == 400


@pytest.mark.parametrize("args, message", [
    (dict(at="now"), "Leave this out for the period shown, or choose baseline."),
    (dict(at="baseline", period="2026-13"), "Write the period as 2026-10"),
    (dict(group_by="planet", group="x"), "Choose province, kabupaten"),
    (dict(group_by="planet"), "Choose province, kabupaten"),
    (dict(group="32.12"), "Say which grouping the group belongs to."),
    (dict(group_by="kabupaten", group="32.99"), "No cooperative of your region is in that group."),
    (dict(group_by="cohort", group="1999"), "No cooperative of your region is in that group."),
    (dict(group_by="kabupaten", group="3" * 301), "The value is too long."),
    (dict(group_by="kabupaten", group="32\x00"), "characters that are not allowed"),
    (dict(panel="yes"), "give 1 for the households of the income panel"),
    (dict(panel="1", at="baseline"), "The household panel is listed for the period shown"),
    (dict(panel="1", cut="work:owner"), "Choose all members, a member category or a gender."),
])
def test_a_bad_baseline_group_or_panel_value_gets_a_message(client, indicators_world, args, message):
    login_as(client, "auditor.jabar")
    response = client.get("/indicators/behind", query_string=dict(dict(indicator="k2_active_members", **OCTOBER), **args))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.fixture
def panel_world(app, indicators_world):
    """The K4 household panel of October 2026: five households of KSP-A (heads F, F, F, M,
    M) and two of KSP-B (M, M), each with a baseline survey on 15 September 2025 and a
    follow-up on 15 October 2026; a sixth of KSP-A followed up after eleven months only, so
    not in the panel."""
    from coop_app.members import households, surveys
    homes = {}

    def home(coop_id, serial, gender, baseline_on=date(2025, 9, 15)):
        member = join(coop_id, f"Kepala Rumah {serial}", gender, "other")
        household = households.create_household(coop_id, households.HouseholdData(
            f"321211010130{serial:04d}", f"Kepala Rumah {serial}", gender, 4))
        households.link_member(coop_id, household.id, member)
        for kind, on, amount in (("baseline", baseline_on, "1000000"), ("follow_up", date(2026, 10, 15), "1500000")):
            surveys.record_survey(coop_id, household.id, surveys.SurveyData(
                kind=kind, surveyed_on=on, member_id=member, enumerator="Pendamping Desa",
                income_other=Decimal(amount), spending=Decimal("800000")))
        homes[serial] = household.kk_number

    with app.app_context():
        for serial, gender in enumerate("FFFMM", start=1):
            home(indicators_world.ksp_id, serial, gender)
        home(indicators_world.ksp_id, 6, "F", baseline_on=date(2025, 11, 15))
        for serial in (7, 8):
            home(indicators_world.other_id, serial, "M")
        db.session.commit()
    return homes


def test_the_household_panel_lists_its_households(client, panel_world):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert "Households with a baseline survey at least twelve months before a follow-up in the period: 7." in html
    panel = re.search(r'<table class="table table-sm align-middle" id="household-panel">(.*?)</table>', html, re.S).group(1)
    links = {href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)" data-panel="households"', panel)}
    assert len(links) == 1 and len(re.findall(r'data-panel="households"', panel)) > 10
    href = links.pop()
    assert "panel=1" in href
    listing = client.get(href).get_data(as_text=True)
    assert behind_total(listing) == (7, 7)
    assert [kk in listing for kk in panel_world.values()] == [True] * 5 + [False] + [True] * 2
    assert "Household income panel" in listing
    login_as(client, "auditor.indramayu")
    html = client.get("/indicators/", query_string=OCTOBER).get_data(as_text=True)
    assert 'data-panel="households"' in html
    listing = client.get("/indicators/behind", query_string=dict(panel="1", **OCTOBER)).get_data(as_text=True)
    assert behind_total(listing) == (5, 5) and panel_world[7] not in listing


def test_a_suppressed_household_panel_is_refused(client, panel_world):
    login_as(client, "auditor.jabar")
    html = client.get("/indicators/", query_string=dict(region="32.09", **OCTOBER)).get_data(as_text=True)
    assert 'id="panel-suppressed"' in html and 'data-panel="households"' not in html
    refused = client.get("/indicators/behind", query_string=dict(panel="1", region="32.09", **OCTOBER))
    assert refused.status_code == 403
    assert "Household income panel" in refused.get_data(as_text=True)
    # the women heads of KSP-A: three, suppressed in a programme view too
    women = dict(panel="1", cut="gender:F", **OCTOBER)
    assert client.get("/indicators/behind", query_string=women).status_code == 403
    # a cooperative's own page lists its own few households
    login_as(client, "manager")
    listing = client.get("/c/KSP-A/indicators/behind", query_string=women).get_data(as_text=True)
    assert behind_total(listing) == (3, 3)
    login_as(client, "other.manager")
    listing = client.get("/c/KSP-B/indicators/behind", query_string=dict(panel="1", **OCTOBER)).get_data(as_text=True)
    assert behind_total(listing) == (2, 2)
