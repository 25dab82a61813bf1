"""A person logs in and switches the interface between Indonesian and English."""
from tests.browser.conftest import follow, login


def test_login_page_is_indonesian_by_default_and_switches_to_english(page):
    page.goto(page.base + "/login")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Masuk"
    follow(page.locator("#lang-switch"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Log in"
    follow(page.locator("#lang-switch"))
    assert page.locator("h1").inner_text() == "Masuk"


def test_wrong_password_is_answered_in_indonesian(page):
    login(page, "manager", "salah-sandi")
    assert "Nama pengguna atau kata sandi salah." in page.locator(".alert").inner_text()
