"""The store layer's ground: store locations and the interface every kind of store offers.

A location (``--store``, env ``KG_STORE``; see ``docs/stores.md``) is one of:

- a directory: an embedded, persistent Oxigraph store (:mod:`kg.stores.embedded`);
- ``memory``: an in-process Oxigraph store, built from the packaged data on each run;
- an ``http://`` or ``https://`` URL: a SPARQL 1.1 query endpoint (:mod:`kg.stores.remote`);
- nothing: a per-user directory (``$KG_STORE``, else ``$XDG_DATA_HOME/kg/store``), built on
  first use and rebuilt when the packaged ontology or data change (:func:`kg.api.open_store`).

Queries see the union of all named graphs as their default graph, on every kind of store.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar

import pyoxigraph as ox

from kg.errors import StoreError

__all__ = [
    "MEMORY",
    "PLAIN_WRITE",
    "STAGING",
    "Dataset",
    "QueryOutcome",
    "RawResults",
    "Store",
    "StoreLocation",
    "StoreView",
    "WriteOptions",
    "default_store_path",
    "redact_url",
    "resolve_location",
    "boolean",
    "solutions",
    "timeout_message",
    "triples",
]

MEMORY = "memory"

#: Named graphs under this prefix hold data being uploaded to a remote store; never data.
STAGING = "https://w3id.org/alignment-kg/graph/staging/"

#: What a SPARQL query gives, in pyoxigraph's own types.
QueryOutcome = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
#: An RDF dataset named by the SPARQL Protocol: the IRIs of the graphs merged into the default
#: graph (``default-graph-uri``) and of the named graphs (``named-graph-uri``).
Dataset = tuple[tuple[str, ...], tuple[str, ...]]

_T = TypeVar("_T")


@dataclass(frozen=True)
class WriteOptions:
    """How one write is made, beyond its quads and the graphs it replaces: the same options for
    every kind of store (:meth:`Store.write`), each kind using those that apply to it.

    Attributes
    ----------
    meta
        Metadata to record with the written store (a directory's new generation, the returned
        memory store); a remote store keeps none.
    engine
        ``memory``: the engine written into (a new, empty one when ``None``).
    progress
        Called with a line of text at each stage of a long write.
    fresh
        Directory stores: start from an empty store, dropping every other graph too.
    check
        Directory stores: run on the new generation once the quads are written, before the
        derivation; what it raises leaves the previous generation live.
    """

    meta: dict | None = None
    engine: ox.Store | None = None
    progress: Callable[[str], None] | None = None
    fresh: bool = False
    check: Callable[[ox.Store], None] | None = None


#: A write with no options.
PLAIN_WRITE = WriteOptions()


@dataclass(frozen=True)
class StoreLocation:
    """A parsed ``--store`` value: ``kind`` is ``directory``, ``memory`` or ``remote``.

    A remote location carries its query ``url`` and the ``update_url`` and ``gsp_url``
    (SPARQL Update and Graph Store Protocol endpoints) derived from it or given.
    """

    kind: str
    path: Path | None = None
    url: str | None = None
    is_default: bool = False
    update_url: str | None = None
    gsp_url: str | None = None

    def __str__(self) -> str:
        """The location as it may be shown: a URL without its user information."""
        return redact_url(self.url) if self.url else (str(self.path) if self.path else MEMORY)


def redact_url(url: str) -> str:
    """``url`` without user information (``http://user:secret@host/`` -> ``http://host/``).

    >>> redact_url("http://kg:s3cret@example.org:8890/sparql?x=1")
    'http://example.org:8890/sparql?x=1'
    """
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@dataclass(frozen=True)
class RawResults:
    """Query results as bytes in a standard syntax, before they are parsed.

    ``format`` is a :class:`pyoxigraph.QueryResultsFormat` (SELECT and ASK results) or a
    :class:`pyoxigraph.RdfFormat` (CONSTRUCT and DESCRIBE). ``kg serve`` converts them to what
    a client asks for; :meth:`parse` gives the same Python types as an embedded query.
    """

    data: bytes
    format: ox.QueryResultsFormat | ox.RdfFormat

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE results (RDF triples)."""
        return isinstance(self.format, ox.RdfFormat)

    def parse(self) -> QueryOutcome:
        """The results as pyoxigraph objects (graphs through a small in-memory store)."""
        if isinstance(self.format, ox.QueryResultsFormat):
            return ox.parse_query_results(self.data, self.format)
        scratch = ox.Store()
        scratch.extend(
            ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(self.data, self.format)
        )
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def solutions(outcome: QueryOutcome) -> ox.QuerySolutions:
    """The solutions of a SELECT query (:class:`StoreError` for an ASK or CONSTRUCT result).

    >>> [s["x"].value for s in solutions(ox.Store().query("SELECT ?x WHERE { VALUES ?x { 1 } }"))]
    ['1']
    >>> solutions(ox.Store().query("ASK {}"))
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: expected SELECT results, got QueryBoolean
    """
    if not isinstance(outcome, ox.QuerySolutions):
        raise StoreError(f"expected SELECT results, got {type(outcome).__name__}")
    return outcome


def boolean(outcome: QueryOutcome) -> bool:
    """The answer of an ASK query (:class:`StoreError` for a SELECT or CONSTRUCT result).

    >>> boolean(ox.Store().query("ASK {}"))
    True
    """
    if not isinstance(outcome, ox.QueryBoolean):
        raise StoreError(f"expected an ASK answer, got {type(outcome).__name__}")
    return bool(outcome)


def triples(outcome: QueryOutcome) -> ox.QueryTriples:
    """The triples of a CONSTRUCT or DESCRIBE query (:class:`StoreError` for another form)."""
    if not isinstance(outcome, ox.QueryTriples):
        raise StoreError(f"expected CONSTRUCT results, got {type(outcome).__name__}")
    return outcome


def timeout_message(timeout: float) -> str:
    """The one message for a query stopped at its deadline."""
    return f"query stopped after {timeout:g} s (--timeout)"


def default_store_path() -> Path:
    """The per-user store directory: ``$XDG_DATA_HOME/kg/store`` (``~/.local/share/kg/store``)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "kg" / "store"


def _sibling_endpoint(url: str, name: str) -> str | None:
    """``http://h/ds/query`` -> ``http://h/ds/{name}``; ``None`` when the URL does not end in /query."""
    base, sep, query = url.partition("?")
    if not base.endswith("/query"):
        return None
    return base[: -len("query")] + name + (sep + query if sep else "")


def resolve_location(
    location: str | None,
    *,
    update_url: str | None = None,
    gsp_url: str | None = None,
) -> StoreLocation:
    """Parse a ``--store`` value (``None``: ``$KG_STORE`` or the per-user default).

    For a URL, ``update_url`` and ``gsp_url`` default to ``$KG_UPDATE_URL`` and
    ``$KG_GSP_URL``, then to the query URL with a trailing ``/query`` replaced by ``/update``
    and ``/store`` (a URL that does not end in ``/query`` is also its own update endpoint and
    has no Graph Store endpoint unless one is given).
    """
    if location is None or location == "":
        env = os.environ.get("KG_STORE")
        if env:
            return resolve_location(env, update_url=update_url, gsp_url=gsp_url)
        return StoreLocation("directory", path=default_store_path(), is_default=True)
    if location == MEMORY:
        return StoreLocation("memory")
    if location.startswith(("http://", "https://")):
        update = update_url or os.environ.get("KG_UPDATE_URL") or _sibling_endpoint(location, "update")
        gsp = gsp_url or os.environ.get("KG_GSP_URL") or _sibling_endpoint(location, "store")
        return StoreLocation("remote", url=location, update_url=update or location, gsp_url=gsp)
    return StoreLocation("directory", path=Path(location).expanduser())


class Store(ABC):
    """A readable graph store: SPARQL over the union of its named graphs.

    The interface every kind of store offers: :class:`~kg.stores.embedded.MemoryStore`,
    :class:`~kg.stores.embedded.DirectoryStore` and :class:`kg.stores.remote.RemoteStore`
    implement it. Which of them a location holds is decided in one place,
    :func:`kg.stores.kinds.store_class`; everything else asks the store, not the location.
    A store owns its writes: :meth:`write` (to a location), :meth:`write_graphs` and
    :meth:`drop_graphs` (through an opened store), :meth:`update`.
    """

    location: StoreLocation
    meta: dict
    #: True for a store that lives in this process and ends with it (``memory``): opening one
    #: builds it here (:func:`kg.api.open_store`).
    in_process: ClassVar[bool] = False
    #: True where queries are evaluated by an engine of this process (in forked children,
    #: :mod:`kg.stores.worker`, which :mod:`kg.sandbox` can deny the network); false where a server
    #: evaluates them.
    embedded: ClassVar[bool] = False
    #: True when this process ends after its command (``kg query`` sets it): an embedded store
    #: may then evaluate a trusted query with a deadline (:meth:`query`) in a thread denied the
    #: network instead of a forked child (:func:`kg.stores.worker.evaluate_in_thread`), leaving
    #: it to the process's end at the deadline. Never in a process that goes on (``kg serve``).
    one_shot: bool = False

    @classmethod
    @abstractmethod
    def at(cls, location: StoreLocation, *, engine: ox.Store | None = None) -> Store:
        """The store at ``location`` as it is, building nothing: the live generation of a
        directory (:class:`StoreError` when there is none), a remote endpoint (nothing is sent
        until the first query), or an in-process store over ``engine`` (a new, empty one when
        ``None``)."""

    @classmethod
    def for_writing(cls, location: StoreLocation) -> Store:
        """The store at ``location``, to write to: as :meth:`at`, except that where a store may
        not exist yet (a directory without a generation) the result is an empty store there,
        which its first write creates. Nothing is written by opening."""
        return cls.at(location)

    @classmethod
    def write(cls, location: StoreLocation, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
              options: WriteOptions = PLAIN_WRITE) -> Store | None:
        """Write ``quads`` into the store at ``location`` as one atomic write, replacing every
        named graph for which ``replace(graph_iri)`` is true (see
        :func:`kg.stores.kinds.write_graphs`), as ``options`` say (:class:`WriteOptions`).
        Returns the store where it lives in this process, ``None`` otherwise.

        By default the store at ``location`` is opened (:meth:`at`) and written through
        (:meth:`write_graphs`), as a remote store is; a kind of store overrides this method or
        :meth:`write_graphs` (one of them)."""
        return cls.at(location, engine=options.engine).write_graphs(
            quads, replace=replace, meta=options.meta, progress=options.progress)

    def write_graphs(self, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
                     meta: dict | None = None, progress: Callable[[str], None] | None = None) -> Store | None:
        """Write ``quads`` into this store's location (:meth:`write`)."""
        return type(self).write(self.location, quads, replace=replace,
                                options=WriteOptions(meta=meta, progress=progress))

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        """Remove the named ``graphs`` (atomically, as one write); other graphs stay."""
        targets = set(graphs)
        self.write_graphs([], replace=targets.__contains__)

    def version(self) -> object | None:
        """A value that changes whenever what the store holds may have changed, or ``None`` when
        the store cannot tell cheaply (a remote store, which others may write): then nothing is
        remembered (:meth:`remembered`)."""
        return None

    def remembered(self, key: str, compute: Callable[[Store], _T]) -> _T:
        """``compute(self)``, remembered under ``key`` until the store is written (its
        :meth:`version` changes); computed every time where the store has no version. For small
        answers that every query asks again, such as the coverage statements."""
        version = self.version()
        if version is None:
            return compute(self)
        memo: dict[str, tuple[object, object]] = self.__dict__.setdefault("_remembered", {})
        hit = memo.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]  # type: ignore[return-value]
        value = compute(self)
        memo[key] = (version, value)
        return value

    def latest(self) -> Store:
        """This store as it is now: itself while nothing newer is live (an in-process store
        always), a new store after another process's write (a directory's new generation), a
        new description of a remote store (whose list of graphs may have changed)."""
        return self

    @abstractmethod
    def query(self, sparql: str, *, timeout: float | None = None) -> QueryOutcome:
        """Evaluate SPARQL text with the union of the named graphs as the default graph.

        With ``timeout`` (seconds), evaluation is stopped at the deadline and
        :class:`~kg.errors.QueryError` ("query stopped after N s (--timeout)") is raised.
        A syntax error raises :class:`SyntaxError`; an engine failure :class:`OSError` or
        :class:`~kg.errors.QueryError`; callers (``kg.query``) report them.
        """

    def select(self, sparql: str, *, timeout: float | None = None) -> ox.QuerySolutions:
        """The solutions of a SELECT query (:meth:`query`; :class:`StoreError` for another form)."""
        return solutions(self.query(sparql, timeout=timeout))

    def ask(self, sparql: str, *, timeout: float | None = None) -> bool:
        """The answer of an ASK query (:meth:`query`; :class:`StoreError` for another form)."""
        return boolean(self.query(sparql, timeout=timeout))

    def construct(self, sparql: str, *, timeout: float | None = None) -> ox.QueryTriples:
        """The triples of a CONSTRUCT or DESCRIBE query (:meth:`query`; :class:`StoreError`
        for another form)."""
        return triples(self.query(sparql, timeout=timeout))

    @abstractmethod
    def evaluate(self, sparql: str, *, timeout: float | None = None,
                 max_bytes: int | None = None, network: bool = False,
                 dataset: Dataset | None = None) -> RawResults:
        """Like :meth:`query`, but give the results as bytes (:class:`RawResults`).

        ``dataset`` replaces the union default graph (and the query's own ``FROM``) with the
        graphs it names, as the SPARQL Protocol's ``default-graph-uri`` / ``named-graph-uri``.

        ``max_bytes`` bounds the size of the serialised results (:class:`QueryError` beyond).
        On an embedded store the query is evaluated in a child process that cannot open network
        connections (:mod:`kg.sandbox`) unless ``network`` is true; a remote store's server
        evaluates it (``network`` does not apply: only the text check protects it).
        """

    @abstractmethod
    def update(self, sparql: str, *, network: bool = False) -> None:
        """Apply a SPARQL update (atomically: on a directory store as a new generation), then
        recompute the derived graph (:mod:`kg.derived`). Unless ``network``, an embedded store
        evaluates it where no Internet socket can be opened (:func:`kg.sandbox.without_network`),
        as the query worker evaluates queries."""

    @abstractmethod
    def named_graphs(self) -> list[tuple[str, int]]:
        """The named graphs, sorted by IRI, with their number of triples (which costs a count
        of every triple: :meth:`graph_iris` where only the names are needed)."""

    @abstractmethod
    def graph_iris(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""

    @abstractmethod
    def graph_ntriples(self, graph: str) -> bytes:
        """One named graph as N-Triples (unsorted; blank node labels as the store keeps them)."""

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads in named graphs, or those of one named graph."""

    def __len__(self) -> int:
        return sum(n for _, n in self.named_graphs())

    def close(self) -> None:
        """Release the store's resources (a no-op where there are none)."""


class StoreView(Store):
    """A store seen through another object: every method passes to the wrapped store, which
    a subclass changes where it needs to (the web pages' :class:`kg.web.pages._Remembering`
    keeps the answers of a few queries). ``__wrapped__`` names the wrapped store, for caches
    kept per store (:mod:`kg.names`)."""

    def __init__(self, store: Store) -> None:
        self.__wrapped__ = store
        self.location = store.location
        self.meta = store.meta

    @classmethod
    def at(cls, location: StoreLocation, *, engine: ox.Store | None = None) -> Store:
        """A view is made from an opened store, not from a location."""
        raise StoreError(f"{cls.__name__} is made from an opened store, not from a location")

    @classmethod
    def write(cls, location: StoreLocation, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
              options: WriteOptions = PLAIN_WRITE) -> Store | None:
        """A view is written through the store it wraps (:meth:`write_graphs`)."""
        raise StoreError(f"{cls.__name__} is written through the store it wraps")

    def write_graphs(self, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
                     meta: dict | None = None, progress: Callable[[str], None] | None = None) -> Store | None:
        return self.__wrapped__.write_graphs(quads, replace=replace, meta=meta, progress=progress)

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        self.__wrapped__.drop_graphs(graphs)

    def latest(self) -> Store:
        latest = self.__wrapped__.latest()
        return self if latest is self.__wrapped__ else latest

    def query(self, sparql: str, *, timeout: float | None = None) -> QueryOutcome:
        return self.__wrapped__.query(sparql, timeout=timeout)

    def evaluate(self, sparql: str, *, timeout: float | None = None,
                 max_bytes: int | None = None, network: bool = False,
                 dataset: Dataset | None = None) -> RawResults:
        return self.__wrapped__.evaluate(sparql, timeout=timeout, max_bytes=max_bytes, network=network,
                                         dataset=dataset)

    def update(self, sparql: str, *, network: bool = False) -> None:
        self.__wrapped__.update(sparql, network=network)

    def named_graphs(self) -> list[tuple[str, int]]:
        return self.__wrapped__.named_graphs()

    def graph_iris(self) -> list[str]:
        return self.__wrapped__.graph_iris()

    def graph_ntriples(self, graph: str) -> bytes:
        return self.__wrapped__.graph_ntriples(graph)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        return self.__wrapped__.quads(graph)

    def close(self) -> None:
        self.__wrapped__.close()
