"""A second real server for the remote path: Virtuoso (Debian ``virtuoso-opensource``), started by
the test on loopback ports. `kg build` writes into it (Graph Store Protocol and SPARQL Update
with digest authentication) and catalogue queries answer as on an embedded store.

Skipped where Virtuoso is not installed, or with ``KG_TEST_VIRTUOSO=0``. The contract's
required catalogue entries run; ``KG_TEST_VIRTUOSO_FULL=1`` runs the whole catalogue.
Virtuoso 07.20.3229 (Debian 12) sometimes stops answering HTTP requests in the middle of a run
on a loaded machine (measured: at a different query each time, 4 runs in 5, while other tests
ran beside it); the fixture then restarts it, rebuilds, and runs the query
once more, so that this shows as time, not as a failure of ``kg``. A query Virtuoso does not
answer within 30 s is skipped with that reason; every answer it gives is compared.
"""

from __future__ import annotations

import os
import subprocess
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest
from conftest import load_into
from servers import BIN, virtuoso_server
from test_store_remote import CASES, sample_params

from kg.build import build
from kg.catalogue import catalogue
from kg.errors import KgError, StoreError
from kg.graphs import graph_rows
from kg.query import run_query
from kg.store import open_store, resolve_location

pytestmark = [
    pytest.mark.server,
    # Runs wherever `virtuoso-t` is installed (.ci/run installs it); KG_TEST_VIRTUOSO=0 turns
    # it off, e.g. on a machine busy with other work, where Virtuoso answers slowly.
    pytest.mark.skipif(os.environ.get("KG_TEST_VIRTUOSO") == "0",
                       reason="Virtuoso tests turned off (KG_TEST_VIRTUOSO=0)"),
]

#: The contract's required catalogue entries (CONTRACT.md), run by default.
REQUIRED = {"states", "organizations", "members", "memberships", "partners", "partnerships",
            "shared-memberships", "timeline", "events", "participants", "topics", "sources"}
#: Catalogue queries Virtuoso 07.20.3229 cannot answer, as measured (each answers on the
#: embedded store and on the Oxigraph server in well under a second). They are not sent.
VIRTUOSO_CANNOT = {
    ("organizations", None): "does not finish within 30 s, after which it answers no request at all",
    ("organizations", "1990"): "does not reliably finish within 30 s (2 s in one run, over 30 s twice in another)",
    ("shared-memberships", None): "does not finish within 30 s",
    ("shared-memberships", "1990"): "does not reliably finish within 30 s (2 s in one run, over 30 s twice in another)",
}
#: ... and those it refuses with an error of its own (none since `top-shared-memberships` reads
#: the derived graph's spells and counts the pairs in Python: its pair join failed in Virtuoso's
#: SPARQL-to-SQL compiler, "SQ156: Internal Optimized compiler error : Bad dfe in sqlo_place_exp").
VIRTUOSO_FAILS: dict[tuple[str, str | None], str] = {}
FULL = os.environ.get("KG_TEST_VIRTUOSO_FULL") == "1"
SELECTED = [(n, a) for n, a in CASES if FULL or n in REQUIRED]


class Virtuoso:
    """A Virtuoso server with the packaged data, restarted (and rebuilt) when it stops answering."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.stack = ExitStack()
        self.starts = 0
        self.start()

    def start(self) -> None:
        self.stack.close()
        self.starts += 1
        self.http, _ = self.stack.enter_context(virtuoso_server(self.base / f"virtuoso-{self.starts}"))
        self.url = f"{self.http}/sparql"
        self.env = {"KG_USER": "dba", "KG_PASSWORD": "dba",  # Virtuoso's default account
                    "KG_UPDATE_URL": f"{self.http}/sparql-auth",
                    "KG_GSP_URL": f"{self.http}/sparql-graph-crud-auth"}
        built = subprocess.run([str(BIN / "kg"), "build", "--store", self.url], check=False,
                               capture_output=True, text=True, env={**os.environ, **self.env}, timeout=600)
        assert built.returncode == 0, built.stderr

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.http}/sparql?query=ASK%7B%7D", timeout=10).close()
            return True
        except OSError:
            return False

    def store(self):
        store = open_store(self.url)
        store.patience = 60  # type: ignore[attr-defined]
        return store


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    base = tmp_path_factory.mktemp("virtuoso")
    server = Virtuoso(base)
    build(str(base / "dir"))
    server.directory = open_store(str(base / "dir"))  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stack.close()


def outcome(store, name: str, params: dict[str, str], timeout: float | None = None):
    try:
        result = run_query(store, name, params, timeout=timeout)
    except KgError as error:
        return ("error", type(error).__name__, str(error))
    return ("rows", result.columns, result.rows)


@pytest.mark.parametrize(("name", "at"), SELECTED, ids=[f"{n}-{a or 'current'}" for n, a in SELECTED])
def test_the_catalogue_answers_the_same_on_virtuoso(virtuoso, request, name, at):
    if (name, at) in VIRTUOSO_CANNOT:
        pytest.skip(f"Virtuoso 7.2.5 {VIRTUOSO_CANNOT[name, at]}")
    if (name, at) in VIRTUOSO_FAILS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=VIRTUOSO_FAILS[name, at]))
    params = sample_params(catalogue()[name])
    if at:
        params["at"] = at
    expected = outcome(virtuoso.directory, name, params)
    for attempt in range(2):
        if not virtuoso.answers():
            virtuoso.start()
        got = outcome(virtuoso.store(), name, params, timeout=30)
        stalled = got[0] == "error" and ("did not answer" in got[2] or "stopped after" in got[2])
        if not (stalled and not virtuoso.answers()) or attempt == 1:
            break
    if stalled:
        # Virtuoso's speed, not kg's answer: the same query answers on Oxigraph in well under a
        # second, and an answer that Virtuoso does give is compared.
        pytest.skip(f"Virtuoso 7.2.5 did not answer within 30 s in this run: {got[2]}")
    assert got == expected


def test_an_ask_query_is_a_boolean_on_virtuoso(virtuoso):
    """Virtuoso answers an ASK query sent with a dataset as a one-column table; the store reads
    it as the boolean it stands for, as on Oxigraph."""
    if not virtuoso.answers():
        virtuoso.start()
    store = virtuoso.store()
    nzl = "<https://w3id.org/alignment-kg/id/state/NZL>"
    al = "https://w3id.org/alignment-kg/ontology#"
    assert store.ask(f"ASK {{ {nzl} a <{al}State> }}") is True
    assert store.ask(f"ASK {{ VALUES ?c {{ <{al}Organization> }} {nzl} a ?c }}") is False


def test_a_loaded_graph_survives_a_build_on_virtuoso(virtuoso, tmp_path: Path, monkeypatch):
    if not virtuoso.answers():
        virtuoso.start()
    for key, value in virtuoso.env.items():
        monkeypatch.setenv(key, value)
    location = resolve_location(virtuoso.url)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://example.org/a> <http://example.org/p> [ <http://example.org/q> 1 ] .\n")
    try:
        load_into(location, [extra])
        build(location)
    except StoreError as error:
        if virtuoso.answers():
            raise
        pytest.fail(f"Virtuoso stopped answering during the build: {error}")
    rows = graph_rows(virtuoso.store())
    assert ["load/extra.ttl", "kg load: extra.ttl", 2] in rows
    assert {"curated", "ontology", "load/extra.ttl"} <= {row[0] for row in rows}
