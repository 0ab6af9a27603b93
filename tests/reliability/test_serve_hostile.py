"""`kg serve` against hostile clients, over real sockets on 127.0.0.1: foreign Host and Origin
headers, ambiguous framing (negative, malformed or duplicate Content-Length, Transfer-Encoding,
a body on a GET), bodies that are not UTF-8, clients that go away or hold connections open, more
queries than workers, a store that disappears, answers that XML cannot carry, and --max-bytes to
the byte. Every case is a proper HTTP answer (or a closed connection), never a traceback."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.serve import ServeOptions, make_server
from kg.store import StoreLocation
from reliability.support import KG

pytestmark = pytest.mark.reliability

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextlib.contextmanager
def serving(store: Path, **options) -> Iterator[tuple[int, list[str]]]:
    """An in-process `kg serve` on a free loopback port; yields the port and its log lines."""
    log: list[str] = []
    server = make_server(StoreLocation("directory", path=store), port=0,
                         options=ServeOptions(**options), log=log.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], log
    finally:
        server.shutdown()
        server.server_close()


def exchange(port: int, raw: bytes, *, wait: float = 10.0) -> bytes:
    """Send ``raw`` and read until the server closes the connection (or ``wait`` passes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(raw)
        received = b""
        deadline = time.monotonic() + wait
        with contextlib.suppress(OSError):
            while time.monotonic() < deadline:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
        return received


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else 0


def post(port: int, query: str, *, headers: str = "", host: str | None = None) -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    host = f"127.0.0.1:{port}" if host is None else host
    return exchange(port, (f"POST /query HTTP/1.1\r\nHost: {host}\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
                           f"{headers}Content-Length: {len(body)}\r\n\r\n").encode() + body)


ASK = "ASK {}"


@pytest.fixture(scope="module")
def port(store_dir: Path) -> Iterator[int]:
    with serving(store_dir, timeout=5, connection_timeout=2) as (number, _):
        yield number


# -- Host and Origin ------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "status"), [
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("[::1]:{port}", 200), ("10.1.2.3", 200),
    ("evil.example", 403), ("evil.example:{port}", 403), ("localhost.evil.example", 403),
    ("127.0.0.1:x", 403), ("", 403),
])
def test_the_host_header_must_name_this_server(host: str, status: int, port: int):
    assert status_of(post(port, ASK, host=host.format(port=port))) == status


def test_a_missing_or_doubled_host_header_is_refused(port: int):
    assert status_of(exchange(port, b"GET /query?query=ASK%7B%7D HTTP/1.0\r\n\r\n")) == 403
    doubled = f"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"
    assert status_of(exchange(port, doubled.encode())) == 403


def test_allow_host_serves_under_a_name(store_dir: Path):
    with serving(store_dir, allowed_hosts=("kg.internal",)) as (number, _):
        assert status_of(post(number, ASK, host=f"kg.internal:{number}")) == 200
        assert status_of(post(number, ASK, host="other.internal")) == 403


@pytest.mark.parametrize(("origin", "status"), [
    ("http://evil.example", 403), ("null", 403), ("https://127.0.0.1:{port}", 403),
    ("http://127.0.0.1:1", 403), ("http://127.0.0.1:{port}", 200),
])
def test_cross_origin_requests_are_refused(origin: str, status: int, port: int):
    """A no-cors form POST from any web page carries its Origin: refused before the query runs."""
    answer = post(port, ASK, headers=f"Origin: {origin.format(port=port)}\r\n")
    assert status_of(answer) == status, answer


def test_a_cross_site_fetch_without_origin_is_refused(port: int):
    assert status_of(post(port, ASK, headers="Sec-Fetch-Site: cross-site\r\n")) == 403
    assert status_of(post(port, ASK, headers="Sec-Fetch-Site: same-origin\r\n")) == 200


def test_allow_origin(store_dir: Path):
    with serving(store_dir, allowed_origins=("http://localhost:3000",)) as (number, _):
        assert status_of(post(number, ASK, headers="Origin: http://localhost:3000\r\n")) == 200


# -- framing --------------------------------------------------------------------------------

SMUGGLED = b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.mark.parametrize(("headers", "body", "status"), [
    ("Content-Length: -1\r\n", b"", 400),
    ("Content-Length: 1e3\r\n", b"", 400),
    ("Content-Length: +12\r\n", b"", 400),
    ("Content-Length: 99999999999999999999999\r\n", b"", 400),
    ("Content-Length: 12\r\nContent-Length: 12\r\n", b"query=ASK%7B", 400),
    ("Content-Length: 12\r\nContent-Length: 0\r\n", b"query=ASK%7B", 400),
    ("Transfer-Encoding: chunked\r\n", b"c\r\nquery=ASK%7B\r\n0\r\n\r\n", 501),
    ("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", b"0\r\n\r\n", 501),
    ("", b"", 411),
    ("Content-Length: 50000000\r\n", b"", 413),
])
def test_ambiguous_framing_is_refused_and_nothing_hides_in_the_body(headers: str, body: bytes,
                                                                  status: int, port: int):
    raw = (f"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
           f"Content-Type: application/x-www-form-urlencoded\r\n{headers}\r\n").encode() + body + SMUGGLED
    answer = exchange(port, raw)
    assert status_of(answer) == status, answer
    assert answer.count(b"HTTP/1.1 ") == 1, answer  # the connection closed: no second answer


def test_a_get_with_a_body_is_refused(port: int):
    raw = (f"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: "
           f"{len(SMUGGLED)}\r\n\r\n").encode() + SMUGGLED
    answer = exchange(port, raw)
    assert status_of(answer) == 400 and answer.count(b"HTTP/1.1 ") == 1, answer


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/sparql-query", b"ASK { FILTER(\"\xff\xfe\" = \"\") }"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D\xff"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20FILTER(%22%FF%22)%20%7D"),
])
def test_a_body_that_is_not_utf8_is_400(content_type: str, body: bytes, port: int):
    raw = (f"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    answer = exchange(port, raw)
    assert status_of(answer) == 400 and b"not UTF-8" in answer, answer


def test_a_query_string_that_is_not_utf8_is_400(port: int):
    answer = exchange(port, f"GET /query?query=ASK%7B%FF%7D HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                            "Connection: close\r\n\r\n".encode())
    assert status_of(answer) == 400, answer


# -- clients that go away or stay -----------------------------------------------------------


def test_a_client_that_goes_away_leaves_no_traceback(store_dir: Path):
    with serving(store_dir, timeout=5) as (number, log):
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", number)) as connection:
                connection.sendall(f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                   "application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK".encode())
            with socket.create_connection(("127.0.0.1", number)) as connection:
                body = urllib.parse.quote(SLOW)
                connection.sendall(f"GET /query?query={body} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        time.sleep(0.5)
        assert status_of(post(number, ASK)) == 200
    assert not any("Traceback" in line for line in log)


def test_idle_connections_are_bounded_and_timed_out(store_dir: Path):
    with serving(store_dir, connection_timeout=1, max_connections=20) as (number, log):
        idle = [socket.create_connection(("127.0.0.1", number)) for _ in range(20)]
        time.sleep(0.3)
        refused = post(number, ASK)
        assert status_of(refused) == 503 and b"too many connections" in refused, refused
        time.sleep(1.5)  # the idle ones time out and are closed by the server
        for connection in idle:
            connection.settimeout(2)
            assert connection.recv(100) in (b"",) or connection.recv(100) == b""
            connection.close()
        assert status_of(post(number, ASK)) == 200


def test_queued_queries_are_bounded(store_dir: Path):
    with serving(store_dir, timeout=4, workers=1, queue=1) as (number, _):
        slow = [threading.Thread(target=post, args=(number, SLOW)) for _ in range(2)]
        for thread in slow:
            thread.start()
        time.sleep(1.0)  # one runs, one waits
        started = time.monotonic()
        answer = post(number, ASK)
        assert status_of(answer) == 503 and b"busy" in answer, answer
        assert time.monotonic() - started < 1.0
        for thread in slow:
            thread.join()
        assert status_of(post(number, ASK)) == 200


def test_a_store_that_disappears_is_503(store_dir: Path, tmp_path: Path):
    store = tmp_path / "store"
    shutil.copytree(store_dir, store, symlinks=True)
    with serving(store) as (number, log):
        assert status_of(post(number, ASK)) == 200
        shutil.rmtree(store)
        answer = post(number, ASK)
        assert status_of(answer) == 503 and b"the store cannot be read" in answer, answer
    assert not any("Traceback" in line for line in log)


# -- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "accept"), [
    ('SELECT ("a\\u0001b" AS ?x) {}', "application/sparql-results+xml"),
    ('SELECT ("\\uFFFE" AS ?x) {}', "application/sparql-results+xml"),
    ('CONSTRUCT { <http://a/s> <http://a/p> "a\\u0008b" } WHERE {}', "application/rdf+xml"),
    ('CONSTRUCT { <http://a/s> <http://a/1> "x" } WHERE {}', "application/rdf+xml"),
])
def test_xml_answers_are_well_formed_or_refused(query: str, accept: str, port: int):
    answer = post(port, query, headers=f"Accept: {accept}\r\n")
    assert status_of(answer) == 406, answer
    assert status_of(post(port, query, headers="Accept: application/json, text/turtle\r\n")) == 200


def test_max_bytes_is_exact_in_every_format(store_dir: Path):
    limit = 3000
    formats = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
               "text/tab-separated-values"]
    seen = {200: 0, 500: 0}
    with serving(store_dir, max_bytes=limit) as (number, _):
        for rows in range(5, 120, 7):
            values = " ".join(f'"{"x" * (i % 13)}-{i}"' for i in range(rows))
            query = f"SELECT ?v WHERE {{ VALUES ?v {{ {values} }} }}"
            for accept in formats:
                answer = post(number, query, headers=f"Accept: {accept}\r\n")
                status = status_of(answer)
                assert status in (200, 500), answer
                seen[status] += 1
                body = answer.split(b"\r\n\r\n", 1)[1]
                if status == 200:
                    assert len(body) <= limit, (rows, accept, len(body))
                else:
                    assert b"result too large" in body
    assert seen[200] >= 10 and seen[500] >= 10, seen


def test_a_non_loopback_bind_warns_in_one_line(store_dir: Path):
    process = subprocess.Popen([KG, "serve", "--store", str(store_dir), "--host", "0.0.0.0", "--port", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        first, second = process.stderr.readline(), process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "serving" in first
    assert second.startswith("kg: warning: listening on 0.0.0.0, not on loopback"), second


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_request_that_drips_is_closed_at_the_request_timeout(part: str, store_dir: Path):
    """One byte every 0.3 s: each within the 5 s socket timeout, the whole beyond 2 s."""
    with serving(store_dir, connection_timeout=5, request_timeout=2) as (number, log):
        body = urllib.parse.urlencode({"query": ASK}).encode()
        head = (f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nX-Padding: {'p' * 40}\r\n\r\n").encode()
        drip, prefix = (head, b"") if part == "headers" else (body, head)
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", number), timeout=10) as connection:
            connection.sendall(prefix)
            closed = False
            for byte in drip:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.3)
                if time.monotonic() - started > 8:
                    break
            if not closed:
                connection.settimeout(3)
                try:
                    closed = connection.recv(1000) == b""  # closed without an answer
                except OSError:
                    closed = True  # reset
        elapsed = time.monotonic() - started
        assert closed
        assert elapsed < 6, elapsed
        assert status_of(post(number, ASK)) == 200  # the server is fine
    assert any("not received within 2 s" in line for line in log), log
