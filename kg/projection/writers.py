"""Writing a projection to a file: GraphML, GEXF or node-link JSON, its attributes made plain
(no null, one type per name) for Gephi, Cytoscape and igraph."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import IO, Any, Final

import networkx as nx

from kg.errors import UsageError

__all__ = ["GRAPH_FORMATS", "write_graph"]


#: The file formats of :func:`write_graph`.
GRAPH_FORMATS: Final = ("graphml", "gexf", "json")


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
