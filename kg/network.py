"""Projections of the RDF graph into NetworkX, each as of a date.

Four projections, all keyed by code (``"NZL"``, ``"NATO"``):

- :func:`alignment_network`: memberships (member -> organisation), partnerships (partner ->
  counterpart) and stances (actor -> party) in one :class:`networkx.MultiDiGraph`, the whole history
  or as of a date; this is what ``kg viz`` draws;
- :func:`membership_graph`: the bipartite state-organisation graph of memberships in force on a day;
- :func:`partnership_graph`: the partnerships in force on a day, one edge per framework;
- :func:`alignment_graph`: the weighted state-state graph of shared commitments on a day.

:func:`write_graph` writes any of them as GraphML, GEXF or node-link JSON for Gephi, Cytoscape and
igraph. Nothing here imports numpy: the heavy analytics live in :mod:`kg.analysis`.

Examples
--------
>>> from kg.store import open_store
>>> g = membership_graph(open_store("memory"), at="1990")
>>> sorted(g["NATO"])[:3]
['BEL', 'CAN', 'DEU']
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, cast

import networkx as nx

from kg.dates import PartialDate, parse_date
from kg.errors import UsageError
from kg.query import current_as_of, value_of
from kg.stores.base import Store
from kg.vocab import AL

if TYPE_CHECKING:
    from pyoxigraph import QuerySolutions

__all__ = [
    "FULL_ROLES",
    "GRAPH_FORMATS",
    "PROJECTIONS",
    "TIE_LEVELS",
    "Commitment",
    "alignment_graph",
    "alignment_network",
    "commitments",
    "commitments_of",
    "ego_network",
    "in_force",
    "membership_graph",
    "network_around",
    "partnership_graph",
    "projection",
    "resolve_day",
    "restrict_to_orgs",
    "state_periods",
    "state_spans",
    "successors",
    "tie_level",
    "write_graph",
]

_SPARQL = Path(__file__).resolve().parent / "sparql"

#: The tie level a shared commitment of each kind gives two states (the scale of the COW alliance
#: types as used by Signorino and Ritter 1999): 3 defence pact, 2 neutrality or non-aggression,
#: 1 consultation or entente, 0 none. Organisation kinds first (see docs/analysis.md for why each
#: has its level; a COW IGO or an imported ATOP/COW alliance gives none by its kind), then the
#: treaty obligations that imported memberships carry (``kg/sparql/alignment_commitments.rq``).
#: A kind not listed here gives no tie.
TIE_LEVELS: Final[Mapping[str, int]] = {
    "collective-defence-alliance": 3,
    "security-partnership": 1,
    "intelligence-alliance": 1,
    "political-economic-union": 1,
    "regional-organisation": 1,
    "forum": 1,
    "treaty-organisation": 0,
    "intergovernmental-organisation": 0,
    "formal-alliance": 0,
    "defence": 3,
    "offence": 3,
    "neutrality": 2,
    "non-aggression": 2,
    "consultation": 1,
    "entente": 1,
}
#: The membership roles that share an organisation's commitments with the other members.
FULL_ROLES: Final = ("member", "founding member")
#: The projections :func:`projection` knows, by name.
PROJECTIONS: Final = ("all", "memberships", "partnerships", "alignment")
#: The file formats of :func:`write_graph`.
GRAPH_FORMATS: Final = ("graphml", "gexf", "json")


def tie_level(kind: str | None) -> int:
    """The tie level of a commitment kind (:data:`TIE_LEVELS`; 0 for an unknown kind).

    >>> tie_level("collective-defence-alliance"), tie_level("forum"), tie_level("treaty-organisation")
    (3, 1, 0)
    """
    return TIE_LEVELS.get(kind or "", 0)


@cache
def _sparql(name: str) -> str:
    return (_SPARQL / f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: Store, name: str) -> list[dict[str, Any]]:
    result = cast("QuerySolutions", store.query(_sparql(name)))
    columns = [v.value for v in result.variables]
    return [{c: value_of(s[c]) for c in columns} for s in result]


def _fact_sources(store: Store) -> dict[str, str]:
    """Fact IRI -> its source ids, sorted and ``"; "``-joined."""
    ids: dict[str, list[str]] = defaultdict(list)
    for solution in cast("QuerySolutions", store.query(_sparql("fact_sources"))):
        ids[solution["fact"].value].append(solution["id"].value)
    return {fact: "; ".join(sorted(set(found))) for fact, found in ids.items()}


def _with_sources(store: Store, name: str, key: str, sources: dict[str, str] | None) -> list[dict[str, Any]]:
    """The rows of query ``name``, each with ``sources``: those of the IRI in column ``key``
    (from ``sources``, as :func:`_fact_sources` gives them; read from the store when ``None``)."""
    rows = _rows(store, name)
    if sources is None:
        sources = _fact_sources(store)
    for row in rows:
        row["sources"] = sources.get(row[key], "")
    return rows


def edge_rows(store: Store, sources: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The network's edges (``kg/sparql/network_edges.rq``), each with its ``sources``."""
    return _with_sources(store, "network_edges", "fact", sources)


def _parse_at(at: str) -> PartialDate:
    try:
        return parse_date(at)
    except ValueError as exc:
        raise UsageError(f"--at: {exc}") from None


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


def _first(text: str | None) -> dt.date | None:
    return parse_date(text).first_day() if text else None


def _holds(start: str | None, end: str | None, day: dt.date) -> bool:
    first = _first(start)
    if first is None or first > day:
        return False
    last = _first(end)
    return last is None or last > day


def in_force(start: str | None, end: str | None, day: PartialDate) -> bool:
    """Whether a fact from ``start`` (inclusive) to ``end`` (exclusive) holds on ``day``'s last day.

    >>> in_force("1949-08-24", None, parse_date("1990")), in_force("2023", "2024", parse_date("2024"))
    (True, False)
    """
    return _holds(start, end, day.last_day())


# --- nodes ------------------------------------------------------------------------------------


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
    """Every state's period of existence, as :func:`state_periods` gives it, without the names:
    one light query (a few milliseconds at a million triples), for analytics that need only
    which states exist on a day."""
    text = (f"SELECT ?code ?s ?sp ?e ?ep WHERE {{ ?x a <{AL}State> ; <{AL}code> ?code . "
            f"OPTIONAL {{ ?x <{AL}start> ?s }} OPTIONAL {{ ?x <{AL}startPrecision> ?sp }} "
            f"OPTIONAL {{ ?x <{AL}end> ?e }} OPTIONAL {{ ?x <{AL}endPrecision> ?ep }} }}")

    def day(value: Any, precision: Any) -> dt.date | None:
        if value is None:
            return None
        text = value.value
        if precision is not None and precision.value.endswith("year"):
            text = text[:4]
        elif precision is not None and precision.value.endswith("month"):
            text = text[:7]
        return _first(text)

    return {s["code"].value: (day(s["s"], s["sp"]), day(s["e"], s["ep"]))
            for s in cast("QuerySolutions", store.query(text))}


def _exists(period: tuple[Any, dt.date | None, dt.date | None], day: dt.date) -> bool:
    _, start, end = period
    return (start is None or start <= day) and (end is None or end > day)


# --- the whole network (kg viz) ---------------------------------------------------------------


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
    facts = sorted({row["fact"] for row in rows.values()})
    sources: dict[str, list[str]] = defaultdict(list)
    for chunk in range(0, len(facts), 2000):
        block = " ".join(f"<{fact}>" for fact in facts[chunk:chunk + 2000])
        text = _sparql("fact_sources").replace("# @values", f"VALUES ?fact {{ {block} }}")
        for s in cast("QuerySolutions", store.query(text)):
            sources[s["fact"].value].append(s["id"].value)
    ordered = _sorted_rows(list(rows.values()))
    for row in ordered:
        row["sources"] = "; ".join(sorted(set(sources.get(row["fact"], []))))
    return ordered


def node_keys(store: Store, resources: Sequence[tuple[str, str]]) -> list[str]:
    """The keys in the projections of ``resources`` given as (IRI, code): the code, or
    ``CODE@org`` where a state has the same code (see :func:`_node_rows`); one small query."""
    rows = _node_rows(store, [code for _, code in resources])
    return [rows[iri]["key"] if iri in rows else code for iri, code in resources]


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
            if key not in graph or (key not in foci and _is_universal(graph.nodes[key])):
                continue
            for other in sorted((set(graph.successors(key)) | set(graph.predecessors(key))) - reached):
                reached.add(other)
                following.append(other)
        frontier = following
    # The links among the nodes reached that no step has read: those of the last frontier.
    add(_edges_touching(store, [code(key) for key in frontier], among=[code(k) for k in reached]))
    return ego_networks(graph_of(list(rows.values())), foci, depth)


def _sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: tuple(
        (r[c] is not None, r[c] or "") for c in ("kind", "source", "target", "label", "start")))


def _is_universal(attrs: Mapping[str, Any]) -> bool:
    return attrs.get("kind") == "organization" and tie_level(attrs.get("org_kind")) == 0


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
            if node != focus and _is_universal(graph.nodes[node]):
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


# --- projections as of a day ------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Partnership:
    code: str
    partner: str
    counterpart: str
    framework: str
    steps: tuple[tuple[str | None, str | None, str, str], ...]  # (start, end, status, sources)
    partner_iri: str = ""
    counterpart_iri: str = ""


def _partnerships(store: Store, sources: dict[str, str] | None = None) -> list[_Partnership]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _with_sources(store, "network_steps", "step", sources):
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


def _status_on(partnership: _Partnership, day: dt.date) -> tuple[str, str, str] | None:
    """(status, first start, end) on ``day``, or ``None`` before it began or after it ended."""
    dated = [s for s in partnership.steps if s[0]]
    if not dated or _first(dated[0][0]) > day:  # type: ignore[operator]
        return None
    current = [s for s in dated if _first(s[0]) <= day][-1]  # type: ignore[operator]
    if current[2] == "ended":
        return None
    ended = next((s[0] for s in dated if s[2] == "ended"), None)
    return current[2], str(dated[0][0]), str(ended or "")


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


@dataclass(frozen=True)
class Commitment:
    """One spell of a state in a commitment (an organisation, or a treaty once imported)."""

    state: str
    commitment: str
    kind: str
    level: int
    start: dt.date
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        """Whether the spell is in force on ``day`` (start inclusive, end exclusive)."""
        return self.start <= day and (self.end is None or self.end > day)


def successors(store: Store) -> dict[str, frozenset[str]]:
    """Organisation code -> the codes of every organisation that continues it, directly or
    through others (``al:continuedBy``: the EEC is continued by the EC, the EC by the EU).
    The direct links are read (a handful); the closure is taken here."""
    direct: dict[str, set[str]] = defaultdict(set)
    query = f"SELECT ?a ?b WHERE {{ ?x <{AL}continuedBy> ?y . ?x <{AL}code> ?a . ?y <{AL}code> ?b }}"
    for solution in cast("QuerySolutions", store.query(query)):
        direct[solution["a"].value].add(solution["b"].value)
    found: dict[str, frozenset[str]] = {}
    for code in direct:
        seen: set[str] = set()
        todo = list(direct[code])
        while todo:
            later = todo.pop()
            if later not in seen:
                seen.add(later)
                todo.extend(direct.get(later, ()))
        found[code] = frozenset(seen)
    return found


def _minus(start: dt.date, end: dt.date | None,
           cuts: list[tuple[dt.date, dt.date | None]]) -> list[tuple[dt.date, dt.date | None]]:
    """The parts of ``[start, end)`` outside every ``[cut start, cut end)`` (``None``: open).

    >>> d = dt.date
    >>> _minus(d(1958, 1, 1), None, [(d(1973, 1, 1), None)])
    [(datetime.date(1958, 1, 1), datetime.date(1973, 1, 1))]
    >>> _minus(d(1952, 1, 1), d(2002, 1, 1), [(d(1958, 1, 1), None)])
    [(datetime.date(1952, 1, 1), datetime.date(1958, 1, 1))]
    """
    pieces = [(start, end)]
    for cut_start, cut_end in cuts:
        kept: list[tuple[dt.date, dt.date | None]] = []
        for a, b in pieces:
            if cut_start > a:  # the part before the cut
                kept.append((a, cut_start if b is None or cut_start < b else b))
            if cut_end is not None and (b is None or cut_end < b):  # the part after it
                kept.append((max(a, cut_end), b))
        pieces = [(a, b) for a, b in kept if b is None or a < b]
    return pieces


def commitments(store: Store) -> list[Commitment]:
    """Every state's spells in commitments that tie it to others (``alignment_commitments.rq``).

    Levels come from :data:`TIE_LEVELS`; spells of level 0 are kept (they tie no one) so that a
    caller can show them. A membership is counted once: where a state also holds a spell in an
    organisation that continues the commitment (:func:`successors`: the EEC's members in the
    EU, counted from their accession to the Communities), only that spell counts on those days.
    """
    return _counted_once(_spells(_rows(store, "alignment_commitments")), successors(store))


def commitments_of(store: Store, states: Iterable[str]) -> list[Commitment]:
    """The spells of :func:`commitments` in every commitment that one of ``states`` (codes) ever
    held, and in the organisations that continue those: every spell that can tie one of them to
    another state, read from those states and commitments only (two queries whose cost follows
    the answer, not the store).

    >>> from kg.store import open_store
    >>> sorted({c.state for c in commitments_of(open_store("memory"), ["NZL"])})[:3]
    ['AFG', 'AGO', 'ALB']
    """
    codes = sorted({code for code in states})
    if not codes:
        return []
    own = _rows_of(store, "state", codes)
    later = successors(store)
    held = sorted({row["commitment"] for row in own})
    wanted = sorted(set(held).union(*(later.get(code, ()) for code in held)))
    rows = _rows_of(store, "commitment", wanted) if wanted else []
    return _counted_once(_spells(rows), later)


def _rows_of(store: Store, variable: str, codes: list[str]) -> list[dict[str, Any]]:
    """The rows of ``alignment_commitments.rq`` whose ``?variable`` is one of ``codes``, from
    ``alignment_commitments_of.rq`` (the same columns, order and ends)."""
    import pyoxigraph as ox

    block = f"VALUES ?{variable} {{ {' '.join(str(ox.Literal(code)) for code in codes)} }}"
    text = _sparql("alignment_commitments_of").replace("# @values", block)
    spells: dict[str, dict[str, Any]] = {}
    for s in cast("QuerySolutions", store.query(text)):
        spell = spells.setdefault(s["m"].value, {
            "state": s["state"].value, "commitment": s["commitment"].value,
            "start": s["start"].value, "end": _earlier(s["spellEnd"], s["dissolved"]),
            "kinds": set(), "obligations": set()})
        if s["orgKind"] is not None:
            spell["kinds"].add(s["orgKind"].value)
        if s["obligation"] is not None:
            spell["obligations"].add(s["obligation"])
    codes_of = _obligation_codes(store, {o for spell in spells.values() for o in spell["obligations"]})
    rows = []
    for spell in spells.values():
        kinds = sorted(spell["kinds"]) + sorted(codes_of[o] for o in spell["obligations"])
        rows += [{"state": spell["state"], "commitment": spell["commitment"], "kind": kind,
                  "start": spell["start"], "end": spell["end"]} for kind in kinds]
    rows.sort(key=lambda r: (r["commitment"], r["state"], r["start"], r["kind"]))
    return rows


def _earlier(a: Any, b: Any) -> str | None:
    """The earlier of two optional xsd:date terms, as text (as ``alignment_commitments.rq``)."""
    values = [term.value for term in (a, b) if term is not None]
    return min(values) if values else None


def _obligation_codes(store: Store, obligations: set[Any]) -> dict[Any, str]:
    """Each obligation's code, or the end of its IRI (as ``alignment_commitments.rq``)."""
    if not obligations:
        return {}
    found = {o: o.value.partition("/obligation/")[2] for o in obligations}
    values = " ".join(str(o) for o in obligations)
    for s in cast("QuerySolutions", store.query(
            f"SELECT ?o ?code WHERE {{ VALUES ?o {{ {values} }} ?o <{AL}code> ?code }}")):
        found[s["o"]] = s["code"].value
    return found


def _spells(rows: Iterable[Mapping[str, Any]]) -> list[Commitment]:
    return [
        Commitment(
            state=row["state"],
            commitment=row["commitment"],
            kind=row["kind"],
            level=tie_level(row["kind"]),
            start=dt.date.fromisoformat(row["start"]),
            end=dt.date.fromisoformat(row["end"]) if row["end"] else None,
        )
        for row in rows
    ]


def _counted_once(spells: list[Commitment], later: Mapping[str, frozenset[str]]) -> list[Commitment]:
    """The spells, each cut where its state holds a spell in an organisation that continues it."""
    if not later:
        return spells
    held: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for spell in spells:
        held[(spell.state, spell.commitment)].append((spell.start, spell.end))
    counted = []
    for spell in spells:
        cuts = [period for code in sorted(later.get(spell.commitment, ()))
                for period in held.get((spell.state, code), [])]
        counted += [replace(spell, start=a, end=b) for a, b in _minus(spell.start, spell.end, cuts)]
    return counted


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


# --- files ------------------------------------------------------------------------------------


def _plain(value: Any) -> str | int | float | bool:
    """An attribute value every format keeps: never ``None`` (GraphML has no null)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _clean(graph: nx.Graph) -> nx.Graph:
    """A copy whose attribute values are plain and of one type per name (GraphML, GEXF)."""
    copy = graph.copy()
    copy.graph = {k: _plain(v) for k, v in graph.graph.items()}
    items: Iterable[dict[str, Any]] = [a for _, a in copy.nodes(data=True)]
    edges = [a for *_, a in copy.edges(data=True)]
    for group in (items, edges):
        types: dict[str, set[type]] = defaultdict(set)
        for attrs in group:
            for key in list(attrs):
                attrs[key] = _plain(attrs[key])
                types[key].add(type(attrs[key]))
        mixed = {key for key, seen in types.items() if len(seen) > 1}
        for attrs in group:
            for key in mixed & attrs.keys():
                attrs[key] = str(attrs[key])
    return copy


def write_graph(graph: nx.Graph, out: IO[bytes], fmt: str) -> None:
    """Write ``graph`` to the binary file ``out`` as ``graphml``, ``gexf`` or ``json``.

    GraphML and GEXF carry every attribute with one type per name and no null values (a missing
    value is ``""``); ``json`` is NetworkX's node-link format (``nodes`` and ``links``, plus
    ``directed``, ``multigraph`` and ``graph``), UTF-8 and deterministic.

    Raises
    ------
    UsageError
        An unknown format.
    """
    if fmt == "graphml":
        nx.write_graphml(_clean(graph), out, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        nx.write_gexf(_clean(graph), out, encoding="utf-8", prettyprint=True)
    elif fmt == "json":
        data = nx.node_link_data(_clean(graph), edges="links")
        out.write(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
        out.write(b"\n")
    else:
        raise UsageError(f"unknown graph format {fmt!r}: one of {', '.join(GRAPH_FORMATS)}")
