"""`kg graphs` lists the named graphs with source and size; `kg drop` removes exactly one."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.graphs import drop_graph, graph_rows, metadata_graph
from kg.store import open_store, resolve_location, write_graphs

IMPORTED = "https://w3id.org/alignment-kg/graph/import/test/simulated.csv"


def run(runner, *args: str):
    return runner.invoke(main, list(args), catch_exceptions=False)


def table(runner, store: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(run(runner, "graphs", "--store", str(store), "--format", "csv").stdout)))


@pytest.fixture
def store(runner, store_dir: Path, tmp_path: Path) -> Path:
    """The session's build, plus a loaded file, a file loaded into an IRI of its own, and a
    (simulated) imported graph with its provenance inside, as `kg import` writes it."""
    path = tmp_path / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    (tmp_path / "extra.ttl").write_text("<http://example.org/a> <http://example.org/p> 1 , 2 .\n")
    (tmp_path / "other.nt").write_text("<http://example.org/b> <http://example.org/p> <http://example.org/a> .\n")
    assert run(runner, "load", str(tmp_path / "extra.ttl"), "--store", str(path)).exit_code == 0
    assert run(runner, "load", str(tmp_path / "other.nt"), "--graph", "http://example.org/graph",
               "--store", str(path)).exit_code == 0
    graph = ox.NamedNode(IMPORTED)
    al = "https://w3id.org/alignment-kg/ontology#"
    write_graphs(resolve_location(str(path)), [
        ox.Quad(ox.NamedNode("http://example.org/i"), ox.NamedNode("http://example.org/p"), ox.Literal("x"), graph),
        ox.Quad(graph, ox.NamedNode(al + "fileName"), ox.Literal("simulated.csv"), graph),
        ox.Quad(graph, ox.NamedNode(al + "importedWith"), ox.Literal("test"), graph),
    ], replace=lambda g: g == IMPORTED)
    return path


def test_graphs_lists_every_graph_with_source_and_size(runner, store: Path):
    rows = table(runner, store)
    built = dict(open_store(str(store)).named_graphs())
    assert rows == [
        ["graph", "source", "triples"],
        ["curated", "kg build: data", str(built["https://w3id.org/alignment-kg/graph/curated"])],
        ["http://example.org/graph", "kg load: other.nt", "1"],
        ["import/test/simulated.csv", "kg import test: simulated.csv", "3"],
        ["load/extra.ttl", "kg load: extra.ttl", "2"],
        ["ontology", "kg build: ontology", str(built["https://w3id.org/alignment-kg/graph/ontology"])],
    ]
    as_json = json.loads(run(runner, "graphs", "--store", str(store), "--format", "json").stdout)
    assert as_json[3] == {"graph": "load/extra.ttl", "source": "kg load: extra.ttl", "triples": 2}


@pytest.mark.parametrize("name", ["load/extra.ttl", "https://w3id.org/alignment-kg/graph/load/extra.ttl"])
def test_drop_removes_exactly_one_graph(runner, store: Path, name: str):
    before = table(runner, store)
    generation = (store / "current").resolve().name
    result = run(runner, "drop", name, "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "dropped https://w3id.org/alignment-kg/graph/load/extra.ttl\n"
    after = table(runner, store)
    assert after == [row for row in before if row[0] != "load/extra.ttl"]
    assert (store / "current").resolve().name != generation  # a new generation, swapped in
    graphs = dict(open_store(str(store)).named_graphs())
    assert "https://w3id.org/alignment-kg/graph/meta/load/extra.ttl" not in graphs  # its metadata too
    assert graphs[metadata_graph("http://example.org/graph")] == 3  # the others' metadata stays


def test_drop_by_iri_outside_the_project(runner, store: Path):
    result = run(runner, "drop", "http://example.org/graph", "--store", str(store))
    assert result.exit_code == 0
    assert [row[0] for row in table(runner, store)] == [
        "graph", "curated", "import/test/simulated.csv", "load/extra.ttl", "ontology"]


def test_dropping_a_graph_that_does_not_exist_is_refused(runner, store: Path):
    before = table(runner, store)
    result = run(runner, "drop", "load/nothing.ttl", "--store", str(store))
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: no graph 'load/nothing.ttl' in {store} (see `kg graphs`)\n"
    meta = run(runner, "drop", "meta/load/extra.ttl", "--store", str(store))
    assert meta.exit_code == 1  # metadata graphs are not graphs of their own
    assert table(runner, store) == before


def test_drop_in_memory():
    store = open_store("memory")
    graphs = [g for g, _ in store.named_graphs()]
    assert drop_graph(store, "ontology") == "https://w3id.org/alignment-kg/graph/ontology"
    assert [g for g, _ in store.named_graphs()] == [g for g in graphs if not g.endswith("/ontology")]
    assert [row[0] for row in graph_rows(store)] == ["curated"]
