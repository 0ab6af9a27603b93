"""The kind of store a location holds, and writing to a location whatever its kind.

:func:`store_class` is the one place where a location's kind (``memory``, ``directory``,
``remote``) is read; everything else asks the store class it gives, or an opened store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.stores.base import Store, StoreLocation, WriteOptions
from kg.stores.embedded import DirectoryStore, MemoryStore

__all__ = ["store_class", "write_graphs", "written_as_generation"]


def store_class(location: StoreLocation) -> type[Store]:
    """The class of the store at ``location``: :class:`MemoryStore`, :class:`DirectoryStore` or
    :class:`kg.stores.remote.RemoteStore`."""
    kind = location.kind
    if kind == "memory":
        return MemoryStore
    if kind == "directory":
        return DirectoryStore
    from kg.stores.remote import RemoteStore  # only a remote location pays for the HTTP client

    return RemoteStore


def write_graphs(
    location: StoreLocation,
    quads: Iterable[ox.Quad],
    *,
    replace: Callable[[str], bool],
    meta: dict | None = None,
    progress: Callable[[str], None] | None = None,
    fresh: bool = False,
    check: Callable[[ox.Store], None] | None = None,
) -> Store | None:
    """Write ``quads`` into the store, replacing every existing named graph for which
    ``replace(graph_iri)`` is true and keeping all others (``fresh``, directory stores: start
    from an empty store, dropping every other graph too).

    Atomic on every kind of store: a directory store gets a new generation that is swapped
    in only when complete (a failure, or a kill, leaves the previous one live); a remote store
    gets the quads in staging graphs that replace the old graphs in one SPARQL update once all
    are uploaded and counted (:mod:`kg.stores.remote`); ``memory`` writes into a new, empty store
    and returns it (an opened memory store is written in place by its own ``write_graphs``).
    ``meta`` (directory stores) updates the generation's metadata. Returns ``None`` for
    directory and remote stores.

    ``check`` (directory stores only): run on the new generation once ``quads`` are written (an
    iterator of them is streamed, never held whole), before the derivation; what it raises
    leaves the previous generation live.
    """
    store_type = store_class(location)
    if check is not None:
        if store_type is not DirectoryStore:
            raise ValueError("check: only a directory store is checked as it is written")
    return store_type.write(location, quads, replace=replace, options=WriteOptions(
        meta=meta, progress=progress, fresh=fresh, check=check))


def written_as_generation(location: StoreLocation) -> bool:
    """Whether a write to ``location`` makes a new generation that is swapped in when complete (a
    directory store): quads can then be streamed into it and checked there before they count
    (:func:`write_graphs` with ``check``)."""
    return store_class(location) is DirectoryStore
