"""The top bar's search (/c/<code>/search): members by any part of the name, a NIK, a member
number or a phone; loans by number; entries by number; remittances by reference. Grouped
results, each a link; one exact hit goes straight to it; only the URL's cooperative, and a
member finds only their own things."""
import re

from coop_app.extensions import db
from coop_app.ledger.models import JournalEntry
from coop_app.loans.models import Loan
from coop_app.members.models import Member
from coop_app.savings.models import Remittance
from tests.loans.conftest import lworld  # noqa: F401  (the loan pages' world)
from tests.support.web import client_for, text_of

SEARCH = "/c/KSP-A/search"


def _loan_number(app, loan_id):
    with app.app_context():
        return db.session.get(Loan, loan_id).number


def _set_phone(app, member_id, phone):
    with app.app_context():
        db.session.get(Member, member_id).phone = phone
        db.session.commit()


def _links(html, section):
    match = re.search(rf'id="results-{section}".*?</section>', html, re.S)
    return re.findall(r'<a href="([^"]+)">', match.group(0)) if match else []


def test_the_top_bar_has_the_search_box(app, lworld):
    client = client_for(app, "treasurer")
    html = text_of(client.get("/c/KSP-A/loans/"))
    assert re.search(r'<form method="get" action="/c/KSP-A/search"[^>]*id="top-search"', html)
    assert 'name="q"' in html


def test_any_part_of_the_name_finds_members(app, lworld):
    client = client_for(app, "treasurer")
    response = client.get(SEARCH, query_string={"q": "ahayu"})  # inside "Siti Rahayu"
    assert response.status_code == 302  # the only hit: straight to the member
    assert response.location.endswith(f"/c/KSP-A/members/{lworld.siti}")
    html = text_of(client.get(SEARCH, query_string={"q": "s"}))  # Siti Rahayu, Budi Santoso
    assert _links(html, "members") == [f"/c/KSP-A/members/{lworld.budi}",
                                       f"/c/KSP-A/members/{lworld.siti}"]
    assert "Aminah" not in html  # the BMT's member is not KSP-A's


def test_nik_member_number_and_phone(app, lworld):
    _set_phone(app, lworld.budi, "+62 812-3456-7890")
    client = client_for(app, "treasurer")
    # the whole member number is an exact hit: straight to the member
    response = client.get(SEARCH, query_string={"q": "2022.00002"})
    assert response.location.endswith(f"/c/KSP-A/members/{lworld.budi}")
    # a whole NIK, and a NIK prefix shared by both members
    response = client.get(SEARCH, query_string={"q": "3333333202200001"})
    assert response.location.endswith(f"/c/KSP-A/members/{lworld.siti}")
    html = text_of(client.get(SEARCH, query_string={"q": "33333332022"}))
    assert len(_links(html, "members")) == 2
    # a phone as the member says it: 0812..., with or without its separators
    for typed in ("08123456", "0812-3456-7890", "3456 7890"):
        response = client.get(SEARCH, query_string={"q": typed})
        assert response.status_code == 302, typed
        assert response.location.endswith(f"/c/KSP-A/members/{lworld.budi}"), typed


def test_loan_and_entry_by_number(app, lworld):
    number = _loan_number(app, lworld.loans["active"])
    client = client_for(app, "auditor.all")
    response = client.get(SEARCH, query_string={"q": number.lower()})
    assert response.location.endswith(f"/c/KSP-A/loans/{lworld.loans['active']}")
    with app.app_context():
        entry_id = db.session.execute(db.select(Loan.disbursement_entry_id).where(
            Loan.id == lworld.loans["active"])).scalar_one()
        bmt_entry = db.session.execute(db.select(JournalEntry.id).where(
            JournalEntry.cooperative_id == lworld.bmt_id)).scalars().first()
    response = client.get(SEARCH, query_string={"q": f"#{entry_id}"})
    assert response.location.endswith(f"/c/KSP-A/ledger/entries/{entry_id}")
    # an entry of another cooperative is not found from KSP-A
    response = client.get(SEARCH, query_string={"q": f"#{bmt_entry}"})
    assert response.status_code == 200
    assert 'id="search-nothing"' in text_of(response)


def test_grouped_results_and_paging_one_kind(app, lworld):
    app.config["PAGE_SIZE"] = 1
    prefix = _loan_number(app, lworld.loans["active"])[:2]
    client = client_for(app, "manager")
    html = text_of(client.get(SEARCH, query_string={"q": prefix}))
    loans = _links(html, "loans")
    assert len(loans) == 3  # KSP-A's three loans, not the BMT's
    page = text_of(client.get(SEARCH, query_string={"q": prefix, "kind": "loans", "page": 2}))
    assert len(_links(page, "loans")) == 1 and "Page 2 of 3" in page
    assert _links(page, "loans")[0] == loans[1]


def test_a_member_finds_only_their_own(app, lworld):
    client = client_for(app, "member")  # Siti
    budi_loan = _loan_number(app, lworld.loans["budi"])
    own_loan = _loan_number(app, lworld.loans["active"])
    response = client.get(SEARCH, query_string={"q": "Budi"})
    assert response.status_code == 200 and 'id="search-nothing"' in text_of(response)
    response = client.get(SEARCH, query_string={"q": budi_loan})
    assert 'id="search-nothing"' in text_of(response)
    response = client.get(SEARCH, query_string={"q": own_loan})
    assert response.location.endswith(f"/c/KSP-A/me/loans/{lworld.loans['active']}")
    assert client.get(response.location).status_code == 200


def test_another_cooperative_is_not_searched(app, lworld):
    client = client_for(app, "bmt.manager")
    assert client.get(SEARCH, query_string={"q": "Siti"}).status_code == 404


def test_remittance_by_reference(app, families):
    from tests.remittances.helpers import record
    with app.app_context():
        first = record(families, reference="BNI-77001234")
        record(families, member="budi", reference="BNI-77005678")
        db.session.commit()
        first_id = first.id if isinstance(first, Remittance) else first.remittance.id
    staff = client_for(app, "treasurer")
    response = staff.get(SEARCH, query_string={"q": "bni-77001234"})
    assert response.location.endswith(f"/c/KSP-A/remittances/{first_id}")
    html = text_of(staff.get(SEARCH, query_string={"q": "BNI-7700"}))
    assert len(_links(html, "remittances")) == 2
    member = client_for(app, "member")  # Siti: her own remittance only, on her own page
    response = member.get(SEARCH, query_string={"q": "BNI-7700"})
    assert response.location.endswith(f"/c/KSP-A/me/remittances/{first_id}")


def test_odd_text_is_not_an_error(app, lworld):
    client = client_for(app, "treasurer")
    for typed in ("%", "_", "\\", "'; drop table members;--", "#99999999999999999999", "2147483648", "#2147483648",
                  "999999999999999999", "x" * 500, ""):
        response = client.get(SEARCH, query_string={"q": typed, "kind": "nonsense", "page": "x"})
        assert response.status_code == 200, typed
