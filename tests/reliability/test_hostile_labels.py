"""Hostile labels (property-based): any string of characters XML 1.0 allows (tab, newline, carriage
return, U+0020 and up; no surrogates, U+FFFE, U+FFFF), as a state's or an organisation's name or
a source's title, survives build -> export -> load in every syntax unchanged (after the documented
trimming of surrounding white space), comes out of `kg query` as the same text, and reaches the
HTML page as JSON data that decodes to the same string (never markup). Characters outside that
range are refused on input with a clear message."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import in_memory
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.build import read_ontology, read_vocabulary
from kg.cli import main
from kg.errors import DataError
from kg.formats import write_rows
from kg.graphs import is_metadata_graph, load_files
from kg.loaders.curated import load_curated
from kg.network import alignment_network
from kg.query import run_query
from kg.rdfio import RDF_FORMATS, export
from kg.store import resolve_location, write_graphs
from kg.viz import render_html
from reliability.support import one_error_line, write_csv

pytestmark = pytest.mark.reliability

#: The characters XML 1.0 does not allow (besides the surrogates, excluded by category).
NOT_XML = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
XML_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters=NOT_XML)
#: Fragments that break careless writers of CSV, Turtle, XML, JSON, HTML and JavaScript.
FRAGMENTS = ["<", ">", "&", '"', "'", "\\", "</script>", "<!--", "-->", "]]>", "<![CDATA[", "\r", "\n", "\r\n",
             "\t", " ", "\u2028", "\u2029", "\x85", "\x7f", ",", ";", "=", "#", "{", "}", "@en", '"""', "'''",
             "\ufeff", "\u202e", "\U0010ffff", "\ufdd0", "\ue000", "_:b0", "^^", "<img src=x onerror=alert(1)>",
             "${x}", "{{x}}", "%s", "\\u0022"]
LABELS = st.lists(st.one_of(st.text(XML_CHARS, max_size=6), st.sampled_from(FRAGMENTS)), min_size=1, max_size=6) \
    .map("".join).filter(lambda s: s.strip() != "")
NASTY = ['<img src=x onerror="window.kgPwned=1">', '</script><script>window.kgPwned=2</script>',
         'a\r\nb\rc\nd\te', '=HYPERLINK("http://x","y")', '"""\'\'\'\\', "x\u2028y\u2029z\x85", "\U0010ffff\ufdd0\ue000"]

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT_TITLE = "http://purl.org/dc/terms/title"
TEXT_PREDICATES = {RDFS_LABEL, DCT_TITLE}
ID = "https://w3id.org/alignment-kg/id/"


def tables(directory: Path, labels: list[str]) -> Path:
    """Extra tables in which every label is a state's name, an organisation's name and a source's
    title (and publisher); state i is a member of organisation i."""
    directory.mkdir(parents=True, exist_ok=True)
    codes = [f"X{chr(65 + i // 26 // 26 % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(len(labels))]
    write_csv(directory / "sources.csv", ["id", "kind", "publisher", "title"],
              [[f"lab-{i}", "news", label, label] for i, label in enumerate(labels)])
    write_csv(directory / "states.csv", ["code", "name", "source"],
              [[code, label, f"lab-{i}"] for i, (code, label) in enumerate(zip(codes, labels, strict=True))])
    write_csv(directory / "organizations.csv", ["code", "name", "kind", "source"],
              [[f"ORG{code}", label, "forum", f"lab-{i}"] for i, (code, label) in enumerate(zip(codes, labels, strict=True))])
    write_csv(directory / "memberships.csv", ["org", "member", "role", "start", "source"],
              [[f"ORG{code}", code, "member", "2001", f"lab-{i}"] for i, code in enumerate(codes)])
    return directory


def expected(labels: list[str]) -> set[tuple[str, str, str]]:
    """(subject, predicate, text) of every name and title: the table text, trimmed."""
    codes = [f"X{chr(65 + i // 26 // 26 % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(len(labels))]
    facts = set()
    for i, (code, label) in enumerate(zip(codes, labels, strict=True)):
        facts |= {(f"{ID}state/{code}", RDFS_LABEL, label.strip()), (f"{ID}org/ORG{code}", RDFS_LABEL, label.strip()),
                  (f"{ID}source/lab-{i}", DCT_TITLE, label.strip())}
    return facts


def texts(quads) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in quads
            if q.predicate.value in TEXT_PREDICATES and q.subject.value.startswith(ID)}


ontology = read_ontology()


@pytest.fixture(scope="module")
def vocabulary():
    return read_vocabulary(ontology)


def check_page(html: str, names: dict[str, str]) -> None:
    """The page embeds the names as JSON that decodes to the same strings, and no markup from them."""
    scripts = re.findall(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    shown = {node["code"]: node["name"] for node in data["nodes"]}  # "label": what is drawn (a long organisation name: its code)
    for code, name in names.items():
        assert shown[code] == name
    assert re.fullmatch(r"[\x20-\x7e]*", scripts[0]), "the embedded JSON is plain ASCII"
    assert not re.search(r"[<>&]", scripts[0])
    baseline = render_html(nx.MultiDiGraph())
    outside = html.replace(scripts[0], "")  # the page around the data: the same as for no graph
    for tag in ("<script", "<img", "<svg", "<iframe", "onerror", "kgPwned"):
        assert outside.count(tag) == baseline.count(tag), tag


@settings(max_examples=300)
@given(labels=st.lists(LABELS, min_size=1, max_size=3))
@example(labels=NASTY)
def test_any_xml_text_survives_export_and_load_in_every_syntax(labels: list[str], vocabulary, tmp_path_factory):
    directory = tables(tmp_path_factory.mktemp("labels") / "extra", labels)
    curated = load_curated([(directory, "extra")], vocabulary)
    store = write_graphs(resolve_location("memory"), curated.quads, replace=lambda g: True)
    want = expected(labels)
    assert texts(store.quads()) == want
    for name, (fmt, extensions) in RDF_FORMATS.items():
        path = directory.parent / f"export{extensions[0]}"
        with open(path, "wb") as handle:
            export(store, handle, fmt)
        engine = ox.Store()
        load_files(in_memory(engine), [path])
        assert texts(q for q in engine if not is_metadata_graph(q.graph_name.value)) == want, name
    # kg query: csv and json give the same text back.
    result = run_query(store, f"SELECT ?s ?t WHERE {{ ?s <{DCT_TITLE}> ?t }} ORDER BY ?s")
    for fmt in ("csv", "json"):
        out = io.StringIO()
        write_rows(out, result.columns, result.rows, fmt)
        rows = list(csv.reader(io.StringIO(out.getvalue())))[1:] if fmt == "csv" else \
            [[r["s"], r["t"]] for r in json.loads(out.getvalue())]
        assert {(s, DCT_TITLE, t) for s, t in rows} == {f for f in want if f[1] == DCT_TITLE}, fmt
    # The HTML page: the names as data, never as markup (the ontology names the roles).
    network = alignment_network(write_graphs(resolve_location("memory"), ontology + curated.quads,
                                             replace=lambda g: True))
    page = render_html(network)
    codes = {f"X{chr(65 + i // 26 // 26 % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}": label.strip()
             for i, label in enumerate(labels)}
    check_page(page, {**codes, **{f"ORG{c}": n for c, n in codes.items()}})


@settings(max_examples=1)
@given(labels=st.lists(LABELS, min_size=20, max_size=20))
@example(labels=NASTY)
def test_any_xml_text_survives_kg_build_export_load_and_viz(labels: list[str], tmp_path_factory, store_dir: Path):
    """The same through the commands, on a directory store with the packaged data (validated)."""
    base = tmp_path_factory.mktemp("cli")
    store = base / "store"
    shutil.copytree(store_dir, store, symlinks=True)
    extra = tables(base / "extra", labels)
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--data", str(extra), "--store", str(store)], catch_exceptions=False)
    assert built.exit_code == 0, built.stderr
    want = expected(labels)
    from kg.store import open_store

    assert want <= texts(open_store(str(store)).quads())
    for name, (_, extensions) in RDF_FORMATS.items():
        path = base / f"export{extensions[0]}"
        assert runner.invoke(main, ["export", "-o", str(path), "--store", str(store)]).exit_code == 0
        loaded = base / f"loaded-{name}"
        result = runner.invoke(main, ["load", str(path), "--store", str(loaded)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        assert want <= texts(open_store(str(loaded)).quads()), name
    page = base / "graph.html"
    assert runner.invoke(main, ["viz", "-o", str(page), "--store", str(store)]).exit_code == 0
    codes = {f"X{chr(65 + i // 26 // 26 % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}": label.strip()
             for i, label in enumerate(labels)}
    check_page(page.read_text(encoding="utf-8"), codes)


# -- refused on input ---------------------------------------------------------------------


@pytest.mark.parametrize("character", NOT_XML, ids=[f"U+{ord(c):04X}" for c in NOT_XML])
@pytest.mark.parametrize("where", ["states.csv name", "sources.csv title", "organizations.csv name"])
def test_a_character_xml_does_not_allow_is_refused_in_a_table(character: str, where: str, vocabulary, tmp_path: Path):
    labels = ["fine", f"bad{character}name"]
    directory = tables(tmp_path / "extra", labels)
    table, _ = where.split()
    # Only one table holds the bad character; the others get a harmless name.
    for other in ("states.csv", "sources.csv", "organizations.csv"):
        if other != table:
            path = directory / other
            path.write_text(path.read_text(encoding="utf-8").replace(f"bad{character}name", "badname"),
                            encoding="utf-8", newline="")
    with pytest.raises(DataError) as refused:
        load_curated([(directory, "extra")], vocabulary)
    # (a state or organisation refused also leaves its membership row unknown: a second problem)
    assert f"{directory / table}:3: character U+{ord(character):04X} is not allowed in text" in str(refused.value)


def test_a_character_xml_does_not_allow_in_dataset_toml_is_refused(tmp_path: Path, vocabulary):
    directory = tables(tmp_path / "extra", ["fine"])
    (directory / "dataset.toml").write_text('version = "1"\ntitle = "a\\u000bb"\ncurrent_as_of = "2024-01-01"\n')
    with pytest.raises(DataError, match=r"dataset.toml \(title\): character U\+000B is not allowed in text"):
        load_curated([(directory, "extra")], vocabulary)


def test_a_loaded_literal_xml_cannot_hold_is_refused_by_the_rdfxml_export_only(tmp_path: Path):
    """`kg load` takes any RDF literal; RDF/XML cannot hold U+0001, so its export says so in one
    line (and writes no file) while the other syntaxes export it and load it back."""
    data = tmp_path / "control.nt"
    data.write_text('<http://example.org/a> <http://example.org/p> "bell\\u0007 and \\u0001" .\n')
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(data), "--store", str(store)]).exit_code == 0
    output = tmp_path / "out.rdf"
    refused = runner.invoke(main, ["export", "-o", str(output), "--store", str(store)], catch_exceptions=False)
    assert refused.exit_code == 1
    assert "cannot write RDF/XML: a literal holds U+0007, which XML 1.0 does not allow" in one_error_line(refused.stderr)
    assert not output.exists() and list(tmp_path.glob("out.rdf*")) == []
    for name, (_, extensions) in RDF_FORMATS.items():
        if name == "rdfxml":
            continue
        path = tmp_path / f"out{extensions[0]}"
        assert runner.invoke(main, ["export", "-o", str(path), "--store", str(store)]).exit_code == 0
        engine = ox.Store()
        load_files(in_memory(engine), [path])
        assert {q.object.value for q in engine if q.predicate.value == "http://example.org/p"} == {"bell\x07 and \x01"}


@pytest.mark.parametrize("predicate", ["http://example.org/p/", "http://example.org/1", "http://example.org/p#"])
def test_a_predicate_rdfxml_cannot_write_is_refused_in_one_line(predicate: str, tmp_path: Path):
    data = tmp_path / "p.nt"
    data.write_text(f'<http://example.org/a> <{predicate}> "x" .\n')
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(data), "--store", str(tmp_path / "s")]).exit_code == 0
    refused = runner.invoke(main, ["export", "--format", "rdfxml", "--store", str(tmp_path / "s")],
                            catch_exceptions=False)
    assert refused.exit_code == 1
    assert f"cannot write RDF/XML: the predicate <{predicate}> does not end in an XML name" in \
        one_error_line(refused.stderr)
