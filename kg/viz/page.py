"""The interactive page: one self-contained, offline HTML file that draws the alignment graph
with vis-network (:func:`render_html`, :func:`write_html`).

The page inlines vis-network's script and stylesheet from the copy that pyvis ships, embeds the
drawing (:func:`kg.viz.scene.scene`) as JSON, and carries a Content-Security-Policy that forbids
every load from outside the file. No markup is ever built from data: labels and tooltips reach
the page as JSON and are shown as text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import string
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kg.viz.layout import LARGE_LABEL_FONT, LARGE_NODE_SIZE, LAYOUT_SEED
from kg.viz.scene import PHYSICS_MAX_NODES, scene

if TYPE_CHECKING:
    import os

    import networkx as nx

__all__ = ["LABEL_DRAW_THRESHOLD", "render_html", "vis_assets", "write_html"]

_VIS_DIR: Final = ("templates", "lib", "vis-9.1.2")


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
    vis_js, vis_css = vis_assets()
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


def _page_data(graph: nx.MultiDiGraph, *, focus: Sequence[str] = (), as_of: str | None = None,
               sources: Mapping[str, Mapping[str, str]] | None = None,
               until: int | None = None) -> dict[str, Any]:
    """Everything the page's script needs: the drawing and vis-network's options."""
    data = scene(graph, focus=focus, as_of=as_of, sources=sources, until=until)
    nodes = data["nodes"]
    data["options"] = _vis_options(physics=not all("x" in node for node in nodes),
                                   improved_layout=len(nodes) < 100, large=len(nodes) > PHYSICS_MAX_NODES)
    return data


#: Label level of detail: a label is drawn only when its font would be at least this many pixels
#: on screen (vis-network's ``scaling.label.drawThreshold``). Node importance sets the font
#: (organisations and well-linked states larger), so zooming in reveals the smaller labels
#: instead of piling every label on every other.
LABEL_DRAW_THRESHOLD: Final = 9


def _vis_options(*, physics: bool, improved_layout: bool, large: bool = False) -> dict[str, Any]:
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": improved_layout},
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
            "scaling": {"min": LARGE_NODE_SIZE[0], "max": LARGE_NODE_SIZE[1] if large else 22,
                        "label": {"enabled": True, "min": LARGE_LABEL_FONT[0],
                                  "max": LARGE_LABEL_FONT[1] if large else 18,
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
def vis_assets() -> tuple[str, str]:
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
