"""Draw the alignment graph as one self-contained, offline HTML page (vis-network).

The page inlines vis-network's script and stylesheet from the copy that pyvis ships, embeds the graph
as JSON, and carries a Content-Security-Policy that forbids every load from outside the file. No
markup is ever built from data: labels and tooltips reach the page as JSON and are shown as text.

Examples
--------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("NZL", kind="state", label="New Zealand", code="NZL")
>>> g.add_node("NATO", kind="organization", label="NATO", code="NATO",
...            org_kind="collective-defence-alliance")
>>> _ = g.add_edge("NZL", "NATO", kind="partnership", label="partner", start="2012")
>>> page = render_html(g)
>>> page.count('<script type="application/json" id="kg-data">')
1
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kg.dates import parse_date
from kg.errors import DataError

if TYPE_CHECKING:
    import os

    import networkx as nx

__all__ = [
    "PHYSICS_MAX_NODES",
    "PICTURE_FORMATS",
    "layout",
    "render_html",
    "write_html",
    "write_picture",
]

_VIS_DIR: Final = ("templates", "lib", "vis-9.1.2")
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
_EDGE_STYLES: Final[Mapping[str, tuple[str, bool | list[int]]]] = {
    "membership": ("#6b6b6b", False),
    "partnership": ("#2a9d8f", [8, 5]),
    "stance": ("#c2185b", [2, 4]),
}
_NODE_KINDS: Final = ("state", "territory", "organization")
_LAYOUT_SEED: Final = 7
#: Above this many nodes the page gets positions computed here (a seeded NetworkX layout) instead
#: of running the browser's physics, so that a graph of the whole world opens within seconds.
PHYSICS_MAX_NODES: Final = 150
#: Static picture formats of :func:`write_picture`.
PICTURE_FORMATS: Final = ("png", "svg")


def render_html(graph: nx.MultiDiGraph, *, title: str = "International alignments",
                focus: Sequence[str] = (), as_of: str | None = None,
                sources: Mapping[str, Mapping[str, str]] | None = None,
                until: int | None = None) -> str:
    """Return an interactive, self-contained HTML page that draws ``graph``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Nodes are codes (``"NZL"``, ``"NATO"``) with attributes ``kind`` (``"state"``,
        ``"territory"`` or ``"organization"``), ``label``, ``code`` and optionally ``org_kind``,
        ``tooltip`` (plain text) and ``x``, ``y`` (a layout in any unit with y pointing up, e.g.
        from :func:`networkx.spring_layout`; it is scaled to fit). A graph of more than
        :data:`PHYSICS_MAX_NODES` nodes without positions gets them from :func:`layout`. Edges have ``kind``
        (``"membership"``, ``"partnership"`` or ``"stance"``), ``label`` and optionally ``start``,
        ``end`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``end`` is exclusive) and ``tooltip``.
    title : str
        Shown as the page title and heading.
    focus : sequence of str, optional
        Nodes to highlight (ringed, larger, always labelled), e.g. the ``--focus`` of ``kg viz``.
    as_of : str, optional
        The day the graph is drawn as of (``kg viz --at``): shown over the drawing, and the year
        slider is not offered. Without it the slider's year is shown there.
    sources : mapping, optional
        ``{source id: {"title", "publisher", "published", "url"}}`` (:func:`kg.citations.source_details`):
        the details panel cites an edge's sources (its ``sources`` attribute, ids joined with
        ``"; "``) with these, linked where a URL is known.
    until : int, optional
        The last year of the slider (default: the latest start year in the graph), e.g. the year
        of the data's "current as of" day, where the slider starts.

    Returns
    -------
    str
        The page. The same graph gives the same bytes, whatever the insertion order.

    Raises
    ------
    DataError
        If a node key is not a string, or a ``kind`` or date is not one of those described above.
    FileNotFoundError
        If the installed pyvis does not ship vis-network 9.1.2.
    RuntimeError
        If vis-network's files contain markup that would break out of the page's elements.

    See Also
    --------
    write_html : Write the page to a file.

    Notes
    -----
    The page shows states as blue dots, territories as light blue squares and organisations as
    diamonds coloured by ``org_kind``; a search box, filters by edge kind and by node kind
    (organisation kinds one by one) and a year slider (an edge is in force in year Y when its start
    year is at most Y and its end year, if any, is after Y). When the drawing is ready it sets
    ``document.body.dataset.kgReady = "1"`` and keeps ``window.kgGraph = {nodes, edges}`` (the counts
    shown) up to date; ``window.kgDraws`` counts the canvas redraws (it stays still once the page
    is idle).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("FRA", kind="state", label="France", code="FRA")
    >>> render_html(g, title="One state").startswith("<!DOCTYPE html>")
    True
    """
    data = _page_data(graph, focus=focus, as_of=as_of, sources=sources, until=until)
    vis_js, vis_css = _vis_assets()
    app_js, app_css = _template_text("graph.js"), _template_text("graph.css")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    return string.Template(_template_text("graph.html")).substitute(
        csp=csp,
        title=html.escape(title),
        vis_css=vis_css,
        app_css=app_css,
        data=_script_json(data),
        vis_js=vis_js,
        app_js=app_js,
    )


def write_html(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    title: str = "International alignments",
    focus: Sequence[str] = (),
    as_of: str | None = None,
    sources: Mapping[str, Mapping[str, str]] | None = None,
    until: int | None = None,
) -> None:
    """Write the page of :func:`render_html` to ``path`` (UTF-8).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The graph, as described in :func:`render_html`.
    path : str or os.PathLike
        The file to create or overwrite, atomically (:func:`kg.output.atomic_output`: a kill or
        a full disk leaves the previous file; a symbolic link or special file is refused).
    title : str
        Shown as the page title and heading.
    focus, as_of, sources, until
        As for :func:`render_html`.

    Raises
    ------
    DataError
        If the graph breaks the contract of :func:`render_html`.
    OSError
        If the file cannot be written.

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "graph.html"
    >>> write_html(nx.MultiDiGraph(), out)
    >>> out.read_text(encoding="utf-8").count('id="kg-data"')
    1
    """
    from kg.output import atomic_output

    page = render_html(graph, title=title, focus=focus, as_of=as_of, sources=sources, until=until)
    with atomic_output(path, text=True, newline="\n") as handle:
        handle.write(page)


def layout(graph: nx.Graph, *, seed: int = _LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Seeded positions for every node: a force-directed layout (Fruchterman-Reingold).

    Nodes are laid out on the undirected graph that joins two nodes once however many edges
    join them; links to organisations whose kind gives no tie (the UN, the OECD) pull ten times
    less, so that a universal organisation does not squeeze every state into one ball. The same
    graph and seed give the same positions.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("NZL", "NATO", kind="partnership")
    0
    >>> sorted(layout(g))
    ['NATO', 'NZL']
    """
    import networkx as nx

    from kg.network import tie_level

    def weak(node: str) -> bool:
        attrs = graph.nodes[node]
        return attrs.get("kind") == "organization" and tie_level(attrs.get("org_kind")) == 0

    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for u, v in sorted({tuple(sorted((u, v))) for u, v in graph.edges()}):
        simple.add_edge(u, v, weight=0.1 if weak(u) or weak(v) else 1.0)
    if simple.number_of_nodes() == 0:
        return {}
    if simple.number_of_nodes() < _SPARSE_FROM:
        positions = nx.spring_layout(simple, seed=seed, weight="weight", iterations=100)
    else:
        positions = _spring_layout_dense(simple, seed=seed, iterations=100)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


#: From this many nodes NetworkX lays out with scipy.sparse, a node at a time in Python (a minute
#: for 1,500 nodes, and scipy is not a dependency): :func:`_spring_layout_dense` instead.
_SPARSE_FROM = 500


def _spring_layout_dense(graph: nx.Graph, *, seed: int, iterations: int) -> dict[str, Any]:
    """Fruchterman-Reingold on whole arrays (numpy), as NetworkX does below 500 nodes.

    Five n-by-n float32 buffers, allocated once (fresh arrays each step cost more in page faults
    than in arithmetic): about 125 MB at 2,500 nodes.
    """
    import networkx as nx
    import numpy as np

    nodes = list(graph)
    adjacency = nx.to_numpy_array(graph, nodelist=nodes, weight="weight", dtype=np.float32)
    positions = np.random.RandomState(seed).rand(len(nodes), 2).astype(np.float32)
    k = np.float32(np.sqrt(1.0 / len(nodes)))
    temperature = 0.1 * float(np.ptp(positions, axis=0).max())
    cooling = temperature / (iterations + 1)
    dx, dy, square, force, scratch = (np.empty_like(adjacency) for _ in range(5))
    for _ in range(iterations):
        x, y = positions[:, 0], positions[:, 1]
        np.subtract(x[:, np.newaxis], x[np.newaxis, :], out=dx)
        np.subtract(y[:, np.newaxis], y[np.newaxis, :], out=dy)
        np.multiply(dx, dx, out=square)
        np.multiply(dy, dy, out=scratch)
        square += scratch
        np.maximum(square, np.float32(1e-4), out=square)  # distance at least 0.01
        np.divide(k * k, square, out=force)  # repulsion k²/d, along the unit vector: k²/d²
        np.sqrt(square, out=scratch)
        scratch *= adjacency
        scratch /= k
        force -= scratch  # attraction d²/k along the unit vector: d/k, weighted
        displacement = np.stack([np.einsum("ij,ij->i", dx, force), np.einsum("ij,ij->i", dy, force)], axis=1)
        length = np.hypot(displacement[:, 0], displacement[:, 1])
        length[length < 0.01] = 0.1
        positions += displacement * (temperature / length)[:, np.newaxis]
        temperature -= cooling
    positions -= positions.mean(axis=0)
    positions /= max(float(np.abs(positions).max()), 1e-9)
    return dict(zip(nodes, positions.astype(float), strict=True))


def write_picture(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    title: str = "International alignments",
    highlight: str | Sequence[str] | None = None,
) -> None:
    """Draw ``graph`` as a static PNG or SVG picture with matplotlib (no display needed).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        As described in :func:`render_html`; positions from node ``x``, ``y`` or :func:`layout`.
    path : str or os.PathLike
        The file to write.
    fmt : {"png", "svg"}, optional
        Default: from the file name's extension.
    title : str
        Drawn above the graph.
    highlight : str or sequence of str, optional
        Nodes to draw larger, ringed (the focus of an ego graph).

    Raises
    ------
    DataError
        If the graph breaks the contract of :func:`render_html`.
    UsageError
        An unknown picture format.

    Notes
    -----
    States are blue dots, territories light blue squares, organisations diamonds coloured by kind
    (the colours of the HTML page); memberships are grey lines, partnerships dashed teal, stances
    dotted crimson; every node is labelled with its code; a legend names them. The same graph
    gives the same picture (seeded layout; SVG without a date and with fixed ids).
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from kg.errors import UsageError

    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in PICTURE_FORMATS:
        raise UsageError(f"picture format {fmt!r}: one of {', '.join(PICTURE_FORMATS)}")
    data = _page_data(graph)
    nodes = {node["id"]: node for node in data["nodes"]}
    if nodes and not all("x" in node for node in nodes.values()):
        positions = layout(graph)
        for key, (x, y) in positions.items():
            nodes[key]["x"], nodes[key]["y"] = x, -y
    many = len(nodes) > PHYSICS_MAX_NODES
    with rc_context({"svg.hashsalt": "alignment-kg", "svg.fonttype": "none",
                     "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(16, 12) if many else (12, 9), dpi=150)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0.01, 0.01, 0.98, 0.93))
        axes.set_axis_off()
        figure.suptitle(title, fontsize=14)
        styles: dict[str, Any] = {"membership": "solid", "partnership": (0, (5, 3)),
                                  "stance": (0, (1, 2))}
        drawn: set[tuple[str, str, str]] = set()
        for kind, (colour, _) in _EDGE_STYLES.items():
            segments = []
            for edge in data["edges"]:
                pair = (min(edge["from"], edge["to"]), max(edge["from"], edge["to"]), kind)
                if edge["kind"] != kind or pair in drawn:
                    continue
                drawn.add(pair)
                a, b = nodes[edge["from"]], nodes[edge["to"]]
                segments.append([(a["x"], -a["y"]), (b["x"], -b["y"])])
            if segments:
                axes.add_collection(LineCollection(
                    segments, colors=colour, linestyles=styles[kind],
                    linewidths=0.4 if many else 0.8, alpha=0.45 if kind == "membership" else 0.8,
                    zorder=1))
        markers = {"dot": "o", "square": "s", "diamond": "D"}
        sizes = {"dot": 18 if many else 60, "square": 14 if many else 40,
                 "diamond": 40 if many else 110}
        for entry in data["legend"]["nodes"]:
            members = [n for n in nodes.values() if n["category"] == entry["group"]]
            axes.scatter([n["x"] for n in members], [-n["y"] for n in members],
                         marker=markers[entry["shape"]], s=sizes[entry["shape"]],
                         c=entry["color"], edgecolors="#333333", linewidths=0.4, zorder=2)
        ringed = [highlight] if isinstance(highlight, str) else list(highlight or ())
        for key in ringed:
            if key not in nodes:
                continue
            focus = nodes[key]
            axes.scatter([focus["x"]], [-focus["y"]], s=420, facecolors="none",
                         edgecolors="#d62728", linewidths=2.0, zorder=3)
        for node in sorted(nodes.values(), key=lambda n: n["id"]):
            axes.annotate(node["code"], (node["x"], -node["y"]), xytext=(0, 4 if many else 6),
                          textcoords="offset points", ha="center", va="bottom",
                          fontsize=(11 if node["id"] in ringed else 4.5 if many else 7),
                          fontweight="bold" if node["kind"] == "organization"
                          or node["id"] in ringed else "normal",
                          zorder=4)
        handles = [
            Line2D([], [], linestyle="none", marker=markers[e["shape"]], markersize=7,
                   markerfacecolor=e["color"], markeredgecolor="#333333", label=e["name"])
            for e in data["legend"]["nodes"]
        ]
        handles += [
            Line2D([], [], color=colour, linestyle=styles[kind], label=kind.capitalize())
            for kind, (colour, _) in _EDGE_STYLES.items()
            if any(e["kind"] == kind for e in data["edges"])
        ]
        if handles:
            axes.legend(handles=handles, loc="lower left", fontsize=8, frameon=True)
        axes.autoscale_view()
        axes.margins(0.04)
        metadata = {"Date": None} if fmt == "svg" else {}
        from kg.output import atomic_output

        with atomic_output(path) as handle:
            figure.savefig(handle, format=fmt, metadata=metadata)


# --- data -------------------------------------------------------------------------------------


def _page_data(graph: nx.MultiDiGraph, *, focus: Sequence[str] = (), as_of: str | None = None,
               sources: Mapping[str, Mapping[str, str]] | None = None,
               until: int | None = None) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON-able values in a stable order."""
    for key in graph.nodes:
        if not isinstance(key, str):
            raise DataError(f"node key {key!r} is not a string")
    focused = sorted({key for key in focus if key in graph})
    nodes = [_node(key, graph.nodes[key]) for key in sorted(graph.nodes)]
    _importance(nodes, graph, focused)
    positions = None
    if len(nodes) > PHYSICS_MAX_NODES and not any("x" in graph.nodes[n] for n in graph):
        positions = layout(graph)
    _place(nodes, graph, positions)
    if positions is not None:
        _spread_labels(nodes)
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
    positioned = all("x" in node for node in nodes)
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
                for kind, (colour, dashes) in _EDGE_STYLES.items()
            ],
        },
        "options": _vis_options(physics=not positioned, improved_layout=len(nodes) < 100,
                                large=len(nodes) > PHYSICS_MAX_NODES),
    }


def _citation(source: Mapping[str, str]) -> dict[str, str]:
    url = str(source.get("url") or "")
    return {"title": str(source.get("title") or ""), "publisher": str(source.get("publisher") or ""),
            "published": str(source.get("published") or ""),
            "url": url if url.startswith(("http://", "https://")) else ""}


#: Label level of detail: a label is drawn only when its font would be at least this many pixels
#: on screen (vis-network's ``scaling.label.drawThreshold``). Node importance sets the font
#: (organisations and well-linked states larger), so zooming in reveals the smaller labels
#: instead of piling every label on every other.
LABEL_DRAW_THRESHOLD: Final = 9


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


#: Canvas font sizes of the labels of a large page, smallest and largest value (see
#: :func:`_vis_options`); :func:`_spread_labels` needs them to know how wide a label is.
_LARGE_LABEL_FONT: Final = (10.0, 40.0)
#: Canvas sizes (radius) of the nodes of a large page, smallest and largest value: a label is
#: drawn under its node, so its place depends on them too.
_LARGE_NODE_SIZE: Final = (8.0, 30.0)


def _spread_labels(nodes: list[dict[str, Any]], *, most: int = 60, rounds: int = 60) -> None:
    """Move the ``most`` important nodes of a laid-out page apart until their labels do not overlap.

    Labels and positions scale together when the reader zooms, so labels that do not overlap in
    canvas units overlap at no zoom. A label's box is estimated from its font (vis-network scales
    it linearly with ``value``) and its length, drawn under the node; of two overlapping labels the
    less important node moves, along the shorter way out (the other way when the same pair
    overlaps again). Deterministic for the same nodes.
    """
    placed = [n for n in nodes if "x" in n]
    if len(placed) < 2:
        return
    values = [float(n["value"]) for n in placed]
    low, high = min(values), max(values)
    small, large = _LARGE_LABEL_FONT
    least, most_size = _LARGE_NODE_SIZE
    chosen = sorted(placed, key=lambda n: (-float(n["value"]), n["id"]))[:most]

    def box(node: dict[str, Any]) -> tuple[float, float, float, float]:
        # As vis-network scales and places them (measured in Chromium on the world page: within
        # a few units): font and radius linear in the value, the label's top about 0.6 of its
        # font below the node's edge, capitals and digits wider than other characters.
        share = (float(node["value"]) - low) / (high - low) if high > low else 0.5
        font = small + share * (large - small)
        radius = least + share * (most_size - least)
        label = str(node["label"])
        half_width = font * sum(0.72 if c.isupper() or c.isdigit() else 0.55 for c in label) / 2 + 6
        top = node["y"] + radius + 0.6 * font - 2
        return node["x"] - half_width, top, node["x"] + half_width, top + 1.1 * font

    tries: dict[tuple[str, str], int] = {}
    for _ in range(rounds):
        moved = False
        for i, first in enumerate(chosen):
            a = box(first)
            for second in chosen[i + 1:]:
                b = box(second)
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                if dx <= 0 or dy <= 0:
                    continue
                # A node squeezed between two others would go back and forth along one axis:
                # each time the same pair overlaps again, the other axis is tried.
                pair = (str(first["id"]), str(second["id"]))
                tries[pair] = tries.get(pair, 0) + 1
                if (dx < dy) == (tries[pair] % 2 == 1):
                    second["x"] += (dx + 2) * (1 if second["x"] >= first["x"] else -1)
                else:
                    second["y"] += (dy + 2) * (1 if second["y"] >= first["y"] else -1)
                second["x"], second["y"] = round(second["x"], 2), round(second["y"], 2)
                moved = True
        if not moved:
            return


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


def _place(
    nodes: list[dict[str, Any]],
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> None:
    """Scale the given ``x``, ``y`` (or ``positions``) into screen units (y down), centred."""
    given = {}
    for node in nodes:
        attrs = graph.nodes[node["id"]]
        if positions is not None:
            attrs = {"x": positions[node["id"]][0], "y": positions[node["id"]][1]}
        if attrs.get("x") is None or attrs.get("y") is None:
            continue
        try:
            x, y = float(attrs["x"]), float(attrs["y"])
        except (TypeError, ValueError):
            raise DataError(
                f"node {node['id']!r}: position {attrs['x']!r}, {attrs['y']!r}"
            ) from None
        if math.isfinite(x) and math.isfinite(y):
            given[node["id"]] = (x, y)
    if not given:
        return
    xs, ys = [p[0] for p in given.values()], [p[1] for p in given.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 150.0 * math.sqrt(len(nodes)) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    for node in nodes:
        if node["id"] in given:
            x, y = given[node["id"]]
            node["x"], node["y"] = round((x - cx) * scale, 2), round((cy - y) * scale, 2)


def _edges(graph: nx.MultiDiGraph, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        kind = attrs.get("kind")
        if kind not in _EDGE_STYLES:
            choices = ", ".join(_EDGE_STYLES)
            raise DataError(f"edge {source!r} -> {target!r}: kind {kind!r} is not one of {choices}")
        text = [str(attrs.get(name) or "") for name in ("label", "start", "end", "tooltip", "sources")]
        rows.append((source, target, kind, *text, str(key)))
    rows.sort()
    parallel: Counter[tuple[str, str]] = Counter()
    edges = []
    for index, (source, target, kind, label, start, end, tooltip, cited, _) in enumerate(rows):
        colour, dashes = _EDGE_STYLES[kind]
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


def _vis_options(*, physics: bool, improved_layout: bool, large: bool = False) -> dict[str, Any]:
    return {
        "autoResize": True,
        "layout": {"randomSeed": _LAYOUT_SEED, "improvedLayout": improved_layout},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"avoidOverlap": 0.5},
            "stabilization": {
                "enabled": True,
                "iterations": 400,
                "updateInterval": 50,
                "fit": True,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "keyboard": False},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "color": "#222222",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            # Large graphs are seen from afar at first: their important labels are drawn larger.
            "scaling": {"min": _LARGE_NODE_SIZE[0], "max": _LARGE_NODE_SIZE[1] if large else 22,
                        "label": {"enabled": True, "min": _LARGE_LABEL_FONT[0],
                                  "max": _LARGE_LABEL_FONT[1] if large else 18,
                                  "drawThreshold": LABEL_DRAW_THRESHOLD, "maxVisible": 28}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False,
            "width": 1.5,
        },
    }


# --- page assembly ----------------------------------------------------------------------------

_JSON_ESCAPES: Final = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` and only ASCII.

    ``ensure_ascii`` also writes U+2028, U+2029 and lone surrogates as ``\\uXXXX``.
    """
    text = json.dumps(
        value, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.translate(_JSON_ESCAPES)


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@cache
def _template_text(name: str) -> str:
    return resources.files("kg").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet as pyvis ships them, found without importing pyvis."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "pyvis is not installed: it ships the vis-network files the page inlines"
        )
    folder = Path(next(iter(spec.submodule_search_locations))).joinpath(*_VIS_DIR)
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    # Inlined text must not be able to close its element or open an HTML comment.
    if "</script" in script.lower() or "<!--" in script or "</style" in style.lower():
        raise RuntimeError(
            f"{folder}: unexpected markup in vis-network's files, cannot inline them"
        )
    return script, style
