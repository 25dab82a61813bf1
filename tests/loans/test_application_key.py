"""An application sent twice under the same submission key records one loan: again through
the service, from a second browser tab (whose session never saw the first submit), and from
several threads at once. A key reused for another member's application is refused."""
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from coop_app.extensions import db
from coop_app.ledger.posting import IdempotencyConflict
from coop_app.loans import application as service
from coop_app.loans.application import ApplicationData
from coop_app.loans.models import Loan, LoanEvent
from tests.concurrency import run_at_once
from tests.loans.factory import build_borrowers
from tests.loans.pages import KSP
from tests.support.books import loan_product
from tests.support.web import form_key

D = Decimal
APPLIED_ON = date(2025, 3, 3)


def loans_and_events():
    return (db.session.execute(select(func.count()).select_from(Loan)).scalar(),
            db.session.execute(select(func.count()).select_from(LoanEvent)).scalar())


def apply(w, member_id, key, amount="6000000"):
    return service.apply_loan(w.ksp_id, ApplicationData(member_id, loan_product(w.ksp_id, "PUF").id, D(amount), 6,
                                                        "Tambah stok warung", APPLIED_ON),
                              w.user_id("treasurer"), idempotency_key=key)


def test_the_same_key_gives_the_first_loan_back(lw):
    key = uuid.uuid4().hex
    first = apply(lw, lw.siti, key)
    db.session.commit()
    assert (first.replayed, first.application_key, loans_and_events()) == (False, key, (1, 1))

    again = apply(lw, lw.siti, key, amount="7000000")  # a changed amount does not make a second
    assert (again.id, again.replayed, again.amount) == (first.id, True, D("6000000"))
    assert loans_and_events() == (1, 1)

    other = apply(lw, lw.siti, uuid.uuid4().hex)  # a fresh form is a new application
    assert other.id != first.id and not other.replayed
    db.session.commit()
    assert loans_and_events() == (2, 2)


def test_a_key_used_for_another_member_is_refused(lw):
    key = uuid.uuid4().hex
    first = apply(lw, lw.siti, key)
    db.session.commit()
    with pytest.raises(IdempotencyConflict) as refused:
        apply(lw, lw.budi, key)
    with force_locale("en"):
        assert str(refused.value) == f"This submission key was already used for application {first.number}."
    db.session.rollback()
    assert loans_and_events() == (1, 1)


def test_a_second_tab_submitting_the_same_form_records_one_loan(app, lworld):
    w = lworld
    url = f"{KSP}/apply/{w.siti}"
    with app.app_context():
        puf = loan_product(w.ksp_id, "PUF").id
        before = loans_and_events()
    tabs = []
    for _ in range(2):  # two clients: the second session remembers nothing of the first
        tab = app.test_client()
        tab.post("/login", data={"username": "treasurer", "password": "rahasia-123"})
        tabs.append(tab)
    data = {"product": puf, "amount": "6.000.000", "term": "6", "purpose": "Tambah stok warung",
            "purpose_kind": "working_capital",
            "applied_on": (date.today() - timedelta(days=1)).isoformat(),
            "key": form_key(tabs[0], url)}
    first, second = (tab.post(url, data=data) for tab in tabs)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert "Ini sudah dicatat; tidak ada yang dilakukan lagi." in tabs[1].get(
        second.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert loans_and_events() == (before[0] + 1, before[1] + 1)


def test_concurrent_submits_of_one_key_record_one_loan(app):
    with app.app_context():
        w = build_borrowers()
    key = uuid.uuid4().hex
    results = run_at_once(app, 4, lambda i: apply(w, w.siti, key).id)
    assert [outcome for outcome, _ in results] == ["ok"] * 4, results
    assert len({loan_id for _, loan_id in results}) == 1
    with app.app_context():
        assert loans_and_events() == (1, 1)


def test_concurrent_applications_for_one_product_are_numbered_one_after_the_other(app):
    """The product is held while its next number is taken, so four treasurers recording at
    the same moment get four loans with four numbers, none refused."""
    with app.app_context():
        w = build_borrowers()
    results = run_at_once(app, 4, lambda i: apply(w, w.siti, uuid.uuid4().hex).number)
    assert [outcome for outcome, _ in results] == ["ok"] * 4, results
    assert sorted(number for _, number in results) == [f"PUF-{n:06d}" for n in range(1, 5)]
