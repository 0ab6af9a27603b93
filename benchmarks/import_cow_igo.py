"""Benchmark: import a generated COW IGO state-year file of 15,000 rows x 500 organisations.

Generates the file (200 states x 75 years, 500 IGO columns with realistic runs: founding, joining,
observer years, leaving, missing values), then times ``kg.importer.import_file("cow-igo", ...)``
into a new directory store, as ``kg import cow-igo FILE --store DIR`` does. The target is under
a minute on a 2-core machine.

    python benchmarks/import_cow_igo.py [--rows-per-state 75] [--states 200] [--igos 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.api import open_store  # noqa: E402
from kg.importer import import_file  # noqa: E402
from kg.loaders.statecodes import StateCodes  # noqa: E402


def stable_codes(count: int) -> list[int]:
    """COW codes that name one state throughout (no change of meaning, so no gaps)."""
    table = StateCodes.packaged()
    codes = sorted(c for c in range(1, 1000) if c in table and len(table.periods(c)) == 1)
    if len(codes) < count:
        raise SystemExit(f"only {len(codes)} stable COW codes")
    return codes[:count]


def generate(path: Path, *, states: int, years: int, igos: int, seed: int = 1) -> int:
    """Write the state-year file; returns the number of data rows."""
    rng = random.Random(seed)
    first_year, last_year = 2015 - years, 2014
    names = [f"IGO{j:03d}" for j in range(igos)]
    founded = [rng.randint(first_year - 20, last_year - 5) for _ in names]
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ccode", "year", "state", *names])
        plans = {}
        for code in stable_codes(states):
            plan = []
            for j in range(igos):
                if rng.random() < 0.35:
                    join = rng.randint(max(founded[j], first_year), last_year)
                    observer = join - rng.randint(1, 4) if rng.random() < 0.2 else join
                    leave = rng.randint(join + 1, last_year + 5) if rng.random() < 0.15 else 9999
                    plan.append((observer, join, leave))
                else:
                    plan.append(None)
            plans[code] = plan
        for code, plan in plans.items():
            for year in range(first_year, last_year + 1):
                cells = []
                for j, spell in enumerate(plan):
                    if year < founded[j]:
                        cells.append("-1")
                    elif spell is None:
                        cells.append("0")
                    elif rng.random() < 0.0005:
                        cells.append("-9")
                    else:
                        observer, join, leave = spell
                        cells.append("1" if join <= year < leave else "3" if observer <= year < join else "0")
                out.writerow([code, year, f"S{code}", *cells])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--rows-per-state", type=int, default=75)
    parser.add_argument("--igos", type=int, default=500)
    parser.add_argument("--keep", type=Path, default=None, help="write the file and store here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        where = args.keep or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        path = where / "state_year_formatv3.csv"
        started = time.perf_counter()
        rows = generate(path, states=args.states, years=args.rows_per_state, igos=args.igos)
        print(f"generated {path.name}: {rows} rows x {args.igos} organisations, "
              f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
        issues = []
        started = time.perf_counter()
        store = open_store(str(where / "store"), create=True)
        result = import_file("cow-igo", path, store, report=issues.append)
        elapsed = time.perf_counter() - started
        store.close()
        print(f"imported: {result.counts['memberships']} membership spells, {result.triples} triples, "
              f"{len(issues)} warnings in {elapsed:.1f} s (target: under 60 s)")
        if elapsed >= 60:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
