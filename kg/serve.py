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

Against hostile clients (a web page the user visits can make the browser send requests to a
loopback server; a client can hold connections open or frame a request ambiguously):

- **Host and Origin.** The ``Host`` header must name the bound address, ``localhost``, an IP
  address literal, or a name given with ``--allow-host`` (DNS rebinding uses a name that
  resolves to this machine). A request with an ``Origin`` header (browsers send one with every
  cross-site POST) must come from this server's own origin or one given with
  ``--allow-origin``; ``Sec-Fetch-Site: cross-site`` without one is refused too. Both: 403.
- **Framing.** ``Content-Length`` must be one decimal number (several, negative or malformed:
  400); a ``Transfer-Encoding`` is refused (501), a POST without a length gets 411, a body on a
  GET 400. Every refusal whose body was not read closes the connection, so that no second
  request can hide in a body.
- **Bounds.** Each connection has a socket timeout (:attr:`ServeOptions.connection_timeout`);
  at most :attr:`ServeOptions.max_connections` connections are served at once (others get 503
  and are closed); at most :attr:`ServeOptions.workers` queries run at once and
  :attr:`ServeOptions.queue` more wait, each at most its timeout (503 "busy" beyond).
- **Failures** are HTTP answers with a one-line message: a body that is not UTF-8 (400), a
  store that disappears (503), anything unexpected (500); a client that goes away is let go
  without a traceback.
- **Answers** are never larger than ``--max-bytes`` in the negotiated format, and XML answers
  (SPARQL XML, RDF/XML) are refused (406: ask for JSON or N-Triples) when they would hold a
  character XML 1.0 cannot carry.

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

import contextlib
import ctypes  # noqa: F401 - loaded once here so that query workers can die with the server
import ipaddress
import re
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol, TypeVar

import pyoxigraph as ox

from kg.api import open_store
from kg.errors import KgError, QueryError, StoreError
from kg.stores.base import Dataset, RawResults, Store, StoreLocation
from kg.stores.embedded import OxigraphStore
from kg.stores.kinds import store_class
from kg.vocab import PREFIXES

Format = TypeVar("Format", ox.QueryResultsFormat, ox.RdfFormat)

__all__ = ["GRAPH_TYPES", "RESULTS_TYPES", "ServeOptions", "make_server"]

class _Offered(Protocol):
    """A format of pyoxigraph: it knows its media type."""

    @property
    def media_type(self) -> str: ...


_F = TypeVar("_F", bound=_Offered)


def _offered(formats: dict[_F, tuple[str, ...]]) -> list[tuple[str, _F]]:
    """``(media type, format)`` in order of preference: each format under its own media type
    (without its ``; charset=utf-8``), then under the other names clients use for it."""
    offered: list[tuple[str, _F]] = []
    for each, aliases in formats.items():
        offered += [(each.media_type.partition(";")[0], each), *((alias, each) for alias in aliases)]
    return offered


#: Media types offered for SELECT / ASK results, in order of preference (the first is the default).
RESULTS_TYPES: list[tuple[str, ox.QueryResultsFormat]] = _offered({
    ox.QueryResultsFormat.JSON: ("application/json",),
    ox.QueryResultsFormat.XML: ("application/xml", "text/xml"),
    ox.QueryResultsFormat.CSV: (),
    ox.QueryResultsFormat.TSV: (),
})
#: Media types offered for CONSTRUCT / DESCRIBE results, in order of preference.
GRAPH_TYPES: list[tuple[str, ox.RdfFormat]] = _offered({
    ox.RdfFormat.TURTLE: (),
    ox.RdfFormat.N_TRIPLES: ("text/plain",),
    ox.RdfFormat.RDF_XML: (),
    ox.RdfFormat.JSON_LD: (),
})
_ENDPOINTS = ("/query", "/sparql")


@dataclass(frozen=True)
class ServeOptions:
    """How ``kg serve`` bounds its work: seconds per query, rows (or triples) and bytes per
    answer, and queries evaluated at the same time."""

    timeout: float = 60.0
    max_rows: int = 100_000
    max_bytes: int = 100_000_000
    workers: int = 4
    #: Queries that may wait for a worker (beyond: 503 at once).
    queue: int = 256
    #: Seconds a connection may stay silent while a request is read or between requests.
    connection_timeout: float = 10.0
    #: Seconds to receive a whole request (line, headers and body), however slowly it drips;
    #: then the connection is closed.
    request_timeout: float = 30.0
    #: Connections served at once (beyond: 503 and closed).
    max_connections: int = 256
    #: Host names accepted in the Host header besides the bound address, localhost and IPs.
    allowed_hosts: tuple[str, ...] = ()
    #: Origins (``scheme://host:port``) accepted besides the server's own.
    allowed_origins: tuple[str, ...] = ()


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
        kind = store_class(location)
        self._store: Store = open_store(location) if kind.in_process else kind.at(location)

    def current(self) -> Store:
        """The store as it is now (a remote store: a fresh list of graphs for every request)."""
        with self._lock:
            store = self._store = self._store.latest()
        if isinstance(store, OxigraphStore):
            store.isolated = True  # no request thread inside the engine while another forks
        return store


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

    def setup(self) -> None:
        # Read by StreamRequestHandler per instance; typeshed declares it a ClassVar.
        self.timeout = self.server.options.connection_timeout  # type: ignore[misc]
        super().setup()

    def handle_one_request(self) -> None:
        """Read and answer one request, within :attr:`ServeOptions.request_timeout` for its
        reception: a watchdog shuts the socket down if the request line, the headers and the
        body have not all arrived by then (a client that drips bytes, each within the socket
        timeout, cannot hold the connection)."""
        self._watchdog = threading.Timer(self.server.options.request_timeout, self._too_slow)
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            super().handle_one_request()
        finally:
            self._watchdog.cancel()

    def _too_slow(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        self.server.log(f"{self.client_address[0]} closed: the request was not received within "
                        f"{self.server.options.request_timeout:g} s")

    def _received(self) -> None:
        """The whole request is in: the rest (evaluation, answer) has deadlines of its own."""
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None:
            watchdog.cancel()

    def _handle(self, method: str) -> None:
        started = time.monotonic()
        url = urllib.parse.urlsplit(self.path)
        detail = ""
        self._body_read = False
        try:
            self._check_origin()
            body = self._body(method)
            self._received()
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
            self._fail(error)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            detail = "the client went away"
            self.close_connection = True
        except TimeoutError:
            detail = "the client was too slow"
            self._fail(HttpError(HTTPStatus.REQUEST_TIMEOUT, "the request was not received in time"))
        except KgError as error:
            detail = " ".join(str(error).split())
            self._fail(HttpError(HTTPStatus.SERVICE_UNAVAILABLE, f"the store cannot be read: {detail}"))
        except Exception as error:  # noqa: BLE001 - every failure is an HTTP answer
            detail = " ".join(f"{type(error).__name__}: {error}".split())[:300]
            self._fail(HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {detail}"))
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
        with self.server.web_slot():
            status, headers, payload = self.server.web.respond(environ)
        extra = [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-length")]
        content_type = next(v for k, v in headers if k.lower() == "content-type")
        self._send(HTTPStatus(status), content_type, payload, extra)

    def _fail(self, error: HttpError) -> None:
        """Answer ``error``; close the connection when the request's body may be unread."""
        if not self._body_read:
            self.close_connection = True
        try:
            self._send(error.status, "text/plain; charset=utf-8", (error.message + "\n").encode())
        except OSError:
            self.close_connection = True

    def _check_origin(self) -> None:
        """Refuse requests for another host name (DNS rebinding) and cross-site requests."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not self.server.host_allowed(hosts[0]):
            raise HttpError(HTTPStatus.FORBIDDEN, "the Host header names no address of this server "
                            "(use --allow-host NAME to serve under that name)")
        origins = self.headers.get_all("Origin") or []
        if len(origins) > 1 or (origins and not self.server.origin_allowed(origins[0], hosts[0])):
            raise HttpError(HTTPStatus.FORBIDDEN, "cross-origin requests are refused "
                            "(use --allow-origin to allow an origin)")
        if (self.headers.get("Sec-Fetch-Site") or "").strip().lower() == "cross-site" and not origins:
            raise HttpError(HTTPStatus.FORBIDDEN, "cross-site requests are refused")

    def _body(self, method: str) -> bytes:
        """The request's body, read exactly as framed; ambiguous framing is refused."""
        if self.headers.get_all("Transfer-Encoding"):
            raise HttpError(HTTPStatus.NOT_IMPLEMENTED,
                            "Transfer-Encoding is not supported: send the body with Content-Length")
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            raise HttpError(HTTPStatus.BAD_REQUEST, "several Content-Length headers")
        if not lengths:
            if method in ("POST", "PUT"):
                raise HttpError(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
            self._body_read = True
            return b""
        text = lengths[0].strip()
        if not re.fullmatch(r"[0-9]{1,19}", text):
            raise HttpError(HTTPStatus.BAD_REQUEST, f"a malformed Content-Length: {text[:40]!r}")
        length = int(text)
        if length > _MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the request is too large")
        if method not in ("POST", "PUT") and length:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"a {method} request has no body")
        data = self.rfile.read(length) if length else b""
        if len(data) != length:
            raise HttpError(HTTPStatus.BAD_REQUEST, "the body is shorter than its Content-Length")
        self._body_read = True
        return data

    def _query_text(self, method: str, query_string: str, body: bytes) -> tuple[str, Dataset | None]:
        params = _form(query_string)
        if method == "POST":
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-query":
                _reject_dataset(params)
                return _utf8(body), protocol_dataset(params)
            if content_type == "application/sparql-update":
                raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            if content_type != "application/x-www-form-urlencoded":
                raise HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                "send application/sparql-query or a form (application/x-www-form-urlencoded)")
            for name, values in _form(_utf8(body)).items():
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

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own refusals (a malformed request line, headers too long):
        a one-line text answer, like every other, and the connection closed."""
        self.close_connection = True
        self._body_read = True
        with contextlib.suppress(OSError):
            self._send(HTTPStatus(code), "text/plain; charset=utf-8",
                       f"{message or HTTPStatus(code).phrase}\n".encode(errors="replace"))


_MAX_BODY = 10_000_000


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(HTTPStatus.BAD_REQUEST, "the body is not UTF-8") from None


def _form(text: str) -> dict[str, list[str]]:
    """A form or query string, its %-escapes strictly UTF-8 (400 otherwise)."""
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise HttpError(HTTPStatus.BAD_REQUEST, "the form is not UTF-8") from None
    except ValueError as error:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"a malformed form: {error}") from None


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
        self._waiting = threading.BoundedSemaphore(options.workers + options.queue)
        self._connections = threading.BoundedSemaphore(options.max_connections)
        self._log = log
        bound = str(self.server_address[0]).lower()
        self._names = {"localhost", *(h.lower().strip("[]") for h in options.allowed_hosts)}
        if bound not in ("0.0.0.0", "::"):
            self._names.add(bound)
        from kg.web import WebApp, WebOptions

        self.web = WebApp(stores.current, options=WebOptions(timeout=options.timeout,
                                                             max_rows=options.max_rows), log=log)

    # -- connections -----------------------------------------------------------------------

    def process_request(self, request, client_address) -> None:
        """Serve the connection in a thread, or refuse it at once when too many are open."""
        if not self._connections.acquire(blocking=False):
            message = b"too many connections: try again later\n"
            with contextlib.suppress(OSError):
                request.settimeout(1)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\n"
                                b"Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                                + f"Content-Length: {len(message)}\r\n\r\n".encode() + message)
            self.shutdown_request(request)
            self.log(f"{client_address[0]} refused: too many connections")
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        self.log(f"{client_address[0]} connection error: {type(error).__name__}: {error}")

    def host_allowed(self, host: str) -> bool:
        """True for a Host header naming this server: an IP literal, localhost, the bound name
        or a name given with ``--allow-host``."""
        name = _hostname(host)
        if name is None:
            return False
        if name in self._names:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def origin_allowed(self, origin: str, host: str) -> bool:
        """True for the server's own origin (as the Host header names it) and allowed ones."""
        origin = origin.strip()
        if origin in self.options.allowed_origins:
            return True
        parts = urllib.parse.urlsplit(origin)
        return parts.scheme == "http" and parts.netloc.lower() == host.strip().lower()

    def log(self, line: str) -> None:
        if self._log:
            self._log(line)

    @contextlib.contextmanager
    def web_slot(self) -> Iterator[None]:
        """A query worker's slot for a web page (its queries), admitted as a query is: 503
        when too many wait or none frees up within the timeout."""
        if not self._waiting.acquire(blocking=False):
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE, "busy: too many requests waiting; try again later")
        try:
            if not self.slots.acquire(timeout=self.options.timeout):
                raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"busy: no query worker was free within {self.options.timeout:g} s")
            try:
                yield
            finally:
                self.slots.release()
        finally:
            self._waiting.release()

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
        if not self._waiting.acquire(blocking=False):
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE, "busy: too many queries waiting; try again later")
        try:
            if not self.slots.acquire(timeout=options.timeout):
                raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"busy: no query worker was free within {options.timeout:g} s")
            try:
                raw = self._evaluate(store, sparql, dataset)
            finally:
                self.slots.release()
        finally:
            self._waiting.release()
        status, media, payload, note = self._render(raw, accept)
        if len(payload) > options.max_bytes:
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                            f"result too large: more than {options.max_bytes} bytes (--max-bytes)")
        if "xml" in media and not _well_formed(payload):
            raise HttpError(HTTPStatus.NOT_ACCEPTABLE,
                            "the answer cannot be written as well-formed XML (a character or a "
                            "name XML 1.0 does not allow): ask for JSON, CSV, Turtle or N-Triples")
        return status, media, payload, note

    def _evaluate(self, store: Store, sparql: str, dataset: Dataset | None = None) -> RawResults:
        options = self.options
        try:
            return store.evaluate(sparql, timeout=options.timeout, max_bytes=options.max_bytes,
                                  dataset=dataset)
        except SyntaxError as error:
            raise HttpError(HTTPStatus.BAD_REQUEST,
                            " ".join(f"SPARQL syntax error: {error}".split())) from None
        except QueryError as error:
            status = (HTTPStatus.SERVICE_UNAVAILABLE if "stopped after" in str(error)
                      else HTTPStatus.INTERNAL_SERVER_ERROR)
            raise HttpError(status, " ".join(str(error).split())) from None
        except (OSError, StoreError, KgError) as error:
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                            " ".join(f"query failed: {error}".split())) from None

    def _render(self, raw: RawResults, accept: str | None) -> tuple[HTTPStatus, str, bytes, str]:
        limit = self.options.max_rows
        if isinstance(raw.format, ox.RdfFormat):
            media, fmt = negotiate(accept, GRAPH_TYPES)
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(raw.data, raw.format)]
            if len(triples) > limit:
                raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                                f"result too large: more than {limit} triples (--max-rows); add a LIMIT")
            try:
                payload = ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b""
            except (ValueError, OSError, SyntaxError) as error:
                raise HttpError(HTTPStatus.NOT_ACCEPTABLE,
                                " ".join(f"the graph cannot be written as {media}: {error}".split())
                                + "; ask for Turtle or N-Triples") from None
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


def _well_formed(payload: bytes) -> bool:
    """True when ``payload`` is a namespace-well-formed XML document (expat, the standard library's C
    parser: control characters, U+FFFE or an element name that starts with a digit fail)."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")  # namespace-well-formed too
    try:
        parser.Parse(payload, True)
    except expat.ExpatError:
        return False
    return True


def _hostname(host: str) -> str | None:
    """The name in a Host header (``[::1]:7878`` -> ``::1``), lower case; ``None`` if malformed."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1:] if end >= 0 else "?"
        if end < 0 or (rest and not re.fullmatch(r":[0-9]{1,5}", rest)):
            return None
        return host[1:end]
    name, _, port = host.partition(":")
    if port and not re.fullmatch(r"[0-9]{1,5}", port):
        return None
    if not name or not re.fullmatch(r"[a-z0-9._-]+", name):
        return None
    return name


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
