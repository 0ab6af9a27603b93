"""Projections of the RDF graph into NetworkX, each as of a date (the names of
:mod:`kg.projection`, in one place: the API, the command line and the tests import them here).

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
>>> partnership_graph(open_store("memory"), at="2013").has_edge("NZL", "NATO")
True
"""

from __future__ import annotations

from kg.projection.graphs import (
    PROJECTIONS,
    alignment_graph,
    alignment_network,
    ego_network,
    ego_networks,
    membership_graph,
    network_around,
    partnership_graph,
    projection,
    restrict_to_orgs,
)
from kg.projection.readers import (
    commitments,
    commitments_of,
    edge_rows,
    node_keys,
    resolve_day,
    state_periods,
    state_spans,
    successors,
)
from kg.projection.rules import FULL_ROLES, TIE_LEVELS, Commitment, in_force, is_universal, tie_level
from kg.projection.writers import GRAPH_FORMATS, write_graph

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
    "edge_rows",
    "ego_network",
    "ego_networks",
    "in_force",
    "is_universal",
    "membership_graph",
    "network_around",
    "node_keys",
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
