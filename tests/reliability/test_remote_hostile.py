"""Remote stores against a SPARQL endpoint that misbehaves: a real server on 127.0.0.1 that
redirects elsewhere, drips its headers or its body, cuts its answer, sends garbage or far too
much, or echoes the password. Every case ends in one line, within the deadline, with the
credentials nowhere in the output."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from kg.errors import KgError, StoreError
from kg.stores.remote import RemoteStore
from kg.store import resolve_location
from reliability.support import KG, Listener, one_error_line

pytestmark = pytest.mark.reliability

PASSWORD = "s3cret-Pa55"
GRAPHS = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [
    {"g": {"type": "uri", "value": "https://w3id.org/alignment-kg/graph/curated"}}]}}).encode()


class Hostile:
    """A TCP server on 127.0.0.1 that answers every HTTP request as ``mode`` says."""

    def __init__(self, mode: str, target: str = "") -> None:
        self.mode = mode
        self.target = target
        self.requests: list[bytes] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/query"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            try:
                request = connection.recv(65536)
                self.requests.append(request)
                self._reply(connection, request)
            except OSError:
                pass

    def _reply(self, out: socket.socket, request: bytes) -> None:
        def head(status: str, media: str, extra: str = "") -> bytes:
            return f"HTTP/1.1 {status}\r\nContent-Type: {media}\r\n{extra}".encode()

        json_type = "application/sparql-results+json"
        mode = self.mode
        if mode == "redirect":
            out.sendall(head("302 Found", "text/plain", f"Location: {self.target}\r\nContent-Length: 0\r\n\r\n"))
        elif mode == "drip-body":
            out.sendall(head("200 OK", json_type, "\r\n"))
            while not self._stop.is_set():
                out.sendall(b" ")
                time.sleep(0.2)
        elif mode == "drip-headers":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                if self._stop.is_set():
                    return
                out.sendall(bytes([byte]))
                time.sleep(0.2)
        elif mode == "cut":
            out.sendall(head("200 OK", json_type, "Content-Length: 1000\r\n\r\n") + GRAPHS[:40])
        elif mode == "cut-unframed":
            out.sendall(head("200 OK", json_type, "Connection: close\r\n\r\n") + GRAPHS[:40])
        elif mode == "garbage":
            body = b'{"head": {"vars": ["g"]}, "results": {"bindings": [{"g": 17}]}}'
            out.sendall(head("200 OK", json_type, f"Content-Length: {len(body)}\r\n\r\n") + body)
        elif mode == "huge":
            out.sendall(head("200 OK", json_type, "Connection: close\r\n\r\n")
                        + b'{"head": {"vars": ["g"]}, "results": {"bindings": [')
            row = b'{"g": {"type": "literal", "value": "' + b"x" * 1000 + b'"}},'
            for _ in range(200_000):  # 200 MB if nobody stops reading
                if self._stop.is_set():
                    return
                out.sendall(row * 64)
        elif mode == "echo":
            body = b"bad request: " + request[:2000]
            out.sendall(head("500 Internal Server Error", "text/plain",
                             f"Content-Length: {len(body)}\r\n\r\n") + body)

    def close(self) -> None:
        self._stop.set()
        self._socket.close()


@pytest.fixture
def hostile(request) -> Iterator[Hostile]:
    server = Hostile(request.param)
    yield server
    server.close()


def kg_query(url: str, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run([KG, "query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--store", url, *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**__import__("os").environ, **env})
    return done, time.monotonic() - started


def test_a_redirect_is_not_followed_and_the_credentials_stay(listener: Listener):
    server = Hostile("redirect", target=f"{listener.url}steal")
    try:
        done, _ = kg_query(server.url, KG_USER="kg", KG_PASSWORD=PASSWORD)
    finally:
        server.close()
    line = one_error_line(done.stderr)
    assert done.returncode == 1
    assert "redirected the query (HTTP 302)" in line and "does not follow redirects" in line, line
    assert listener.accepted == []
    assert PASSWORD not in done.stdout + done.stderr


@pytest.mark.parametrize("hostile", ["drip-body", "drip-headers"], indirect=True)
def test_a_dripping_endpoint_is_stopped_at_the_timeout(hostile: Hostile):
    done, elapsed = kg_query(hostile.url, "--timeout", "2")
    assert done.returncode == 1
    assert one_error_line(done.stderr) == "kg: error: query stopped after 2 s (--timeout)"
    assert elapsed < 6, elapsed


@pytest.mark.parametrize("hostile", ["cut", "cut-unframed", "garbage"], indirect=True)
def test_a_cut_or_malformed_answer_is_one_line_that_blames_the_endpoint(hostile: Hostile):
    done, _ = kg_query(hostile.url, "--timeout", "10")
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert "syntax" not in line.lower(), line
    assert f"127.0.0.1:{hostile.port}" in line, line
    assert "broke the connection" in line or "sent a malformed answer" in line, line


@pytest.mark.parametrize("hostile", ["huge"], indirect=True)
def test_a_huge_answer_is_refused_early_and_in_bounded_memory(hostile: Hostile):
    store = RemoteStore(resolve_location(hostile.url))
    store.max_answer = 2_000_000
    started = time.monotonic()
    with pytest.raises(StoreError, match="larger than 2000000 bytes"):
        store.graph_iris()
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("hostile", ["echo"], indirect=True)
def test_credentials_are_never_printed(hostile: Hostile):
    url = hostile.url.replace("http://", f"http://kg:{PASSWORD}@")
    done, _ = kg_query(url)
    line = one_error_line(done.stderr)
    assert PASSWORD not in done.stderr and PASSWORD not in done.stdout, line
    assert f"http://127.0.0.1:{hostile.port}/query" in line
    # The credentials in the URL were used (as basic authentication), not sent in the URL.
    assert any(b"Authorization: Basic " in request for request in hostile.requests)
    done, _ = kg_query(hostile.url, KG_USER="kg", KG_PASSWORD=PASSWORD)
    secret = base64.b64encode(f"kg:{PASSWORD}".encode()).decode()
    assert any(secret.encode() in request for request in hostile.requests)  # echoed back
    assert PASSWORD not in done.stderr and secret not in done.stderr, done.stderr
    one_error_line(done.stderr)


def test_the_python_api_has_the_same_deadline():
    server = Hostile("drip-body")
    try:
        store = RemoteStore(resolve_location(server.url))
        started = time.monotonic()
        with pytest.raises(KgError, match="stopped after 1 s"):
            store.evaluate("ASK {}", timeout=1)
        assert time.monotonic() - started < 4
        store.patience = 1.5  # requests without a timeout of their own
        with pytest.raises(StoreError, match="did not answer the query within 1.5 s"):
            store.graph_iris()
    finally:
        server.close()
