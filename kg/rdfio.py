"""RDF syntaxes by name, and exporting a store in any of them."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store import Store
from kg.vocab import PREFIXES

__all__ = ["RDF_FORMATS", "rdf_format", "export"]

#: Syntax names accepted by ``--format``, their Oxigraph format and usual file extensions.
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, tuple[str, ...]]] = {
    "turtle": (ox.RdfFormat.TURTLE, (".ttl",)),
    "ntriples": (ox.RdfFormat.N_TRIPLES, (".nt",)),
    "nquads": (ox.RdfFormat.N_QUADS, (".nq",)),
    "trig": (ox.RdfFormat.TRIG, (".trig",)),
    "jsonld": (ox.RdfFormat.JSON_LD, (".jsonld", ".json")),
    "rdfxml": (ox.RdfFormat.RDF_XML, (".rdf", ".xml", ".owl")),
}


def rdf_format(name: str | None, path: str | Path | None = None) -> ox.RdfFormat:
    """The RDF syntax called ``name``, or the one ``path``'s extension implies (default Turtle)."""
    if name:
        try:
            return RDF_FORMATS[name][0]
        except KeyError:
            raise UsageError(f"unknown RDF format {name!r} (one of {', '.join(RDF_FORMATS)})") from None
    if path is not None:
        suffix = Path(path).suffix.lower()
        for fmt, extensions in RDF_FORMATS.values():
            if suffix in extensions:
                return fmt
    return ox.RdfFormat.TURTLE


def export(store: Store, output: IO[bytes], fmt: ox.RdfFormat) -> None:
    """Write the whole store to ``output``.

    N-Quads and TriG keep the named graphs; the triple syntaxes give the union of all graphs,
    sorted, with the project's prefixes bound explicitly, so the same graph gives the same bytes.
    """
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    store.dump(output, fmt, prefixes=prefixes)
