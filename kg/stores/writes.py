"""Writing to a store location, whatever its kind: one atomic write of quads, or a drop of graphs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.derived import derive
from kg.stores.base import Store, StoreLocation
from kg.stores.embedded import OxigraphStore, write_generation

__all__ = ["drop_graphs", "write_graphs"]


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
    write_generation(location.path, lambda engine: edit(engine, quads), meta=meta, progress=progress,
                      fresh=fresh)
    return None


def drop_graphs(location: StoreLocation, graphs: Iterable[str], *,
                memory_engine: ox.Store | None = None) -> None:
    """Remove the named ``graphs`` (atomically, as one write); other graphs stay."""
    targets = set(graphs)
    write_graphs(location, [], replace=targets.__contains__, memory_engine=memory_engine)

