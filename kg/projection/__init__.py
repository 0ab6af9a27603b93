"""Projections of the RDF graph into NetworkX, each as of a date, split by job:
:mod:`kg.projection.readers` (the SPARQL reads), :mod:`kg.projection.rules` (which day a fact
holds on, tie levels, universal organisations, successors, spells counted once),
:mod:`kg.projection.graphs` (building the graphs) and :mod:`kg.projection.writers` (GraphML,
GEXF, JSON). :mod:`kg.network` offers their public names in one place."""
