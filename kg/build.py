"""Building the graph: ontology + curated tables -> validated quads -> a store, atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError
from kg.loaders.curated import CuratedDataset, Vocabulary, load_curated
from kg.resources import data_dir, fingerprint, ontology_dir, packaged_fingerprint
from kg.store import Store, StoreLocation, resolve_location, write_graphs
from kg.vocab import AL, GRAPH, ontology_graph

__all__ = ["build", "owned_by_build", "packaged_fingerprint", "read_ontology", "read_vocabulary"]

#: Ontology files that are not part of the ontology graph itself.
_NOT_ONTOLOGY = {"shapes.ttl"}


def owned_by_build(graph: str) -> bool:
    """True for the named graphs ``kg build`` owns (and replaces): the ontology and curated data."""
    return graph == ontology_graph().value or graph.startswith((GRAPH + "curated", GRAPH + "data/"))


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
        if quad.predicate == rdf_type and quad.object.value in classes:
            members[classes[quad.object.value]].add(quad.subject)
        elif quad.predicate == code:
            codes[quad.subject] = quad.object.value
    return Vocabulary(**{name: {codes[s]: s for s in subjects} for name, subjects in members.items()})


def build(
    location: str | StoreLocation | None = None,
    *,
    data_dirs: Iterable[Path] = (),
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
    fresh: bool = False,
) -> Store | None:
    """Build the ontology and the curated data (plus extra table directories) into a store.

    Only the graphs the build owns are replaced; loaded and imported graphs stay (``fresh``, on a
    directory store: start from an empty store, which also recovers from a broken one). The write is
    atomic: when reading, validation or writing fails, the previous store is left as it was.
    Returns the store for ``memory`` (which lives in this process), ``None`` otherwise.

    Raises
    ------
    DataError
        A problem in a table, with file and line.
    ValidationError
        Data that breaks the shapes (when ``validate`` is true).
    StoreError
        The store cannot be written.
    """
    if not isinstance(location, StoreLocation):
        location = resolve_location(location)
    ontology = read_ontology()
    directories = [(data_dir(), "curated")] + [(Path(d), Path(d).resolve().name) for d in data_dirs]
    curated: CuratedDataset = load_curated(directories, read_vocabulary(ontology), progress=progress)
    if validate:
        from kg.validate import validate_quads

        if progress:
            progress("validating")
        inputs = fingerprint(ontology_dir(), *(d for d, _ in directories))
        validate_quads(ontology + curated.quads, curated.origins, inputs=inputs)
    meta = {
        "fingerprint": packaged_fingerprint(),
        "dataset_version": curated.version,
        "current_as_of": str(curated.current_as_of) if curated.current_as_of else None,
        "data_dirs": [str(d) for d, _ in directories[1:]],
    }
    return write_graphs(
        location, ontology + curated.quads, replace=owned_by_build, meta=meta, progress=progress,
        fresh=fresh,
    )
