"""The page to go back to after logging in (?next=) or after the language button (next):
only a path on this site; control characters, backslashes, other sites and absurd lengths
send the user home instead, never to a server error."""
from urllib.parse import urlsplit

import pytest

from coop_app.auth.views import safe_next
from tests.conftest import PASSWORD

NASTY = [
    "/%0d%0aX",                 # CR LF: would split the Location header
    "/%0d%0aSet-Cookie:%20a=b",
    "/%0aX",
    "/%00",
    "/%09/evil.com",
    "/%7f",
    "/\\evil.com",
    "/%5Cevil.com",
    "//evil.com",
    "%2F%2Fevil.com",
    "https://evil.com/",
    "javascript:alert(1)",
    "evil.com",
    "/" + "a" * 5000,
    "/%E2%80%AE",               # right-to-left override (a format character)
]


@pytest.mark.parametrize("raw", NASTY, ids=range(len(NASTY)))
def test_a_nasty_next_after_a_good_login_goes_home(app, world, raw):
    client = app.test_client()
    response = client.post(f"/login?next={raw}", data={"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/c/KSP-A/").status_code == 200  # and the login worked


@pytest.mark.parametrize("raw", NASTY[:8], ids=range(8))
def test_a_nasty_next_of_the_language_button_goes_home(client, world, raw):
    from urllib.parse import unquote
    response = client.post("/language", data={"lang": "en", "next": unquote(raw)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/c/KSP-A/", "/c/KSP-A/members/?q=siti&page=2", "/admin/users",
                                    "/c/KSP-A/members/%C3%A9"])
def test_a_local_next_is_followed(client, world, target):
    response = client.post("/login", query_string={"next": target},
                           data={"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).netloc == ""
    assert location == target


def test_safe_next_by_itself():
    assert safe_next("/c/KSP-A/") == "/c/KSP-A/"
    for target in (None, "", "/\r\nX", "/\\x", "//x", "http://x/", "x", "/" + "a" * 2001, "/\u2028"):
        assert safe_next(target) is None, target
