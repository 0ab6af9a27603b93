"""Remote stores: a SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso, ...).

Queries and updates go over the SPARQL 1.1 Protocol and are evaluated by the server; the
results are parsed with pyoxigraph, so the rest of ``kg`` sees the same types as from an
embedded store. Only the standard library speaks HTTP here (``urllib``).

- **Default graph.** Every query is sent with the dataset spelt out in the protocol's
  ``default-graph-uri`` and ``named-graph-uri`` parameters: all the store's named graphs
  except the staging graphs of an upload in progress. So queries see the union of the named
  graphs, as on an embedded store, on every SPARQL 1.1 server without server settings, and
  never see half-uploaded data. A query with its own ``FROM``/``FROM NAMED`` keeps its dataset.
- **Writes.** Quads are uploaded with the Graph Store HTTP Protocol (``POST`` N-Triples,
  :data:`CHUNK` triples per request) into staging graphs (``…/graph/staging/<token>/<n>``),
  counted, and only then moved over the target graphs in one SPARQL update
  (``DROP SILENT GRAPH <g> ; MOVE <staging> TO <g>``), which the server applies as one
  transaction. A failure before that leaves the previous graphs and removes the staging graphs.
- **Blank nodes** are skolemised on upload: ``_:x`` becomes ``<`` :data:`GENID` ``x>``
  (``kg load`` gives them labels unique to the loaded file). No server keeps blank node
  labels across requests, so a store that must be written in several requests cannot hold them.
- **Credentials** come from ``KG_USER`` and ``KG_PASSWORD`` (HTTP basic, sent with every
  request; a server that asks for digest authentication gets it), never from the command line.
  They are never printed: messages show URLs without their user information, and the password
  is blanked out of any text a server sends back.
- **Hostile servers.** Redirects are not followed (a redirect could carry the credentials to
  another host): a 3xx answer is an error naming the new location. Every request has one
  deadline, for connecting, sending, the headers and the whole body: a watchdog shuts the
  socket down when it passes, so a server that drips bytes cannot hold ``kg`` longer. Answers
  are read in chunks and bounded (:data:`MAX_ANSWER` bytes unless the caller gives less), and
  checked before they are used: a cut or malformed answer is one line naming the endpoint, not
  a syntax error blamed on the query.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from kg.derived import DERIVED, derivation_update, spells_query, too_many_spells
from kg.errors import KgError, QueryError, StoreError
from kg.sparqltext import bare_part, tokens
from kg.stores.base import STAGING, Dataset, QueryOutcome, RawResults, Store, StoreLocation, solutions, timeout_message
from kg.stores.base import redact_url as redact

__all__ = ["CHUNK", "GENID", "RemoteStore", "default_graph_writes", "skolemise"]


def default_graph_writes(update: str) -> str | None:
    """The first operation of the SPARQL ``update`` that writes into the default graph (named
    as the update names it), or ``None``. Read from rdflib's parse of the update: a template
    triple outside ``GRAPH`` (and with no ``WITH``), a ``LOAD`` without ``INTO GRAPH``, or an
    ``ADD``, ``COPY`` or ``MOVE`` to ``DEFAULT``; an update rdflib cannot read is refused.

    >>> default_graph_writes("INSERT DATA { <http://e/s> <http://e/p> 1 }")
    'INSERT DATA'
    >>> default_graph_writes("WITH <http://e/g> INSERT { ?s <http://e/p> 1 } WHERE { ?s ?p ?o }") is None
    True
    """
    from rdflib.plugins.sparql import prepareUpdate

    try:
        operations = prepareUpdate(update).algebra
    except Exception as error:  # rdflib raises pyparsing and assorted errors
        raise QueryError(f"refused: kg cannot tell where this update writes ({type(error).__name__}); "
                         "a remote store takes only updates that name their graphs") from None
    for operation in operations:
        name = operation.name
        if name == "InsertData" and operation.triples:
            return "INSERT DATA"
        if name == "Modify" and "insert" in operation and operation["insert"].triples \
                and "withClause" not in operation:
            return "INSERT"
        if name == "Load" and "graphiri" not in operation:
            return "LOAD"
        if name in ("Add", "Copy", "Move") and operation.graph[1] == "DEFAULT":
            return name.upper()
    return None

#: Blank nodes written to a remote store become IRIs under this prefix (RDF 1.1, section 3.5).
GENID = "https://w3id.org/alignment-kg/.well-known/genid/"
#: Triples per Graph Store Protocol request.
CHUNK = 50_000
#: Seconds to wait for any answer that has no timeout of its own (a wedged server is an error,
#: not a hang).
PATIENCE = 600.0
#: Bytes an answer may have when the caller gives no smaller bound.
MAX_ANSWER = 512 * 1024 * 1024


class _Deadline(threading.local):
    """The deadline of the request this thread is sending (``time.monotonic()``), if any."""

    at: float | None = None


_DEADLINE = _Deadline()


class _Watchdog:
    """Shuts a connection's socket down at the deadline, which ends any blocked read or write."""

    def __init__(self, sock: socket.socket, at: float) -> None:
        self.expired = False
        self._sock = sock
        self._timer = threading.Timer(max(at - time.monotonic(), 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _Watched(http.client.HTTPConnection):
    """A connection whose socket a watchdog closes at the request's deadline."""

    sock: socket.socket

    def connect(self) -> None:
        super().connect()
        if _DEADLINE.at is not None:
            self._watchdog = _Watchdog(self.sock, _DEADLINE.at)

    def close(self) -> None:
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None:
            watchdog.cancel()
        super().close()


class _WatchedHTTPConnection(_Watched):
    pass


class _WatchedHTTPSConnection(_Watched, http.client.HTTPSConnection):
    pass


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request):
        return self.do_open(_WatchedHTTPConnection, req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request):
        # The handler's own SSL context (typeshed does not declare the attribute).
        return self.do_open(_WatchedHTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]


class _Redirected(Exception):
    def __init__(self, code: int, location: str) -> None:
        super().__init__(location)
        self.code = code
        self.location = location


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are errors: following one could send the credentials to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise _Redirected(code, newurl)


class _BasicRefused(Exception):
    """A 401 in answer to basic credentials (the server may want digest authentication)."""


_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
           "text/tab-separated-values;q=0.8, application/n-triples, text/turtle;q=0.9, "
           "application/rdf+xml;q=0.5")
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
#: Virtuoso answers an ASK query sent with a dataset as a table of this one column: a row for
#: true (its value 1), none for false.
_ASK_COLUMN = "__ASK_RETVAL"
#: For servers that do not list graphs for an empty GRAPH pattern (Virtuoso).
_GRAPHS_WITH_TRIPLES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _has_dataset_clause(sparql: str) -> bool:
    """True when the query has FROM / FROM NAMED (a keyword: not in comments, strings, IRIs,
    variables or prefixed names)."""
    return any(kind == "word" and "FROM" in bare_part(value.upper()) for kind, value, _ in tokens(sparql))


def skolemise(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The N-Triples text of ``term``, with a blank node as its :data:`GENID` IRI."""
    if isinstance(term, ox.BlankNode):
        return f"<{GENID}{term.value}>"
    return str(term)


def _userinfo(url: str) -> tuple[str | None, str | None]:
    """The user name and password in a URL's user information (``None`` where absent)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return None, None
    return (urllib.parse.unquote(parts.username),
            urllib.parse.unquote(parts.password) if parts.password is not None else None)


def _bounded(response) -> bytes:
    """At most 64 kB of an error answer (its text is shown cut anyway)."""
    try:
        return response.read(1 << 16) or b""
    except (OSError, http.client.HTTPException):
        return b""


def _message(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    text = re.sub(r"<[^>]+>", " ", text) if text.startswith("<") else text
    line = " ".join(text.split())
    return line[:300] + ("..." if len(line) > 300 else "")


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint as a store (see the module documentation)."""

    def __init__(self, location: StoreLocation) -> None:
        assert location.url is not None
        self.location = location
        self.meta = {}
        # Credentials in the URL (http://user:password@host/...) are taken out of it and used
        # as KG_USER / KG_PASSWORD would be (those win when set).
        url_user, url_password = _userinfo(location.url)
        self.query_url = redact(location.url)
        self.update_url = redact(location.update_url or location.url)
        self.gsp_url = redact(location.gsp_url) if location.gsp_url else None
        self._graphs: list[str] | None = None
        #: Seconds to wait for an answer to a request that has no timeout of its own.
        self.patience = PATIENCE
        self._headers: dict[str, str] = {"User-Agent": "alignment-kg"}
        user = os.environ.get("KG_USER") or url_user
        password = os.environ.get("KG_PASSWORD") if os.environ.get("KG_USER") else url_password
        handlers: list[urllib.request.BaseHandler] = []
        if user:
            secret = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self._headers["Authorization"] = f"Basic {secret}"
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (self.query_url, self.update_url, self.gsp_url):
                if url:
                    manager.add_password(None, url, user, password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        self._password = password or ""
        self._secret = secret if user else ""
        handlers += [_NoRedirects(), _WatchedHTTPHandler(), _WatchedHTTPSHandler()]
        self._opener = urllib.request.build_opener(*handlers)
        #: Bytes an answer may have (:data:`MAX_ANSWER`); a smaller ``max_bytes`` wins.
        self.max_answer = MAX_ANSWER

    def _clean(self, text: str) -> str:
        """``text`` with the password and the basic credentials blanked out (a server may echo
        what it was sent)."""
        if self._password and len(self._password) >= 3:
            text = text.replace(self._password, "***")
        if self._secret:
            text = text.replace(self._secret, "***")
        return text

    # -- HTTP ------------------------------------------------------------------------------

    def _request(self, url: str, *, data: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None, method: str = "POST", timeout: float | None = None,
                 max_bytes: int | None = None, what: str = "request") -> tuple[str, bytes]:
        """Send one request; return the response's media type and body.

        ``timeout`` bounds a query (:class:`QueryError` "query stopped after N s"); without one,
        a request waits at most :attr:`patience` seconds (:class:`StoreError`).
        """
        try:
            return self._send(url, data, content_type, accept, method, timeout, max_bytes, what)
        except _BasicRefused:
            # The server refused basic credentials (Virtuoso's /sparql-auth wants digest): stop
            # sending them; the opener's digest handler answers the server's challenge.
            self._headers.pop("Authorization", None)
            return self._send(url, data, content_type, accept, method, timeout, max_bytes, what)

    def _send(self, url: str, data: bytes | None, content_type: str | None, accept: str | None,
              method: str, timeout: float | None, max_bytes: int | None, what: str) -> tuple[str, bytes]:
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        limit = self.patience if timeout is None else timeout
        bound = self.max_answer if max_bytes is None else min(max_bytes, self.max_answer)
        shown = redact(url)

        def too_slow() -> KgError:
            if timeout is None:
                return StoreError(f"{shown} did not answer the {what} within {limit:g} s")
            return QueryError(timeout_message(timeout))

        deadline = time.monotonic() + limit
        _DEADLINE.at = deadline
        try:
            with self._opener.open(request, timeout=limit) as response:
                media_type = response.headers.get_content_type()
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > bound:
                    raise self._too_large(bound, max_bytes)
                body = bytearray()
                while chunk := response.read1(1 << 16):
                    body += chunk
                    if len(body) > bound:
                        raise self._too_large(bound, max_bytes)
                    if time.monotonic() > deadline:
                        raise too_slow()
                if time.monotonic() > deadline:
                    raise too_slow()
                return media_type, bytes(body)
        except _Redirected as exc:
            raise StoreError(f"{shown} redirected the {what} (HTTP {exc.code}) to "
                             f"{redact(exc.location)}: kg does not follow redirects; give the "
                             "final URL") from None
        except urllib.error.HTTPError as exc:
            with exc:
                if exc.code == 401 and "Authorization" in self._headers:
                    raise _BasicRefused from None
                body_text = self._clean(_message(_bounded(exc)))
            if exc.code in (401, 403):
                hint = "" if "KG_USER" in os.environ else " (set KG_USER and KG_PASSWORD)"
                raise StoreError(f"{shown} refused the {what}: HTTP {exc.code} {exc.reason}{hint}: "
                                 f"{body_text}") from None
            if exc.code == 400 and what == "query":
                raise SyntaxError(body_text or "the endpoint says the query is malformed") from None
            raise StoreError(f"{shown}: the {what} failed: HTTP {exc.code} {exc.reason}: {body_text}") from None
        except TimeoutError:
            raise too_slow() from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)) or time.monotonic() >= deadline:
                raise too_slow() from None
            reason = exc.reason if isinstance(exc.reason, str) else getattr(exc.reason, "strerror", None) or exc.reason
            raise StoreError(f"cannot reach the SPARQL endpoint {shown}: {self._clean(str(reason))}") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if time.monotonic() >= deadline:
                raise too_slow() from None
            detail = " ".join(self._clean(str(exc) or type(exc).__name__).split())
            raise StoreError(f"the SPARQL endpoint {shown} broke the connection: {detail}") from None
        finally:
            _DEADLINE.at = None

    @staticmethod
    def _too_large(bound: int, asked: int | None) -> KgError:
        if asked is not None and asked <= bound:
            return QueryError(f"result too large: more than {asked} bytes")
        return StoreError(f"the answer is larger than {bound} bytes, the bound for a remote "
                          "answer: add a LIMIT")

    def _raw_query(self, sparql: str, *, dataset: bool = True, timeout: float | None = None,
                   max_bytes: int | None = None, graphs: Dataset | None = None) -> RawResults:
        fields: list[tuple[str, str]] = [("query", sparql)]
        if graphs is not None:  # a dataset given by the caller (kg serve relays the protocol's)
            fields += [("default-graph-uri", g) for g in graphs[0]]
            fields += [("named-graph-uri", g) for g in graphs[1]]
        elif dataset and not _has_dataset_clause(sparql):
            union = self.graph_iris(timeout=timeout)
            fields += [("default-graph-uri", g) for g in union]
            fields += [("named-graph-uri", g) for g in union]
        body = urllib.parse.urlencode(fields).encode()
        media_type, data = self._request(
            self.query_url, data=body, content_type="application/x-www-form-urlencoded",
            accept=_ACCEPT, timeout=timeout, max_bytes=max_bytes, what="query")
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is not None and results_format != ox.QueryResultsFormat.CSV:
            return self._checked(RawResults(data, results_format))
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is not None:
            return self._checked(RawResults(data, rdf_format))
        raise StoreError(f"{redact(self.query_url)} answered in an unexpected format: {media_type}")

    def _checked(self, raw: RawResults) -> RawResults:
        """``raw`` once it parses completely: a cut or malformed answer is the server's fault,
        reported in one line, never a syntax error blamed on the query."""
        try:
            if isinstance(raw.format, ox.QueryResultsFormat):
                parsed = ox.parse_query_results(raw.data, raw.format)
                if not isinstance(parsed, ox.QueryBoolean):
                    for _ in parsed:
                        pass
            else:
                for _ in ox.parse(raw.data, raw.format):
                    pass
        except (SyntaxError, ValueError, OSError, RecursionError) as exc:
            detail = " ".join(str(exc).split())[:200]
            raise StoreError(f"the SPARQL endpoint {redact(self.query_url)} sent a malformed "
                             f"answer ({raw.format.name}): {detail}") from None
        return raw

    # -- the Store interface ---------------------------------------------------------------

    def evaluate(self, sparql: str, *, timeout: float | None = None,
                 max_bytes: int | None = None, network: bool = False,
                 dataset: Dataset | None = None) -> RawResults:
        return self._raw_query(sparql, timeout=timeout, max_bytes=max_bytes, graphs=dataset)

    def query(self, sparql: str, *, timeout: float | None = None) -> QueryOutcome:
        return _ask_answer(self.evaluate(sparql, timeout=timeout).parse())

    def update(self, sparql: str, *, network: bool = False) -> None:
        """Apply ``sparql``, then recompute the derived graph (a second update: a server may
        apply the two apart). An update that writes into the default graph is refused before it
        is sent (:func:`default_graph_writes`): queries and exports read the named graphs only.
        ``network`` is the server's to enforce (``kg``'s text check refuses ``SERVICE`` and
        ``LOAD`` before this is called)."""
        where = default_graph_writes(sparql)
        if where:
            raise StoreError(f"refused: {where} writes into the default graph, which kg does not "
                             "keep; write into a named graph (INSERT { GRAPH <...> { ... } })")
        self._post_update(sparql)
        self._post_update(derivation_update(self.graph_iris()))

    def _post_update(self, sparql: str) -> None:
        self._request(self.update_url, data=sparql.encode(),
                      content_type="application/sparql-update; charset=utf-8", what="update")
        self._graphs = None

    def graph_iris(self, *, timeout: float | None = None) -> list[str]:
        """The IRIs of the store's named graphs (staging graphs left out), sorted."""
        if self._graphs is None:
            self._graphs = sorted(g for g in self._all_graphs(timeout=timeout)
                                  if not g.startswith(STAGING))
        return self._graphs

    def _all_graphs(self, *, timeout: float | None = None) -> set[str]:
        """Every named graph on the server, staging graphs included."""
        for query in (_GRAPHS, _GRAPHS_WITH_TRIPLES):
            answer = solutions(self._raw_query(query, dataset=False, timeout=timeout).parse())
            graphs = {s["g"].value for s in answer if isinstance(s["g"], ox.NamedNode)}
            if graphs:
                return graphs
        return set()

    def named_graphs(self) -> list[tuple[str, int]]:
        answer = solutions(self._raw_query(_COUNTS, dataset=False).parse())
        counts = {s["g"].value: int(s["n"].value) for s in answer if isinstance(s["g"], ox.NamedNode)}
        return sorted((g, n) for g, n in counts.items() if not g.startswith(STAGING))

    def graph_ntriples(self, graph: str) -> bytes:
        raw = self._raw_query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}",
            dataset=False)
        if raw.format == ox.RdfFormat.N_TRIPLES:
            return raw.data
        if not isinstance(raw.format, ox.RdfFormat):
            raise StoreError(f"{redact(self.query_url)} answered a CONSTRUCT query with {raw.format.name} results")
        return ox.serialize(ox.parse(raw.data, raw.format), format=ox.RdfFormat.N_TRIPLES) or b""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        graphs = [graph] if graph is not None else self.graph_iris()
        for name in graphs:
            node = ox.NamedNode(name)
            for quad in ox.parse(self.graph_ntriples(name), ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(quad.subject, quad.predicate, quad.object, node)

    # -- writes ----------------------------------------------------------------------------

    @classmethod
    def at(cls, location: StoreLocation, *, engine: ox.Store | None = None) -> RemoteStore:
        return cls(location)

    def latest(self) -> RemoteStore:
        return type(self)(self.location)

    def write_graphs(self, quads: Iterable[ox.Quad], *, replace: Callable[[str], bool],
                     meta: dict | None = None, progress: Callable[[str], None] | None = None) -> None:
        """Upload ``quads`` into staging graphs, check them, then swap them in (one update).

        Existing graphs for which ``replace(iri)`` is true are replaced (or dropped when no
        quad names them); quads for other existing graphs are added to them. A remote store
        keeps no metadata: ``meta`` is not used.
        """
        self._graph_store_url()
        existing = self._all_graphs()
        token = secrets.token_hex(6)
        staging: dict[str, str] = {}
        expected: dict[str, set[str]] = {}
        buffers: dict[str, list[str]] = {}
        try:
            for quad in quads:
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise StoreError("a remote store holds named graphs only: a quad in the "
                                     "default graph cannot be written")
                graph = quad.graph_name.value
                if graph not in staging:
                    staging[graph] = f"{STAGING}{token}/{len(staging)}"
                    expected[graph] = set()
                    buffers[graph] = []
                line = f"{skolemise(quad.subject)} {skolemise(quad.predicate)} {skolemise(quad.object)} .\n"
                if line in expected[graph]:
                    continue
                expected[graph].add(line)
                buffers[graph].append(line)
                if len(buffers[graph]) >= CHUNK:
                    self._upload(staging[graph], buffers[graph], progress)
                    buffers[graph] = []
            for graph, lines in buffers.items():
                if lines:
                    self._upload(staging[graph], lines, progress)
            self._check_staging(staging, {g: len(lines) for g, lines in expected.items()})
            self._check_spells(existing, staging, replace)
            self._post_update(self._swap_update(existing, staging, replace))
        except BaseException:
            if staging:
                # Best effort: the first error is the one to report.
                with contextlib.suppress(Exception):
                    self._post_update(" ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in staging.values()))
            raise
        finally:
            self._graphs = None

    def _graph_store_url(self) -> str:
        """The Graph Store Protocol endpoint (:class:`StoreError` when there is none)."""
        if not self.gsp_url:
            raise StoreError(f"no Graph Store Protocol endpoint for {redact(self.query_url)}: give "
                             "--gsp-url (or KG_GSP_URL), e.g. http://host:7878/store")
        return self.gsp_url

    def _upload(self, graph: str, lines: list[str], progress: Callable[[str], None] | None) -> None:
        gsp_url = self._graph_store_url()
        if progress:
            progress(f"uploading {len(lines)} triples to {redact(gsp_url)}")
        separator = "&" if "?" in gsp_url else "?"
        url = f"{gsp_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        self._request(url, data="".join(lines).encode(), content_type="application/n-triples",
                      what="upload")

    def _check_staging(self, staging: dict[str, str], expected: dict[str, int]) -> None:
        if not staging:
            return
        values = " ".join(f"<{s}>" for s in staging.values())
        answer = solutions(self._raw_query(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
            "GROUP BY ?g", dataset=False).parse())
        found = {s["g"].value: int(s["n"].value) for s in answer}
        for graph, name in staging.items():
            if found.get(name, 0) != expected[graph]:
                raise StoreError(f"{redact(self.query_url)}: the upload of {graph} is incomplete "
                                 f"({found.get(name, 0)} of {expected[graph]} triples); "
                                 "the store is unchanged")

    def _check_spells(self, existing: set[str], staging: dict[str, str],
                      replace: Callable[[str], bool]) -> None:
        """Refuse the write, before the swap, if the graphs as they would be after it give a
        member more spells in one organisation than the derived graph can hold (as an embedded
        store refuses it, :func:`kg.derived.check_spells`)."""
        kept = {g for g in existing if not g.startswith(STAGING) and g != DERIVED and not replace(g)}
        sources = sorted(kept | set(staging.values()))
        if not sources:
            return
        for row in solutions(self._raw_query(spells_query(sources), dataset=False).parse()):
            raise too_many_spells(row["m"].value, row["o"].value, row["n"].value)

    @staticmethod
    def _swap_update(existing: set[str], staging: dict[str, str], replace: Callable[[str], bool]) -> str:
        """One update: the staging graphs replace (or are added to) their graphs, then the
        derived graph is recomputed from the graphs as they are after the swap."""
        dropped = {g for g in existing if g not in staging and not g.startswith(STAGING) and replace(g)}
        operations = [f"DROP SILENT GRAPH <{g}>" for g in sorted(dropped)]
        for graph, name in sorted(staging.items()):
            if graph in existing and not replace(graph):
                operations.append(f"ADD <{name}> TO <{graph}>")
                operations.append(f"DROP GRAPH <{name}>")
            else:
                operations.append(f"DROP SILENT GRAPH <{graph}>")
                operations.append(f"MOVE <{name}> TO <{graph}>")
        after = {g for g in existing if not g.startswith(STAGING)} - dropped | set(staging)
        return derivation_update(sorted(after), before=operations)



def _ask_answer(outcome: QueryOutcome) -> QueryOutcome:
    """``outcome``, with the table in which Virtuoso gives the answer of an ASK query
    (:data:`_ASK_COLUMN`) read as the boolean it stands for.

    >>> table = b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}'
    >>> bool(_ask_answer(ox.parse_query_results(table, ox.QueryResultsFormat.JSON)))
    False
    """
    if not isinstance(outcome, ox.QuerySolutions) or [v.value for v in outcome.variables] != [_ASK_COLUMN]:
        return outcome
    rows = list(outcome)
    answer = bool(rows) and rows[0][0] is not None and rows[0][0].value not in ("0", "false")
    return ox.parse_query_results(b'{"head": {}, "boolean": %s}' % (b"true" if answer else b"false"),
                                  ox.QueryResultsFormat.JSON)
