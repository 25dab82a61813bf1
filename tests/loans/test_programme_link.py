"""The programme portfolio is reached from the navigation by those who may open it."""
import pytest


@pytest.mark.parametrize("username, sees", [
    ("auditor.jabar", True), ("auditor.all", True), ("admin", True),
    ("manager", False), ("treasurer", False), ("member", False)])
def test_programme_portfolio_link_only_for_auditors_and_admins(client, auth, world, username, sees):
    auth.login(username)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert ('id="nav-programme-portfolio"' in page) is sees
    status = client.get("/portfolio/").status_code
    assert status == (200 if sees else 403)
