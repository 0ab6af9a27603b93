"""How big a picture of the whole store would be, asked before drawing it.

A page of tens of thousands of links is unreadable and takes minutes to build (at a million
triples: 2,890 nodes, 63,684 edges, 19 MB). ``kg viz`` without ``--focus`` or ``--org`` first counts
the facts it would draw (memberships, partnerships, stances: one count, a scan of three
properties, far cheaper than reading them) and refuses, naming the options that narrow the
picture, when they are more than :data:`MAX_EDGES`.

>>> from kg.store import open_store
>>> check_drawable(open_store("memory"))
>>> too_many(30_000)
True
"""

from __future__ import annotations

from typing import Final

from kg.errors import UsageError
from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["MAX_EDGES", "edge_count", "too_many", "check_drawable"]

#: The most links a whole-store page may have (the shipped data's whole history has about 2,000;
#: with the COW IGO, ATOP and Wikidata imports a store has tens of thousands).
MAX_EDGES: Final = 20_000


def edge_count(store: Store) -> int:
    """The number of facts a whole-store ``kg viz`` would draw: memberships, partnerships and
    stances (before dates and missing codes leave some out: an upper bound)."""
    text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ ?f <{AL}member> ?x }} UNION "
            f"{{ ?f <{AL}partner> ?x }} UNION {{ ?f <{AL}actor> ?x }} }}")
    for solution in store.select(text):
        return int(solution["n"].value)
    return 0


def too_many(edges: int, limit: int | None = None) -> bool:
    """Whether a page of ``edges`` links is too large to read (more than ``limit``, by default
    :data:`MAX_EDGES`).

    >>> too_many(1_229), too_many(63_684)
    (False, True)
    """
    return edges > (MAX_EDGES if limit is None else limit)


def check_drawable(store: Store, limit: int | None = None) -> None:
    """Raise :class:`UsageError` (one line, naming ``--focus`` and ``--org``) when a picture of
    the whole store would have more than ``limit`` links."""
    limit = MAX_EDGES if limit is None else limit
    edges = edge_count(store)
    if too_many(edges, limit):
        raise UsageError(
            f"the store holds {edges:,} memberships, partnerships and stances, more than a "
            f"readable picture ({limit:,}): narrow it with --focus CODE [--depth N] or --org CODE "
            "(repeatable), or take the whole graph to Gephi with `kg network -o FILE.graphml`")
