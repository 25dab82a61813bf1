import re

import pytest


def test_login_and_dashboard(client, auth, world):
    assert auth.login("manager").status_code == 302
    response = client.get("/c/KSP-A/", follow_redirects=True)
    assert response.status_code == 200
    assert "KSP Sumber Rejeki" in response.get_data(as_text=True)


def test_favicon_ico_points_at_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
    assert client.get(response.headers["Location"]).status_code == 200


HUGE = "99999999999999999999"


@pytest.mark.parametrize("username, url", [
    ("manager", f"/c/KSP-A/loans/{HUGE}"),
    ("manager", f"/c/KSP-A/loans/{HUGE}/agreement.pdf"),
    ("manager", f"/c/KSP-A/loans/{HUGE}/approve"),
    ("manager", f"/c/KSP-A/loans/products/{HUGE}/edit"),
    ("manager", f"/c/KSP-A/ledger/entries/{HUGE}"),
    ("member", f"/c/KSP-A/me/loans/{HUGE}"),
])
def test_an_id_past_the_largest_is_not_found_not_an_error(client, auth, world, username, url):
    auth.login(username)
    assert client.get(url).status_code == 404


def test_the_product_is_named_on_every_page_not_by_its_package(client, auth, world):
    """The title and the top bar carry the product's name; the package name `coop_app` is a
    code a person never reads."""
    login_page = client.get("/login").get_data(as_text=True)
    auth.login("manager")
    dashboard = client.get("/c/KSP-A/", follow_redirects=True).get_data(as_text=True)
    for page in (login_page, dashboard):
        assert re.search(r"<title>[^<]* · Koperasi Desmigratif</title>", page)
        assert re.search(r'class="navbar-brand"[^>]*>Koperasi Desmigratif</a>', page)
        assert "coop_app" not in page
