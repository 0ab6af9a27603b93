"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over any store.

Written with the standard library (``http.server.ThreadingHTTPServer``) rather than by running
``oxigraph serve-read-only`` behind a proxy, because the endpoint must:

- serve every kind of store the same way (a directory, ``memory``, or a remote endpoint it
  relays to), where the Oxigraph server only opens a directory of its own;
- apply ``kg``'s query policy: updates refused (``/update`` and update requests: 403), and
  ``SERVICE``, ``LOAD`` and ``FROM <url>`` refused (400) as by ``kg query``
  (:func:`kg.query.check_user_query`): the Oxigraph server would make the outbound calls;
- bound the answer: a timeout (evaluation in a child process that is killed, 503) and a
  maximum number of rows or triples and of bytes (an error, 500, never a cut-off answer);
  the Oxigraph server has a timeout but no limit on the size of results;
- need nothing beyond the ``kg`` package (the ``oxigraph`` binary is only a test dependency).

Queries are accepted at ``/query`` and ``/sparql``: ``GET ?query=``, ``POST`` with
``application/sparql-query`` or a form (``application/x-www-form-urlencoded``). Results are
negotiated (``Accept``): SPARQL results in JSON (default), XML, CSV or TSV; graphs in Turtle
(default), N-Triples, RDF/XML or JSON-LD. The default graph is the union of the store's named
graphs; the protocol's ``default-graph-uri`` / ``named-graph-uri`` are honoured: given either,
the dataset is the one they name (the default graph the merge of the ``default-graph-uri``
graphs, the named graphs those of ``named-graph-uri``), replacing the query's ``FROM``.

Every other path is the web application (:mod:`kg.web`): ``/`` and the pages under it. A
browser that opens ``/query`` or ``/sparql`` without a query is sent to the SPARQL page.
"""

from __future__ import annotations

import ctypes  # noqa: F401 - loaded once here so that query workers can die with the server
import os
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import KgError, QueryError, StoreError
from kg.store import Dataset, RawResults, Store, StoreLocation, open_directory, open_store
from kg.vocab import PREFIXES

Format = TypeVar("Format", ox.QueryResultsFormat, ox.RdfFormat)

__all__ = ["GRAPH_TYPES", "RESULTS_TYPES", "ServeOptions", "make_server"]

#: Media types offered for SELECT / ASK results, in order of preference (the first is the default).
RESULTS_TYPES: list[tuple[str, ox.QueryResultsFormat]] = [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/xml", ox.QueryResultsFormat.XML),
    ("text/xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
#: Media types offered for CONSTRUCT / DESCRIBE results, in order of preference.
GRAPH_TYPES: list[tuple[str, ox.RdfFormat]] = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("text/plain", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
]
_ENDPOINTS = ("/query", "/sparql")


@dataclass(frozen=True)
class ServeOptions:
    """How ``kg serve`` bounds its work: seconds per query, rows (or triples) and bytes per
    answer, and queries evaluated at the same time."""

    timeout: float = 60.0
    max_rows: int = 100_000
    max_bytes: int = 100_000_000
    workers: int = 4


class HttpError(Exception):
    """An answer other than 200: status and a one-line message (sent as text/plain)."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def negotiate(accept: str | None, offers: list[tuple[str, Format]]) -> tuple[str, Format]:
    """The offer that best matches an ``Accept`` header (q-values and wildcards honoured).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS_TYPES)[0]
    'application/sparql-results+xml'
    >>> negotiate(None, GRAPH_TYPES)[0]
    'text/turtle'
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        quality = 1.0
        for parameter in fields[1:]:
            if parameter.lower().startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, index, media))
    for _, _, media in sorted(ranges):
        for offer in offers:
            kind = offer[0]
            if media in (kind, "*/*") or (media.endswith("/*") and kind.startswith(media[:-1])):
                return offer
    raise HttpError(HTTPStatus.NOT_ACCEPTABLE,
                    "none of the accepted media types is offered: "
                    + ", ".join(media for media, _ in offers))


class _Stores:
    """The store being served; a directory store is reopened when a build swaps in a new one."""

    def __init__(self, location: StoreLocation, note: Callable[[str], None] | None) -> None:
        self.location = location
        self._lock = threading.Lock()
        self._store: Store | None = None
        if location.kind == "memory":
            self._store = open_store(location)
        elif location.kind == "directory":
            self._store = open_directory(location)

    def current(self) -> Store:
        if self.location.kind == "remote":
            return open_store(self.location)  # a fresh list of graphs for every request
        if self.location.kind == "directory":
            assert self.location.path is not None
            with self._lock:
                live = os.path.realpath(self.location.path / "current")
                store = self._store
                if getattr(store, "generation", None) is None or os.path.realpath(store.generation) != live:  # type: ignore[union-attr]
                    self._store = open_directory(self.location)
        assert self._store is not None
        return self._store


def _reject_dataset(params: dict[str, list[str]]) -> None:
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")


def protocol_dataset(params: dict[str, list[str]]) -> Dataset | None:
    """The RDF dataset named by ``default-graph-uri`` / ``named-graph-uri`` (``None``: neither
    given, the union default graph). Each IRI must be an absolute IRI (400 otherwise).

    >>> protocol_dataset({"default-graph-uri": ["http://a/g"]})
    (('http://a/g',), ())
    >>> protocol_dataset({"query": ["ASK {}"]}) is None
    True
    """
    if "default-graph-uri" not in params and "named-graph-uri" not in params:
        return None
    graphs: list[tuple[str, ...]] = []
    for name in ("default-graph-uri", "named-graph-uri"):
        values = []
        for value in params.get(name, []):
            try:
                values.append(ox.NamedNode(value.strip()).value)
            except ValueError:
                raise HttpError(HTTPStatus.BAD_REQUEST, f"{name}: not an IRI: {value[:200]!r}") from None
        graphs.append(tuple(dict.fromkeys(values)))
    return graphs[0], graphs[1]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "alignment-kg"

    # -- requests --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        started = time.monotonic()
        url = urllib.parse.urlsplit(self.path)
        detail = ""
        try:
            body = self._body() if method in ("POST", "PUT") else b""
            if url.path == "/update":
                raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            if url.path == "/store":  # the Graph Store Protocol's usual path: none here
                raise HttpError(HTTPStatus.NOT_FOUND, f"no such endpoint {url.path}: use /query")
            if url.path not in _ENDPOINTS:
                self._web(method, url, body)
                return
            if method not in ("GET", "POST"):
                raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST")
            if method == "GET" and "query" not in urllib.parse.parse_qs(url.query) \
                    and "text/html" in (self.headers.get("Accept") or ""):
                self._send(HTTPStatus.SEE_OTHER, "text/plain; charset=utf-8", b"see /editor\n",
                           [("Location", "/editor")])
                return
            sparql, dataset = self._query_text(method, url.query, body)
            status, content_type, payload, detail = self.server.answer(sparql, self.headers.get("Accept"),
                                                                       dataset)
            self._send(status, content_type, payload)
        except HttpError as error:
            detail = error.message
            self._send(error.status, "text/plain; charset=utf-8", (error.message + "\n").encode())
        finally:
            self.server.log(f'{self.client_address[0]} "{method} {url.path}" '
                            f"{getattr(self, '_status', 0)} {detail} "
                            f"({(time.monotonic() - started) * 1000:.0f} ms)".replace("  ", " "))

    def _web(self, method: str, url: urllib.parse.SplitResult, body: bytes) -> None:
        """Hand the request to the web application (:mod:`kg.web`), a WSGI application."""
        import io

        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": urllib.parse.unquote(url.path, errors="replace"),
            "QUERY_STRING": url.query, "CONTENT_TYPE": self.headers.get("Content-Type") or "",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "SERVER_NAME": "kg",
            "SERVER_PORT": str(self.server.server_address[1]), "wsgi.url_scheme": "http",
            "HTTP_ACCEPT": self.headers.get("Accept") or "",
        }
        with self.server.slots:
            status, headers, payload = self.server.web.respond(environ)
        extra = [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-length")]
        content_type = next(v for k, v in headers if k.lower() == "content-type")
        self._send(HTTPStatus(status), content_type, payload, extra)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 10_000_000:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the request is too large")
        return self.rfile.read(length) if length else b""

    def _query_text(self, method: str, query_string: str, body: bytes) -> tuple[str, Dataset | None]:
        params = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        if method == "POST":
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-query":
                _reject_dataset(params)
                return body.decode("utf-8"), protocol_dataset(params)
            if content_type == "application/sparql-update":
                raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            if content_type != "application/x-www-form-urlencoded":
                raise HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                "send application/sparql-query or a form (application/x-www-form-urlencoded)")
            for name, values in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        _reject_dataset(params)
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HttpError(HTTPStatus.BAD_REQUEST, "give exactly one query (the 'query' parameter)")
        return queries[0], protocol_dataset(params)

    def _send(self, status: HTTPStatus, content_type: str, payload: bytes,
              headers: list[tuple[str, str]] | None = None) -> None:
        self._status = int(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Vary", "Accept")
        for name, value in headers or ():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request is written by _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    #: Connections waiting to be accepted; socketserver's default (5) makes a burst of clients
    #: see their connections reset or their SYNs dropped and retried for seconds.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], stores: _Stores, options: ServeOptions,
                 log: Callable[[str], None] | None) -> None:
        super().__init__(address, _Handler)
        self.stores = stores
        self.options = options
        self.slots = threading.BoundedSemaphore(options.workers)
        self._log = log
        from kg.web import WebApp, WebOptions

        self.web = WebApp(stores.current, options=WebOptions(timeout=options.timeout,
                                                             max_rows=options.max_rows), log=log)

    def log(self, line: str) -> None:
        if self._log:
            self._log(line)

    def answer(self, sparql: str, accept: str | None,
               dataset: Dataset | None = None) -> tuple[HTTPStatus, str, bytes, str]:
        """Evaluate one query: status, content type, body and a note for the log."""
        from kg.query import check_user_query

        store = self.stores.current()
        try:
            check_user_query(store, sparql, allow_update=False, allow_network=True)
        except QueryError:
            raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only") from None
        try:
            check_user_query(store, sparql, allow_update=True, allow_network=False)
        except QueryError as error:
            message = str(error).split(" (use --allow-network")[0]
            if "; use --allow-network" in message:
                message = message.split("; use --allow-network")[0] + ")"
            raise HttpError(HTTPStatus.BAD_REQUEST, message) from None
        options = self.options
        with self.slots:
            try:
                raw = store.evaluate(sparql, timeout=options.timeout, max_bytes=options.max_bytes,
                                     dataset=dataset)
            except SyntaxError as error:
                raise HttpError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {error}") from None
            except QueryError as error:
                status = (HTTPStatus.SERVICE_UNAVAILABLE if "stopped after" in str(error)
                          else HTTPStatus.INTERNAL_SERVER_ERROR)
                raise HttpError(status, str(error)) from None
            except (OSError, StoreError, KgError) as error:
                raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {error}") from None
        return self._render(raw, accept)

    def _render(self, raw: RawResults, accept: str | None) -> tuple[HTTPStatus, str, bytes, str]:
        limit = self.options.max_rows
        if isinstance(raw.format, ox.RdfFormat):
            media, fmt = negotiate(accept, GRAPH_TYPES)
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(raw.data, raw.format)]
            if len(triples) > limit:
                raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                                f"result too large: more than {limit} triples (--max-rows); add a LIMIT")
            payload = ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b""
            return HTTPStatus.OK, _content_type(media), payload, f"{len(triples)} triples"
        media, results_format = negotiate(accept, RESULTS_TYPES)
        parsed = ox.parse_query_results(raw.data, raw.format)
        if isinstance(parsed, ox.QueryBoolean):
            return HTTPStatus.OK, _content_type(media), parsed.serialize(format=results_format) or b"", "boolean"
        rows = sum(1 for _ in parsed)
        if rows > limit:
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                            f"result too large: more than {limit} rows (--max-rows); add a LIMIT")
        if results_format == raw.format:
            payload = raw.data
        else:
            payload = ox.parse_query_results(raw.data, raw.format).serialize(format=results_format) or b""
        return HTTPStatus.OK, _content_type(media), payload, f"{rows} rows"


def _content_type(media: str) -> str:
    return media if "charset" in media else f"{media}; charset=utf-8"


def make_server(
    location: StoreLocation,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    options: ServeOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    """A read-only SPARQL endpoint over the store at ``location``, bound to ``host:port``
    (``port`` 0: a free one, see ``server.server_address``). Call ``serve_forever()`` on it.

    Raises :class:`StoreError` when the store cannot be opened or the address cannot be bound.
    """
    stores = _Stores(location, log)
    try:
        return _Server((host, port), stores, options or ServeOptions(), log)
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
