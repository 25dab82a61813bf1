"""The loan pages through the test client: every page renders in both languages without inline
script or style; the list filters and pages; the loan page shows terms, schedule, payments,
history, entries and arrears; the member page lists the member's loans."""
from datetime import date
from decimal import Decimal

import pytest

from coop_app.extensions import db
from coop_app.loans.models import Loan
from tests.loans.pages import BMT, KSP
from tests.support.web import element_text, english, table_column

D = Decimal


def staff_pages(w):
    active, applied = w.loans["active"], w.loans["applied"]
    return [f"{KSP}/", f"{KSP}/?status=active", f"{KSP}/products", f"{KSP}/products/new",
            f"{KSP}/products/1/edit", f"{KSP}/simulate", f"{KSP}/apply", f"{KSP}/apply?q=siti",
            f"{KSP}/apply/{w.siti}", f"{KSP}/{active}", f"{KSP}/{applied}",
            f"{KSP}/{applied}/approve", f"{KSP}/{applied}/reject", f"{KSP}/{applied}/cancel",
            f"{KSP}/{applied}/disburse", f"{KSP}/{active}/repay", f"{KSP}/{active}/payoff",
            f"{KSP}/{active}/restructure", f"{KSP}/{active}/write-off", f"{KSP}/{active}/recovery",
            f"/c/KSP-A/members/{w.siti}"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_staff_page_renders_without_inline_script_or_style(app, client, auth, lworld, lang):
    auth.login("manager")
    if lang == "en":
        english(client)
    for url in staff_pages(lworld):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in page, url
        assert "style=" not in page and "<script>" not in page and "onclick" not in page, url


def test_bmt_pages_offer_sharia_methods_and_murabahah_fields(app, client, auth, lworld):
    auth.login("bmt.manager")
    english(client)
    page = client.get(f"{BMT}/products/new").get_data(as_text=True)
    assert 'value="murabahah"' in page and 'value="flat"' not in page
    page = client.get(f"/c/BMT-C/loans/apply/{lworld.aminah}").get_data(as_text=True)
    assert 'name="cost_price"' in page and 'name="goods_description"' in page
    page = client.get(f"{BMT}/{lworld.loans['bmt']}").get_data(as_text=True)
    assert element_text(page, "loan-margin") == "Rp500,000"  # 10% a year on 5.000.000 for 12 months
    assert element_text(page, "loan-amount") == "Rp5,000,000"
    auth.logout()
    auth.login("manager")
    page = client.get(f"{KSP}/products/new").get_data(as_text=True)
    assert 'value="flat"' in page and 'value="murabahah"' not in page
    assert 'name="cost_price"' not in client.get(f"{KSP}/apply/{lworld.siti}").get_data(as_text=True)


# -- the list ----------------------------------------------------------------------------------

def test_list_filters_by_status_product_and_member(app, client, auth, lworld):
    auth.login("treasurer")
    english(client)
    numbers = lambda url: table_column(client.get(url).get_data(as_text=True), "loans", 0)  # noqa: E731
    assert len(numbers(f"{KSP}/")) == 3  # the KSP's three, not the BMT's
    assert numbers(f"{KSP}/?status=applied") == ["PUF-000001"]
    assert sorted(numbers(f"{KSP}/?status=active")) == ["PUE-000001", "PUF-000002"]
    with app.app_context():
        pue = db.session.get(Loan, lworld.loans["active"]).product_id
    assert numbers(f"{KSP}/?product={pue}") == ["PUE-000001"]
    assert sorted(numbers(f"{KSP}/?q=siti")) == ["PUE-000001", "PUF-000001"]
    assert numbers(f"{KSP}/?q=Budi") == ["PUF-000002"]
    assert numbers(f"{KSP}/?q=2022.00002") == ["PUF-000002"]
    assert numbers(f"{KSP}/?q=PUE-000001") == ["PUE-000001"]
    assert numbers(f"{KSP}/?q=nobody") == []
    page = client.get(f"{KSP}/?status=bogus&product=x").get_data(as_text=True)
    assert "The filter was ignored" in page and len(table_column(page, "loans", 0)) == 3


def test_list_pages(app, client, auth, lworld):
    app.config["PAGE_SIZE"] = 2
    auth.login("auditor.all")
    english(client)
    first = client.get(f"{KSP}/").get_data(as_text=True)
    assert len(table_column(first, "loans", 0)) == 2 and "Page 1 of 2" in first
    second = client.get(f"{KSP}/?page=2").get_data(as_text=True)
    assert len(table_column(second, "loans", 0)) == 1
    assert client.get(f"{KSP}/?page=99999999999").status_code == 200


# -- the loan page -------------------------------------------------------------------------------

def test_loan_page_shows_terms_schedule_payments_history_and_entries(app, client, auth, lworld):
    auth.login("auditor.all")
    english(client)
    loan_id = lworld.loans["active"]
    page = client.get(f"{KSP}/{loan_id}").get_data(as_text=True)
    assert "2022.00001 · Siti Rahayu" in element_text(page, "loan-member")
    assert element_text(page, "loan-enterprise") == "Warung Siti"
    assert element_text(page, "loan-amount") == "Rp10,000,000"
    assert len(table_column(page, "schedule", 0)) == 12
    # 10.000.000 at 18% declining: instalment 1 = 833.333 + 150.000 (rounded to the rupiah)
    assert table_column(page, "schedule", 4)[0] == "Rp983,333"
    assert table_column(page, "loan-payments", 2) == ["Rp1,000,000"]
    assert table_column(page, "loan-events", 1) == ["Applied", "Approved", "Disbursed", "Repayment"]
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert f'href="/c/KSP-A/ledger/entries/{loan.disbursement_entry_id}"' in page
        outstanding = loan.principal_outstanding
    assert len(table_column(page, "loan-entries", 0)) == 2
    assert element_text(page, "loan-outstanding") == f"Rp{outstanding:,.0f}"
    assert 'id="loan-dpd"' in page and 'id="loan-quality"' in page and 'id="loan-next-due"' in page
    # an auditor reads; the actions are the staff's
    assert 'id="loan-actions"' not in page


def test_loan_page_shows_the_arrears(app, client, auth, lworld):
    auth.login("treasurer")
    english(client)
    page = client.get(f"{KSP}/{lworld.loans['budi']}").get_data(as_text=True)
    # Budi paid nothing since 16 March 2026: every instalment due before today is overdue
    due_dates = [date(2026, m, 16) for m in range(4, 10)]
    overdue = [d for d in due_dates if d < date.today()]
    assert element_text(page, "loan-overdue-count") == str(len(overdue))
    assert element_text(page, "loan-dpd") == str((date.today() - overdue[0]).days)


def test_actions_offered_follow_status_and_role(app, client, auth, lworld):
    auth.login("treasurer")
    applied = client.get(f"{KSP}/{lworld.loans['applied']}").get_data(as_text=True)
    assert "/approve" not in applied and "/cancel" in applied
    active = client.get(f"{KSP}/{lworld.loans['active']}").get_data(as_text=True)
    assert "/repay" in active and "/payoff" in active and "/write-off" not in active
    auth.logout()
    auth.login("manager")
    applied = client.get(f"{KSP}/{lworld.loans['applied']}").get_data(as_text=True)
    assert "/approve" in applied and "/reject" in applied
    active = client.get(f"{KSP}/{lworld.loans['active']}").get_data(as_text=True)
    assert "/restructure" in active and "/write-off" in active


def test_applied_loan_shows_its_schedule_preview(app, client, auth, lworld):
    auth.login("manager")
    page = client.get(f"{KSP}/{lworld.loans['applied']}").get_data(as_text=True)
    # 5.000.000 flat 12% over 12 months: 416.667 + 50.000
    assert table_column(page, "schedule", 4)[0] == "Rp466.667"


def test_member_page_lists_the_members_loans(app, client, auth, lworld):
    auth.login("treasurer")
    page = client.get(f"/c/KSP-A/members/{lworld.siti}").get_data(as_text=True)
    assert sorted(table_column(page, "member-loans", 0)) == ["PUE-000001", "PUF-000001"]
    assert f'href="/c/KSP-A/loans/{lworld.loans["active"]}"' in page
    assert f"/loans/apply/{lworld.siti}" in page
    auth.logout()
    auth.login("member")  # Siti reads her own member page: links go to her portal
    page = client.get(f"/c/KSP-A/members/{lworld.siti}").get_data(as_text=True)
    assert f'href="/c/KSP-A/me/loans/{lworld.loans["active"]}"' in page
    assert "/loans/apply/" not in page


def test_nav_links_to_loans(app, client, auth, lworld):
    auth.login("auditor.all")
    assert 'href="/c/KSP-A/loans/"' in client.get("/c/KSP-A/members/").get_data(as_text=True)
    auth.logout()
    auth.login("member")
    home = client.get("/c/KSP-A/me/").get_data(as_text=True)
    assert 'href="/c/KSP-A/me/loans/"' in home and 'id="loans-note"' in home


# -- products -------------------------------------------------------------------------------------

def test_products_list_shows_settings_and_figures(app, client, auth, lworld):
    auth.login("auditor.all")
    english(client)
    page = client.get(f"{KSP}/products").get_data(as_text=True)
    assert table_column(page, "products", 0) == ["PUA", "PUE", "PUF"]
    assert table_column(page, "products", 4) == ["0", "1", "1"]
    assert "12% a year" in page and "/edit" not in page
