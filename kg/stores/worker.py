"""Evaluating a query with a deadline: in a forked child process that is killed at the deadline.

pyoxigraph has no query timeout and cannot stop an evaluation once started. So the query is
evaluated in a child process forked from this one (it shares the open store, copy-on-write,
and costs a few milliseconds); the child writes the results to a pipe in a standard syntax
(SPARQL results JSON for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE) and the parent
reads them until the deadline. At the deadline, or when the results grow beyond ``max_bytes``,
the parent kills the child (SIGKILL) and raises :class:`~kg.errors.QueryError`. The child
only evaluates and writes: it never touches Python locks, files or the terminal, and leaves
with ``os._exit``. If the parent is killed, the child ends at its own alarm (the deadline
plus two seconds) or at once (``PR_SET_PDEATHSIG``).

Unless the caller allows network access, the child first installs a seccomp filter on itself
(:mod:`kg.sandbox`) under which it cannot open an Internet socket: a ``SERVICE`` that slipped
past the text check fails inside the engine instead of calling out.

A process that ends after its query (``kg query``: :attr:`kg.stores.base.Store.one_shot`) spares
the fork for the packaged catalogue's queries: :func:`evaluate_in_thread` evaluates in a thread
that installs the same filter on itself (it holds for that thread and any it starts) and writes
the same bytes; at the deadline the evaluation, which cannot be stopped, is left to end with the
process. User text is always evaluated in the child, where an engine crash is an error and not
the end of the process.
"""

from __future__ import annotations

import io
import os
import select
import signal
import sys
import threading
import time
import warnings
from typing import IO

import pyoxigraph as ox

from kg import sandbox
from kg.errors import QueryError
from kg.stores.base import RawResults, timeout_message

__all__ = ["evaluate_in_child", "evaluate_in_thread"]

_CHUNK = 1 << 16


def _bound_lifetime(parent: int, timeout: float | None) -> None:
    """Make sure this child does not outlive its purpose when the parent is killed: an alarm
    (default action: terminate) two seconds after the deadline, and ``PR_SET_PDEATHSIG``
    (Linux; ``ctypes`` is loaded by :mod:`kg.sandbox` in the parent) so that the child dies with
    its parent."""
    if timeout is not None:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(timeout) + 2)
    ctypes = sys.modules.get("ctypes")
    if ctypes is not None:
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)
    faults = sys.modules.get("faulthandler")
    if faults is not None and faults.is_enabled():
        faults.disable()  # an engine crash is reported by the parent, in one line


def _write_results(engine: ox.Store, sparql: str, out: IO[bytes],
                   dataset: tuple[tuple[str, ...], tuple[str, ...]] | None) -> bytes | None:
    """Evaluate and write ``tag + data`` to ``out`` (the tag: ``S``, ``B``, ``G`` for results,
    ``X`` a syntax error, ``E`` an engine error); return an engine error met while the results
    were written (``out`` may already hold part of them), else ``None``."""
    try:
        if dataset is None:
            result = engine.query(sparql, use_default_graph_as_union=True)
        else:  # the SPARQL Protocol's default-graph-uri / named-graph-uri
            result = engine.query(sparql, default_graph=[ox.NamedNode(g) for g in dataset[0]],
                                  named_graphs=[ox.NamedNode(g) for g in dataset[1]])
    except SyntaxError as exc:
        out.write(b"X" + str(exc).encode())
        return None
    except Exception as exc:  # noqa: BLE001 - reported to the caller, which raises
        out.write(b"E" + str(exc).encode())
        return None
    try:
        if isinstance(result, ox.QueryTriples):
            out.write(b"G")
            result.serialize(out, ox.RdfFormat.N_TRIPLES)
        elif isinstance(result, ox.QueryBoolean):
            out.write(b"B")
            result.serialize(out, ox.QueryResultsFormat.JSON)
        else:
            out.write(b"S")
            result.serialize(out, ox.QueryResultsFormat.JSON)
    except (OSError, ValueError, RuntimeError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        return str(exc).encode(errors="replace")[:4000]
    return None


def _child(engine: ox.Store, sparql: str, fd: int, error_fd: int, parent: int,
           timeout: float | None, network: bool, dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None) -> None:
    """Evaluate and write ``tag + data`` to ``fd``; never returns. An engine error met while
    the results are written goes to ``error_fd`` (exit status 2): the results pipe may already
    hold part of them."""
    code = 0
    try:
        _bound_lifetime(parent, timeout)
        if not network:
            sandbox.install_network_guard()
        with os.fdopen(fd, "wb", buffering=_CHUNK) as out:
            failure = _write_results(engine, sparql, out, dataset)
            if failure is not None:
                os.write(error_fd, failure)
                code = 2
    except BaseException:  # noqa: BLE001 - a broken pipe (the parent gave up) or a failure
        code = code or 1
    finally:
        os._exit(code)


def _explain(message: str, network: bool) -> str:
    """The engine's message on one line, with the reason when the network guard refused a
    connection."""
    refused = None if network else sandbox.refused_by_guard(message)
    return refused or " ".join(message.split()).rstrip(":")


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def evaluate_in_child(
    engine: ox.Store,
    sparql: str,
    *,
    timeout: float | None,
    max_bytes: int | None = None,
    network: bool = False,
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> RawResults:
    """Evaluate ``sparql`` on ``engine`` (union default graph) in a forked child.

    The child cannot open network connections (:mod:`kg.sandbox`) unless ``network`` is true.
    ``dataset`` (default graphs, named graphs) replaces the union default graph.

    Raises
    ------
    QueryError
        At the deadline ("query stopped after N s (--timeout)"), when the results are larger
        than ``max_bytes``, or when the child fails.
    SyntaxError
        The query does not parse (the engine's message).
    OSError
        The engine failed while evaluating.
    """
    read_fd, write_fd = os.pipe()
    error_read, error_write = os.pipe()
    parent = os.getpid()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads (RocksDB keeps idle
        # ones); the child touches only the engine and the pipe.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child leaves through os._exit
        os.close(read_fd)
        os.close(error_read)
        _child(engine, sparql, write_fd, error_write, parent, timeout, network, dataset)
    os.close(write_fd)
    os.close(error_write)
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    finished = False
    try:
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and wait is not None and wait <= 0:
                raise QueryError(timeout_message(timeout))
            ready, _, _ = select.select([read_fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(read_fd, _CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise QueryError(f"result too large: more than {max_bytes} bytes (--max-bytes)")
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        finished = True
    finally:
        os.close(read_fd)
        if not finished:
            _stop(pid)
        try:
            failure = os.read(error_read, 4096) if finished else b""
        finally:
            os.close(error_read)
    return _results(b"".join(chunks), failure, network, finished=os.waitstatus_to_exitcode(status) == 0)


def _results(data: bytes, failure: bytes | None, network: bool, *, finished: bool) -> RawResults:
    """The results that :func:`_write_results` wrote (``data``, and the ``failure`` it met), or
    the error they say; ``finished``: whether the evaluation ended normally."""
    tag, body = data[:1], data[1:]
    if tag == b"X":
        raise SyntaxError(body.decode(errors="replace"))
    if tag == b"E" or failure:
        raise OSError(_explain((body if tag == b"E" else failure or b"").decode(errors="replace"), network))
    if not finished or tag not in (b"S", b"B", b"G"):
        raise QueryError("the query worker failed before it finished its results")
    if tag == b"G":
        return RawResults(body, ox.RdfFormat.N_TRIPLES)
    return RawResults(body, ox.QueryResultsFormat.JSON)


def evaluate_in_thread(
    engine: ox.Store,
    sparql: str,
    *,
    timeout: float | None,
    network: bool = False,
) -> RawResults:
    """Evaluate ``sparql`` on ``engine`` (union default graph) in a thread of this process, for a
    process that ends after its query (:attr:`kg.stores.base.Store.one_shot`): no fork, the same
    results and errors as :func:`evaluate_in_child`.

    The thread cannot open network connections (:func:`kg.sandbox.install_network_guard`, which
    holds for the thread that installs it) unless ``network`` is true. At the deadline
    :class:`QueryError` is raised ("query stopped after N s (--timeout)") and the evaluation,
    which cannot be stopped, goes on in its (daemon) thread until the process ends.
    """
    outcome: list[tuple[bytes, bytes | None, bool]] = []

    def run() -> None:
        out = io.BytesIO()
        failure: bytes | None = None
        finished = False
        try:
            if not network:
                sandbox.install_network_guard()
            failure = _write_results(engine, sparql, out, None)
            finished = True
        except BaseException:  # noqa: BLE001 - an engine panic: the worker's failure, reported below
            pass
        outcome.append((out.getvalue(), failure, finished))

    thread = threading.Thread(target=run, name="kg-query", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        assert timeout is not None  # without one, join() returns when the thread has ended
        raise QueryError(timeout_message(timeout))
    data, failure, finished = outcome[0]
    return _results(data, failure, network, finished=finished)
