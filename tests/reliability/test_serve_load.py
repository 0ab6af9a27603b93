"""`kg serve` under load: 200 concurrent clients on loopback for 30 s (a bounded test that stops by
itself): no request fails, every update is refused, the server's memory does not grow beyond a
stated bound, and no worker process is left behind."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from servers import stop

from reliability.support import KG, content

pytestmark = [pytest.mark.reliability, pytest.mark.server]

CLIENTS = 200
SECONDS = 30.0
#: Growth of the server's resident memory over the run, after a warm-up: well above what threads
#: and caches need, far below what a leak of one response per request (thousands) would take.
RSS_GROWTH_BOUND_MB = 64
NZL = "https://w3id.org/alignment-kg/id/state/NZL"
QUERIES = [
    f'SELECT ?label WHERE {{ <{NZL}> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = "en") }}',
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/alignment-kg/ontology#State> }",
    f"ASK {{ <{NZL}> a <https://w3id.org/alignment-kg/ontology#State> }}",
]
UPDATE = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
#: Pages of the web application (kg.web) in the mix: entity pages, a form's answer, a search.
PAGES = ["/id/state/NZL", "/id/org/NATO", "/id/state/USA?at=1990-01-01", "/queries/members?org=NATO",
         "/search.json?q=new", "/id/source/reuters-2023-06-14", "/"]


def status_of(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def rss_mb(pid: int) -> float:
    return int(status_of(pid)["VmRSS"].split()[0]) / 1024


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def ask(base: str, index: int) -> tuple[str, bytes]:
    """One request of client ``index``: mostly queries, one in ten an update (to be refused), one
    in ten a web page."""
    if index % 10 == 5:
        request = urllib.request.Request(f"{base}{PAGES[index // 10 % len(PAGES)]}")
        kind = "page"
    elif index % 10 == 0:
        request = urllib.request.Request(f"{base}/update", data=UPDATE,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        kind = "update"
    else:
        query = QUERIES[index % len(QUERIES)]
        request = urllib.request.Request(f"{base}/query?{urllib.parse.urlencode({'query': query})}",
                                         headers={"Accept": "application/sparql-results+json"})
        kind = "query"
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return f"{kind} {response.status}", response.read()
    except urllib.error.HTTPError as error:
        return f"{kind} {error.code}", error.read()


@contextmanager
def serving(store: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`kg serve` on a free loopback port, its log (one line per request) going to a file, as a
    long-running server's would; yields the base URL and the server's pid."""
    with open(log, "w") as handle:
        process = subprocess.Popen([KG, "serve", "--store", str(store), "--port", "0", "--timeout", "60"],
                                   stdout=subprocess.DEVNULL, stderr=handle)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"at (http://127\.0\.0\.1:\d+)/query", log.read_text())
            if match:
                break
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        else:
            raise AssertionError(f"kg serve did not start: {log.read_text()}")
        yield match.group(1), process.pid
    finally:
        stop(process)


def test_200_clients_for_30_seconds(store_dir: Path, tmp_path: Path):
    before_content = content(store_dir)
    from kg.store import open_store

    states = next(iter(open_store(str(store_dir)).query(QUERIES[1])))["n"].value
    with serving(store_dir, tmp_path / "serve.log") as (base, pid):
        for index in range(60):  # warm-up: caches, the store, thread machinery
            ask(base, index)
        rss_before = rss_mb(pid)
        outcomes: Counter = Counter()
        failures: list[str] = []
        unexpected: list[str] = []
        answers: dict[int, set] = {}
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def client(number: int) -> None:
            index = number
            while time.monotonic() < deadline:
                try:
                    outcome, body = ask(base, index)
                except Exception as error:  # noqa: BLE001 - every failure is counted
                    with lock:
                        failures.append(f"client {number}: {error!r}")
                    return
                with lock:
                    outcomes[outcome] += 1
                    if outcome not in ("query 200", "update 403", "page 200"):
                        unexpected.append(f"{outcome}: {body[:200]!r}")
                    if outcome == "query 200":
                        answers.setdefault(index % len(QUERIES), set()).add(body)
                index += CLIENTS

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 150)
        elapsed = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads), "clients still waiting"
        time.sleep(1)
        rss_after = rss_mb(pid)
        left = children(pid)
        threads_after = int(status_of(pid)["Threads"])

    assert failures == []
    assert set(outcomes) == {"query 200", "update 403", "page 200"}, (outcomes, unexpected[:5])
    assert outcomes["query 200"] >= CLIENTS and outcomes["update 403"] >= CLIENTS // 10
    # The same query always gets the same answer.
    assert all(len(bodies) == 1 for bodies in answers.values()), {k: len(v) for k, v in answers.items()}
    assert json.loads(next(iter(answers[1])))["results"]["bindings"][0]["n"]["value"] == states
    assert rss_after - rss_before < RSS_GROWTH_BOUND_MB, (rss_before, rss_after)
    assert left == [], "worker processes left behind"
    assert threads_after < 20, threads_after
    assert elapsed < SECONDS + 150
    assert content(store_dir) == before_content
    print(f"\n{sum(outcomes.values())} requests in {elapsed:.1f} s ({dict(outcomes)}); "
          f"RSS {rss_before:.1f} -> {rss_after:.1f} MB")
