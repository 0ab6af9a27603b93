"""The named graphs of a store: load RDF files into them, list them, drop one.

- :func:`load_files` (``kg load``) writes each file into its own graph (see
  :mod:`kg.loaders.rdf`), replacing an earlier load of the same graph, in one atomic write.
  Its provenance (file name, SHA-256, syntax) goes into a *metadata graph* beside it,
  ``{GRAPH}meta/<short name>`` (:func:`metadata_graph`): the loaded graph holds exactly the
  file's triples, so ``kg export`` (which leaves metadata graphs out) and ``kg load`` round-trip,
  and the same file always gives the same store (no load date is recorded).
- :func:`graph_rows` (``kg graphs``) lists the graphs with their source and size;
- :func:`drop_graph` (``kg drop``) removes one graph (and its metadata graph), atomically.

Short names: a graph under ``https://w3id.org/alignment-kg/graph/`` is shown and accepted
without that prefix (``curated``, ``load/alliances.ttl``); other graphs by their IRI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError, StoreError, UsageError
from kg.graphnames import META, is_metadata_graph, metadata_graph
from kg.loaders.rdf import RdfFile, load_graph_iri, read_quads, scan_graphs
from kg.sparqltext import read_query
from kg.stores.base import STAGING, Store, solutions
from kg.table import Table
from kg.vocab import AL, GRAPH, PREFIXES

__all__ = [
    "GRAPH_COLUMNS",
    "META",
    "describe_graph",
    "drop_graph",
    "graph_table",
    "graph_iri",
    "graph_rows",
    "is_metadata_graph",
    "load_files",
    "metadata_graph",
    "short_name",
]

#: The columns of ``kg graphs``.
GRAPH_COLUMNS = ["graph", "source", "triples"]
_SPARQL = Path(__file__).resolve().parent / "sparql"


def short_name(graph: str) -> str:
    """``{GRAPH}load/x.ttl`` -> ``load/x.ttl``; other IRIs unchanged."""
    return graph[len(GRAPH):] if graph.startswith(GRAPH) and len(graph) > len(GRAPH) else graph


def graph_iri(name: str) -> str:
    """A graph's IRI from ``--graph`` / ``kg drop``: an IRI, or a short name under ``GRAPH``."""
    iri = name if ":" in name else GRAPH + name
    try:
        return ox.NamedNode(iri).value
    except ValueError as exc:
        raise UsageError(f"invalid graph name {name!r}: {exc}") from None


def describe_graph(graph: str, rdf: RdfFile) -> list[ox.Quad]:
    """The provenance of a loaded ``graph``, in its metadata graph: file name, SHA-256, syntax."""
    meta = ox.NamedNode(metadata_graph(graph))
    subject = ox.NamedNode(graph)
    terms = [
        (ox.NamedNode(AL + "fileName"), ox.Literal(rdf.path.name)),
        (ox.NamedNode(AL + "sha256"), ox.Literal(rdf.sha256)),
        (ox.NamedNode(PREFIXES["dcterms"] + "format"), ox.Literal(rdf.format.media_type)),
    ]
    return [ox.Quad(subject, p, o, meta) for p, o in terms]


def _check_target(graph: str) -> None:
    if is_metadata_graph(graph) or graph.startswith(STAGING):
        raise UsageError(f"{graph} is reserved for the store's own use; choose another graph")


def load_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    graph: str | None = None,
    fmt: Callable[[Path], ox.RdfFormat] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RdfFile]:
    """Load RDF files into an opened store, each into its own named graph, as one atomic write.

    Parameters
    ----------
    store
        The store, as :func:`kg.api.open_store` opens it (``create=True``: a missing directory
        is an empty store, created by this write). ``memory`` is written in place; a directory
        store gets a new generation, which ``store`` does not show (open it again).
    graph
        One graph IRI (or short name) for every file; default: ``{GRAPH}load/<file name>``.
    fmt
        The syntax of a file (default: from its extension, :func:`kg.rdfio.rdf_format`).

    Re-loading a file replaces its graph. Returns the files with their triple counts.

    Raises
    ------
    DataError
        A syntax error (file and line): the store is left unchanged.
    UsageError
        An unknown syntax or a reserved graph name.
    StoreError
        The store cannot be written.
    """
    from kg.rdfio import rdf_format

    target = graph_iri(graph) if graph else None
    files: list[RdfFile] = []
    for path in map(Path, paths):
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            shown = str(path).encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
            raise DataError("the file name is not valid UTF-8: rename the file", file=shown) from None
        if not path.is_file():
            raise DataError("no such file", file=str(path))
        syntax = fmt(path) if fmt else rdf_format(None, path, default=None)
        rdf = RdfFile(path, syntax, target or load_graph_iri(path))
        _check_target(rdf.graph)
        clash = next((f for f in files if f.graph == rdf.graph and target is None), None)
        if clash is not None:
            raise UsageError(f"{clash.path} and {path} would both load into the graph "
                             f"{short_name(rdf.graph)}: load them with --graph, or one at a time")
        files.append(rdf)
    written: set[str] = set()
    for rdf in files:
        for name in scan_graphs(rdf):  # quad syntaxes: a first pass to know their graphs
            _check_target(name)
            written.add(name)
    replace = {g for g in written} | {metadata_graph(g) for g in written}
    _note_replacements(store, files)

    def quads() -> Iterator[ox.Quad]:
        for rdf in files:
            if progress:
                progress(f"reading {rdf.path}")
            for quad in read_quads(rdf):
                # The checks above read the file once; this is the read that writes. A graph
                # that the first read did not see (the file changed in between) is refused here,
                # on the very bytes that would be written.
                graph = quad.graph_name
                name = "" if isinstance(graph, ox.DefaultGraph) else graph.value
                if name not in written:
                    _check_target(name)
                    raise DataError("the file changed while it was being loaded: load it again",
                                    file=str(rdf.path))
                yield quad
        described: set[tuple[str, str]] = set()
        for rdf in files:
            for name in sorted(rdf.triples):
                if (name, str(rdf.path)) not in described:
                    described.add((name, str(rdf.path)))
                    yield from describe_graph(name, rdf)

    store.write_graphs(quads(), replace=replace.__contains__, progress=progress)
    return files


def _note_replacements(store: Store, files: list[RdfFile]) -> None:
    """Fill each file's ``replaces``: the earlier loads, of other content, whose graphs this load
    replaces (``2024/members.ttl`` replacing what ``2023/members.ttl`` put in
    ``load/members.ttl``), so that the replacement is said, not silent."""
    from kg.loaders.rdf import file_sha256

    graphs = {g for rdf in files for g in ([rdf.graph] if not rdf.format.supports_datasets else [])}
    if not graphs:
        return
    values = " ".join(f"<{g}>" for g in sorted(graphs))
    earlier: dict[str, tuple[str, str]] = {}
    text = (f"SELECT ?g ?file ?sha WHERE {{ VALUES ?g {{ {values} }} "
            f"?g <{AL}fileName> ?file ; <{AL}sha256> ?sha }}")
    for solution in solutions(store.query(text)):
        earlier[solution["g"].value] = (solution["file"].value, solution["sha"].value)
    for rdf in files:
        if rdf.graph in earlier:
            name, digest = earlier[rdf.graph]
            if digest != file_sha256(rdf.path):
                rdf.replaces.append(f"{short_name(rdf.graph)} (loaded before from {name}, "
                                    "other content)")


def _sources(store: Store) -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for solution in solutions(store.query(read_query(_SPARQL / "graph_sources.rq"))):
        graph, file, importer = solution["g"], solution["file"], solution["importer"]
        if not isinstance(graph, ox.NamedNode):
            continue
        text = f"kg import {importer.value}: {file.value}" if importer is not None else f"kg load: {file.value}"
        sources.setdefault(graph.value, []).append(text)
    return sources


def _built_source(graph: str) -> str:
    if graph == GRAPH + "ontology":
        return "kg build: ontology"
    if graph == GRAPH + "curated":
        return "kg build: data"
    if graph.startswith(GRAPH + "data/"):
        return f"kg build --data {graph[len(GRAPH) + 5:]}"
    return ""


def graph_rows(store: Store) -> list[list[str | int]]:
    """``kg graphs``: one row per named graph (metadata graphs left out): short name, source
    (how it got there: ``kg build: data``, ``kg load: x.ttl``, ``kg import atop: f.csv``) and
    number of triples, sorted by name."""
    sources = _sources(store)
    rows: list[list[str | int]] = []
    for graph, count in store.named_graphs():
        if is_metadata_graph(graph):
            continue
        source = "; ".join(sorted(set(sources.get(graph, [])))) or _built_source(graph)
        rows.append([short_name(graph), source, count])
    return sorted(rows, key=lambda row: str(row[0]))


def graph_table(store: Store) -> Table:
    """``kg graphs`` as a table: the rows of :func:`graph_rows` under :data:`GRAPH_COLUMNS`."""
    return Table(list(GRAPH_COLUMNS), graph_rows(store))


def drop_graph(store: Store, name: str) -> str:
    """Remove one named graph (an IRI or a short name as ``kg graphs`` shows it) and its
    metadata; atomically on a directory store. Returns the graph's IRI.

    Raises :class:`StoreError` when the store has no such graph.
    """
    existing = {g for g in store.graph_iris() if not is_metadata_graph(g)}
    candidates = [name] if ":" in name else [GRAPH + name]
    graph = next((g for g in candidates if g in existing), None)
    if graph is None:
        raise StoreError(f"no graph {name!r} in {store.location} (see `kg graphs`)")
    store.drop_graphs([graph, metadata_graph(graph)])  # a directory store is closed: its generation is gone
    return graph

