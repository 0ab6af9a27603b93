"""The embedded store: persistent, reopened by another process, atomically replaced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.errors import StoreError
from kg.store import open_store, resolve_location, write_graphs

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(store) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)


def test_reopened_in_a_new_process_with_the_same_triples(store_dir: Path):
    here = sorted(str(q) for q in open_store(str(store_dir)).quads())
    code = (
        "import sys; from kg.store import open_store; "
        f"print('\\n'.join(sorted(str(q) for q in open_store({str(store_dir)!r}).quads())))"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert there.stdout.splitlines() == here
    assert len(here) > 2000


def test_memory_and_directory_stores_agree(memory_store, store_dir: Path):
    assert count(memory_store) == count(open_store(str(store_dir)))


def test_a_failed_write_leaves_the_previous_generation(tmp_path: Path):
    location = resolve_location(str(tmp_path / "s"))
    build(location)
    before = count(open_store(location))

    def broken():
        yield ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("o"), ox.NamedNode("http://example.org/g"))
        raise OSError("disk full (injected)")

    with pytest.raises(OSError, match="injected"):
        write_graphs(location, broken(), replace=lambda g: True)
    assert count(open_store(location)) == before
    assert sorted(p.name for p in (tmp_path / "s").glob("gen-*")) == ["gen-000001", "gen-000001.json"]


def test_build_keeps_graphs_it_does_not_own(tmp_path: Path):
    location = resolve_location(str(tmp_path / "s"))
    build(location)
    loaded = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                     ox.Literal("kept"), ox.NamedNode("https://w3id.org/alignment-kg/graph/load/x"))
    write_graphs(location, [loaded], replace=lambda g: False)
    build(location)
    graphs = dict(open_store(location).named_graphs())
    assert graphs["https://w3id.org/alignment-kg/graph/load/x"] == 1
    assert "https://w3id.org/alignment-kg/graph/curated" in graphs


def test_a_directory_that_is_not_a_store_is_refused(tmp_path: Path):
    (tmp_path / "mine.txt").write_text("precious")
    with pytest.raises(StoreError, match="is not empty and is not a kg store"):
        build(str(tmp_path))
    assert (tmp_path / "mine.txt").read_text() == "precious"


def test_default_store_is_built_on_first_use(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    notes: list[str] = []
    store = open_store(None, note=notes.append)
    assert notes == [f"kg: building the default store at {tmp_path / 'kg' / 'store'}"]
    assert count(store) > 2000
    notes.clear()
    open_store(None, note=notes.append)
    assert notes == []
