"""The pillar-4 indicators in a real browser: a programme auditor (Jawa Barat) logs in, opens
the programme indicators from the top bar, changes the period and the cut, follows a figure
to the members behind it, and downloads the PDF report.

The pages are read in the default language (Indonesian); the tests go by the pages' ids and
data attributes and by the figures."""
from datetime import date

from tests.browser.conftest import follow, login
from tests.indicators.joining import join


def _members(server):
    """Three members of KSP-A (Indramayu) and two of KSP-B (Cirebon), joined in 2024; one
    member of BMT-C, outside the auditor's region."""
    with server.app.app_context():
        world = server.world
        for name, gender in (("Siti Aminah", "F"), ("Budi Santoso", "M"), ("Ani Lestari", "F")):
            join(world.ksp_id, name, gender, "other", joined=date(2024, 2, 1))
        for name, gender in (("Dewi Sartika", "F"), ("Eko Prasetyo", "M")):
            join(world.other_id, name, gender, "other", joined=date(2024, 2, 1))
        join(world.bmt_id, "Fatimah Zahra", "F", "other", joined=date(2024, 2, 1))


def _now(page, indicator):
    return page.locator(f"tr[data-indicator='{indicator}'] td[data-column='now']").first.inner_text().strip()


def test_a_programme_auditor_reads_drills_down_and_downloads_the_report(page, live_server):
    _members(live_server)
    login(page, "auditor.jabar")
    follow(page.locator("#nav-programme-indicators"))
    assert page.url.startswith(page.base + "/indicators/")
    assert page.locator("#period-shown").inner_text() == "2026-10"  # the last closed month
    assert _now(page, "k2_active_members") == "5"
    assert page.locator("#groups tr[data-group]").count() == 2  # Indramayu and Cirebon

    # the quarter, women only
    page.select_option("#kind", "quarter")
    page.select_option("#cut", "gender:F")
    follow(page.locator("#show"))
    assert page.locator("#period-shown").inner_text() == "2026-Q4"
    assert _now(page, "k2_active_members") == "3"
    assert page.locator("canvas[data-chart='chart-data-k2_active_members']").get_attribute("data-drawn") == "1"

    # the members behind the figure
    follow(page.locator("tr[data-indicator='k2_active_members'] td[data-column='now'] a").first)
    assert page.url.startswith(page.base + "/indicators/behind?")
    names = page.locator("#behind tbody tr").all_inner_texts()
    assert len(names) == 3
    assert any("Siti Aminah" in n for n in names) and any("Dewi Sartika" in n for n in names)
    assert not any("Fatimah Zahra" in n for n in names)  # NTB is not the auditor's region
    follow(page.locator("#back-to-indicators"))
    assert page.locator("#period-shown").inner_text() == "2026-Q4"

    with page.expect_download(timeout=30_000) as report:  # the first PDF loads WeasyPrint's fonts
        page.click("#report-pdf")
    with open(report.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert report.value.suggested_filename == "indikator-program-2026-Q4.pdf"
