"""The audit log read as history: each change a sentence in Indonesian or English ("Wartini
changed the phone of member 2025.00026 (Siti Rahayu) from … to …"), values formatted, linked
to its record, the stored before and after one click away; filtered by record type, record,
user and days, and paged."""
import html
import re
from datetime import date
from decimal import Decimal as D

import pytest
from flask import g
from sqlalchemy import func, select

from coop_app.audit.models import AuditLog
from coop_app.auth import service as users
from coop_app.extensions import db
from coop_app.ledger.service import account_by_key
from coop_app.loans import application
from coop_app.loans.application import ApplicationData
from coop_app.loans.models import Loan, LoanEvent
from coop_app.members.models import Member
from coop_app.savings import movements, opening
from coop_app.savings.models import SavingsAccount
from tests.conftest import PASSWORD, build_world
from tests.loans.factory import active_loan, add_member, fund
from tests.support import key
from tests.support.books import loan_product, savings_product
from tests.support.web import client_for, table_column

DAY = date(2026, 11, 2)


def _as(username, ids):
    g.actor_id = ids[username]


@pytest.fixture
def hist(app):
    """KSP-A with a treasurer Wartini: a member whose phone she changed, a sukarela account
    with two deposits, a loan applied, approved and paid out, and a member, an account and an
    application deleted; BMT-C with a murabahah financing."""
    with app.app_context():
        world = build_world()
        ids = dict(world.users)
        wartini = users.create_user("wartini", "Wartini", PASSWORD)
        users.grant_role(wartini.id, "treasurer", cooperative_id=world.ksp_id)
        ids["wartini"] = wartini.id
        db.session.commit()

        _as("wartini", ids)
        siti = add_member(world.ksp_id, "2025.00026", "Siti Rahayu")
        siti.phone = "081234567890"
        db.session.flush()
        budi = add_member(world.ksp_id, "2025.00027", "Budi Santoso", gender="M")
        aminah = add_member(world.bmt_id, "2025.00001", "Aminah")
        db.session.commit()
        assert siti.phone == "081234567890"  # loaded, as the edit page has it, so its old value is kept
        siti.phone = "081311112222"
        db.session.commit()

        cash = account_by_key(world.ksp_id, "cash").id
        account, _entry = opening.open_account_with_deposit(
            world.ksp_id, siti.id, savings_product(world.ksp_id, "SS").id, DAY, D("500000"), cash, key())
        db.session.commit()
        movements.deposit(world.ksp_id, account.id, D("250000"), DAY, cash, key(), wartini.id)
        db.session.commit()
        spare = opening.open_account(world.ksp_id, budi.id, savings_product(world.ksp_id, "SS").id, DAY)
        db.session.commit()

        _as("manager", ids)
        fund(world.ksp_id, "100000000")
        fund(world.bmt_id, "100000000")
        db.session.commit()
        _as("wartini", ids)
        loan = application.apply_loan(world.ksp_id, ApplicationData(
            siti.id, loan_product(world.ksp_id, "PUE").id, D("10000000"), 12, "Modal warung", DAY), wartini.id)
        db.session.commit()
        _as("manager", ids)
        application.approve_loan(world.ksp_id, loan.id, ids["manager"], DAY)
        db.session.commit()
        dropped = application.apply_loan(world.ksp_id, ApplicationData(
            budi.id, loan_product(world.ksp_id, "PUF").id, D("3000000"), 6, "Bengkel", DAY), ids["manager"])
        db.session.commit()
        _as("bmt.treasurer", ids)
        financing = active_loan(world.bmt_id, aminah.id, "MBA", None, 12, ids["bmt.treasurer"],
                                ids["bmt.manager"], DAY, goods_description="Mesin jahit",
                                cost_price=D("6000000"), down_payment=D("1000000"))
        db.session.commit()

        _as("manager", ids)  # rows nobody deletes through a page, deleted to read the sentence
        for event in db.session.scalars(select(LoanEvent).where(LoanEvent.loan_id == dropped.id)):
            db.session.delete(event)
        db.session.flush()
        db.session.delete(db.session.get(Loan, dropped.id))
        db.session.delete(db.session.get(SavingsAccount, spare.id))
        db.session.flush()
        db.session.delete(db.session.get(Member, budi.id))
        db.session.commit()
        g.actor_id = None
        return {"world": world, "ids": ids, "siti": siti.id, "budi": budi.id, "account": account.id,
                "number": account.number, "spare_number": spare.number, "loan": loan.id, "loan_number": loan.number,
                "dropped_number": dropped.number, "financing": financing.id,
                "financing_number": financing.number}


def sentences(page):
    """The sentences of the log's rows, as read (tags stripped, spaces collapsed)."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", s)).split())
            for s in re.findall(r'<span class="audit-sentence">(.*?)</span>', page, re.S)]


def changes_of(page):
    """The listed changes of multi-field updates, one list per such row."""
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
             for item in re.findall(r"<li>(.*?)</li>", block, re.S)]
            for block in re.findall(r'<ul class="audit-changes[^"]*">(.*?)</ul>', page, re.S)]


def indonesian(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        session["lang"] = "id"
    return client


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_member_added_changed_and_deleted_reads_as_history(app, hist):
    manager = client_for(app, "manager")
    said = sentences(read(manager, "/c/KSP-A/audit/?table=members"))
    assert said == [
        "Manager deleted member 2025.00027 (Budi Santoso).",
        "Wartini changed the phone of member 2025.00026 (Siti Rahayu) from 081234567890 to 081311112222.",
        "Wartini added member 2025.00027 (Budi Santoso).",
        "Wartini set the phone of member 2025.00026 (Siti Rahayu) to 081234567890.",
        "Wartini added member 2025.00026 (Siti Rahayu).",
    ]
    page = read(indonesian(app, "manager"), "/c/KSP-A/audit/?table=members")
    assert sentences(page) == [
        "Manager menghapus anggota 2025.00027 (Budi Santoso).",
        "Wartini mengubah telepon anggota 2025.00026 (Siti Rahayu) dari 081234567890 menjadi 081311112222.",
        "Wartini menambahkan anggota 2025.00027 (Budi Santoso).",
        "Wartini mengisi telepon anggota 2025.00026 (Siti Rahayu) dengan 081234567890.",
        "Wartini menambahkan anggota 2025.00026 (Siti Rahayu).",
    ]


def test_an_account_and_its_deposits_read_in_rupiah(app, hist):
    number, spare = hist["number"], hist["spare_number"]
    manager = client_for(app, "manager")
    said = sentences(read(manager, "/c/KSP-A/audit/?table=savings_accounts"))
    assert said == [
        f"Manager deleted savings account {spare}.",
        f"Wartini added savings account {spare}.",
        f"Wartini changed the balance of savings account {number} from Rp500,000 to Rp750,000.",
        f"Wartini changed the balance of savings account {number} from Rp0 to Rp500,000.",
        f"Wartini added savings account {number}.",
    ]
    said = sentences(read(manager, "/c/KSP-A/audit/?table=savings_transactions"))
    with app.app_context():
        movement_ids = sorted(db.session.scalars(select(AuditLog.row_id).where(
            AuditLog.table_name == "savings_transactions", AuditLog.cooperative_id == hist["world"].ksp_id)))
    first, second = movement_ids
    assert said == [f"Wartini recorded deposit #{second} of Rp250,000 to account {number}.",
                    f"Wartini recorded deposit #{first} of Rp500,000 to account {number}."]
    page = read(indonesian(app, "manager"), "/c/KSP-A/audit/?table=savings_transactions")
    assert sentences(page)[0] == f"Wartini mencatat setoran #{second} sebesar Rp250.000 ke rekening {number}."
    page = read(indonesian(app, "manager"), "/c/KSP-A/audit/?table=savings_accounts")
    assert f"Wartini mengubah saldo rekening simpanan {number} dari Rp500.000 menjadi Rp750.000." \
        in sentences(page)


def test_a_loan_applied_approved_and_deleted_reads_in_words(app, hist):
    number, dropped = hist["loan_number"], hist["dropped_number"]
    manager = client_for(app, "manager")
    page = read(manager, "/c/KSP-A/audit/?table=loans")
    said = sentences(page)
    assert said[0] == f"Manager deleted loan {dropped}."  # its borrower is deleted too
    assert f"Wartini added loan {number} (Siti Rahayu)." in said
    assert f"Manager changed loan {number} (Siti Rahayu):" in said
    approval = changes_of(page)[0]
    # codes in words, dates in the reader's language; nothing stored as a code is read
    assert "status: Applied → Approved" in approval
    assert "decision date: ∅ → November 2, 2026" in approval
    assert not [item for item in approval if re.search(r"\b[a-z]+_[a-z_]+\b|\bapproved\b", item)]

    page = read(indonesian(app, "manager"), "/c/KSP-A/audit/?table=loans")
    said = sentences(page)
    assert f"Manager menghapus pinjaman {dropped}." == said[0]
    assert "status: Diajukan → Disetujui" in changes_of(page)[0]
    assert "tanggal keputusan: ∅ → 2 November 2026" in changes_of(page)[0]


def test_a_bmt_reads_its_financing_in_sharia_words(app, hist):
    number = hist["financing_number"]
    bmt = indonesian(app, "bmt.manager")
    said = sentences(read(bmt, "/c/BMT-C/audit/?table=loans"))
    assert f"Bmt Treasurer menambahkan pembiayaan {number} (Aminah)." in said
    assert not [s for s in said if "pinjaman" in s.lower()]
    english = sentences(read(client_for(app, "bmt.manager"), "/c/BMT-C/audit/?table=loans"))
    assert f"Bmt Treasurer added financing {number} (Aminah)." in english
    assert not [s for s in english if "loan" in s.lower()]


def test_each_line_links_to_its_record(app, hist):
    manager = client_for(app, "manager")
    page = read(manager, "/c/KSP-A/audit/?table=members&record=2025.00026")
    links = set(re.findall(r'<span class="audit-sentence">.*?href="([^"]+)"', page, re.S))
    assert links == {f"/c/KSP-A/members/{hist['siti']}"}
    assert manager.get(f"/c/KSP-A/members/{hist['siti']}").status_code == 200
    page = read(manager, "/c/KSP-A/audit/?table=savings_transactions")
    assert set(re.findall(r'<span class="audit-sentence">.*?href="([^"]+)"', page, re.S)) == {
        f"/c/KSP-A/savings/accounts/{hist['account']}"}
    page = read(manager, f"/c/KSP-A/audit/?table=loans&record={hist['loan_number']}")
    assert set(re.findall(r'<span class="audit-sentence">.*?href="([^"]+)"', page, re.S)) == {
        f"/c/KSP-A/loans/{hist['loan']}"}
    # a deleted record (found by its row number: it is in no register now) has no page to link to
    page = read(manager, f"/c/KSP-A/audit/?table=members&record=%23{hist['budi']}")
    assert "Manager deleted member 2025.00027" in page
    assert f"/c/KSP-A/members/{hist['budi']}\"" not in page


def test_the_stored_values_are_one_click_away(app, hist):
    page = read(client_for(app, "auditor.jabar"), "/c/KSP-A/audit/?table=members&record=2025.00026")
    raw = re.findall(r"<details data-raw-values[^>]*>(.*?)</details>", page, re.S)
    assert len(raw) == 3  # the insert and the phone set and changed, each with its stored values
    update = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw[0])).split())
    assert "phone : 081234567890 → 081311112222" in update
    insert = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw[-1])).split())
    assert "member_number : 2025.00026" in insert and "category : family" in insert


def _count(page):
    return len(table_column(page, "audit-log", 0))


def test_the_filters_each_narrow_the_rows(make_app, hist):
    app = make_app(PAGE_SIZE=500)
    ksp_id, ids = hist["world"].ksp_id, hist["ids"]
    with app.app_context():
        def rows(**where):
            query = select(func.count(AuditLog.id)).where(AuditLog.cooperative_id == ksp_id)
            for column, value in where.items():
                query = query.where(getattr(AuditLog, column) == value)
            return db.session.scalar(query)
        total, by_wartini, members = rows(), rows(actor_id=ids["wartini"]), rows(table_name="members")
    manager = client_for(app, "manager")
    everything = read(manager, "/c/KSP-A/audit/")
    assert _count(everything) == total and "Wartini" in everything
    assert f"{total} changes" in everything

    page = read(manager, f"/c/KSP-A/audit/?user={ids['wartini']}")
    assert _count(page) == by_wartini < total
    assert set(table_column(page, "audit-log", 1)) == {"Wartini"}
    page = read(manager, "/c/KSP-A/audit/?user=system")
    assert set(table_column(page, "audit-log", 1)) == {"system"}

    assert _count(read(manager, "/c/KSP-A/audit/?table=members")) == members == 5
    # a record by number: its insert and its phone change
    page = read(manager, "/c/KSP-A/audit/?table=members&record=2025.00026")
    assert _count(page) == 3 and "3 changes" in page
    # by the start of the name, without a type: the member only (her account has a number)
    assert _count(read(manager, "/c/KSP-A/audit/?record=Siti")) == 3
    # an account by its number: its rows, and its movements by the account's number too
    page = read(manager, f"/c/KSP-A/audit/?record={hist['number']}")
    assert _count(page) == 3 + 2
    assert _count(read(manager, f"/c/KSP-A/audit/?table=loans&record={hist['loan_number']}")) >= 2
    assert _count(read(manager, "/c/KSP-A/audit/?record=nobody-at-all")) == 0
    # user and record together
    page = read(manager, f"/c/KSP-A/audit/?record=2025.00026&user={ids['manager']}")
    assert _count(page) == 0
    # days: the whole history is of today (the frozen clock), none of yesterday
    assert _count(read(manager, "/c/KSP-A/audit/?date_from=2026-11-18&date_to=2026-11-18")) == total
    assert _count(read(manager, "/c/KSP-A/audit/?date_to=2026-11-17")) == 0
    # the user filter offers the people who changed something, and the system
    assert re.search(r'<option value="%d">Wartini</option>' % ids["wartini"], everything)
    assert 'value="system"' in everything


def test_the_log_is_paged(make_app, hist):
    app = make_app(PAGE_SIZE=2)
    manager = client_for(app, "manager")
    page = read(manager, "/c/KSP-A/audit/?table=members")
    assert _count(page) == 2 and "Page 1 of 3" in page
    assert "table=members" in re.search(r'rel="next" href="([^"]+)"', page).group(1)
    last = read(manager, "/c/KSP-A/audit/?table=members&page=3")
    assert sentences(last) == ["Wartini added member 2025.00026 (Siti Rahayu)."]


def test_a_bad_user_filter_is_refused_with_a_message(app, hist):
    response = client_for(app, "manager").get("/c/KSP-A/audit/?user=99999")
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)


def test_the_treasurer_may_not_read_the_history(app, hist):
    assert client_for(app, "wartini").get("/c/KSP-A/audit/").status_code == 403
    assert client_for(app, "bmt.treasurer").get("/c/BMT-C/audit/?table=loans").status_code == 403


@pytest.mark.parametrize("locale, bp, words", [
    ("id", 150, "1,5%"), ("en", 150, "1.5%"), ("id", 10000, "100%"), ("en", 2, "0.02%"), ("id", 0, "0%")])
def test_a_rate_in_basis_points_reads_as_an_exact_percentage(app, locale, bp, words):
    from flask_babel import force_locale

    from coop_app.audit.history import value_words
    with app.test_request_context(), force_locale(locale):
        assert value_words("loan_products", "rate_bp", bp) == words
