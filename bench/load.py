"""Load: the production server under 8 concurrent clients, on PostgreSQL with the demo data.

PostgreSQL only (on SQLite the report is a note). On a fresh database beside the one
COOP_BENCH_DATABASE_URL names (<database>_load, bench.Scratch) it runs `flask db upgrade`
and `flask coop demo`, starts `gunicorn -w 2` on a free loopback port and, from this
machine, with the standard library only, as the demo treasurer of KSP-IDM01:
  (a) reads: 8 clients, each logged in once, read in rotation the member list, a member
      page, the journal and the loan portfolio (after one client alone, the baseline);
  (b) writes: 8 clients post deposits to the cooperative's open sukarela and wajib accounts
      through the deposit form (GET it for its submission key and CSRF token, then POST);
      every 5th deposit is sent twice at once with the same key (a double click). Each
      acknowledged deposit (the redirect to its receipt) is kept with its key and amount.
Then, in the database: every acknowledged key is on the books exactly once, as that deposit;
no key is there twice; `flask coop check-ledger` exits 0. CPU per request is split between
the server's workers, PostgreSQL and the clients, which share the machine's cores. The
server is stopped and the database dropped whatever happens.
"""
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

from bench import DATABASE_ENV, Report, Scratch, progress

ROOT = Path(__file__).resolve().parent.parent
FULL = {"seconds": 30}
QUICK = {"seconds": 5}
CLIENTS = 8
WORKERS = 2
DOUBLE_SUBMIT_EVERY = 5
TARGET_READ_P95_MS = 150.0
CODE = "KSP-IDM01"
USERNAME = "ksp.bendahara"  # the demo treasurer of KSP-IDM01: reads every page, posts deposits
READ_PAGES = {"member list": f"/c/{CODE}/members/", "member page": f"/c/{CODE}/members/{{member_id}}",
              "journal": f"/c/{CODE}/ledger/journal", "portfolio": f"/c/{CODE}/portfolio/"}


# -- the server ---------------------------------------------------------------------------

def server_env(database_url):
    # Development settings: production sets SESSION_COOKIE_SECURE and the clients speak
    # plain http on loopback. Every worker shares one secret. The login throttle counts
    # failures only (auth/throttle.py): the clients log in one after another and succeed.
    return {**os.environ, "FLASK_APP": "coop_app", "COOP_DATABASE_URL": database_url,
            "COOP_ENV": "development", "COOP_SECRET_KEY": secrets.token_hex(32)}


def flask(env, *args):
    """Run `flask ...` as a deployment would (raises with its output on failure)."""
    done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env, log_path):
    """gunicorn serving create_app() with WORKERS sync workers: (base URL, master pid) once
    it answers; stopped on leaving. It starts in the project's directory, so its
    gunicorn.conf.py applies as in a deployment."""
    port = free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
             "--no-control-socket", "coop_app:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server)
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(base, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering")
        if Client(base).request("/login").status == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {base}/login within {seconds} s")


# -- a client -----------------------------------------------------------------------------

class _KeepRedirects(HTTPRedirectHandler):
    """A redirect is the answer measured (a deposit's acknowledgement), not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


class _Fields(HTMLParser):
    """The first value of each named input and the first option of each select."""

    def __init__(self):
        super().__init__()
        self.values, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and attrs.get("value"):
            self.values.setdefault(self._select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html):
    parser = _Fields()
    parser.feed(html)
    return parser.values


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    location: str
    body: str
    seconds: float


class Client:
    """One browser: its own cookie jar (its own session), one request at a time."""

    def __init__(self, base):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _KeepRedirects)

    def request(self, path, form=None):
        data = urlencode(form).encode() if form is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data, timeout=60) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except HTTPError as error:  # every non-2xx, redirects included (_KeepRedirects)
            status, headers, body = error.code, error.headers, error.read()
        except OSError:
            return Answer(0, "", "", time.perf_counter() - started)
        return Answer(status, headers.get("Location") or "", body.decode("utf-8", "replace"),
                      time.perf_counter() - started)

    def log_in(self, username, password):
        token = form_fields(self.request("/login").body).get("csrf_token", "")
        answer = self.request("/login", {"csrf_token": token, "username": username,
                                         "password": password})
        if answer.status != 302 or "/login" in answer.location:
            raise RuntimeError(f"{username} could not log in (status {answer.status})")


def logged_in_clients(base, count=CLIENTS):
    from coop_app.demo.operations import DEMO_PASSWORD

    clients = [Client(base) for _ in range(count)]
    for client in clients:
        client.log_in(USERNAME, DEMO_PASSWORD)
    return clients


# -- the phases -----------------------------------------------------------------------------

@dataclass
class Sample:
    what: str  # a page of READ_PAGES, "deposit form" or "deposit"
    status: int
    seconds: float


@dataclass
class Ack:
    key: str
    account_id: int
    amount: int  # rupiah
    entry_id: int


@dataclass
class Phase:
    samples: list
    seconds: float
    cpu: dict  # CPU seconds by who spent them, {} where /proc is not there


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class CpuMeter:
    """CPU seconds of the server's workers, of the PostgreSQL backends of the database and
    of this process (the clients): where a request's time goes when they share the cores.
    Linux only (/proc); elsewhere it reads nothing."""

    def __init__(self, master_pid, database_url):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.master_pid = master_pid
        self.engine = create_engine(database_url, poolclass=NullPool)

    def read(self):
        try:
            workers = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text().split()
        except OSError:
            return {}
        with self.engine.connect() as connection:
            backends = connection.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()").scalars().all()
        return {"server workers": self._each(workers), "PostgreSQL": self._each(backends),
                "clients": {0: time.process_time()}}

    @staticmethod
    def _each(pids):
        seconds = {}
        for pid in pids:
            try:
                seconds[pid] = cpu_seconds(pid)
            except (OSError, IndexError, ValueError):  # ended meanwhile
                pass
        return seconds

    def phase(self, clients, seconds, work):
        before = self.read()
        samples, wall = run_clients(clients, seconds, work)
        after = self.read()
        cpu = {who: sum(spent - before[who].get(pid, 0.0) for pid, spent in after[who].items())
               for who in after if who in before}
        return Phase(samples, wall, cpu)


def run_clients(clients, seconds, work):
    """Each client runs work(client, index, deadline, samples) in its own thread; the
    samples of all and the wall time."""
    deadline = time.monotonic() + seconds
    samples = [[] for _ in clients]
    threads = [threading.Thread(target=work, args=(client, i, deadline, samples[i]))
               for i, client in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for per_client in samples for s in per_client], time.perf_counter() - started


def reader(member_ids):
    pages = list(READ_PAGES.items())

    def work(client, index, deadline, samples):
        turn = index  # the clients start at different pages
        while time.monotonic() < deadline:
            name, path = pages[turn % len(pages)]
            member_id = member_ids[(turn // len(pages)) % len(member_ids)]
            answer = client.request(path.format(member_id=member_id))
            samples.append(Sample(name, answer.status, answer.seconds))
            turn += 1
    return work


def writer(account_ids, acks, sent_keys):
    def post(client, path, form, account_id, amount, samples):
        answer = client.request(path, form)
        samples.append(Sample("deposit", answer.status, answer.seconds))
        receipt = re.search(r"[?&]receipt=(\d+)", answer.location)
        if 300 <= answer.status < 400 and receipt:
            acks.append(Ack(form["key"], account_id, amount, int(receipt.group(1))))

    def work(client, index, deadline, samples):
        rng = random.Random(index)
        done = 0
        while time.monotonic() < deadline:
            account_id = rng.choice(account_ids)
            path = f"/c/{CODE}/savings/accounts/{account_id}/deposit"
            shown = client.request(path)
            samples.append(Sample("deposit form", shown.status, shown.seconds))
            fields = form_fields(shown.body)
            if shown.status != 200 or not fields.get("key") or not fields.get("csrf_token"):
                continue
            amount = rng.randrange(10_000, 1_000_001, 500)
            form = {"csrf_token": fields["csrf_token"], "key": fields["key"],
                    "entry_date": fields.get("entry_date", ""),
                    "money_account": fields.get("money_account", ""), "amount": str(amount), "memo": ""}
            done += 1
            twin = None
            sent_keys.append(form["key"])
            if done % DOUBLE_SUBMIT_EVERY == 0:  # a double click: the same form twice at once
                sent_keys.append(form["key"])
                twin = threading.Thread(target=post, args=(client, path, form, account_id, amount,
                                                           samples))
                twin.start()
            post(client, path, form, account_id, amount, samples)
            if twin:
                twin.join()
    return work


# -- figures --------------------------------------------------------------------------------

def milliseconds(samples, share):
    """The latency under which `share` of the samples fall (nearest rank), in ms."""
    times = sorted(s.seconds * 1000 for s in samples)
    if not times:
        return 0.0
    return times[min(len(times) - 1, max(0, round(share * len(times)) - 1))]


def ok(status):
    return 200 <= status < 400


def add_latencies(report, label, samples, target_p95=None):
    report.add(f"{label}: p50", milliseconds(samples, 0.50), "ms")
    report.add(f"{label}: p95", milliseconds(samples, 0.95), "ms",
               ("<=", target_p95) if target_p95 else None)
    report.add(f"{label}: p99", milliseconds(samples, 0.99), "ms")


def add_phase(report, label, phase):
    report.add(f"{label}: requests", len(phase.samples), "requests")
    report.add(f"{label}: throughput", len(phase.samples) / phase.seconds, "req/s")
    report.add(f"{label}: errors (not 2xx/3xx)", sum(not ok(s.status) for s in phase.samples),
               "requests", ("<=", 0))
    for who, seconds in phase.cpu.items():
        report.add(f"{label}: CPU per request, {who}", 1000 * seconds / max(1, len(phase.samples)), "ms")


def add_figures(report, baseline, reads, writes, acks):
    report.add("reads, 1 client: p50", milliseconds(baseline.samples, 0.50), "ms")
    report.add("reads, 1 client: p95", milliseconds(baseline.samples, 0.95), "ms")
    add_phase(report, "reads", reads)
    add_latencies(report, "reads", reads.samples, TARGET_READ_P95_MS)
    for page in READ_PAGES:
        report.add(f"reads: p95 {page}",
                   milliseconds([s for s in reads.samples if s.what == page], 0.95), "ms")
    add_phase(report, "writes", writes)
    report.add("writes: deposits acknowledged per second", len({a.key for a in acks}) / writes.seconds,
               "deposits/s")
    add_latencies(report, "writes: deposit POST", [s for s in writes.samples if s.what == "deposit"])
    report.add("writes: p95 deposit form GET",
               milliseconds([s for s in writes.samples if s.what == "deposit form"], 0.95), "ms")


def server_errors(report, samples, log_path):
    failures = sum(s.status >= 500 or s.status == 0 for s in samples)
    report.add("server errors (5xx or no answer)", failures, "requests", ("<=", 0))
    if failures:
        tail = Path(log_path).read_text(errors="replace").strip().splitlines()[-15:]
        report.notes.append("gunicorn log (last lines): " + " | ".join(tail))


# -- the proof on the books -----------------------------------------------------------------

def books(database_url, coop_id, keys):
    """Each key's savings lines ([(entry id, kind, account, sen)]), and how many keys of
    the whole journal are there more than once."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(database_url)
    found = defaultdict(list)
    try:
        with engine.connect() as connection:
            if keys:
                rows = connection.execute(text(
                    "SELECT e.idempotency_key, e.id, e.kind, l.savings_account_id, l.amount "
                    "FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id "
                    "WHERE e.cooperative_id = :coop AND l.savings_account_id IS NOT NULL "
                    "AND e.idempotency_key IN :keys").bindparams(bindparam("keys", expanding=True)),
                    {"coop": coop_id, "keys": sorted(set(keys))})
                for key, entry_id, kind, account_id, sen in rows:
                    found[key].append((entry_id, kind, account_id, -sen))
            twice = connection.execute(text(
                "SELECT count(*) FROM (SELECT 1 FROM journal_entries GROUP BY cooperative_id, "
                "idempotency_key HAVING count(*) > 1) AS repeated")).scalar()
    finally:
        engine.dispose()
    return found, twice


def prove(report, env, database_url, coop_id, acks, sent_keys):
    from coop_app.savings.movements import DEPOSIT_ENTRY

    found, twice = books(database_url, coop_id, sent_keys)
    by_key = defaultdict(list)
    for ack in acks:
        by_key[ack.key].append(ack)
    not_once = sum(len({line[0] for line in found.get(key, [])}) != 1 for key in by_key)
    unlike = sum(found.get(ack.key) != [(ack.entry_id, DEPOSIT_ENTRY, ack.account_id, ack.amount * 100)]
                 for ack in acks)
    report.add("deposits acknowledged", len(by_key), "deposits", (">=", 1))
    report.add("double submits sent (one key, two POSTs at once)",
               sum(n > 1 for n in Counter(sent_keys).values()), "deposits")
    report.add("double submits acknowledged twice", sum(len(same) > 1 for same in by_key.values()),
               "deposits")
    report.add("acknowledged keys not on the books exactly once", not_once, "keys", ("<=", 0))
    report.add("acknowledgements unlike their entry (entry, account, amount)", unlike, "answers",
               ("<=", 0))
    report.add("idempotency keys twice in the journal", twice, "keys", ("<=", 0))
    report.add("posted without acknowledgement", len(set(found) - set(by_key)), "deposits")
    check = subprocess.run([sys.executable, "-m", "flask", "coop", "check-ledger"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=600)
    report.add("check-ledger exit status", check.returncode, "", ("<=", 0))
    report.notes.append("check-ledger: " + " ".join((check.stdout + check.stderr).split())[-300:])


# -- the benchmark --------------------------------------------------------------------------

def demo_subjects(database_url):
    """The cooperative's id, its members, the open accounts that take any deposit, and the
    server's version."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            coop_id = connection.execute(text("SELECT id FROM cooperatives WHERE code = :c"),
                                         {"c": CODE}).scalar_one()
            member_ids = connection.execute(text(
                "SELECT id FROM members WHERE cooperative_id = :c ORDER BY id"), {"c": coop_id}
            ).scalars().all()
            account_ids = connection.execute(text(
                "SELECT a.id FROM savings_accounts a JOIN savings_products p ON p.id = a.product_id "
                "WHERE a.cooperative_id = :c AND a.status = 'open' "
                "AND p.kind IN ('sukarela', 'wajib') ORDER BY a.id"), {"c": coop_id}).scalars().all()
            version = connection.execute(text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
    return coop_id, member_ids, account_ids, version.split()[0]


def load_test(report, database, size):
    from sqlalchemy import make_url

    with Scratch(database, prefix="coop-bench-load-") as scratch, TemporaryDirectory() as tmp:
        database_url = scratch.url("load")
        env = server_env(database_url)
        progress("load: flask db upgrade, flask coop demo")
        started = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "coop", "demo")
        coop_id, member_ids, account_ids, version = demo_subjects(database_url)
        url = make_url(database_url)
        report.description = (f"PostgreSQL {version} on {url.host}:{url.port or 5432}, a fresh "
                               f"database ({url.database}, dropped afterwards), schema from the "
                               "migrations, the demo data")
        report.notes.append(f"setup (migrations, demo data) took {time.perf_counter() - started:.0f} s; "
                            f"{CODE} has {len(member_ids)} members; its {len(account_ids)} open "
                            "sukarela and wajib accounts take the deposits")
        log_path = Path(tmp) / "gunicorn.log"
        load_before = os.getloadavg()[0]
        with gunicorn(env, log_path) as (base, master_pid):
            meter = CpuMeter(master_pid, database_url)
            progress(f"load: 1 reader, then {CLIENTS} readers, for {size['seconds']} s")
            baseline = meter.phase(logged_in_clients(base, 1), size["seconds"] / 3, reader(member_ids))
            reads = meter.phase(logged_in_clients(base), size["seconds"], reader(member_ids))
            acks, sent_keys = [], []
            progress(f"load: {CLIENTS} writers for {size['seconds']} s")
            writes = meter.phase(logged_in_clients(base), size["seconds"],
                                 writer(account_ids, acks, sent_keys))
            meter.engine.dispose()
        report.notes.append(f"load average (1 min) of the machine: {load_before:.2f} before the "
                            f"phases, {os.getloadavg()[0]:.2f} after; anything else running shares "
                            "the cores with the server, the database and the clients")
        add_figures(report, baseline, reads, writes, acks)
        server_errors(report, baseline.samples + reads.samples + writes.samples, log_path)
        progress("load: proving the deposits on the books")
        prove(report, env, database_url, coop_id, acks, sent_keys)


def run(quick=False, database=None):
    size = QUICK if quick else FULL
    report = Report("load", "Load: gunicorn with 2 workers on PostgreSQL, 8 clients", parameters={
        "server": f"gunicorn -w {WORKERS} (sync workers) on 127.0.0.1, COOP_ENV=development",
        "clients": f"{CLIENTS} threads (urllib), one login each as {USERNAME} (treasurer, {CODE})",
        "phases": f"{size['seconds']} s reading, then {size['seconds']} s posting deposits "
                  f"(every {DOUBLE_SUBMIT_EVERY}th sent twice at once with its key)",
        "cores": os.cpu_count()})
    report.database = database.name if database else "sqlite"
    if report.database != "postgresql":
        report.description = "not measured: the load test runs on PostgreSQL only"
        if not os.environ.get(DATABASE_ENV):
            report.notes.append(f"skipped: the production target is PostgreSQL; set {DATABASE_ENV} "
                                "(postgresql+psycopg://user@host:5432/bench) to run it")
        return report
    report.notes.append("latency is measured at the client, so it includes waiting for a free "
                        "worker; clients, server and PostgreSQL share this machine's cores")
    report.notes.append("COOP_ENV=development: production sets SESSION_COOKIE_SECURE and the "
                        "clients speak plain http on loopback; the server is otherwise the same")
    load_test(report, database, size)
    return report
