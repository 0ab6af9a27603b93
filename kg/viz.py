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
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kg.dates import parse_date
from kg.errors import DataError

if TYPE_CHECKING:
    import os

    import networkx as nx

__all__ = ["render_html", "write_html"]

_VIS_DIR: Final = ("templates", "lib", "vis-9.1.2")
_STATE_COLOUR: Final = "#4e79a7"
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
#: Edge kind -> (colour, vis-network ``dashes``).
_EDGE_STYLES: Final[Mapping[str, tuple[str, bool | list[int]]]] = {
    "membership": ("#6b6b6b", False),
    "partnership": ("#2a9d8f", [8, 5]),
    "stance": ("#c2185b", [2, 4]),
}
_NODE_KINDS: Final = ("state", "organization")
_LAYOUT_SEED: Final = 7


def render_html(graph: nx.MultiDiGraph, *, title: str = "International alignments") -> str:
    """Return an interactive, self-contained HTML page that draws ``graph``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Nodes are codes (``"NZL"``, ``"NATO"``) with attributes ``kind`` (``"state"`` or
        ``"organization"``), ``label``, ``code`` and optionally ``org_kind``, ``tooltip`` (plain text)
        and ``x``, ``y`` (a layout in any unit with y pointing up, e.g. from
        :func:`networkx.spring_layout`; it is scaled to fit). Edges have ``kind``
        (``"membership"``, ``"partnership"`` or ``"stance"``), ``label`` and optionally ``start``,
        ``end`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``end`` is exclusive) and ``tooltip``.
    title : str
        Shown as the page title and heading.

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
    The page shows states as blue dots and organisations as diamonds coloured by ``org_kind``; a
    search box, edge-kind filters and a year slider (an edge is in force in year Y when its start
    year is at most Y and its end year, if any, is after Y). When the drawing is ready it sets
    ``document.body.dataset.kgReady = "1"`` and keeps ``window.kgGraph = {nodes, edges}`` (the counts
    shown) up to date.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("FRA", kind="state", label="France", code="FRA")
    >>> render_html(g, title="One state").startswith("<!DOCTYPE html>")
    True
    """
    data = _page_data(graph)
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
) -> None:
    """Write the page of :func:`render_html` to ``path`` (UTF-8).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The graph, as described in :func:`render_html`.
    path : str or os.PathLike
        The file to create or overwrite.
    title : str
        Shown as the page title and heading.

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
    Path(path).write_text(render_html(graph, title=title), encoding="utf-8", newline="\n")


# --- data -------------------------------------------------------------------------------------


def _page_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON-able values in a stable order."""
    for key in graph.nodes:
        if not isinstance(key, str):
            raise DataError(f"node key {key!r} is not a string")
    nodes = [_node(key, graph.nodes[key]) for key in sorted(graph.nodes)]
    _place(nodes, graph)
    labels = {node["id"]: node["label"] for node in nodes}
    edges = _edges(graph, labels)
    starts = [edge["startYear"] for edge in edges if edge["startYear"] is not None]
    org_kinds = sorted({n["orgKind"] for n in nodes if n["kind"] == "organization"})
    legend_nodes = (
        [{"name": "State", "shape": "dot", "color": _STATE_COLOUR}]
        if any(n["kind"] == "state" for n in nodes)
        else []
    )
    legend_nodes += [
        {
            "name": _org_kind_name(kind),
            "shape": "diamond",
            "color": _ORG_COLOURS.get(kind, _OTHER_ORG_COLOUR),
        }
        for kind in org_kinds
    ]
    positioned = all("x" in node for node in nodes)
    return {
        "nodes": nodes,
        "edges": edges,
        "years": [min(starts), max(starts)] if starts else None,
        "legend": {
            "nodes": legend_nodes,
            "edges": [
                {"kind": kind, "name": kind.capitalize(), "color": colour, "dashes": dashes}
                for kind, (colour, dashes) in _EDGE_STYLES.items()
            ],
        },
        "options": _vis_options(physics=not positioned, improved_layout=len(nodes) < 100),
    }


def _node(key: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    kind = attrs.get("kind")
    if kind not in _NODE_KINDS:
        raise DataError(f"node {key!r}: kind {kind!r} is not one of {', '.join(_NODE_KINDS)}")
    code = str(attrs.get("code") or key)
    label = str(attrs.get("label") or code)
    node: dict[str, Any] = {"id": key, "code": code, "label": label, "kind": kind}
    if kind == "state":
        node.update(shape="dot", size=10, color=_STATE_COLOUR)
        described = "State"
    else:
        org_kind = str(attrs.get("org_kind") or "other")
        node.update(
            shape="diamond",
            size=14,
            color=_ORG_COLOURS.get(org_kind, _OTHER_ORG_COLOUR),
            orgKind=org_kind,
        )
        described = _org_kind_name(org_kind)
    tooltip = attrs.get("tooltip")
    node["tooltip"] = str(tooltip) if tooltip else f"{label} ({code})\n{described}"
    return node


def _place(nodes: list[dict[str, Any]], graph: nx.MultiDiGraph) -> None:
    """Scale the given ``x``, ``y`` into screen units (y down), centred on the origin."""
    given = {}
    for node in nodes:
        attrs = graph.nodes[node["id"]]
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
        text = [str(attrs.get(name) or "") for name in ("label", "start", "end", "tooltip")]
        rows.append((source, target, kind, *text, str(key)))
    rows.sort()
    parallel: Counter[tuple[str, str]] = Counter()
    edges = []
    for index, (source, target, kind, label, start, end, tooltip, _) in enumerate(rows):
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
        }
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


def _vis_options(*, physics: bool, improved_layout: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "layout": {"randomSeed": _LAYOUT_SEED, "improvedLayout": improved_layout},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "stabilization": {
                "enabled": True,
                "iterations": 400,
                "updateInterval": 50,
                "fit": True,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "keyboard": False},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "color": "#222222"},
            "borderWidth": 1,
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
