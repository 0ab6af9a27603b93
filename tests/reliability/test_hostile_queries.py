"""Hostile queries: SERVICE, LOAD and FROM <url> never open a connection without --allow-network
(a loopback listener counts them: zero), and do with it; updates are refused by `kg query` and
`kg serve`; parameters are bound as values whatever they hold; a query that would run for
minutes is stopped at its timeout on the embedded store, a remote store and `kg serve`."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from servers import kg_serve, oxigraph_server

from kg.cli import main
from kg.query import resolve_query, run_query
from reliability.support import KG, Listener, content, one_error_line

pytestmark = pytest.mark.reliability

#: Outbound network access in every disguise the grammar allows ({url}: the loopback listener).
NETWORK = [
    "SELECT * WHERE { SERVICE <{url}sparql> { ?s ?p ?o } }",
    "select * where { service <{url}sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}sparql> { ?s ?p ?o } }",
    "PREFIX r: <{url}> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?u { <{url}sparql> } SERVICE ?u { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}x> { ?s ?q ?r } } } LIMIT 1",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}x> { ?s ?p ?o } } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{url}x> { ?s ?p ?o } } } LIMIT 1",
    "ASK { FILTER EXISTS { SERVICE <{url}x> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}x> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <{url}x> { ?s ?p ?o } }",
    'SELECT * WHERE { # a comment with a quote " and a <\n SERVICE <{url}x> { ?s ?p ?o } }',
    "SELECT ('#' AS ?x) WHERE { SERVICE <{url}x> { ?s ?p ?o } }",
    "SELECT ('''it's ''' AS ?x) WHERE { SERVICE <{url}x> { ?s ?p ?o } }",
    "SELECT * WHERE {SERVICE<{url}x>{?s ?p ?o}}",
    "SELECT * WHERE { FILTER(1<2)SERVICE<{url}x>{?s ?p ?o} }",
    "SELECT * FROM <{url}data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX r: <{url}> SELECT * FROM r:data WHERE { ?s ?p ?o }",
    # Lexical details where a careless check and the engine disagree (issue 16): a comment
    # ended by a bare carriage return, an IRI holding a Unicode space and '#', keywords glued.
    "SELECT * WHERE { # a comment\rSERVICE <{url}x> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?d { <http://a/\u00a0#> } SERVICE <{url}x> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?d { <http://a/\\u0041#> } SERVICE <{url}x> { ?s ?p ?o } }",
    "PREFIX e: <http://e/> SELECT * WHERE { VALUES ?d { e:a\\#b } SERVICE <{url}x> { ?s ?p ?o } }",
    "PREFIX : <{url}> SELECT * WHERE { VALUES ?d { 1 } SERVICE:x { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?d { 1 } SERVICESILENT<{url}x>{ ?s ?p ?o } }",
    "LOAD <{url}data.ttl>",
    "LOAD SILENT <{url}data.ttl> INTO GRAPH <http://example.org/g>",
]
#: Every kind of SPARQL update.
UPDATES = [
    "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
    "DELETE DATA { <https://w3id.org/alignment-kg/id/state/NZL> a <https://w3id.org/alignment-kg/ontology#State> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <https://w3id.org/alignment-kg/graph/curated> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP ALL",
    "drop all",
    "DROP SILENT GRAPH <https://w3id.org/alignment-kg/graph/curated>",
    "CLEAR DEFAULT",
    "CLEAR ALL",
    "CREATE GRAPH <http://example.org/g>",
    "ADD DEFAULT TO <http://example.org/g>",
    "MOVE <https://w3id.org/alignment-kg/graph/curated> TO <http://example.org/g>",
    "COPY <http://example.org/g> TO <https://w3id.org/alignment-kg/graph/curated>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "PREFIX e: <http://example.org/> DROP ALL",
    "# a comment first\nDROP ALL",
]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def store(tmp_path_factory, store_dir: Path) -> Path:
    """A copy of the session store that the hostile queries must leave as it is."""
    path = tmp_path_factory.mktemp("queries") / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    return path


@pytest.fixture(scope="module")
def endpoint(store: Path):
    with kg_serve(store, "--timeout", "2") as base:
        yield base


def query(*args: str, store: Path):
    return CliRunner().invoke(main, ["query", *args, "--store", str(store)], catch_exceptions=False)


def http(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def form(name: str, text: str) -> tuple[bytes, dict]:
    return (urllib.parse.urlencode({name: text}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})


@pytest.mark.parametrize("text", NETWORK)
def test_network_forms_are_refused_by_kg_query_and_open_no_connection(text: str, store: Path, listener: Listener):
    result = query(text.replace("{url}", listener.url), store=store)
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith("kg: error: refused: ")
    assert listener.accepted == []


@pytest.mark.parametrize("text", NETWORK)
def test_network_forms_are_refused_by_kg_serve_and_open_no_connection(text: str, endpoint: str, listener: Listener):
    data, headers = form("query", text.replace("{url}", listener.url))
    status, body = http(f"{endpoint}/query", data=data, headers=headers)
    assert status in (400, 403), body
    assert body.startswith((b"refused: ", b"updates are refused"))
    assert listener.accepted == []


def test_with_allow_network_service_does_connect(store: Path, listener: Listener):
    """The listener sees a connection when one is allowed: the tests above could fail."""
    result = query("SELECT * WHERE { SERVICE <" + listener.url + "sparql> { ?s ?p ?o } }", "--allow-network",
                   "--timeout", "20", store=store)
    assert len(listener.accepted) >= 1
    assert listener.accepted[0].startswith((b"GET ", b"POST "))
    assert result.exit_code == 1  # the listener answers 503: one line, no traceback
    one_error_line(result.stderr)


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_by_kg_query(text: str, store: Path):
    before = sorted(p.name for p in store.iterdir())
    result = query(text, store=store)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "is an update and `kg query` does not change the store" in line, line
    assert sorted(p.name for p in store.iterdir()) == before


@pytest.mark.parametrize("text", UPDATES)
@pytest.mark.parametrize("how", ["GET query", "POST query form", "POST sparql-query", "POST update form",
                                 "POST sparql-update", "/update"])
def test_updates_are_refused_by_kg_serve(text: str, how: str, endpoint: str):
    if how == "GET query":
        status, body = http(f"{endpoint}/query?{urllib.parse.urlencode({'query': text})}")
    elif how == "POST query form":
        status, body = http(f"{endpoint}/query", *form("query", text))
    elif how == "POST sparql-query":
        status, body = http(f"{endpoint}/query", data=text.encode(),
                            headers={"Content-Type": "application/sparql-query"})
    elif how == "POST update form":
        status, body = http(f"{endpoint}/sparql", *form("update", text))
    elif how == "POST sparql-update":
        status, body = http(f"{endpoint}/query", data=text.encode(),
                            headers={"Content-Type": "application/sparql-update"})
    else:
        status, body = http(f"{endpoint}/update", *form("update", text))
    assert status == 403, body
    assert body == b"updates are refused: this endpoint is read-only\n"


# -- parameters are values -------------------------------------------------------------------

ECHO = """#+ summary: Echo a text parameter back, with its length
#+ param: text string -- any text
#+ columns: text, length
SELECT ?text ?length WHERE { BIND(STRLEN(?text) AS ?length) }
"""
INJECTIONS = ['"', "'", "\\", '"""', "'''", "} ; DROP ALL ; #", '" } ; DROP ALL ; #', "#", "\n", "\r\n",
              "a\nDROP ALL", "\\u0022 } DROP ALL", "${x} %s {0}", "?text", "<http://example.org/x>",
              "}} UNION {{ SERVICE <http://127.0.0.1:9/> {{ ?s ?p ?o }} }}", "\u2028\u2029\x85", "\x00"]


@pytest.fixture(scope="module")
def echo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("echo") / "echo.rq"
    path.write_text(ECHO, encoding="utf-8")
    return path


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_string_parameter_is_bound_as_a_value(value: str, echo: Path, store: Path):
    result = query(str(echo), "-p", "text", value, "--format", "json", store=store)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"text": value, "length": len(value)}]


@pytest.mark.parametrize(("args", "message"), [
    (["members", "-p", "org", 'NATO" } ; DROP ALL ; #'], "unknown organisation"),
    (["members", "-p", "org", "NATO } UNION { ?s ?p ?o }"], "unknown organisation"),
    (["members", "-p", "org", "http://example.org/x> } ; DROP ALL ; #"], "invalid IRI"),
    (["members", "-p", "org", "NATO", "--at", '2024-01-01"^^<x> } DROP ALL #'], "parameter 'at'"),
    (["timeline", "-p", "state", "NZL\n} DROP ALL"], "unknown state or territory or organisation"),
])
def test_coded_parameters_refuse_injection(args: list[str], message: str, store: Path):
    result = query(*args, store=store)
    assert result.exit_code == 2
    assert message in one_error_line(result.stderr)


@settings(max_examples=200)
@given(value=st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_text_parameter_comes_back_unchanged(value: str, memory_store, echo: Path):
    result = run_query(memory_store, resolve_query(str(echo)), {"text": value})
    assert result.rows == [[value, len(value)]]


def test_the_store_is_unchanged_after_every_hostile_query(store: Path, store_dir: Path):
    assert content(store) == content(store_dir)


# -- timeouts -------------------------------------------------------------------------------


def test_a_slow_query_is_stopped_at_its_timeout_on_the_embedded_store(store: Path):
    started = time.monotonic()
    done = subprocess.run(check=False, args=[KG, "query", SLOW, "--timeout", "2", "--store", str(store)],
                          capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert one_error_line(done.stderr) == "kg: error: query stopped after 2 s (--timeout)"
    assert 2 <= elapsed < 8, elapsed


def test_a_slow_query_is_stopped_at_its_timeout_on_a_remote_store(store: Path, tmp_path: Path, listener: Listener):
    """An Oxigraph server (its own timeout 20 s, as a safety net) over a copy of the store."""
    location = tmp_path / "oxigraph"
    shutil.copytree(store / "current", location, symlinks=True)
    with oxigraph_server(location, "--timeout-s", "20") as url:
        started = time.monotonic()
        done = subprocess.run(check=False, args=[KG, "query", SLOW, "--timeout", "2", "--store", url],
                              capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - started
        assert done.returncode == 1
        assert one_error_line(done.stderr) == "kg: error: query stopped after 2 s (--timeout)"
        assert 2 <= elapsed < 8, elapsed
        # The remote path refuses outbound access too, before anything is sent to the server.
        hostile = "SELECT * WHERE { SERVICE <" + listener.url + "x> { ?s ?p ?o } }"
        done = subprocess.run(check=False, args=[KG, "query", hostile, "--store", url], capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and "refused: SERVICE" in one_error_line(done.stderr)
        assert listener.accepted == []


def test_a_slow_query_is_stopped_at_its_timeout_by_kg_serve(endpoint: str):
    started = time.monotonic()
    status, body = http(f"{endpoint}/query", *form("query", SLOW))
    elapsed = time.monotonic() - started
    assert (status, body) == (503, b"query stopped after 2 s (--timeout)\n")
    assert 2 <= elapsed < 8, elapsed
    assert http(f"{endpoint}/query?{urllib.parse.urlencode({'query': 'ASK {}'})}")[0] == 200
