"""Validation: the ontology's SHACL shapes over the curated data, as a readable report."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.errors import ValidationError
from kg.resources import ontology_dir
from kg.vocab import code_of

__all__ = ["validate_quads"]


def validate_quads(quads: Iterable[ox.Quad]) -> None:
    """Run ``ontology/shapes.ttl`` over the quads (their union); raise :class:`ValidationError`.

    The report has one line per violation: the subject (its code where it has one), the
    property and what is wrong.
    """
    import pyshacl
    from rdflib import Graph

    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = Graph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = Graph()
    shapes.parse(str(ontology_dir() / "shapes.ttl"), format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    if conforms:
        return
    sh = "http://www.w3.org/ns/shacl#"
    lines = []
    for result in report.subjects(predicate=_iri(sh + "resultSeverity")):
        focus = report.value(result, _iri(sh + "focusNode"))
        path = report.value(result, _iri(sh + "resultPath"))
        message = report.value(result, _iri(sh + "resultMessage"))
        subject = code_of(str(focus)) or str(focus)
        prop = path.n3(data.namespace_manager) if path is not None else ""
        lines.append(f"{subject}: {prop}: {message}")
    raise ValidationError("validation failed:\n  " + "\n  ".join(sorted(set(lines))))


def _iri(value: str):
    from rdflib import URIRef

    return URIRef(value)
