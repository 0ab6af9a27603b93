"""Benchmarks: the project against raw pyoxigraph, the Oxigraph server and plain rdflib.

    python benchmarks/run.py --sizes 10k,100k            # about 10 minutes on 2 shared cores
    python benchmarks/run.py --sizes 10k,100k,1M --budget 60

For the shipped data alone and for each size (a synthetic world of that many triples made by
``benchmarks/generate.py`` and built on top of the shipped data) it measures, each system in a
fresh worker process (so that peak memory is that of one system at one size):

- ``project``: ``kg.build.build`` into a directory store (reading, validation and writing apart),
  then on that embedded store every catalogue query (``kg.query.run_query``, parameters from the
  busiest codes of the generated data), the Turtle and N-Triples export (``kg.rdfio.export``),
  the NetworkX projection (``kg.network.alignment_network``), ``kg align`` over 25 years
  (``kg.analysis.align`` for the two busiest states, ``align_all`` for every pair) and ``kg viz``
  (``kg.viz.write_html`` of the projection);
- ``pyoxigraph``: the same SPARQL text on the same store (``Store.query`` with
  ``use_default_graph_as_union=True``, every term materialised), run *interleaved* with the
  project's runs in the same process, so that their ratio is not at the mercy of a busy
  machine; ``Store.bulk_load`` of the same quads (N-Quads) into a new directory, run
  interleaved with the project's builds (in a child process); pyoxigraph's serializers;
- ``project-remote`` and ``server``: the same quads in ``oxigraph serve`` on 127.0.0.1; the
  project over its remote store (``kg.remote``) interleaved with the same SPARQL text sent
  with ``urllib`` (SPARQL 1.1 Protocol, ``union-default-graph``, JSON results parsed);
- ``rdflib``: ``Dataset(store="Memory", default_union=True)`` parsing the same N-Quads, the
  same SPARQL text.

"The same SPARQL text" is what the project sent to its engine (recorded): for a catalogue query
the final query with its ``VALUES`` block (the project also runs its parameter look-ups); for
the projection and ``align``, every query the step sends (the baselines skip the Python work
after the queries).

Every measurement has a time budget (``--budget`` s; the project's build has
``--build-budget``): over it, it is stopped, recorded as "over budget" and not tried again at
bigger sizes. A measurement runs ``--repeats`` times, or fewer once its runs add up to more
than ``--repeat-budget`` s. The report (``benchmarks/results/latest.md`` and ``latest.json``)
gives medians of wall time, the ratios of interleaved runs, and peak memory (``ru_maxrss``) of
each worker. ``--extra-path DIR`` puts DIR on the workers' ``PYTHONPATH`` (e.g. scipy, which
``kg viz`` needs for graphs of 500 nodes or more).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import itertools
import json
import math
import os
import platform
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

#: Worker processes, in the order they run at each size.
WORKERS_ORDER = ("build", "project", "pyoxigraph", "server", "rdflib")
#: Report columns: the systems measured.
COLUMNS = ("project", "project-remote", "pyoxigraph", "server", "rdflib")
LABELS = {
    "project": "project (embedded directory store)",
    "project-remote": "project (remote store over HTTP)",
    "pyoxigraph": "raw pyoxigraph",
    "server": "Oxigraph server (HTTP)",
    "rdflib": "plain rdflib",
}
ALIGN_YEARS = (2000, 2024)
#: Catalogue queries also run as the command line runs them (``--timeout`` 60: in a forked child).
CLI_PATH_QUERIES = ("members", "states", "single-source")
_MARK = "@@kg-bench "


# =============================================================================================
# Worker side: one process per (worker, size); results as JSON lines on stdout
# =============================================================================================


class OverBudget(BaseException):
    """Raised by the alarm when a run is longer than the budget (a BaseException, so that
    libraries that catch Exception cannot swallow it)."""


def _alarm(signum, frame):
    raise OverBudget()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Worker:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.system = spec["system"]
        self.budget = float(spec["budget"])
        self.repeats = int(spec["repeats"])
        self.repeat_budget = float(spec["repeat_budget"])
        self.skip = set(spec.get("skip", []))
        self.work = Path(spec["work"])
        signal.signal(signal.SIGALRM, _alarm)

    def emit(self, **record: Any) -> None:
        record.setdefault("system", self.system)
        record["maxrss_mb"] = _rss_mb()
        sys.stdout.write(_MARK + json.dumps(record) + "\n")
        sys.stdout.flush()

    def skipped(self, name: str, system: str | None = None) -> bool:
        return f"{system or self.system}:{name}" in self.skip

    def _run(self, fn: Callable[[], Any], budget: float | None = None) -> tuple[str, float, float, Any]:
        gc.collect()
        signal.setitimer(signal.ITIMER_REAL, budget or self.budget)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            value = fn()
            return "ok", time.perf_counter() - wall, time.process_time() - cpu, value
        except OverBudget:
            return "over budget", 0.0, 0.0, None
        except Exception as exc:  # noqa: BLE001 - recorded, not fatal
            return "error", 0.0, 0.0, f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def measure(self, name: str, fn: Callable[[], Any], *, repeats: int | None = None,
                all_repeats: bool = False, system: str | None = None, budget: float | None = None) -> Any:
        """Run ``fn`` up to ``repeats`` times; emit the times; return its last value (or None)."""
        if self.skipped(name, system):
            return None
        tag = {"system": system or self.system}
        budget = budget or self.budget
        self.emit(event="start", name=name, budget=budget, **tag)
        walls: list[float] = []
        cpus: list[float] = []
        value: Any = None
        for _ in range(repeats or self.repeats):
            status, wall, cpu, value = self._run(fn, budget)
            if status != "ok":
                self.emit(event="result", name=name, status=status, budget=budget,
                          **({"error": value} if status == "error" else {}), **tag)
                return None
            walls.append(wall)
            cpus.append(cpu)
            if sum(walls) > self.repeat_budget and not all_repeats:
                break
        info = value if isinstance(value, dict) else {}
        self.emit(event="result", name=name, status="ok", wall=walls, cpu=cpus,
                  info={k: v for k, v in info.items() if not k.startswith("_")}, **tag)
        return value

    def measure_pair(self, name: str, first: Callable[[], Any], second: Callable[[], Any], *,
                     first_system: str, second_system: str, repeats: int | None = None) -> Any:
        """Run ``first`` (the project) and ``second`` (its baseline) alternately, in the same
        process: their ratio then does not depend on what else the machine does meanwhile.
        The first round runs ``first`` first (it records the SPARQL text ``second`` sends)."""
        skip_first, skip_second = self.skipped(name, first_system), self.skipped(name, second_system)
        if skip_first:  # the baseline runs the text the project sends
            return None
        self.emit(event="start", name=name, system=first_system)
        runs: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
        status = {0: "skipped" if skip_first else "ok", 1: "skipped" if skip_second else "ok"}
        errors: dict[int, str] = {}
        value: Any = None
        for round_ in range(repeats or self.repeats):
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            for which in order:
                if status[which] != "ok":
                    continue
                result, wall, cpu, got = self._run(first if which == 0 else second)
                if result != "ok":
                    status[which] = result
                    if result == "error":
                        errors[which] = got
                    continue
                runs[which].append((wall, cpu))
                if which == 0:
                    value = got
            if status[0] != "ok" and status[1] != "ok":
                break
            spent = sum(w for w, _ in runs[0]) + sum(w for w, _ in runs[1])
            if spent > self.repeat_budget:
                break
        pairs = [b[0] / a[0] for a, b in zip(runs[0], runs[1], strict=False) if a[0] > 0]
        for which, system in ((0, first_system), (1, second_system)):
            if status[which] == "skipped":
                continue
            if status[which] != "ok" or not runs[which]:
                self.emit(event="result", name=name, status=status[which] if status[which] != "ok" else "error",
                          budget=self.budget, system=system,
                          **({"error": errors.get(which, "not run")} if status[which] != "over budget" else {}))
                continue
            info = value if (which == 0 and isinstance(value, dict)) else {}
            info = {k: v for k, v in info.items() if not k.startswith("_")}
            if which == 0 and pairs:
                info["baseline_over_this"] = pairs  # per interleaved pair: baseline / project
            self.emit(event="result", name=name, status="ok", wall=[w for w, _ in runs[which]],
                      cpu=[c for _, c in runs[which]], info=info, system=system,
                      interleaved_with=second_system if which == 0 else first_system)
        return value


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def _recorded(work: Path) -> dict[str, Any]:
    path = work / "sparql.json"
    return json.loads(path.read_text()) if path.exists() else {"queries": {}, "steps": {}}


class Recorder:
    """Wraps a store's ``query`` to keep the SPARQL text the library sends to its engine."""

    def __init__(self, store: Any) -> None:
        self.texts: list[str] = []
        self._query = store.query
        store.query = self

    def __call__(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self.texts.append(text)
        return self._query(text, *args, **kwargs)


def _catalogue_params(busy: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """Parameters for every catalogue entry: the busiest codes of the generated world (or of
    the shipped data); required parameters only (optional ones take their defaults)."""
    from kg.catalogue import PARAM_TYPES, catalogue

    busy = busy or {"org": "NATO", "org2": "EU", "state": "NZL", "state2": "AUS",
                    "event": "NATO-SUMMIT-2022-MADRID", "year": "2022",
                    "partnership": "NZL-NATO-IPCP", "partnership2": "NZL-NATO-ITPP",
                    "framework": "ITPP", "topic": "CYBER-SECURITY"}
    chosen: dict[str, dict[str, str]] = {}
    for name, entry in catalogue().items():
        params: dict[str, str] = {}
        for p in entry.parameters:
            if p.optional or p.default is not None:
                continue
            second = p.name == "b"
            if p.type == "org" or (p.type == "actor" and p.name == "org"):
                params[p.name] = busy["org2" if second else "org"]
            elif p.type in ("state", "actor"):
                params[p.name] = busy["state2" if second else "state"]
            elif p.type == "subject":
                if p.name in ("a", "b"):
                    params[p.name] = busy["partnership2" if second else "partnership"]
                else:
                    params[p.name] = busy["org"]
            elif p.type in ("event", "year", "framework", "topic"):
                params[p.name] = busy[p.type]
            elif p.type in ("date", "since") or "YYYY-MM-DD" in PARAM_TYPES.get(p.type, ""):
                params[p.name] = {"from": "2000-01-01", "to": "2024-12-31"}.get(p.name, "2020-12-31")
            elif p.type == "integer":
                params[p.name] = "20"
            else:
                params[p.name] = "x"
        chosen[name] = params
    return chosen


def _materialise(result: Any) -> int:
    """Read a pyoxigraph result completely, every term as a Python object; the row count."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return 1
    if isinstance(result, ox.QueryTriples):
        return len(list(result))
    return len([list(solution) for solution in result])


# --- build (with pyoxigraph's bulk_load of the same quads, interleaved) ----------------------

_BULK_LOAD = """
import sys, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
n = len(store)
del store
print(time.perf_counter() - start, n)
"""


def work_build(w: Worker) -> None:
    import pyoxigraph as ox

    from kg.build import build
    from kg.rdfio import export
    from kg.store import open_store

    world = w.spec.get("world")
    stores = w.work / "project-stores"
    stages: list[dict[str, float]] = []
    build_rss: list[float] = []
    builds = int(w.spec["build_repeats"])

    def one_build() -> dict[str, Any]:
        # a fresh store and a fresh validation cache: every build reads, validates and writes
        target = _fresh(stores / f"b{len(stages)}")
        os.environ["XDG_CACHE_HOME"] = str(_fresh(w.work / "cache" / str(len(stages))))
        marks: list[tuple[str, float]] = [("start", time.perf_counter())]
        build(str(target), data_dirs=[Path(world)] if world else [],
              progress=lambda message: marks.append((message.split(" ")[0], time.perf_counter())))
        marks.append(("end", time.perf_counter()))
        first: dict[str, float] = {}
        for label, moment in marks:
            first.setdefault(label, moment)
        t_val = first.get("validating", first["start"])
        t_write = first.get("writing", t_val)
        stages.append({"read": t_val - first["start"], "validate": t_write - t_val,
                       "write": first["end"] - t_write})
        build_rss.append(_rss_mb())
        w.final_store = target  # type: ignore[attr-defined]
        return {}

    # 1. the first build, then the quads for every baseline (the project's N-Quads export)
    w.emit(event="start", name="build")
    status, _, _, error = w._run(one_build)
    if status != "ok":
        w.emit(event="result", name="build", status=status, error=error)
        return
    live = Path(w.spec["store"])
    shutil.rmtree(live, ignore_errors=True)
    shutil.move(str(w.final_store), str(live))  # type: ignore[attr-defined]
    store = open_store(str(live))

    def dump() -> dict[str, Any]:
        with open(w.work / "data.nq", "wb") as handle:
            export(store, handle, ox.RdfFormat.N_QUADS)
        return {"bytes": (w.work / "data.nq").stat().st_size, "triples": len(store)}
    w.measure("export nquads", dump, repeats=1)
    store.close()
    # 2. pyoxigraph bulk_load of those quads (a child process each) and the other builds, in turn
    loads: list[float] = []
    for round_ in range(builds):
        status, _, _, value = w._run(lambda: subprocess.run(
            [sys.executable, "-c", _BULK_LOAD, str(_fresh(w.work / "bulk-load")), str(w.work / "data.nq")],
            check=True, capture_output=True, text=True).stdout.split())
        if status == "ok":
            loads.append(float(value[0]))
        else:
            w.emit(event="result", name="load", system="pyoxigraph", status=status, error=value)
            break
        if round_ + 1 < builds:
            w._run(one_build)
    shutil.rmtree(w.work / "bulk-load", ignore_errors=True)
    shutil.rmtree(stores, ignore_errors=True)
    if loads:
        w.emit(event="result", name="load", system="pyoxigraph", status="ok", wall=loads, cpu=[],
               info={"quads": int(value[1]) if value else None, "interleaved_with": "project build"})
    totals = [sum(s.values()) for s in stages]
    w.emit(event="result", name="build", status="ok", wall=totals, cpu=[], info={"builds": len(stages)})
    w.emit(event="result", name="build stages", status="ok", wall=totals, cpu=[],
           info={**{k: statistics.median(s[k] for s in stages) for k in stages[0]},
                 "builds": len(stages), "peak_mb_after_builds": max(build_rss)})


# --- the project on its embedded store, with raw pyoxigraph interleaved ---------------------


def work_project(w: Worker) -> None:
    from kg.store import open_store

    store = w.measure("open", lambda: {"_store": open_store(w.spec["store"])}, repeats=1)
    store = store["_store"] if store else open_store(w.spec["store"])
    engine = getattr(store, "engine", None)

    def raw(text: str) -> int:
        return _materialise(engine.query(text, use_default_graph_as_union=True))
    recorded = _project_suite(w, store, baseline=raw if engine is not None else None,
                              project_system="project", baseline_system="pyoxigraph")
    (w.work / "sparql.json").write_text(json.dumps(recorded, indent=1))


def _project_suite(w: Worker, store: Any, *, baseline: Callable[[str], int] | None,
                   project_system: str, baseline_system: str) -> dict[str, Any]:
    """Every measurement of the project on an open store (embedded or remote), each with its
    baseline (the same SPARQL text on the engine behind it) interleaved."""
    import pyoxigraph as ox

    from kg.catalogue import catalogue
    from kg.network import alignment_network
    from kg.query import run_query
    from kg.rdfio import export
    from kg.viz import write_html

    recorder = Recorder(store)
    recorded: dict[str, Any] = {"queries": {}, "steps": {}}
    busy = w.spec.get("busy")
    params = _catalogue_params(busy)

    def both(name: str, project: Callable[[], Any], texts: Callable[[], list[str]], **kw: Any) -> Any:
        if baseline is None:
            return w.measure(name, project, system=project_system, **kw)
        return w.measure_pair(name, project, lambda: {"rows": sum(baseline(t) for t in texts())},
                              first_system=project_system, second_system=baseline_system, **kw)

    if w.spec.get("queries", True):
        for name, entry in catalogue().items():
            def one(entry=entry, name=name) -> dict[str, Any]:
                recorder.texts.clear()
                result = run_query(store, entry, params[name])
                recorded["queries"][name] = {"text": recorder.texts[-1], "kind": result.kind,
                                             "helpers": recorder.texts[:-1], "params": params[name]}
                return {"rows": len(result.rows) if result.kind == "select" else
                        (len(result.triples) if result.kind == "graph" else 1)}
            # (when the project's run did not finish, the text it was evaluating)
            both(f"query {name}", one, lambda name=name: [recorded["queries"][name]["text"]]
                 if name in recorded["queries"] else recorder.texts[-1:])
        if project_system == "project":
            for name in CLI_PATH_QUERIES:
                if name in catalogue():
                    w.measure(f"query {name} (CLI path: --timeout 60)",
                              lambda name=name: {"rows": len(run_query(store, name, params[name], timeout=60).rows)},
                              system=project_system)
    for fmt_name, fmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        out = w.work / f"{project_system}.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            with open(out, "wb") as handle:
                export(store, handle, fmt)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=3, system=project_system)

    def step(name: str, fn: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            recorder.texts.clear()
            value = fn()
            recorded["steps"][name] = list(recorder.texts)
            return value
        return run

    def projection() -> dict[str, Any]:
        graph = alignment_network(store)
        return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "_graph": graph}
    def sent(name: str) -> Callable[[], list[str]]:
        return lambda: recorded["steps"].get(name) or list(recorder.texts)
    got = both("projection", step("projection", projection), sent("projection"), repeats=3)
    if project_system != "project":  # the remote store: the steps differ only by their queries
        return recorded
    try:
        from kg import analysis
    except ImportError as exc:
        for name in ("align pair", "align all"):
            w.emit(event="result", name=name, status="not available", error=str(exc), system=project_system)
    else:
        states = busy or {"state": "NZL", "state2": "AUS"}

        def align_pair() -> dict[str, Any]:
            table = analysis.align(store, states["state"], states["state2"],
                                   start=ALIGN_YEARS[0], end=ALIGN_YEARS[1])
            return {"rows": len(table.rows)}

        def align_all() -> dict[str, Any]:
            _, chunks = analysis.align_all(store, start=ALIGN_YEARS[0], end=ALIGN_YEARS[1], digits=4)
            return {"rows": sum(len(chunk) for chunk in chunks)}
        both("align pair", step("align pair", align_pair), sent("align pair"), repeats=3)
        both("align all", step("align all", align_all), sent("align all"), repeats=3)
    html = w.work / f"{project_system}.html"

    def viz() -> dict[str, Any]:
        graph = alignment_network(store)
        write_html(graph, html)
        return {"bytes": html.stat().st_size, "nodes": graph.number_of_nodes()}
    w.measure("viz", viz, repeats=3, system=project_system)
    if got is not None and project_system == "project":
        graph = got["_graph"]
        w.measure("viz page only", lambda: (write_html(graph, html), {"bytes": html.stat().st_size})[1],
                  repeats=3, system=project_system)
    return recorded


# --- raw pyoxigraph: its own store from the N-Quads, and its serializers --------------------


def work_pyoxigraph(w: Worker) -> None:
    import pyoxigraph as ox

    from kg.vocab import PREFIXES

    location = _fresh(w.work / "pyoxigraph-store")
    writer = ox.Store(str(location))
    writer.bulk_load(path=str(w.work / "data.nq"), format=ox.RdfFormat.N_QUADS)
    writer.flush()
    del writer
    store = ox.Store.read_only(str(location))
    for fmt_name, fmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        out = w.work / f"pyoxigraph.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            with open(out, "wb") as handle:
                ox.serialize(triples, handle, fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=3)
    out = w.work / "pyoxigraph.nq"

    def dump() -> dict[str, Any]:
        with open(out, "wb") as handle:
            store.dump(handle, ox.RdfFormat.N_QUADS)
        return {"bytes": out.stat().st_size}
    w.measure("export nquads", dump, repeats=3)


# --- the Oxigraph server: the project's remote store and plain HTTP, interleaved ------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _oxigraph_cli() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else (shutil.which("oxigraph") or "oxigraph")


def work_server(w: Worker) -> None:
    location = w.work / "server-store"
    cli = _oxigraph_cli()

    def load() -> dict[str, Any]:
        subprocess.run([cli, "load", "--location", str(_fresh(location)), "--file", str(w.work / "data.nq")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return {}
    w.measure("load", load, repeats=1, budget=float(w.spec["load_budget"]))
    port = _free_port()
    server = subprocess.Popen([cli, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the Oxigraph server did not start") from None
                time.sleep(0.1)

        def post(text: str, accept: str, out: Any = None) -> bytes:
            request = urllib.request.Request(
                endpoint + "?union-default-graph", data=text.encode("utf-8"), method="POST",
                headers={"Content-Type": "application/sparql-query", "Accept": accept})
            with urllib.request.urlopen(request, timeout=w.budget + 5) as response:
                if out is not None:
                    shutil.copyfileobj(response, out, 1 << 20)
                    return b""
                return response.read()

        def http(text: str, kind: str = "select") -> int:
            if kind == "graph":
                return post(text, "application/n-triples").count(b"\n")
            body = json.loads(post(text, "application/sparql-results+json"))
            return 1 if "boolean" in body else len(body["results"]["bindings"])

        remote = _remote_store(w, endpoint)
        if remote is not None:
            _project_suite(w, remote, baseline=http, project_system="project-remote", baseline_system="server")
        else:  # the same SPARQL text over HTTP only
            recorded = _recorded(w.work)
            for name, query in recorded["queries"].items():
                w.measure(f"query {name}", lambda q=query: {"rows": http(q["text"], q["kind"])})
            for name, texts in recorded["steps"].items():
                w.measure(name, lambda texts=texts: {"rows": sum(http(t) for t in texts)}, repeats=3)
        for fmt_name, mime in (("turtle", "text/turtle"), ("ntriples", "application/n-triples")):
            out_path = w.work / f"server.{fmt_name}"

            def exp(mime=mime, out_path=out_path) -> dict[str, Any]:
                with open(out_path, "wb") as handle:
                    post("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", mime, handle)
                return {"bytes": out_path.stat().st_size}
            w.measure(f"export {fmt_name}", exp, repeats=3)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _remote_store(w: Worker, endpoint: str) -> Any:
    """The project's remote store on ``endpoint``, or None while ``kg.store`` has none."""
    from kg.store import open_store

    try:
        store = open_store(endpoint)
        len(store)
    except Exception as exc:  # noqa: BLE001 - the remote store layer may not exist yet
        w.emit(event="result", name="open", status="not available",
               error=f"{type(exc).__name__}: {exc}", system="project-remote")
        return None
    return store


# --- plain rdflib ---------------------------------------------------------------------------


def work_rdflib(w: Worker) -> None:
    import rdflib

    holder: dict[str, Any] = {}

    def load() -> dict[str, Any]:
        holder.clear()
        dataset = rdflib.Dataset(store="Memory", default_union=True)
        dataset.parse(str(w.work / "data.nq"), format="nquads")
        holder["ds"] = dataset
        return {"triples": len(dataset)}
    if w.measure("load", load, repeats=1, budget=float(w.spec["load_budget"])) is None:
        return
    dataset = holder["ds"]

    def run(text: str, kind: str = "select") -> int:
        result = dataset.query(text)
        if kind == "ask":
            return int(bool(result.askAnswer))
        return len(list(result))
    recorded = _recorded(w.work)
    for name, query in recorded["queries"].items():
        w.measure(f"query {name}", lambda q=query: {"rows": run(q["text"], q["kind"])})
    for name, texts in recorded["steps"].items():
        w.measure(name, lambda texts=texts: {"rows": sum(run(t) for t in texts)}, repeats=3)
    for fmt_name, fmt in (("turtle", "turtle"), ("ntriples", "nt")):
        out = w.work / f"rdflib.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            dataset.serialize(destination=str(out), format=fmt)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=1)


WORKERS = {"build": work_build, "project": work_project, "pyoxigraph": work_pyoxigraph,
           "server": work_server, "rdflib": work_rdflib}
#: The system a worker's own measurements are filed under.
WORKER_SYSTEM = {"build": "project", "project": "project", "pyoxigraph": "pyoxigraph",
                 "server": "server", "rdflib": "rdflib"}


def worker_main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    worker = Worker({**spec, "system": WORKER_SYSTEM[spec["worker"]]})
    WORKERS[spec["worker"]](worker)
    worker.emit(event="done")


# =============================================================================================
# Parent side: generate, run the workers with a hard time limit, write the report
# =============================================================================================


def run_worker(spec: dict[str, Any], log: Callable[[str], None], env: dict[str, str]) -> list[dict[str, Any]]:
    """Run a worker until it is done. A run that the alarm cannot stop (native code) is killed
    after twice the budget: it is recorded as over budget and the worker starts again after it."""
    results: list[dict[str, Any]] = []
    skip = set(spec.get("skip", []))
    hard = float(spec["budget"]) * 2 + 60
    while True:
        spec_path = Path(spec["work"]) / f"spec-{spec['worker']}.json"
        spec_path.write_text(json.dumps({**spec, "skip": sorted(skip)}))
        stderr_path = Path(spec["work"]) / f"stderr-{spec['worker']}.log"
        with open(stderr_path, "w") as stderr_file:
            process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_worker", str(spec_path)],
                                       stdout=subprocess.PIPE, stderr=stderr_file, text=True, env=env)
        current: tuple[str, str] | None = None
        started = time.monotonic()
        done = False
        assert process.stdout is not None
        while True:
            ready, _, _ = select.select([process.stdout], [], [], 1.0)
            if ready:
                line = process.stdout.readline()
                if not line:
                    break
                if not line.startswith(_MARK):
                    continue
                record = json.loads(line[len(_MARK):])
                if record["event"] == "start":
                    current, started = (record["system"], record["name"]), time.monotonic()
                    hard = float(record.get("budget") or spec["budget"]) * 2 + 60
                elif record["event"] == "result":
                    results.append(record)
                    skip.add(f"{record['system']}:{record['name']}")
                    current = None
                    log(_describe(spec, record))
                elif record["event"] == "done":
                    done = True
            elif current is not None and time.monotonic() - started > hard:
                process.kill()
                record = {"event": "result", "system": current[0], "name": current[1],
                          "status": "over budget", "budget": spec["budget"], "killed": True}
                results.append(record)
                skip.add(f"{current[0]}:{current[1]}")
                log(_describe(spec, record))
                break
        process.wait()
        if done:
            return results
        if current is None or f"{current[0]}:{current[1]}" not in skip:
            tail = " | ".join(stderr_path.read_text(errors="replace").splitlines()[-5:])
            system, name = current or (WORKER_SYSTEM[spec["worker"]], "worker")
            results.append({"event": "result", "system": system, "name": name, "status": "error",
                            "error": f"worker exited with {process.returncode}: {tail}"})
            log(_describe(spec, results[-1]))
            if current is None:
                return results
            skip.add(f"{system}:{name}")


def _describe(spec: dict[str, Any], record: dict[str, Any]) -> str:
    head = f"[{spec['size']:>7} {record.get('system', spec['worker']):>14}] {record['name']}: "
    if record.get("status") == "ok":
        wall = statistics.median(record["wall"]) if record.get("wall") else float("nan")
        extra = " ".join(f"{k}={v}" for k, v in record.get("info", {}).items()
                         if isinstance(v, int | str) and not isinstance(v, bool))
        return head + f"{wall:.3f} s (n={len(record.get('wall', []))}) {extra}".rstrip()
    return head + f"{record.get('status')} {record.get('error', '')}".rstrip()


def machine() -> dict[str, Any]:
    from importlib import metadata

    versions = {}
    for package in ("alignment-kg", "pyoxigraph", "oxigraph", "rdflib", "networkx", "pyshacl", "numpy",
                    "scipy", "pyvis", "click"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    commit = ""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "kg", "queries",
                                "ontology", "data"], capture_output=True, text=True, check=False).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    return {"cpus": os.cpu_count(), "cpu_model": cpu_model, "memory": memory,
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions, "commit": commit, "load_average_at_start": os.getloadavg()}


def _importtime(command: list[str], env: dict[str, str]) -> list[dict[str, Any]]:
    probe = subprocess.run([sys.executable, "-X", "importtime", "-c",
                            "import sys; from kg.cli import main; sys.argv = ['kg'] + sys.argv[1:]; main()",
                            *command], capture_output=True, text=True, env=env, check=False)
    costs = []
    for line in probe.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            parts = line[len("import time:"):].split("|")
            if len(parts) == 3:
                costs.append((int(parts[1]), int(parts[0]), parts[2].rstrip()))
    top_level = [(c, s, m.strip()) for c, s, m in costs if not m.startswith("  ")]
    return [{"module": m, "cumulative_ms": c / 1000, "self_ms": s / 1000}
            for c, s, m in sorted(top_level, reverse=True)[:12]]


def whole_process(store: Path, runs: int, log: Callable[[str], None], env: dict[str, str],
                  work: Path) -> dict[str, Any]:
    """``kg query members -p org NATO --store DIR --format csv`` as a user runs it, ``runs``
    times, and ``kg viz`` of the whole shipped graph. Python's bytecode cache is on (in a
    scratch directory: ``PYTHONPYCACHEPREFIX``), as in any installation; the figure without it
    (``PYTHONDONTWRITEBYTECODE`` is set on this machine) is reported beside it."""
    kg = Path(sys.executable).parent / "kg"
    command = [str(kg)] if kg.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]
    args = ["query", "members", "-p", "org", "NATO", "--store", str(store), "--format", "csv"]
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    uncached = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
    uncached.pop("PYTHONPYCACHEPREFIX", None)

    def timed(cmd: list[str], environment: dict[str, str], n: int) -> list[float]:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
            times.append(time.perf_counter() - start)
        return times
    timed(command + args, cached, 1)  # fills the bytecode cache
    result: dict[str, Any] = {"command": "kg query members -p org NATO --store DIR --format csv"}
    result["wall"] = timed(command + args, cached, runs)
    result["median"] = statistics.median(result["wall"])
    result["no_bytecode_cache"] = statistics.median(timed(command + args, uncached, max(5, runs // 3)))
    result["python_startup_median"] = statistics.median(timed([sys.executable, "-c", "pass"], cached, 5))
    result["importtime_top"] = _importtime(args, cached)
    log(f"whole-process kg query: median {result['median'] * 1000:.0f} ms over {runs} runs "
        f"(without a bytecode cache {result['no_bytecode_cache'] * 1000:.0f} ms; "
        f"python -c pass {result['python_startup_median'] * 1000:.0f} ms)")
    out = work / "shipped-viz.html"
    try:
        viz = timed(command + ["viz", "-o", str(out), "--store", str(store)], cached, 3)
        result["viz"] = {"wall": viz, "median": statistics.median(viz), "bytes": out.stat().st_size}
        log(f"whole-process kg viz: median {result['viz']['median']:.2f} s, {out.stat().st_size / 1e6:.2f} MB")
    except subprocess.CalledProcessError as exc:
        result["viz"] = {"error": str(exc)}
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_worker"]:
        worker_main(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="world sizes in triples, e.g. 10k,100k,1M (default 10k,100k)")
    parser.add_argument("--systems", default="pyoxigraph,server,rdflib",
                        help="baselines besides the project: any of pyoxigraph, server, rdflib (default all)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per run of a measurement (default 5)")
    parser.add_argument("--build-budget", type=float, default=1800.0, help="seconds per project build (default 1800)")
    parser.add_argument("--load-budget", type=float, default=300.0,
                        help="seconds for a baseline to load the data (rdflib, the server; default 300)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--repeat-budget", type=float, default=1.5,
                        help="stop repeating once the runs of a measurement add up to this (default 1.5 s)")
    parser.add_argument("--build-repeats", default="2,2,1,1",
                        help="builds at: shipped, under 50k, under 500k, bigger (default 2,2,1,1)")
    parser.add_argument("--shipped", choices=("short", "full", "none"), default="short",
                        help="the shipped data alone: short (build, projection, viz, whole-process "
                             "kg query and kg viz), full (also the queries, exports, align and baselines), none")
    parser.add_argument("--whole-process-runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra-path", default=None, help="a directory to put on the workers' PYTHONPATH")
    parser.add_argument("--work", type=Path, default=None, help="scratch directory (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where latest.md and latest.json go")
    args = parser.parse_args(argv)

    from generate import busiest, generate, parse_size

    baselines = [s for s in args.systems.split(",") if s]
    sizes = [s for s in args.sizes.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = open(args.out / "latest.log", "w", encoding="utf-8")  # noqa: SIM115
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if args.extra_path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (args.extra_path, env.get("PYTHONPATH")) if p)

    def log(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {message}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    began = time.monotonic()
    command = " ".join(["python benchmarks/run.py"] + [a for a in argv if not a.startswith("--work")])
    report: dict[str, Any] = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "command": command, "machine": machine(),
                              "settings": {k: str(v) for k, v in vars(args).items() if k not in ("work", "out")},
                              "sizes": []}
    build_repeats = [int(x) for x in args.build_repeats.split(",")]
    over: set[str] = set()  # "system:measurement" over budget at a smaller size
    rows = ([] if args.shipped == "none" else [("shipped", 0)]) + [(s, parse_size(s)) for s in sizes]
    for label, target in rows:
        size_work = work / f"size-{label}"
        size_work.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = {"size": label, "target": target, "results": {}}
        busy = world = None
        if target:
            world = size_work / "world"
            start = time.perf_counter()
            counts = generate(world, target, seed=args.seed)
            entry["generate"] = {"seconds": time.perf_counter() - start, "counts": counts}
            busy = busiest(world)
            entry["busy"] = busy
            log(f"[{label:>7}] generated {counts['triples']:,} triples in {entry['generate']['seconds']:.1f} s")
        repeats = build_repeats[0 if not target else 1 if target < 50_000 else 2 if target < 500_000 else 3]
        store = size_work / "project-store"
        base = {"size": label, "work": str(size_work), "world": str(world) if world else None,
                "store": str(store), "busy": busy, "budget": args.budget, "repeats": args.repeats,
                "repeat_budget": args.repeat_budget, "build_repeats": repeats, "load_budget": args.load_budget,
                "queries": bool(target) or args.shipped == "full"}
        short = not target and args.shipped != "full"
        order = ["build", "project"] + ([] if short else [s for s in ("pyoxigraph", "server", "rdflib") if s in baselines])
        for worker in order:
            spec = {**base, "worker": worker, "skip": sorted(over)}
            if worker == "build":  # the project's build is what everything else needs
                spec["budget"] = max(args.budget, args.build_budget)
            if worker == "project" and short:
                spec["skip"] = sorted(over | {f"pyoxigraph:{n}" for n in ("projection", "align pair", "align all")}
                                      | {f"project:{n}" for n in ("export turtle", "export ntriples",
                                                                  "align pair", "align all")})
            for record in run_worker(spec, log, env):
                entry["results"].setdefault(record["system"], {})[record["name"]] = {
                    k: v for k, v in record.items() if k not in ("event", "name", "system")}
                if record.get("status") == "over budget":
                    over.add(f"{record['system']}:{record['name']}")
            for key in spec["skip"]:
                system, _, name = key.partition(":")
                if key in over:
                    entry["results"].setdefault(system, {}).setdefault(name, {"status": "over budget at a smaller size"})
            if worker == "build":
                if entry["results"].get("project", {}).get("build", {}).get("status") != "ok":
                    log(f"[{label:>7}] the project build failed: nothing else to measure at this size")
                    break
                entry["triples"] = entry["results"]["project"].get("export nquads", {}).get("info", {}).get("triples")
        if label == "shipped" and (store / "current").exists():
            entry["whole_process"] = whole_process(store, args.whole_process_runs, log, env, size_work)
        report["sizes"].append(entry)
        for scratch in ("project-stores", "pyoxigraph-store", "server-store", "bulk-load", "cache"):
            shutil.rmtree(size_work / scratch, ignore_errors=True)
        _write_report(report, args.out, began)
    report["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    report["machine"]["load_average_at_end"] = os.getloadavg()
    report["total_seconds"] = time.monotonic() - began
    _write_report(report, args.out, began)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    log(f"done in {report['total_seconds'] / 60:.1f} min: {args.out / 'latest.md'}")
    return 0


# =============================================================================================
# The report
# =============================================================================================


def _median(record: dict[str, Any] | None) -> float | None:
    if not record or record.get("status") != "ok" or not record.get("wall"):
        return None
    return statistics.median(record["wall"])


def _fmt(seconds: float | None, record: dict[str, Any] | None = None) -> str:
    if seconds is None:
        if record is None:
            return "—"
        status = record.get("status", "")
        return {"over budget": "over budget", "over budget at a smaller size": "over budget (smaller size)",
                "not available": "not available"}.get(status, status or "—")
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _r(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def _n(value: float | None) -> str:
    return f"{value:,.0f}" if value else "—"


def _paired_ratio(record: dict[str, Any] | None) -> float | None:
    """project / baseline from interleaved runs: the median of the per-pair ratios."""
    pairs = (record or {}).get("info", {}).get("baseline_over_this") or []
    values = [1 / p for p in pairs if p > 0]
    return statistics.median(values) if values else None


def _query_names(entry: dict[str, Any]) -> list[str]:
    return sorted(n[6:] for n in entry["results"].get("project", {})
                  if n.startswith("query ") and "(CLI path" not in n)


def summarise(entry: dict[str, Any]) -> dict[str, Any]:
    """Per-size headline numbers (also stored in the JSON)."""
    res = entry["results"]
    project, raw, rdf = (res.get(s, {}) for s in ("project", "pyoxigraph", "rdflib"))
    names = _query_names(entry)
    per_query: dict[str, dict[str, Any]] = {}
    for name in names:
        key = f"query {name}"
        per_query[name] = {s: _median(res.get(s, {}).get(key)) for s in COLUMNS}
        per_query[name]["project/raw"] = _paired_ratio(project.get(key))
        per_query[name]["remote/server"] = _paired_ratio(res.get("project-remote", {}).get(key))
    medians = {s: [v[s] for v in per_query.values() if v[s] is not None] for s in COLUMNS}
    ratios_raw = [v["project/raw"] for v in per_query.values() if v["project/raw"]]
    ratios_remote = [v["remote/server"] for v in per_query.values() if v["remote/server"]]
    ratios_rdf = [v["rdflib"] / v["project"] for v in per_query.values() if v["project"] and v["rdflib"]]
    peak: dict[str, float] = {}
    for system, bucket in res.items():
        values = [r.get("maxrss_mb") for r in bucket.values() if isinstance(r, dict) and r.get("maxrss_mb")]
        if values and system not in ("pyoxigraph",):
            peak[system] = max(values)
    stages_record = project.get("build stages", {})
    stages = stages_record.get("info") if stages_record.get("status") == "ok" else None
    peak["project build"] = (stages or {}).get("peak_mb_after_builds")
    peak["project"] = max((r.get("maxrss_mb") or 0) for n, r in project.items()
                          if n not in ("build", "build stages", "export nquads")) if len(project) > 3 else None
    return {
        "triples": entry.get("triples"),
        "per_query": per_query,
        "query_median": {s: statistics.median(v) if v else None for s, v in medians.items()},
        "query_total": {s: sum(v) if names and len(v) == len(names) else None for s, v in medians.items()},
        "ratio_project_raw": {"median": statistics.median(ratios_raw) if ratios_raw else None,
                              "max": max(ratios_raw) if ratios_raw else None},
        "ratio_remote_server": {"median": statistics.median(ratios_remote) if ratios_remote else None,
                                "max": max(ratios_remote) if ratios_remote else None},
        "ratio_rdflib_project": {"median": statistics.median(ratios_rdf) if ratios_rdf else None,
                                 "min": min(ratios_rdf) if ratios_rdf else None},
        "build": statistics.median(stages_record["wall"]) if stages else _median(project.get("build")),
        "build_stages": stages,
        "bulk_load": _median(raw.get("load")),
        "rdflib_load": _median(rdf.get("load")),
        "peak_mb": peak,
    }


def _write_report(report: dict[str, Any], out: Path, began: float) -> None:
    for entry in report["sizes"]:
        entry["summary"] = summarise(entry)
    report["elapsed_seconds"] = time.monotonic() - began
    (out / "latest.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    (out / "latest.md").write_text(render_markdown(report))


def _growth(report: dict[str, Any], getter: Callable[[dict[str, Any]], float | None]) -> list[str]:
    points = [(e["summary"].get("triples"), getter(e)) for e in report["sizes"] if e["target"]]
    cells = []
    for (n1, t1), (n2, t2) in itertools.pairwise(points):
        if n1 and n2 and t1 and t2 and n2 > n1:
            cells.append(f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}")
        else:
            cells.append("—")
    return cells


_GROWTH_ROWS: list[tuple[str, Callable[[dict[str, Any]], float | None]]] = [
    ("build", lambda e: e["summary"]["build"]),
    ("build: read tables", lambda e: (e["summary"].get("build_stages") or {}).get("read")),
    ("build: validate", lambda e: (e["summary"].get("build_stages") or {}).get("validate")),
    ("build: write", lambda e: (e["summary"].get("build_stages") or {}).get("write")),
    ("pyoxigraph bulk_load", lambda e: e["summary"]["bulk_load"]),
    ("export Turtle", lambda e: _median(e["results"].get("project", {}).get("export turtle"))),
    ("export N-Triples", lambda e: _median(e["results"].get("project", {}).get("export ntriples"))),
    ("projection", lambda e: _median(e["results"].get("project", {}).get("projection"))),
    ("align all (25 years)", lambda e: _median(e["results"].get("project", {}).get("align all"))),
    ("viz", lambda e: _median(e["results"].get("project", {}).get("viz"))),
    ("all catalogue queries (sum)", lambda e: e["summary"]["query_total"].get("project")),
]


def render_markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    settings = report["settings"]
    done = report.get("finished")
    lines = ["# Benchmarks", "",
             f"`{report.get('command', 'python benchmarks/run.py')}`: budget {settings.get('budget')} s per run, "
             f"up to {settings.get('repeats')} runs per measurement (fewer once they add up to "
             f"{settings.get('repeat_budget')} s); started {report['started']}"
             + (f", {report.get('total_seconds', 0) / 60:.1f} min in all." if done else " (incomplete)."), "",
             f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory']}, Python {m['python']}, {m['platform']}; "
             f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}"
             + (f", at end {', '.join(f'{x:.1f}' for x in m['load_average_at_end'])}" if m.get("load_average_at_end") else "")
             + ". Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
             + (f". Commit {m['commit']}." if m.get("commit") else "."), "",
             *([f"Workers ran with `{settings['extra_path']}` on `PYTHONPATH` (`--extra-path`): "
                "it holds scipy, which `kg viz` needs (through `networkx.spring_layout`) for graphs of 500 "
                "nodes or more and which the project does not declare; without it `kg viz` fails there.", ""]
              if settings.get("extra_path") not in (None, "None") else []),
             "The machine is shared with other work: read wall times as rough, ratios as the result. "
             "Project and raw pyoxigraph (and the remote store and plain HTTP) run interleaved in one "
             "process on the same store; their ratio is the median of the per-pair ratios. Times are "
             "medians of wall time; `—` means not measured.", ""]
    lines += ["## Headline", "",
              "| size | triples | build (read / validate / write) | pyoxigraph bulk_load | median query: project / remote / raw / server / rdflib "
              "| project ÷ raw: median, worst | rdflib ÷ project: median, least | Turtle | N-Triples | projection "
              "| align pair / all, 25 y | viz | peak MB: build / project / rdflib |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for e in report["sizes"]:
        s = e["summary"]
        res = e["results"]
        p = res.get("project", {})
        stages = s.get("build_stages") or {}
        build = _fmt(s["build"], p.get("build"))
        if stages:
            build += f" ({_fmt(stages['read'])} / {_fmt(stages['validate'])} / {_fmt(stages['write'])})"
        qm = s["query_median"]
        queries = " / ".join(_fmt(qm.get(x)) for x in COLUMNS)
        rr, rd = s["ratio_project_raw"], s["ratio_rdflib_project"]
        peak = s["peak_mb"]
        lines.append(
            f"| {e['size']} | {_n(s.get('triples'))} | {build} | {_fmt(s['bulk_load'], res.get('pyoxigraph', {}).get('load'))} "
            f"| {queries} | {_r(rr['median'])}, {_r(rr['max'])} | {_r(rd['median'])}, {_r(rd['min'])} "
            f"| {_fmt(_median(p.get('export turtle')), p.get('export turtle'))} "
            f"| {_fmt(_median(p.get('export ntriples')), p.get('export ntriples'))} "
            f"| {_fmt(_median(p.get('projection')), p.get('projection'))} "
            f"| {_fmt(_median(p.get('align pair')), p.get('align pair'))} / {_fmt(_median(p.get('align all')), p.get('align all'))} "
            f"| {_fmt(_median(p.get('viz')), p.get('viz'))} "
            f"| {_n(peak.get('project build'))} / {_n(peak.get('project'))} / {_n(peak.get('rdflib'))} |")
    lines += ["", "## Targets", "", *_targets(report), ""]
    for e in report["sizes"]:
        lines += _size_section(e)
    labels = [e["size"] for e in report["sizes"] if e["target"]]
    lines += ["## Growth", "",
              "Log-log slope of time against the store's triples between consecutive sizes: 1 is linear, "
              "n log n is about 1.05-1.1 over a decade here, and the small sizes are dominated by fixed costs "
              "(the shipped data, imports, the ontology).", "",
              "| measurement | " + " | ".join(f"{a} → {b}" for a, b in itertools.pairwise(labels)) + " |",
              "|" + " --- |" * len(labels)]
    lines += [f"| {name} | " + " | ".join(_growth(report, getter)) + " |" for name, getter in _GROWTH_ROWS]
    lines.append("")
    for e in report["sizes"]:
        if "whole_process" in e:
            lines += _whole_process_section(e["whole_process"])
    return "\n".join(lines) + "\n"


def _whole_process_section(wp: dict[str, Any]) -> list[str]:
    lines = ["## Whole-process `kg query` and `kg viz` (shipped data)", "",
             f"`{wp['command']}`: median **{wp['median'] * 1000:.0f} ms** over {len(wp['wall'])} runs "
             f"(min {min(wp['wall']) * 1000:.0f} ms, max {max(wp['wall']) * 1000:.0f} ms), with Python's bytecode "
             f"cache as in any installation; {wp['no_bytecode_cache'] * 1000:.0f} ms without it "
             f"(`PYTHONDONTWRITEBYTECODE` is set on this machine). `python -c pass` alone: "
             f"{wp['python_startup_median'] * 1000:.0f} ms.", ""]
    viz = wp.get("viz", {})
    if "median" in viz:
        lines += [f"`kg viz -o FILE --store DIR` (the whole shipped graph): median **{viz['median']:.2f} s** over "
                  f"{len(viz['wall'])} runs, {viz['bytes'] / 1e6:.2f} MB of HTML.", ""]
    else:
        lines += [f"`kg viz` failed: {viz.get('error')}", ""]
    lines += ["Top-level imports of `kg query` (`python -X importtime`, cumulative):", "",
              "| module | cumulative ms | self ms |", "| --- | --- | --- |"]
    lines += [f"| {i['module']} | {i['cumulative_ms']:.0f} | {i['self_ms']:.1f} |" for i in wp["importtime_top"][:10]]
    return [*lines, ""]


_STEPS = [  # label, measurement name per column (project, remote, raw, server, rdflib), note
    ("build / load", ("build", None, "load", "load", "load"),
     "project: tables → validated store (median of its builds); baselines: the same quads as N-Quads"),
    ("export Turtle", ("export turtle", "export turtle", "export turtle", "export turtle", "export turtle"),
     "project: sorted, canonical, prefixed; raw: pyoxigraph's serializer, unsorted"),
    ("export N-Triples", ("export ntriples", "export ntriples", "export ntriples", "export ntriples", "export ntriples"),
     "project: sorted, canonical"),
    ("export N-Quads", ("export nquads", None, "export nquads", None, None), "raw: Store.dump"),
    ("projection", ("projection",) * 5, "baselines: the step's SPARQL only"),
    ("align pair, 25 years", ("align pair",) * 5, "baselines: the step's SPARQL only"),
    ("align all, 25 years", ("align all",) * 5, "baselines: the step's SPARQL only"),
    ("viz (projection + page)", ("viz", "viz", None, None, None), ""),
    ("viz page only", ("viz page only", None, None, None, None), ""),
]


def _size_section(e: dict[str, Any]) -> list[str]:
    s = e["summary"]
    res = e["results"]
    project = res.get("project", {})
    lines = [f"## Size {e['size']}" + (f": {s['triples']:,} triples" if s.get("triples") else ""), ""]
    if e.get("generate"):
        c = e["generate"]["counts"]
        lines += [f"World: {c['triples']:,} triples generated in {e['generate']['seconds']:.1f} s "
                  f"({', '.join(f'{k} {v:,}' for k, v in c.items() if k != 'triples')}), on top of the shipped "
                  f"data. Parameters: {', '.join(f'{k} {v}' for k, v in (e.get('busy') or {}).items())}.", ""]
    else:
        lines += ["The shipped ontology and data alone.", ""]
    names = _query_names(e)
    if names:
        lines += ["| query | rows | project | project (remote) | raw pyoxigraph | Oxigraph server (HTTP) | plain rdflib "
                  "| project ÷ raw | remote ÷ server | rdflib ÷ project |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name in names:
            key = f"query {name}"
            rec = {sys_: res.get(sys_, {}).get(key) for sys_ in COLUMNS}
            t = {sys_: _median(r) for sys_, r in rec.items()}
            rows = (rec["project"] or {}).get("info", {}).get("rows", "")
            rdf = _r(t["rdflib"] / t["project"]) if t["rdflib"] and t["project"] else (
                f"> {_r(float((rec['rdflib'] or {}).get('budget', 0)) / t['project'])}"
                if t["project"] and (rec["rdflib"] or {}).get("status") == "over budget" else "—")
            lines.append(f"| {name} | {rows} | " + " | ".join(_fmt(t[x], rec[x]) for x in COLUMNS)
                         + f" | {_r(_paired_ratio(rec['project']))} | {_r(_paired_ratio(rec['project-remote']))} | {rdf} |")
        cli = [(n, project.get(f"query {n} (CLI path: --timeout 60)"), project.get(f"query {n}")) for n in CLI_PATH_QUERIES]
        cli = [(n, a, b) for n, a, b in cli if a]
        if cli:
            lines += ["", "The command line runs a query with `--timeout 60` (evaluated in a forked child, results "
                      "serialised as JSON and parsed back): " + "; ".join(
                          f"{n} {_fmt(_median(a), a)} against {_fmt(_median(b), b)} in-process" for n, a, b in cli) + "."]
        lines.append("")
    lines += ["| step | project | project (remote) | raw pyoxigraph | Oxigraph server (HTTP) | plain rdflib | project ÷ raw | note |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for label, keys, note in _STEPS:
        recs = [res.get(system, {}).get(k) if k else None for system, k in zip(COLUMNS, keys, strict=True)]
        t = [_median(r) for r in recs]
        paired = _paired_ratio(recs[0])
        ratio = _r(paired) if paired else (_r(t[0] / t[2]) if t[0] and t[2] else "—")
        info = (recs[0] or {}).get("info", {})
        extra = ", ".join(f"{k} {v:,}" for k, v in info.items() if isinstance(v, int) and not isinstance(v, bool))
        lines.append(f"| {label} | " + " | ".join(_fmt(x, r) if k else "" for x, r, k in zip(t, recs, keys, strict=True))
                     + f" | {ratio} | {'; '.join(x for x in (note, extra) if x)} |")
    stages = s.get("build_stages")
    if stages:
        loading = stages["read"] + stages["write"]
        lines += ["", f"Build stages (median of {stages.get('builds', '?')}): read tables {_fmt(stages['read'])}, "
                  f"validate {_fmt(stages['validate'])}, write {_fmt(stages['write'])}; loading without validation "
                  f"(read + write) {_fmt(loading)} against pyoxigraph's bulk_load of the same quads "
                  f"{_fmt(s['bulk_load'])} (run in turn with the builds): "
                  f"{_r(loading / s['bulk_load']) if s['bulk_load'] else '—'}."]
    peaks = {k: v for k, v in s["peak_mb"].items() if v}
    lines += ["", "Peak memory (ru_maxrss of each worker process): "
              + ", ".join(f"{k} {v:,.0f} MB" for k, v in sorted(peaks.items())) + ".", ""]
    problems = [(sys_, n, r) for sys_, b in res.items() for n, r in b.items()
                if isinstance(r, dict) and r.get("status") in ("error", "not available")]
    if problems:
        lines += ["Errors and gaps:", ""] + [f"- {sys_} / {n}: {r.get('status')}: {r.get('error')}"
                                            for sys_, n, r in problems] + [""]
    return lines


def _targets(report: dict[str, Any]) -> list[str]:
    out = ["| target | figure | holds |", "| --- | --- | --- |"]
    measured = [e for e in report["sizes"] if e["target"]]
    if not measured:
        return out
    big = next((e for e in measured if e["target"] >= 1_000_000), measured[-1])
    s, res, label = big["summary"], big["results"], big["size"]
    pq = s["per_query"]
    paired = {n: v["project/raw"] for n, v in pq.items() if v["project/raw"]}
    over_raw = {n: r for n, r in paired.items() if r > 1.3}
    project_over = [n for n in pq if (res.get("project", {}).get(f"query {n}") or {}).get("status", "").startswith("over budget")]
    if paired:
        worst = max(paired.items(), key=lambda x: x[1])
        out.append(f"| every catalogue query within 1.3x of raw pyoxigraph ({label}) | worst {worst[0]} {worst[1]:.2f}x; "
                   f"{len(over_raw)} of {len(paired)} over 1.3x"
                   + (": " + ", ".join(f"{n} {r:.2f}x" for n, r in sorted(over_raw.items())) if over_raw else "")
                   + (f"; over budget in the project and in raw pyoxigraph: {', '.join(project_over)}" if project_over else "")
                   + f" | {'yes' if not over_raw else 'no'} |")
    rdf = res.get("rdflib", {})
    below = {}
    over_rdf = 0
    for n, v in pq.items():
        record = rdf.get(f"query {n}") or {}
        if record.get("status", "").startswith("over budget") or (rdf.get("load") or {}).get("status", "").startswith("over budget"):
            over_rdf += 1
        elif v["project"] and v["rdflib"] and v["rdflib"] / v["project"] < 50:
            below[n] = v["rdflib"] / v["project"]
    if rdf:
        out.append(f"| every catalogue query at least 50x faster than rdflib, or rdflib over budget ({label}) | "
                   f"{over_rdf} over budget; {len(below)} under 50x"
                   + (": " + ", ".join(f"{n} {r:.1f}x" for n, r in sorted(below.items())) if below else "")
                   + f" | {'yes' if not below else 'no'} |")
    stages = s.get("build_stages") or {}
    if stages and s.get("bulk_load"):
        loading = stages["read"] + stages["write"]
        out.append(f"| build: loading within 2x of pyoxigraph bulk_load ({label}) | {_fmt(loading)} against "
                   f"{_fmt(s['bulk_load'])}: {loading / s['bulk_load']:.2f}x; validation {_fmt(stages['validate'])} "
                   f"on top | {'yes' if loading <= 2 * s['bulk_load'] else 'no'} |")
    raw = res.get("pyoxigraph", {})
    for fmt, limit in (("turtle", 3.0), ("ntriples", 1.5)):
        a, b = _median(res.get("project", {}).get(f"export {fmt}")), _median(raw.get(f"export {fmt}"))
        if a and b:
            out.append(f"| {fmt} export within {limit}x of pyoxigraph's serializer ({label}) | {_fmt(a)} against "
                       f"{_fmt(b)}: {a / b:.2f}x | {'yes' if a <= limit * b else 'no'} |")
    shipped = next((e for e in report["sizes"] if e["size"] == "shipped"), None)
    if shipped and shipped.get("whole_process"):
        wp = shipped["whole_process"]
        v = wp.get("viz", {})
        if "median" in v:
            out.append(f"| kg viz of the shipped data under 3 s, HTML under 5 MB | whole process {v['median']:.2f} s, "
                       f"{v['bytes'] / 1e6:.2f} MB | {'yes' if v['median'] < 3 and v['bytes'] < 5e6 else 'no'} |")
        out.append(f"| whole-process `kg query members` under 250 ms (shipped data) | {wp['median'] * 1000:.0f} ms | "
                   f"{'yes' if wp['median'] < 0.25 else 'no'} |")
    build_mb, query_mb = s["peak_mb"].get("project build"), s["peak_mb"].get("project")
    if build_mb and query_mb:
        out.append(f"| peak memory under 2 GB for build and query ({label}) | build {build_mb:,.0f} MB; queries, "
                   f"exports, projection, align and viz {query_mb:,.0f} MB | "
                   f"{'yes' if build_mb < 2048 and query_mb < 2048 else 'no'} |")
    slopes = []
    for name in ("build", "export Turtle", "export N-Triples"):
        getter = dict(_GROWTH_ROWS)[name]
        cells = [float(c) for c in _growth({"sizes": measured}, getter) if c != "—"]
        if cells:
            slopes.append((name, max(cells)))
    if slopes:
        bad = [f"{n} {v:.2f}" for n, v in slopes if v > 1.25]
        out.append("| growth of build and export no worse than n log n (log-log slope at most 1.25 between "
                   "generated sizes) | " + ", ".join(f"{n} {v:.2f}" for n, v in slopes)
                   + f" | {'no: ' + ', '.join(bad) if bad else 'yes'} |")
    return out


if __name__ == "__main__":
    sys.exit(main())
