"""RDF syntaxes by name, and exporting a store in any of them, deterministically.

Every export is built from the store's graphs as N-Triples text: blank nodes get canonical
labels (RDFC-1.0, computed only over the triples that have blank nodes), lines are sorted, and
then written as N-Triples / N-Quads directly, as pretty Turtle / TriG by :mod:`kg.turtle`, or
as JSON-LD / RDF/XML by pyoxigraph's serializers from the sorted input. So the same graph
always gives the same bytes, whichever store holds it and however it was loaded. The store's own
N-Triples are read back leniently (no second IRI check), so what the store holds is always written.
The store's own metadata graphs (``kg graphs``' sources, :mod:`kg.graphs`) are not exported.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import DataError, UsageError
from kg.graphnames import is_metadata_graph
from kg.stores.base import Store
from kg.vocab import PREFIXES

__all__ = ["RDF_FORMATS", "export", "format_name", "rdf_format", "sorted_ntriples"]

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
    # split("\n"), not splitlines(): a literal may hold U+0085, U+2028 or U+2029 unescaped.
    return set(data.decode("utf-8").split("\n")) - {""}


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
    dataset = ox.Dataset(ox.parse("\n".join(with_blank), ox.RdfFormat.N_QUADS, lenient=True))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for quad in dataset:
        graphs[quad.graph_name.value].add(f"{ox.Triple(quad.subject, quad.predicate, quad.object)} .")
    return graphs


def sorted_ntriples(store: Store, *, union: bool) -> list[tuple[str, list[str]]]:
    """The store's data graphs as ``(graph IRI, sorted N-Triples lines)``, blank nodes canonical.

    With ``union``, one graph (named ``""``) holds the union of all graphs, without duplicates.
    """
    names = [g for g in store.graph_iris() if not is_metadata_graph(g)]
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
        ox.serialize(ox.parse(quads, ox.RdfFormat.N_QUADS, lenient=True), output, fmt, prefixes=PREFIXES)
    else:
        triples = "".join(line + "\n" for _, lines in graphs for line in lines)
        checked = [_xml_writable(ox.Triple(q.subject, q.predicate, q.object))
                   for q in ox.parse(triples, ox.RdfFormat.N_TRIPLES, lenient=True)]
        ox.serialize(checked, output, fmt, prefixes=PREFIXES)


#: Characters XML 1.0 does not allow, even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NAME_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
#: A predicate IRI that RDF/XML can write ends in an XML name (the element's local name).
_ENDS_IN_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f\u2040]*$")


def _xml_writable(triple: ox.Triple) -> ox.Triple:
    """The triple, or :class:`DataError` when RDF/XML cannot hold it as well-formed XML 1.0."""
    if not _ENDS_IN_NAME.search(triple.predicate.value):
        raise DataError(f"cannot write RDF/XML: the predicate <{triple.predicate.value}> does not end "
                        "in an XML name; choose another syntax (turtle, ntriples, nquads, trig, jsonld)")
    if isinstance(triple.object, ox.Literal) and (bad := _NOT_XML.search(triple.object.value)):
        raise DataError(f"cannot write RDF/XML: a literal holds U+{ord(bad.group()):04X}, which XML 1.0 "
                        "does not allow; choose another syntax (turtle, ntriples, nquads, trig, jsonld)")
    return triple
