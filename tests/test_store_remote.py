"""Remote stores against a real Oxigraph server (``oxigraph serve`` on a free loopback port):
the whole catalogue answers exactly as on a directory and in memory; builds are staged and
swapped atomically; loaded and imported graphs survive a build; blank nodes are skolemised."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import load_into
from servers import BIN, free_port, oxigraph_server

from kg.build import build
from kg.catalogue import catalogue
from kg.errors import KgError, QueryError, StoreError
from kg.graphs import graph_rows
from kg.query import run_query
from kg.rdfio import export, rdf_format
from kg.store import STAGING, open_store, resolve_location, write_graphs
from kg.stores.remote import CHUNK, GENID, RemoteStore

pytestmark = pytest.mark.server

# The sample parameters of tests/test_catalogue.py, and values for the parameters they lack.
SAMPLE_PARAMS = {"org": "NATO", "state": "NZL", "a": "USA", "b": "FRA", "event": "NATO-SUMMIT-2022-MADRID",
                 "subject": "NZL"}
EXTRA_PARAMS = {"from": "1990", "to": "2024", "org:a": "NATO", "org:b": "EU"}
IMPORTED = "https://w3id.org/alignment-kg/graph/import/test/simulated.csv"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sample_params(entry) -> dict[str, str]:
    params = {}
    for p in entry.parameters:
        if not p.optional:
            params[p.name] = EXTRA_PARAMS.get(f"{p.type}:{p.name}") or SAMPLE_PARAMS.get(p.name) or EXTRA_PARAMS[p.name]
    return params


def outcome(store, name: str, params: dict[str, str]):
    """What a catalogue entry gives: its columns and rows, or its error."""
    try:
        result = run_query(store, name, params)
    except KgError as error:
        return ("error", type(error).__name__, str(error))
    return ("rows", result.columns, result.rows)


def count(store) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)


def kg(*args: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([str(BIN / "kg"), *args], check=False, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The packaged data built into a directory, into memory and, by `kg build --store URL`,
    into an Oxigraph server (its /update and /store endpoints derived from the URL)."""
    base = tmp_path_factory.mktemp("remote")
    with oxigraph_server(base / "oxigraph", "--timeout-s", "20") as url:
        built = kg("build", "--store", url)
        assert built.returncode == 0, built.stderr
        build(str(base / "dir"))
        yield {"directory": open_store(str(base / "dir")), "memory": open_store("memory"),
               "remote": open_store(url)}


@pytest.fixture
def server(tmp_path):
    """An empty Oxigraph server of this test's own."""
    with oxigraph_server(tmp_path / "oxigraph", "--timeout-s", "20") as url:
        yield url


CASES = [(name, at) for name, entry in sorted(catalogue().items())
         for at in ([None, "1990"] if entry.parameter("at") else [None])]


@pytest.mark.parametrize(("name", "at"), CASES, ids=[f"{n}-{a or 'current'}" for n, a in CASES])
def test_the_whole_catalogue_answers_the_same_everywhere(stores, name, at):
    params = sample_params(catalogue()[name])
    if at:
        params["at"] = at
    directory = outcome(stores["directory"], name, params)
    assert outcome(stores["memory"], name, params) == directory
    assert outcome(stores["remote"], name, params) == directory
    if name in ("members", "partnerships", "timeline", "sources") and at is None:
        assert directory[0] == "rows" and directory[2], f"{name} gives rows"


def test_remote_store_sees_the_union_of_its_graphs(stores):
    remote, directory = stores["remote"], stores["directory"]
    assert remote.named_graphs() == directory.named_graphs()
    assert count(remote) == count(directory) == sum(n for _, n in directory.named_graphs())
    assert len(remote) == len(directory)


def test_locations_and_derived_endpoints(monkeypatch):
    monkeypatch.delenv("KG_UPDATE_URL", raising=False)
    monkeypatch.delenv("KG_GSP_URL", raising=False)
    location = resolve_location("http://127.0.0.1:7878/query")
    assert (location.kind, location.update_url, location.gsp_url) == (
        "remote", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    fuseki = resolve_location("https://example.org/ds/sparql")
    assert (fuseki.update_url, fuseki.gsp_url) == ("https://example.org/ds/sparql", None)
    monkeypatch.setenv("KG_GSP_URL", "https://example.org/ds/data")
    assert resolve_location("https://example.org/ds/sparql").gsp_url == "https://example.org/ds/data"
    given = resolve_location("https://example.org/ds/query", update_url="https://example.org/u")
    assert given.update_url == "https://example.org/u"


def test_build_is_staged_and_keeps_loaded_and_imported_graphs(server, tmp_path):
    location = resolve_location(server)
    build(location)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://example.org/s> <http://example.org/p> 'kept' .\n")
    load_into(location, [extra])
    imported = ox.Quad(ox.NamedNode("http://example.org/i"), ox.NamedNode("http://example.org/p"),
                       ox.Literal("imported"), ox.NamedNode(IMPORTED))
    write_graphs(location, [imported], replace=lambda g: g == IMPORTED)
    before = dict(open_store(location).named_graphs())
    result = kg("build", "--store", server)
    assert result.returncode == 0, result.stderr
    after = dict(open_store(location).named_graphs())
    assert after == before
    assert after["https://w3id.org/alignment-kg/graph/load/extra.ttl"] == 1
    assert after[IMPORTED] == 1
    rows = graph_rows(open_store(location))
    assert ["load/extra.ttl", "kg load: extra.ttl", 1] in rows
    # Nothing is left behind on the server: no staging graph, every graph listed.
    everything = RemoteStore(location)._all_graphs()
    assert not [g for g in everything if g.startswith(STAGING)]
    assert everything == set(before)
    assert "https://w3id.org/alignment-kg/graph/meta/load/extra.ttl" in everything


def test_a_failed_upload_leaves_the_previous_graphs(server):
    location = resolve_location(server)
    build(location)
    before = open_store(location).named_graphs()
    graph = ox.NamedNode("https://w3id.org/alignment-kg/graph/curated")

    def broken():
        for i in range(CHUNK + 10):  # one full request reaches the server first
            yield ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(str(i)), graph)
        raise OSError("disk full (injected)")

    with pytest.raises(OSError, match="injected"):
        write_graphs(location, broken(), replace=lambda g: True)
    assert open_store(location).named_graphs() == before
    assert not [g for g in RemoteStore(location)._all_graphs() if g.startswith(STAGING)]


def test_staging_graphs_are_invisible_to_queries(server):
    """While an upload is in progress its staging graphs are on the server, but no query sees them."""
    location = resolve_location(server)
    build(location)
    store = open_store(location)
    before = count(store)
    staging = f"{STAGING}test/0"
    request = urllib.request.Request(
        f"{location.gsp_url}?{urllib.parse.urlencode({'graph': staging})}",
        data=b'<http://example.org/half> <http://example.org/p> "uploaded" .\n',
        headers={"Content-Type": "application/n-triples"}, method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    fresh = open_store(location)
    assert count(fresh) == before
    assert staging not in dict(fresh.named_graphs())
    assert bool(fresh.query("ASK { GRAPH ?g { <http://example.org/half> ?p ?o } }")) is False


def test_blank_nodes_are_skolemised(server, tmp_path):
    location = resolve_location(server)
    data = tmp_path / "blank.ttl"
    data.write_text("@prefix e: <http://example.org/> .\ne:a e:p [ e:q 1 ] , _:x .\n_:x e:q 2 .\n")
    load_into(location, [data])
    store = open_store(location)
    objects = sorted(s["o"].value for s in store.query("SELECT ?o WHERE { <http://example.org/a> ?p ?o }"))
    assert len(objects) == 2
    assert all(o.startswith(GENID) for o in objects)
    assert not list(store.query("SELECT ?b WHERE { ?b ?p ?o FILTER(isBlank(?b)) }"))


@pytest.mark.parametrize("name", ["turtle", "nquads"])
def test_export_load_export_on_remote_stores(stores, server, tmp_path, name):
    """export a remote store -> load the file into an empty remote store -> export again:
    the same bytes (named graphs kept by N-Quads)."""
    fmt = rdf_format(name)
    first = tmp_path / f"first.{'ttl' if name == 'turtle' else 'nq'}"
    with open(first, "wb") as handle:
        export(stores["remote"], handle, fmt)
    result = kg("load", str(first), "--store", server)
    assert result.returncode == 0, result.stderr
    second = tmp_path / f"second.{'ttl' if name == 'turtle' else 'nq'}"
    with open(second, "wb") as handle:
        export(open_store(server), handle, fmt)
    assert second.read_bytes() == first.read_bytes()
    assert f"<{GENID}".encode() in first.read_bytes()  # the ontology's lists, skolemised


def test_a_query_is_stopped_at_its_timeout(stores):
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"^query stopped after 1 s \(--timeout\)$"):
        run_query(stores["remote"], "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                  timeout=1)
    assert time.monotonic() - started < 5


def test_cli_query_on_a_remote_store(stores):
    url = stores["remote"].location.url
    result = kg("query", "members", "-p", "org", "NATO", "--at", "1990", "--format", "csv", "--store", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 17  # the header and NATO's 16 members at the end of 1990
    syntax = kg("query", "SELECT * WHERE { ?s ", "--store", url)
    assert syntax.returncode == 1
    assert syntax.stderr.startswith("kg: error: SPARQL syntax error")
    assert len(syntax.stderr.splitlines()) == 1


def test_an_unreachable_endpoint_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"
    result = kg("query", "members", "-p", "org", "NATO", "--store", url)
    assert result.returncode == 1
    assert result.stderr == f"kg: error: cannot reach the SPARQL endpoint {url}: Connection refused\n"
    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint"):
        open_store(url).named_graphs()


def test_a_write_without_a_graph_store_endpoint_is_refused():
    location = resolve_location("http://127.0.0.1:9/sparql")
    with pytest.raises(StoreError, match=r"no Graph Store Protocol endpoint .*--gsp-url"):
        write_graphs(location, [], replace=lambda g: False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))


def test_kg_import_writes_into_a_remote_store_and_survives_a_build(server):
    """`kg import` on a server: the dataset's own graph, staged like every remote write."""
    fixture = Path(__file__).parent / "fixtures" / "import" / "states2024.csv"
    assert kg("build", "--store", server, "--no-validate").returncode == 0
    result = kg("import", "cow-states", str(fixture), "--store", server)
    assert result.returncode == 0, result.stderr
    graph = "https://w3id.org/alignment-kg/graph/import/cow-states/states2024.csv"
    imported = dict(open_store(resolve_location(server)).named_graphs())[graph]
    assert imported > 0
    assert kg("build", "--store", server, "--no-validate").returncode == 0
    assert dict(open_store(resolve_location(server)).named_graphs())[graph] == imported
