"""The packaged ontology as quads, and the controlled vocabularies it defines."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import DataError
from kg.loaders.curated import Vocabulary
from kg.resources import ontology_dir
from kg.vocab import AL, ontology_graph

__all__ = ["read_ontology", "read_vocabulary"]

#: Ontology files that are not part of the ontology graph itself.
_NOT_ONTOLOGY = {"shapes.ttl"}


def read_ontology() -> list[ox.Quad]:
    """The packaged ontology files as quads in the ontology graph."""
    graph = ontology_graph()
    quads: list[ox.Quad] = []
    for path in sorted(ontology_dir().glob("*.ttl")):
        if path.name in _NOT_ONTOLOGY:
            continue
        try:
            quads.extend(
                ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            )
        except SyntaxError as exc:
            raise DataError(f"invalid Turtle: {exc}", file=str(path)) from None
    return quads


def read_vocabulary(ontology: Iterable[ox.Quad]) -> Vocabulary:
    """The controlled vocabularies (roles, statuses, organisation kinds) defined in the ontology."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    code = ox.NamedNode(AL + "code")
    classes = {AL + "Role": "roles", AL + "Status": "statuses", AL + "OrganizationKind": "kinds"}
    members: dict[str, set[ox.NamedNode]] = {name: set() for name in classes.values()}
    codes: dict[ox.NamedNode, str] = {}
    for quad in ontology:
        subject, obj = quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode) or isinstance(obj, ox.Triple):
            continue
        if quad.predicate == rdf_type and obj.value in classes:
            members[classes[obj.value]].add(subject)
        elif quad.predicate == code:
            codes[subject] = obj.value
    return Vocabulary(**{name: {codes[s]: s for s in subjects} for name, subjects in members.items()})
