"""The projections' reads: the SPARQL of ``kg/sparql/*.rq`` run on a store, as rows of plain
values (nodes, edges, partnership steps, commitment spells, successors, the day asked for).

>>> from kg.store import open_store
>>> sorted(successors(open_store("memory"))["EEC"])
['EC', 'EU']
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kg.derived import DERIVED, TABLES_VERSION
from kg.errors import UsageError
from kg.projection.rules import (
    Commitment,
    _counted_once,
    _first,
    _parse_at,
    _Partnership,
    _spells,
    closure,
)
from kg.query import check_derivation, current_as_of, value_of
from kg.sparqltext import read_query
from kg.stores.base import Store
from kg.vocab import AL

if TYPE_CHECKING:
    from pyoxigraph import QuerySolutions

__all__ = ["check_tables", "commitments", "commitments_of", "edge_rows", "node_keys", "resolve_day", "state_periods",
           "spell_tables", "state_spans", "successors"]


_SPARQL = Path(__file__).resolve().parent.parent / "sparql"


@cache
def _sparql(name: str) -> str:
    return read_query(_SPARQL / f"{name}.rq")


def _rows(store: Store, name: str) -> list[dict[str, Any]]:
    result = cast("QuerySolutions", store.query(_sparql(name)))
    columns = [v.value for v in result.variables]
    return [{c: value_of(s[c]) for c in columns} for s in result]


def _sources_of(store: Store, facts: Iterable[str]) -> dict[str, str]:
    """Fact IRI -> its source ids, sorted and ``"; "``-joined, for ``facts`` only, read from those
    facts (``fact_sources.rq`` with its ``# @values`` line bound, 2,000 facts a query)."""
    wanted = sorted(set(facts))
    ids: dict[str, list[str]] = defaultdict(list)
    for chunk in range(0, len(wanted), 2000):
        block = " ".join(f"<{fact}>" for fact in wanted[chunk:chunk + 2000])
        text = _sparql("fact_sources").replace("# @values", f"VALUES ?fact {{ {block} }}")
        for s in cast("QuerySolutions", store.query(text)):
            ids[s["fact"].value].append(s["id"].value)
    return {fact: "; ".join(sorted(set(found))) for fact, found in ids.items()}


def edge_rows(store: Store) -> list[dict[str, Any]]:
    """The network's edges: the rows of ``kg/sparql/network_edges.rq`` in its order, each with its
    ``sources`` (its source ids, sorted and ``"; "``-joined), read from the derived graph's
    ``al:networkEdges`` literals (one per source node) rather than by joining the store.

    Raises
    ------
    StoreError
        A store derived before the analytics tables (:func:`check_tables`).
    """
    check_tables(store)
    text = (f"SELECT ?source ?sourceIri ?edges WHERE {{ ?sourceIri <{AL}networkEdges> ?edges ; "
            f"<{AL}code> ?source }}")
    rows = []
    for solution in store.select(text):
        source, source_iri = solution["source"].value, solution["sourceIri"].value
        for line in solution["edges"].value.split("\n"):
            kind, target, label, start, end, fact, target_iri, ids = line.split("\t")
            rows.append({"kind": kind, "source": source, "target": target, "label": label,
                         "start": start or None, "end": end or None, "fact": fact,
                         "sourceIri": source_iri, "targetIri": target_iri,
                         "sources": "; ".join(sorted(set(ids.split("; ")))) if ids else ""})
    return sorted(rows, key=lambda r: (*_row_order(r), r["end"] or "", r["fact"], r["targetIri"]))


def resolve_day(store: Store, at: str | None) -> dt.date:
    """The day a projection describes: ``at``'s last day, or the dataset's "current as of" day.

    Raises
    ------
    UsageError
        If ``at`` is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or the store has no date.
    """
    if at is None:
        at = current_as_of(store)
        if at is None:
            raise UsageError("the store has no 'current as of' date: give --at")
    return _parse_at(at).last_day()


def _node_rows(store: Store, codes: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Nodes by IRI, each with its ``key`` in the projections: its code, unless another kind of
    resource has the same code (a state ``NAM`` and an organisation ``NAM``): then the state keeps
    the code and the other is keyed ``CODE@org`` (``CODE@territory``). With ``codes``, only the
    nodes with those codes (every kind of each: their keys are the same)."""
    rows: dict[str, dict[str, Any]] = {}
    if codes is None:
        found = _rows(store, "network_nodes")
    else:
        import pyoxigraph as ox

        values = " ".join(str(ox.Literal(code)) for code in sorted(set(codes)))
        text = _sparql("network_nodes").replace("# @values", f"VALUES ?code {{ {values} }}")
        result = cast("QuerySolutions", store.query(text)) if values else None
        columns = [v.value for v in result.variables] if result is not None else []
        found = [{c: value_of(s[c]) for c in columns} for s in result] if result is not None else []
    for row in found:
        rows.setdefault(row["iri"], row)
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in rows.values():
        kinds[row["code"]].add(row["kind"])
    for row in rows.values():
        shared = len(kinds[row["code"]]) > 1 and row["kind"] != "state"
        suffix = "org" if row["kind"] == "organization" else row["kind"]
        row["key"] = f"{row['code']}@{suffix}" if shared else row["code"]
    return rows


def state_periods(store: Store) -> dict[str, tuple[str, dt.date | None, dt.date | None]]:
    """Every state (not territories) with its English name and period of existence.

    The period is ``(start, end)`` as first days (``end`` exclusive); ``None`` means the state
    exists from before (or after) any date the data covers, as in the ``states`` catalogue query.
    """
    return {
        row["code"]: (str(row["label"] or row["code"]), _first(row["start"]), _first(row["end"]))
        for row in _node_rows(store).values()
        if row["kind"] == "state"
    }


def state_spans(store: Store) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Every state's period of existence, as :func:`state_periods` gives it, without the names,
    for analytics that need only which states exist on a day: one literal of the derived graph
    (``al:stateSpans``), a few milliseconds whatever the store's size.

    Raises
    ------
    StoreError
        A store derived before the analytics tables (:func:`check_tables`).
    """
    check_tables(store)
    spans: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for solution in store.select(f"SELECT ?spans WHERE {{ <{DERIVED}> <{AL}stateSpans> ?spans }}"):
        for line in solution["spans"].value.split("\n"):
            if line:
                code, start, end = line.split("\t")
                spans[code] = (_first(start), _first(end))
    return spans


def _edges_touching(store: Store, codes: Iterable[str],
                    among: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`edge_rows` whose source or target has one of ``codes`` (and, with
    ``among``, whose other end has one of those), read from those nodes (``network_edges.rq``
    with its ``# @values`` lines bound), in the same order."""
    import pyoxigraph as ox

    wanted = sorted(set(codes))
    if not wanted:
        return []
    values = " ".join(str(ox.Literal(code)) for code in wanted)
    others = None if among is None else set(among)
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for variable, counterpart in (("source", "target"), ("target", "source")):
        block = f"VALUES ?{variable} {{ {values} }}"
        text = re.sub(r"# @values(.*)$", lambda m: f"{block}{m.group(1)}",
                      _sparql("network_edges"), flags=re.MULTILINE)
        result = cast("QuerySolutions", store.query(text))
        columns = [v.value for v in result.variables]
        for s in result:
            row = {c: value_of(s[c]) for c in columns}
            if others is None or row[counterpart] in others:
                rows.setdefault(tuple(row[c] for c in columns), row)
    sources = _sources_of(store, (row["fact"] for row in rows.values()))
    ordered = _sorted_rows(list(rows.values()))
    for row in ordered:
        row["sources"] = sources.get(row["fact"], "")
    return ordered


def node_keys(store: Store, resources: Sequence[tuple[str, str]]) -> list[str]:
    """The keys in the projections of ``resources`` given as (IRI, code): the code, or
    ``CODE@org`` where a state has the same code (see :func:`_node_rows`); one small query."""
    rows = _node_rows(store, [code for _, code in resources])
    return [rows[iri]["key"] if iri in rows else code for iri, code in resources]


def _row_order(row: dict[str, Any]) -> tuple[tuple[bool, str], ...]:
    """The order of ``network_edges.rq`` (``ORDER BY ?kind ?source ?target ?label ?start``:
    unbound first)."""
    return tuple((row[c] is not None, row[c] or "") for c in ("kind", "source", "target", "label", "start"))


def _sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=_row_order)


def _partnerships(store: Store) -> list[_Partnership]:
    """Every partnership with its steps (the rows of ``kg/sparql/network_steps.rq`` with their
    sources), read from the derived graph's ``al:partnershipSteps`` literals."""
    check_tables(store)
    columns = ("partnership", "partner", "counterpart", "framework", "status", "start", "end", "step",
               "partnerIri", "counterpartIri", "sources")
    found_rows = []
    for solution in store.select(f"SELECT ?steps WHERE {{ ?p <{AL}partnershipSteps> ?steps }}"):
        for line in solution["steps"].value.split("\n"):
            row: dict[str, Any] = dict(zip(columns, line.split("\t"), strict=True))
            row["start"], row["end"] = row["start"] or None, row["end"] or None
            row["sources"] = "; ".join(sorted(set(row["sources"].split("; ")))) if row["sources"] else ""
            found_rows.append(row)
    # network_steps.rq's order: ORDER BY ?partnership ?s ?status (unbound first)
    found_rows.sort(key=lambda r: (r["partnership"], r["start"] is not None, r["start"] or "", r["status"]))
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in found_rows:
        grouped[row["partnership"]].append(row)
    found = []
    for code, rows in sorted(grouped.items()):
        first = rows[0]
        steps = tuple(
            sorted(
                ((r["start"], r["end"], r["status"], r["sources"] or "") for r in rows),
                key=lambda s: (_first(s[0]) or dt.date.min, s[2]),
            )
        )
        found.append(_Partnership(code, first["partner"], first["counterpart"], first["framework"],
                                  steps, first["partnerIri"], first["counterpartIri"]))
    return found


def successors(store: Store) -> dict[str, frozenset[str]]:
    """Organisation code -> the codes of every organisation that continues it, directly or
    through others (``al:continuedBy``: the EEC is continued by the EC, the EC by the EU).
    The direct links are read (a handful); the closure is taken here."""
    direct: dict[str, set[str]] = defaultdict(set)
    query = f"SELECT ?a ?b WHERE {{ ?x <{AL}continuedBy> ?y . ?x <{AL}code> ?a . ?y <{AL}code> ?b }}"
    for solution in cast("QuerySolutions", store.query(query)):
        direct[solution["a"].value].add(solution["b"].value)
    return closure(direct)


def commitments(store: Store) -> list[Commitment]:
    """Every state's spells in commitments that tie it to others (``alignment_commitments.rq``).

    Levels come from :data:`TIE_LEVELS`; spells of level 0 are kept (they tie no one) so that a
    caller can show them. A membership is counted once: where a state also holds a spell in an
    organisation that continues the commitment (:func:`successors`: the EEC's members in the
    EU, counted from their accession to the Communities), only that spell counts on those days.
    Read from the derived graph's tables (:func:`spell_tables`), one literal per commitment.
    """
    tables = spell_tables(store)
    return _counted_once(_spells(_table_rows(tables, sorted(tables))), successors(store))


def commitments_of(store: Store, states: Iterable[str]) -> list[Commitment]:
    """The spells of :func:`commitments` in every commitment that one of ``states`` (codes) ever
    held, and in the organisations that continue those: every spell that can tie one of them to
    another state, read from the derived graph's tables of those commitments only (a literal
    each: the cost follows the answer, not the store).

    >>> from kg.store import open_store
    >>> sorted({c.state for c in commitments_of(open_store("memory"), ["NZL"])})[:3]
    ['AFG', 'AGO', 'ALB']
    """
    codes = sorted(set(states))
    if not codes:
        return []
    tables = spell_tables(store, states=codes)
    wanted_states = set(codes)
    held = sorted({code for code, text in tables.items()
                   if any(line.split("\t", 1)[0] in wanted_states for line in text.split("\n"))})
    later = successors(store)
    wanted = sorted(set(held).union(*(later.get(code, ()) for code in held)))
    missing = [code for code in wanted if code not in tables]
    if missing:
        tables.update(spell_tables(store, commitments=missing))
    return _counted_once(_spells(_table_rows(tables, wanted)), later)


def check_tables(store: Store) -> None:
    """Refuse a store whose derived graph has no analytics tables of this form (its version is
    older than :data:`kg.derived.TABLES_VERSION`): it was derived by an earlier version of kg,
    and reading it would give wrong answers.

    Raises
    ------
    StoreError
        Asking for a rebuild.
    """
    check_derivation(store, TABLES_VERSION)


def spell_tables(store: Store, *, states: Sequence[str] | None = None,
                 commitments: Sequence[str] | None = None) -> dict[str, str]:
    """Commitment code -> its ``al:commitmentSpells`` literal (lines ``state TAB kind TAB start
    TAB end``, see ``kg/sparql/derived.rq``): of every commitment, of those ``commitments``
    (codes), or of every organisation in which one of ``states`` (codes) has a membership.
    Checks first that the store has the tables (:func:`check_tables`)."""
    import pyoxigraph as ox

    check_tables(store)
    pattern = f"?t <{AL}commitmentSpells> ?spells ; <{AL}code> ?code ."
    if states is not None:
        values = " ".join(str(ox.Literal(code)) for code in states)
        pattern = (f"VALUES ?state {{ {values} }} ?x <{AL}code> ?state . ?m <{AL}member> ?x ; "
                   f"<{AL}organization> ?t . {pattern}")
    elif commitments is not None:
        values = " ".join(str(ox.Literal(code)) for code in commitments)
        pattern = f"VALUES ?code {{ {values} }} {pattern}"
    return {s["code"].value: s["spells"].value
            for s in store.select(f"SELECT DISTINCT ?code ?spells WHERE {{ {pattern} }}")}


def _table_rows(tables: dict[str, str], wanted: Iterable[str]) -> list[dict[str, Any]]:
    """The rows of ``alignment_commitments.rq`` of the commitments ``wanted``, from their tables,
    in its order (commitment, state, start, kind)."""
    rows = []
    for code in wanted:
        for line in tables.get(code, "").split("\n"):
            if line:
                state, kind, start, end = line.split("\t")
                rows.append({"state": state, "commitment": code, "kind": kind, "start": start,
                             "end": end or None})
    rows.sort(key=lambda r: (r["commitment"], r["state"], r["start"], r["kind"], r["end"] or ""))
    return rows
