"""The static picture: the drawing of the page as a PNG or SVG file, with matplotlib
(:func:`write_picture`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kg.viz.layout import layout
from kg.viz.scene import EDGE_STYLES, PHYSICS_MAX_NODES, scene

if TYPE_CHECKING:
    import os

    import networkx as nx

__all__ = ["PICTURE_FORMATS", "write_picture"]

#: Static picture formats of :func:`write_picture`.
PICTURE_FORMATS: Final = ("png", "svg")


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
    data = scene(graph)
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
        for kind, (colour, _) in EDGE_STYLES.items():
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
            for kind, (colour, _) in EDGE_STYLES.items()
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
