"""The derived graph (kg/derived.py): every write recomputes it from the other graphs, on a
directory, in memory and on a real Oxigraph server; exports leave it out; nobody loads into it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import load_into
from servers import oxigraph_server

from kg.build import build
from kg.cli import main
from kg.derived import ADDED, DERIVED, VERSION, check_version, required_version, version_query
from kg.errors import StoreError
from kg.graphs import drop_graph, load_files
from kg.query import run_query
from kg.store import open_store, resolve_location, solutions

AL = "https://w3id.org/alignment-kg/ontology#"
ID = "https://w3id.org/alignment-kg/id/"
PREFIX = f"PREFIX al: <{AL}>\n"

# Two spells of New Zealand in a made-up organisation, from two sources, with year and month
# precision: what the derived graph says about them is known without reading the data. (The
# codes of NZL and of the role repeat the packaged data's, for an empty server.)
EXTRA = f"""@prefix al: <{AL}> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/ZORG> a al:Organization ; al:code "ZORG" ; <http://www.w3.org/2000/01/rdf-schema#label> "Zed Organisation"@en .
<{ID}state/NZL> al:code "NZL" .
<{ID}role/member> al:code "member" .
<http://example.org/src1> al:code "zsrc-1" .
<http://example.org/src2> al:code "zsrc-2" .
<http://example.org/m1> a al:Membership ; al:member <{ID}state/NZL> ; al:organization <http://example.org/ZORG> ;
    al:role <{ID}role/member> ; al:start "1990-01-01"^^xsd:date ; al:startPrecision al:year ;
    al:end "1999-06-30"^^xsd:date ; al:endPrecision al:month ; prov:wasDerivedFrom <http://example.org/src1> .
<http://example.org/m2> a al:Membership ; al:member <{ID}state/NZL> ; al:organization <http://example.org/ZORG> ;
    al:role <{ID}role/member> ; al:start "1991-03-04"^^xsd:date ; al:startPrecision al:day ;
    prov:wasDerivedFrom <http://example.org/src2> .
"""
EXTRA_UPDATE = "INSERT DATA { GRAPH <http://example.org/g> {\n" + ox.serialize(
    ox.parse(EXTRA, ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES).decode() + "} }"
EXPECTED = {
    ("http://example.org/m1", "summary"): "NZL member of ZORG from 1990 until 1999-06",
    ("http://example.org/m2", "summary"): "NZL member of ZORG from 1991-03-04",
    ("http://example.org/ZORG", "summary"): "ZORG is Zed Organisation",
}


def derived(store) -> dict:
    """What the derived graph says about the example's resources."""
    found: dict = {}
    for row in solutions(store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DERIVED}> {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'http://example.org/')) }} }}")):
        key = (row["s"].value, row["p"].value[len(AL):])
        found.setdefault(key, set()).add(row["o"].value)
    return found


def check_present(store) -> None:
    facts = derived(store)
    for key, summary in EXPECTED.items():
        assert facts.get(key) == {summary}, key
    assert facts[("http://example.org/m1", "involves")] == {f"{ID}state/NZL", "http://example.org/ZORG"}
    assert facts[("http://example.org/m1", "otherSpell")] == {"http://example.org/m2"}
    assert facts[("http://example.org/m2", "otherSpell")] == {"http://example.org/m1"}
    # m1 is a joining; m2 begins while m1 holds (no joining) and never ends, so the end of m1 is
    # no leaving. They overlap, differ in start at the year (1990, 1991) and have a source each.
    assert facts[("http://example.org/m1", "joinedOn")] == {"1990-01-01"}
    assert ("http://example.org/m1", "leftOn") not in facts
    assert ("http://example.org/m2", "joinedOn") not in facts
    assert ("http://example.org/m2", "leftOn") not in facts
    assert facts[("http://example.org/m1", "differingSpell")] == {"http://example.org/m2"}
    assert facts[("http://example.org/m2", "differingSpell")] == {"http://example.org/m1"}
    assert facts[("http://example.org/m1", "singleSource")] == {"http://example.org/src1"}
    assert facts[("http://example.org/m2", "singleSource")] == {"http://example.org/src2"}
    assert derivation_version(store) == [VERSION]


def derivation_version(store) -> list[int]:
    return [int(row["version"].value) for row in solutions(store.query(version_query()))]


def test_the_derivation_writes_its_version():
    text = (Path(__file__).resolve().parents[1] / "kg" / "sparql" / "derived.rq").read_text(encoding="utf-8")
    assert f"BIND({VERSION} AS ?derivationVersion)" in text
    assert max(ADDED) == VERSION


def test_every_query_that_reads_newer_derived_facts_says_so():
    from kg.catalogue import catalogue

    needing = {name for name, entry in catalogue().items() if required_version(entry.text) > 1}
    assert needing == {"joiners", "leavers", "single-source", "source-disagreements", "top-shared-memberships",
                       "year-precision"}


def test_a_store_derived_before_the_version_is_refused_not_answered_wrongly():
    """A store derived by an older kg lacks al:joinedOn and the rest: `joiners` would find no
    row. Its queries are refused with the way out; the others still answer."""
    store = build("memory")
    params = {"org": "NATO", "from": "1999", "to": "2004"}
    assert len(run_query(store, "joiners", params).rows) == 10
    marker = ox.Quad(ox.NamedNode(DERIVED), ox.NamedNode(AL + "derivationVersion"),
                     ox.Literal(str(VERSION), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                     ox.NamedNode(DERIVED))
    assert marker in store.engine
    store.engine.remove(marker)
    for name in ("joiners", "leavers", "single-source", "source-disagreements"):
        with pytest.raises(StoreError, match="older kg .*kg build"):
            run_query(store, name, params if name in ("joiners", "leavers") else {})
    assert run_query(store, "members", {"org": "NATO"}).rows
    with pytest.raises(StoreError):
        check_version(1, 2)
    check_version(2, 2)
    check_version(None, 1)


@pytest.fixture
def extra(tmp_path: Path) -> Path:
    path = tmp_path / "zorg.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def test_a_build_derives_a_summary_for_every_fact(memory_store):
    counts = next(iter(solutions(memory_store.query(PREFIX + """
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(DISTINCT ?f) AS ?facts) (COUNT(DISTINCT ?s) AS ?summarised) WHERE {
          { VALUES ?class { al:Membership al:Partnership al:PartnershipStep al:TopicCoverage
                            al:Participation al:Event al:Stance }
            ?f a ?class }
          # Membership changes are typed with their kind only (al:Accession, ...).
          UNION { ?f a/rdfs:subClassOf al:MembershipChange }
          OPTIONAL { ?f al:summary ?summary BIND(?f AS ?s) }
        }"""))))
    assert int(counts["facts"].value) > 2000
    assert counts["summarised"].value == counts["facts"].value
    one = run_query(memory_store, PREFIX + "SELECT ?s WHERE { ?f al:summary ?s "
                                           "FILTER(STRSTARTS(?s, 'NZL-NATO IPCP partnership:')) }")
    assert one.rows == [["NZL-NATO IPCP partnership: active from 2012-06-04"]]


def test_sources_lists_the_changes_of_a_membership(memory_store):
    membership = "https://w3id.org/alignment-kg/id/membership/OSCE-SUN-1973-07-03"
    statements = {row[0] for row in run_query(memory_store, "sources", {"subject": membership}).rows}
    assert statements == {"SUN accession (OSCE) on 1973-07-03", "SUN end by succession (OSCE) on 1991-12-26"}


@pytest.mark.parametrize("kind", ["directory", "memory"])
def test_every_write_recomputes_the_derived_graph(store_dir: Path, tmp_path: Path, extra: Path, kind: str):
    if kind == "directory":
        shutil.copytree(store_dir, tmp_path / "store", symlinks=True)
        location = resolve_location(str(tmp_path / "store"))
        load_into(location, [extra])
        store = open_store(location)
    else:
        store = build("memory")  # the writes below go into its engine
        load_files(store, [extra])
    check_present(store)
    drop_graph(store, "load/zorg.ttl")
    if kind == "directory":
        store = open_store(location)
    assert derived(store) == {}
    # An update allowed by the user is followed by the derived graph too.
    store.update(EXTRA_UPDATE)
    check_present(store)


@pytest.mark.server
def test_a_remote_store_recomputes_the_derived_graph_in_the_swap(tmp_path: Path, extra: Path):
    with oxigraph_server(tmp_path / "oxigraph", "--timeout-s", "20") as url:
        location = resolve_location(url)
        load_into(location, [extra])
        store = open_store(url)
        check_present(store)
        drop_graph(store, "load/zorg.ttl")
        assert derived(open_store(url)) == {}
        store = open_store(url)
        store.update(EXTRA_UPDATE)
        check_present(store)


def test_exports_leave_the_derived_graph_out(runner, store_dir: Path, tmp_path: Path):
    out = tmp_path / "export.nq"
    result = runner.invoke(main, ["export", "--store", str(store_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(path=str(out)))
    assert len(quads) > 20000
    assert {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)} == {
        "https://w3id.org/alignment-kg/graph/curated", "https://w3id.org/alignment-kg/graph/ontology"}
    derived_terms = {AL + name for name in ("summary", "involves", "otherSpell", "joinedOn", "leftOn",
                                            "differingSpell", "singleSource", "derivationVersion",
                                            "commitmentSpells", "networkEdges", "stateSpans",
                                            "partnershipSteps", "membershipSpells", "singleSourceFacts",
                                            "impreciseDates")}
    assert not [q for q in quads if q.predicate.value in derived_terms]


def test_nothing_is_loaded_into_the_derived_graph(runner, store_dir: Path, tmp_path: Path, extra: Path):
    shutil.copytree(store_dir, tmp_path / "store", symlinks=True)
    for graph in ("derived", DERIVED):
        result = runner.invoke(main, ["load", str(extra), "--graph", graph, "--store", str(tmp_path / "store")])
        assert result.exit_code != 0
        assert "reserved" in result.output, result.output


def test_a_store_derived_before_the_analytics_tables_is_refused():
    """A store whose derived graph has no analytics tables (derived by an earlier kg) is refused
    with a StoreError that asks for a rebuild, never read as if it held no commitments."""
    from kg.analysis import align
    from kg.errors import StoreError
    from kg.network import alignment_graph, commitments, commitments_of

    store = build("memory")
    assert commitments_of(store, ["NZL"])
    # A graph derived by the kg before the tables: version 2.
    marker = ox.Quad(ox.NamedNode(DERIVED), ox.NamedNode(AL + "derivationVersion"),
                     ox.Literal(str(VERSION), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                     ox.NamedNode(DERIVED))
    assert marker in store.engine
    store.engine.remove(marker)
    store.engine.add(ox.Quad(marker.subject, marker.predicate,
                             ox.Literal("2", datatype=marker.object.datatype), marker.graph_name))
    for read in (lambda: commitments(store), lambda: commitments_of(store, ["NZL"]),
                 lambda: align(store, "NZL", "AUS", start=2000, end=2001),
                 lambda: alignment_graph(store, at="2020")):
        with pytest.raises(StoreError, match="older kg .*version 2, this reading needs 3.*kg build"):
            read()
