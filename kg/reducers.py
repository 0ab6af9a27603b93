"""Reducers: a declared step, in Python, that turns a catalogue entry's rows into its answer.

A catalogue entry (or a user's ``.rq`` file) may have ``#+ reduce: NAME`` in its header (or a
chain, ``#+ reduce: FIRST, SECOND``, each reading what the one before gives): its SPARQL text then
finds the facts the answer is computed from, cheaply and on every kind of store, and the reducer
computes the answer from them, the same on every store. This is for
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

__all__ = ["Reducer", "REDUCERS", "check_chain", "reduce_rows", "reducer", "spells_in_force", "top_pairs"]


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


def spells_in_force(rows: list[list[Any]], params: dict[str, Any]) -> list[list[Any]]:
    """The (organisation, state) memberships in force on ``at``, from the organisations' tables.

    Reads one row per organisation: ``group`` (the organisation), ``spells`` (its
    ``al:membershipSpells`` table: lines ``state TAB start TAB end``, dates as ``YYYY-MM-DD``,
    end empty while in force) and ``continuedBy`` (the organisations that continue it, directly
    or not, separated by spaces; unbound when none). Gives one ``[group, state]`` row per state
    with a spell in force on ``at`` (``start <= at < end``), without repeats, except where the
    state also holds a spell in force that day in an organisation that continues this one (the
    EEC's members in the EU: counted once, in the latest). ``at`` unset: no rows.
    """
    at = params.get("at")
    if at is None:
        return []
    held: dict[Any, set[str]] = {}
    continuers: dict[Any, set[str]] = {}
    for group, spells, continued in rows:
        if group is None:
            continue
        continuers.setdefault(group, set()).update((continued or "").split())
        states = held.setdefault(group, set())
        for line in (spells or "").split("\n") if spells else ():
            state, start, end = line.split("\t")
            if start <= at and (not end or end > at):
                states.add(state)
    answer: list[list[Any]] = []
    for group, states in held.items():
        for later in continuers[group]:
            states = states - held.get(later, set())
        answer += [[group, state] for state in sorted(states)]
    return answer


#: The reducers by name (``#+ reduce: NAME``).
REDUCERS: dict[str, Reducer] = {
    reducer.name: reducer for reducer in [
        Reducer("spells-in-force", reads=("group", "spells", "continuedBy"), gives=("group", "item"),
                parameters=("at",), function=spells_in_force,
                doc="the (organisation, state) memberships in force on `at` from the organisations' "
                    "al:membershipSpells tables, one organisation's counted once in one continuing it"),
        Reducer("top-pairs", reads=("group", "item"), gives=("a", "b", "shared"), parameters=("limit",),
                function=top_pairs,
                doc="pairs of items sharing the most groups, from (group, item) rows; "
                    "the top `limit`, ties included"),
    ]
}


def reducer(name: str) -> Reducer:
    """The reducer called ``name`` (:class:`QueryError` when there is none)."""
    found = REDUCERS.get(name)
    if found is None:
        raise QueryError(f"unknown reducer {name!r} (one of {', '.join(sorted(REDUCERS))})")
    return found


def check_chain(names: Sequence[str]) -> None:
    """Refuse (:class:`QueryError`) a chain of reducers in which one does not read the columns
    the one before it gives, or an unknown one."""
    steps = [reducer(name) for name in names]
    for before, after in zip(steps, steps[1:]):
        if before.gives != after.reads:
            raise QueryError(f"reducer {after.name!r} reads the columns {', '.join(after.reads)}, "
                             f"{before.name!r} before it gives {', '.join(before.gives)}")


def reduce_rows(names: str | Sequence[str], columns: Sequence[str], rows: list[list[Any]],
                params: dict[str, Any]) -> list[list[Any]]:
    """The answer of the reducer ``names`` (or of each of a chain of them in turn) from ``rows``
    (of ``columns``) and the parameters' values.

    Raises :class:`QueryError` for an unknown reducer or rows of other columns than it reads.
    """
    chain = [names] if isinstance(names, str) else list(names)
    check_chain(chain)
    first = reducer(chain[0])
    if tuple(columns) != first.reads:
        raise QueryError(f"reducer {first.name!r} reads the columns {', '.join(first.reads)}, "
                         f"the query gives {', '.join(columns) or 'none'}")
    for name in chain:
        step = REDUCERS[name]
        rows = step.function(rows, {p: params.get(p) for p in step.parameters})
    return rows
