"""python -m bench [--quick] [name ...]: run the benchmarks, print a table, write JSON.

Exits 1 when a figure misses its target. A new benchmark is a module here with a
run(quick) -> Report function, listed in BENCHMARKS.
"""
import argparse
import importlib
import sys

from bench import RESULTS_DIR, render, write_json

BENCHMARKS = ["ledger", "members", "savings", "loans"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=(
        "Run the coop_app benchmarks; print a table and write bench/results/<name>.json."))
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the size (100,000 journal lines): a smoke run")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    failed = []
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"{__package__}.{name}")
        report = module.run(quick=args.quick)
        path = write_json(report, RESULTS_DIR)
        print()
        print(render(report))
        print(f"(written to {path})")
        failed += [f"{name}: {f.name}" for f in report.failed]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
