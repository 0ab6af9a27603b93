"""RDF syntaxes by name, and exporting a store in any of them, deterministically.

Every export is built from the store's graphs as N-Triples text: blank nodes get canonical
labels (RDFC-1.0, computed only over the triples that have blank nodes), lines are sorted, and
then written as N-Triples / N-Quads directly, as pretty Turtle / TriG by :mod:`kg.turtle`, or
as JSON-LD / RDF/XML by pyoxigraph's serializers from the sorted input. So the same graph
always gives the same bytes, whichever store holds it and however it was loaded.
The store's own metadata graphs (``kg graphs``' sources, :mod:`kg.graphs`) are not exported.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store import Store
from kg.vocab import PREFIXES

__all__ = ["RDF_FORMATS", "rdf_format", "format_name", "export", "sorted_ntriples"]

#: Syntax names accepted by ``--format``, their Oxigraph format and usual file extensions.
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, tuple[str, ...]]] = {
    "turtle": (ox.RdfFormat.TURTLE, (".ttl",)),
    "ntriples": (ox.RdfFormat.N_TRIPLES, (".nt",)),
    "nquads": (ox.RdfFormat.N_QUADS, (".nq",)),
    "trig": (ox.RdfFormat.TRIG, (".trig",)),
    "jsonld": (ox.RdfFormat.JSON_LD, (".jsonld", ".json")),
    "rdfxml": (ox.RdfFormat.RDF_XML, (".rdf", ".xml", ".owl")),
}


def rdf_format(name: str | None, path: str | Path | None = None, *,
               default: ox.RdfFormat | None = ox.RdfFormat.TURTLE) -> ox.RdfFormat:
    """The RDF syntax called ``name``, or the one ``path``'s extension implies, else ``default``.

    Raises :class:`UsageError` for an unknown name, or when nothing decides and there is no
    default.
    """
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
    if default is None:
        known = ", ".join(e for _, extensions in RDF_FORMATS.values() for e in extensions)
        raise UsageError(f"cannot tell the RDF syntax of {path} from its extension ({known}): "
                         "give --format")
    return default


def format_name(fmt: ox.RdfFormat) -> str:
    """The ``--format`` name of an RDF syntax (``turtle``, ``nquads``, ...)."""
    return next(name for name, (f, _) in RDF_FORMATS.items() if f == fmt)


_UNION = "urn:x-kg:union"


def _lines(data: bytes) -> set[str]:
    return set(data.decode("utf-8").splitlines()) - {""}


def _canonical(graphs: dict[str, set[str]]) -> dict[str, set[str]]:
    """Relabel blank nodes canonically (RDFC-1.0) across ``graphs`` (name -> N-Triples lines).

    Triples without blank nodes do not take part in the canonical labels, so only the lines
    that have some are parsed; the others are kept as they are.
    """
    with_blank: list[str] = []
    for name, lines in graphs.items():
        blank = {line for line in lines if "_:" in line}
        if blank:
            lines -= blank
            with_blank.extend(f"{line[:-2]} <{name}> ." for line in blank)
    if not with_blank:
        return graphs
    dataset = ox.Dataset(ox.parse("\n".join(with_blank), ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in dataset:
        graphs[quad.graph_name.value].add(f"{ox.Triple(quad.subject, quad.predicate, quad.object)} .")
    return graphs


def sorted_ntriples(store: Store, *, union: bool) -> list[tuple[str, list[str]]]:
    """The store's data graphs as ``(graph IRI, sorted N-Triples lines)``, blank nodes canonical.

    With ``union``, one graph (named ``""``) holds the union of all graphs, without duplicates.
    """
    from kg.graphs import is_metadata_graph

    names = [g for g, _ in store.named_graphs() if not is_metadata_graph(g)]
    if union:
        lines: set[str] = set()
        for name in names:
            if lines:
                lines |= _lines(store.graph_ntriples(name))
            else:
                lines = _lines(store.graph_ntriples(name))
        graphs = _canonical({_UNION: lines})
    else:
        graphs = _canonical({name: _lines(store.graph_ntriples(name)) for name in names})
    return [("" if name == _UNION else name, sorted(lines)) for name, lines in sorted(graphs.items())]


def export(store: Store, output: IO[bytes], fmt: ox.RdfFormat) -> None:
    """Write the whole store to ``output``.

    N-Quads, TriG and JSON-LD keep the named graphs; the triple syntaxes give the union of all
    graphs. Sorted, blank nodes labelled canonically, the project's prefixes bound explicitly:
    the same graph gives the same bytes.
    """
    graphs = sorted_ntriples(store, union=not fmt.supports_datasets)
    if fmt == ox.RdfFormat.N_TRIPLES:
        for _, lines in graphs:
            output.write("".join(line + "\n" for line in lines).encode())
    elif fmt == ox.RdfFormat.N_QUADS:
        for name, lines in graphs:
            graph = f" <{name}> ."
            output.write("".join(line[:-2] + graph + "\n" for line in lines).encode())
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        from kg.turtle import write_turtle

        text = io.StringIO()
        named = [(None if fmt == ox.RdfFormat.TURTLE else f"<{name}>", lines) for name, lines in graphs]
        write_turtle(text, named, PREFIXES)
        output.write(text.getvalue().encode())
    elif fmt.supports_datasets:
        quads = "".join(line[:-2] + f" <{name}> .\n" for name, lines in graphs for line in lines)
        ox.serialize(ox.parse(quads, ox.RdfFormat.N_QUADS), output, fmt, prefixes=PREFIXES)
    else:
        triples = "".join(line + "\n" for _, lines in graphs for line in lines)
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                      for q in ox.parse(triples, ox.RdfFormat.N_TRIPLES)), output, fmt, prefixes=PREFIXES)
