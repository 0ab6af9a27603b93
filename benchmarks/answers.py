"""Every catalogue query's answer and time on one store: to compare answers row by row before and
after a change to the queries, and to see at a glance what each query costs.

    python benchmarks/answers.py --store /tmp/store-1M --world /tmp/world-1M -o before.json
    python benchmarks/answers.py --store /tmp/store-1M --world /tmp/world-1M --compare before.json

Parameters are those of ``benchmarks/run.py`` (the busiest codes of the generated world, or the
shipped data's NATO, NZL, ... without ``--world``), and ``--extra`` adds more sets. Each query
runs ``--repeats`` times (the median is shown; the answer must be the same every time).
``--compare`` prints the queries whose rows differ from the saved file and exits 1 if any do.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def measure(store_dir: str, params: dict[str, dict[str, str]], names: list[str] | None,
            repeats: int) -> dict[str, dict]:
    """Run each named catalogue query with its parameters; its rows, columns and times."""
    from kg.catalogue import catalogue
    from kg.query import run_query
    from kg.store import open_store

    store = open_store(store_dir)
    out: dict[str, dict] = {}
    for name in sorted(catalogue()):
        if names and name not in names:
            continue
        times = []
        result = None
        for _ in range(repeats):
            began = time.perf_counter()
            result = run_query(store, name, params.get(name, {}))
            times.append(time.perf_counter() - began)
        assert result is not None
        out[name] = {"params": params.get(name, {}), "columns": result.columns,
                     "rows": result.rows, "seconds": times,
                     "median_ms": round(1000 * statistics.median(times), 2)}
        print(f"{name:28} {len(result.rows):7d} rows {out[name]['median_ms']:10.2f} ms",
              file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="a directory store")
    parser.add_argument("--world", type=Path, help="the generated world's tables (for parameters)")
    parser.add_argument("--queries", help="comma-separated names (default: every one)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("-o", "--out", type=Path, help="write the answers and times as JSON")
    parser.add_argument("--compare", type=Path, help="a JSON file written before, to compare")
    args = parser.parse_args(argv)
    from generate import busiest
    from run import _catalogue_params

    params = _catalogue_params(busiest(args.world) if args.world else None)
    names = args.queries.split(",") if args.queries else None
    answers = measure(args.store, params, names, args.repeats)
    if args.out:
        args.out.write_text(json.dumps(answers, indent=1, sort_keys=True, default=str))
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = []
        for name, now in answers.items():
            old = before.get(name)
            if old is None:
                continue
            same = old["columns"] == now["columns"] and old["rows"] == json.loads(
                json.dumps(now["rows"], default=str))
            print(f"{name:28} {'same' if same else 'DIFFERENT'} {len(now['rows'])} rows; "
                  f"{old['median_ms']:.2f} ms -> {now['median_ms']:.2f} ms")
            if not same:
                differ.append(name)
        if differ:
            print("answers differ: " + ", ".join(differ))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
