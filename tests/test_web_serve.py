"""`kg serve` with the web application mounted at `/` and the SPARQL Protocol's dataset
parameters honoured: `kg query --store URL`, rdflib's SPARQLStore and SPARQLWrapper get the
same answers from it as from the directory store, for every catalogue entry."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import kg_serve

from kg.catalogue import catalogue
from kg.query import _bind, _with_values
from kg.store import open_store, resolve_location

pytestmark = pytest.mark.server

#: Parameter values for every catalogue entry, by type (names override types).
EXAMPLES = {"state": "NZL", "org": "NATO", "actor": "NZL", "event": "NATO-SUMMIT-2022-MADRID",
            "framework": "ITPP", "topic": "CYBER-SECURITY", "subject": "NZL", "year": "2022",
            "since": "2004", "integer": "5", "date": "2024-04-05"}
BY_NAME = {"a": "NZL", "b": "AUS", "to": "2009"}
ENTRIES = sorted(catalogue())


def example_params(name: str) -> dict[str, str]:
    entry = catalogue()[name]
    params = {}
    for p in entry.parameters:
        value = BY_NAME.get(p.name) if p.name in BY_NAME else EXAMPLES.get(p.type)
        if p.type in ("org", "actor") and p.name in ("a", "b") and name == "members-of-both":
            value = {"a": "NATO", "b": "EU"}[p.name]
        if value is not None:
            params[p.name] = value
    return params


@pytest.fixture(scope="module")
def base(store_dir: Path) -> Iterator[str]:
    with kg_serve(store_dir) as url:
        yield url


@pytest.fixture(scope="module")
def local(store_dir: Path):
    return open_store(resolve_location(str(store_dir)))


def bound_text(store, name: str) -> str:
    entry = catalogue()[name]
    params = example_params(name)
    bindings = {p.name: (_bind(store, p, params[p.name]) if p.name in params else None)
                for p in entry.parameters}
    if entry.parameters and any(p.default == "current" for p in entry.parameters):
        for p in entry.parameters:
            if p.default == "current" and bindings[p.name] is None:
                bindings[p.name] = _bind(store, p, "2026-11-30")
    return _with_values(entry.text, bindings)


def plain(term) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def local_rows(store, text: str) -> list[tuple]:
    answer = store.query(text)
    names = [v.value for v in answer.variables]
    return [tuple(plain(s[n]) for n in names) for s in answer]


def kg_cli(*args: str) -> bytes:
    done = subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_kg_query_against_kg_serve_matches_the_directory_store(base: str, store_dir: Path) -> None:
    """`kg query NAME -p ... --format csv` for every entry, against `kg serve` and against the
    directory: the same bytes. The CLI runs in one process per store (click's runner) to keep
    the test short."""
    script = (
        "import sys, json\n"
        "from click.testing import CliRunner\nfrom kg.cli import main\n"
        "out = {}\n"
        "for name, params in json.loads(sys.argv[2]).items():\n"
        "    args = ['query', name, '--format', 'csv', '--store', sys.argv[1]]\n"
        "    for key, value in params.items(): args += ['-p', key, value]\n"
        "    result = CliRunner().invoke(main, args, catch_exceptions=False)\n"
        "    out[name] = [result.exit_code, result.stdout]\n"
        "print(json.dumps(out))\n")
    params = json.dumps({name: example_params(name) for name in ENTRIES})
    remote = json.loads(subprocess.run([sys.executable, "-c", script, base + "/query", params],
                                       capture_output=True, check=True, timeout=600).stdout)
    directory = json.loads(subprocess.run([sys.executable, "-c", script, str(store_dir), params],
                                          capture_output=True, check=True, timeout=600).stdout)
    assert sorted(remote) == ENTRIES
    for name in ENTRIES:
        assert remote[name] == directory[name], name
        assert directory[name][0] == 0, name
    assert sum(text.count("\n") - 1 for _, text in directory.values()) > 500  # not all empty


def test_the_kg_cli_against_kg_serve(base: str, store_dir: Path) -> None:
    args = ["query", "members", "-p", "org", "NATO", "--at", "1990", "--format", "csv"]
    assert kg_cli(*args, "--store", base + "/query") == kg_cli(*args, "--store", str(store_dir))


@pytest.mark.parametrize("name", ENTRIES)
def test_sparqlwrapper_and_rdflib_get_the_directory_answers(name: str, base: str, local) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    text = bound_text(local, name)
    expected = local_rows(local, text)
    client = SPARQLWrapper(base + "/query")
    client.setQuery(text)
    # SPARQLWrapper guesses the query type from the first keyword it finds anywhere, without
    # word boundaries ("padded" reads as ADD, an update, which the endpoint refuses): say it.
    client.queryType = "SELECT"
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    names = answer["head"]["vars"]
    wrapped = [tuple(b[n]["value"] if n in b else None for n in names) for b in answer["results"]["bindings"]]
    assert sorted(wrapped, key=repr) == sorted(expected, key=repr)
    graph = Graph(store=SPARQLStore(base + "/query", returnFormat="json"))
    via_rdflib = [tuple(plain(v) for v in row) for row in graph.query(text)]
    assert sorted(via_rdflib, key=repr) == sorted(expected, key=repr)


def post(url: str, fields: list[tuple[str, str]], accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def count(base: str, fields: list[tuple[str, str]]) -> int:
    status, body = post(base + "/query", [("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), *fields])
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_uri_and_named_graph_uri_are_honoured(base: str, local) -> None:
    graphs = {g: n for g, n in local.named_graphs()}
    assert len(graphs) >= 2
    every = count(base, [])
    one = sorted(graphs)[0]
    assert count(base, [("default-graph-uri", one)]) == graphs[one]
    assert count(base, [("default-graph-uri", g) for g in graphs]) == every
    assert count(base, [("default-graph-uri", "http://example.org/no-such-graph")]) == 0
    # named-graph-uri alone: an empty default graph, and GRAPH sees only the graphs named.
    assert count(base, [("named-graph-uri", one)]) == 0
    status, body = post(base + "/query", [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                          ("named-graph-uri", one)])
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [one]
    status, body = post(base + "/query", [("query", "ASK {}"), ("default-graph-uri", "not an iri")])
    assert status == 400 and b"not an IRI" in body


def get(url: str, accept: str = "text/html") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def test_the_web_application_is_at_the_root(base: str) -> None:
    status, kind, body = get(base + "/")
    assert status == 200 and kind.startswith("text/html") and b"<h1>International alignments</h1>" in body
    status, kind, body = get(base + "/id/state/NZL")
    assert status == 200 and b"ITPP" in body
    # A browser at the endpoint without a query lands on the SPARQL page; a client gets a 400.
    status, kind, body = get(base + "/query")
    assert status == 200 and b"<h1>SPARQL</h1>" in body
    status, kind, body = get(base + "/query", accept="application/sparql-results+json")
    assert status == 400
    status, kind, body = get(base + "/no/such/page")
    assert status == 404


def test_kg_serve_over_a_remote_store_serves_the_same_pages(base: str) -> None:
    """`kg serve --store URL` of another `kg serve`: the web application over a remote store."""
    with kg_serve(base + "/query") as relay:
        for path in ("/id/state/NZL.json", "/id/org/NATO.json?at=1990", "/queries/members.csv?org=ANZUS"):
            direct, relayed = get(base + path, accept="*/*"), get(relay + path, accept="*/*")
            assert direct[0] == relayed[0] == 200, path
            assert direct[2] == relayed[2], path
        status, _, body = get(relay + "/align?a=NZL&b=AUS&from=2010&to=2011")
        assert status == 200 and b"align-chart" in body
