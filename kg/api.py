"""The library's front door: open a store (building it where the contract says so), build it,
query it.

This is the layer above the stores and the operations that write to them: opening ``memory``
or the per-user default store builds it (:func:`kg.build.build`), so opening lives here and not
in :mod:`kg.stores`, which never imports the build.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.stores.base import Store, StoreLocation, resolve_location
from kg.stores.embedded import read_meta
from kg.stores.kinds import store_class

__all__ = ["open_store"]


def open_store(
    location: str | StoreLocation | None = None,
    *,
    note: Callable[[str], None] | None = None,
    create: bool = False,
) -> Store:
    """Open a store, building it first where the contract says so.

    ``memory`` is built from the packaged data; the per-user default store is built on first
    use and rebuilt when the packaged ontology or data change (``note`` hears about it); an
    explicit directory must exist (:class:`StoreError` with a hint otherwise), unless
    ``create``: then a missing one is an empty store, made by its first write (``kg load`` and
    ``kg import``); a URL is used as it is (nothing is sent until the first query).

    The operations that write (:func:`kg.importer.import_file`, :func:`kg.graphs.load_files`,
    :func:`kg.graphs.drop_graph`) take the store this opens.

    >>> store = open_store("memory")
    >>> len(store) > 1000
    True
    """
    if not isinstance(location, StoreLocation):
        location = resolve_location(location)
    kind = store_class(location)
    if kind.in_process:
        from kg.build import build

        store = build(location)
        assert store is not None
        return store
    if location.is_default:
        assert location.path is not None
        from kg.resources import packaged_fingerprint

        meta = read_meta(location.path)
        if meta is None or meta.get("fingerprint") != packaged_fingerprint():
            if note:
                what = "building" if meta is None else "rebuilding (the packaged data changed)"
                note(f"kg: {what} the default store at {location.path}")
            from kg.build import build

            build(location)
    return kind.for_writing(location) if create else kind.at(location)
