"""Projections of the RDF graph into NetworkX.

The alignment network is a :class:`networkx.MultiDiGraph`: nodes are states and organisations
(keyed by code), edges are memberships (member -> organisation), partnerships (partner ->
counterpart) and stances (actor -> party), each with its label, dates and sources.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import networkx as nx

from kg.dates import PartialDate, parse_date
from kg.errors import UsageError
from kg.query import value_of
from kg.store import Store

__all__ = ["alignment_network", "ego_network", "restrict_to_orgs", "in_force"]

_SPARQL = Path(__file__).resolve().parent / "sparql"


@cache
def _sparql(name: str) -> str:
    return (_SPARQL / f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: Store, name: str) -> list[dict[str, object]]:
    result = store.query(_sparql(name))
    columns = [v.value for v in result.variables]
    return [{c: value_of(s[c]) for c in columns} for s in result]


def in_force(start: str | None, end: str | None, day: PartialDate) -> bool:
    """Whether a fact from ``start`` (inclusive) to ``end`` (exclusive) holds on ``day``'s last day."""
    last = day.last_day()
    if start is None or parse_date(start).first_day() > last:
        return False
    return end is None or parse_date(end).first_day() > last


def alignment_network(store: Store, *, at: str | None = None) -> nx.MultiDiGraph:
    """The membership, partnership and stance network, all of it or as of ``at``.

    Node attributes: ``kind`` (``state`` or ``organization``), ``label``, ``code``,
    ``org_kind``, ``tooltip``. Edge attributes: ``kind``, ``label``, ``start``, ``end``,
    ``sources``, ``tooltip``. Nodes without any edge are left out.
    """
    day = None
    if at is not None:
        try:
            day = parse_date(at)
        except ValueError as exc:
            raise UsageError(f"--at: {exc}") from None
    graph = nx.MultiDiGraph()
    nodes = {row["code"]: row for row in _rows(store, "network_nodes")}
    for row in _rows(store, "network_edges"):
        if day is not None and not in_force(row["start"], row["end"], day):
            continue
        for code in (row["source"], row["target"]):
            if code not in graph and code in nodes:
                node = nodes[code]
                kind = str(node["kind"])
                label = str(node["label"] or code)
                tooltip = f"{label} ({code})\n{kind}" + (f": {node['orgKind']}" if node["orgKind"] else "")
                graph.add_node(code, kind=kind, label=label, code=code,
                               org_kind=node["orgKind"] or "", tooltip=tooltip)
        if row["source"] not in graph or row["target"] not in graph:
            continue
        period = f"from {row['start']}" if row["start"] else "start unknown"
        if row["end"]:
            period += f" until {row['end']}"
        tooltip = (f"{row['source']} -> {row['target']}: {row['kind']} ({row['label']})\n{period}"
                   f"\nsources: {row['sources'] or 'none'}")
        graph.add_edge(row["source"], row["target"], kind=row["kind"], label=row["label"],
                       start=row["start"] or "", end=row["end"] or "",
                       sources=row["sources"] or "", tooltip=tooltip)
    return graph


def ego_network(graph: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """The part of ``graph`` within ``depth`` edges of ``focus`` (edges in either direction)."""
    if focus not in graph:
        raise UsageError(f"--focus: {focus!r} is not in the graph")
    return nx.ego_graph(graph, focus, radius=depth, undirected=True).copy()


def restrict_to_orgs(graph: nx.MultiDiGraph, orgs: list[str]) -> nx.MultiDiGraph:
    """The edges that touch one of ``orgs``, with their end nodes."""
    missing = [o for o in orgs if o not in graph]
    if missing:
        raise UsageError(f"--org: not in the graph: {', '.join(missing)}")
    keep = {o for o in orgs}
    edges = [(u, v, k) for u, v, k in graph.edges(keys=True) if u in keep or v in keep]
    return graph.edge_subgraph(edges).copy()
