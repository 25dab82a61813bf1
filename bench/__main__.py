"""python -m bench [--quick] [name ...]: run the benchmarks, print a table, write JSON.

Every benchmark runs on SQLite and, when COOP_BENCH_DATABASE_URL is set, on PostgreSQL too;
the table and bench/results/<name>.json give the databases side by side. Exits 1 when a
figure misses its target on any database. A new benchmark is a module here with a
run(quick, database) -> Report function, listed in BENCHMARKS.
"""
import argparse
import importlib
import sys

from bench import DATABASE_ENV, RESULTS_DIR, databases, render, write_json

BENCHMARKS = ["ledger", "members", "savings", "loans", "load", "indicators"]

EPILOG = f"""\
databases:
  Every benchmark runs on SQLite (fresh files in a temporary directory). Set
  {DATABASE_ENV} to a PostgreSQL server URL to run each one on PostgreSQL too, e.g.

    {DATABASE_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/bench python -m bench

  The bench creates its own fresh databases on that server, named after the URL's
  database (bench_ledger_service, bench_members, ...; one of that name left over is
  dropped first), builds their schema with the migrations and drops them when done. The
  URL's user must be allowed to create databases; the URL's database itself is not used.
  Targets hold on every database: a miss on either exits 1.
"""


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run the coop_app benchmarks; print a table and write bench/results/<name>.json.")
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the size (100,000 journal lines): a smoke run")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    targets = databases()
    failed = []
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"{__package__}.{name}")
        reports = [module.run(quick=args.quick, database=database) for database in targets]
        path = write_json(reports, RESULTS_DIR)
        print()
        print(render(reports))
        print(f"(written to {path})", flush=True)
        failed += [f"{name}: {f.name} ({r.database})" for r in reports for f in r.failed]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
