"""Reducers: a declared step, in Python, that turns a catalogue entry's rows into its answer.

A catalogue entry (or a user's ``.rq`` file) may end in ``#+ reduce: NAME`` in its header: its
SPARQL text then finds the facts the answer is computed from, cheaply and on every kind of store,
and the reducer ``NAME`` computes the answer from them, the same on every store. This is for
questions whose cost in SPARQL is a join and a grouping over far more rows than either their
facts or their answer (``top-shared-memberships``: every pair of states of every organisation,
millions at a million triples), which numpy counts in a fraction of the time.

Each reducer declares the columns it reads (in this order, by name) and the parameters it
takes; the runner (:func:`kg.query.run_query`) checks both and gives the reducer the rows and
the parameters' values (``None`` when unset). The answer keeps the entry's declared ``columns``.

>>> reduce_rows("top-pairs", ["group", "item"],
...             [["g1", "A"], ["g1", "B"], ["g2", "A"], ["g2", "B"], ["g2", "C"]], {"limit": 1})
[['A', 'B', 2]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import QueryError

__all__ = ["Reducer", "REDUCERS", "reduce_rows", "top_pairs"]


@dataclass(frozen=True)
class Reducer:
    """A named reduction: the columns it reads, the parameters it takes, what it does."""

    name: str
    #: the columns of the rows it reads, in this order
    reads: tuple[str, ...]
    #: the columns of its answer, in this order
    gives: tuple[str, ...]
    #: the parameters it takes (a catalogue entry using it must declare them)
    parameters: tuple[str, ...]
    function: Callable[[list[list[Any]], dict[str, Any]], list[list[Any]]]
    doc: str


def top_pairs(rows: list[list[Any]], params: dict[str, Any]) -> list[list[Any]]:
    """The pairs of items that share the most groups, from ``(group, item)`` rows.

    One row ``[a, b, shared]`` per pair of items in at least one group together, ``a`` before
    ``b`` in code-point order, ``shared`` the number of distinct groups that hold both (a row
    repeated counts once). Most shared first, then by ``a`` and ``b``. Only the top ``limit``
    pairs are kept, ties included (every pair sharing at least as many groups as the
    ``limit``-th); ``limit`` unset or at least the number of pairs: all; below 1: none.
    Rows with an unbound group or item are left out.

    The pairs are counted per group with numpy (the items of each group indexed in code order, so
    that the pair's key orders as ``(a, b)``), in time linear in the number of pairs.
    """
    import numpy as np

    limit = params.get("limit")
    if limit is not None and limit < 1:
        return []
    facts = {(g, i) for g, i in rows if g is not None and i is not None}
    if not facts:
        return []
    items = sorted({i for _, i in facts})
    index = {item: n for n, item in enumerate(items)}
    members: dict[Any, list[int]] = {}
    for group, item in facts:
        members.setdefault(group, []).append(index[item])
    width = np.int64(len(items))
    keys: list[Any] = []
    upper: dict[int, tuple[Any, Any]] = {}
    for group_items in members.values():
        size = len(group_items)
        if size < 2:
            continue
        held = np.sort(np.asarray(group_items, dtype=np.int64))
        if size not in upper:
            upper[size] = np.triu_indices(size, 1)
        first, second = upper[size]
        keys.append(held[first] * width + held[second])
    if not keys:
        return []
    pairs, counts = np.unique(np.concatenate(keys), return_counts=True)
    # Most shared first, then by key: (a, b) in code order, as the items are indexed in it.
    order = np.lexsort((pairs, -counts))
    pairs, counts = pairs[order], counts[order]
    if limit is not None and limit < len(pairs):
        kept = int(np.searchsorted(-counts, -counts[limit - 1], side="right"))
        pairs, counts = pairs[:kept], counts[:kept]
    return [[items[int(p // width)], items[int(p % width)], int(c)] for p, c in zip(pairs, counts)]


#: The reducers by name (``#+ reduce: NAME``).
REDUCERS: dict[str, Reducer] = {
    reducer.name: reducer for reducer in [
        Reducer("top-pairs", reads=("group", "item"), gives=("a", "b", "shared"), parameters=("limit",),
                function=top_pairs,
                doc="pairs of items sharing the most groups, from (group, item) rows; "
                    "the top `limit`, ties included"),
    ]
}


def reduce_rows(name: str, columns: Sequence[str], rows: list[list[Any]],
                params: dict[str, Any]) -> list[list[Any]]:
    """The reducer ``name``'s answer from ``rows`` (of ``columns``) and the parameters' values.

    Raises :class:`QueryError` for an unknown reducer or rows of other columns than it reads.
    """
    reducer = REDUCERS.get(name)
    if reducer is None:
        raise QueryError(f"unknown reducer {name!r} (one of {', '.join(sorted(REDUCERS))})")
    if tuple(columns) != reducer.reads:
        raise QueryError(f"reducer {name!r} reads the columns {', '.join(reducer.reads)}, "
                         f"the query gives {', '.join(columns) or 'none'}")
    return reducer.function(rows, {p: params.get(p) for p in reducer.parameters})
