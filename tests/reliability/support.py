"""What the reliability tests share: running `kg`, the content of a store, a loopback listener."""

from __future__ import annotations

import csv
import hashlib
import os
import socket
import subprocess
import threading
from pathlib import Path

from servers import BIN

from kg.rdfio import sorted_ntriples
from kg.store import open_store

KG = str(BIN / "kg")


def kg(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    """Run the installed ``kg`` command in its own process."""
    return subprocess.run(check=False, args=[KG, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env})


def one_error_line(stderr: str) -> str:
    """The one line a failed command prints; fails the test on a traceback or several lines."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("kg: error: "), stderr
    return lines[0]


def content(path: Path) -> str:
    """A digest of everything a directory store holds: every named graph with its triples (blank
    nodes labelled canonically, so two builds of the same data agree) and the metadata graphs."""
    store = open_store(str(path))
    try:
        digest = hashlib.sha256()
        for graph, count in store.named_graphs():
            digest.update(f"{graph} {count}\n".encode())
        for graph, lines in sorted_ntriples(store, union=False):
            digest.update(graph.encode() + b"\n" + "\n".join(lines).encode() + b"\n")
        return digest.hexdigest()
    finally:
        store.close()


def generations(path: Path) -> list[str]:
    return sorted(p.name for p in path.glob("gen-*") if p.is_dir())


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a bare \r too
        writer.writerow(header)
        writer.writerows(rows)
    return path


def extra_tables(directory: Path, variant: str, size: int = 40) -> Path:
    """A small extra table directory (``kg build --data``): ``size`` organisations whose names
    carry ``variant``, each with NZL as a member, from one source."""
    write_csv(directory / "sources.csv", ["id", "kind", "publisher", "title"],
              [["rel-src", "reference", "Reliability tests", f"Variant {variant}"]])
    write_csv(directory / "organizations.csv", ["code", "name", "kind", "source"],
              [[f"XREL{i}", f"Organisation {i}, variant {variant}", "forum", "rel-src"] for i in range(size)])
    write_csv(directory / "memberships.csv", ["org", "member", "role", "start", "source"],
              [[f"XREL{i}", "NZL", "member", "2001", "rel-src"] for i in range(size)])
    return directory


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection it accepts (and answers 503)."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.accepted: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    request = connection.recv(4096)
                except OSError:
                    request = b""
                self.accepted.append(request)
                try:
                    connection.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                       b"Connection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        try:
            self._socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self._socket.close()
        self._thread.join(timeout=5)
