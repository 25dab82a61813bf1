"""Schedules per second from coop_app.loans.schedule.build_schedule: the calculator behind
every loan simulation, disbursement and agreement PDF.

A seeded mix of methods, monthly and weekly, 12 to 60 instalments, principals from Rp1 million
to Rp200 million, some with grace and coarse rounding; 20,000 schedules (2,000 quick). The
loans benchmark calls run() and reports the figure.
"""
import random
import time
from datetime import date, timedelta
from decimal import Decimal

FULL = 20_000
QUICK = 2_000


def loans(count, seed=2025):
    """`count` keyword-argument sets for build_schedule, the same for a given seed."""
    from coop_app.loans.schedule import METHODS

    rng = random.Random(seed)
    first = date(2024, 1, 1)
    for _ in range(count):
        method = rng.choice(METHODS)
        term = rng.randint(12, 60)
        margin, rate = None, Decimal(rng.randint(600, 3000)) / 100
        if method == "qardh":
            rate = Decimal(0)
        elif method == "murabahah" and rng.random() < 0.3:
            rate, margin = Decimal(0), Decimal(rng.randint(1, 50)) * 100_000
        yield dict(method=method, principal=Decimal(rng.randint(10, 2_000)) * 100_000,
                   annual_rate=rate, term=term, start=first + timedelta(days=rng.randint(0, 730)),
                   frequency="weekly" if rng.random() < 0.15 else "monthly",
                   grace=rng.choice((0, 0, 0, 1, 3)),
                   rounding=Decimal(rng.choice((1, 1, 100, 1000))), margin=margin)


def run(quick=False) -> dict:
    """{"schedules_per_second", "schedules", "seconds"} over the seeded mix."""
    from coop_app.loans.schedule import build_schedule

    cases = list(loans(QUICK if quick else FULL))
    instalments = 0
    started = time.perf_counter()
    for case in cases:
        instalments += len(build_schedule(**case).installments)
    seconds = time.perf_counter() - started
    return {"schedules_per_second": len(cases) / seconds, "schedules": len(cases),
            "seconds": seconds, "instalments": instalments}


if __name__ == "__main__":
    print(run())
