"""Export: Turtle that independent parsers read back, deterministic bytes, every syntax."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdfio import RDF_FORMATS, export, rdf_format
from kg.store import open_store


def union_triples(store) -> set[str]:
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    return {str(t) for t in result}


def export_bytes(store, name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"x{RDF_FORMATS[name][1][0]}"
    with open(path, "wb") as handle:
        export(store, handle, rdf_format(name))
    return path


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_every_syntax_reads_back_to_the_same_graph(store_dir: Path, tmp_path: Path, name: str):
    store = open_store(str(store_dir))
    path = export_bytes(store, name, tmp_path)
    parsed = list(ox.parse(path=str(path), format=rdf_format(name)))
    if RDF_FORMATS[name][0].supports_datasets:
        assert {str(q) for q in parsed} == {str(q) for q in store.quads()}
    else:
        assert {str(ox.Triple(t.subject, t.predicate, t.object)) for t in parsed} == union_triples(store)


def test_turtle_is_byte_identical_across_exports(store_dir: Path, tmp_path: Path):
    store = open_store(str(store_dir))
    first = export_bytes(store, "turtle", tmp_path).read_bytes()
    second = export_bytes(open_store(str(store_dir)), "turtle", tmp_path).read_bytes()
    assert first == second
    assert b"@prefix al: <https://w3id.org/alignment-kg/ontology#> ." in first


def test_rapper_reads_the_turtle_export(store_dir: Path, tmp_path: Path):
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("rapper is not installed (Debian package raptor2-utils)")
    store = open_store(str(store_dir))
    path = export_bytes(store, "turtle", tmp_path)
    result = subprocess.run([rapper, "-i", "turtle", "-o", "ntriples", "-q", str(path)],
                            capture_output=True, text=True, check=True)
    assert len(result.stdout.splitlines()) == len(union_triples(store))
