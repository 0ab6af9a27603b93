"""A process that ends after its query (``kg query``: ``Store.one_shot``) evaluates a catalogue
entry's query in a thread instead of a forked child: the thread is denied the network as the
child is, and the deadline still stops the command (the evaluation is left to the process's end).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import sandbox
from kg.api import open_store
from kg.errors import QueryError
from kg.stores.worker import evaluate_in_thread
from reliability.support import Listener

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(not sandbox.guard_available(), reason="no seccomp filter on this system"),
]

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_thread_is_denied_the_network_as_the_child_is(store_dir: Path, listener: Listener):
    store = open_store(str(store_dir))
    store.one_shot = True
    try:
        with pytest.raises(OSError, match="may not open network connections"):
            store.query(f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}", timeout=20)
        assert listener.accepted == []
        # The same text connects when the thread is allowed the network: the check above could fail.
        with pytest.raises(OSError):
            evaluate_in_thread(store.engine, f"SELECT * WHERE {{ SERVICE <{listener.url}allowed> {{ ?s ?p ?o }} }}",
                               timeout=20, network=True)
        assert len(listener.accepted) == 1 and b"/allowed" in listener.accepted[0]
    finally:
        store.close()


def test_the_same_answers_as_the_child(store_dir: Path):
    store = open_store(str(store_dir))
    try:
        texts = ["SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
                 "ASK { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"]
        for text in texts:
            child = store.evaluate(text, timeout=20)
            thread = evaluate_in_thread(store.engine, text, timeout=20)
            assert (thread.data, thread.format) == (child.data, child.format), text
        for wrong in ("SELECT WHERE {", "SELECT * WHERE { ?s ?p ?o FILTER(?x ?y) }"):
            with pytest.raises(SyntaxError) as from_child:
                store.evaluate(wrong, timeout=20)
            with pytest.raises(SyntaxError) as from_thread:
                evaluate_in_thread(store.engine, wrong, timeout=20)
            assert str(from_thread.value) == str(from_child.value)
    finally:
        store.close()


def test_the_deadline_stops_the_process(store_dir: Path):
    """In a process of its own: the evaluation left behind runs until that process ends."""
    script = (
        "import sys\n"
        "from kg.api import open_store\n"
        "from kg.errors import QueryError\n"
        f"store = open_store({str(store_dir)!r})\n"
        "store.one_shot = True\n"
        "try:\n"
        f"    store.query({SLOW!r}, timeout=1)\n"
        "except QueryError as error:\n"
        "    print(error)\n"
        "    sys.exit(3)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    elapsed = time.monotonic() - started
    assert (done.returncode, done.stdout.strip(), done.stderr) == (3, "query stopped after 1 s (--timeout)", "")
    assert elapsed < 8, elapsed


def test_kg_query_stops_a_catalogue_entry_at_its_deadline_with_one_line(store_dir: Path, tmp_path: Path):
    """A slow entry added to the catalogue (so evaluated as the packaged ones are, in the thread):
    the command fails at its deadline with its one line and exit status, and the process ends."""
    entry = tmp_path / "slow.rq"
    entry.write_text(f"#+ summary: slow\n{SLOW}\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kg.catalogue import catalogue, parse_entry\n"
        "from kg.cli import main\n"
        f"path = Path({str(entry)!r})\n"
        "catalogue()['slow'] = parse_entry(path.read_text(encoding='utf-8'), name='slow', path=path)\n"
        f"main(['query', 'slow', '--timeout', '1', '--store', {str(store_dir)!r}])\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    elapsed = time.monotonic() - started
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "kg: error: query stopped after 1 s (--timeout)\n")
    assert elapsed < 8, elapsed


def test_without_one_shot_the_deadline_still_forks(store_dir: Path):
    store = open_store(str(store_dir))
    try:
        assert not store.one_shot
        started = time.monotonic()
        with pytest.raises(QueryError, match="query stopped after 1 s"):
            store.query(SLOW, timeout=1)
        assert time.monotonic() - started < 8
    finally:
        store.close()


@pytest.mark.parametrize(("args", "forks"), [(["members", "-p", "org", "NATO"], 0),
                                             (["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"], 1)])
def test_kg_query_forks_for_user_text_only(store_dir: Path, args: list[str], forks: int):
    """Counted by the interpreter's own fork hook, in a process of its own."""
    script = (
        "import os, sys\n"
        "from kg.cli import main\n"
        "os.register_at_fork(before=lambda: os.write(2, b'FORK\\n'))\n"
        f"sys.argv = {['kg', 'query', *args, '--store', str(store_dir), '--format', 'csv']!r}\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("FORK") == forks, done.stderr
