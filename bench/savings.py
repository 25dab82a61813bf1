"""Savings at programme scale: month-end interest over 100,000 accounts, a 500-line passbook
PDF, and deposits through the web form.

On the dataset of bench/members.py (one cooperative, 100,000 members with pokok, wajib and
sukarela accounts, 1,000,000 passbook lines over a year, check_ledger clean), measures:
  (a) the passbook PDF of the account with 500 lines, rendered as the portal renders it
      (coop_app.savings.documents.passbook_context + coop_app.pdf.render_pdf; target under
      3 s), and once through the staff's passbook page with the test client;
  (b) month-end interest for December 2025 over every sukarela account through
      coop_app.savings.monthend.run_month_end, set-based, committed (target under 20 s);
      check_ledger must stay clean;
  (c) the wajib arrears list over every member (count, total and its first page), as the
      arrears page reads it;
  (d) deposits through the Flask test client: a treasurer logs in through the login form,
      opens the deposit form once for its fields, then posts N deposits to random accounts
      with fresh submission keys; deposits per second.
"""
import random
import re
import statistics
import time
import uuid
from datetime import date

from bench import SQLITE, Report, progress, stopwatch
from bench.members import CODE, csrf_token, dataset, logged_in_client

FULL = {"renders": 3, "deposits": 1_000}
QUICK = {"renders": 3, "deposits": 100}
TARGET_MONTH_END_SECONDS = 20.0
TARGET_PASSBOOK_SECONDS = 3.0
MONTH_END = date(2025, 12, 31)


# -- (a) the passbook -------------------------------------------------------------------------

def _passbook(data, renders):
    from flask import g

    from coop_app.cooperatives.models import Cooperative
    from coop_app.extensions import db
    from coop_app.members.service import get_member
    from coop_app.pdf import render_pdf
    from coop_app.savings import documents
    from coop_app.savings import passbook as portal

    timings, cpu = [], []
    with data.app.test_request_context():
        g.coop = db.session.get(Cooperative, data.coop_id)
        for _ in range(renders + 1):  # the first render also loads fonts: reported apart
            started = time.process_time()
            with stopwatch() as t:
                account = portal.account_for(data.coop_id, data.busy_account_id, data.busy_member_id)
                member = get_member(data.coop_id, account.member_id)
                context = documents.passbook_context(account, member)
                pdf = render_pdf("passbook.html", **context)
            timings.append(t())
            cpu.append(time.process_time() - started)
        lines = len(context["statement"].rows)
        db.session.remove()
    assert pdf.startswith(b"%PDF") and lines >= 500, lines
    client = logged_in_client(data.app, "bench.manajer")
    with stopwatch() as page:
        response = client.get(f"/c/{CODE}/remittances/accounts/{data.busy_account_id}/passbook.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    return timings[0], timings[1:], statistics.median(cpu[1:]), page(), lines, len(pdf)


# -- (b) month-end ----------------------------------------------------------------------------

def _month_end(data):
    from coop_app.cooperatives.models import Cooperative
    from coop_app.extensions import db
    from coop_app.ledger.check import check_ledger
    from coop_app.savings import monthend

    with data.app.app_context():
        coop = db.session.get(Cooperative, data.coop_id)
        started = time.process_time()
        with stopwatch() as t:
            runs = monthend.run_month_end(coop, MONTH_END)
            db.session.commit()
        cpu = time.process_time() - started
        paid = {run.product.code: run for run in runs}
        with stopwatch() as checking:
            _facts, problems = check_ledger()
        db.session.remove()
    assert problems == [], problems[:5]
    sukarela = paid["SS"]
    assert sukarela.status == monthend.POSTED and sukarela.accounts > 0.9 * data.members, sukarela
    return t(), cpu, sukarela.accounts, sukarela.total, checking()


# -- (c) wajib arrears -------------------------------------------------------------------------

def _arrears(data):
    """The arrears list's count and total, then its first page, over every member."""
    from coop_app.extensions import db
    from coop_app.savings.arrears import arrears_list

    with data.app.app_context():
        with stopwatch() as t:
            rows, count, total = arrears_list(data.coop_id, MONTH_END)
        db.session.remove()
    return t(), count, total, len(rows)


# -- (d) deposits through the form ------------------------------------------------------------

def _deposits(data, count):
    from sqlalchemy import func, select

    from coop_app.extensions import db
    from coop_app.ledger.check import check_ledger
    from coop_app.ledger.models import JournalEntry

    rng = random.Random(11)
    client = logged_in_client(data.app, "bench.bendahara")
    first = data.account_id(2, "SS")
    page = client.get(f"/c/{CODE}/savings/accounts/{first}/deposit").get_data(as_text=True)
    form = next(f for f in re.findall(r"<form.*?</form>", page, re.S) if 'name="amount"' in f)
    fields = set(re.findall(r'name="([a-z_]+)"', form))
    assert {"csrf_token", "entry_date", "money_account", "amount", "key"} <= fields, fields
    cash = next(value for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', form)
                if "Kas" in label or "Cash" in label)
    token, today = csrf_token(form), date.today().isoformat()
    with data.app.app_context():
        before = db.session.execute(select(func.count()).select_from(JournalEntry)).scalar()
        db.session.remove()
    timings = []
    with stopwatch() as total:
        for _ in range(count):
            member_id = rng.randint(2, data.members)  # not the passbook's account
            with stopwatch() as t:
                response = client.post(
                    f"/c/{CODE}/savings/accounts/{data.account_id(member_id, 'SS')}/deposit",
                    data={"csrf_token": token, "entry_date": today, "money_account": cash,
                          "amount": str(rng.randrange(10_000, 500_000, 5_000)), "memo": "",
                          "key": uuid.uuid4().hex})
            assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:500])
            timings.append(t() * 1000)
    with data.app.app_context():
        after = db.session.execute(select(func.count()).select_from(JournalEntry)).scalar()
        problems = check_ledger()[1]
        db.session.remove()
    assert after - before == count and problems == [], (after - before, problems[:5])
    return total(), timings, sorted(fields)


def run(quick=False, database=SQLITE):
    parameters = dict(QUICK if quick else FULL)
    data = dataset(quick, database)
    report = Report("savings", f"Savings benchmark ({'quick' if quick else 'full'}: "
                               f"{data.members:,} members, {data.transactions:,} passbook lines)",
                    parameters={
                        "dataset": f"{data.members:,} members, {3 * data.members:,} accounts, "
                                   f"{data.transactions:,} passbook lines, {data.entries:,} journal "
                                   f"entries, {data.lines:,} journal lines (see bench/members.py)",
                        "month-end": f"interest for {MONTH_END:%B %Y} on every sukarela account",
                        "passbook": "portal code path, render_pdf('passbook.html', ...)",
                        "deposits": f"{parameters['deposits']:,} POSTs of the deposit form",
                    }, database=database.name, description=data.description)
    progress("savings: passbook PDF")
    cold, warm, render_cpu, page, lines, size = _passbook(data, parameters["renders"])
    progress("savings: month-end interest")
    month_end, month_end_cpu, accounts, interest, check_seconds = _month_end(data)
    progress("savings: wajib arrears")
    arrears_seconds, in_arrears, arrears_total, _page = _arrears(data)
    progress(f"savings: {parameters['deposits']:,} deposits through the form")
    deposits, timings, fields = _deposits(data, parameters["deposits"])

    report.add(f"passbook PDF, {lines} lines: median of {len(warm)}", statistics.median(warm), "s",
               ("<=", TARGET_PASSBOOK_SECONDS))
    report.add("passbook PDF: CPU time of one render (median)", render_cpu, "s")
    report.add("passbook PDF: first render (loads fonts)", cold, "s")
    report.add("passbook PDF through the staff page (test client)", page, "s")
    report.add(f"month-end interest, {accounts:,} accounts (run + commit)", month_end, "s",
               ("<=", TARGET_MONTH_END_SECONDS))
    report.add("month-end: CPU time of this process", month_end_cpu, "s")
    report.add("month-end: accounts per second", accounts / month_end, "accounts/s")
    report.add("check_ledger() after the month-end", check_seconds, "s")
    report.add(f"wajib arrears over {data.members:,} members: count, total and first page",
               arrears_seconds, "s")
    report.add("deposits through the form (test client)", parameters["deposits"] / deposits, "deposits/s")
    report.add("deposit POST: median", statistics.median(timings), "ms")
    report.add("deposit POST: p95", sorted(timings)[int(0.95 * (len(timings) - 1))], "ms")
    report.notes.append(f"passbook: {size / 1024:,.0f} KiB of PDF; wall time above CPU time is "
                        f"the machine's other load")
    report.notes.append(f"month-end: Rp{interest:,.2f} interest posted in one entry of {accounts + 1:,} lines")
    report.notes.append(f"arrears: {in_arrears:,} members in arrears on {MONTH_END}, Rp{arrears_total:,.2f}")
    report.notes.append(f"deposit form fields: {', '.join(fields)}; every POST answered 302 and "
                        f"check_ledger stayed clean")
    return report
