"""Building the graph: ontology + curated tables -> validated quads -> a store, atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kg.graphnames import owned_by_build
from kg.loaders.curated import CuratedDataset, load_curated
from kg.loaders.ontology import read_ontology, read_vocabulary
from kg.resources import data_dir, fingerprint, ontology_dir, packaged_fingerprint
from kg.stores.base import Store, StoreLocation, resolve_location
from kg.stores.kinds import write_graphs

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
