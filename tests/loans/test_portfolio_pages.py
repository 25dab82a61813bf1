"""The portfolio pages: who sees which cooperatives, drilling from a figure to its loans and
on to a loan, the CSV, XLSX and PDF exports, and bad query strings (400, never 500)."""
import csv
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from flask import g

from coop_app import pdf
from coop_app.extensions import db
from tests.loans.test_portfolio import build_book

AS_OF = "as_of=2025-06-30&date_from=2025-01-01&date_to=2025-06-30"


@pytest.fixture
def book(app, world):
    with app.app_context():
        g.actor_id = None
        ids = build_book(world)
        db.session.remove()
    return ids


def text(response):
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def row(html, row_id):
    found = re.search(rf'<tr[^>]*id="{row_id}".*?</tr>', html, re.S)
    assert found, row_id
    return found.group(0)


def link(html, figure, within=None):
    scope = row(html, within) if within else html
    found = re.search(rf'href="([^"]+)" data-figure="{figure}"', scope)
    assert found, figure
    return unescape(found.group(1))


def loan_rows(html):
    return re.findall(r'<tr data-loan="([^"]+)">', html)


# -- access -----------------------------------------------------------------------------

def test_readers_open_the_cooperative_portfolio(client, auth, book):
    for username in ("manager", "treasurer", "auditor.jabar", "auditor.indramayu", "auditor.all"):
        auth.login(username)
        response = client.get(f"/c/KSP-A/portfolio/?{AS_OF}")
        assert response.status_code == 200, username
        html = text(response)
        assert "Rp59.000.000" in row(html, "fig-outstanding")
        assert "Rp35.000.000" in row(html, "fig-par30") and "59,3%" in row(html, "fig-par30")
        assert 'href="/c/KSP-A/portfolio/"' in html  # the cooperative's menu
        auth.logout()


def test_others_cannot_open_it(client, auth, world):
    for username, status in [("member", 403), ("other.manager", 404), ("auditor.ntb", 404),
                             ("bmt.manager", 404)]:
        auth.login(username)
        for path in ("/", "/loans", "/loans.csv", "/loans.xlsx", "/report.pdf"):
            assert client.get(f"/c/KSP-A/portfolio{path}").status_code == status, (username, path)
        auth.logout()


def test_an_auditor_sees_only_the_cooperatives_of_the_region(client, auth, book):
    auth.login("auditor.jabar")
    html = text(client.get(f"/portfolio/?{AS_OF}"))
    coops = re.findall(r'<tr data-coop="([^"]+)"', html)
    assert coops == ["KSP-B", "KSP-A"]  # by province, kabupaten (Cirebon, Indramayu), name
    assert "Rp65.000.000" in row(html, "cooperatives-total")
    assert "Rp65.000.000" in row(html, "fig-outstanding")
    listed = text(client.get(f"/portfolio/loans?{AS_OF}"))
    assert "BMT-C" not in listed and len(loan_rows(listed)) == 6
    # a cooperative outside the region cannot be asked for
    assert client.get(f"/portfolio/loans?{AS_OF}&coop=BMT-C").status_code == 400
    auth.logout()
    auth.login("auditor.ntb")
    html = text(client.get(f"/portfolio/?{AS_OF}"))
    assert re.findall(r'<tr data-coop="([^"]+)"', html) == ["BMT-C"]
    assert "Rp5.000.000" in row(html, "cooperatives-total")
    auth.logout()
    auth.login("auditor.indramayu")
    assert re.findall(r'<tr data-coop="([^"]+)"', text(client.get("/portfolio/"))) == ["KSP-A"]


def test_the_admin_sees_every_cooperative(client, auth, book):
    auth.login("admin")
    html = text(client.get(f"/portfolio/?{AS_OF}"))
    assert re.findall(r'<tr data-coop="([^"]+)"', html) == ["KSP-B", "KSP-A", "BMT-C"]
    assert "Rp70.000.000" in row(html, "cooperatives-total")


def test_the_programme_page_is_for_auditors(client, auth, world):
    for username in ("treasurer", "manager", "member", "bmt.manager"):
        auth.login(username)
        for path in ("/portfolio/", "/portfolio/loans", "/portfolio/loans.csv",
                     "/portfolio/loans.xlsx", "/portfolio/report.pdf"):
            assert client.get(path).status_code == 403, (username, path)
        auth.logout()


def test_the_programme_page_needs_a_login(client, world):
    assert client.get("/portfolio/").status_code == 302


# -- drilling down ----------------------------------------------------------------------

def test_from_par30_to_its_loans_and_on_to_a_loan(client, auth, book):
    auth.login("auditor.jabar")
    html = text(client.get(f"/c/KSP-A/portfolio/?{AS_OF}"))
    listed = text(client.get(link(html, "par30", "fig-par30")))
    assert len(loan_rows(listed)) == 3
    assert "Rp35.000.000" in row(listed, "loans-total")
    first = re.search(r'<tr data-loan="[^"]+">.*?href="([^"]+)"', listed, re.S).group(1)
    assert first == f"/c/KSP-A/loans/{book['E']}"  # the worst arrears first
    loan_page = client.get(first)
    assert loan_page.status_code == 200
    # every figure of the page is a link whose list adds up to it
    for figure, count, total in [("outstanding", 5, "Rp59.000.000"), ("par1", 4, "Rp47.000.000"),
                                 ("par90", 2, "Rp24.000.000"), ("npl", 2, "Rp24.000.000"),
                                 ("bucket-31_60", 1, "Rp11.000.000"), ("quality-dpk", 2, "Rp23.000.000")]:
        listed = text(client.get(link(html, figure)))
        assert len(loan_rows(listed)) == count, figure
        assert total in row(listed, "loans-total"), figure
    disbursed = text(client.get(link(html, "disbursed", "fig-disbursed")))
    assert len(loan_rows(disbursed)) == 4 and "Rp48.000.000" in row(disbursed, "loans-total")
    recovered = text(client.get(link(html, "recovered", "fig-recovered")))
    assert len(loan_rows(recovered)) == 1
    assert "Rp500.000" in row(recovered, "loans-total")
    female = re.search(r'<tr data-gender="F">.*?</tr>', html, re.S).group(0)
    listed = text(client.get(link(female, "par30")))
    assert len(loan_rows(listed)) == 2 and "Rp23.000.000" in row(listed, "loans-total")


def test_from_a_cooperative_of_the_programme_to_its_loans(client, auth, book):
    auth.login("auditor.jabar")
    html = text(client.get(f"/portfolio/?{AS_OF}"))
    ksp_b = re.search(r'<tr data-coop="KSP-B">.*?</tr>', html, re.S).group(0)
    listed = text(client.get(link(ksp_b, "par30")))
    assert len(loan_rows(listed)) == 1 and "Rp6.000.000" in row(listed, "loans-total")
    assert f'href="/c/KSP-B/loans/{book["KSP-B"]}"' in listed


def test_the_list_pages(client, auth, book, app):
    app.config["PAGE_SIZE"] = 2
    auth.login("manager")
    first = text(client.get(f"/c/KSP-A/portfolio/loans?{AS_OF}"))
    assert len(loan_rows(first)) == 2 and ": 5<" in row(first, "loans-total")
    last = text(client.get(f"/c/KSP-A/portfolio/loans?{AS_OF}&page=3"))
    assert len(loan_rows(last)) == 1
    for page in ("abc", "-4", "99999999999999999999"):
        assert client.get(f"/c/KSP-A/portfolio/loans?{AS_OF}&page={page}").status_code == 200


# -- exports ----------------------------------------------------------------------------

def test_the_csv_export_has_the_loans_and_their_totals(client, auth, book):
    auth.login("auditor.jabar")
    response = client.get(f"/c/KSP-A/portfolio/loans.csv?{AS_OF}&par=30")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    days, outstanding = 14, 13  # the columns of days past due and outstanding principal
    assert len(header) == 21 and len(body) == 3
    assert {r[days] for r in body} == {"364", "161", "51"}
    assert sum(Decimal(r[outstanding]) for r in body) == Decimal("35000000.00")
    assert total[outstanding] == "35000000.00" and "3" in total[0]


def test_the_xlsx_export_has_the_loans_and_their_totals(client, auth, book):
    from openpyxl import load_workbook

    auth.login("auditor.jabar")
    response = client.get(f"/portfolio/loans.xlsx?{AS_OF}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 6  # KSP-A's five active loans and KSP-B's
    assert {r[0] for r in body} == {"KSP-A", "KSP-B"}
    assert sum(r[13] for r in body) == 65_000_000 and total[13] == 65_000_000
    assert total[17] == 18_750_000  # provisions (KSP-B's month-end has not run)


def test_exported_text_is_never_a_formula(client, auth, book, app):
    from openpyxl import load_workbook

    from coop_app.members.models import Member
    with app.app_context():
        member = db.session.execute(db.select(Member).where(Member.member_number == "2022.00005")).scalar_one()
        member.name = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    auth.login("manager")
    body = client.get(f"/c/KSP-A/portfolio/loans.csv?{AS_OF}").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    sheet = load_workbook(io.BytesIO(client.get(f"/c/KSP-A/portfolio/loans.xlsx?{AS_OF}").data)).active
    names = [c.value for c in sheet["D"]]
    assert '=HYPERLINK("http://x")' in names
    assert all(c.data_type == "s" for c in sheet["D"] if c.value)


def test_the_pdf_report(client, auth, book, monkeypatch):
    rendered = []
    real = pdf.render_template

    def capture(template, **context):
        html = real(template, **context)
        rendered.append(unescape(re.sub(r"\s+", " ", html)))
        return html

    monkeypatch.setattr(pdf, "render_template", capture)
    auth.login("auditor.jabar")
    response = client.get(f"/c/KSP-A/portfolio/report.pdf?{AS_OF}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    html = rendered[-1]
    assert "Laporan Audit Portofolio Pembiayaan" in html and "KSP Sumber Rejeki" in html
    assert "30 Juni 2025" in html and "Rp59.000.000" in html and "Rp18.750.000" in html
    assert "PAR30" in html and "59,3%" in html and "Diragukan" in html
    response = client.get(f"/portfolio/report.pdf?{AS_OF}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    html = rendered[-1]
    assert "Provinsi Jawa Barat" in html and "KSP Maju Bersama" in html and "BMT" not in html
    assert "Rp65.000.000" in html


# -- bad input --------------------------------------------------------------------------

BAD_FILTERS = [
    "as_of=yesterday", "as_of=2025-13-01", "as_of=99999-01-01", "as_of=0001-01-01",
    "date_from=2025-07-01&date_to=2025-06-30", "par=-1", "par=abc", "par=99999999999999999999",
    "bucket=1-30", "quality=bad", "category=x", "gender=X", "status=deleted", "disbursed=yes",
    "product=%00", "as_of=2025-06-30%00", "product=" + "A" * 200, "par=1&par=30",
    "coop=KSP-A",  # a cooperative's own list has no cooperative filter
]


def test_bad_filters_are_refused_with_a_message(client, auth, world):
    auth.login("manager")
    for query in BAD_FILTERS:
        for path in ("/c/KSP-A/portfolio/loans", "/c/KSP-A/portfolio/loans.csv",
                     "/c/KSP-A/portfolio/loans.xlsx"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert 'id="bad-filter"' in response.get_data(as_text=True), (path, query)
    client.post("/language", data={"lang": "en"})
    message = re.search(r'id="bad-filter">(.*?)</div>', text(client.get("/c/KSP-A/portfolio/loans?par=abc"))).group(1)
    assert message == "The filter par cannot be used: Days past due are a whole number from 0 to 36500."


def test_bad_dates_on_the_figures_and_the_report(client, auth, world):
    auth.login("auditor.all")
    for query in ("as_of=2025-02-30", "date_to=x", "as_of=%00", "date_from=2025-12-01&date_to=2025-01-01"):
        for path in ("/c/KSP-A/portfolio/", "/c/KSP-A/portfolio/report.pdf", "/portfolio/",
                     "/portfolio/report.pdf", "/portfolio/loans.csv", "/portfolio/loans?coop=NOPE"):
            assert client.get(f"{path}?{query}").status_code == 400, (path, query)
    assert client.get("/portfolio/loans?coop=NOPE").status_code == 400


def test_an_unknown_product_is_just_an_empty_list(client, auth, book):
    auth.login("manager")
    html = text(client.get(f"/c/KSP-A/portfolio/loans?{AS_OF}&product=NOPE"))
    assert loan_rows(html) == []
