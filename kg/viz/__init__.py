"""Draw the alignment graph: as one self-contained, offline HTML page (vis-network) or as a
static PNG or SVG picture.

One module per job: :mod:`kg.viz.layout` places the nodes (a seeded force-directed layout),
:mod:`kg.viz.scene` says what is drawn (shapes, colours, styles, legend), :mod:`kg.viz.page`
writes the interactive page and :mod:`kg.viz.picture` the static picture. The names below are
those of the package (``from kg.viz import render_html``).

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

from kg.viz.layout import layout
from kg.viz.page import LABEL_DRAW_THRESHOLD, render_html, write_html
from kg.viz.picture import PICTURE_FORMATS, write_picture
from kg.viz.scene import PHYSICS_MAX_NODES

__all__ = [
    "LABEL_DRAW_THRESHOLD",
    "PHYSICS_MAX_NODES",
    "PICTURE_FORMATS",
    "layout",
    "render_html",
    "write_html",
    "write_picture",
]
