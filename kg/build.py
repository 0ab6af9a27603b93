"""Building the graph: ontology + curated tables -> validated quads -> a store, atomically."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.graphnames import owned_by_build
from kg.loaders.curated import CuratedDataset, Vocabulary, load_curated, stream_curated
from kg.loaders.ontology import read_ontology, read_vocabulary
from kg.resources import data_dir, fingerprint, ontology_dir, packaged_fingerprint
from kg.stores.base import Store, StoreLocation, resolve_location
from kg.stores.kinds import write_graphs, written_as_generation

__all__ = ["build", "owned_by_build", "packaged_fingerprint", "read_ontology", "read_vocabulary"]


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
    vocabulary = read_vocabulary(ontology)
    inputs = fingerprint(ontology_dir(), *(d for d, _ in directories)) if validate else None
    if written_as_generation(location):
        _build_generation(location, ontology, directories, vocabulary, inputs=inputs,
                          progress=progress, fresh=fresh)
        return None
    curated: CuratedDataset = load_curated(directories, vocabulary, progress=progress)
    if inputs is not None:
        from kg.validate import validate_quads

        if progress:
            progress("validating")
        validate_quads(ontology + curated.quads, curated.origins, inputs=inputs)
    return write_graphs(
        location, ontology + curated.quads, replace=owned_by_build, meta=_meta(curated, directories),
        progress=progress, fresh=fresh,
    )


def _meta(curated: CuratedDataset, directories: list[tuple[Path, str]]) -> dict:
    """What a directory store's generation records about the build."""
    return {
        "fingerprint": packaged_fingerprint(),
        "dataset_version": curated.version,
        "current_as_of": str(curated.current_as_of) if curated.current_as_of else None,
        "data_dirs": [str(d) for d, _ in directories[1:]],
    }


def _build_generation(location: StoreLocation, ontology: list[ox.Quad], directories: list[tuple[Path, str]],
                      vocabulary: Vocabulary, *, inputs: str | None,
                      progress: Callable[[str], None] | None, fresh: bool) -> None:
    """The build of a store that is written as a new generation, streamed: the tables' quads go
    into it in batches as they are read, and (unless validated before) into an in-memory store
    for the check queries, which run once every table is read; the generation is swapped in only
    then. The quads are never all in Python: at ten million triples, reading them into a list
    before validating and writing them took 5.6 GB, and 9.5 GB with the validation's store.
    The check queries run in memory rather than in the new generation: on its disk store
    they took five times as long."""
    from kg.validate import already_validated, validate_store_quads

    curated = CuratedDataset()
    checked = ox.Store() if inputs is not None and not already_validated(inputs) else None
    written = 0

    def quads() -> Iterator[ox.Quad]:
        nonlocal written
        batches = stream_curated(directories, vocabulary, curated, progress=progress)
        for batch in itertools.chain([ontology], batches):
            written += len(batch)
            if checked is not None:
                checked.bulk_extend(batch)
            yield from batch

    meta: dict = {}

    def check(engine: ox.Store) -> None:
        nonlocal checked
        if checked is not None:
            if progress:
                progress("validating")
            validate_store_quads(checked, curated.origins, inputs=inputs, size=written)
            checked = None  # its memory back before the derivation
        meta.update(_meta(curated, directories))  # known once every table is read

    write_graphs(location, quads(), replace=owned_by_build, meta=meta, progress=progress, fresh=fresh,
                 check=check)
