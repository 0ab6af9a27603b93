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
  project over its remote store (``kg.stores.remote``) interleaved with the same SPARQL text sent
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
each worker. ``--extra-path DIR`` puts DIR on the workers' ``PYTHONPATH``.
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
import re
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
        self.export_budget = float(spec.get("export_budget") or self.budget)
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

    def _run(self, fn: Callable[[], Any], budget: float | None = None, *, name: str | None = None,
             system: str | None = None) -> tuple[str, float, float, Any]:
        """One run of ``fn``. The alarm stops Python code at the budget; native code (an
        Oxigraph query evaluating) does not see it: the parent kills this worker a little
        after the budget (it knows which run is going from the ``run`` record)."""
        gc.collect()
        if name is not None:
            self.emit(event="run", name=name, system=system or self.system, budget=budget or self.budget)
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
            status, wall, cpu, value = self._run(fn, budget, name=name, system=tag["system"])
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
        if skip_first and (skip_second or name not in self.spec.get("texts", {})):
            return None  # the baseline runs the text the project sends (or sent before it was stopped)
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
                result, wall, cpu, got = self._run(first if which == 0 else second, name=name,
                                                   system=first_system if which == 0 else second_system)
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
                # a ratio far from 1 is run again (up to three rounds) when a round is short
                # enough: on a shared machine, one pair can be off by 2x
                ratios = [a[0] / b[0] for a, b in zip(runs[0], runs[1], strict=False) if b[0] > 0]
                odd = bool(ratios) and not 0.77 <= statistics.median(ratios) <= 1.3
                if not (odd and round_ < 2 and spent / (round_ + 1) * 2 <= max(10.0, self.budget)):
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


def _kind(text: str) -> str:
    """``select``, ``ask`` or ``graph``: the form of a SPARQL query (after its prologue)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r"(?is)^\s*((PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    word = body.split(None, 1)[0].upper() if body.split() else "SELECT"
    return {"ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(word, "select")


def _append_derived(store: Any, path: Path) -> None:
    """Add the store's derived graph to the N-Quads at ``path`` (an export, which leaves it out),
    after the export is measured: the baselines load that file, and the catalogue's provenance
    queries, the projections and ``align`` read the derived graph."""
    import pyoxigraph as ox

    from kg.derived import DERIVED

    graph = ox.NamedNode(DERIVED)
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }}")
    with open(path, "ab") as handle:
        ox.serialize((ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples), handle,
                     ox.RdfFormat.N_QUADS)


def _recorded(work: Path) -> dict[str, Any]:
    path = work / "sparql.json"
    return json.loads(path.read_text()) if path.exists() else {"queries": {}, "steps": {}}


class Recorder:
    """Wraps a store's ``query`` to keep the SPARQL text the library sends to its engine.

    Each distinct text is also written to the parent once (a ``sent`` record), so that when
    the parent stops a run that is over budget, the baseline can still run what was sent."""

    def __init__(self, store: Any) -> None:
        self.texts: list[str] = []
        self._seen: set[str] = set()
        self._query = store.query
        store.query = self

    def __call__(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self.texts.append(text)
        if text not in self._seen:
            self._seen.add(text)
            sys.stdout.write(_MARK + json.dumps({"event": "sent", "text": text}) + "\n")
            sys.stdout.flush()
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

    if w.skipped("build"):  # started again after a build was stopped
        return
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
        if "validating" in first and first.get("writing", first["end"]) < first["validating"]:
            # A streamed build (a directory store): the tables are written as they are read,
            # then validated, then the derived graph is computed. "read" is reading and writing
            # the quads together, "write" the derivation and the swap.
            t_val = first["validating"]
            t_derive = first.get("deriving", t_val)
            stages.append({"read": t_val - first["start"], "validate": t_derive - t_val,
                           "write": first["end"] - t_derive})
        else:
            t_val = first.get("validating", first["start"])
            t_write = first.get("writing", t_val)
            stages.append({"read": t_val - first["start"], "validate": t_write - t_val,
                           "write": first["end"] - t_write})
        build_rss.append(_rss_mb())
        w.final_store = target  # type: ignore[attr-defined]
        return {}

    # 1. the first build, then the quads for every baseline (the project's N-Quads export)
    w.emit(event="start", name="build")
    status, _, _, error = w._run(one_build, name="build")
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
    w.measure("export nquads", dump, repeats=1, budget=w.export_budget)
    _append_derived(store, w.work / "data.nq")
    store.close()
    # 2. pyoxigraph bulk_load of those quads (a child process each) and the other builds, in turn
    loads: list[float] = []
    for round_ in range(builds):
        status, _, _, value = w._run(name="load", system="pyoxigraph", fn=lambda: subprocess.run(
            [sys.executable, "-c", _BULK_LOAD, str(_fresh(w.work / "bulk-load")), str(w.work / "data.nq")],
            check=True, capture_output=True, text=True).stdout.split())
        if status == "ok":
            loads.append(float(value[0]))
        else:
            w.emit(event="result", name="load", system="pyoxigraph", status=status, error=value)
            break
        if round_ + 1 < builds:
            w._run(one_build, name="build")
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
    _project_suite(w, store, baseline=raw if engine is not None else None,
                   project_system="project", baseline_system="pyoxigraph")


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
    stopped: dict[str, list[str]] = w.spec.get("texts", {})  # what runs the parent stopped had sent
    # The texts the baselines run (``sparql.json``), kept as they come: the parent may stop this
    # worker and start it again (it then goes on from the texts of the runs before)
    embedded = project_system == "project"
    recorded: dict[str, Any] = _recorded(w.work) if embedded else {"queries": {}, "steps": {}}
    for name, texts in stopped.items():
        if name.startswith("query "):
            recorded["queries"].setdefault(name[6:], {"text": texts[-1], "kind": _kind(texts[-1]),
                                                      "helpers": texts[:-1], "stopped": True})
        else:
            recorded["steps"].setdefault(name, texts)

    def save() -> None:
        if embedded:
            (w.work / "sparql.json").write_text(json.dumps(recorded, indent=1))
    busy = w.spec.get("busy")
    params = _catalogue_params(busy)

    def both(name: str, project: Callable[[], Any], texts: Callable[[], list[str]], **kw: Any) -> Any:
        if baseline is None:
            value = w.measure(name, project, system=project_system, **kw)
        else:
            value = w.measure_pair(name, project, lambda: {"rows": sum(baseline(t) for t in texts())},
                                   first_system=project_system, second_system=baseline_system, **kw)
        save()
        return value

    if w.spec.get("queries", True):
        only = w.spec.get("only_queries")
        for name, entry in catalogue().items():
            if only and name not in only:
                continue
            def one(entry=entry, name=name) -> dict[str, Any]:
                recorder.texts.clear()
                try:
                    result = run_query(store, entry, params[name])
                finally:  # (also when the alarm stopped it: the text it was evaluating)
                    if recorder.texts and not (recorded["queries"].get(name) or {}).get("complete"):
                        # The entry's own text (with its VALUES block) is the main query; the
                        # look-ups before it and the coverage query after it are helpers.
                        main = next((t for t in reversed(recorder.texts) if t.startswith(entry.text[:200])),
                                    recorder.texts[-1])
                        recorded["queries"][name] = {"text": main, "kind": _kind(main),
                                                     "helpers": [t for t in recorder.texts if t is not main],
                                                     "params": params[name]}
                recorded["queries"][name]["complete"] = True
                return {"rows": len(result.rows) if result.kind == "select" else
                        (len(result.triples) if result.kind == "graph" else 1)}
            # (when the project's run did not finish, the text it was evaluating; when the parent
            # stopped it, the text it had sent last)
            both(f"query {name}", one, lambda name=name: [recorded["queries"][name]["text"]]
                 if name in recorded["queries"] else (stopped.get(f"query {name}", [])[-1:] or recorder.texts[-1:]))
        if project_system == "project":
            for name in CLI_PATH_QUERIES:
                if name in catalogue() and (not only or name in only):
                    w.measure(f"query {name} (CLI path: --timeout 60)",
                              lambda name=name: {"rows": len(run_query(store, name, params[name], timeout=60).rows)},
                              system=project_system)
    for fmt_name, fmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        out = w.work / f"{project_system}.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            with open(out, "wb") as handle:
                export(store, handle, fmt)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=3, system=project_system, budget=w.export_budget)

    def step(name: str, fn: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            recorder.texts.clear()
            try:
                return fn()
            finally:  # (when the alarm stopped it: what it had sent)
                if len(recorder.texts) >= len(recorded["steps"].get(name, [])):
                    recorded["steps"][name] = list(recorder.texts)
        return run

    def projection() -> dict[str, Any]:
        graph = alignment_network(store)
        return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "_graph": graph}
    def sent(name: str) -> Callable[[], list[str]]:
        return lambda: recorded["steps"].get(name) or list(stopped.get(name, [])) or list(recorder.texts)
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
            series = analysis.align_all(store, start=ALIGN_YEARS[0], end=ALIGN_YEARS[1], digits=4)
            return {"rows": sum(len(chunk) for chunk in series.chunks())}
        both("align pair", step("align pair", align_pair), sent("align pair"), repeats=3)
        both("align all", step("align all", align_all), sent("align all"), repeats=3)
    html = w.work / f"{project_system}.html"

    from kg.network import network_around
    from kg.vizsize import edge_count, too_many

    # As `kg viz` does: the whole store when it makes a readable picture; else it refuses, and the
    # picture measured is that of the busiest state (--focus, depth 1).
    focus = None if not too_many(edge_count(store)) else (busy or {"state": "NZL"})["state"]

    def viz() -> dict[str, Any]:
        if focus is None:
            graph = alignment_network(store)
        else:
            graph = network_around(store, focus=[focus], depth=1)
        write_html(graph, html)
        return {"bytes": html.stat().st_size, "nodes": graph.number_of_nodes(),
                **({"focus": focus} if focus else {})}
    key = f"{project_system}:projection"
    if focus is None and (key in w.spec.get("failed", [])
                          or (got is None and not w.skipped("projection", project_system))):
        # the projection alone did not finish: nor would the projection and the page
        if not w.skipped("viz", project_system):
            w.emit(event="result", name="viz", status="over budget", budget=w.budget, system=project_system,
                   note="not run: the projection alone is over budget")
        return recorded
    w.measure("viz", viz, repeats=3, system=project_system)
    if focus is None and project_system == "project" and not w.skipped("viz page only", project_system):
        graph = got["_graph"] if got is not None else alignment_network(store)
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
        w.measure(f"export {fmt_name}", exp, repeats=3, budget=w.export_budget)
    out = w.work / "pyoxigraph.nq"

    def dump() -> dict[str, Any]:
        with open(out, "wb") as handle:
            store.dump(handle, ox.RdfFormat.N_QUADS)
        return {"bytes": out.stat().st_size}
    w.measure("export nquads", dump, repeats=3, budget=w.export_budget)


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
    if "server:load" in w.spec.get("failed", []):
        return
    if not w.skipped("load") and w.measure("load", load, repeats=1, budget=float(w.spec["load_budget"])) is None:
        return  # (a worker started again keeps the store loaded before)
    port = _free_port()
    # the server's own timeout (a little over the budget) stops a query the client gave up on,
    # so that it does not take the CPU from the next measurements
    server = subprocess.Popen([cli, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                               "--timeout-s", str(math.ceil(max(w.budget, w.export_budget) + _grace(max(w.budget, w.export_budget))))],
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
            with urllib.request.urlopen(request, timeout=max(w.budget, w.export_budget) + 5) as response:
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
            w.measure(f"export {fmt_name}", exp, repeats=3, budget=w.export_budget)
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
    if "rdflib:load" in w.spec.get("failed", []):
        return
    if w.skipped("load"):  # started again after a stopped run: the data again, unmeasured
        load()
    elif w.measure("load", load, repeats=1, budget=float(w.spec["load_budget"])) is None:
        return
    dataset = holder["ds"]

    def run(text: str, kind: str = "select") -> int:
        result = dataset.query(text)
        if kind == "ask":
            return int(bool(result.askAnswer))
        return len(list(result))
    recorded = _recorded(w.work)
    for name, query in sorted(recorded["queries"].items()):
        w.measure(f"query {name}", lambda q=query: {"rows": run(q["text"], q["kind"])})
    for name in ("projection", "align pair", "align all"):
        if name in recorded["steps"]:
            texts = recorded["steps"][name]
            w.measure(name, lambda texts=texts: {"rows": sum(run(t) for t in texts)}, repeats=3)
    for fmt_name, fmt in (("turtle", "turtle"), ("ntriples", "nt")):
        out = w.work / f"rdflib.{fmt_name}"

        def exp(fmt=fmt, out=out) -> dict[str, Any]:
            dataset.serialize(destination=str(out), format=fmt)
            return {"bytes": out.stat().st_size}
        w.measure(f"export {fmt_name}", exp, repeats=1, budget=w.export_budget)


def work_selftest(w: Worker) -> None:
    """For the tests: a run that the alarm cannot stop (as native code), then one that it can."""
    def deaf() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    w.measure("deaf", deaf, repeats=1)
    w.measure("slow", lambda: time.sleep(60), repeats=1)
    w.measure("quick", lambda: {"rows": 1}, repeats=2)


WORKERS = {"build": work_build, "project": work_project, "pyoxigraph": work_pyoxigraph, "selftest": work_selftest,
           "server": work_server, "rdflib": work_rdflib}
#: The system a worker's own measurements are filed under.
WORKER_SYSTEM = {"build": "project", "project": "project", "pyoxigraph": "pyoxigraph", "selftest": "project",
                 "server": "server", "rdflib": "rdflib"}


def worker_main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    worker = Worker({**spec, "system": WORKER_SYSTEM[spec["worker"]]})
    WORKERS[spec["worker"]](worker)
    worker.emit(event="done")


# =============================================================================================
# Parent side: generate, run the workers with a hard time limit, write the report
# =============================================================================================


def _grace(budget: float) -> float:
    """How long after its budget a run that did not stop by itself is killed."""
    return 1.0 + 0.05 * budget


def _kill(process: subprocess.Popen) -> None:
    """Kill a worker and whatever it started (the Oxigraph server, a bulk load): its group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()


def run_worker(spec: dict[str, Any], log: Callable[[str], None], env: dict[str, str]) -> list[dict[str, Any]]:
    """Run a worker until it is done.

    The worker announces every run (a ``run`` record with its budget). The alarm stops Python
    code at the budget, but not native code (an Oxigraph query evaluating, a serializer): a run
    still going a little after its budget (:func:`_grace`) is killed, with the worker's process
    group; it is recorded as over budget and the worker starts again without it. What the
    project had sent to its engine in that run (``sent`` records) is passed on, so that the
    baseline still runs the same text."""
    results: list[dict[str, Any]] = []
    skip = set(spec.get("skip", []))
    failed = set(skip)  # what did not succeed (here or at a smaller size): a worker started again needs it
    texts: dict[str, list[str]] = dict(spec.get("texts", {}))
    while True:
        spec_path = Path(spec["work"]) / f"spec-{spec['worker']}.json"
        spec_path.write_text(json.dumps({**spec, "skip": sorted(skip), "failed": sorted(failed), "texts": texts}))
        stderr_path = Path(spec["work"]) / f"stderr-{spec['worker']}.log"
        with open(stderr_path, "a") as stderr_file:
            process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "_worker", str(spec_path)],
                                       stdout=subprocess.PIPE, stderr=stderr_file, env=env, start_new_session=True)
        assert process.stdout is not None
        fd = process.stdout.fileno()
        current: tuple[str, str] | None = None  # the run going on: (system, measurement)
        deadline = math.inf
        sent: list[str] = []
        done = killed = False
        pending = b""
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        break
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for raw in lines:
                        line = raw.decode("utf-8", errors="replace")
                        if not line.startswith(_MARK):
                            continue
                        record = json.loads(line[len(_MARK):])
                        event = record["event"]
                        if event == "run":
                            if current != (record["system"], record["name"]):
                                sent = []
                            current = (record["system"], record["name"])
                            budget = float(record.get("budget") or spec["budget"])
                            deadline = time.monotonic() + budget + _grace(budget)
                        elif event == "sent":
                            if record["text"] not in sent:
                                sent.append(record["text"])
                        elif event == "result":
                            results.append(record)
                            skip.add(f"{record['system']}:{record['name']}")
                            if record.get("status") != "ok":
                                failed.add(f"{record['system']}:{record['name']}")
                            current, deadline = None, math.inf
                            log(_describe(spec, record))
                        elif event == "done":
                            done = True
                if current is not None and time.monotonic() > deadline:
                    _kill(process)
                    killed = True
                    record = {"event": "result", "system": current[0], "name": current[1],
                              "status": "over budget", "budget": budget, "killed": True}
                    results.append(record)
                    skip.add(f"{current[0]}:{current[1]}")
                    failed.add(f"{current[0]}:{current[1]}")
                    if sent and current[0].startswith("project"):
                        texts[current[1]] = sent
                    log(_describe(spec, record))
                    break
        except BaseException:
            _kill(process)
            raise
        if not killed:
            process.wait()
        if done:
            return results
        if killed:
            continue
        tail = " | ".join(stderr_path.read_text(errors="replace").splitlines()[-5:])
        system, name = current or (WORKER_SYSTEM[spec["worker"]], "worker")
        results.append({"event": "result", "system": system, "name": name, "status": "error",
                        "error": f"worker exited with {process.returncode}: {tail}"})
        log(_describe(spec, results[-1]))
        if current is None:
            return results
        skip.add(f"{system}:{name}")
        failed.add(f"{system}:{name}")


def _describe(spec: dict[str, Any], record: dict[str, Any]) -> str:
    head = f"[{spec['size']:>7} {record.get('system', spec['worker']):>14}] {record['name']}: "
    if record.get("status") == "ok":
        wall = statistics.median(record["wall"]) if record.get("wall") else float("nan")
        extra = " ".join(f"{k}={v}" for k, v in record.get("info", {}).items()
                         if isinstance(v, int | str) and not isinstance(v, bool))
        return head + f"{wall:.3f} s (n={len(record.get('wall', []))}) {extra}".rstrip()
    if record.get("status") == "over budget":
        return head + f"over budget (> {float(record.get('budget') or spec['budget']):g} s" + (
            ", stopped)" if record.get("killed") else ")")
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
    # The floor under the command: Python, click and pyoxigraph imported, the store's generation
    # opened read-only and one query answered, and nothing of kg.
    generation = (store / "current").resolve()
    floor = ("import click, pyoxigraph; "
             f"s = pyoxigraph.Store.read_only({str(generation)!r}); "
             "list(s.query('SELECT * WHERE { ?s ?p ?o } LIMIT 10', use_default_graph_as_union=True))")
    result["floor_median"] = statistics.median(timed([sys.executable, "-c", floor], cached, max(5, runs // 2)))
    result["importtime_top"] = _importtime(args, cached)
    log(f"whole-process kg query: median {result['median'] * 1000:.0f} ms over {runs} runs "
        f"(without a bytecode cache {result['no_bytecode_cache'] * 1000:.0f} ms; "
        f"python -c pass {result['python_startup_median'] * 1000:.0f} ms; python, click and pyoxigraph with "
        f"the store opened and one query {result['floor_median'] * 1000:.0f} ms)")
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
    parser.add_argument("--export-budget", type=float, default=None,
                        help="seconds per run of an export (default: --budget)")
    parser.add_argument("--build-budget", type=float, default=1800.0, help="seconds per project build (default 1800)")
    parser.add_argument("--rdflib-budget", type=float, default=None,
                        help="seconds per run of a measurement of plain rdflib (default: --budget)")
    parser.add_argument("--load-budget", type=float, default=300.0,
                        help="seconds for a baseline to load the data (rdflib, the server; default 300)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--repeat-budget", type=float, default=1.5,
                        help="stop repeating once the runs of a measurement add up to this (default 1.5 s)")
    parser.add_argument("--build-repeats", default="2,1,1,1",
                        help="builds at: shipped, under 50k, under 500k, bigger (default 2,1,1,1)")
    parser.add_argument("--shipped", choices=("short", "full", "none"), default="short",
                        help="the shipped data alone: short (build, projection, viz, whole-process "
                             "kg query and kg viz), full (also the queries, exports, align and baselines), none")
    parser.add_argument("--whole-process-runs", type=int, default=21)
    parser.add_argument("--queries", default=None,
                        help="only these catalogue queries (comma-separated names; default: every one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra-path", default=None, help="a directory to put on the workers' PYTHONPATH")
    parser.add_argument("--work", type=Path, default=None, help="scratch directory (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where latest.md and latest.json go")
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: write latest.md again from latest.json (and notes.md) in --out")
    parser.add_argument("--merge", type=Path, default=None, metavar="JSON",
                        help="measure nothing: put the measurements of another run's latest.json (a run "
                             "of a few queries or sizes, with its own --out) into --out's latest.json, then "
                             "write latest.md again")
    args = parser.parse_args(argv)
    if args.render or args.merge:
        report = json.loads((args.out / "latest.json").read_text(encoding="utf-8"))
        if args.merge:
            merge_reports(report, json.loads(args.merge.read_text(encoding="utf-8")))
        _write_report(report, args.out, None)
        return 0

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
    shown = [a for i, a in enumerate(argv) if not a.startswith("--work") and not (i and argv[i - 1] == "--work")]
    command = " ".join(["python benchmarks/run.py", *shown])
    report: dict[str, Any] = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "command": command, "machine": machine(),
                              "settings": {k: str(v) for k, v in vars(args).items() if k not in ("work", "out")},
                              "sizes": []}
    build_repeats = [int(x) for x in args.build_repeats.split(",")]
    over: dict[str, str] = {}  # "system:measurement" over budget at a smaller size -> that size
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
                "export_budget": args.export_budget,
                "repeat_budget": args.repeat_budget, "build_repeats": repeats, "load_budget": args.load_budget,
                "queries": bool(target) or args.shipped == "full",
                "only_queries": [q for q in (args.queries or "").split(",") if q]}
        short = not target and args.shipped != "full"
        report["sizes"].append(entry)  # (the report is written again after every worker)
        order = ["build", "project"] + ([] if short else [s for s in ("pyoxigraph", "server", "rdflib") if s in baselines])
        for worker in order:
            spec = {**base, "worker": worker, "skip": sorted(over)}
            if worker == "build":  # the project's build is what everything else needs
                spec["budget"] = max(args.budget, args.build_budget)
            if worker == "rdflib" and args.rdflib_budget:
                spec["budget"] = args.rdflib_budget
            if worker == "project" and short:
                spec["skip"] = sorted(set(over) | {f"pyoxigraph:{n}" for n in ("projection", "align pair", "align all")}
                                      | {f"project:{n}" for n in ("export turtle", "export ntriples",
                                                                  "align pair", "align all")})
            for record in run_worker(spec, log, env):
                entry["results"].setdefault(record["system"], {})[record["name"]] = {
                    k: v for k, v in record.items() if k not in ("event", "name", "system")}
                if record.get("status") == "over budget":
                    over.setdefault(f"{record['system']}:{record['name']}", label)
            for key in spec["skip"]:
                system, _, name = key.partition(":")
                if key in over and over[key] != label:
                    entry["results"].setdefault(system, {}).setdefault(
                        name, {"status": "over budget at a smaller size", "at": over[key], "budget": args.budget})
            if worker == "build":
                if entry["results"].get("project", {}).get("build", {}).get("status") != "ok":
                    log(f"[{label:>7}] the project build failed: nothing else to measure at this size")
                    break
                entry["triples"] = entry["results"]["project"].get("export nquads", {}).get("info", {}).get("triples")
            _write_report(report, args.out, began)
        if label == "shipped" and (store / "current").exists():
            entry["whole_process"] = whole_process(store, args.whole_process_runs, log, env, size_work)
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
        budget = record.get("budget")
        if status == "over budget":
            return f"> {float(budget):g} s" if budget else "over budget"
        if status == "over budget at a smaller size":
            return f"> {float(budget):g} s (at {record.get('at')})" if budget else "over budget (smaller size)"
        return {"not available": "not available"}.get(status, status or "—")
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _over(record: dict[str, Any] | None) -> bool:
    return str((record or {}).get("status", "")).startswith("over budget")


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
    # the median over every query a system ran, one over budget counting as longer than any
    everything = {s: sorted(v[s] if v[s] is not None else math.inf for n, v in per_query.items()
                            if v[s] is not None or _over(res.get(s, {}).get(f"query {n}")))
                  for s in COLUMNS}
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
        "query_median": {s: statistics.median(v) if v and statistics.median(v) < math.inf else None
                         for s, v in everything.items()},
        "query_median_over_budget": [s for s, v in everything.items() if v and statistics.median(v) == math.inf],
        "queries_within_budget": {s: len(v) for s, v in medians.items()},
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


def merge_reports(report: dict[str, Any], later: dict[str, Any]) -> int:
    """Put the measurements of a ``later`` run into ``report``: at each size both have, every
    (system, measurement) the later run made replaces the earlier one; a size only the later run
    has is added. The later run is listed under ``merged`` (its command, start, commit and what it
    replaced), which the report shows. Returns the number of measurements taken from it."""
    sizes = {entry["size"]: entry for entry in report["sizes"]}
    taken = 0
    for entry in later["sizes"]:
        mine = sizes.get(entry["size"])
        if mine is None:
            report["sizes"].append(entry)
            taken += sum(len(results) for results in entry["results"].values())
            continue
        for system, results in entry["results"].items():
            mine["results"].setdefault(system, {}).update(results)
            taken += len(results)
    machine = later.get("machine", {})
    report.setdefault("merged", []).append({
        "command": later.get("command"), "started": later.get("started"), "commit": machine.get("commit"),
        "load_average_at_start": machine.get("load_average_at_start"),
        "sizes": [entry["size"] for entry in later["sizes"]], "measurements": taken})
    return taken


def _merged_lines(report: dict[str, Any]) -> list[str]:
    """The report's list of the later runs merged into it (:func:`merge_reports`)."""
    merged = report.get("merged") or []
    if not merged:
        return []
    lines = ["Measurements merged in from later runs (they replace this run's at the same size, "
             "system and measurement):", ""]
    for run in merged:
        load = run.get("load_average_at_start")
        lines.append(f"- `{run.get('command')}`, started {run.get('started')}"
                     + (f" at commit {run['commit']}" if run.get("commit") else "")
                     + (f", load average {', '.join(f'{x:.1f}' for x in load)}" if load else "")
                     + f": {run.get('measurements')} measurements at {', '.join(run.get('sizes') or [])}.")
    return lines + [""]


def _write_report(report: dict[str, Any], out: Path, began: float | None) -> None:
    """Write latest.json and latest.md; ``out/notes.md``, where there is one, is the report's
    "Notes on this run" (what a reader needs to know about the figures: written by hand)."""
    for entry in report["sizes"]:
        entry["summary"] = summarise(entry)
    if began is not None:
        report["elapsed_seconds"] = time.monotonic() - began
    notes = out / "notes.md"
    report["notes"] = notes.read_text(encoding="utf-8") if notes.is_file() else None
    (out / "latest.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    (out / "latest.md").write_text(render_markdown(report))


def _nlogn_slope(n1: float, n2: float) -> float:
    """The log-log slope of n log n between n1 and n2."""
    return 1 + math.log(math.log(n2) / math.log(n1)) / math.log(n2 / n1)


def _slopes(report: dict[str, Any], getter: Callable[[dict[str, Any]], float | None]) -> list[float | None]:
    """Log-log slopes of a measurement against the store's triples between consecutive sizes."""
    points = [(e["summary"].get("triples"), getter(e)) for e in report["sizes"] if e["target"]]
    return [math.log(t2 / t1) / math.log(n2 / n1) if n1 and n2 and t1 and t2 and n2 > n1 else None
            for (n1, t1), (n2, t2) in itertools.pairwise(points)]


def _loading(e: dict[str, Any]) -> float | None:
    stages = e["summary"].get("build_stages") or {}
    return stages["read"] + stages["write"] if stages else None


_GROWTH_ROWS: list[tuple[str, Callable[[dict[str, Any]], float | None]]] = [
    ("build", lambda e: e["summary"]["build"]),
    ("build: loading (read + write)", _loading),
    ("build: read tables", lambda e: (e["summary"].get("build_stages") or {}).get("read")),
    ("build: validate", lambda e: (e["summary"].get("build_stages") or {}).get("validate")),
    ("build: write", lambda e: (e["summary"].get("build_stages") or {}).get("write")),
    ("pyoxigraph bulk_load", lambda e: e["summary"]["bulk_load"]),
    ("export Turtle", lambda e: _median(e["results"].get("project", {}).get("export turtle"))),
    ("export N-Triples", lambda e: _median(e["results"].get("project", {}).get("export ntriples"))),
    ("pyoxigraph Turtle serializer", lambda e: _median(e["results"].get("pyoxigraph", {}).get("export turtle"))),
    ("projection", lambda e: _median(e["results"].get("project", {}).get("projection"))),
    ("align all (25 years)", lambda e: _median(e["results"].get("project", {}).get("align all"))),
    ("viz", lambda e: _median(e["results"].get("project", {}).get("viz"))),
    ("median catalogue query", lambda e: e["summary"]["query_median"].get("project")),
    ("rdflib load", lambda e: e["summary"].get("rdflib_load")),
]
#: The measurements the growth target is about (build and export).
_GROWTH_TARGET = ("build", "build: loading (read + write)", "export Turtle", "export N-Triples")
#: Allowance over the slope of n log n for noise (the machine is shared).
_GROWTH_SLACK = 0.15


def _validation_note() -> str:
    try:
        from kg.validate import SHAPES_LIMIT
    except ImportError:
        return ""
    return (f" Validation changes method with the size: up to {SHAPES_LIMIT:,} quads the SHACL shapes check "
            "everything; above, they check the shipped data and the ontology only, and the check queries "
            "everything (`kg.validate.SHAPES_LIMIT`): its slope across that size means nothing.")


def _growth_section(report: dict[str, Any]) -> list[str]:
    measured = [e for e in report["sizes"] if e["target"]]
    labels = [e["size"] for e in measured]
    pairs = list(itertools.pairwise(measured))
    nlogn = [_nlogn_slope(a["summary"]["triples"], b["summary"]["triples"])
             if a["summary"].get("triples") and b["summary"].get("triples") else None for a, b in pairs]
    lines = ["## Growth", "",
             "Time against the store's triples (each generated world on top of the shipped data), and the "
             "log-log slope between consecutive sizes: 1 is linear; n log n gives "
             + (", ".join(f"{x:.2f}" for x in nlogn if x) or "about 1.1")
             + " over these intervals. Small sizes are dominated by fixed costs (the shipped data, imports, "
             "the ontology), so slopes below 1 are common there." + _validation_note(), ""]
    if not measured:
        return [*lines, "No generated size was measured.", ""]
    header = (["measurement"] + [f"{x} ({_n(e['summary'].get('triples'))})" for x, e in zip(labels, measured, strict=True)]
              + [f"slope {a['size']} → {b['size']}" for a, b in pairs])
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += _growth_rows(report, _GROWTH_ROWS)
    queries = sorted({key.removeprefix("query ") for e in measured
                      for key in e["results"].get("project", {}) if key.startswith("query ")})
    if queries:
        lines += ["", "Each catalogue query (the project, in process; `—` where it was not measured or "
                  "over budget):", "", "| query" + _header_tail(header), "|" + " --- |" * len(header)]
        lines += _growth_rows(report, [(f"`{name}`", _query_getter(name)) for name in queries])
    return [*lines, ""]


def _header_tail(header: list[str]) -> str:
    """The header row after its first cell (``| a | b |``)."""
    return "".join(f" | {cell}" for cell in header[1:]) + " |"


def _query_getter(name: str) -> Callable[[dict[str, Any]], float | None]:
    """The project's median time of catalogue query ``name`` at one size."""
    return lambda e: _median(e["results"].get("project", {}).get(f"query {name}"))


def _growth_rows(report: dict[str, Any], rows: list[tuple[str, Callable[[dict[str, Any]], float | None]]]
                 ) -> list[str]:
    """One table row per measurement: its time at each size, then the slopes between sizes."""
    measured = [e for e in report["sizes"] if e["target"]]
    lines = []
    for name, getter in rows:
        times = [getter(e) for e in measured]
        slopes = _slopes(report, getter)
        lines.append(f"| {name} | " + " | ".join(_fmt(t) for t in times)
                     + "".join(f" | {x:.2f}" if x is not None else " | —" for x in slopes) + " |")
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    settings = report["settings"]
    done = report.get("finished")
    lines = ["# Benchmarks", "",
             f"`{report.get('command', 'python benchmarks/run.py')}`: budget {settings.get('budget')} s per run"
             + (f" ({settings['export_budget']} s for an export)" if settings.get("export_budget") not in (None, "None") else "")
             + ", "
             f"up to {settings.get('repeats')} runs per measurement (fewer once they add up to "
             f"{settings.get('repeat_budget')} s); started {report['started']}"
             + (f", {report.get('total_seconds', 0) / 60:.1f} min in all." if done else " (incomplete)."), "",
             f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory']}, Python {m['python']}, {m['platform']}; "
             f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}"
             + (f", at end {', '.join(f'{x:.1f}' for x in m['load_average_at_end'])}" if m.get("load_average_at_end") else "")
             + ". Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
             + (f". Commit {m['commit']}." if m.get("commit") else "."), "",
             *([f"Workers ran with `{settings['extra_path']}` on `PYTHONPATH` (`--extra-path`).", ""]
              if settings.get("extra_path") not in (None, "None") else []),
             *_merged_lines(report),
             ("The machine is shared with other work: read wall times as rough, ratios as the result. "
             "Project and raw pyoxigraph (and the remote store and plain HTTP) run interleaved in one "
             "process on the same store; their ratio is the median of the per-pair ratios. Times are "
             "medians of wall time; `—` means not measured; `> N s` means over budget (the run was "
             "stopped at N s: by an alarm, or by killing the worker when native code did not see it); "
             "`(at 10k)` that it was over budget at that smaller size and not tried again. The median "
             "query of a system counts a query over budget as longer than any other."), ""]
    lines += ["## Headline", "",
              ("| size | triples | build (read / validate / write) | pyoxigraph bulk_load | median query: project / remote / raw / server / rdflib "
              "| project ÷ raw: median, worst | rdflib ÷ project: median, least | Turtle | N-Triples | projection "
              "| align pair / all, 25 y | viz | peak MB: build / project / rdflib |"),
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
        queries = " / ".join(_fmt(qm.get(x)) if x not in s.get("query_median_over_budget", [])
                             else f"> {float(report['settings'].get('budget', 0)):g} s" for x in COLUMNS)
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
    if report.get("notes"):
        lines += ["## Notes on this run", "", report["notes"].strip(), ""]
    for e in report["sizes"]:
        lines += _size_section(e)
    lines += _growth_section(report)
    for e in report["sizes"]:
        if "whole_process" in e:
            lines += _whole_process_section(e["whole_process"])
    return "\n".join(lines) + "\n"


def _floor(wp: dict[str, Any]) -> str:
    """The whole-process figure's floor, as a clause ("" for a report measured before it)."""
    if "floor_median" not in wp:
        return ""
    return (f"; Python with click and pyoxigraph, the store opened and one query answered (nothing of "
            f"kg): {wp['floor_median'] * 1000:.0f} ms")


def _whole_process_section(wp: dict[str, Any]) -> list[str]:
    lines = ["## Whole-process `kg query` and `kg viz` (shipped data)", "",
             (f"`{wp['command']}`: median **{wp['median'] * 1000:.0f} ms** over {len(wp['wall'])} runs "
             f"(min {min(wp['wall']) * 1000:.0f} ms, max {max(wp['wall']) * 1000:.0f} ms), with Python's bytecode "
             f"cache as in any installation; {wp['no_bytecode_cache'] * 1000:.0f} ms without it "
             f"(`PYTHONDONTWRITEBYTECODE` is set on this machine). `python -c pass` alone: "
             f"{wp['python_startup_median'] * 1000:.0f} ms{_floor(wp)}."), ""]
    viz = wp.get("viz", {})
    if "median" in viz:
        lines += [(f"`kg viz -o FILE --store DIR` (the whole shipped graph): median **{viz['median']:.2f} s** over "
                  f"{len(viz['wall'])} runs, {viz['bytes'] / 1e6:.2f} MB of HTML."), ""]
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
        lines += [(f"World: {c['triples']:,} triples generated in {e['generate']['seconds']:.1f} s "
                  f"({', '.join(f'{k} {v:,}' for k, v in c.items() if k != 'triples')}), on top of the shipped "
                  f"data. Parameters: {', '.join(f'{k} {v}' for k, v in (e.get('busy') or {}).items())}."), ""]
    else:
        lines += ["The shipped ontology and data alone.", ""]
    names = _query_names(e)
    if names:
        lines += [("| query | rows | project | project (remote) | raw pyoxigraph | Oxigraph server (HTTP) | plain rdflib "
                  "| project ÷ raw | remote ÷ server | rdflib ÷ project |"),
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
        lines += ["", (f"Build stages (median of {stages.get('builds', '?')}): read tables {_fmt(stages['read'])}, "
                  f"validate {_fmt(stages['validate'])}, write {_fmt(stages['write'])}; loading without validation "
                  f"(read + write) {_fmt(loading)} against pyoxigraph's bulk_load of the same quads "
                  f"{_fmt(s['bulk_load'])} (run in turn with the builds): "
                  f"{_r(loading / s['bulk_load']) if s['bulk_load'] else '—'}.")]
    peaks = {k: v for k, v in s["peak_mb"].items() if v}
    lines += ["", "Peak memory (ru_maxrss of each worker process): "
              + ", ".join(f"{k} {v:,.0f} MB" for k, v in sorted(peaks.items())) + ".", ""]
    problems = [(sys_, n, r) for sys_, b in res.items() for n, r in b.items()
                if isinstance(r, dict) and r.get("status") in ("error", "not available")]
    if problems:
        lines += ["Errors and gaps:", ""] + [f"- {sys_} / {n}: {r.get('status')}: {r.get('error')}"
                                            for sys_, n, r in problems] + [""]
    return lines


def _holds(ok: bool | None, exact: bool, label: str, wanted: str) -> str:
    """The "holds" cell: yes / no, or "not measured at this size" when the figure is from another size."""
    verdict = "—" if ok is None else "yes" if ok else "no"
    if exact:
        return verdict
    return f"not measured at {wanted} ({verdict} at {label})" if ok is not None else f"not measured at {wanted}"


def _targets(report: dict[str, Any]) -> list[str]:
    """Every target of the issue, with its figure and whether it holds. Targets at 1M take the
    1M row; without one, the figure of the largest size measured, marked as such."""
    out = ["| target | figure | holds |", "| --- | --- | --- |"]
    measured = [e for e in report["sizes"] if e["target"]]
    wanted = "1M"
    big = next((e for e in measured if e["target"] >= 1_000_000), measured[-1] if measured else None)
    exact = big is not None and big["target"] >= 1_000_000
    if big is None:
        for target in ("catalogue queries within 1.3x of raw pyoxigraph", "catalogue queries 50x faster than rdflib",
                       "build loading within 2x of bulk_load", "Turtle export within 3x", "N-Triples export within 1.5x",
                       "peak memory under 2 GB", "growth no worse than n log n"):
            out.append(f"| {target} (1M) | — | not measured at this size |")
        big = {"summary": {"per_query": {}, "peak_mb": {}}, "results": {}, "size": "—"}
    s, res, label = big["summary"], big["results"], big["size"]
    at = f"{label}" if exact else f"{label}; no 1M row"
    project, raw, rdf = (res.get(x, {}) for x in ("project", "pyoxigraph", "rdflib"))

    # 1. catalogue queries within 1.3x of raw pyoxigraph
    if measured:
        over_raw: dict[str, str] = {}
        unknown: list[str] = []
        ratios: dict[str, float] = {}
        for name, v in s["per_query"].items():
            key = f"query {name}"
            ratio = v["project/raw"] or (v["project"] / v["pyoxigraph"] if v["project"] and v["pyoxigraph"] else None)
            if ratio is not None:
                ratios[name] = ratio
                if ratio > 1.3:
                    over_raw[name] = f"{ratio:.2f}x"
            elif _over(project.get(key)) and v["pyoxigraph"]:
                over_raw[name] = f"project over budget, raw {_fmt(v['pyoxigraph'])}"
            elif _over(project.get(key)):
                unknown.append(name)
        figure = (f"median {statistics.median(ratios.values()):.2f}x, worst "
                  + (f"{max(ratios, key=ratios.get)} {max(ratios.values()):.2f}x" if ratios else "—")
                  + f"; {len(over_raw)} of {len(s['per_query'])} over 1.3x"
                  + (": " + ", ".join(f"{n} {r}" for n, r in sorted(over_raw.items())) if over_raw else "")
                  + (f"; over budget in both (no ratio): {', '.join(unknown)}" if unknown else "")) if ratios else "—"
        ok = None if not ratios else not over_raw
        out.append(f"| every catalogue query within 1.3x of raw pyoxigraph ({at}) | {figure} | "
                   f"{_holds(ok, exact, label, wanted)}{' for the measured ones' if ok and unknown else ''} |")

        # 2. at least 50x faster than plain rdflib, or rdflib over budget
        below: dict[str, str] = {}
        over_rdf, fast, both_over = 0, 0, []
        rdf_load_over = _over(rdf.get("load"))
        for name, v in s["per_query"].items():
            record = rdf.get(f"query {name}") or {}
            if _over(record) or rdf_load_over:
                over_rdf += 1
                if _over(project.get(f"query {name}")):
                    both_over.append(name)
            elif v["project"] and v["rdflib"]:
                if v["rdflib"] / v["project"] < 50:
                    below[name] = f"{v['rdflib'] / v['project']:.1f}x"
                else:
                    fast += 1
        seen = over_rdf + fast + len(below)
        figure = (f"rdflib over budget on {over_rdf}" + (" (its load)" if rdf_load_over else "")
                  + f", at least 50x slower on {fast}, less on {len(below)}"
                  + (": " + ", ".join(f"{n} {r}" for n, r in sorted(below.items())) if below else "")
                  + (f"; the project is over budget too on {', '.join(both_over)}" if both_over else "")) if seen else "—"
        out.append(f"| every catalogue query at least 50x faster than plain rdflib, or rdflib over budget ({at}) "
                   f"| {figure} | {_holds(None if not seen else not below, exact, label, wanted)} |")

        # 3. build: loading within 2x of bulk_load, validation beside it
        stages = s.get("build_stages") or {}
        if stages and s.get("bulk_load"):
            loading = stages["read"] + stages["write"]
            out.append(f"| `kg build`: loading within 2x of pyoxigraph bulk_load of the same quads ({at}) | "
                       f"read {_fmt(stages['read'])} + write {_fmt(stages['write'])} = {_fmt(loading)} against "
                       f"{_fmt(s['bulk_load'])}: {loading / s['bulk_load']:.2f}x; validation {_fmt(stages['validate'])} "
                       f"on top (build in all {_fmt(s['build'])}) | {_holds(loading <= 2 * s['bulk_load'], exact, label, wanted)} |")
        else:
            build = project.get("build")
            out.append(f"| `kg build`: loading within 2x of pyoxigraph bulk_load of the same quads ({at}) | "
                       f"{_fmt(_median(build), build)} | {_holds(None, exact, label, wanted)} |")

        # 4. exports
        for fmt, limit, title in (("turtle", 3.0, "Turtle"), ("ntriples", 1.5, "N-Triples")):
            a_rec, b_rec = project.get(f"export {fmt}"), raw.get(f"export {fmt}")
            a, b = _median(a_rec), _median(b_rec)
            figure = (f"{_fmt(a)} against {_fmt(b)}: {a / b:.2f}x" if a and b
                      else f"{_fmt(a, a_rec)} against {_fmt(b, b_rec)}")
            ok = (a <= limit * b) if a and b else (False if _over(a_rec) and b else None)
            out.append(f"| {title} export within {limit:g}x of pyoxigraph's serializer ({at}) | {figure} | "
                       f"{_holds(ok, exact, label, wanted)} |")

    # 5, 6. the shipped data, whole process
    shipped = next((e for e in report["sizes"] if e["size"] == "shipped"), None)
    wp = (shipped or {}).get("whole_process")
    if wp:
        v = wp.get("viz", {})
        if "median" in v:
            out.append(f"| `kg viz` of the full shipped dataset under 3 s, HTML under 5 MB | whole process "
                       f"{v['median']:.2f} s, {v['bytes'] / 1e6:.2f} MB | "
                       f"{'yes' if v['median'] < 3 and v['bytes'] < 5e6 else 'no'} |")
        else:
            out.append(f"| `kg viz` of the full shipped dataset under 3 s, HTML under 5 MB | failed: {v.get('error')} | no |")
        out.append(f"| whole-process `kg query` of a catalogue entry on the shipped data under 100 ms median | "
                   f"`kg query members -p org NATO`: {wp['median'] * 1000:.0f} ms (Python start-up alone "
                   f"{wp['python_startup_median'] * 1000:.0f} ms{_floor(wp)}) | "
                   f"{'yes' if wp['median'] < 0.1 else 'no'} |")
    else:
        out.append("| `kg viz` of the full shipped dataset under 3 s, HTML under 5 MB | — | not measured (--shipped none) |")
        out.append("| whole-process `kg query` of a catalogue entry on the shipped data under 100 ms median | — | "
                   "not measured (--shipped none) |")

    # 7. peak memory
    if measured:
        build_mb, query_mb = s["peak_mb"].get("project build"), s["peak_mb"].get("project")
        figure = (f"build {_n(build_mb)} MB; queries, exports, projection, align and viz {_n(query_mb)} MB"
                  if build_mb or query_mb else "—")
        ok = None if not (build_mb and query_mb) else build_mb < 2048 and query_mb < 2048
        out.append(f"| peak memory under 2 GB for build and query ({at}) | {figure} | {_holds(ok, exact, label, wanted)} |")

    # 9. issue 18: what a question costs at 1M
    if measured:
        out += _cost_targets(report, big, exact, label, wanted)

    # 10. issue 18 at ten million triples: the build, and entity-parameter queries under 50 ms
    out += _ten_million_targets(report)

    # 8. growth
    if len(measured) >= 2:
        cells, bad = [], []
        getters = dict(_GROWTH_ROWS)
        for name in _GROWTH_TARGET:
            slopes = _slopes({"sizes": measured}, getters[name])
            for (a, b), slope in zip(itertools.pairwise(measured), slopes, strict=True):
                if slope is None:
                    continue
                limit = _nlogn_slope(a["summary"]["triples"], b["summary"]["triples"]) + _GROWTH_SLACK
                cells.append(f"{name} {a['size']}→{b['size']} {slope:.2f}")
                if slope > limit:
                    bad.append(f"{name} {a['size']}→{b['size']}")
        out.append(f"| growth of build and export no worse than n log n (log-log slope at most n log n's + "
                   f"{_GROWTH_SLACK}; see Growth) | {', '.join(cells) or '—'} | "
                   f"{('no: ' + ', '.join(bad)) if bad else 'yes' if cells else '—'}"
                   f"{'' if exact or not cells else ' (up to ' + label + ' only)'} |")
    else:
        out.append("| growth of build and export no worse than n log n | — | not measured (needs two generated sizes) |")
    return out


#: Parameter types that name one entity: a catalogue entry with such a required parameter is an
#: entity-parameter query, whose cost should follow its answer, not the store.
_ENTITY_TYPES = ("state", "org", "actor", "event", "subject")


def _cost_targets(report: dict[str, Any], big: dict[str, Any], exact: bool, label: str,
                  wanted: str) -> list[str]:
    """The targets of issue 18 at the largest size measured: entity-parameter queries under
    20 ms and under 2x their 100k time, every other catalogue query under 1 s, and the
    analytics' budgets."""
    at = f"{label}" if exact else f"{label}; no 1M row"
    per_query = big["summary"]["per_query"]
    project = big["results"].get("project", {})
    smaller = next((e for e in report["sizes"] if e["target"] == 100_000), None)
    before = smaller["summary"]["per_query"] if smaller else {}
    entity = _entity_queries()
    rows = []
    slow, grew, seen = [], [], 0
    for name in sorted(entity & set(per_query)):
        record = project.get(f"query {name}")
        value = per_query[name]["project"]
        if value is None and not _over(record):
            continue
        seen += 1
        if _over(record) or value >= 0.020:
            slow.append(f"{name} {_fmt(value, record)}")
        old = (before.get(name) or {}).get("project")
        if value and old and value > 2 * old:
            grew.append(f"{name} {value / old:.1f}x")
    figure = (f"{seen - len(slow)} of {seen} under 20 ms" + (": over: " + ", ".join(slow) if slow else "")
              + (f"; more than 2x their 100k time: {', '.join(grew)}" if grew else
                 ("; none more than 2x its 100k time" if before else "")))
    rows.append(f"| every entity-parameter query under 20 ms and under 2x its 100k time ({at}) | {figure} | "
                f"{_holds(None if not seen else not slow and not grew, exact, label, wanted)} |")
    slow, seen = [], 0
    for name in sorted(set(per_query) - entity):
        record = project.get(f"query {name}")
        value = per_query[name]["project"]
        if value is None and not _over(record):
            continue
        seen += 1
        if _over(record) or value >= 1.0:
            slow.append(f"{name} {_fmt(value, record)}")
    rows.append(f"| every other catalogue query under 1 s ({at}) | {seen - len(slow)} of {seen}"
                + (": over: " + ", ".join(slow) if slow else "") + f" | "
                f"{_holds(None if not seen else not slow, exact, label, wanted)} |")
    for name, limit, title in (("align pair", 0.1, "`align A B` over 25 years under 100 ms"),
                               ("align all", 60.0, "`align --all` over 25 years under 60 s"),
                               ("projection", 3.0, "the NetworkX projection under 3 s"),
                               ("viz", 5.0, "`kg viz` under 5 s whatever the store's size")):
        record = project.get(name)
        value = _median(record)
        note = ""
        if name == "viz" and record and (record.get("info") or {}).get("focus"):
            note = f" (the whole store is refused: --focus {record['info']['focus']})"
        ok = None if value is None and not _over(record) else (value is not None and value < limit)
        rows.append(f"| {title} ({at}) | {_fmt(value, record)}{note} | {_holds(ok, exact, label, wanted)} |")
    return rows


def _entity_queries() -> set[str]:
    """The catalogue entries with a required parameter that names one entity."""
    from kg.catalogue import catalogue

    return {name for name, entry in catalogue().items()
            if any(p.type in _ENTITY_TYPES and not p.optional and p.default is None for p in entry.parameters)}


def _ten_million_targets(report: dict[str, Any]) -> list[str]:
    """Issue 18's targets at 10M: a build under 20 minutes and 12 GB peak, and every
    entity-parameter query under 50 ms (``not measured`` without a 10M row)."""
    ten = next((e for e in report["sizes"] if e["target"] >= 10_000_000), None)
    build_title = "`kg build` under 20 minutes and 12 GB peak (10M)"
    query_title = "every entity-parameter query under 50 ms (10M)"
    if ten is None or "summary" not in ten:
        return [f"| {build_title} | — | not measured (no 10M row) |",
                f"| {query_title} | — | not measured (no 10M row) |"]
    summary, project = ten["summary"], ten["results"].get("project", {})
    build, peak = summary.get("build"), summary["peak_mb"].get("project build")
    if build is None:
        record = project.get("build")
        rows = [f"| {build_title} | {_fmt(None, record)} | {'no' if _over(record) else '—'} |"]
    else:
        ok = build < 20 * 60 and (peak is None or peak < 12 * 1024)
        rows = [f"| {build_title} | {build / 60:.1f} min, peak {_n(peak)} MB | {'yes' if ok else 'no'} |"]
    slow, seen = [], 0
    for name in sorted(_entity_queries() & set(summary["per_query"])):
        record = project.get(f"query {name}")
        value = summary["per_query"][name]["project"]
        if value is None and not _over(record):
            continue
        seen += 1
        if _over(record) or value >= 0.050:
            slow.append(f"{name} {_fmt(value, record)}")
    figure = f"{seen - len(slow)} of {seen} under 50 ms" + (": over: " + ", ".join(slow) if slow else "")
    rows.append(f"| {query_title} | {figure if seen else '—'} | {('no' if slow else 'yes') if seen else '—'} |")
    return rows


if __name__ == "__main__":
    sys.exit(main())
