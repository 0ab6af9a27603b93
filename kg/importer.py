"""Importing a standard dataset file: parse it, then write it as one named graph, with provenance.

``kg import SOURCE FILE`` reads the file with the importer registered as ``SOURCE``
(:mod:`kg.loaders.registry`: ``atop``, ``cow-alliances``, ``cow-igo``, ``cow-states``,
``wikidata``, and those other packages add), puts its quads into the graph
``https://w3id.org/alignment-kg/graph/import/<source>/<file name>`` together with triples
about that graph (the dataset's name and version, the file's name and SHA-256 checksum), and
writes that graph into the store, replacing an earlier import of the same file and changing
nothing else. Problems in single rows are reported (``report``) and the rows left out; with
``strict`` any problem is an error and nothing is written. See ``docs/importers.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import DataError
from kg.loaders.importing import DatasetInfo, ImportContext, Issue
from kg.loaders.registry import find_importer
from kg.stores.base import Store
from kg.vocab import AL, GRAPH, PREFIXES, mint

__all__ = ["ImportResult", "import_file", "import_graph", "is_import_graph", "read_file"]

#: The table of ``data/`` that maps datasets' own alliance and organisation ids to project codes.
ORGANIZATIONS_TABLE = "import-organizations.csv"


@dataclass
class ImportResult:
    """What :func:`read_file` read and :func:`import_file` wrote: the graph and what is in it."""

    source: str
    file: str
    graph: str
    dataset: DatasetInfo
    checksum: str
    rows: int
    #: Every quad of the graph, the triples about the graph itself included.
    quads: list[Quad] = field(default_factory=list, repr=False)
    counts: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    #: The store written, for ``memory`` (which lives in this process); ``None`` otherwise.
    store: Store | None = None

    @property
    def triples(self) -> int:
        """The number of distinct triples in the graph."""
        return len(set(self.quads))


def import_graph(source: str, path: str | Path) -> NamedNode:
    """The named graph of an imported file: ``{GRAPH}import/<source>/<file name>``.

    >>> import_graph("atop", "/data/atop-v4.01-member-level.csv").value
    'https://w3id.org/alignment-kg/graph/import/atop/atop-v4.01-member-level.csv'
    """
    return NamedNode(f"{GRAPH}import/{quote(source, safe='')}/{quote(Path(path).name, safe='')}")


def is_import_graph(graph: str) -> bool:
    """True for the named graphs ``kg import`` writes."""
    return graph.startswith(GRAPH + "import/")


def read_file(
    source: str,
    path: str | Path,
    *,
    strict: bool = False,
    report: Callable[[Issue], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    store: Store | None = None,
) -> ImportResult:
    """Read a dataset file into the quads of its graph, without writing anything.

    ``store`` is only consulted by an importer that matches Wikidata items (``wikidata``: the
    store's ``al:wikidata`` QIDs, besides those of the packaged curated tables). The other
    parameters are those of :func:`import_file`.

    Raises
    ------
    UsageError
        An unknown ``source``.
    DataError
        A file that cannot be read as the dataset, or (with ``strict``) any problem in it.
    """
    importer = find_importer(source)
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", file=str(path))
    checksum = _sha256(path)
    graph = import_graph(source, path)
    issues: list[Issue] = []

    def on_issue(issue: Issue) -> None:
        issues.append(issue)
        if report:
            report(issue)

    context = ImportContext(graph=graph, report=on_issue, progress=progress, checksum=checksum,
                            organizations=_organizations(source))
    if importer.matches_wikidata:
        context.wikidata = _wikidata_items(store)
    loaded = importer.read(path, context)
    if strict and issues:
        shown = "\n  ".join(str(i) for i in issues[:20])
        more = f"\n  ... and {len(issues) - 20} more" if len(issues) > 20 else ""
        raise DataError(f"{len(issues)} problem(s), and --strict makes them errors: nothing was "
                        f"imported\n  {shown}{more}", file=str(path))
    quads = loaded.quads + _provenance(graph, source, path, checksum, loaded.dataset)
    return ImportResult(source, str(path), graph.value, loaded.dataset, checksum, loaded.rows,
                        quads, loaded.counts, issues)


def import_file(
    source: str,
    path: str | Path,
    store: Store,
    *,
    strict: bool = False,
    report: Callable[[Issue], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one dataset file into its own named graph of an opened store, in one write.

    Parameters
    ----------
    source
        The name of a registered importer (:func:`kg.loaders.registry.importer_names`):
        ``atop``, ``cow-alliances``, ``cow-igo``, ``cow-states``, ``wikidata``, ...
    store
        The store to add to, as :func:`kg.api.open_store` opens it: ``create=True`` makes a
        missing directory a store holding only this import; ``memory`` starts from the packaged
        data. The result's ``store`` is the store written, for ``memory`` (which lives in this
        process); a directory store gets a new generation, and ``store`` keeps showing the
        previous one until it is opened again.
    strict
        Make every reported problem an error: nothing is written.
    report, progress
        Hear about each problem (an :class:`~kg.loaders.importing.Issue` with file and line)
        and how many rows have been read (``done, total``).

    Raises
    ------
    UsageError, DataError
        As :func:`read_file`: nothing is written.
    StoreError
        The store cannot be written.

    Examples
    --------
    >>> from kg.api import open_store
    >>> store = open_store("./kg-store", create=True)  # doctest: +SKIP
    >>> import_file("cow-states", "cow-statelist2024.csv", store).counts  # doctest: +SKIP
    {'codes': 217, 'system memberships': 250}
    """
    result = read_file(source, path, strict=strict, report=report, progress=progress, store=store)
    result.store = store.write_graphs(result.quads, replace=result.graph.__eq__)
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _provenance(graph: NamedNode, source: str, path: Path, checksum: str, info: DatasetInfo) -> list[Quad]:
    """Triples about the imported file's graph: an ``al:Dataset`` with name, version, checksum."""
    terms: list[tuple[NamedNode, NamedNode | Literal]] = [
        (NamedNode(PREFIXES["rdf"] + "type"), NamedNode(AL + "Dataset")),
        (NamedNode(PREFIXES["rdfs"] + "label"), Literal(f"{path.name} ({source} import)", language="en")),
        (NamedNode(PREFIXES["dcterms"] + "title"), Literal(info.title)),
        (NamedNode(PREFIXES["owl"] + "versionInfo"), Literal(info.version)),
        (NamedNode(AL + "importedWith"), Literal(source)),
        (NamedNode(AL + "fileName"), Literal(path.name)),
        (NamedNode(AL + "sha256"), Literal(checksum)),
        (NamedNode(PREFIXES["prov"] + "wasDerivedFrom"), mint("source", info.source_id)),
    ]
    return [Quad(graph, p, o, graph) for p, o in terms]


def _wikidata_items(store: Store | None) -> dict[str, NamedNode]:
    """QID -> project IRI, for the states, territories and organisations that have a QID:
    from the packaged curated tables and from the store (which wins)."""
    items: dict[str, NamedNode] = dict(_curated_wikidata())
    if store is not None:
        for solution in store.select(f"SELECT ?x ?q WHERE {{ ?x <{AL}wikidata> ?q }} ORDER BY DESC(?x)"):
            item, qid = solution["x"], solution["q"]
            if isinstance(item, NamedNode) and isinstance(qid, Literal):
                items[qid.value] = item
    return items


@cache
def _curated_wikidata() -> tuple[tuple[str, NamedNode], ...]:
    from kg.loaders.curated import load_curated
    from kg.loaders.ontology import read_ontology, read_vocabulary
    from kg.resources import data_dir

    curated = load_curated([(data_dir(), "curated")], read_vocabulary(read_ontology()))
    pairs = {(q.object.value, q.subject) for q in curated.quads
             if q.predicate.value == AL + "wikidata" and isinstance(q.subject, NamedNode)
             and isinstance(q.object, Literal)}
    return tuple(sorted(pairs, key=lambda pair: (pair[0], pair[1].value), reverse=True))


def _organizations(source: str) -> dict[str, str]:
    """The dataset's own ids mapped to project organisation codes (``data/import-organizations.csv``)."""
    from kg.loaders.csvtable import read_table
    from kg.resources import data_dir

    path = data_dir() / ORGANIZATIONS_TABLE
    if not path.exists():
        return {}
    mapping: dict[str, str] = {}
    for row in read_table(path, required=("dataset", "id", "org", "source"), optional=("note",)):
        if row.get("dataset") == source:
            if row.get("id") in mapping:
                raise row.error(f"{source} id {row.get('id')!r} is mapped twice")
            mapping[row.get("id")] = row.get("org")
    return mapping
