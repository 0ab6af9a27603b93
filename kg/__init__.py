"""A knowledge graph of international alignments.

The library comes first; the ``kg`` command line is a thin layer on top::

    >>> from kg import open_store, run_query
    >>> store = open_store("memory")
    >>> run_query(store, "members", {"org": "NATO", "at": "2024-04-05"}).rows[:1]
    [['BEL', 'Belgium', 'founding member', '1949-08-24', None]]
"""

from __future__ import annotations

from kg.version import __version__

__all__ = ["__version__", "open_store", "run_query", "build"]


def __getattr__(name: str):  # lazy: a CLI call must not pay for what it does not use
    if name == "open_store":
        from kg.api import open_store

        return open_store
    if name == "run_query":
        from kg.query import run_query

        return run_query
    if name == "build":
        from kg.build import build

        return build
    raise AttributeError(name)
