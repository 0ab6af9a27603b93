"""Export: every syntax reads back to the same graph, round-trips through `kg load`, deterministic
bytes, pretty Turtle that independent parsers read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import load_into

from kg.graphs import is_metadata_graph
from kg.rdfio import RDF_FORMATS, export, rdf_format
from kg.store import open_store, resolve_location


def canonical(quads, *, union: bool = False) -> ox.Dataset:
    """The quads as a dataset with canonical blank node labels (isomorphic graphs compare equal);
    with ``union``, the triples in the default graph."""
    if union:
        quads = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def export_file(store, name: str, path: Path) -> Path:
    with open(path, "wb") as handle:
        export(store, handle, rdf_format(name))
    return path


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory, store_dir: Path) -> Path:
    """The packaged build plus a loaded file with blank nodes, a list and a language tag."""
    path = tmp_path_factory.mktemp("export") / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    extra = path.parent / "extra.ttl"
    extra.write_text('@prefix e: <http://example.org/> .\n'
                     'e:a e:p [ e:q 1 ; e:r ( 1 2 "three"@en ) ] , _:x .\n_:x e:s e:b ; e:t 2.5, true .\n')
    load_into(str(path), [extra])
    return path


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_every_syntax_reads_back_to_the_same_graph(loaded_store: Path, tmp_path: Path, name: str):
    store = open_store(str(loaded_store))
    path = export_file(store, name, tmp_path / f"x{RDF_FORMATS[name][1][0]}")
    parsed = list(ox.parse(path=str(path), format=rdf_format(name)))
    data = [q for q in store.quads() if not is_metadata_graph(q.graph_name.value)]
    if RDF_FORMATS[name][0].supports_datasets:
        assert canonical(parsed) == canonical(data)
    else:
        assert canonical(parsed, union=True) == canonical(data, union=True)


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_export_load_export_round_trips(loaded_store: Path, tmp_path: Path, name: str):
    """export -> load into an empty store -> export: the same graphs (named graphs kept where
    the syntax has them) and, the labels being canonical, the same bytes."""
    first = export_file(open_store(str(loaded_store)), name, tmp_path / f"first{RDF_FORMATS[name][1][0]}")
    empty = resolve_location(str(tmp_path / "empty"))
    files = load_into(empty, [first])
    assert files[0].total > 2000
    second = export_file(open_store(empty), name, tmp_path / f"second{RDF_FORMATS[name][1][0]}")
    fmt = rdf_format(name)
    before = list(ox.parse(path=str(first), format=fmt))
    after = list(ox.parse(path=str(second), format=fmt))
    assert canonical(after, union=not fmt.supports_datasets) == canonical(before, union=not fmt.supports_datasets)
    if fmt.supports_datasets:
        assert {q.graph_name for q in after} == {q.graph_name for q in before}
        assert len({q.graph_name for q in after}) == 3  # ontology, curated, the loaded file
    if name in ("turtle", "ntriples", "nquads", "trig"):
        assert second.read_bytes() == first.read_bytes()


def test_turtle_is_byte_identical_across_exports_and_rebuilds(tmp_path: Path):
    from kg.build import build

    build(str(tmp_path / "store"))
    first = export_file(open_store(str(tmp_path / "store")), "turtle", tmp_path / "a.ttl").read_bytes()
    second = export_file(open_store(str(tmp_path / "store")), "turtle", tmp_path / "b.ttl").read_bytes()
    rebuilt = export_file(open_store("memory"), "turtle", tmp_path / "c.ttl").read_bytes()
    assert first == second == rebuilt  # blank nodes (the ontology's lists) are canonical
    assert first.startswith(b"@prefix al: <https://w3id.org/alignment-kg/ontology#> .\n")


def test_turtle_is_pretty(loaded_store: Path, tmp_path: Path):
    text = export_file(open_store(str(loaded_store)), "turtle", tmp_path / "x.ttl").read_text()
    assert ("<http://example.org/a> <http://example.org/p> [\n"
            "        <http://example.org/q> 1 ;\n"
            '        <http://example.org/r> ( 1 2 "three"@en )\n'
            "    ] , [\n"
            "        <http://example.org/s> <http://example.org/b> ;\n"
            "        <http://example.org/t> 2.5 ,\n"
            "            true\n"
            "    ] .\n") in text
    assert "\nkgstate:NZL a al:State ;\n" in text
    assert "owl:oneOf ( al:day al:month al:year ) ." in text
    assert "_:" not in text


def test_rapper_reads_the_turtle_export(loaded_store: Path, tmp_path: Path):
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("rapper is not installed (Debian package raptor2-utils)")
    store = open_store(str(loaded_store))
    path = export_file(store, "turtle", tmp_path / "x.ttl")
    result = subprocess.run([rapper, "-i", "turtle", "-o", "ntriples", "-q", str(path)],
                            capture_output=True, text=True, check=True)
    union = {(q.subject, q.predicate, q.object) for q in store.quads() if not is_metadata_graph(q.graph_name.value)}
    assert len(result.stdout.splitlines()) == len(union)
