"""The web application's routes on a real server on 127.0.0.1 (no browser): search, entity
pages and their data, the catalogue's downloads, the SPARQL page's refusals and errors, static
files, headers and escaping."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from web_support import web_server

from kg.formats import write_rows
from kg.query import run_query
from kg.store import open_store, resolve_location

NZL = "https://w3id.org/alignment-kg/id/state/NZL"


@pytest.fixture(scope="module")
def base(store_dir: Path) -> Iterator[str]:
    with web_server(store_dir) as url:
        yield url


@pytest.fixture(scope="module")
def local(store_dir: Path):
    return open_store(resolve_location(str(store_dir)))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def get(url: str, *, data: bytes | None = None, follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {}
    try:
        with opener.open(urllib.request.Request(url, data=data, headers=headers), timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def q(text: str) -> str:
    return urllib.parse.quote(text)


@pytest.mark.parametrize(("text", "code"), [("New Zealand", "NZL"), ("new zealand", "NZL"), ("Q664", "NZL"),
                                            ("nz", "NZL"), ("Aotearoa", "NZL"), ("cote d'ivoire", "CIV"),
                                            ("North Atlantic Treaty Organization", "NATO")])
def test_search_finds_by_code_name_alternative_qid_and_iso2(base: str, text: str, code: str) -> None:
    status, _, body = get(f"{base}/search.json?q={q(text)}")
    assert status == 200
    assert json.loads(body)[0]["code"] == code


def test_search_goes_to_an_unambiguous_page_or_lists(base: str) -> None:
    status, headers, _ = get(f"{base}/search?q=nato", follow=False)
    assert status == 303 and headers["Location"] == "/id/org/NATO"
    status, _, body = get(f"{base}/search?q=zeal")
    assert status == 200 and b'href="/id/state/NZL"' in body
    status, _, body = get(f"{base}/search?q=no-such-thing-at-all")
    assert status == 200 and b"Nothing matches" in body


def test_the_state_page_as_of_a_day(base: str) -> None:
    status, headers, body = get(f"{base}/id/state/NZL")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    page = body.decode()
    assert "<h1>New Zealand</h1>" in page and ">ITPP<" in page and 'href="/id/source/reuters-2023-06-14"' in page
    status, _, body = get(f"{base}/id/state/NZL.json?at=2020")
    data = json.loads(body)
    assert data["at"] == "2020-12-31"
    assert {row["framework"] for row in data["tables"]["partnerships"]} == {"DIALOGUE", "PATG", "IPCP"}
    now = json.loads(get(f"{base}/id/state/NZL.json")[2])
    itpp = [row for row in now["tables"]["partnerships"] if row["framework"] == "ITPP"]
    assert itpp[0]["status"] == "negotiating" and "reuters-2023-06-14" in itpp[0]["sources"]
    assert any(note["org"] == "NATO" for note in now["coverage"])
    assert all(note["org"] in (None, "NATO") or note["org"] in {r["org"] for r in now["tables"]["memberships"]}
               | {r["org"] for r in now["tables"]["past-memberships"]} for note in now["coverage"])


def test_table_csv_is_the_catalogue_answer(base: str, local) -> None:
    status, headers, body = get(f"{base}/id/state/NZL.csv?table=memberships&at=2024-04-05")
    assert status == 200 and headers["Content-Disposition"].startswith("attachment")
    result = run_query(local, "memberships", {"state": "NZL", "at": "2024-04-05"})
    out = io.StringIO()
    write_rows(out, result.columns, result.rows, "csv")
    assert body.decode() == out.getvalue()
    assert len(list(csv.reader(io.StringIO(out.getvalue())))) > 5


def test_entity_turtle_parses_and_describes_it(base: str) -> None:
    status, headers, body = get(f"{base}/id/state/NZL.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == NZL and t.predicate.value.endswith("#label") for t in triples)
    assert any(t.object == ox.NamedNode(NZL) for t in triples)  # the facts that name it


def test_org_page_chart_counts_full_members(base: str, local) -> None:
    page = get(f"{base}/id/org/NATO?at=1990-01-01")[2].decode()
    points = page.split('data-points="')[1].split('"')[0].split(";")
    full = [r for r in run_query(local, "members", {"org": "NATO", "at": "1990-01-01"}).rows
            if r[2] in ("member", "founding member", "suspended")]
    assert points[-1] == f"1990-01-01={len(full)}" == "1990-01-01=16"


@pytest.mark.parametrize("path", ["/id/source/reuters-2023-06-14", "/id/event/NATO-SUMMIT-2022-MADRID",
                                  "/id/framework/ITPP", "/id/topic/CYBER-SECURITY", "/id/partnership/NZL-NATO-ITPP",
                                  "/queries", "/editor", "/align?a=NZL&b=AUS&from=2010&to=2012", "/"])
def test_every_kind_of_page_answers(base: str, path: str) -> None:
    status, _, body = get(base + path)
    assert status == 200 and b"<h1>" in body


def test_every_state_territory_and_organisation_page_answers(base: str, local) -> None:
    """Every page the search index links to, territories and a state whose code is also an
    organisation's (Namibia, NAM) among them, answers with its tables and no error in them."""
    from kg.web import WebApp

    entries = [e for e in WebApp(local).index().entries if e.kind in ("state", "org")]
    assert {"/id/state/COK", "/id/state/NAM", "/id/org/NAM"} <= {e.url for e in entries}
    failed = []
    for entry in entries:
        status, _, body = get(base + entry.url)
        if status != 200 or b"<h1>" not in body or b"unknown state" in body:
            failed.append((entry.url, status))
    assert failed == []
    _, _, body = get(base + "/id/state/COK")
    assert b"Pacific Islands Forum" in body  # a territory's memberships are on its page


def test_source_page_lists_the_facts_citing_it(base: str) -> None:
    page = get(f"{base}/id/source/reuters-2023-06-14")[2].decode()
    assert "NZL" in page and "ITPP" in page


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/id/state/XXZ", 404, "no state with the code XXZ"),
    ("/id/planet/MARS", 404, "no pages for planet"),
    ("/id/state/NZL?at=yesterday", 400, "as of: malformed date"),
    ("/queries/nope", 404, "no catalogue entry nope"),
    ("/queries/members.csv?org=NOPE", 400, "unknown org"),
    ("/static/../app.py", 404, "no file ../app.py"),
    ("/static/secret.py", 404, "no file secret.py"),
])
def test_bad_requests_get_one_readable_line(base: str, path: str, status: int, message: str) -> None:
    answer, _, body = get(base + path)
    assert answer == status
    assert message in body.decode()
    assert "Traceback" not in body.decode()


def test_catalogue_downloads_match_kg_query(base: str, local) -> None:
    result = run_query(local, "partnerships", {"state": "NZL", "at": "2024-04-05"})
    for ext, fmt in (("csv", "csv"), ("json", "json"), ("tsv", "tsv"), ("md", "markdown"), ("jsonl", "jsonl")):
        out = io.StringIO()
        annotations = {"coverage": [n.as_dict() for n in result.coverage]} if result.coverage else None
        write_rows(out, result.columns, result.rows, fmt, annotations=annotations)
        assert get(f"{base}/queries/partnerships.{ext}?state=NZL&at=2024-04-05")[2].decode() == out.getvalue(), ext


def test_the_form_asks_for_missing_parameters_and_keeps_the_permalink(base: str) -> None:
    page = get(f"{base}/queries/members?at=2000")[2].decode()
    assert "Give org." in page
    page = get(f"{base}/queries/members?org=NATO&at=2000")[2].decode()
    assert 'href="/queries/members?org=NATO&amp;at=2000" id="permalink"' in page
    assert "kg query members -p org NATO -p at 2000" in page


@pytest.mark.parametrize(("query", "message"), [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "refused: INSERT is an update"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "refused: SERVICE"),
    ("SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", "refused: FROM may name only graphs"),
])
def test_the_sparql_page_refuses_what_the_endpoint_refuses(base: str, query: str, message: str) -> None:
    page = get(f"{base}/editor", data=urllib.parse.urlencode({"query": query}).encode())[2].decode()
    assert message in page


def test_the_sparql_page_escapes_results_and_shows_error_positions(base: str) -> None:
    hostile = 'SELECT ?x WHERE { BIND("<script>window.kgPwned=1</script>" AS ?x) }'
    page = get(f"{base}/editor?query={q(hostile)}")[2].decode()
    assert "&lt;script&gt;window.kgPwned=1&lt;/script&gt;" in page
    assert "<script>window" not in page
    page = get(f"{base}/editor?query={q('SELECT ?x WHERE {' + chr(10) + '  ?x ?y ?z .' + chr(10) + '  FOO }')}")[2].decode()
    assert "Line 3, column 8:" in page and "<mark>  FOO }</mark>" in page
    assert "SPARQL syntax error at line 3, column 8" in page and "expected" in page
    csv_text = get(f"{base}/editor.csv?query={q('SELECT ?n WHERE { VALUES ?n { 1 2 } }')}")[2].decode()
    assert csv_text == "n\n1\n2\n"


def test_catalogue_examples_run_on_the_sparql_page(base: str) -> None:
    page = get(f"{base}/editor?example=members")[2].decode()
    assert "VALUES (?org ?at)" in page and "#+ " not in page
    page = get(f"{base}/editor?example=members&run=1")[2].decode()
    assert 'id="results"' in page and "/id/state/USA" in page
    # An entry whose answer a reducer computes: the example says so, and its rows are the query's.
    page = get(f"{base}/editor?example=top-shared-memberships&run=1")[2].decode()
    assert "computed from, in Python, by spells-in-force, top-pairs" in page
    assert 'id="results"' in page and "membershipSpells" in page and "/id/org/NATO" in page


def test_static_files_and_vis_network_are_served_here(base: str) -> None:
    status, headers, body = get(f"{base}/static/vis-network.min.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and len(body) > 100_000
    status, _, body = get(f"{base}/static/search.js")
    assert status == 200 and b"fetch(" in body and b"http" not in body.replace(b'"/search.json', b"")
    page = get(f"{base}/id/state/NZL")[2].decode()
    for tag in ('src="http', "href=\"http://fonts", "@import", "cdn"):
        assert tag not in page


def test_the_graph_page_is_the_kg_viz_page(base: str) -> None:
    status, headers, body = get(f"{base}/graph/state/NZL?at=2024-04-05")
    assert status == 200 and b'id="kg-data"' in body
    data = json.loads(body.decode().split('id="kg-data">')[1].split("</script>")[0])
    codes = {node["code"] for node in data["nodes"]}
    assert {"NZL", "NATO", "ANZUS"} <= codes or {"NZL", "NATO"} <= codes


@pytest.mark.parametrize("path", ["/id/event/NATO-SUMMIT-2022-MADRID", "/id/partnership/NZL-NATO-ITPP",
                                  "/id/partnership/AUS-NATO-IPCP"])
def test_the_sources_of_an_event_or_partnership_are_the_catalogue_answer(base: str, local, path: str) -> None:
    data = json.loads(get(f"{base}{path}.json")[2])
    result = run_query(local, "sources", {"subject": data["iri"]})
    expected = sorted(tuple(row) for row in result.rows)
    assert sorted(tuple(row.values()) for row in data["tables"]["sources"]) == expected
    assert len(expected) >= 2


def test_the_wsgi_entry_point_serves_kg_store(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import kg.web.wsgi as wsgi
    from kg.web.server import make_web_server

    monkeypatch.setenv("KG_STORE", str(store_dir))
    monkeypatch.setattr(wsgi, "_app", None)
    server = make_web_server(wsgi.application, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, _, body = get(f"http://127.0.0.1:{server.server_address[1]}/id/org/ANZUS")
        assert status == 200 and b"ANZUS" in body
    finally:
        server.shutdown()
        server.server_close()


def test_current_store_follows_a_rebuild(tmp_path: Path) -> None:
    from kg.build import build
    from kg.web.wsgi import current_store

    path = tmp_path / "store"
    build(str(path))
    current = current_store(resolve_location(str(path)))
    first = current()
    assert current() is first
    build(str(path))
    second = current()
    assert second is not first and second.generation != first.generation
    assert len(second) == len(open_store(resolve_location(str(path))))


@pytest.mark.parametrize("at", ["0001-01-01", "1900", "9999-12-31"])
def test_any_day_draws(base: str, at: str) -> None:
    for path in ("/id/state/NZL", "/id/org/NATO"):
        status, _, body = get(f"{base}{path}?at={at}")
        assert status == 200 and b"Traceback" not in body


def test_web_messages_carry_no_command_line_hints(base: str) -> None:
    page = get(f"{base}/editor?query={q('SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')}")[2].decode()
    assert "refused: SERVICE would open a network connection" in page and "--allow" not in page
