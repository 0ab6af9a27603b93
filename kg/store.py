"""Stores, as ``kg.store`` has always offered them: the store layer's names and :func:`open_store`.

The store layer itself is :mod:`kg.stores` (locations, embedded, directory and remote stores,
writes); :func:`open_store`, which builds ``memory`` and the per-user default
store, is :func:`kg.api.open_store`. Modules of the library import from those; this module
keeps ``from kg.store import ...`` working for programs and notebooks.
"""

from __future__ import annotations

from kg.api import open_store
from kg.stores.base import (
    STAGING,
    Dataset,
    QueryOutcome,
    RawResults,
    Store,
    StoreLocation,
    default_store_path,
    redact_url,
    resolve_location,
    solutions,
    timeout_message,
)
from kg.stores.embedded import DirectoryStore, MemoryStore, OxigraphStore, open_directory, read_meta
from kg.stores.kinds import store_class, write_graphs

__all__ = [
    "STAGING",
    "Dataset",
    "DirectoryStore",
    "MemoryStore",
    "OxigraphStore",
    "QueryOutcome",
    "RawResults",
    "Store",
    "StoreLocation",
    "default_store_path",
    "open_directory",
    "open_store",
    "read_meta",
    "redact_url",
    "resolve_location",
    "solutions",
    "store_class",
    "timeout_message",
    "write_graphs",
]
