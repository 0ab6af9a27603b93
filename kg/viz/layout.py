"""Where the nodes of a drawing go: a seeded force-directed layout (:func:`layout`), its scaling
into screen units (:func:`place`) and the spreading of a large page's labels
(:func:`spread_labels`). Deterministic: the same graph and seed give the same positions."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from kg.errors import DataError
from kg.projection.rules import is_universal

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["LARGE_LABEL_FONT", "LARGE_NODE_SIZE", "LAYOUT_SEED", "layout", "place", "spread_labels"]

#: The seed of every layout, here and in the browser (vis-network's ``randomSeed``).
LAYOUT_SEED: Final = 7


def layout(graph: nx.Graph, *, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
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

    def weak(node: str) -> bool:
        return is_universal(graph.nodes[node])

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


#: Canvas font sizes of the labels of a large page, smallest and largest value (see
#: :func:`_vis_options`); :func:`spread_labels` needs them to know how wide a label is.
LARGE_LABEL_FONT: Final = (10.0, 40.0)
#: Canvas sizes (radius) of the nodes of a large page, smallest and largest value: a label is
#: drawn under its node, so its place depends on them too.
LARGE_NODE_SIZE: Final = (8.0, 30.0)


def spread_labels(nodes: list[dict[str, Any]], *, most: int = 60, rounds: int = 60) -> None:
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
    small, large = LARGE_LABEL_FONT
    least, most_size = LARGE_NODE_SIZE
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


def place(
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
