"""Embedded Oxigraph stores: ``memory`` and directories of generations.

A directory store holds generations (``gen-000001/``, ...), each a complete Oxigraph store, and
a ``current`` symbolic link to the live one. Every write makes a new generation (a RocksDB
checkpoint of the live one, made of hard links, then the change) and swaps the link atomically,
so a reader never opens a directory that is being written and a failed or killed write leaves
the previous generation live. Readers hold a shared lock on their generation, so that it is not
removed under them.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.derived import derive
from kg.errors import QueryError, StoreError
from kg.sandbox import refused_by_guard, without_network
from kg.stores.base import PLAIN_WRITE, Dataset, QueryOutcome, RawResults, Store, StoreLocation, WriteOptions, solutions

__all__ = ["DirectoryStore", "MemoryStore", "OxigraphStore", "open_directory", "read_meta", "write_generation"]

_CURRENT = "current"
#: Writes made to each engine in this process, by ``id`` of the engine: with the engine itself,
#: the version of an embedded store (:meth:`OxigraphStore.version`). Only ever increases, so an
#: engine that takes the id of a collected one cannot look unwritten.
_WRITES: dict[int, int] = {}
_LOCK = ".lock"


def _replace_graphs(engine: ox.Store, quads: Iterable[ox.Quad], replace: Callable[[str], bool],
                    check: Callable[[ox.Store], None] | None = None,
                    progress: Callable[[str], None] | None = None) -> None:
    """Remove the named graphs for which ``replace`` is true, add ``quads`` (streamed: an
    iterator is never held whole), run ``check`` on the result, recompute the derived graph."""
    _written(engine)
    for graph in list(engine.named_graphs()):
        if isinstance(graph, ox.NamedNode) and replace(graph.value):
            engine.remove_graph(graph)
    engine.bulk_extend(quads)
    if check is not None:
        check(engine)
    if progress:
        progress("deriving")
    derive(engine)


def _checked_update(engine: ox.Store, sparql: str, *, network: bool = False) -> None:
    """Apply a SPARQL update that must not write into the default graph, then derive. Unless
    ``network``, the update runs where no Internet socket can be opened
    (:func:`kg.sandbox.without_network`), as the query worker evaluates queries."""
    _written(engine)
    if network:
        engine.update(sparql)
    else:
        try:
            without_network(lambda: engine.update(sparql))
        except PermissionError as error:  # the guard refused a socket (EACCES)
            raise QueryError(refused_by_guard(str(error), "update") or str(error)) from None
    if next(iter(engine.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        # Queries read the union of the named graphs and exports leave the default graph
        # out: a triple written there would be seen by queries and lost by `kg export`.
        engine.clear_graph(ox.DefaultGraph())
        raise StoreError("refused: the update writes into the default graph, which kg does "
                         "not keep; write into a named graph (INSERT { GRAPH <...> { ... } })")
    derive(engine)


def _written(engine: ox.Store) -> None:
    """Count a write to ``engine`` (before it starts: a failed write counts too)."""
    _WRITES[id(engine)] = _WRITES.get(id(engine), 0) + 1


class _Version:
    """The version of an embedded store: its engine (held, and compared by identity) and the
    writes made to it in this process."""

    __slots__ = ("engine", "writes")

    def __init__(self, engine: ox.Store) -> None:
        self.engine = engine
        self.writes = _WRITES.get(id(engine), 0)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Version) and other.engine is self.engine and other.writes == self.writes

    def __hash__(self) -> int:
        return hash((id(self.engine), self.writes))


class OxigraphStore(Store):
    """An embedded Oxigraph store, written in place (:class:`MemoryStore`); a directory's
    generation (:class:`DirectoryStore`) is written as a new generation instead."""

    embedded = True

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
        if self.one_shot and not self.isolated:
            from kg.stores.worker import evaluate_in_thread

            return evaluate_in_thread(self._engine, sparql, timeout=timeout).parse()
        return self.evaluate(sparql, timeout=timeout).parse()

    def version(self) -> object | None:
        """The engine and the writes made to it: a directory's generation is never written in
        place (a write makes a new engine), an in-process store is written through
        :func:`_replace_graphs` and :func:`_checked_update`, which count their writes."""
        return None if self._engine is None else _Version(self._engine)

    def evaluate(self, sparql: str, *, timeout: float | None = None,
                 max_bytes: int | None = None, network: bool = False,
                 dataset: Dataset | None = None) -> RawResults:
        from kg.stores.worker import evaluate_in_child

        return evaluate_in_child(self._engine, sparql, timeout=timeout, max_bytes=max_bytes,
                                 network=network, dataset=dataset)

    @classmethod
    def at(cls, location: StoreLocation, *, engine: ox.Store | None = None) -> OxigraphStore:
        return cls(engine if engine is not None else ox.Store(), location)

    @classmethod
    def write(cls, location: StoreLocation, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
              options: WriteOptions = PLAIN_WRITE) -> OxigraphStore | None:
        """Write into ``options.engine`` (a new, empty store when ``None``) and return it as a
        store carrying ``options.meta``."""
        engine = options.engine if options.engine is not None else ox.Store()
        _replace_graphs(engine, list(quads), replace)  # fully read (parsed) before the store changes
        return cls(engine, location, options.meta)

    def write_graphs(self, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
                     meta: dict | None = None, progress: Callable[[str], None] | None = None) -> OxigraphStore | None:
        """Write into this store's engine; the result (the same engine) carries ``meta``, by
        default this store's."""
        return type(self).write(self.location, quads, replace=replace, options=WriteOptions(
            engine=self._engine, meta=self.meta if meta is None else meta, progress=progress))

    def update(self, sparql: str, *, network: bool = False) -> None:
        _checked_update(self._engine, sparql, network=network)

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
        # A closed store holds no engine: a use after close fails at once (kept typed as open).
        self._engine = None  # type: ignore[assignment]
        if self._reader_lock is not None:
            self._reader_lock.close()
            self._reader_lock = None


class MemoryStore(OxigraphStore):
    """The ``memory`` store: lives in this process, is built in it and written in place."""

    in_process = True


class DirectoryStore(OxigraphStore):
    """The live generation of a directory store, read-only; every write makes a new generation."""

    @classmethod
    def at(cls, location: StoreLocation, *, engine: ox.Store | None = None) -> DirectoryStore:
        return open_directory(location)

    @classmethod
    def for_writing(cls, location: StoreLocation) -> DirectoryStore:
        """The live generation, or, where the directory holds none yet (a missing directory), an
        empty store whose first write makes the directory and its first generation."""
        assert location.path is not None
        if _current_generation(location.path) is None:
            return cls(ox.Store(), location, {})
        return open_directory(location)

    @classmethod
    def write(cls, location: StoreLocation, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
              options: WriteOptions = PLAIN_WRITE) -> None:
        """A new generation (``options.fresh``: from an empty store), swapped in when complete;
        ``options.meta`` updates the generation's metadata (read once the generation is written,
        so ``options.check`` may still fill it in). ``quads`` are streamed into the generation;
        the check runs on it once they are written, before the derivation: an exception from
        either (a problem found after part of the quads was written) leaves the previous
        generation live."""
        assert location.path is not None
        check, progress = options.check, options.progress
        write_generation(location.path,
                         lambda engine: _replace_graphs(engine, quads, replace, check, progress),
                         meta=options.meta, progress=progress, fresh=options.fresh)
        return None

    def write_graphs(self, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
                     meta: dict | None = None, progress: Callable[[str], None] | None = None) -> None:
        """A new generation at this store's location (this store keeps holding the previous one)."""
        return type(self).write(self.location, quads, replace=replace,
                                options=WriteOptions(meta=meta, progress=progress))

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        """Remove the named ``graphs`` in a new generation; this store, which holds the previous
        one, is closed (so that the previous generation can be collected)."""
        super().drop_graphs(graphs)
        self.close()

    def update(self, sparql: str, *, network: bool = False) -> None:
        assert self.location.path is not None
        write_generation(self.location.path, lambda engine: _checked_update(engine, sparql, network=network))
        fresh = open_directory(self.location)  # the new generation, with its reader lock
        self.close()
        self._engine, self.generation, self._reader_lock = fresh._engine, fresh.generation, fresh._reader_lock
        self.meta = fresh.meta

    def latest(self) -> DirectoryStore:
        assert self.location.path is not None
        live = os.path.realpath(self.location.path / _CURRENT)
        if self.generation is not None and os.path.realpath(self.generation) == live:
            return self
        return open_directory(self.location)


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


def open_directory(location: StoreLocation) -> DirectoryStore:
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
            return DirectoryStore(engine, location, {}, generation=generation)
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
        return DirectoryStore(engine, location, meta, generation=generation, reader_lock=lock)
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
    import shutil  # writes only: a reader (every query) does not load it

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


def write_generation(
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
    import shutil  # writes only, as traceback: a reader (every query) loads neither
    import traceback

    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / _LOCK).exists() and _current_generation(path) is None:
        raise StoreError(f"{path} is not empty and is not a kg store; choose another directory")
    with _writer_lock(path):
        previous = _current_generation(path)
        generation = _next_generation(path)
        previous_meta = {} if fresh else (read_meta(path) or {})
        engine: ox.Store | None = None
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
            # Compacted once written: the bulk loads of a write leave table files whose key
            # ranges overlap, which every later read has to merge. At a million triples this
            # takes about 5 s and makes queries 1.5 to 1.7 times faster (benchmarks/results/notes.md).
            engine.optimize()
            engine.flush()
            engine = None
        except BaseException as exc:
            # The new generation's engine is closed before its directory goes: the frames of the
            # traceback (the edit's, the build's check) still hold it, and an engine left open
            # keeps the RocksDB lock of a directory the next write in this process reuses.
            engine = None
            traceback.clear_frames(exc.__traceback__)
            shutil.rmtree(generation, ignore_errors=True)
            if _engine_failure(exc) and not isinstance(exc, OSError):
                raise StoreError(f"the store engine failed while writing {path}: "
                                 f"{' '.join(str(exc).split())[:200]}") from None
            raise
        _swap(path, generation, {**previous_meta, **(meta or {})})
        _collect_garbage(path, {generation.name} | ({previous.name} if previous else set()))
    return generation

