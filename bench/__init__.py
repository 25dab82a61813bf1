"""Benchmarks behind `make bench`: each module here has run(quick) -> Report.

A benchmark builds its own fresh databases in a temporary directory (never the instance
database), measures, and returns figures with their targets; `python -m bench` prints them
as a table and writes bench/results/<name>.json.
"""
import json
import logging
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    # A target is (comparison, bound): ("<=", 5.0) means the value must be at most 5.0.
    target: tuple | None = None

    @property
    def passed(self):
        if self.target is None:
            return None
        op, bound = self.target
        return self.value <= bound if op == "<=" else self.value >= bound

    def as_dict(self):
        data = asdict(self)
        data["target"] = f"{self.target[0]} {self.target[1]}" if self.target else None
        data["passed"] = self.passed
        return data


@dataclass
class Report:
    name: str
    title: str
    parameters: dict = field(default_factory=dict)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, name, value, unit, target=None):
        self.figures.append(Figure(name, value, unit, target))
        return value

    @property
    def failed(self):
        return [f for f in self.figures if f.passed is False]

    def as_dict(self):
        return {
            "benchmark": self.name,
            "title": self.title,
            "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "processor": platform.processor() or platform.machine()},
            "parameters": self.parameters,
            "figures": [f.as_dict() for f in self.figures],
            "notes": self.notes,
            "passed": not self.failed,
        }


def _number(value):
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def render(report):
    """The report as a plain-text table."""
    rows = [(f.name, _number(f.value), f.unit,
             f"{f.target[0]} {_number(f.target[1])}" if f.target else "",
             {True: "PASS", False: "FAIL", None: ""}[f.passed]) for f in report.figures]
    head = ("measure", "value", "unit", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    line = "  ".join("-" * w for w in widths)

    def fmt(r):
        return "  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].ljust(widths[2]),
                          r[3].ljust(widths[3]), r[4]]).rstrip()

    out = [report.title, "=" * len(report.title)]
    out += [f"{k}: {v}" for k, v in report.parameters.items()]
    out += ["", fmt(head), line] + [fmt(r) for r in rows] + [line]
    out += [f"note: {n}" for n in report.notes]
    verdict = "all targets met" if not report.failed else \
        "FAILED: " + ", ".join(f.name for f in report.failed)
    out.append(f"{report.name}: {verdict}")
    return "\n".join(out)


def write_json(report, directory=RESULTS_DIR):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{report.name}.json"
    path.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    return path


@contextmanager
def stopwatch():
    """with stopwatch() as t: ...; t() is the seconds elapsed (frozen when the block ends)."""
    started = time.perf_counter()
    ended = []
    yield lambda: (ended[0] if ended else time.perf_counter()) - started
    ended.append(time.perf_counter())


def progress(message):
    print(f"  .. {message}", file=sys.stderr, flush=True)


def migrated_app(database_path):
    """A coop_app on a new SQLite file, its schema built by the migrations (as in production)."""
    from flask_migrate import upgrade

    from coop_app import create_app
    from coop_app.config import Config

    config = type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}", "TESTING": False})
    app = create_app(config)
    with app.app_context():
        upgrade()
    # Alembic's logging config turns the root logger on; quiet it again for the figures.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app
