"""How fast the web application's entity pages answer, over HTTP on loopback.

    python benchmarks/web_pages.py                      # the shipped data, a store built here
    python benchmarks/web_pages.py --store DIR --rounds 5 --out benchmarks/results

Builds the shipped data into a directory store (or uses ``--store``), serves the web application
(:mod:`kg.web`) from this process on 127.0.0.1 with the standard library's threaded server, and
fetches every state and organisation page, and the pages of every framework, topic and event and
of 40 sources, one request at a time: first each page once with an empty page cache ("cold": the
page is computed, the figure that matters), then ``--rounds`` more times ("cached": the
application keeps a store's pages, which never change while the store does). Reports the median,
95th percentile and maximum wall time per kind of page (time to the last byte, as a client sees
it), and the share of pages under the 100 ms target; writes ``web.md`` and ``web.json`` into
``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.build import build  # noqa: E402
from kg.store import open_store, resolve_location  # noqa: E402
from kg.web import WebApp  # noqa: E402
from kg.web.server import make_web_server  # noqa: E402

TARGET_MS = 100.0


def fetch(url: str, cpu: list[float] | None = None) -> float:
    """Milliseconds to the last byte; appends the CPU milliseconds this process (server and
    client) spent to ``cpu``: a figure that a busy machine inflates less than wall time."""
    started, started_cpu = time.perf_counter(), time.process_time()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, url
    if cpu is not None:
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="a built directory store (default: build the shipped data)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results")))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.store or os.path.join(scratch, "store")
        if not args.store:
            build(path)
        store = open_store(resolve_location(path))
        app = WebApp(store)
        server = make_web_server(app, host="127.0.0.1", port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        index = app.index()
        sources = [e for e in index.entries if e.kind == "source"][:40]
        pages = [e for e in index.entries if e.kind in ("state", "org", "framework", "topic", "event")] + sources
        fetch(base + "/")  # the search index and the "current as of" day, once per store
        fetch(base + "/id/state/NZL?at=2000")  # the first page: the catalogue parsed, caches warm
        cold: dict[str, list[float]] = {}
        cached: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        started = time.perf_counter()
        for entry in pages:
            cold.setdefault(entry.kind, []).append(fetch(base + entry.url, cpu.setdefault(entry.kind, [])))
        for _ in range(args.rounds):
            for entry in pages:
                cached.setdefault(entry.kind, []).append(fetch(base + entry.url))
        elapsed = time.perf_counter() - started
        server.shutdown()
        server.server_close()
    def summary(values: list[float], count: int, cpu_ms: list[float] | None = None) -> dict[str, float]:
        extra = {"cpu_median_ms": round(statistics.median(cpu_ms), 1)} if cpu_ms else {}
        return {"pages": count, **extra, "median_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1), "max_ms": round(max(values), 1),
                "under_target": round(sum(v < TARGET_MS for v in values) / len(values), 3)}

    report: dict = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "rounds": args.rounds, "pages": len(pages), "seconds": round(elapsed, 1),
    }
    for name, times in (("cold", cold), ("cached", cached)):
        every = [t for values in times.values() for t in values]
        cpus = cpu if name == "cold" else {}
        report[name] = {kind: summary(values, len(cold[kind]), cpus.get(kind)) for kind, values in sorted(times.items())}
        report[name]["all"] = summary(every, len(pages), [c for v in cpus.values() for c in v] or None)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "web.json").write_text(json.dumps(report, indent=2) + "\n")
    load = ", ".join(f"{v:.1f}" for v in report["machine"]["load_average"])
    lines = ["# Entity pages of the web application", "",
             f"{len(pages)} pages over HTTP on loopback, one at a time: each once computed (cold), then "
             f"{args.rounds} rounds from the application's page cache ({report['machine']['platform']}, "
             f"Python {report['machine']['python']}, {report['machine']['cpus']} CPUs, load average "
             f"{load} at the end). Target: under {TARGET_MS:g} ms. `python benchmarks/web_pages.py`."]
    for name in ("cold", "cached"):
        lines += ["", f"## {name}", "", "| kind | pages | median ms | p95 ms | max ms | under target | CPU median ms |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for kind, row in report[name].items():
            lines.append(f"| {kind} | {row['pages']} | {row['median_ms']} | {row['p95_ms']} | {row['max_ms']} | "
                         f"{row['under_target']:.1%} | {row.get('cpu_median_ms', '')} |")
    (out / "web.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
