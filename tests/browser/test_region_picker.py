"""The region pickers in a real browser, under the strict CSP: with the served script
(static/js/regions.js) choosing a province fills the kabupaten/kota list at once, and so on
down to the desa; without JavaScript "Show the list" does the same by GET. An auditor's
kabupaten/kota list narrows to the chosen province."""
from sqlalchemy import select

from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from tests.browser.conftest import follow, login


def test_the_admin_picks_a_desa_list_by_list(page, live_server):
    login(page, "admin")
    page.goto(page.base + "/admin/cooperatives/new")
    assert page.locator("[data-region-refresh]").is_hidden()  # the script fills the lists
    page.fill("#code", "KSP-SRL")
    page.fill("#name", "KSP Suralaga Maju")
    page.fill("#founded_on", "2020-02-03")
    page.select_option("#province_code", "52")
    page.wait_for_selector('#kabupaten_code option[value="52.03"]', state="attached")
    assert page.locator("#kecamatan_code option").all_inner_texts() == ["Pilih kabupaten/kota dahulu"]
    page.select_option("#kabupaten_code", "52.03")
    page.wait_for_selector('#kecamatan_code option[value="52.03.13"]', state="attached")
    page.select_option("#kecamatan_code", "52.03.13")
    page.wait_for_selector('#village_code option[value="52.03.13.2005"]', state="attached")
    page.select_option("#village_code", "52.03.13.2005")
    # choosing another province empties the lists below it
    page.select_option("#province_code", "32")
    page.wait_for_selector('#kabupaten_code option[value="32.12"]', state="attached")
    assert page.locator("#village_code option").all_inner_texts() == ["Pilih kecamatan dahulu"]
    page.select_option("#province_code", "52")
    page.wait_for_selector('#kabupaten_code option[value="52.03"]', state="attached")
    page.select_option("#kabupaten_code", "52.03")
    page.wait_for_selector('#kecamatan_code option[value="52.03.13"]', state="attached")
    page.select_option("#kecamatan_code", "52.03.13")
    page.wait_for_selector('#village_code option[value="52.03.13.2005"]', state="attached")
    page.select_option("#village_code", "52.03.13.2005")
    follow(page.locator("form button[data-once]"))
    assert page.url == page.base + "/admin/cooperatives"
    with live_server.app.app_context():
        coop = db.session.execute(select(Cooperative).where(Cooperative.code == "KSP-SRL")).scalar_one()
        assert (coop.village_code, coop.village, coop.kabupaten, coop.time_zone) == (
            "52.03.13.2005", "Suralaga", "Kabupaten Lombok Timur", "WITA")


def test_without_javascript_show_the_list_fills_the_next_one(browser, live_server):
    context = browser.new_context(locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.base = live_server.url
    try:
        login(page, "admin")
        page.goto(page.base + "/admin/cooperatives/new")
        page.fill("#name", "KSP Tanpa Skrip")
        page.select_option("#province_code", "32")
        follow(page.locator("button[name=refresh]"))
        assert page.locator("#name").input_value() == "KSP Tanpa Skrip"
        page.select_option("#kabupaten_code", "32.12")
        follow(page.locator("button[name=refresh]"))
        page.select_option("#kecamatan_code", "32.12.11")
        follow(page.locator("button[name=refresh]"))
        assert "Juntikebon" in page.locator("#village_code").inner_text()
        assert "csrf_token=" in page.url  # a GET of the form (the token is bound to the session)
    finally:
        context.close()


def test_an_auditors_kabupaten_list_narrows_to_the_province(page, live_server):
    login(page, "admin")
    page.goto(page.base + f"/admin/users/{live_server.world.user_id('manager')}")
    page.select_option("#scope_province", "52")
    shown = page.locator("#scope_kabupaten optgroup:not([hidden])")
    assert shown.count() == 1 and shown.get_attribute("label") == "Nusa Tenggara Barat"
    page.select_option("#role", "auditor")
    page.select_option("#scope_kabupaten", "52.03")
    follow(page.locator("form[action$='/grants'] button[data-once]"))
    assert "Kabupaten Lombok Timur, Nusa Tenggara Barat" in page.locator("#grants").inner_text()
