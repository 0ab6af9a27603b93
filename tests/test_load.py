"""`kg load`: RDF files in every syntax, each into its own named graph, parsed by Oxigraph;
a syntax error is one line with file and line and changes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import in_memory, load_into

from kg.cli import main
from kg.errors import DataError
from kg.graphs import load_files
from kg.store import open_store, resolve_location, write_graphs

E = "http://example.org/"
LOAD = "https://w3id.org/alignment-kg/graph/load/"
META = "https://w3id.org/alignment-kg/graph/meta/"

# The same three triples in every syntax; the quad syntaxes add one in the graph <E:g>.
FILES = {
    "x.ttl": f'@prefix e: <{E}> .\ne:a e:p "x"@en ; e:q 1 .\ne:b e:p e:a .\n',
    "x.nt": f'<{E}a> <{E}p> "x"@en .\n<{E}a> <{E}q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            f"<{E}b> <{E}p> <{E}a> .\n",
    "x.nq": f'<{E}a> <{E}p> "x"@en .\n<{E}a> <{E}q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            f"<{E}b> <{E}p> <{E}a> .\n<{E}c> <{E}p> <{E}a> <{E}g> .\n",
    "x.trig": f'@prefix e: <{E}> .\ne:a e:p "x"@en ; e:q 1 .\ne:b e:p e:a .\ne:g {{ e:c e:p e:a . }}\n',
    "x.jsonld": '{"@context": {"e": "' + E + '"}, "@graph": ['
                '{"@id": "e:a", "e:p": {"@value": "x", "@language": "en"}, "e:q": 1},'
                '{"@id": "e:b", "e:p": {"@id": "e:a"}},'
                '{"@id": "e:g", "@graph": [{"@id": "e:c", "e:p": {"@id": "e:a"}}]}]}',
    "x.rdf": f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             f'xmlns:e="{E}">\n'
             f'<rdf:Description rdf:about="{E}a"><e:p xml:lang="en">x</e:p>'
             '<e:q rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">1</e:q></rdf:Description>\n'
             f'<rdf:Description rdf:about="{E}b"><e:p rdf:resource="{E}a"/></rdf:Description>\n</rdf:RDF>\n',
}


def run(runner, *args: str):
    return runner.invoke(main, list(args), catch_exceptions=False)


def graphs_csv(runner, store: Path) -> list[list[str]]:
    result = run(runner, "graphs", "--store", str(store), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_syntax_loads_into_its_own_graph(runner, tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text(FILES[name])
    store = tmp_path / "store"
    result = run(runner, "load", str(path), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    quad_syntax = name.endswith((".nq", ".trig", ".jsonld"))
    if quad_syntax:
        assert result.stderr == f"loaded {path}: 4 triples into {E}g (1), load/{name} (3)\n"
    else:
        assert result.stderr == f"loaded {path}: 3 triples into load/{name}\n"
    rows = graphs_csv(runner, store)
    expected = [["graph", "source", "triples"]]
    if quad_syntax:
        expected.append([f"{E}g", f"kg load: {name}", "1"])
    expected.append([f"load/{name}", f"kg load: {name}", "3"])
    assert rows == expected
    loaded = open_store(str(store))
    triples = {str(q) for q in loaded.quads(LOAD + name)}
    assert triples == {
        f'<{E}a> <{E}p> "x"@en <{LOAD}{name}>',
        f'<{E}a> <{E}q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <{LOAD}{name}>',
        f"<{E}b> <{E}p> <{E}a> <{LOAD}{name}>",
    }


def test_provenance_is_in_a_metadata_graph(runner, tmp_path: Path):
    path = tmp_path / "x.ttl"
    path.write_text(FILES["x.ttl"])
    run(runner, "load", str(path), "--store", str(tmp_path / "store"))
    store = open_store(str(tmp_path / "store"))
    meta = {(q.predicate.value, q.object.value) for q in store.quads(META + "load/x.ttl")}
    assert meta == {
        ("https://w3id.org/alignment-kg/ontology#fileName", "x.ttl"),
        ("https://w3id.org/alignment-kg/ontology#sha256", hashlib.sha256(path.read_bytes()).hexdigest()),
        ("http://purl.org/dc/terms/format", "text/turtle"),
    }
    assert {q.subject.value for q in store.quads(META + "load/x.ttl")} == {LOAD + "x.ttl"}


def test_format_from_the_option_or_the_extension(runner, tmp_path: Path):
    odd = tmp_path / "data.txt"
    odd.write_text(FILES["x.ttl"])
    unknown = run(runner, "load", str(odd), "--store", str(tmp_path / "store"))
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(f"kg: error: cannot tell the RDF syntax of {odd} from its extension")
    given = run(runner, "load", str(odd), "--format", "turtle", "--store", str(tmp_path / "store"))
    assert given.exit_code == 0
    assert given.stderr == f"loaded {odd}: 3 triples into load/data.txt\n"


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("bad.ttl", '@prefix e: <http://example.org/> .\ne:a e:p "x" .\ne:b e:p .\n', 3,
     "invalid Turtle: . is not a valid RDF object (column 9)"),
    ("bad.nt", "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n<a> <b> <c> .\n", 2,
     "invalid N-Triples: "),
    ("bad.rdf", "<?xml version='1.0'?>\n<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<oops>\n", None,
     "invalid RDF/XML: "),
])
def test_a_syntax_error_names_file_and_line_and_changes_nothing(runner, store_dir: Path, tmp_path: Path,
                                                              name, text, line, message):
    import shutil

    store = tmp_path / "store"
    shutil.copytree(store_dir, store, symlinks=True)
    good = tmp_path / "good.ttl"
    good.write_text(FILES["x.ttl"])
    bad = tmp_path / name
    bad.write_text(text)
    before = sorted(os.listdir(store)), graphs_csv(runner, store)
    result = run(runner, "load", str(good), str(bad), "--store", str(store))
    assert result.exit_code == 1
    where = f"{bad}:{line}: " if line else f"{bad}"
    assert result.stderr.startswith(f"kg: error: {where}")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert (sorted(os.listdir(store)), graphs_csv(runner, store)) == before  # same generation, same graphs


def test_a_syntax_error_changes_nothing_in_memory(tmp_path: Path):
    engine = ox.Store()
    good = tmp_path / "good.ttl"
    good.write_text(FILES["x.ttl"])
    load_files(in_memory(engine), [good])
    before = sorted(str(q) for q in engine)
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/p> .\n")
    with pytest.raises(DataError, match=r"bad.ttl:1: invalid Turtle: \. is not a valid RDF object \(column 47\)$"):
        load_files(in_memory(engine), [good, bad])
    assert sorted(str(q) for q in engine) == before


def test_reloading_replaces_and_one_graph_can_take_several_files(runner, tmp_path: Path):
    store = tmp_path / "store"
    path = tmp_path / "x.ttl"
    path.write_text(FILES["x.ttl"])
    run(runner, "load", str(path), "--store", str(store))
    path.write_text(f"<{E}only> <{E}p> <{E}one> .\n")
    run(runner, "load", str(path), "--store", str(store))
    other = tmp_path / "y.nt"
    other.write_text(FILES["x.nt"])
    both = run(runner, "load", str(path), str(other), "--graph", "mine", "--store", str(store))
    assert both.exit_code == 0, both.stderr
    assert graphs_csv(runner, store) == [
        ["graph", "source", "triples"],
        ["load/x.ttl", "kg load: x.ttl", "1"],
        ["mine", "kg load: x.ttl; kg load: y.nt", "4"],
    ]


def test_a_missing_store_is_created_empty(runner, tmp_path: Path):
    path = tmp_path / "x.ttl"
    path.write_text(FILES["x.ttl"])
    result = run(runner, "load", str(path), "--store", str(tmp_path / "new"))
    assert result.exit_code == 0
    assert graphs_csv(runner, tmp_path / "new") == [["graph", "source", "triples"], ["load/x.ttl", "kg load: x.ttl", "3"]]


def test_blank_nodes_are_labelled_by_file_and_never_shared(tmp_path: Path):
    text = f"@prefix e: <{E}> .\ne:a e:p [ e:q 1 ] , _:b0 .\n_:b0 e:q 2 .\n"
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text(text)
    first, second = resolve_location(str(tmp_path / "s1")), resolve_location(str(tmp_path / "s2"))
    load_into(first, [tmp_path / "one.ttl", tmp_path / "two.ttl"])
    load_into(second, [tmp_path / "one.ttl", tmp_path / "two.ttl"])
    labels = {q.object.value for q in open_store(first).quads() if isinstance(q.object, ox.BlankNode)}
    assert len(labels) == 4  # two per file: the files do not share a blank node
    again = {q.object.value for q in open_store(second).quads() if isinstance(q.object, ox.BlankNode)}
    assert again == labels  # and the same files give the same labels


def test_reserved_graphs_are_refused(runner, tmp_path: Path):
    path = tmp_path / "x.ttl"
    path.write_text(FILES["x.ttl"])
    result = run(runner, "load", str(path), "--graph", "meta/x", "--store", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert result.stderr == f"kg: error: {META}x is reserved for the store's own use; choose another graph\n"


def test_a_loaded_and_an_imported_graph_survive_a_build(runner, tmp_path: Path):
    store = tmp_path / "store"
    assert run(runner, "build", "--store", str(store)).exit_code == 0
    path = tmp_path / "x.ttl"
    path.write_text(FILES["x.ttl"])
    run(runner, "load", str(path), "--store", str(store))
    imported = "https://w3id.org/alignment-kg/graph/import/test/simulated.csv"
    write_graphs(resolve_location(str(store)), [ox.Quad(ox.NamedNode(E + "i"), ox.NamedNode(E + "p"),
                 ox.Literal("imported"), ox.NamedNode(imported))], replace=lambda g: g == imported)
    before = graphs_csv(runner, store)
    assert run(runner, "build", "--store", str(store)).exit_code == 0
    after = graphs_csv(runner, store)
    assert after == before
    assert ["load/x.ttl", "kg load: x.ttl", "3"] in after
    assert ["import/test/simulated.csv", "", "1"] in after
