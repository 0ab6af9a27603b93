"""`kg serve`: a real SPARQL client (SPARQLWrapper, rdflib's SPARQLStore) queries it; updates
and outbound network access are refused; a slow query is stopped at its timeout; answers are
bounded."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import load_into
from servers import kg_serve, oxigraph_server

from kg.build import build

pytestmark = pytest.mark.server

NZL = "https://w3id.org/alignment-kg/id/state/NZL"
LABEL = f'SELECT ?label WHERE {{ <{NZL}> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = "en") }}'
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(store_dir: Path):
    with kg_serve(store_dir, "--timeout", "2", "--max-rows", "1000") as base:
        yield base


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
            method: str | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {},
                                                           method=method), timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def form(query: str) -> bytes:
    return urllib.parse.urlencode({"query": query}).encode()


def test_sparqlwrapper_gets_json_results(endpoint: str):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery(LABEL)
    client.setReturnFormat(JSON)
    results = client.query().convert()
    assert results["head"]["vars"] == ["label"]
    assert results["results"]["bindings"] == [
        {"label": {"type": "literal", "xml:lang": "en", "value": "New Zealand"}}]
    client.setMethod("POST")
    client.setQuery(f"ASK {{ <{NZL}> a <https://w3id.org/alignment-kg/ontology#State> }}")
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_queries_it(endpoint: str):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(SPARQLStore(f"{endpoint}/query", returnFormat="xml"))
    rows = list(graph.query(LABEL))
    assert [str(row[0]) for row in rows] == ["New Zealand"]


@pytest.mark.parametrize(("accept", "content_type", "start"), [
    ("application/sparql-results+json", "application/sparql-results+json; charset=utf-8",
     b'{"head":{"vars":["label"]}'),
    ("application/sparql-results+xml", "application/sparql-results+xml; charset=utf-8", b"<?xml"),
    ("text/csv", "text/csv; charset=utf-8", b"label\r\nNew Zealand\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", b'?label\n"New Zealand"@en\n'),
    ("text/html;q=0.9, text/csv;q=0.5", "text/csv; charset=utf-8", b"label\r\n"),
    ("*/*", "application/sparql-results+json; charset=utf-8", b'{"head"'),
])
def test_results_in_every_format(endpoint: str, accept: str, content_type: str, start: bytes):
    status, kind, body = request(f"{endpoint}/query?{urllib.parse.urlencode({'query': LABEL})}",
                                 headers={"Accept": accept})
    assert (status, kind) == (200, content_type)
    assert body.startswith(start)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_graphs_in_every_format(endpoint: str, accept: str, fmt: ox.RdfFormat):
    query = f"CONSTRUCT {{ <{NZL}> ?p ?o }} WHERE {{ <{NZL}> ?p ?o }}"
    status, kind, body = request(f"{endpoint}/query", data=query.encode(),
                                 headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert status == 200 and kind.startswith(accept)
    triples = list(ox.parse(body, fmt))
    assert len(triples) > 5
    assert {t.subject.value for t in triples} == {NZL}


@pytest.mark.parametrize(("path", "data", "headers", "status", "message"), [
    ("/update", b"update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 403,
     "updates are refused: this endpoint is read-only"),
    ("/query", b"DROP ALL", {"Content-Type": "application/sparql-update"}, 403, "updates are refused"),
    ("/query", b"update=CLEAR+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 403, "updates are refused"),
    ("/query", form("DELETE WHERE { ?s ?p ?o }"), {"Content-Type": "application/x-www-form-urlencoded"}, 403,
     "updates are refused"),
    ("/query", form("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
     {"Content-Type": "application/x-www-form-urlencoded"}, 400,
     "refused: SERVICE would open a network connection"),
    ("/query", form("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }"),
     {"Content-Type": "application/x-www-form-urlencoded"}, 400,
     "refused: FROM may name only graphs of this store (http://127.0.0.1:9/data.ttl is not one)"),
    ("/query", form("SELECT * WHERE { ?s ?p }"), {"Content-Type": "application/x-www-form-urlencoded"}, 400,
     "SPARQL syntax error"),
    ("/store", None, {}, 404, "no such endpoint /store"),
    ("/query", None, {}, 400, "give exactly one query"),
])
def test_refusals(endpoint: str, path: str, data: bytes | None, headers: dict, status: int, message: str):
    answer, kind, body = request(endpoint + path, data=data, headers=headers)
    assert answer == status
    assert kind == "text/plain; charset=utf-8"
    assert body.decode().startswith(message)


def test_the_store_is_unchanged_after_refused_updates(endpoint: str, store_dir: Path):
    from kg.store import open_store

    before = open_store(str(store_dir)).named_graphs()
    request(f"{endpoint}/update", data=b"update=DROP+ALL", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert open_store(str(store_dir)).named_graphs() == before


def test_a_slow_query_is_stopped_at_its_timeout(endpoint: str):
    started = time.monotonic()
    status, _, body = request(f"{endpoint}/query", data=form(SLOW),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    elapsed = time.monotonic() - started
    assert (status, body) == (503, b"query stopped after 2 s (--timeout)\n")
    assert 2 <= elapsed < 6
    # and the endpoint still answers
    assert request(f"{endpoint}/query?{urllib.parse.urlencode({'query': 'ASK {}'})}")[0] == 200


def test_a_large_answer_is_an_error_not_a_cut(endpoint: str):
    status, _, body = request(f"{endpoint}/query", data=form("SELECT * WHERE { ?s ?p ?o }"),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body) == (500, b"result too large: more than 1000 rows (--max-rows); add a LIMIT\n")
    limited = request(f"{endpoint}/query", data=form("SELECT * WHERE { ?s ?p ?o } LIMIT 1000"),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert limited[0] == 200
    assert len(json.loads(limited[2])["results"]["bindings"]) == 1000


def test_serve_sees_a_new_generation(store_dir: Path, tmp_path: Path):
    """A load (or build) swaps a new generation in: the endpoint answers from it."""
    import shutil

    path = tmp_path / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    ask = urllib.parse.urlencode({"query": "ASK { <http://example.org/new> ?p ?o }"})
    with kg_serve(path) as base:
        assert json.loads(request(f"{base}/query?{ask}")[2])["boolean"] is False
        extra = tmp_path / "new.ttl"
        extra.write_text("<http://example.org/new> <http://example.org/p> 1 .\n")
        load_into(str(path), [extra])
        assert json.loads(request(f"{base}/query?{ask}")[2])["boolean"] is True


def test_serve_a_remote_store(tmp_path: Path):
    """kg serve in front of an Oxigraph server: the same answers, with kg's policy."""
    with oxigraph_server(tmp_path / "oxigraph") as url:
        build(url)
        with kg_serve(url) as base:
            status, _, body = request(f"{base}/query?{urllib.parse.urlencode({'query': LABEL})}")
            assert status == 200
            assert json.loads(body)["results"]["bindings"][0]["label"]["value"] == "New Zealand"
            assert request(f"{base}/update", data=b"update=DROP+ALL",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
