"""Stores: where the graph lives. Only this module knows which engine is behind a store.

Locations (see the contract):

- a directory: an embedded, persistent Oxigraph store. The directory holds generations
  (``gen-000001/``, ...), each a complete Oxigraph store, and a ``current`` symbolic link to
  the live one. Every write builds a new generation and then swaps the link atomically, so a
  reader never opens a directory that is being written and a failed or killed write leaves
  the previous generation live;
- ``memory``: an in-process Oxigraph store, built from the packaged data on each run;
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError

__all__ = [
    "Store",
    "StoreLocation",
    "resolve_location",
    "default_store_path",
    "open_store",
    "write_graphs",
]

MEMORY = "memory"
_CURRENT = "current"
_META = "kg-store.json"
_LOCK = ".lock"
_KEEP_GENERATIONS = 2


@dataclass(frozen=True)
class StoreLocation:
    """A parsed ``--store`` value: ``kind`` is ``directory``, ``memory`` or ``remote``."""

    kind: str
    path: Path | None = None
    url: str | None = None
    is_default: bool = False

    def __str__(self) -> str:
        return self.url or (str(self.path) if self.path else MEMORY)


def default_store_path() -> Path:
    """The per-user store directory: ``$XDG_DATA_HOME/kg/store`` (``~/.local/share/kg/store``)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "kg" / "store"


def resolve_location(location: str | None) -> StoreLocation:
    """Parse a ``--store`` value (``None``: ``$KG_STORE`` or the per-user default)."""
    if location is None or location == "":
        env = os.environ.get("KG_STORE")
        if env:
            return resolve_location(env)
        return StoreLocation("directory", path=default_store_path(), is_default=True)
    if location == MEMORY:
        return StoreLocation("memory")
    if location.startswith(("http://", "https://")):
        return StoreLocation("remote", url=location)
    return StoreLocation("directory", path=Path(location).expanduser())


class Store:
    """A readable graph store: SPARQL queries over the union of its named graphs."""

    def __init__(self, engine: ox.Store, location: StoreLocation, meta: dict | None = None) -> None:
        self._engine = engine
        self.location = location
        self.meta = meta or {}

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Evaluate SPARQL text in Oxigraph, with the union of named graphs as default graph.

        Raises :class:`StoreError`-free :class:`SyntaxError`/:class:`OSError` from the engine;
        callers (``kg.query``) turn them into :class:`~kg.errors.QueryError`.
        """
        return self._engine.query(sparql, use_default_graph_as_union=True)

    def named_graphs(self) -> list[tuple[str, int]]:
        """The named graphs, sorted by IRI, with their number of triples."""
        counts: dict[str, int] = {}
        result = self._engine.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        for solution in result:
            counts[solution["g"].value] = int(solution["n"].value)
        return sorted(counts.items())

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads, or those of one named graph."""
        g = ox.NamedNode(graph) if graph else None
        return iter(self._engine.quads_for_pattern(None, None, None, g))

    def dump(self, output, format: ox.RdfFormat, *, prefixes: dict[str, str] | None = None) -> None:
        """Write the whole dataset: quad formats keep the named graphs, triple formats give the union."""
        if format.supports_datasets:
            self._engine.dump(output, format, prefixes=prefixes)
        else:
            triples = self._engine.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
                use_default_graph_as_union=True,
            )
            ox.serialize(triples, output, format, prefixes=prefixes)

    def __len__(self) -> int:
        return len(self._engine)

    def close(self) -> None:
        """Release the engine (a no-op for stores without resources to free)."""
        del self._engine


# ---------------------------------------------------------------------------------------------
# Directory stores: generations and an atomic ``current`` link
# ---------------------------------------------------------------------------------------------


def _current_generation(path: Path) -> Path | None:
    link = path / _CURRENT
    if not link.is_symlink():
        return None
    target = path / os.readlink(link)
    return target if target.is_dir() else None


def read_meta(path: Path) -> dict | None:
    """The metadata of a directory store's live generation, or ``None`` when there is none."""
    generation = _current_generation(path)
    if generation is None:
        return None
    try:
        return json.loads((generation.parent / f"{generation.name}.json").read_text())
    except (OSError, ValueError):
        return {}


def open_directory(location: StoreLocation) -> Store:
    """Open the live generation of a directory store, read-only."""
    assert location.path is not None
    generation = _current_generation(location.path)
    if generation is None:
        raise StoreError(
            f"no store at {location.path}: build it first with `kg build --store {location.path}`"
        )
    try:
        engine = ox.Store.read_only(str(generation))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {location.path}: {exc}") from None
    return Store(engine, location, read_meta(location.path))


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
    (path / f"{generation.name}.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
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


def _collect_garbage(path: Path, live: Path) -> None:
    generations = sorted(p for p in path.glob("gen-*") if p.is_dir())
    # Keep the live generation and the one before it (a reader may still have it open);
    # remove older ones and any unfinished generation left by a killed writer.
    keep = {live.name}
    older = [g for g in generations if g.name < live.name]
    keep.update(g.name for g in older[-(_KEEP_GENERATIONS - 1) :])
    for generation in generations:
        if generation.name not in keep:
            shutil.rmtree(generation, ignore_errors=True)
            (path / f"{generation.name}.json").unlink(missing_ok=True)


def write_graphs(
    location: StoreLocation,
    quads: Iterable[ox.Quad],
    *,
    replace: Callable[[str], bool],
    meta: dict | None = None,
    memory_engine: ox.Store | None = None,
    progress: Callable[[str], None] | None = None,
) -> Store | None:
    """Write ``quads`` into the store, replacing every existing named graph for which
    ``replace(graph_iri)`` is true and keeping all others.

    On a directory store this builds a new generation (a copy of the kept graphs plus the new
    quads) and swaps it in only when complete: a failure, or a kill, leaves the previous
    generation live. On ``memory`` it writes into ``memory_engine`` and returns the store.
    """
    if location.kind == "memory":
        engine = memory_engine if memory_engine is not None else ox.Store()
        for graph in list(engine.named_graphs()):
            if isinstance(graph, ox.NamedNode) and replace(graph.value):
                engine.remove_graph(graph)
        engine.bulk_extend(quads)
        return Store(engine, location, meta)
    if location.kind != "directory":
        raise StoreError(f"writing to a {location.kind} store is not supported yet: {location}")
    assert location.path is not None
    path = location.path
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / _LOCK).exists() and _current_generation(path) is None:
        raise StoreError(f"{path} is not empty and is not a kg store; choose another directory")
    with _writer_lock(path):
        previous = _current_generation(path)
        generation = _next_generation(path)
        try:
            engine = ox.Store(str(generation))
            if previous is not None:
                kept = ox.Store.read_only(str(previous))
                for graph in kept.named_graphs():
                    if isinstance(graph, ox.NamedNode) and replace(graph.value):
                        continue
                    engine.bulk_extend(kept.quads_for_pattern(None, None, None, graph))
                del kept
            if progress:
                progress(f"writing {generation}")
            engine.bulk_extend(quads)
            engine.flush()
            del engine
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        _swap(path, generation, meta or {})
        _collect_garbage(path, generation)
    return None


def open_store(
    location: str | StoreLocation | None = None,
    *,
    note: Callable[[str], None] | None = None,
) -> Store:
    """Open a store for reading, building it first where the contract says so.

    ``memory`` is built from the packaged data; the per-user default store is built on first
    use and rebuilt when the packaged ontology or data change (``note`` hears about it); an
    explicit directory must exist (:class:`StoreError` with a hint otherwise).
    """
    if not isinstance(location, StoreLocation):
        location = resolve_location(location)
    if location.kind == "memory":
        from kg.build import build

        store = build(location)
        assert store is not None
        return store
    if location.kind == "remote":
        raise StoreError(f"remote SPARQL stores are not supported yet: {location}")
    assert location.path is not None
    if location.is_default:
        from kg.build import packaged_fingerprint

        meta = read_meta(location.path)
        if meta is None or meta.get("fingerprint") != packaged_fingerprint():
            if note:
                what = "building" if meta is None else "rebuilding (the packaged data changed)"
                note(f"kg: {what} the default store at {location.path}")
            from kg.build import build

            build(location)
    return open_directory(location)
