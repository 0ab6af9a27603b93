"""Real servers for the tests: the Oxigraph server (pip package ``oxigraph``), ``kg serve`` and
Virtuoso, each on a free loopback port, stopped afterwards. No mocks."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _die_with_the_tests() -> None:
    """In a server's process, before exec: be killed when the test process dies (Linux), so
    that a test run stopped from outside leaves no server behind."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode}) before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers, if only with an error
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} after {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if found is None:
        pytest.skip("the Oxigraph server is not installed (pip package 'oxigraph', in the test extra)")
    return found


@contextmanager
def oxigraph_server(location: Path, *extra: str) -> Iterator[str]:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``; yields the query URL."""
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}", *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=_die_with_the_tests)  # noqa: PLW1509 - the tests start servers from one thread
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        stop(process)


@contextmanager
def kg_serve(store: str | Path, *extra: str) -> Iterator[str]:
    """``kg serve --store STORE --port 0 ...``; yields the base URL (``http://127.0.0.1:PORT``)."""
    process = subprocess.Popen([str(BIN / "kg"), "serve", "--store", str(store), "--port", "0", *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=_die_with_the_tests)  # noqa: PLW1509 - the tests start servers from one thread
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/query", line)
        if match is None:
            raise RuntimeError(f"kg serve did not start: {line}{process.stderr.read()}")
        yield match.group(1)
    finally:
        stop(process)


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
ServerThreads = 40
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M
DirsAllowed = ., {dir}
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = 40
MaxClientConnections = 40
MaxKeepAlives = 0
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
"""


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[tuple[str, int]]:
    """A Virtuoso server of its own (``virtuoso-t``, Debian ``virtuoso-opensource``) on loopback
    ports; yields its HTTP base URL and isql port."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource)")
    directory.mkdir(parents=True, exist_ok=True)
    isql, http = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=directory, isql=isql, http=http))
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(directory / "virtuoso.ini")],
                               cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, preexec_fn=_die_with_the_tests)  # noqa: PLW1509 - the tests start servers from one thread
    try:
        wait_for(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", process, seconds=120)
        yield f"http://127.0.0.1:{http}", isql
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
