"""`kg build` killed with SIGKILL half-way leaves the previous store answering with its content."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
from servers import BIN

from kg.build import build
from kg.store import open_store, resolve_location, write_graphs

CURATED = "https://w3id.org/alignment-kg/graph/curated"
MARKER = ox.Quad(ox.NamedNode("http://example.org/marker"), ox.NamedNode("http://example.org/p"),
                 ox.Literal("old content"), ox.NamedNode(CURATED))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def state(path: Path) -> tuple[int, bool]:
    """The store's size and whether it still has the old content's marker."""
    store = open_store(str(path))
    size = int(next(iter(store.query(COUNT)))["n"].value)
    marked = bool(store.query("ASK { <http://example.org/marker> ?p 'old content' }"))
    store.close()
    return size, marked


def test_a_build_killed_half_way_leaves_the_old_store(tmp_path: Path):
    path = tmp_path / "store"
    location = resolve_location(str(path))
    build(location)
    # The old content: the build plus a marker in a graph the build owns, so that a finished
    # rebuild (which replaces that graph) is told apart from the old store.
    curated = list(open_store(location).quads(CURATED))
    write_graphs(location, [*curated, MARKER], replace=lambda g: g == CURATED)
    old = state(path)
    assert old[1]
    started = time.monotonic()
    subprocess.run([str(BIN / "kg"), "build", "--store", str(path)], check=True, capture_output=True)
    duration = time.monotonic() - started
    new = state(path)
    assert not new[1] and new[0] == old[0] - 1
    write_graphs(location, [*curated, MARKER], replace=lambda g: g == CURATED)

    rng = random.Random(20240405)
    outcomes = []
    for _ in range(5):
        process = subprocess.Popen([str(BIN / "kg"), "build", "--store", str(path)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 0.9) * duration)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        after = state(path)
        assert after in (old, new), "the store answers with the old or the new content, never a mix"
        outcomes.append("old" if after == old else "new")
        # The killed writer's lock is gone and its half-written generation is cleaned up by the
        # next write.
        if after == new:
            write_graphs(location, [*curated, MARKER], replace=lambda g: g == CURATED)
    assert "old" in outcomes, f"every kill came after the swap ({outcomes}); the delays are too long"
    query = subprocess.run([str(BIN / "kg"), "query", "ASK { <http://example.org/marker> ?p ?o }",
                            "--store", str(path)], check=False, capture_output=True, text=True)
    assert query.stdout == "true\n"
    build(location)
    assert state(path) == new
    generations = sorted(p.name for p in path.glob("gen-*") if p.is_dir())
    assert len(generations) <= 2, generations  # the live one and the one before; debris removed


def test_a_killed_query_leaves_no_worker_behind(store_dir: Path):
    """`kg query` evaluates in a child process; when `kg` is killed, the child ends by its own
    alarm (the deadline plus two seconds) instead of running on."""
    started = time.monotonic()
    process = subprocess.Popen([str(BIN / "kg"), "query", "--store", str(store_dir), "--timeout", "3",
                                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    workers = [int(p) for p in children.read_text().split()] if children.exists() else []
    assert len(workers) == 1, "the query runs in one worker process"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    status = Path(f"/proc/{workers[0]}/status")

    def running() -> bool:
        try:
            return "State:\tZ" not in status.read_text()
        except FileNotFoundError:
            return False

    assert running(), "the worker outlives its killed parent for a while"
    while running() and time.monotonic() - started < 15:
        time.sleep(0.1)
    assert not running()
    assert time.monotonic() - started < 8  # 3 s + 2 s of grace, and the time to start
