"""Every page a demo user reaches by following links answers without a server error: a crawl
of the demo as each demo user, through the Flask test client, PDFs and exports included.

The crawl is bounded: links that differ only in their numbers (another member, another
page of a list) are one kind of page, and each kind is opened twice (a document once), so the
kinds of page each role can reach are opened within the budget."""
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

from coop_app.demo import DEMO_PASSWORD, USERS

from tests.test_demo import demo_app, demo_database  # noqa: F401 (fixtures)

PER_KIND = 2
PER_DOCUMENT_KIND = 1  # a PDF, CSV or XLSX takes longer to make than a page
BUDGET = 300  # pages per user
DOCUMENTS = (".pdf", ".csv", ".xlsx", "/export")
NEVER = ("/logout", "/language")


def kind_of(url):
    """A URL with its numbers and query values blanked: /c/X/members/7?page=2 -> one kind."""
    parts = urlsplit(url)
    query = "&".join(sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair))
    return re.sub(r"\d+", "N", parts.path) + ("?" + query if query else "")


def links(url, html):
    for href in re.findall(r'href="([^"#]+)"', html):
        parts = urlsplit(urljoin(url, href.replace("&amp;", "&")))
        if parts.scheme in ("", "http") and parts.netloc in ("", "localhost") \
                and not parts.path.startswith("/static"):
            yield parts.path + ("?" + parts.query if parts.query else "")


def crawl(client):
    """Follow links from the start page; returns (pages opened, [(url, status)] of 5xx)."""
    seen, kinds, queue, broken = set(), Counter(), deque(["/"]), []
    while queue and len(seen) < BUDGET:
        url = queue.popleft()
        kind = kind_of(url)
        limit = PER_DOCUMENT_KIND if any(part in urlsplit(url).path for part in DOCUMENTS) else PER_KIND
        if url in seen or kinds[kind] >= limit or any(part in url for part in NEVER):
            continue
        seen.add(url)
        kinds[kind] += 1
        response = client.get(url)
        if response.status_code >= 500:
            broken.append((url, response.status_code))
        if response.status_code in (301, 302, 303):
            queue.append(urlsplit(response.headers["Location"]).path)
        elif response.mimetype == "text/html":
            queue.extend(link for link in links(url, response.get_data(as_text=True)) if link not in seen)
    return len(seen), broken


def test_no_page_of_the_demo_is_a_server_error_for_any_user(demo_app):  # noqa: F811
    opened = {}
    for username, _name, _role, _scope in USERS:
        client = demo_app.test_client()
        assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}
                           ).status_code == 302, username
        count, broken = crawl(client)
        assert broken == [], (username, broken)
        opened[username] = count
    # Every user got past the start page; staff and auditors reach far more than members.
    assert min(opened.values()) > 10, opened
    assert opened["ksp.manajer"] > 100 and opened["auditor"] > 100, opened
