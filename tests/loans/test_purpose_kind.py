"""A loan's purpose kind (working capital, investment, consumption, education, other): asked
on the application, refused when unknown, and shown as its label (never the code) on the
loan page, the approval page, the member's portal, the loan list's filter and the portfolio
exports."""
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coop_app.errors import InvalidField
from coop_app.extensions import db
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans.models import PURPOSE_KINDS, Loan
from tests.loans.pages import KSP, PORTAL
from tests.support.books import loan_product
from tests.support.web import element_text, form_key, login_as, table_column, text_of

TODAY = date(2026, 11, 18)  # the tests' frozen day (tests/conftest.py)
CODES = ("working_capital", "investment", "consumption", "education")  # "other" is also a word
EXPORT = "/c/KSP-A/portfolio/loans.{kind}?as_of=2026-11-18&date_from=2026-01-01&date_to=2026-11-18"


def loan_count(app=None):
    query = select(func.count()).select_from(Loan)
    if app is None:
        return db.session.scalar(query)
    with app.app_context():
        return db.session.scalar(query)


def set_kinds(app, w, **kinds):
    """Give lworld's loans (by their key: applied, active, budi) these purpose kinds."""
    with app.app_context():
        for name, kind in kinds.items():
            db.session.get(Loan, w.loans[name]).purpose_kind = kind
        db.session.commit()


def assert_no_codes(page):
    for code in CODES:
        assert code not in page.replace(f'value="{code}"', ""), code


# -- the service ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", PURPOSE_KINDS)
def test_the_application_keeps_its_kind(lw, kind):
    loan = service.apply_loan(lw.ksp_id, ApplicationData(
        lw.siti, loan_product(lw.ksp_id, "PUF").id, Decimal("2000000"), 6, "Tambah stok", TODAY,
        purpose_kind=kind), lw.user_id("treasurer"))
    db.session.commit()
    assert db.session.get(Loan, loan.id).purpose_kind == kind


def test_callers_that_do_not_say_record_other(lw):
    loan = service.apply_loan(lw.ksp_id, ApplicationData(
        lw.siti, loan_product(lw.ksp_id, "PUF").id, Decimal("2000000"), 6, "Tambah stok", TODAY),
        lw.user_id("treasurer"))
    assert loan.purpose_kind == "other"


@pytest.mark.parametrize("kind", ["gambling", "", None, "Working capital", "WORKING_CAPITAL"])
def test_an_unknown_kind_is_refused_and_nothing_is_saved(lw, kind):
    before = loan_count()
    with pytest.raises(InvalidField) as refused:
        service.apply_loan(lw.ksp_id, ApplicationData(
            lw.siti, loan_product(lw.ksp_id, "PUF").id, Decimal("2000000"), 6, "Tambah stok", TODAY,
            purpose_kind=kind), lw.user_id("treasurer"))
    assert refused.value.field == "purpose_kind"
    assert str(refused.value) == ("Choose the kind of purpose: working capital, investment, consumption, "
                                  "education or other.")
    db.session.rollback()
    assert loan_count() == before


# -- the application form --------------------------------------------------------------------

def _application(app, client, w, kind):
    with app.app_context():
        puf = loan_product(w.ksp_id, "PUF").id
    url = f"{KSP}/apply/{w.siti}"
    return url, {"product": puf, "amount": "2,000,000", "term": "6", "purpose": "Modal warung",
                 "purpose_kind": kind, "applied_on": TODAY.isoformat(), "key": form_key(client, url)}


def test_the_form_asks_for_the_kind_with_labels(app, client, lworld):
    login_as(client, "treasurer")
    page = text_of(client.get(f"{KSP}/apply/{lworld.siti}"))
    options = re.findall(r'<option[^>]*value="([a-z_]*)"[^>]*>([^<]*)</option>',
                         re.search(r'<select[^>]*id="purpose_kind".*?</select>', page, re.S).group(0))
    assert options == [("", "Choose…"), ("working_capital", "Working capital"), ("investment", "Investment"),
                       ("consumption", "Consumption"), ("education", "Education"), ("other", "Other")]


def test_an_application_on_the_form_records_its_kind(app, client, lworld):
    login_as(client, "treasurer")
    url, data = _application(app, client, lworld, "education")
    response = client.post(url, data=data)
    assert response.status_code == 302, text_of(response)
    loan_id = int(re.search(r"/loans/(\d+)$", response.location).group(1))
    with app.app_context():
        assert db.session.get(Loan, loan_id).purpose_kind == "education"
    page = text_of(client.get(f"{KSP}/{loan_id}"))
    assert element_text(page, "loan-purpose") == "Education · Modal warung"


@pytest.mark.parametrize("kind, message", [
    ("", "Choose the kind of purpose."),
    ("gambling", "Choose one of the listed options."),
])
def test_a_missing_or_unknown_kind_on_the_form_is_422(app, client, lworld, kind, message):
    login_as(client, "treasurer")
    before = loan_count(app)
    url, data = _application(app, client, lworld, kind)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert loan_count(app) == before


# -- where it is shown ---------------------------------------------------------------------

def test_the_loan_page_and_the_approval_page_show_the_label(app, client, lworld):
    set_kinds(app, lworld, applied="working_capital", active="consumption")
    login_as(client, "manager")
    page = text_of(client.get(f"{KSP}/{lworld.loans['active']}"))
    assert element_text(page, "loan-purpose").startswith("Consumption · ")
    assert_no_codes(page)
    page = text_of(client.get(f"{KSP}/{lworld.loans['applied']}/approve"))
    assert element_text(page, "context-purpose") == "Working capital · Modal warung sembako (productive)"
    assert_no_codes(page)
    set_kinds(app, lworld, applied="education")
    page = text_of(client.get(f"{KSP}/{lworld.loans['applied']}/approve"))
    assert element_text(page, "context-purpose") == "Education · Modal warung sembako (not productive)"


def test_the_approval_context_says_whether_it_is_productive(app, lworld):
    from coop_app.loans.approval import approval_context
    set_kinds(app, lworld, applied="investment")
    with app.app_context():
        context = approval_context(db.session.get(Loan, lworld.loans["applied"]), TODAY)
        assert (context.purpose_kind, context.productive) == ("investment", True)


def test_the_member_sees_the_label_in_the_portal(app, client, lworld):
    set_kinds(app, lworld, active="investment")
    login_as(client, "member")
    page = text_of(client.get(f"{PORTAL}/{lworld.loans['active']}"))
    assert element_text(page, "loan-purpose").startswith("Investment · ")
    assert_no_codes(page)


def test_the_member_reads_it_in_indonesian(app, client, lworld):
    set_kinds(app, lworld, active="working_capital")
    login_as(client, "member")
    with client.session_transaction() as session:
        session["lang"] = "id"
    page = text_of(client.get(f"{PORTAL}/{lworld.loans['active']}"))
    assert element_text(page, "loan-purpose").startswith("Modal kerja · ")


def test_the_loan_list_filters_by_kind(app, client, lworld):
    set_kinds(app, lworld, applied="education", active="working_capital", budi="working_capital")
    login_as(client, "auditor.jabar")
    page = text_of(client.get(f"{KSP}/?purpose_kind=working_capital"))
    assert sorted(table_column(page, "loans", 0)) == ["PUE-000001", "PUF-000002"]
    assert table_column(text_of(client.get(f"{KSP}/?purpose_kind=education")), "loans", 0) == ["PUF-000001"]
    assert table_column(text_of(client.get(f"{KSP}/?purpose_kind=consumption")), "loans", 0) == []
    response = client.get(f"{KSP}/?purpose_kind=gambling")  # a tampered filter is ignored, not a 500
    assert response.status_code == 200 and len(table_column(text_of(response), "loans", 0)) == 3


def test_the_portfolio_exports_have_the_label_in_their_last_column(app, client, lworld):
    from openpyxl import load_workbook

    set_kinds(app, lworld, active="working_capital", budi="education")
    login_as(client, "manager")
    response = client.get(EXPORT.format(kind="csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][-1] == "Purpose"
    assert sorted((r[1], r[-1]) for r in rows[1:-1]) == [("PUE-000001", "Working capital"),
                                                          ("PUF-000002", "Education")]
    assert_no_codes(response.data.decode("utf-8-sig"))
    sheet = load_workbook(io.BytesIO(client.get(EXPORT.format(kind="xlsx")).data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Purpose"
    assert sorted((r[1], r[-1]) for r in rows[1:-1]) == [("PUE-000001", "Working capital"),
                                                          ("PUF-000002", "Education")]
