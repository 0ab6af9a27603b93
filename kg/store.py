"""Stores: where the graph lives. Only this module (and :mod:`kg.remote`) knows the engine.

Three kinds of location (``--store``, env ``KG_STORE``; see ``docs/stores.md``):

- a directory: an embedded, persistent Oxigraph store. The directory holds generations
  (``gen-000001/``, ...), each a complete Oxigraph store, and a ``current`` symbolic link to
  the live one. Every write makes a new generation (a RocksDB checkpoint of the live one, made
  of hard links, then the change) and swaps the link atomically, so a reader never opens a
  directory that is being written and a failed or killed write leaves the previous generation
  live. Readers hold a shared lock on their generation, so that it is not removed under them;
- ``memory``: an in-process Oxigraph store, built from the packaged data on each run;
- an ``http://`` or ``https://`` URL: a SPARQL 1.1 query endpoint (:mod:`kg.remote`);
- nothing: a per-user directory (``$KG_STORE``, else ``$XDG_DATA_HOME/kg/store``), built on
  first use and rebuilt when the packaged ontology or data change.

Queries see the union of all named graphs as their default graph, on every kind of store.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.derived import derive
from kg.errors import QueryError, StoreError

__all__ = [
    "STAGING",
    "Dataset",
    "OxigraphStore",
    "QueryOutcome",
    "RawResults",
    "Store",
    "StoreLocation",
    "default_store_path",
    "drop_graphs",
    "open_store",
    "redact_url",
    "resolve_location",
    "solutions",
    "timeout_message",
    "write_graphs",
]

MEMORY = "memory"
_CURRENT = "current"
_LOCK = ".lock"
_KEEP_GENERATIONS = 2

#: Named graphs under this prefix hold data being uploaded to a remote store; never data.
STAGING = "https://w3id.org/alignment-kg/graph/staging/"

#: What a SPARQL query gives, in pyoxigraph's own types.
QueryOutcome = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
#: An RDF dataset named by the SPARQL Protocol: the IRIs of the graphs merged into the default
#: graph (``default-graph-uri``) and of the named graphs (``named-graph-uri``).
Dataset = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class StoreLocation:
    """A parsed ``--store`` value: ``kind`` is ``directory``, ``memory`` or ``remote``.

    A remote location carries its query ``url`` and the ``update_url`` and ``gsp_url``
    (SPARQL Update and Graph Store Protocol endpoints) derived from it or given.
    """

    kind: str
    path: Path | None = None
    url: str | None = None
    is_default: bool = False
    update_url: str | None = None
    gsp_url: str | None = None

    def __str__(self) -> str:
        """The location as it may be shown: a URL without its user information."""
        return redact_url(self.url) if self.url else (str(self.path) if self.path else MEMORY)


def redact_url(url: str) -> str:
    """``url`` without user information (``http://user:secret@host/`` -> ``http://host/``).

    >>> redact_url("http://kg:s3cret@example.org:8890/sparql?x=1")
    'http://example.org:8890/sparql?x=1'
    """
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@dataclass(frozen=True)
class RawResults:
    """Query results as bytes in a standard syntax, before they are parsed.

    ``format`` is a :class:`pyoxigraph.QueryResultsFormat` (SELECT and ASK results) or a
    :class:`pyoxigraph.RdfFormat` (CONSTRUCT and DESCRIBE). ``kg serve`` converts them to what
    a client asks for; :meth:`parse` gives the same Python types as an embedded query.
    """

    data: bytes
    format: ox.QueryResultsFormat | ox.RdfFormat

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE results (RDF triples)."""
        return isinstance(self.format, ox.RdfFormat)

    def parse(self) -> QueryOutcome:
        """The results as pyoxigraph objects (graphs through a small in-memory store)."""
        if isinstance(self.format, ox.QueryResultsFormat):
            return ox.parse_query_results(self.data, self.format)
        scratch = ox.Store()
        scratch.extend(
            ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(self.data, self.format)
        )
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def solutions(outcome: QueryOutcome) -> ox.QuerySolutions:
    """The solutions of a SELECT query (:class:`StoreError` for an ASK or CONSTRUCT result)."""
    if not isinstance(outcome, ox.QuerySolutions):
        raise StoreError(f"expected SELECT results, got {type(outcome).__name__}")
    return outcome


def timeout_message(timeout: float) -> str:
    """The one message for a query stopped at its deadline."""
    return f"query stopped after {timeout:g} s (--timeout)"


def default_store_path() -> Path:
    """The per-user store directory: ``$XDG_DATA_HOME/kg/store`` (``~/.local/share/kg/store``)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "kg" / "store"


def _sibling_endpoint(url: str, name: str) -> str | None:
    """``http://h/ds/query`` -> ``http://h/ds/{name}``; ``None`` when the URL does not end in /query."""
    base, sep, query = url.partition("?")
    if not base.endswith("/query"):
        return None
    return base[: -len("query")] + name + (sep + query if sep else "")


def resolve_location(
    location: str | None,
    *,
    update_url: str | None = None,
    gsp_url: str | None = None,
) -> StoreLocation:
    """Parse a ``--store`` value (``None``: ``$KG_STORE`` or the per-user default).

    For a URL, ``update_url`` and ``gsp_url`` default to ``$KG_UPDATE_URL`` and
    ``$KG_GSP_URL``, then to the query URL with a trailing ``/query`` replaced by ``/update``
    and ``/store`` (a URL that does not end in ``/query`` is also its own update endpoint and
    has no Graph Store endpoint unless one is given).
    """
    if location is None or location == "":
        env = os.environ.get("KG_STORE")
        if env:
            return resolve_location(env, update_url=update_url, gsp_url=gsp_url)
        return StoreLocation("directory", path=default_store_path(), is_default=True)
    if location == MEMORY:
        return StoreLocation("memory")
    if location.startswith(("http://", "https://")):
        update = update_url or os.environ.get("KG_UPDATE_URL") or _sibling_endpoint(location, "update")
        gsp = gsp_url or os.environ.get("KG_GSP_URL") or _sibling_endpoint(location, "store")
        return StoreLocation("remote", url=location, update_url=update or location, gsp_url=gsp)
    return StoreLocation("directory", path=Path(location).expanduser())


class Store(ABC):
    """A readable graph store: SPARQL over the union of its named graphs.

    The interface every kind of store offers; :class:`OxigraphStore` (directories and
    ``memory``) and :class:`kg.remote.RemoteStore` implement it.
    """

    location: StoreLocation
    meta: dict

    @abstractmethod
    def query(self, sparql: str, *, timeout: float | None = None) -> QueryOutcome:
        """Evaluate SPARQL text with the union of the named graphs as the default graph.

        With ``timeout`` (seconds), evaluation is stopped at the deadline and
        :class:`~kg.errors.QueryError` ("query stopped after N s (--timeout)") is raised.
        A syntax error raises :class:`SyntaxError`; an engine failure :class:`OSError` or
        :class:`~kg.errors.QueryError`; callers (``kg.query``) report them.
        """

    @abstractmethod
    def evaluate(self, sparql: str, *, timeout: float | None = None,
                 max_bytes: int | None = None, network: bool = False,
                 dataset: Dataset | None = None) -> RawResults:
        """Like :meth:`query`, but give the results as bytes (:class:`RawResults`).

        ``dataset`` replaces the union default graph (and the query's own ``FROM``) with the
        graphs it names, as the SPARQL Protocol's ``default-graph-uri`` / ``named-graph-uri``.

        ``max_bytes`` bounds the size of the serialised results (:class:`QueryError` beyond).
        On an embedded store the query is evaluated in a child process that cannot open network
        connections (:mod:`kg.sandbox`) unless ``network`` is true; a remote store's server
        evaluates it (``network`` does not apply: only the text check protects it).
        """

    @abstractmethod
    def update(self, sparql: str, *, network: bool = False) -> None:
        """Apply a SPARQL update (atomically: on a directory store as a new generation), then
        recompute the derived graph (:mod:`kg.derived`). Unless ``network``, an embedded store
        evaluates it where no Internet socket can be opened (:func:`kg.sandbox.without_network`),
        as the query worker evaluates queries."""

    @abstractmethod
    def named_graphs(self) -> list[tuple[str, int]]:
        """The named graphs, sorted by IRI, with their number of triples (which costs a count
        of every triple: :meth:`graph_iris` where only the names are needed)."""

    @abstractmethod
    def graph_iris(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""

    @abstractmethod
    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples (unsorted; blank node labels as the store keeps them)."""

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads in named graphs, or those of one named graph."""

    def __len__(self) -> int:
        return sum(n for _, n in self.named_graphs())

    def close(self) -> None:
        """Release the store's resources (a no-op where there are none)."""


class OxigraphStore(Store):
    """An embedded Oxigraph store: a directory generation (read-only) or ``memory``."""

    def __init__(self, engine: ox.Store, location: StoreLocation, meta: dict | None = None,
                 *, generation: Path | None = None, reader_lock: IO[bytes] | None = None) -> None:
        self._engine = engine
        self.location = location
        self.meta = meta or {}
        self.generation = generation
        self._reader_lock = reader_lock
        #: Evaluate every query in a forked child, even without a timeout. A threaded server
        #: sets it: a thread inside the engine may hold one of its locks while another thread
        #: forks, and the child, inheriting the lock held, would wait for it until its deadline.
        self.isolated = False

    @property
    def engine(self) -> ox.Store:
        """The pyoxigraph store behind this one."""
        return self._engine

    def query(self, sparql: str, *, timeout: float | None = None) -> QueryOutcome:
        if timeout is None and not self.isolated:
            return self._engine.query(sparql, use_default_graph_as_union=True)
        return self.evaluate(sparql, timeout=timeout).parse()

    def evaluate(self, sparql: str, *, timeout: float | None = None,
                 max_bytes: int | None = None, network: bool = False,
                 dataset: Dataset | None = None) -> RawResults:
        from kg.worker import evaluate_in_child

        return evaluate_in_child(self._engine, sparql, timeout=timeout, max_bytes=max_bytes,
                                 network=network, dataset=dataset)

    def update(self, sparql: str, *, network: bool = False) -> None:
        from kg.sandbox import without_network

        def edit(engine: ox.Store) -> None:
            if network:
                engine.update(sparql)
            else:
                try:
                    without_network(lambda: engine.update(sparql))
                except PermissionError as error:  # the guard refused a socket (EACCES)
                    raise QueryError(f"{' '.join(str(error).split())} (this update may not open "
                                     "network connections)") from None
            if next(iter(engine.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
                # Queries read the union of the named graphs and exports leave the default graph
                # out: a triple written there would be seen by queries and lost by `kg export`.
                engine.clear_graph(ox.DefaultGraph())
                raise StoreError("refused: the update writes into the default graph, which kg does "
                                 "not keep; write into a named graph (INSERT { GRAPH <...> { ... } })")
            derive(engine)

        if self.location.kind == "memory":
            edit(self._engine)
            return
        assert self.location.path is not None
        _write_generation(self.location.path, edit)
        fresh = open_directory(self.location)  # the new generation, with its reader lock
        self.close()
        self._engine, self.generation, self._reader_lock = fresh._engine, fresh.generation, fresh._reader_lock
        self.meta = fresh.meta

    def named_graphs(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        result = self._engine.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        for solution in solutions(result):
            counts[solution["g"].value] = int(solution["n"].value)
        return sorted(counts.items())

    def graph_iris(self) -> list[str]:
        return sorted(g.value for g in self._engine.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_ntriples(self, graph: str) -> bytes:
        return self._engine.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph is not None:
            return iter(self._engine.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        return (q for q in self._engine.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))

    def __len__(self) -> int:
        return len(self._engine)

    def close(self) -> None:
        self._engine = None  # type: ignore[assignment]
        if self._reader_lock is not None:
            self._reader_lock.close()
            self._reader_lock = None


# ---------------------------------------------------------------------------------------------
# Directory stores: generations and an atomic ``current`` link
# ---------------------------------------------------------------------------------------------


def _current_generation(path: Path) -> Path | None:
    """The live generation: the target of the ``current`` link, or ``current`` itself when a
    copy (``cp -rL``, ``shutil.copytree`` without ``symlinks=True``) made it a directory."""
    link = path / _CURRENT
    if not link.is_symlink():
        return link if link.is_dir() and not link.is_symlink() else None
    target = path / os.readlink(link)
    return target if target.is_dir() else None


def _engine_failure(exc: BaseException) -> bool:
    """True for an error of the engine (an ``OSError``, a ``RuntimeError`` such as RocksDB's
    "Corruption", or a Rust panic, which pyo3 raises as a
    ``BaseException``) as opposed to an interruption."""
    return isinstance(exc, (OSError, RuntimeError)) or type(exc).__name__ == "PanicException"


def _meta_file(generation: Path) -> Path:
    return generation.parent / f"{generation.name}.json"


def read_meta(path: Path) -> dict | None:
    """The metadata of a directory store's live generation, or ``None`` when there is none."""
    generation = _current_generation(path)
    if generation is None:
        return None
    try:
        return json.loads(_meta_file(generation).read_text())
    except (OSError, ValueError):
        return {}


def open_directory(location: StoreLocation) -> OxigraphStore:
    """Open the live generation of a directory store, read-only, holding a reader lock on it."""
    assert location.path is not None
    for _ in range(5):
        generation = _current_generation(location.path)
        if generation is None:
            raise StoreError(
                f"no store at {location.path}: build it first with `kg build --store {location.path}`"
            )
        if generation.name == _CURRENT:  # a copy that turned the link into a directory
            try:
                engine = ox.Store.read_only(str(generation))
            except BaseException as exc:  # noqa: BLE001 - OSError or an engine panic
                if not _engine_failure(exc):
                    raise
                raise StoreError(_broken(location.path, exc)) from None
            return OxigraphStore(engine, location, {}, generation=generation)
        try:
            lock = open(_meta_file(generation), "rb")  # noqa: SIM115 - held as long as the store
        except FileNotFoundError:
            continue  # swapped and collected between the two steps: look again
        fcntl.flock(lock, fcntl.LOCK_SH)
        try:
            engine = ox.Store.read_only(str(generation))
        except BaseException as exc:  # noqa: BLE001 - OSError or an engine panic
            lock.close()
            if not _engine_failure(exc):
                raise
            if not generation.is_dir():
                continue
            raise StoreError(_broken(location.path, exc)) from None
        try:
            meta = json.loads(lock.read() or b"{}")
        except ValueError:
            meta = {}
        return OxigraphStore(engine, location, meta, generation=generation, reader_lock=lock)
    raise StoreError(f"cannot open the store at {location.path}: it keeps changing; try again")


def _broken(path: Path, exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:200]
    return (f"cannot open the store at {path}: {detail} (`kg build --fresh --store {path}` "
            "builds it again from scratch)")


@contextmanager
def _writer_lock(path: Path, wait: float = 60.0) -> Iterator[None]:
    path.mkdir(parents=True, exist_ok=True)
    with open(path / _LOCK, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"the store at {path} is being written by another kg process; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _next_generation(path: Path) -> Path:
    numbers = [int(p.name[4:]) for p in path.glob("gen-*") if p.name[4:].isdigit() and p.is_dir()]
    return path / f"gen-{max(numbers, default=0) + 1:06d}"


def _swap(path: Path, generation: Path, meta: dict) -> None:
    _meta_file(generation).write_text(json.dumps(meta, indent=2, sort_keys=True))
    link = path / _CURRENT
    if link.is_dir() and not link.is_symlink():
        # A copied store whose link became a directory: set it aside as an old generation
        # (collected below once no reader holds it) so that the link can take its place.
        os.rename(link, path / f"gen-000000-copied-{os.getpid()}")
    temporary = path / f".{_CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(generation.name)
    os.replace(temporary, path / _CURRENT)  # atomic on POSIX
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _collect_garbage(path: Path, keep: set[str]) -> None:
    """Remove generations not in ``keep`` (unfinished ones left by a killed writer included),
    except those a reader still holds."""
    for generation in sorted(p for p in path.glob("gen-*") if p.is_dir()):
        if generation.name in keep:
            continue
        meta = _meta_file(generation)
        try:
            with open(meta, "rb") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a reader still has it open: a later write removes it
                shutil.rmtree(generation, ignore_errors=True)
                meta.unlink(missing_ok=True)
        except FileNotFoundError:
            shutil.rmtree(generation, ignore_errors=True)


def _write_generation(
    path: Path,
    edit: Callable[[ox.Store], None],
    *,
    meta: dict | None = None,
    progress: Callable[[str], None] | None = None,
    fresh: bool = False,
) -> Path:
    """Make a new generation (a checkpoint of the live one, then ``edit``) and swap it in.

    ``fresh``: start from an empty store instead of the live generation (which may be broken).
    """
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / _LOCK).exists() and _current_generation(path) is None:
        raise StoreError(f"{path} is not empty and is not a kg store; choose another directory")
    with _writer_lock(path):
        previous = _current_generation(path)
        generation = _next_generation(path)
        previous_meta = {} if fresh else (read_meta(path) or {})
        try:
            if previous is not None and not fresh:
                # A RocksDB checkpoint: hard links to the immutable table files, so a small
                # change to a big store does not copy it.
                try:
                    ox.Store.read_only(str(previous)).backup(str(generation))
                except BaseException as exc:  # noqa: BLE001 - OSError or an engine panic
                    if not _engine_failure(exc):
                        raise
                    raise StoreError(_broken(path, exc)) from None
            engine = ox.Store(str(generation))
            if progress:
                progress(f"writing {generation}")
            edit(engine)
            engine.flush()
            del engine
        except BaseException as exc:
            shutil.rmtree(generation, ignore_errors=True)
            if _engine_failure(exc) and not isinstance(exc, OSError):
                raise StoreError(f"the store engine failed while writing {path}: "
                                 f"{' '.join(str(exc).split())[:200]}") from None
            raise
        _swap(path, generation, {**previous_meta, **(meta or {})})
        _collect_garbage(path, {generation.name} | ({previous.name} if previous else set()))
    return generation


def write_graphs(
    location: StoreLocation,
    quads: Iterable[ox.Quad],
    *,
    replace: Callable[[str], bool],
    meta: dict | None = None,
    memory_engine: ox.Store | None = None,
    progress: Callable[[str], None] | None = None,
    fresh: bool = False,
) -> Store | None:
    """Write ``quads`` into the store, replacing every existing named graph for which
    ``replace(graph_iri)`` is true and keeping all others (``fresh``, directory stores: start
    from an empty store, dropping every other graph too).

    Atomic on every kind of store: a directory store gets a new generation that is swapped
    in only when complete (a failure, or a kill, leaves the previous one live); a remote store
    gets the quads in staging graphs that replace the old graphs in one SPARQL update once all
    are uploaded and counted (:mod:`kg.remote`); ``memory`` writes into ``memory_engine``
    (a new, empty store when ``None``) and returns the store. ``meta`` (directory stores)
    updates the generation's metadata. Returns ``None`` for directory and remote stores.
    """

    def edit(engine: ox.Store, quads: Iterable[ox.Quad]) -> None:
        for graph in list(engine.named_graphs()):
            if isinstance(graph, ox.NamedNode) and replace(graph.value):
                engine.remove_graph(graph)
        engine.bulk_extend(quads)
        derive(engine)

    if location.kind == "memory":
        engine = memory_engine if memory_engine is not None else ox.Store()
        edit(engine, list(quads))  # fully read (parsed) before the store changes
        return OxigraphStore(engine, location, meta)
    if location.kind == "remote":
        from kg.remote import RemoteStore

        RemoteStore(location).write_graphs(quads, replace=replace, progress=progress)
        return None
    assert location.path is not None
    _write_generation(location.path, lambda engine: edit(engine, quads), meta=meta, progress=progress,
                      fresh=fresh)
    return None


def drop_graphs(location: StoreLocation, graphs: Iterable[str], *,
                memory_engine: ox.Store | None = None) -> None:
    """Remove the named ``graphs`` (atomically, as one write); other graphs stay."""
    targets = set(graphs)
    write_graphs(location, [], replace=targets.__contains__, memory_engine=memory_engine)


def open_store(
    location: str | StoreLocation | None = None,
    *,
    note: Callable[[str], None] | None = None,
) -> Store:
    """Open a store for reading, building it first where the contract says so.

    ``memory`` is built from the packaged data; the per-user default store is built on first
    use and rebuilt when the packaged ontology or data change (``note`` hears about it); an
    explicit directory must exist (:class:`StoreError` with a hint otherwise); a URL is used
    as it is (nothing is sent until the first query).
    """
    if not isinstance(location, StoreLocation):
        location = resolve_location(location)
    if location.kind == "memory":
        from kg.build import build

        store = build(location)
        assert store is not None
        return store
    if location.kind == "remote":
        from kg.remote import RemoteStore

        return RemoteStore(location)
    assert location.path is not None
    if location.is_default:
        from kg.resources import packaged_fingerprint

        meta = read_meta(location.path)
        if meta is None or meta.get("fingerprint") != packaged_fingerprint():
            if note:
                what = "building" if meta is None else "rebuilding (the packaged data changed)"
                note(f"kg: {what} the default store at {location.path}")
            from kg.build import build

            build(location)
    return open_directory(location)
