"""The NetworkX graphs built from the projections' reads, each as of a date: the whole network
(``kg viz``), the part around some nodes, memberships, partnerships and the state-state
alignment graph.

>>> from kg.store import open_store
>>> g = membership_graph(open_store("memory"), at="1990")
>>> sorted(g["NATO"])[:3]
['BEL', 'CAN', 'DEU']
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any, Final

import networkx as nx

from kg.errors import UsageError
from kg.projection.readers import (
    _edges_touching,
    _node_rows,
    _partnerships,
    _sorted_rows,
    commitments,
    edge_rows,
    resolve_day,
    state_periods,
    successors,
)
from kg.projection.rules import _exists, _holds, _parse_at, _status_on, is_universal
from kg.stores.base import Store

__all__ = ["PROJECTIONS", "alignment_graph", "alignment_network", "ego_network", "ego_networks",
           "membership_graph", "network_around", "partnership_graph", "projection", "restrict_to_orgs"]


#: The projections :func:`projection` knows, by name.
PROJECTIONS: Final = ("all", "memberships", "partnerships", "alignment")


def _node_attrs(row: Mapping[str, Any], *, tooltip: bool = True) -> dict[str, Any]:
    code = str(row["code"])
    kind = str(row["kind"])
    label = str(row["label"] or code)
    attrs: dict[str, Any] = {
        "kind": kind,
        "label": label,
        "code": code,
        "org_kind": str(row["orgKind"] or ""),
    }
    if tooltip:
        described = kind + (f": {row['orgKind']}" if row["orgKind"] else "")
        period = ""
        if row["start"] or row["end"]:
            period = f"\n{row['start'] or '?'} – {row['end'] or ''}".rstrip()
        attrs["tooltip"] = f"{label} ({code})\n{described}{period}"
    return attrs


def alignment_network(store: Store, *, at: str | None = None) -> nx.MultiDiGraph:
    """The membership, partnership and stance network, all of it or as of ``at``.

    Node attributes: ``kind`` (``state``, ``territory`` or ``organization``), ``label``, ``code``,
    ``org_kind``, ``tooltip``. Edge attributes: ``kind``, ``label``, ``start``, ``end``,
    ``sources``, ``tooltip``. Nodes without any edge are left out. Unlike the other projections,
    ``at=None`` means the whole history (every spell, with its dates).
    """
    day = _parse_at(at).last_day() if at is not None else None
    return _network(_node_rows(store), edge_rows(store), day)


def _network(nodes: Mapping[str, Mapping[str, Any]], rows: Iterable[Mapping[str, Any]],
             day: dt.date | None) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for row in rows:
        if day is not None and not _holds(row["start"], row["end"], day):
            continue
        if row["sourceIri"] not in nodes or row["targetIri"] not in nodes:
            continue
        source, target = nodes[row["sourceIri"]], nodes[row["targetIri"]]
        for node in (source, target):
            if node["key"] not in graph:
                graph.add_node(node["key"], **_node_attrs(node))
        period = f"from {row['start']}" if row["start"] else "start unknown"
        if row["end"]:
            period += f" until {row['end']}"
        tooltip = (f"{row['source']} -> {row['target']}: {row['kind']} ({row['label']})\n{period}"
                   f"\nsources: {row['sources'] or 'none'}")
        graph.add_edge(source["key"], target["key"], kind=row["kind"], label=row["label"],
                       start=row["start"] or "", end=row["end"] or "",
                       sources=row["sources"] or "", tooltip=tooltip)
    return graph


def network_around(store: Store, *, focus: Sequence[str] = (), depth: int = 1,
                   orgs: Iterable[str] = (), at: str | None = None) -> nx.MultiDiGraph:
    """What ``restrict_to_orgs`` and :func:`ego_networks` keep of :func:`alignment_network`,
    read from the nodes asked for rather than from the whole store: the edges of ``orgs``
    (keys, as ``--org`` takes them), then (or else) the neighbourhood of the ``focus`` keys to
    ``depth``, one query per step, and last the links among the nodes reached. The same graph as
    narrowing the whole network, at the cost of the part shown.

    >>> from kg.store import open_store
    >>> sorted(network_around(open_store("memory"), orgs=["ANZUS"]))
    ['ANZUS', 'AUS', 'NZL', 'USA']
    """
    day = _parse_at(at).last_day() if at is not None else None
    orgs = list(orgs)

    def code(key: str) -> str:
        return key.split("@", 1)[0]

    def graph_of(rows: list[dict[str, Any]]) -> nx.MultiDiGraph:
        codes = {r["source"] for r in rows} | {r["target"] for r in rows}
        return _network(_node_rows(store, codes), _sorted_rows(rows), day)

    foci = list(focus)
    if orgs:
        graph = restrict_to_orgs(graph_of(_edges_touching(store, [code(o) for o in orgs])), orgs)
        return ego_networks(graph, foci, depth) if foci else graph
    if not foci:
        return alignment_network(store, at=at)
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add(found: list[dict[str, Any]]) -> None:
        for row in found:
            rows.setdefault(tuple(sorted((k, str(v)) for k, v in row.items())), row)

    reached = set(foci)
    frontier = list(foci)
    if depth == 0:
        add(_edges_touching(store, [code(f) for f in foci]))  # a focus is in the graph if it has a link
    for _ in range(depth):
        add(_edges_touching(store, [code(key) for key in frontier]))
        graph = graph_of(list(rows.values()))
        following: list[str] = []
        for key in frontier:
            if key not in graph or (key not in foci and is_universal(graph.nodes[key])):
                continue
            for other in sorted((set(graph.successors(key)) | set(graph.predecessors(key))) - reached):
                reached.add(other)
                following.append(other)
        frontier = following
    # The links among the nodes reached that no step has read: those of the last frontier.
    add(_edges_touching(store, [code(key) for key in frontier], among=[code(k) for k in reached]))
    return ego_networks(graph_of(list(rows.values())), foci, depth)


def ego_network(graph: nx.Graph, focus: str, depth: int) -> nx.Graph:
    """The part of ``graph`` within ``depth`` edges of ``focus`` (edges in either direction).

    Organisations whose kind gives no tie (:data:`TIE_LEVELS` 0: the UN, the OECD) are included
    when reached but not gone through, unless they are the focus: through a universal
    organisation every state would be two steps from every other.
    """
    if focus not in graph:
        raise UsageError(f"--focus: {focus!r} is not in the graph")
    directed = graph.is_directed()
    reached = {focus}
    frontier = [focus]
    for _ in range(depth):
        following: list[str] = []
        for node in frontier:
            if node != focus and is_universal(graph.nodes[node]):
                continue
            near = set(graph.successors(node)) | set(graph.predecessors(node)) if directed \
                else set(graph.neighbors(node))
            for other in sorted(near - reached):
                reached.add(other)
                following.append(other)
        frontier = following
    return graph.subgraph(reached).copy()


def ego_networks(graph: nx.Graph, foci: list[str], depth: int) -> nx.Graph:
    """The union of the :func:`ego_network` of each of ``foci`` (each refused if not in
    ``graph``), as one subgraph: ``kg viz --focus NZL --focus AUS``."""
    reached: set[str] = set()
    for focus in foci:
        reached |= set(ego_network(graph, focus, depth))
    return graph.subgraph(reached).copy()


def restrict_to_orgs(graph: nx.MultiDiGraph, orgs: list[str]) -> nx.MultiDiGraph:
    """The edges that touch one of ``orgs``, with their end nodes."""
    missing = [o for o in orgs if o not in graph]
    if missing:
        raise UsageError(f"--org: not in the graph: {', '.join(missing)}")
    keep = set(orgs)
    edges = [(u, v, k) for u, v, k in graph.edges(keys=True) if u in keep or v in keep]
    return graph.edge_subgraph(edges).copy()


def membership_graph(store: Store, *, at: str | None = None) -> nx.Graph:
    """The bipartite member-organisation graph of the memberships in force on a day.

    Parameters
    ----------
    store : Store
        The store to read.
    at : str, optional
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a month or a year means its last day); default:
        the dataset's "current as of" day.

    Returns
    -------
    networkx.Graph
        Nodes: states, territories and organisations with at least one membership that day, with
        ``kind``, ``label``, ``code``, ``org_kind`` and ``bipartite`` (0 members, 1 organisations;
        an organisation that is itself a member, like the EU in the G20, is on side 1). Edges:
        ``kind`` (``"membership"``), ``member``, ``organization``, ``role`` (every role, observers
        included), ``start``, ``end`` (``""`` while in force), ``sources``. The graph attribute
        ``at`` is the day.

    Raises
    ------
    UsageError
        A malformed ``at``.
    """
    day = resolve_day(store, at)
    graph = nx.Graph(projection="memberships", at=day.isoformat())
    nodes = _node_rows(store)
    for row in edge_rows(store):
        if row["kind"] != "membership" or not _holds(row["start"], row["end"], day):
            continue
        if row["sourceIri"] not in nodes or row["targetIri"] not in nodes:
            continue
        member, org = nodes[row["sourceIri"]]["key"], nodes[row["targetIri"]]["key"]
        for iri, code in ((row["sourceIri"], member), (row["targetIri"], org)):
            if code not in graph:
                attrs = _node_attrs(nodes[iri], tooltip=False)
                graph.add_node(code, **attrs, bipartite=int(attrs["kind"] == "organization"))
        if graph.has_edge(member, org) and graph.edges[member, org]["start"] >= (row["start"] or ""):
            continue  # two spells in force on one day: keep the later one
        graph.add_edge(member, org, kind="membership", member=member, organization=org,
                       role=row["label"], start=row["start"] or "", end=row["end"] or "",
                       sources=row["sources"] or "")
    # A membership is counted once: not in an organisation when the member also holds one, that
    # day, in an organisation that continues it (the EEC's members in the EU).
    for org, later in successors(store).items():
        if org in graph:
            for member in list(graph.neighbors(org)):
                if any(graph.has_edge(member, code) for code in later):
                    graph.remove_edge(member, org)
            if not graph.degree(org):
                graph.remove_node(org)
    return graph


def partnership_graph(store: Store, *, at: str | None = None) -> nx.MultiGraph:
    """The partnerships in force on a day: from their first dated step until an ``ended`` step.

    Returns a :class:`networkx.MultiGraph` with one edge per partnership between the partner and
    the counterpart (an organisation or a state), keyed by framework code. Edge attributes:
    ``kind`` (``"partnership"``), ``partnership`` (its id), ``partner``, ``counterpart``,
    ``framework``, ``status`` (the status on that day: ``proposed``, ``negotiating``,
    ``concluded``, ``active`` or ``suspended``), ``start`` (the first step), ``end`` (``""``, or the
    day an ``ended`` step is recorded for, after ``at``), ``sources``. Node attributes as in
    :func:`membership_graph`, without ``bipartite``.
    """
    day = resolve_day(store, at)
    graph = nx.MultiGraph(projection="partnerships", at=day.isoformat())
    nodes = _node_rows(store)
    for partnership in _partnerships(store):
        state = _status_on(partnership, day)
        if (state is None or partnership.partner_iri not in nodes
                or partnership.counterpart_iri not in nodes):
            continue
        partner = nodes[partnership.partner_iri]["key"]
        counterpart = nodes[partnership.counterpart_iri]["key"]
        for iri, code in ((partnership.partner_iri, partner), (partnership.counterpart_iri, counterpart)):
            if code not in graph:
                graph.add_node(code, **_node_attrs(nodes[iri], tooltip=False))
        sources = sorted({s for step in partnership.steps for s in step[3].split("; ") if s})
        status, start, end = state
        graph.add_edge(partner, counterpart, key=partnership.framework,
                       kind="partnership", partnership=partnership.code,
                       partner=partner, counterpart=counterpart,
                       framework=partnership.framework, status=status, start=start, end=end,
                       sources="; ".join(sources))
    return graph


def alignment_graph(store: Store, *, at: str | None = None) -> nx.Graph:
    """The weighted state-state graph of shared commitments on a day.

    Nodes: every state in existence that day (``kind``, ``label``, ``code``), with or without
    ties. An edge joins two states that share at least one commitment of level 1 or more
    (:data:`TIE_LEVELS`; through one commitment two states are tied at the lower of their two
    levels in it, which differ only where imported treaty obligations are asymmetric), with
    ``level`` (the strongest shared commitment: their tie level, the entry of each one's
    portfolio for the other), ``weight`` (the sum of their levels over all shared commitments:
    how densely they are tied) and ``via`` (the shared commitments' codes, ``"; "``-joined).

    Examples
    --------
    >>> from kg.store import open_store
    >>> g = alignment_graph(open_store("memory"), at="2024-04-05")
    >>> g.edges["NOR", "USA"]["level"]
    3
    """
    day = resolve_day(store, at)
    graph = nx.Graph(projection="alignment", at=day.isoformat())
    periods = state_periods(store)
    for code in sorted(periods):
        if _exists(periods[code], day):
            graph.add_node(code, kind="state", label=periods[code][0], code=code, org_kind="")
    held: dict[str, dict[str, int]] = defaultdict(dict)  # commitment -> state -> its level
    for spell in commitments(store):
        if spell.level > 0 and spell.state in graph and spell.holds(day):
            levels = held[spell.commitment]
            levels[spell.state] = max(levels.get(spell.state, 0), spell.level)
    ties: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for commitment, levels in sorted(held.items()):
        for a, b in combinations(sorted(levels), 2):
            ties[(a, b)].append((commitment, min(levels[a], levels[b])))
    for (a, b), shared in sorted(ties.items()):
        graph.add_edge(a, b, level=max(level for _, level in shared),
                       weight=sum(level for _, level in shared),
                       via="; ".join(sorted(code for code, _ in shared)))
    return graph


def projection(store: Store, name: str, *, at: str | None = None) -> nx.Graph:
    """The projection ``name`` (one of :data:`PROJECTIONS`) as of ``at`` (default: current).

    ``all`` is :func:`alignment_network` on that day (memberships, partnerships and stances in one
    directed multigraph, without the HTML tooltips).
    """
    if name == "memberships":
        return membership_graph(store, at=at)
    if name == "partnerships":
        return partnership_graph(store, at=at)
    if name == "alignment":
        return alignment_graph(store, at=at)
    if name == "all":
        day = resolve_day(store, at)
        graph = alignment_network(store, at=day.isoformat())
        for _, attrs in graph.nodes(data=True):
            attrs.pop("tooltip", None)
        for _, _, attrs in graph.edges(data=True):
            attrs.pop("tooltip", None)
        graph.graph.update(projection="all", at=day.isoformat())
        return graph
    raise UsageError(f"unknown projection {name!r}: one of {', '.join(PROJECTIONS)}")
