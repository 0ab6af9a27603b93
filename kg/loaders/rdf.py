"""RDF files in any standard syntax -> quads, parsed by Oxigraph (never by rdflib).

Each file goes into its own named graph: the one given, or ``{GRAPH}load/<file name>``;
the quad syntaxes (N-Quads, TriG, JSON-LD) keep the graphs they name, and their default
graph goes into the file's graph. Blank nodes get labels made from the target graph and the
file name plus their order of appearance (``_:g<12 hex>b<n>``): the same file always gives
the same labels, and two files never share one. Relative IRIs resolve against the file's
``file:`` URI (its retrieval IRI), as RDF parsers do.

A syntax error is a :class:`~kg.errors.DataError` with the file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import DataError
from kg.vocab import GRAPH

__all__ = ["RdfFile", "file_sha256", "load_graph_iri", "read_quads", "scan_graphs"]

_POSITION = re.compile(r"^Parser error at line (\d+) column (\d+): ", re.IGNORECASE)


def load_graph_iri(path: str | Path) -> str:
    """The graph a file loads into by default: ``{GRAPH}load/<file name>``."""
    return f"{GRAPH}load/{quote(Path(path).name, safe='')}"


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass
class RdfFile:
    """A file to load: its path, syntax and target graph; counts filled in while reading."""

    path: Path
    format: ox.RdfFormat
    graph: str
    sha256: str = ""
    triples: dict[str, int] = field(default_factory=dict)
    #: Earlier loads of other content whose graphs this one replaces (as text, to be said).
    replaces: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The number of triples read (all graphs)."""
        return sum(self.triples.values())


def _error(exc: SyntaxError, rdf: RdfFile) -> DataError:
    message = str(exc.msg if isinstance(exc.msg, str) else exc)
    match = _POSITION.match(message)
    if match:
        message = f"invalid {rdf.format.name}: {message[match.end():]} (column {match.group(2)})"
    else:
        message = f"invalid {rdf.format.name}: {message}"
    return DataError(message, file=str(rdf.path), line=exc.lineno if exc.lineno else None)


def _parse(rdf: RdfFile) -> Iterator[ox.Quad]:
    try:
        if rdf.format == ox.RdfFormat.RDF_XML:
            from kg.loaders.xmlentities import check_entities

            check_entities(rdf.path)  # no "billion laughs", no external entities
        # Relative IRIs resolve against the file's own URI, as RDF says (its retrieval IRI).
        yield from ox.parse(path=str(rdf.path), format=rdf.format, base_iri=rdf.path.resolve().as_uri())
    except SyntaxError as exc:
        raise _error(exc, rdf) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(rdf.path)) from None
    except ValueError as exc:  # e.g. invalid UTF-8
        raise DataError(f"invalid {rdf.format.name}: {exc}", file=str(rdf.path)) from None
    except MemoryError as exc:  # one token (a literal, a line) beyond the reader's buffer
        raise DataError(f"invalid {rdf.format.name}: {exc or 'out of memory'}", file=str(rdf.path)) from None


def scan_graphs(rdf: RdfFile) -> set[str]:
    """The graphs a file will write (a first pass over quad syntaxes; the target otherwise)."""
    if not rdf.format.supports_datasets:
        return {rdf.graph}
    graphs: set[str] = set()
    for quad in _parse(rdf):
        graph = _graph_of(quad, rdf)
        graphs.add(graph.value if graph is not None else rdf.graph)
    return graphs


def _graph_of(quad: ox.Quad, rdf: RdfFile) -> ox.NamedNode | None:
    """The named graph a quad names (``None`` for the default graph)."""
    name = quad.graph_name
    if isinstance(name, ox.NamedNode):
        return name
    if isinstance(name, ox.BlankNode):
        raise DataError("a graph named by a blank node cannot be loaded: name it with an IRI",
                        file=str(rdf.path))
    return None


def _check_iris(quad: ox.Quad, rdf: RdfFile) -> None:
    """Refuse IRIs that Oxigraph's Turtle, TriG and RDF/XML readers build from prefixed or XML
    names but that are not IRIs (RFC 3987: e.g. U+E01EF, U+FFF0): its own N-Triples reader, and
    other tools, refuse them, so a store holding one could not be exported and loaded again."""
    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        if isinstance(term, ox.Literal):
            term = term.datatype
        if isinstance(term, ox.NamedNode) and not term.value.isascii():
            try:
                ox.NamedNode(term.value)
            except ValueError as exc:
                raise DataError(f"invalid {rdf.format.name}: <{term.value}> is not a valid IRI "
                                f"({exc})", file=str(rdf.path)) from None


def read_quads(rdf: RdfFile) -> Iterator[ox.Quad]:
    """The file's quads, in named graphs, blank nodes relabelled (see the module docs).

    Counts triples per graph into ``rdf.triples`` as they are read and the checksum into
    ``rdf.sha256``.
    """
    rdf.sha256 = file_sha256(rdf.path)
    target = ox.NamedNode(rdf.graph)
    stem = "g" + hashlib.sha256(f"{rdf.graph}\n{rdf.path.name}".encode()).hexdigest()[:12] + "b"
    labels: dict[str, ox.BlankNode] = {}

    def relabel(term):
        if isinstance(term, ox.BlankNode):
            node = labels.get(term.value)
            if node is None:
                node = labels[term.value] = ox.BlankNode(f"{stem}{len(labels)}")
            return node
        return term

    for quad in _parse(rdf):
        _check_iris(quad, rdf)
        graph = _graph_of(quad, rdf) or target
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
            subject, obj = relabel(subject), relabel(obj)
        rdf.triples[graph.value] = rdf.triples.get(graph.value, 0) + 1
        yield ox.Quad(subject, quad.predicate, obj, graph)
