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

__all__ = ["Reducer", "REDUCERS", "check_chain", "imprecise_date_rows", "reduce_rows", "reducer",
           "single_source_rows", "spells_in_force", "top_pairs"]


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


#: Pairs counted in a dense array (one slot per possible pair) up to this many possible pairs
#: (64 MB of counts); above, the pairs found are sorted and counted instead (slower).
DENSE_PAIRS = 1 << 23


def top_pairs(rows: list[list[Any]], params: dict[str, Any]) -> list[list[Any]]:
    """The pairs of items that share the most groups, from ``(group, item)`` rows.

    One row ``[a, b, shared]`` per pair of items in at least one group together, ``a`` before
    ``b`` in code-point order, ``shared`` the number of distinct groups that hold both (a row
    repeated counts once). Most shared first, then by ``a`` and ``b``. Only the top ``limit``
    pairs are kept, ties included (every pair sharing at least as many groups as the
    ``limit``-th); ``limit`` unset or at least the number of pairs: all; below 1: none.
    Rows with an unbound group or item are left out.

    The pairs are counted with numpy: the items are indexed in code order, each pair ``(a, b)``
    gets a key that orders as ``(a, b)``, and the keys of every group's pairs are counted at
    once; only the pairs at or above the cut are sorted.
    """
    import numpy as np

    limit = params.get("limit")
    if limit is not None and limit < 1:
        return []
    facts = {(g, i) for g, i in rows if g is not None and i is not None}
    items = sorted({i for _, i in facts})
    index = {item: n for n, item in enumerate(items)}
    members: dict[Any, list[int]] = {}
    for group, item in facts:
        members.setdefault(group, []).append(index[item])
    n = len(items)
    # The pair (a, b), a < b, as its place in the upper triangle of an n x n matrix, row by row.
    row_start = np.arange(n, dtype=np.int64) * n - np.arange(n, dtype=np.int64) * (np.arange(n, dtype=np.int64) + 1) // 2
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
        a, b = held[first], held[second]
        keys.append(row_start[a] + (b - a - 1))
    if not keys:
        return []
    every = np.concatenate(keys)
    possible = n * (n - 1) // 2
    if possible <= DENSE_PAIRS:
        tally = np.bincount(every, minlength=possible)
        pairs = np.flatnonzero(tally)
        counts = tally[pairs]
    else:
        pairs, counts = np.unique(every, return_counts=True)
    # pairs are in key order, that is in (a, b) order: the cut first, then sort what it keeps.
    if limit is not None and limit < len(pairs):
        cut = np.partition(counts, len(counts) - limit)[len(counts) - limit]
        kept = counts >= cut
        pairs, counts = pairs[kept], counts[kept]
    order = np.lexsort((pairs, -counts))
    pairs, counts = pairs[order], counts[order]
    # Back from a key to (a, b): the last row whose start is at or before it.
    a = np.searchsorted(row_start, pairs, side="right") - 1
    b = pairs - row_start[a] + a + 1
    return [[items[i], items[j], c] for i, j, c in zip(a.tolist(), b.tolist(), counts.tolist())]


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


def _text(field: str) -> str:
    """A table's free-text field as written by ``kg/sparql/summary_tables.rq``: as it is, or,
    after ``%``, percent-encoded (so is every text that holds a line feed or starts with ``%``).

    >>> _text("NZL member of NATO"), _text("%P%25%0Aoff")
    ('NZL member of NATO', 'P%\\noff')
    """
    if field.startswith("%"):
        from urllib.parse import unquote

        return unquote(field[1:])
    return field


def _lines(table: str | None) -> list[str]:
    """The lines of a table literal (none for an unbound or empty one)."""
    return table.split("\n") if table else []


def single_source_rows(rows: list[list[Any]], params: dict[str, Any]) -> list[list[Any]]:
    """The facts that name a single source, from the sources' tables and from rows as they are.

    Reads rows ``fact, kind, source, facts``: where ``facts`` (a source's
    ``al:singleSourceFacts`` table: lines ``kind TAB summary``) is bound, one row per line, with
    that row's ``source``; else the row's own ``fact, kind, source``. Gives ``fact, kind,
    source``, ordered by kind, fact and source (code-point order, as SPARQL orders strings).

    >>> single_source_rows([[None, None, "S2", "stance\\tB\\nevent\\tA"], ["C", "event", "S1", None]], {})
    [['A', 'event', 'S2'], ['C', 'event', 'S1'], ['B', 'stance', 'S2']]
    """
    answer: list[list[Any]] = []
    for fact, kind, source, facts in rows:
        if facts is None:
            answer.append([fact, kind, source])
            continue
        for line in _lines(facts):
            kind_of, _, text = line.partition("\t")
            answer.append([_text(text), kind_of, source])
    answer.sort(key=lambda row: (row[1], row[0], row[2]))
    return answer


def imprecise_date_rows(rows: list[list[Any]], params: dict[str, Any]) -> list[list[Any]]:
    """The dates known only to the year or the month, from the precisions' tables and from rows
    as they are.

    Reads rows ``fact, kind, date, precision, day, dates``: where ``dates`` (an
    ``al:impreciseDates`` table: lines ``day TAB kind TAB date TAB precision TAB summary``, the
    day as written) is bound, one row per line; else the row's own columns. Gives ``fact, kind,
    date, precision``, ordered by day (as written: ``YYYY-MM-DD`` values, which order as dates),
    kind, fact and date.

    >>> imprecise_date_rows([[None, None, None, None, None,
    ...                       "1990-12-31\\tevent\\t1990\\tyear\\tB\\n1952-02-18\\tmembership\\t1952\\tyear\\tA"]], {})
    [['A', 'membership', '1952', 'year'], ['B', 'event', '1990', 'year']]
    """
    keyed: list[tuple[Any, ...]] = []
    for fact, kind, date, precision, day, dates in rows:
        if dates is None:
            keyed.append((day, kind, fact, date, precision))
            continue
        for line in _lines(dates):
            day_of, kind_of, date_of, precision_of, text = line.split("\t", 4)
            keyed.append((day_of, kind_of, _text(text), date_of, precision_of))
    keyed.sort(key=lambda row: tuple("" if x is None else x for x in row[:4]))
    return [[fact, kind, date, precision] for _, kind, fact, date, precision in keyed]


#: The reducers by name (``#+ reduce: NAME``).
REDUCERS: dict[str, Reducer] = {
    reducer.name: reducer for reducer in [
        Reducer("spells-in-force", reads=("group", "spells", "continuedBy"), gives=("group", "item"),
                parameters=("at",), function=spells_in_force,
                doc="the (organisation, state) memberships in force on `at` from the organisations' "
                    "al:membershipSpells tables, one organisation's counted once in one continuing it"),
        Reducer("single-source-rows", reads=("fact", "kind", "source", "facts"), gives=("fact", "kind", "source"),
                parameters=(), function=single_source_rows,
                doc="the facts naming a single source, from the sources' al:singleSourceFacts tables "
                    "and rows as they are, ordered by kind, fact and source"),
        Reducer("imprecise-date-rows", reads=("fact", "kind", "date", "precision", "day", "dates"),
                gives=("fact", "kind", "date", "precision"), parameters=(), function=imprecise_date_rows,
                doc="the dates known only to the year or the month, from the al:impreciseDates tables "
                    "and rows as they are, in date order"),
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
