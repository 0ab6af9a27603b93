"""Validation: the ontology's SHACL shapes and SPARQL check queries, as a readable report.

The shapes (``ontology/shapes.ttl``) check each resource on its own: required identifiers,
one label per language, well-formed dates, the end after the start, roles from the vocabulary,
every fact sourced. The check queries (``ontology/checks/*.rq``, each ``SELECT ?subject
?message``) look across resources: codes unique, no membership before the organisation was
founded or before the member existed, no overlapping spells. A problem is reported at the
file and line of the row that made the subject, where it came from a table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ValidationError
from kg.graphnames import owned_by_build
from kg.resources import ontology_dir
from kg.sparqltext import read_query
from kg.stores.base import Store, solutions
from kg.vocab import PREFIXES, code_of

__all__ = ["Problem", "already_validated", "find_problems", "find_problems_in", "format_report",
           "validate_quads", "validate_store", "validate_store_quads"]


@dataclass(frozen=True, order=True)
class Problem:
    """One violation: where it comes from (``file:line`` or ``""``), the subject, what is wrong."""

    origin: str
    subject: str
    message: str


def _short(iri: str) -> str:
    code = code_of(iri)
    if code is not None:
        return code
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _check_queries() -> list[tuple[str, str]]:
    return [(path.stem, read_query(path))
            for path in sorted((ontology_dir() / "checks").glob("*.rq"))]


def _run_checks(store: ox.Store | Store) -> list[tuple[str, str]]:
    """Run the check queries on a pyoxigraph store or a :class:`kg.store.Store`."""
    found = []
    for name, text in _check_queries():
        result = solutions(store.query(text, use_default_graph_as_union=True) if isinstance(store, ox.Store)
                           else store.query(text))
        for solution in result:
            found.append((solution["subject"].value, f"{solution['message'].value} [{name}]"))
    return found


def _to_rdflib(quads: Iterable[ox.Quad]):
    """The triples of ``quads`` as an rdflib graph, converting terms directly (parsing
    N-Triples with rdflib was three times slower)."""
    from rdflib import BNode, Graph, Literal, URIRef

    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    converted: dict = {}

    def convert(term):
        found = converted.get(term)
        if found is None:
            if isinstance(term, ox.NamedNode):
                found = URIRef(term.value)
            elif isinstance(term, ox.BlankNode):
                found = BNode(term.value)
            elif term.language:
                found = Literal(term.value, lang=term.language)
            elif term.datatype.value == xsd_string:
                found = Literal(term.value)
            else:
                found = Literal(term.value, datatype=URIRef(term.datatype.value))
            converted[term] = found
        return found

    graph = Graph()
    for quad in quads:
        graph.add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return graph


def _run_shapes(quads: list[ox.Quad]) -> list[tuple[str, str]]:
    import pyshacl
    from rdflib import Graph, URIRef

    data = _to_rdflib(quads)
    shapes = Graph()
    shapes.parse(str(ontology_dir() / "shapes.ttl"), format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", inplace=True)
    if conforms:
        return []
    sh = "http://www.w3.org/ns/shacl#"
    found = []
    for result in report.subjects(predicate=URIRef(sh + "resultSeverity")):
        focus = report.value(result, URIRef(sh + "focusNode"))
        path = report.value(result, URIRef(sh + "resultPath"))
        message = report.value(result, URIRef(sh + "resultMessage"))
        prop = _short(str(path)) if path is not None else ""
        found.append((str(focus), f"{prop}: {message}" if prop else str(message)))
    return found


#: Above this many quads the shapes run only on the ontology and the packaged curated data;
#: the check queries (evaluated by Oxigraph) still run on everything.
SHAPES_LIMIT = 300_000


def _cache_key(inputs: str) -> str:
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from kg.version import __version__

    # pyshacl's version from its metadata: importing pyshacl (and rdflib) for it took ~0.8 s,
    # on every build whose validation is already cached.
    try:
        shacl_version = version("pyshacl")
    except PackageNotFoundError:  # pragma: no cover - pyshacl is a dependency
        import pyshacl

        shacl_version = pyshacl.__version__
    digest = hashlib.sha256(f"{inputs} {__version__} {shacl_version}".encode())
    digest.update((ontology_dir() / "shapes.ttl").read_bytes())
    for _, text in _check_queries():
        digest.update(text.encode())
    return digest.hexdigest()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kg" / "validated"


def find_problems(quads: Iterable[ox.Quad], origins: Mapping[str, str] | None = None, *,
                  inputs: str | None = None) -> list[Problem]:
    """All problems the shapes and check queries find in ``quads``, sorted by origin.

    ``inputs`` is a digest of everything the quads were made from (see
    :func:`kg.resources.fingerprint`): validation is a pure function of the inputs, the shapes,
    the checks and the versions of kg and pyshacl, so inputs that passed once are remembered (a
    marker file in ``$XDG_CACHE_HOME/kg/validated``) and not validated again.
    """
    from kg.vocab import GRAPH, ontology_graph

    quads = list(quads)
    marker = _marker(inputs)
    if marker is not None and marker.exists():
        return []
    store = ox.Store()
    store.bulk_extend(quads)
    shaped = quads
    if len(quads) > SHAPES_LIMIT:
        owned = {ontology_graph(), ox.NamedNode(GRAPH + "curated")}
        shaped = [q for q in quads if q.graph_name in owned]
    return _problems(_run_checks(store) + _run_shapes(shaped), origins, marker)


def already_validated(inputs: str | None) -> bool:
    """Whether inputs with this digest passed validation before (see :func:`find_problems`)."""
    marker = _marker(inputs)
    return marker is not None and marker.exists()


def find_problems_in(store: ox.Store, origins: Mapping[str, str] | None = None, *,
                     inputs: str | None = None, size: int | None = None) -> list[Problem]:
    """:func:`find_problems` of the quads of ``store``, an in-memory store that holds them and
    nothing else: a build that streams its quads into the store it writes fills this one as it
    goes, so that the quads need never be in Python all at once. ``size``: how many quads were
    given (else counted)."""
    from kg.vocab import GRAPH, ontology_graph

    marker = _marker(inputs)
    if marker is not None and marker.exists():
        return []
    if size is None:
        size = len(store)
    graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    if size > SHAPES_LIMIT:
        owned = {ontology_graph(), ox.NamedNode(GRAPH + "curated")}
        graphs = [g for g in graphs if g in owned]
    shaped = [q for g in sorted(graphs, key=lambda g: g.value)
              for q in store.quads_for_pattern(None, None, None, g)]
    return _problems(_run_checks(store) + _run_shapes(shaped), origins, marker)


def _marker(inputs: str | None) -> Path | None:
    return _cache_dir() / _cache_key(inputs) if inputs else None


def _problems(found: list[tuple[str, str]], origins: Mapping[str, str] | None,
              marker: Path | None) -> list[Problem]:
    """The problems found, sorted, each at its origin; none: remember that the inputs passed."""
    if not found and marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only cache only costs time
    origins = origins or {}
    return sorted({Problem(origins.get(subject, ""), _short(subject), message)
                   for subject, message in found})


def validate_store(store: Store) -> list[Problem]:
    """Problems in a store (a :class:`kg.store.Store`): the check queries over everything in it
    (evaluated by its engine), the shapes over the graphs ``kg build`` owns."""
    quads = [q for graph in store.graph_iris() if owned_by_build(graph)
             for q in store.quads(graph)]
    found = _run_checks(store) + _run_shapes(quads)
    return sorted({Problem("", _short(subject), message) for subject, message in found})


def format_report(problems: list[Problem]) -> str:
    """A readable report, grouped by file and ordered by line."""

    def key(problem: Problem) -> tuple[str, int, str, str]:
        file, _, line = problem.origin.rpartition(":")
        return (file or "~", int(line) if line.isdigit() else 0, problem.subject, problem.message)

    lines = [f"validation failed: {len(problems)} problem{'s' if len(problems) != 1 else ''}"]
    current = None
    for problem in sorted(problems, key=key):
        file, _, line = problem.origin.rpartition(":")
        group = file or "(not from a table)"
        if group != current:
            lines.append(group)
            current = group
        where = f"line {line}: " if file else ""
        lines.append(f"  {where}{problem.subject}: {problem.message}")
    return "\n".join(lines)


def validate_quads(quads: Iterable[ox.Quad], origins: Mapping[str, str] | None = None, *,
                   inputs: str | None = None) -> None:
    """Raise :class:`ValidationError` with a readable report when ``quads`` have problems."""
    problems = find_problems(quads, origins, inputs=inputs)
    if problems:
        raise ValidationError(format_report(problems))


def validate_store_quads(store: ox.Store, origins: Mapping[str, str] | None = None, *,
                        inputs: str | None = None, size: int | None = None) -> None:
    """Raise :class:`ValidationError` with a readable report when the quads of ``store`` have
    problems (:func:`find_problems_in`)."""
    problems = find_problems_in(store, origins, inputs=inputs, size=size)
    if problems:
        raise ValidationError(format_report(problems))
