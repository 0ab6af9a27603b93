"""Benchmarks: the project against plain rdflib, raw pyoxigraph and the Oxigraph server.

    python benchmarks/run.py --sizes 10k,100k [--budget 60] [--repeats 5] [--out benchmarks/results]

For the shipped data alone and for each size (a synthetic world of that many triples from
``benchmarks/generate.py``, built on top of the shipped data), it measures, each in a fresh worker
process (so that peak memory is that of one system at one size):

- ``project``: ``kg.build.build`` into a directory store (split into reading, validation and
  writing), then on the embedded store every catalogue query (``kg.query.run_query`` with
  parameters taken from the generated data), Turtle and N-Triples export (``kg.rdfio.export``),
  the NetworkX projection (``kg.network.alignment_network``), ``kg align`` over 25 years
  (``kg.analysis``, when it exists) and ``kg viz`` (``kg.viz.write_html`` of the projection);
- ``server``: the same quads in an ``oxigraph serve`` on 127.0.0.1, the same SPARQL text sent
  with ``urllib`` (SPARQL 1.1 Protocol, ``union-default-graph``, JSON results parsed);
- ``pyoxigraph``: ``Store.bulk_load`` of the same quads as N-Quads into a directory, the same
  SPARQL text with ``use_default_graph_as_union=True``, results materialised as terms;
- ``rdflib``: ``Dataset(store="Memory", default_union=True)`` parsing the same N-Quads, the same
  SPARQL text.

"The same SPARQL text" is what the project sent to its engine (recorded): for a catalogue query
the final query with its ``VALUES`` block (the project also runs its parameter look-ups); for
the projection and ``align``, every query the step sends (the baselines do not do the Python
work after the queries).

Every measurement has a time budget (``--budget`` seconds): over it, it is stopped, recorded as
"over budget" and not tried again at bigger sizes. Queries run ``--repeats`` times (fewer when
the runs add up to more than ``--repeat-budget`` seconds); the report gives medians of wall
time, the CPU time of the worker process beside it, and peak memory (``ru_maxrss``) per worker.
The report goes to ``benchmarks/results/latest.md`` and ``latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
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
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

SYSTEMS = ("project", "server", "pyoxigraph", "rdflib")
LABELS = {
    "project": "project (embedded directory store)",
    "project-remote": "project (remote store over HTTP)",
    "server": "Oxigraph server (HTTP)",
    "pyoxigraph": "raw pyoxigraph",
    "rdflib": "plain rdflib",
}
ALIGN_YEARS = (2000, 2024)
_MARK = "@@kg-bench "


# =============================================================================================
# Worker side: one process per (system, size); results as JSON lines on stdout
# =============================================================================================


class OverBudget(Exception):
    """Raised by the alarm when a measurement runs longer than the budget."""


def _alarm(signum, frame):  # noqa: ARG001
    raise OverBudget()


class Worker:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.budget = float(spec["budget"])
        self.repeats = int(spec["repeats"])
        self.repeat_budget = float(spec["repeat_budget"])
        self.skip = set(spec.get("skip", []))
        self.work = Path(spec["work"])
        signal.signal(signal.SIGALRM, _alarm)

    def emit(self, **record: Any) -> None:
        record["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sys.stdout.write(_MARK + json.dumps(record) + "\n")
        sys.stdout.flush()

    def measure(self, name: str, fn: Callable[[], Any], *, repeats: int | None = None,
                setup: Callable[[], None] | None = None, all_repeats: bool = False) -> Any:
        """Run ``fn`` up to ``repeats`` times under the budget; emit the times; return its last value."""
        if name in self.skip:
            return None
        self.emit(event="start", name=name)
        walls: list[float] = []
        cpus: list[float] = []
        value: Any = None
        for _ in range(repeats or self.repeats):
            if setup is not None:
                setup()
            gc.collect()
            signal.setitimer(signal.ITIMER_REAL, self.budget)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                value = fn()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            except OverBudget:
                self.emit(event="result", name=name, status="over budget", budget=self.budget)
                return None
            except Exception as exc:  # noqa: BLE001 - recorded, not fatal
                signal.setitimer(signal.ITIMER_REAL, 0)
                self.emit(event="result", name=name, status="error",
                          error=f"{type(exc).__name__}: {str(exc)[:300]}")
                return None
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            walls.append(wall)
            cpus.append(cpu)
            if sum(walls) > self.repeat_budget and not all_repeats:
                break
        info = value if isinstance(value, dict) else {}
        self.emit(event="result", name=name, status="ok", wall=walls, cpu=cpus,
                  info={k: v for k, v in info.items() if not k.startswith("_")})
        return value


def _queries_spec(work: Path) -> dict[str, Any]:
    path = work / "sparql.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


# --- the project ----------------------------------------------------------------------------


class Recorder:
    """Wraps a store's ``query`` to keep the SPARQL text the library sends to the engine."""

    def __init__(self, store: Any) -> None:
        self.texts: list[str] = []
        self._query = store.query
        store.query = self

    def __call__(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self.texts.append(text)
        return self._query(text, *args, **kwargs)


def _catalogue_params(busy: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """Parameters for every catalogue entry: the busiest codes of the generated world (or of
    the shipped data), required parameters only (optional ones take their defaults)."""
    from kg.catalogue import catalogue

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
            elif p.type == "date":
                params[p.name] = {"from": "2000-01-01", "to": "2024-12-31"}.get(p.name, "2020-12-31")
            elif p.type == "integer":
                params[p.name] = "20"
            else:
                params[p.name] = "x"
        chosen[name] = params
    return chosen


def work_project_build(w: Worker) -> None:
    from kg.build import build
    from kg.store import open_store

    world = w.spec.get("world")
    stages: list[dict[str, float]] = []
    stores = w.work / "project-stores"

    def one_build() -> dict[str, Any]:
        # a fresh store and a fresh validation cache: every build reads, validates and writes
        target = _fresh(stores / f"b{len(stages)}")
        os.environ["XDG_CACHE_HOME"] = str(_fresh(w.work / f"cache{len(stages)}"))
        marks: list[tuple[str, float]] = [("start", time.perf_counter())]
        build(str(target), data_dirs=[Path(world)] if world else [],
              progress=lambda message: marks.append((message.split(" ")[0], time.perf_counter())))
        marks.append(("end", time.perf_counter()))
        first = {}
        for label, moment in marks:
            first.setdefault(label, moment)
        t0, t_end = first["start"], first["end"]
        t_val = first.get("validating", t0)
        t_write = first.get("writing", t_val)
        stage = {"read": t_val - t0, "validate": t_write - t_val, "write": t_end - t_write}
        stages.append(stage)
        w.final_store = target  # type: ignore[attr-defined]
        return {}

    result = w.measure("build", one_build, repeats=int(w.spec["build_repeats"]), all_repeats=True)
    if result is not None and stages:
        w.emit(event="result", name="build stages", status="ok",
               info={k: statistics.median(s[k] for s in stages) for k in stages[0]},
               wall=[sum(s.values()) for s in stages], cpu=[])
    final = getattr(w, "final_store", None)
    if final is None:
        return
    live = Path(w.spec["store"])
    shutil.rmtree(live, ignore_errors=True)
    shutil.move(str(final), str(live))
    shutil.rmtree(stores, ignore_errors=True)
    # The same quads for the baselines, as N-Quads (timed: the project's dump)
    import pyoxigraph as ox

    from kg.rdfio import export

    store = open_store(str(live))

    def dump() -> dict[str, Any]:
        with open(w.work / "data.nq", "wb") as handle:
            export(store, handle, ox.RdfFormat.N_QUADS)
        return {"bytes": (w.work / "data.nq").stat().st_size, "triples": len(store)}

    w.measure("export nquads", dump, repeats=1)


def work_project_query(w: Worker) -> None:
    import pyoxigraph as ox

    from kg.catalogue import catalogue
    from kg.query import run_query
    from kg.rdfio import export
    from kg.store import open_store

    store = w.measure("open", lambda: {"_store": open_store(w.spec["store"])}, repeats=1)
    store = store["_store"] if store else open_store(w.spec["store"])
    recorder = Recorder(store)
    recorded: dict[str, Any] = {"queries": {}, "steps": {}}
    params = _catalogue_params(w.spec.get("busy"))
    for name, entry in catalogue().items():
        def one(entry=entry, name=name) -> dict[str, Any]:
            recorder.texts.clear()
            result = run_query(store, entry, params[name])
            recorded["queries"][name] = {"text": recorder.texts[-1], "kind": result.kind,
                                         "helpers": len(recorder.texts) - 1, "params": params[name]}
            return {"rows": len(result.rows) if result.kind == "select" else
                    (len(result.triples) if result.kind == "graph" else 1)}
        w.measure(f"query {name}", one)
    for fmt_name, fmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        out = w.work / f"project.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            with open(out, "wb") as handle:
                export(store, handle, fmt)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=3)

    from kg.network import alignment_network

    def projection() -> dict[str, Any]:
        recorder.texts.clear()
        graph = alignment_network(store)
        recorded["steps"]["projection"] = list(recorder.texts)
        return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "_graph": graph}
    got = w.measure("projection", projection, repeats=3)

    try:
        import kg.analysis as analysis
    except ImportError as exc:
        w.emit(event="result", name="align pair", status="not available", error=str(exc))
        w.emit(event="result", name="align all", status="not available", error=str(exc))
    else:
        busy = w.spec.get("busy") or {"state": "NZL", "state2": "AUS"}

        def align_pair() -> dict[str, Any]:
            recorder.texts.clear()
            table = analysis.align(store, busy["state"], busy["state2"],
                                   start=ALIGN_YEARS[0], end=ALIGN_YEARS[1])
            recorded["steps"]["align pair"] = list(recorder.texts)
            return {"rows": len(table.rows)}

        def align_all() -> dict[str, Any]:
            recorder.texts.clear()
            _, chunks = analysis.align_all(store, start=ALIGN_YEARS[0], end=ALIGN_YEARS[1], digits=4)
            rows = sum(len(chunk) for chunk in chunks)
            recorded["steps"]["align all"] = list(recorder.texts)
            return {"rows": rows}
        w.measure("align pair", align_pair, repeats=3)
        w.measure("align all", align_all, repeats=3)

    from kg.viz import write_html

    html = w.work / "project.html"

    def viz() -> dict[str, Any]:
        write_html(alignment_network(store), html)
        return {"bytes": html.stat().st_size}
    w.measure("viz", viz, repeats=3)
    if got is not None:
        graph = got["_graph"]
        w.measure("viz page only", lambda: (write_html(graph, html), {"bytes": html.stat().st_size})[1],
                  repeats=3)
    (w.work / "sparql.json").write_text(json.dumps(recorded, indent=1))


# --- baselines ------------------------------------------------------------------------------


def _baseline_queries(w: Worker, run: Callable[[str, str], int]) -> None:
    recorded = _queries_spec(w.work)
    for name, query in recorded.get("queries", {}).items():
        w.measure(f"query {name}", lambda q=query: {"rows": run(q["text"], q["kind"])})
    for step, texts in recorded.get("steps", {}).items():
        w.measure(step, lambda texts=texts: {"rows": sum(run(t, "select") for t in texts)}, repeats=3)


def work_pyoxigraph(w: Worker) -> None:
    import pyoxigraph as ox

    from kg.vocab import PREFIXES

    data = w.work / "data.nq"
    location = w.work / "pyoxigraph-store"

    def load() -> dict[str, Any]:
        store = ox.Store(str(_fresh(location)))
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        store.flush()
        count = len(store)
        del store
        return {"quads": count}
    w.measure("load", load, repeats=int(w.spec["build_repeats"]))
    store = ox.Store.read_only(str(location))

    def run(text: str, kind: str) -> int:
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return 1
        if isinstance(result, ox.QueryTriples):
            return len(list(result))
        return len([list(solution) for solution in result])
    _baseline_queries(w, run)
    for fmt_name, fmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        out = w.work / f"pyoxigraph.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            with open(out, "wb") as handle:
                ox.serialize(triples, handle, fmt,
                             prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=3)
    out = w.work / "pyoxigraph.nq"

    def dump() -> dict[str, Any]:
        with open(out, "wb") as handle:
            store.dump(handle, ox.RdfFormat.N_QUADS)
        return {"bytes": out.stat().st_size}
    w.measure("export nquads", dump, repeats=3)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _oxigraph_cli() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else (shutil.which("oxigraph") or "oxigraph")


def work_server(w: Worker) -> None:
    data = w.work / "data.nq"
    location = w.work / "server-store"
    cli = _oxigraph_cli()

    def load() -> dict[str, Any]:
        subprocess.run([cli, "load", "--location", str(_fresh(location)), "--file", str(data)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return {}
    w.measure("load", load, repeats=1)
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

        def run(text: str, kind: str) -> int:
            if kind == "graph":
                return post(text, "application/n-triples").count(b"\n")
            body = json.loads(post(text, "application/sparql-results+json"))
            return 1 if "boolean" in body else len(body["results"]["bindings"])
        _baseline_queries(w, run)
        for fmt_name, mime in (("turtle", "text/turtle"), ("ntriples", "application/n-triples")):
            out_path = w.work / f"server.{fmt_name}"

            def exp(mime=mime, out_path=out_path) -> dict[str, Any]:
                with open(out_path, "wb") as handle:
                    post("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", mime, handle)
                return {"bytes": out_path.stat().st_size}
            w.measure(f"export {fmt_name}", exp, repeats=3)
        _project_remote(w, endpoint)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _project_remote(w: Worker, endpoint: str) -> None:
    """The project's own remote store, once kg/store.py has one (else "not available")."""
    from kg.catalogue import catalogue
    from kg.query import run_query
    from kg.store import open_store

    try:
        store = open_store(endpoint)
    except Exception as exc:  # noqa: BLE001 - the remote store layer may not exist yet
        w.emit(event="result", name="project-remote", status="not available",
               error=f"{type(exc).__name__}: {exc}")
        return
    params = _catalogue_params(w.spec.get("busy"))
    for name, entry in catalogue().items():
        w.measure(f"remote query {name}",
                  lambda entry=entry, name=name: {"rows": len(run_query(store, entry, params[name]).rows)})


def work_rdflib(w: Worker) -> None:
    import rdflib

    data = w.work / "data.nq"
    holder: dict[str, Any] = {}

    def load() -> dict[str, Any]:
        holder.clear()
        gc.collect()
        dataset = rdflib.Dataset(store="Memory", default_union=True)
        dataset.parse(str(data), format="nquads")
        holder["ds"] = dataset
        return {"triples": len(dataset)}
    if w.measure("load", load, repeats=1) is None:
        return
    dataset = holder["ds"]

    def run(text: str, kind: str) -> int:
        result = dataset.query(text)
        if kind == "ask":
            return int(bool(result.askAnswer))
        return len(list(result))
    _baseline_queries(w, run)
    for fmt_name, fmt in (("turtle", "turtle"), ("ntriples", "nt")):
        out = w.work / f"rdflib.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            dataset.serialize(destination=str(out), format=fmt)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=1)


WORKERS = {
    "project-build": work_project_build,
    "project": work_project_query,
    "pyoxigraph": work_pyoxigraph,
    "server": work_server,
    "rdflib": work_rdflib,
}


def worker_main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    worker = Worker(spec)
    WORKERS[spec["system"]](worker)
    worker.emit(event="done")


# =============================================================================================
# Parent side: generate, run the workers with a hard time limit, write the report
# =============================================================================================


def run_worker(spec: dict[str, Any], log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Run a worker until done; if one measurement hangs (native code that the alarm cannot
    stop), kill the worker, record that measurement as over budget and start again after it."""
    results: list[dict[str, Any]] = []
    skip = set(spec.get("skip", []))
    while True:
        spec_path = Path(spec["work"]) / f"spec-{spec['system']}.json"
        spec_path.write_text(json.dumps({**spec, "skip": sorted(skip)}))
        stderr_path = Path(spec["work"]) / f"stderr-{spec['system']}.log"
        with open(stderr_path, "w") as stderr_file:
            process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_worker", str(spec_path)],
                                       stdout=subprocess.PIPE, stderr=stderr_file, text=True,
                                       env={**os.environ, "PYTHONHASHSEED": "0"})
        current: str | None = None
        started = time.monotonic()
        hard = float(spec["budget"]) * 2 + 60
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
                    current, started = record["name"], time.monotonic()
                elif record["event"] == "result":
                    results.append(record)
                    skip.add(record["name"])
                    current = None
                    log(_describe(spec, record))
                elif record["event"] == "done":
                    done = True
            elif current is not None and time.monotonic() - started > hard:
                process.kill()
                record = {"event": "result", "name": current, "status": "over budget",
                          "budget": spec["budget"], "killed": True}
                results.append(record)
                skip.add(current)
                log(_describe(spec, record))
                break
        process.wait()
        if done:
            return results
        if current is None or current not in skip:
            results.append({"event": "result", "name": current or "worker", "status": "error",
                            "error": f"worker exited with {process.returncode}: "
                                     + " | ".join(stderr_path.read_text(errors="replace").splitlines()[-5:])})
            log(_describe(spec, results[-1]))
            if current is None:
                return results
            skip.add(current)


def _describe(spec: dict[str, Any], record: dict[str, Any]) -> str:
    head = f"[{spec['size']:>7} {spec['system']:>13}] {record['name']}: "
    if record.get("status") == "ok":
        wall = statistics.median(record["wall"]) if record.get("wall") else float("nan")
        extra = " ".join(f"{k}={v}" for k, v in record.get("info", {}).items() if not isinstance(v, float))
        return head + f"{wall:.3f} s (n={len(record.get('wall', []))}) {extra}".rstrip()
    return head + f"{record.get('status')} {record.get('error', '')}".rstrip()


def machine() -> dict[str, Any]:
    from importlib import metadata

    versions = {}
    for package in ("alignment-kg", "pyoxigraph", "oxigraph", "rdflib", "networkx", "pyshacl", "numpy",
                    "pyvis", "click"):
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
                                "ontology", "data"], capture_output=True, text=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    return {"cpus": os.cpu_count(), "cpu_model": cpu_model, "memory": memory,
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions, "commit": commit, "load_average_at_start": os.getloadavg()}


def whole_process(store: Path, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """``kg query members -p org NATO --store DIR --format csv`` as a user runs it, ``runs`` times."""
    kg = Path(sys.executable).parent / "kg"
    command = [str(kg)] if kg.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]
    args = ["query", "members", "-p", "org", "NATO", "--store", str(store), "--format", "csv"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command + args, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    result: dict[str, Any] = {"command": "kg " + " ".join(args[:-4] + ["--store", "DIR", "--format", "csv"]),
                              "wall": times, "median": statistics.median(times)}
    # Python start-up alone, for comparison
    bare = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    result["python_startup_median"] = statistics.median(bare)
    probe = subprocess.run([sys.executable, "-X", "importtime", "-c",
                            "import sys; from kg.cli import main; sys.argv = ['kg'] + sys.argv[1:]; main()",
                            *args], capture_output=True, text=True)
    costs = []
    for line in probe.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            parts = [p.strip() for p in line[len("import time:"):].split("|")]
            costs.append((int(parts[1]), int(parts[0]), parts[2]))
    top = sorted(costs, reverse=True)
    result["importtime_top"] = [{"module": m.strip(), "cumulative_ms": c / 1000, "self_ms": s / 1000}
                                for c, s, m in top if m.startswith(" ") is False][:15]
    log(f"whole-process kg query: median {result['median'] * 1000:.0f} ms over {runs} runs "
        f"(python -c pass: {result['python_startup_median'] * 1000:.0f} ms)")
    # kg viz of the whole graph, as a user runs it
    out = store.parent / "shipped-viz.html"
    viz_times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command + ["viz", "-o", str(out), "--store", str(store)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        viz_times.append(time.perf_counter() - start)
    result["viz"] = {"wall": viz_times, "median": statistics.median(viz_times), "bytes": out.stat().st_size}
    log(f"whole-process kg viz: median {result['viz']['median']:.2f} s, {out.stat().st_size / 1e6:.2f} MB")
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_worker"]:
        worker_main(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="world sizes in triples, e.g. 10k,100k,1M")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"any of {', '.join(SYSTEMS)}")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per measurement (default 60)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per query (default 5)")
    parser.add_argument("--repeat-budget", type=float, default=10.0,
                        help="stop repeating a measurement once its runs add up to this (default 10 s)")
    parser.add_argument("--build-repeats", default="3,3,2,1",
                        help="builds per size: shipped,10k-ish,100k-ish,1M-and-more (default 3,3,2,1)")
    parser.add_argument("--build-budget", type=float, default=1800.0,
                        help="seconds for one project build (default 1800)")
    parser.add_argument("--whole-process-runs", type=int, default=21)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="scratch directory (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where latest.md/json go")
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped-data-only row")
    args = parser.parse_args(argv)

    from generate import busiest, generate, parse_size

    systems = [s for s in args.systems.split(",") if s]
    sizes = [s for s in args.sizes.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "latest.log"
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = open(log_path, "w", encoding="utf-8")  # noqa: SIM115

    def log(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {message}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    began = time.monotonic()
    report: dict[str, Any] = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                              "machine": machine(), "settings": {k: str(v) for k, v in vars(args).items()},
                              "sizes": []}
    build_repeats = [int(x) for x in args.build_repeats.split(",")]
    over: set[tuple[str, str]] = set()  # (system, measurement) over budget at a smaller size
    rows = ([("shipped", 0)] if not args.no_shipped else []) + [(s, parse_size(s)) for s in sizes]
    for label, target in rows:
        size_work = work / f"size-{label}"
        size_work.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = {"size": label, "target": target, "results": {}}
        busy = None
        world = None
        if target:
            world = size_work / "world"
            start = time.perf_counter()
            counts = generate(world, target, seed=args.seed)
            entry["generate"] = {"seconds": time.perf_counter() - start, "counts": counts}
            busy = busiest(world)
            log(f"[{label:>7}] generated {counts['triples']} triples in "
                f"{entry['generate']['seconds']:.1f} s: {counts}")
        repeats = build_repeats[0 if not target else 1 if target < 50_000 else 2 if target < 500_000 else 3]
        store = size_work / "project-store"
        base = {"size": label, "work": str(size_work), "world": str(world) if world else None,
                "store": str(store), "busy": busy, "budget": args.budget, "repeats": args.repeats,
                "repeat_budget": args.repeat_budget, "build_repeats": repeats}
        order = ["project-build"] + [s for s in ("project", "pyoxigraph", "server", "rdflib")
                                     if s in systems or (s == "project" and "project" in systems)]
        for system in order:
            key = system if system != "project-build" else "project"
            skip = sorted(name for (sys_name, name) in over if sys_name == key)
            spec = {**base, "system": system, "skip": skip}
            if system == "project-build":  # the project's build is what everything else needs
                spec["budget"] = max(args.budget, args.build_budget)
            results = run_worker(spec, log)
            bucket = entry["results"].setdefault(key, {})
            for record in results:
                bucket[record["name"]] = {k: v for k, v in record.items() if k not in ("event", "name")}
                if record.get("status") == "over budget":
                    over.add((key, record["name"]))
            for name in skip:
                bucket.setdefault(name, {"status": "over budget at a smaller size"})
            if system == "project-build" and bucket.get("build", {}).get("status") != "ok":
                log(f"[{label:>7}] the project build failed: nothing else to measure at this size")
                break
            if system == "project-build":
                nq = bucket.get("export nquads", {}).get("info", {})
                entry["triples"] = nq.get("triples")
        if label == "shipped" and (store / "current").exists():
            entry["whole_process"] = whole_process(store, args.whole_process_runs, log)
        report["sizes"].append(entry)
        shutil.rmtree(size_work / "project-stores", ignore_errors=True)
        for scratch in ("pyoxigraph-store", "server-store"):
            shutil.rmtree(size_work / scratch, ignore_errors=True)
        _write_report(report, args.out, began)
    report["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
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


def _cpu(record: dict[str, Any] | None) -> float | None:
    if not record or record.get("status") != "ok" or not record.get("cpu"):
        return None
    return statistics.median(record["cpu"])


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


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}x" if a / b < 10 else f"{a / b:.0f}x"


def _mb(record: dict[str, Any] | None) -> float | None:
    return record.get("maxrss_mb") if record else None


def _query_names(entry: dict[str, Any]) -> list[str]:
    return sorted(n[6:] for n in entry["results"].get("project", {}) if n.startswith("query "))


def summarise(entry: dict[str, Any]) -> dict[str, Any]:
    """Per-size headline numbers (also stored in the JSON)."""
    res = entry["results"]
    project, raw, rdf, server = (res.get(s, {}) for s in ("project", "pyoxigraph", "rdflib", "server"))
    names = _query_names(entry)
    per_query = {}
    for name in names:
        key = f"query {name}"
        per_query[name] = {s: _median(res.get(s, {}).get(key)) for s in SYSTEMS}
    medians = {s: [v[s] for v in per_query.values() if v[s] is not None] for s in SYSTEMS}
    ratios_raw = [v["project"] / v["pyoxigraph"] for v in per_query.values()
                  if v["project"] and v["pyoxigraph"]]
    ratios_rdf = [v["rdflib"] / v["project"] for v in per_query.values() if v["project"] and v["rdflib"]]
    peak = {}
    for system, bucket in res.items():
        values = [r.get("maxrss_mb") for r in bucket.values() if isinstance(r, dict) and r.get("maxrss_mb")]
        if values:
            peak[system] = max(values)
    return {
        "triples": entry.get("triples"),
        "per_query": per_query,
        "query_median": {s: statistics.median(v) if v else None for s, v in medians.items()},
        "query_total": {s: sum(v) if len(v) == len(names) else None for s, v in medians.items()},
        "ratio_project_raw": {"median": statistics.median(ratios_raw) if ratios_raw else None,
                              "max": max(ratios_raw) if ratios_raw else None},
        "ratio_rdflib_project": {"median": statistics.median(ratios_rdf) if ratios_rdf else None,
                                 "min": min(ratios_rdf) if ratios_rdf else None},
        "build": _median(project.get("build")),
        "build_stages": project.get("build stages", {}).get("info"),
        "bulk_load": _median(raw.get("load")),
        "rdflib_load": _median(rdf.get("load")),
        "server_load": _median(server.get("load")),
        "peak_mb": peak,
        "peak_build_mb": _mb(project.get("export nquads")) or _mb(project.get("build")),
    }


def _write_report(report: dict[str, Any], out: Path, began: float) -> None:
    for entry in report["sizes"]:
        entry["summary"] = summarise(entry)
    report["elapsed_seconds"] = time.monotonic() - began
    (out / "latest.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    (out / "latest.md").write_text(render_markdown(report))


def _growth(report: dict[str, Any], getter: Callable[[dict[str, Any]], float | None]) -> list[str]:
    points = [(e["summary"].get("triples"), getter(e)) for e in report["sizes"]]
    cells = []
    for (n1, t1), (n2, t2) in zip(points, points[1:]):
        if n1 and n2 and t1 and t2 and n2 > n1:
            cells.append(f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}")
        else:
            cells.append("—")
    return cells


def render_markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = ["# Benchmarks", ""]
    lines.append(f"Generated by `python benchmarks/run.py --sizes {report['settings']['sizes']}` "
                 f"(budget {report['settings']['budget']} s per measurement, "
                 f"{report['settings']['repeats']} runs per query), started {report['started']}"
                 + (f", {report.get('total_seconds', report['elapsed_seconds']) / 60:.1f} min in all." if report.get('finished') else " (incomplete)."))
    lines += ["", f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory']}, Python {m['python']}, "
              f"{m['platform']}; load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}"
              + (f", at end {', '.join(f'{x:.1f}' for x in m['load_average_at_end'])}" if m.get('load_average_at_end') else "")
              + ". Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
              + (f". Commit {m['commit']}." if m.get("commit") else "."), ""]
    lines += ["The machine is shared: wall times are noisy. Ratios compare figures measured in the same "
              "run, one system after the other at each size. Times are medians of wall time.", ""]
    # headline
    lines += ["## Headline", "",
              "| size | triples | build (read / validate / write) | bulk_load (pyoxigraph) | median query: project / raw pyoxigraph / server / rdflib | project ÷ raw (median, worst) | rdflib ÷ project (median, least) | Turtle export | N-Triples export | projection | align pair / all (25 y) | viz | peak MB build / query / rdflib |",
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
        queries = " / ".join(_fmt(qm.get(x)) if qm.get(x) is not None else
                             _status_all(res.get(x, {}), "query ") for x in ("project", "pyoxigraph", "server", "rdflib"))
        rr, rd = s["ratio_project_raw"], s["ratio_rdflib_project"]
        peak = s["peak_mb"]
        lines.append(
            f"| {e['size']} | {s.get('triples') or '—':,} | {build} | {_fmt(s['bulk_load'], res.get('pyoxigraph', {}).get('load'))} "
            f"| {queries} | {_r(rr['median'])}, {_r(rr['max'])} | {_r(rd['median'])}, {_r(rd['min'])} "
            f"| {_fmt(_median(p.get('export turtle')), p.get('export turtle'))} "
            f"| {_fmt(_median(p.get('export ntriples')), p.get('export ntriples'))} "
            f"| {_fmt(_median(p.get('projection')), p.get('projection'))} "
            f"| {_fmt(_median(p.get('align pair')), p.get('align pair'))} / {_fmt(_median(p.get('align all')), p.get('align all'))} "
            f"| {_fmt(_median(p.get('viz')), p.get('viz'))} "
            f"| {_n(s.get('peak_build_mb'))} / {_n(_mb(p.get('viz')) or peak.get('project'))} / {_n(peak.get('rdflib'))} |"
            if isinstance(s.get("triples"), int) else
            f"| {e['size']} | — | {build} | | | | | | | | | | |")
    lines.append("")
    lines += ["## Targets", ""] + _targets(report) + [""]
    # per size details
    for e in report["sizes"]:
        lines += _size_section(e)
    # growth
    lines += ["## Growth", "",
              "Log-log slope of time against the store's triples between consecutive sizes (1 = linear; "
              "n log n is about 1.05-1.1 over a decade here; small sizes are dominated by fixed costs).", ""]
    labels = [e["size"] for e in report["sizes"]]
    header = " | ".join(f"{a} → {b}" for a, b in zip(labels, labels[1:]))
    lines += [f"| measurement | {header} |", "|" + " --- |" * (len(labels))]
    growth_rows = [
        ("build", lambda e: e["summary"]["build"]),
        ("build: read tables", lambda e: (e["summary"].get("build_stages") or {}).get("read")),
        ("build: validate", lambda e: (e["summary"].get("build_stages") or {}).get("validate")),
        ("build: write", lambda e: (e["summary"].get("build_stages") or {}).get("write")),
        ("pyoxigraph bulk_load", lambda e: e["summary"]["bulk_load"]),
        ("export Turtle", lambda e: _median(e["results"].get("project", {}).get("export turtle"))),
        ("export N-Triples", lambda e: _median(e["results"].get("project", {}).get("export ntriples"))),
        ("projection", lambda e: _median(e["results"].get("project", {}).get("projection"))),
        ("viz", lambda e: _median(e["results"].get("project", {}).get("viz"))),
        ("all catalogue queries (sum)", lambda e: e["summary"]["query_total"].get("project")),
    ]
    for name, getter in growth_rows:
        lines.append(f"| {name} | " + " | ".join(_growth(report, getter)) + " |")
    lines.append("")
    for e in report["sizes"]:
        if "whole_process" in e:
            wp = e["whole_process"]
            lines += ["## Whole-process `kg query` and `kg viz` (shipped data)", "",
                      f"`{wp['command']}`: median **{wp['median'] * 1000:.0f} ms** over {len(wp['wall'])} runs "
                      f"(min {min(wp['wall']) * 1000:.0f} ms, max {max(wp['wall']) * 1000:.0f} ms; "
                      f"`python -c pass` alone: {wp['python_startup_median'] * 1000:.0f} ms).", "",
                      f"`kg viz -o FILE --store DIR` (the whole shipped graph): median **{wp['viz']['median']:.2f} s** "
                      f"over {len(wp['viz']['wall'])} runs, {wp['viz']['bytes'] / 1e6:.2f} MB of HTML.", "",
                      "Top imports of `kg query` (`python -X importtime`, cumulative):", "",
                      "| module | cumulative ms | self ms |", "| --- | --- | --- |"]
            lines += [f"| {i['module']} | {i['cumulative_ms']:.0f} | {i['self_ms']:.1f} |" for i in wp["importtime_top"][:10]]
            lines.append("")
    return "\n".join(lines) + "\n"


def _r(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def _n(value: float | None) -> str:
    return f"{value:,.0f}" if value else "—"


def _status_all(bucket: dict[str, Any], prefix: str) -> str:
    statuses = {r.get("status") for n, r in bucket.items() if n.startswith(prefix)}
    if not bucket:
        return "—"
    statuses.discard("ok")
    return "/".join(sorted(s for s in statuses if s)) or "—"


def _size_section(e: dict[str, Any]) -> list[str]:
    s = e["summary"]
    res = e["results"]
    lines = [f"## Size {e['size']}" + (f": {s['triples']:,} triples" if s.get("triples") else ""), ""]
    if e.get("generate"):
        c = e["generate"]["counts"]
        lines += [f"World: {c['triples']:,} triples generated in {e['generate']['seconds']:.1f} s "
                  f"({', '.join(f'{k} {v:,}' for k, v in c.items() if k != 'triples')}), on top of the shipped data.", ""]
    if e.get("size") == "shipped":
        lines += ["The shipped ontology and data alone.", ""]
    lines += ["| query | rows | project | raw pyoxigraph | Oxigraph server (HTTP) | plain rdflib | project ÷ raw | rdflib ÷ project |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in _query_names(e):
        key = f"query {name}"
        rec = {sys_: res.get(sys_, {}).get(key) for sys_ in SYSTEMS}
        t = {sys_: _median(r) for sys_, r in rec.items()}
        rows = (rec["project"] or {}).get("info", {}).get("rows", "")
        lines.append(f"| {name} | {rows} | " + " | ".join(_fmt(t[x], rec[x]) for x in ("project", "pyoxigraph", "server", "rdflib"))
                     + f" | {_ratio(t['project'], t['pyoxigraph'])} | {_ratio(t['rdflib'], t['project'])} |")
    lines.append("")
    lines += ["| step | project | raw pyoxigraph | Oxigraph server (HTTP) | plain rdflib | project ÷ raw | note |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    steps = [("build / load", "build", "load", "load", "load",
              "project: CSV tables → validated store; others: load the same quads as N-Quads"),
             ("export Turtle", "export turtle", "export turtle", "export turtle", "export turtle",
              "project: sorted, prefixed; raw: pyoxigraph serializer, unsorted"),
             ("export N-Triples", "export ntriples", "export ntriples", "export ntriples", "export ntriples", ""),
             ("export N-Quads", "export nquads", "export nquads", None, None, "store dump"),
             ("projection", "projection", "projection", "projection", "projection",
              "baselines: the step's SPARQL only"),
             ("align pair, 25 years", "align pair", "align pair", "align pair", "align pair",
              "baselines: the step's SPARQL only"),
             ("align all, 25 years", "align all", "align all", "align all", "align all",
              "baselines: the step's SPARQL only"),
             ("viz (projection + page)", "viz", None, None, None, ""),
             ("viz page only", "viz page only", None, None, None, "")]
    for label, *keys, note in steps:
        recs = [res.get(system, {}).get(k) if k else None for system, k in zip(("project", "pyoxigraph", "server", "rdflib"), keys)]
        t = [_median(r) for r in recs]
        info = (recs[0] or {}).get("info", {})
        extra = ", ".join(f"{k} {v:,}" for k, v in info.items() if isinstance(v, int))
        lines.append(f"| {label} | " + " | ".join(_fmt(x, r) if k else "" for x, r, k in zip(t, recs, keys))
                     + f" | {_ratio(t[0], t[1])} | {'; '.join(x for x in (note, extra) if x)} |")
    stages = s.get("build_stages")
    if stages:
        lines += ["", f"Build stages (median): read tables {_fmt(stages['read'])}, validate {_fmt(stages['validate'])}, "
                  f"write {_fmt(stages['write'])}; loading without validation (read + write) "
                  f"{_fmt(stages['read'] + stages['write'])} against pyoxigraph bulk_load {_fmt(s['bulk_load'])} "
                  f"({_ratio(stages['read'] + stages['write'], s['bulk_load'])})."]
    remote = res.get("server", {}).get("project-remote")
    if remote:
        lines += ["", f"Project over the remote store: {remote.get('status')} ({remote.get('error', '')})."]
    peaks = s["peak_mb"]
    lines += ["", "Peak memory (ru_maxrss of each worker process): "
              + ", ".join(f"{k} {v:,.0f} MB" for k, v in sorted(peaks.items()))
              + f"; project build (incl. the N-Quads dump) {_n(s.get('peak_build_mb'))} MB.", ""]
    problems = [(sys_, n, r) for sys_, b in res.items() for n, r in b.items()
                if isinstance(r, dict) and r.get("status") == "error"]
    if problems:
        lines += ["Errors:", ""] + [f"- {sys_} / {n}: {r.get('error')}" for sys_, n, r in problems] + [""]
    return lines


def _targets(report: dict[str, Any]) -> list[str]:
    out = ["| target | figure | holds |", "| --- | --- | --- |"]
    big = next((e for e in report["sizes"] if e["target"] >= 1_000_000), None) or report["sizes"][-1]
    s = big["summary"]
    res = big["results"]
    label = big["size"]
    pq = s["per_query"]
    slow_raw = [(n, v["project"] / v["pyoxigraph"]) for n, v in pq.items() if v["project"] and v["pyoxigraph"]
                and v["project"] / v["pyoxigraph"] > 1.3]
    worst = max(((n, v["project"] / v["pyoxigraph"]) for n, v in pq.items() if v["project"] and v["pyoxigraph"]),
                key=lambda x: x[1], default=None)
    out.append(f"| every catalogue query within 1.3x of raw pyoxigraph ({label}) | worst {worst[0]} {worst[1]:.2f}x; "
               f"{len(slow_raw)} of {len(pq)} over 1.3x{': ' + ', '.join(f'{n} {r:.2f}x' for n, r in slow_raw) if slow_raw else ''} "
               f"| {'yes' if not slow_raw else 'no'} |" if worst else f"| every query within 1.3x of raw pyoxigraph | — | — |")
    rdf = res.get("rdflib", {})
    slow_rdf = []
    for n, v in pq.items():
        record = rdf.get(f"query {n}") or {}
        if record.get("status", "").startswith("over budget"):
            continue
        if v["project"] and v["rdflib"] and v["rdflib"] / v["project"] < 50:
            slow_rdf.append((n, v["rdflib"] / v["project"]))
        elif v["rdflib"] is None and not record.get("status", "").startswith("over budget"):
            slow_rdf.append((n, float("nan")))
    over = sum(1 for n in pq if (rdf.get(f"query {n}") or {}).get("status", "").startswith("over budget")
               or (rdf.get("load") or {}).get("status", "").startswith("over budget"))
    out.append(f"| every catalogue query ≥ 50x faster than rdflib, or rdflib over budget ({label}) | "
               f"{over} over budget; {len(slow_rdf)} under 50x"
               f"{': ' + ', '.join(f'{n} {r:.0f}x' for n, r in slow_rdf) if slow_rdf else ''} | {'yes' if not slow_rdf else 'no'} |")
    stages = s.get("build_stages") or {}
    if stages and s.get("bulk_load"):
        loading = stages["read"] + stages["write"]
        out.append(f"| build loading within 2x of pyoxigraph bulk_load ({label}) | {_fmt(loading)} vs {_fmt(s['bulk_load'])} "
                   f"= {loading / s['bulk_load']:.2f}x (validation {_fmt(stages['validate'])} on top) | "
                   f"{'yes' if loading <= 2 * s['bulk_load'] else 'no'} |")
    raw = res.get("pyoxigraph", {})
    for fmt, limit in (("turtle", 3.0), ("ntriples", 1.5)):
        a, b = _median(res.get("project", {}).get(f"export {fmt}")), _median(raw.get(f"export {fmt}"))
        if a and b:
            out.append(f"| {fmt} export within {limit}x of pyoxigraph's serializer ({label}) | {_fmt(a)} vs {_fmt(b)} = "
                       f"{a / b:.2f}x | {'yes' if a <= limit * b else 'no'} |")
    shipped = next((e for e in report["sizes"] if e["size"] == "shipped"), None)
    if shipped and shipped.get("whole_process"):
        wp = shipped["whole_process"]
        v = wp["viz"]
        out.append(f"| kg viz of the shipped data under 3 s, HTML under 5 MB | whole process {v['median']:.2f} s, "
                   f"{v['bytes'] / 1e6:.2f} MB | {'yes' if v['median'] < 3 and v['bytes'] < 5e6 else 'no'} |")
        out.append(f"| whole-process `kg query members` under 250 ms | {wp['median'] * 1000:.0f} ms | "
                   f"{'yes' if wp['median'] < 0.25 else 'no'} |")
    build_mb, query_mb = s.get("peak_build_mb"), s["peak_mb"].get("project")
    if build_mb and query_mb:
        out.append(f"| peak memory under 2 GB for build and query ({label}) | build {build_mb:,.0f} MB, "
                   f"query (and exports, projection, align, viz) {query_mb:,.0f} MB | "
                   f"{'yes' if build_mb < 2048 and query_mb < 2048 else 'no'} |")
    slopes = {name: _growth(report, getter) for name, getter in (
        ("build", lambda e: e["summary"]["build"]),
        ("export Turtle", lambda e: _median(e["results"].get("project", {}).get("export turtle"))),
        ("export N-Triples", lambda e: _median(e["results"].get("project", {}).get("export ntriples"))))}
    worst_slope = [(n, max(float(c) for c in cells if c != "—")) for n, cells in slopes.items()
                   if any(c != "—" for c in cells)]
    if worst_slope:
        bad = [f"{n} {v:.2f}" for n, v in worst_slope if v > 1.25]
        out.append(f"| growth of build and export no worse than n log n (log-log slope ≤ 1.25) | "
                   + ", ".join(f"{n} {v:.2f}" for n, v in worst_slope) + f" | {'no: ' + ', '.join(bad) if bad else 'yes'} |")
    return out


if __name__ == "__main__":
    sys.exit(main())
