"""The store's named graphs by name, and which of them each operation owns.

- the ontology and curated data (``ontology``, ``curated``, ``data/<dir>``): owned (and replaced)
  by ``kg build`` (:func:`owned_by_build`);
- metadata graphs (``meta/<short name>``: the provenance of a loaded graph) and the derived
  graph (:mod:`kg.derived`): the store's own, never exported (:func:`is_metadata_graph`).
"""

from __future__ import annotations

import hashlib

from kg.derived import DERIVED
from kg.vocab import GRAPH, ontology_graph

__all__ = ["META", "is_metadata_graph", "metadata_graph", "owned_by_build"]

#: Metadata graphs (the provenance of loaded graphs) live under this prefix.
META = GRAPH + "meta/"


def owned_by_build(graph: str) -> bool:
    """True for the named graphs ``kg build`` owns (and replaces): the ontology and curated data."""
    return graph == ontology_graph().value or graph.startswith((GRAPH + "curated", GRAPH + "data/"))


def metadata_graph(graph: str) -> str:
    """The metadata graph that describes ``graph``: ``{META}<short name>`` (a hash for IRIs
    outside the project's graph namespace)."""
    if graph.startswith(GRAPH):
        return META + graph[len(GRAPH):]
    return META + "iri/" + hashlib.sha256(graph.encode()).hexdigest()[:16]


def is_metadata_graph(graph: str) -> bool:
    """True for the store's own graphs: the metadata graphs and the derived graph
    (:mod:`kg.derived`). Not data: never exported, not listed by ``kg graphs``."""
    return graph.startswith(META) or graph == DERIVED
