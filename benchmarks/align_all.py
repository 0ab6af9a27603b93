"""Time `kg align --all` over 1946-2024: every dyad-year, both scores, written as CSV.

Builds a directory store from the packaged data (plus, with ``--extra-states``, a synthetic set of
fictional states and organisations in the curated table format, to see how the time grows), then
runs the real command in a fresh process, as a user would, and prints the figures.

    python benchmarks/align_all.py
    python benchmarks/align_all.py --extra-states 200 --extra-orgs 40 --memberships 3500

The target: the whole table in under a minute on a 2-core machine with ~200 states and 79 years.
"""

from __future__ import annotations

import argparse
import csv
import random
import string
import subprocess
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

KINDS = ["collective-defence-alliance", "forum", "regional-organisation", "treaty-organisation",
         "political-economic-union", "intelligence-alliance", "security-partnership"]


def write_synthetic(folder: Path, states: int, orgs: int, memberships: int, seed: int = 1) -> None:
    """Fictional states XQAA..., organisations QBENCH00..., random membership spells."""
    rng = random.Random(seed)
    codes = ["XQ" + a + b for a, b in product(string.ascii_uppercase, repeat=2)][:states]
    org_codes = [f"QBENCH{j:02d}" for j in range(orgs)]
    with open(folder / "sources.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "kind", "publisher", "title"],
                                 ["benchmark", "dataset", "alignment-kg", "Synthetic benchmark data"]])
    with open(folder / "states.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "start", "end", "source"])
        for i, code in enumerate(codes):
            start = "" if i % 3 else str(rng.randrange(1946, 2000))
            w.writerow([code, f"Benchmark state {code}", start, "", "benchmark"])
    with open(folder / "organizations.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "kind", "founded", "source"])
        for j, code in enumerate(org_codes):
            w.writerow([code, f"Benchmark organisation {j}", KINDS[j % len(KINDS)], "1946", "benchmark"])
    seen = set()
    with open(folder / "memberships.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["org", "member", "role", "start", "end", "source"])
        while len(seen) < min(memberships, states * orgs):
            pair = (rng.choice(org_codes), rng.choice(codes))
            if pair in seen:
                continue
            seen.add(pair)
            start = rng.randrange(1946, 2020)
            end = str(start + rng.randrange(5, 60)) if rng.random() < 0.3 else ""
            w.writerow([*pair, "member", str(start), end, "benchmark"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra-states", type=int, default=0)
    parser.add_argument("--extra-orgs", type=int, default=40)
    parser.add_argument("--memberships", type=int, default=3500)
    parser.add_argument("--from", dest="first", type=int, default=1946)
    parser.add_argument("--to", dest="last", type=int, default=2024)
    args = parser.parse_args()

    from kg.build import build
    from kg.network import state_periods

    with tempfile.TemporaryDirectory() as tmp:
        data_dirs = []
        if args.extra_states:
            extra = Path(tmp) / "synthetic"
            extra.mkdir()
            write_synthetic(extra, args.extra_states, args.extra_orgs, args.memberships)
            data_dirs.append(extra)
        store = Path(tmp) / "store"
        started = time.perf_counter()
        opened = build(str(store), data_dirs=data_dirs, validate=False)
        built = time.perf_counter() - started
        from kg.store import open_store

        opened = open_store(str(store))
        states = len(state_periods(opened))
        opened.close()
        out = Path(tmp) / "dyads.csv"
        kg = [sys.executable, "-m", "kg.cli"]
        started = time.perf_counter()
        subprocess.run([*kg, "align", "--all", "--from", str(args.first), "--to", str(args.last),
                        "-o", str(out), "--store", str(store)], check=True)
        seconds = time.perf_counter() - started
        with out.open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1
        size = out.stat().st_size
    years = args.last - args.first + 1
    print(f"states in the store: {states} ({args.extra_states} synthetic); years: {years}")
    print(f"store built in {built:.1f} s")
    print(f"kg align --all --from {args.first} --to {args.last}: {rows:,} dyad-years, "
          f"{size / 1e6:.1f} MB of CSV in {seconds:.1f} s (whole command, fresh process)")


if __name__ == "__main__":
    main()
