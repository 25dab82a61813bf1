"""Reversing a remittance's entry: its savings parts leave the accounts with passbook lines,
the record stays marked reversed and out of the totals, and its reference can be recorded
again; refused while the money saved has been spent."""
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.ledger.check import check_ledger
from coop_app.ledger.service import reverse_entry
from coop_app.remittances import queries as remittance_queries
from coop_app.remittances import recording as remittances
from coop_app.remittances.queries import member_remittances
from coop_app.savings import movements as savings
from coop_app.savings.models import Remittance, SavingsTransaction
from tests.remittances.helpers import RECEIVED, D, record
from tests.support import in_english, key
from tests.support.books import cash, posting_lines, remittance_counts, savings_balance
from tests.support.web import english, text_of

REVERSED_ON = date(2025, 3, 17)


def passbook_tail(account_id):
    last = db.session.execute(select(SavingsTransaction).where(
        SavingsTransaction.account_id == account_id).order_by(SavingsTransaction.id.desc())
        .limit(1)).scalar_one()
    return last.kind, last.amount, last.balance_after


def recorded(families, reference="MBB-2025-0315-01"):
    """Siti's 2.000.000 of 15 March, by bank: 40.000 wajib due, 30% (600.000) to sukarela,
    1.360.000 paid out."""
    remittances.set_allocation(families.ksp_id, families.siti, families.accounts[("siti", "SS")],
                               savings_pct=30)
    remittance = record(families, reference=reference, money_account_id=cash(families.ksp_id))
    db.session.commit()
    return remittance


def test_reversing_a_remittance_takes_its_parts_back_and_marks_it(ctx, families):
    coop = families.ksp_id
    wajib, sukarela = families.accounts[("siti", "SW")], families.accounts[("siti", "SS")]
    remittance = recorded(families)
    assert (savings_balance(wajib), savings_balance(sukarela)) == (D("60000"), D("650000"))
    assert remittance_queries.remittance_totals(coop)["received"] == D("2000000")

    reversal = reverse_entry(coop, remittance.entry_id, "Salah anggota penerima", key(),
                             reversal_date=REVERSED_ON)
    db.session.commit()

    assert posting_lines(reversal.id) == [("simpanan_wajib", D("40000.00")),
                                        ("simpanan_sukarela", D("600000.00")),
                                        ("cash", D("-2000000.00")), ("cash", D("1360000.00"))]
    assert (savings_balance(wajib), savings_balance(sukarela)) == (D("20000"), D("50000"))
    assert passbook_tail(wajib) == ("reversal", D("-40000"), D("20000"))
    assert passbook_tail(sukarela) == ("reversal", D("-600000"), D("50000"))
    # the record stays, marked, with the reference it was received under
    db.session.expire_all()
    stored = db.session.get(Remittance, remittance.id)
    assert (stored.reversal_entry_id, stored.reversed_on) == (reversal.id, REVERSED_ON)
    assert stored.reference == "MBB-2025-0315-01"
    assert [p["part"] for p in remittances.split_parts(stored)] == ["wajib", "savings", "cash"]
    assert (stored.amount_idr, stored.saved_amount) == (D("2000000"), D("640000"))
    # out of every total; the wajib it paid is due again
    assert remittance_queries.remittance_totals(coop) == {"count": 0, "received": D("0"), "saved": D("0"),
                                                   "paid_out": D("0"), "share_saved": None}
    assert member_remittances(coop, families.siti)[1] == {"count": 0, "total": 0, "saved": 0}
    assert [r.id for r in db.session.execute(remittance_queries.remittances_query(coop)).scalars()] == [stored.id]
    assert remittances.wajib_due(coop, families.siti, REVERSED_ON) == D("40000")
    assert check_ledger()[1] == []

    # the transfer can now be recorded again, correctly (for Wati, her own share)
    again = record(families, member="wati", reference="mbb-2025-0315-01", received_on=REVERSED_ON)
    db.session.commit()
    assert again.reference == "MBB-2025-0315-01" and again.id != stored.id
    assert remittance_queries.remittance_totals(coop)["count"] == 1
    # a second reversal of the same entry is refused by the ledger
    with pytest.raises(DomainError) as refused:
        reverse_entry(coop, remittance.entry_id, "Lagi", key(), reversal_date=REVERSED_ON)
    assert f"already reversed by entry #{reversal.id}" in in_english(refused.value)
    db.session.rollback()
    assert check_ledger()[1] == []


def test_a_retried_recording_after_the_reversal_returns_the_first(ctx, families):
    remittances.set_allocation(families.ksp_id, families.siti, families.accounts[("siti", "SS")],
                               savings_pct=30)
    submission = key()
    first = record(families, reference="TRX-RETRY", idempotency_key=submission)
    db.session.commit()
    reverse_entry(families.ksp_id, first.entry_id, "Salah", key(), reversal_date=REVERSED_ON)
    db.session.commit()
    before = remittance_counts()
    again = record(families, reference="TRX-RETRY", idempotency_key=submission)
    assert (again.id, again.replayed) == (first.id, True)
    db.session.rollback()
    assert remittance_counts() == before


def test_reversing_a_remittance_whose_savings_were_spent_is_refused(ctx, families):
    coop = families.ksp_id
    sukarela = families.accounts[("siti", "SS")]
    remittance = recorded(families)
    # 650.000 in the account; 200.000 withdrawn leaves 450.000, less than the 600.000 saved
    savings.withdraw(coop, sukarela, D("200000"), RECEIVED, cash(coop), key())
    db.session.commit()
    before = remittance_counts(), db.session.execute(select(func.count()).select_from(SavingsTransaction)).scalar()
    with pytest.raises(DomainError) as refused:
        reverse_entry(coop, remittance.entry_id, "Salah anggota", key(), reversal_date=REVERSED_ON)
    assert in_english(refused.value) == ("Reversing this entry would overdraw savings account "
                                      "SS-000001: only Rp450.000 is left in it.")
    db.session.rollback()
    assert (remittance_counts(), db.session.execute(
        select(func.count()).select_from(SavingsTransaction)).scalar()) == before
    db.session.expire_all()
    stored = db.session.get(Remittance, remittance.id)
    assert stored.reversal_entry_id is None and stored.reference == "MBB-2025-0315-01"
    assert savings_balance(sukarela) == D("450000")
    assert remittance_queries.remittance_totals(coop)["received"] == D("2000000")
    assert check_ledger()[1] == []


def test_a_reference_is_unique_among_standing_remittances_only(ctx, families):
    """The database holds the rule too: a second standing record of a transfer is refused,
    however it is written, while any number of reversed ones may share the reference."""
    reference = "X" * 60
    first = record(families, member="wati", reference=reference, amount_idr=D("500000"))
    db.session.commit()
    reverse_entry(families.ksp_id, first.entry_id, "Salah", key(), reversal_date=REVERSED_ON)
    db.session.commit()
    second = record(families, member="wati", reference=reference, amount_idr=D("500000"))
    db.session.commit()
    reverse_entry(families.ksp_id, second.entry_id, "Salah lagi", key(), reversal_date=REVERSED_ON)
    third = record(families, member="wati", reference=reference, amount_idr=D("500000"))
    db.session.commit()
    assert [r.reference for r in db.session.execute(select(Remittance)).scalars()] == [reference] * 3
    assert remittances.find_by_reference(families.ksp_id, reference).id == third.id
    duplicate = {c.name: getattr(third, c.name) for c in Remittance.__table__.columns if c.name != "id"}
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Remittance(**duplicate))
    db.session.rollback()
    assert check_ledger()[1] == []


def test_manager_reverses_a_remittance_and_the_pages_show_it(app, client, auth, families):
    with app.app_context():
        remittance = recorded(families)
        remittance_id, entry_id = remittance.id, remittance.entry_id
    auth.login("manager")
    english(client)
    response = client.post(f"/c/KSP-A/ledger/entries/{entry_id}/reverse", data={
        "reason": "Salah anggota penerima", "reversal_date": REVERSED_ON.isoformat(),
        "key": uuid.uuid4().hex})
    assert response.status_code == 302
    listing = text_of(client.get("/c/KSP-A/remittances/"))
    row = re.search(rf'<tr data-remittance="{remittance_id}".*?</tr>', listing, re.S).group(0)
    assert "Reversed" in row and "MBB-2025-0315-01" in row
    assert re.search(r'id="totals-count">0<', listing)
    detail = text_of(client.get(f"/c/KSP-A/remittances/{remittance_id}"))
    assert re.search(r'id="remittance-reference">MBB-2025-0315-01<', detail)
    assert 'id="remittance-reversed"' in detail and "Mar 17, 2025" in detail
    receipt = client.get(f"/c/KSP-A/remittances/{remittance_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    auth.logout()
    auth.login("member")
    english(client)
    mine = text_of(client.get("/c/KSP-A/me/remittances"))
    assert "Reversed" in mine and "MBB-2025-0315-01" in mine
    assert 'id="remittance-reversed"' in text_of(client.get(f"/c/KSP-A/me/remittances/{remittance_id}"))
