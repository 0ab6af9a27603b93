"""What a drawing of the alignment graph shows, for the page and the picture alike: nodes with
their shape, colour, size and position, edges with their style and years, the legend
(:func:`scene`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from kg.dates import parse_date
from kg.errors import DataError
from kg.viz.layout import layout, place, spread_labels

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EDGE_STYLES", "PHYSICS_MAX_NODES", "scene"]

_STATE_COLOUR: Final = "#4e79a7"
_TERRITORY_COLOUR: Final = "#a0cbe8"
#: Organisation colours by ``org_kind``; any other kind is drawn grey.
_ORG_COLOURS: Final[Mapping[str, str]] = {
    "collective-defence-alliance": "#e15759",
    "intelligence-alliance": "#b07aa1",
    "security-partnership": "#f28e2b",
    "political-economic-union": "#59a14f",
    "regional-organisation": "#edc948",
    "treaty-organisation": "#76b7b2",
    "forum": "#9c755f",
}
_OTHER_ORG_COLOUR: Final = "#bab0ac"
_FOCUS_COLOUR: Final = "#d62728"
_UNDATED_COLOUR: Final = "#b0b0b0"
#: Edge kind -> (colour, vis-network ``dashes``).
EDGE_STYLES: Final[Mapping[str, tuple[str, bool | list[int]]]] = {
    "membership": ("#6b6b6b", False),
    "partnership": ("#2a9d8f", [8, 5]),
    "stance": ("#c2185b", [2, 4]),
}
_NODE_KINDS: Final = ("state", "territory", "organization")
#: Above this many nodes the page gets positions computed here (a seeded NetworkX layout) instead
#: of running the browser's physics, so that a graph of the whole world opens within seconds.
PHYSICS_MAX_NODES: Final = 150


def scene(graph: nx.MultiDiGraph, *, focus: Sequence[str] = (), as_of: str | None = None,
          sources: Mapping[str, Mapping[str, str]] | None = None,
          until: int | None = None) -> dict[str, Any]:
    """What is drawn, as plain JSON-able values in a stable order: ``nodes`` and ``edges`` with
    their styles and positions, the ``focus``, ``asOf``, cited ``sources``, the slider's
    ``years`` and the ``legend`` (see :func:`kg.viz.page.render_html` for ``graph``)."""
    for key in graph.nodes:
        if not isinstance(key, str):
            raise DataError(f"node key {key!r} is not a string")
    focused = sorted({key for key in focus if key in graph})
    nodes = [_node(key, graph.nodes[key]) for key in sorted(graph.nodes)]
    _importance(nodes, graph, focused)
    positions = None
    if len(nodes) > PHYSICS_MAX_NODES and not any("x" in graph.nodes[n] for n in graph):
        positions = layout(graph)
    place(nodes, graph, positions)
    if positions is not None:
        spread_labels(nodes)
    labels = {node["id"]: node["name"] for node in nodes}
    edges = _edges(graph, labels)
    starts = [edge["startYear"] for edge in edges if edge["startYear"] is not None]
    org_kinds = sorted({n["orgKind"] for n in nodes if n["kind"] == "organization"})
    legend_nodes = [
        {"name": name, "shape": shape, "color": colour, "group": kind}
        for kind, name, shape, colour in (
            ("state", "State", "dot", _STATE_COLOUR),
            ("territory", "Territory", "square", _TERRITORY_COLOUR),
        )
        if any(n["kind"] == kind for n in nodes)
    ]
    legend_nodes += [
        {
            "name": _org_kind_name(kind),
            "shape": "diamond",
            "color": _ORG_COLOURS.get(kind, _OTHER_ORG_COLOUR),
            "group": f"org:{kind}",
        }
        for kind in org_kinds
    ]
    cited = sorted({s for edge in edges for s in edge["sources"]})
    return {
        "nodes": nodes,
        "edges": edges,
        "focus": focused,
        "asOf": as_of,
        "sources": {key: _citation(sources[key]) for key in cited if sources and key in sources},
        "years": [min(starts), max(max(starts), until or 0)] if starts and as_of is None else None,
        "legend": {
            "nodes": legend_nodes,
            "edges": [
                {"kind": kind, "name": kind.capitalize(), "color": colour, "dashes": dashes}
                for kind, (colour, dashes) in EDGE_STYLES.items()
            ],
        },
    }


def _citation(source: Mapping[str, str]) -> dict[str, str]:
    url = str(source.get("url") or "")
    return {"title": str(source.get("title") or ""), "publisher": str(source.get("publisher") or ""),
            "published": str(source.get("published") or ""),
            "url": url if url.startswith(("http://", "https://")) else ""}


def _importance(nodes: list[dict[str, Any]], graph: nx.MultiDiGraph, focused: Sequence[str]) -> None:
    """Give each node a ``value`` (vis-network scales its size and its label's font by it):
    the number of distinct neighbours, organisations counted double, the focus the most."""
    neighbours = {key: len(set(graph.successors(key)) | set(graph.predecessors(key)))
                  if graph.is_directed() else len(set(graph.neighbors(key))) for key in graph.nodes}
    top = max(neighbours.values(), default=1) or 1
    for node in nodes:
        value = neighbours.get(node["id"], 0) * (2 if node["kind"] == "organization" else 1)
        node["value"] = round(1 + 9 * math.sqrt(min(value, top) / top), 3)
        node["degree"] = neighbours.get(node["id"], 0)
        if node["id"] in focused:
            node["value"] = 10
            node["focus"] = True
            node["borderWidth"] = 4
            node["color"] = {"background": node["color"], "border": _FOCUS_COLOUR,
                             "highlight": {"background": node["color"], "border": _FOCUS_COLOUR}}
            node["font"] = {"bold": True, "color": "#000000"}


def _node(key: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    kind = attrs.get("kind")
    if kind not in _NODE_KINDS:
        raise DataError(f"node {key!r}: kind {kind!r} is not one of {', '.join(_NODE_KINDS)}")
    code = str(attrs.get("code") or key)
    label = str(attrs.get("label") or code)
    node: dict[str, Any] = {"id": key, "code": code, "label": label, "name": label, "kind": kind,
                            "category": kind}
    if kind == "organization" and len(label) > 16 and code:
        node["label"] = code  # drawn short (NATO, OSCE); the name is in the tooltip and the details
    if kind == "state":
        node.update(shape="dot", size=10, color=_STATE_COLOUR)
        described = "State"
    elif kind == "territory":
        node.update(shape="square", size=7, color=_TERRITORY_COLOUR)
        described = "Territory"
    else:
        org_kind = str(attrs.get("org_kind") or "other")
        node.update(
            shape="diamond",
            size=14,
            color=_ORG_COLOURS.get(org_kind, _OTHER_ORG_COLOUR),
            orgKind=org_kind,
            category=f"org:{org_kind}",
        )
        described = _org_kind_name(org_kind)
    tooltip = attrs.get("tooltip")
    node["tooltip"] = str(tooltip) if tooltip else f"{label} ({code})\n{described}"
    return node


def _edges(graph: nx.MultiDiGraph, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        kind = attrs.get("kind")
        if kind not in EDGE_STYLES:
            choices = ", ".join(EDGE_STYLES)
            raise DataError(f"edge {source!r} -> {target!r}: kind {kind!r} is not one of {choices}")
        text = [str(attrs.get(name) or "") for name in ("label", "start", "end", "tooltip", "sources")]
        rows.append((source, target, kind, *text, str(key)))
    rows.sort()
    parallel: Counter[tuple[str, str]] = Counter()
    edges = []
    for index, (source, target, kind, label, start, end, tooltip, cited, _) in enumerate(rows):
        colour, dashes = EDGE_STYLES[kind]
        edge: dict[str, Any] = {
            "id": f"e{index}",
            "from": source,
            "to": target,
            "kind": kind,
            "color": {"color": colour, "highlight": colour, "hover": colour},
            "dashes": dashes,
            "startYear": _year(start, source, target),
            "endYear": _year(end, source, target),
            "what": label,
            "start": start,
            "end": end,
            "sources": sorted({s.strip() for s in cited.split(";") if s.strip()}),
        }
        if not start:  # undated: drawn as such (grey, dotted), never as if in force every year
            edge["undated"] = True
            edge["dashes"] = [2, 6]
            edge["color"] = {"color": _UNDATED_COLOUR, "highlight": colour, "hover": colour}
        pair = (min(source, target), max(source, target))
        rank = parallel[pair]
        parallel[pair] += 1
        if rank:  # draw edges between the same two nodes as separate curves
            edge["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": round(0.2 * rank, 2),
            }
        if tooltip:
            edge["tooltip"] = tooltip
        else:
            period = f"{start or '?'} – {end}" if end else (f"since {start}" if start else "")
            edge["tooltip"] = "\n".join(
                line
                for line in (
                    f"{labels[source]} → {labels[target]}",
                    f"{kind}: {label}" if label else kind,
                    period,
                )
                if line
            )
        edges.append(edge)
    return edges


def _year(text: str, source: str, target: str) -> int | None:
    if not text:
        return None
    try:
        return parse_date(text).year
    except ValueError as exc:
        raise DataError(f"edge {source!r} -> {target!r}: {exc}") from None


def _org_kind_name(org_kind: str) -> str:
    return org_kind.replace("-", " ").capitalize()
