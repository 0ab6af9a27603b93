"""The web application of ``kg serve``: a WSGI application over one store.

Routes (all ``GET``; the SPARQL page also takes ``POST``):

====================================  ============================================================
``/``                                 home: search, the kinds of page, the catalogue
``/search?q=``                        search by code, name, alternative name, QID or ISO alpha-2
``/search.json?q=``                   the same, for suggestions as one types
``/id/{kind}/{code}?at=``             an entity page (``kind``: state, org, framework, partnership,
                                      event, topic, source); ``.json``, ``.ttl``, and
                                      ``.csv?table=NAME`` give its data
``/graph/{kind}/{code}?at=``          the interactive graph of its neighbourhood (``kg viz``)
``/queries``, ``/queries/{name}``     the catalogue, each entry as a form with its results;
                                      ``/queries/{name}.{csv,tsv,json,jsonl,md}`` downloads
``/editor``                           the SPARQL page (``.csv`` and the other formats download)
``/align?a=&b=&from=&to=``            alignment scores of two states over time, as a chart
``/static/...``                       the page's own CSS and scripts (vis-network from pyvis)
====================================  ============================================================

The application never writes to the store and fetches nothing: every script and style is
served from here. Labels and other data are escaped by Jinja2's autoescaping; downloads of
tables are written as ``kg query`` writes them (:meth:`kg.table.Tabular.write`), so a catalogue entry's CSV
is byte for byte the CSV of ``kg query NAME --format csv`` with the same parameters.

>>> from kg.store import open_store, resolve_location
>>> app = WebApp(open_store(resolve_location("memory")))
>>> status, headers, body = call(app, "/search.json?q=New%20Zealand")
>>> status, json.loads(body)[0]["code"]
(200, 'NZL')
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import urllib.parse
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape

from kg.catalogue import PARAM_TYPES, catalogue
from kg.errors import KgError, QueryError, UsageError
from kg.names import name_index
from kg.query import QueryResult, current_as_of, run_query
from kg.stores.base import Store
from kg.vocab import PREFIXES
from kg.web.charts import line_chart, spell_chart
from kg.web.index import KIND_TITLES, SearchIndex, build_index, fold
from kg.web.pages import PAGE_KINDS, entity_page, entity_turtle, normalise_day

__all__ = ["WebApp", "WebOptions", "call", "DOWNLOADS"]

#: Download formats of a table: extension -> (tabular format, media type).
DOWNLOADS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "tsv": ("tsv", "text/tab-separated-values; charset=utf-8"),
    "json": ("json", "application/json"),
    "jsonl": ("jsonl", "application/x-ndjson"),
    "md": ("markdown", "text/markdown; charset=utf-8"),
}
#: Headers on every answer. The pages load nothing from elsewhere, and say so to the browser.
SECURITY_HEADERS = [
    ("Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "SAMEORIGIN"),
]
_STATUS = {200: "200 OK", 303: "303 See Other", 400: "400 Bad Request", 404: "404 Not Found",
           405: "405 Method Not Allowed", 413: "413 Content Too Large", 500: "500 Internal Server Error",
           503: "503 Service Unavailable"}
#: Example values for the SPARQL page's catalogue examples, by parameter type.
_EXAMPLES = {"state": "NZL", "org": "NATO", "actor": "NZL", "event": "NATO-SUMMIT-2022-MADRID",
             "framework": "ITPP", "topic": "CYBER-SECURITY", "subject": "NZL", "year": "2022",
             "since": "2000", "integer": "10", "string": "x"}
#: Columns whose values are codes of resources with pages, and the kinds they prefer.
LINKED_COLUMNS = {
    "state": ("state",), "member": ("state", "org"), "with": ("org", "state"), "org": ("org",),
    "partner": ("state", "org"), "framework": ("framework",), "event": ("event",),
    "participant": ("state", "org"), "party": ("state", "org"), "opponent": ("state", "org"),
    "actor": ("state", "org"), "a": ("state",), "b": ("state",), "source": ("source",),
    "partnership": ("partnership",), "topic": ("topic",),
}
_STATIC = Path(__file__).with_name("static")
#: Where a query's syntax error is: "at line 3, column 8" (kg.userquery's one-line message).
_ERROR_POSITION = re.compile(r"at line (\d+), column (\d+)")


@dataclass(frozen=True)
class WebOptions:
    """Bounds of the work a page may cause: seconds per SPARQL query and rows shown."""

    timeout: float = 30.0
    max_rows: int = 100_000
    rows_shown: int = 2_000
    max_body: int = 1_000_000
    #: Entity pages (and their downloads) kept per store, most recently used first.
    cached_pages: int = 512


class _Answer(Exception):
    """An answer other than a page: status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class _Request:
    method: str
    path: str
    params: dict[str, str]
    query_string: str

    def get(self, name: str) -> str:
        return self.params.get(name, "").strip()


class WebApp:
    """The WSGI application over ``store`` (a :class:`Store`, or a function giving the current
    one, so that a server can swap in a rebuilt store)."""

    def __init__(self, store: Store | Callable[[], Store], *, options: WebOptions | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self._log = log or (lambda line: None)
        self._store = store if callable(store) and not isinstance(store, Store) else (lambda: store)
        self.options = options or WebOptions()
        self._indexes: weakref.WeakKeyDictionary[Store, tuple[SearchIndex, str | None]] = weakref.WeakKeyDictionary()
        self._pages: weakref.WeakKeyDictionary[Store, OrderedDict] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
            autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
        self.env.globals.update(kind_titles=KIND_TITLES, link_url=self._link_url, quote=_quote, cell=self.cell,
                                param_types=PARAM_TYPES, downloads=DOWNLOADS)

    # -- WSGI ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = self.respond(environ)
        start_response(_STATUS.get(status, f"{status} Error"), headers)
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    def respond(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer one request: status, headers and body."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        query_string = environ.get("QUERY_STRING", "")
        try:
            params = _params(query_string)
            if method == "POST":
                params.update(_params(self._form_body(environ)))
            elif method not in ("GET", "HEAD"):
                raise _Answer(405, "use GET (or POST on the SPARQL page)")
            request = _Request(method, path, params, query_string)
            status, content_type, body, extra = self._route(request)
        except _Answer as answer:
            status, content_type, extra = answer.status, "text/html; charset=utf-8", []
            body = self._render("error.html", title="Error", status=answer.status, message=answer.message)
        except UsageError as error:
            status, content_type, extra = 400, "text/html; charset=utf-8", []
            body = self._render("error.html", title="Error", status=400, message=str(error))
        except (QueryError, KgError, OSError) as error:
            status, content_type, extra = 500, "text/html; charset=utf-8", []
            message = " ".join(str(error).split()) or type(error).__name__
            body = self._render("error.html", title="Error", status=500, message=message)
            self._log(f"{method} {path}: {message}")
        except Exception as error:  # noqa: BLE001 - a bug: one line for the reader, the rest in the log
            import traceback

            status, content_type, extra = 500, "text/html; charset=utf-8", []
            body = self._render("error.html", title="Error", status=500,
                                message=f"internal error ({type(error).__name__}); the server's log has the details")
            self._log(f"{method} {path}: internal error: "
                      + " | ".join(traceback.format_exception(error)).replace("\n", " "))
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra]
        if not any(name == "Content-Security-Policy" for name, _ in extra):
            headers += SECURITY_HEADERS
        return status, headers, body

    def _form_body(self, environ: dict[str, Any]) -> str:
        kind = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.options.max_body:
            raise _Answer(413, "the request is too large")
        data = environ["wsgi.input"].read(length) if length else b""
        if kind != "application/x-www-form-urlencoded":
            raise _Answer(400, "send the form as application/x-www-form-urlencoded")
        return data.decode("utf-8", errors="replace")

    # -- routing ---------------------------------------------------------------------------

    def _route(self, request: _Request) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        path = request.path
        if path == "/":
            return self._html(self._home())
        if path == "/search":
            return self._search(request)
        if path == "/search.json":
            return self._suggest(request)
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        match = re.fullmatch(r"/id/([a-z-]+)/([^/]+?)(?:\.(json|ttl|csv))?", path)
        if match:
            return self._entity(request, match.group(1), match.group(2), match.group(3))
        match = re.fullmatch(r"/graph/(state|org)/([^/]+)", path)
        if match:
            return self._graph(request, match.group(1), match.group(2))
        if path == "/queries":
            return self._html(self._render("queries.html", entries=sorted(catalogue().values(), key=lambda e: e.name),
                                           title="Catalogue", **self._common()))
        match = re.fullmatch(r"/queries/([A-Za-z0-9_-]+)(?:\.([a-z]+))?", path)
        if match:
            return self._catalogue_entry(request, match.group(1), match.group(2))
        match = re.fullmatch(r"/editor(?:\.([a-z]+))?", path)
        if match:
            return self._editor(request, match.group(1))
        if path == "/align":
            return self._align(request)
        raise _Answer(404, f"no page at {path}")

    # -- helpers ---------------------------------------------------------------------------

    def store(self) -> Store:
        """The store the application reads now."""
        return self._store()

    def index(self, store: Store | None = None) -> SearchIndex:
        """The search index of the current store (built once per store)."""
        return self._cached(store if store is not None else self.store())[0]

    def _cached(self, store: Store) -> tuple[SearchIndex, str | None]:
        try:
            return self._indexes[store]
        except (KeyError, TypeError):
            pass
        value = (build_index(store), current_as_of(store))
        # The name index too (kept per store by kg.names), with the search index: otherwise the
        # first page whose code the catalogue must resolve (a territory's) pays for building it.
        name_index(store)
        try:
            self._indexes[store] = value
        except TypeError:
            pass
        return value

    def _common(self) -> dict[str, Any]:
        return {"current": self._cached(self.store())[1]}

    def _link_url(self, column: str, value: Any) -> str | None:
        if not isinstance(value, str) or column not in LINKED_COLUMNS:
            return None
        entry = self.index().link(value, LINKED_COLUMNS[column])
        return entry.url if entry else None

    def cell(self, column: str, value: Any) -> Markup:
        """A table cell's HTML: the value as text, a link where it is the code of a resource
        with a page (each of several sources, or topics by label, joined by "; "), a web
        address as a link.

        Plain Python rather than a template macro: a page has hundreds of cells."""
        if value is None:
            return Markup("")
        if column in ("source", "sources", "topics") and isinstance(value, str):
            parts = []
            for part in value.split("; "):
                if column == "topics":
                    topic = self.index().topic(part)
                    url = topic.url if topic else None
                else:
                    url = self._link_url("source", part)
                parts.append(Markup('<a href="{}">{}</a>').format(url, part) if url else escape(part))
            return Markup("; ").join(parts)
        url = self._link_url(column, value)
        if url:
            return Markup('<a href="{}">{}</a>').format(url, value)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return Markup('<a href="{}" rel="noreferrer nofollow">{}</a>').format(value, value)
        return escape(value)

    def _render(self, template: str, **context: Any) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    @staticmethod
    def _html(body: bytes) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        return 200, "text/html; charset=utf-8", body, []

    # -- pages -----------------------------------------------------------------------------

    def _home(self) -> bytes:
        index = self.index()
        counts = {kind: sum(1 for e in index.entries if e.kind == kind) for kind in KIND_TITLES}
        orgs = [e for e in index.entries if e.kind == "org"]
        return self._render("home.html", title="Alignments", counts=counts, orgs=orgs,
                            entries=sorted(catalogue().values(), key=lambda e: e.name), **self._common())

    def _search(self, request: _Request) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        text = request.get("q")
        results = self.index().search(text, limit=50) if text else []
        if results and request.get("list") != "1":
            wanted = fold(text)
            for same in (lambda e: fold(e.code) == wanted, lambda e: fold(e.label) == wanted,
                         lambda e: wanted in e.keys()):
                exact = [e for e in results if same(e)]
                if len(exact) == 1:  # an unambiguous code, else name: straight to its page
                    return 303, "text/html; charset=utf-8", b"", [("Location", exact[0].url)]
                if exact:
                    break
        return self._html(self._render("search.html", title=f"Search: {text}" if text else "Search",
                                       q=text, results=results, **self._common()))

    def _suggest(self, request: _Request) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        results = self.index().search(request.get("q"), limit=10)
        data = [{"kind": e.kind, "kind_title": KIND_TITLES[e.kind], "code": e.code, "label": e.label,
                 "url": e.url} for e in results]
        return 200, "application/json", json.dumps(data, ensure_ascii=False).encode(), []

    def _static(self, name: str) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        types = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
        if name == "vis-network.min.js":
            from kg.viz.page import vis_assets

            return 200, types[".js"], vis_assets()[0].encode(), [("Cache-Control", "max-age=86400")]
        path = _STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file() or path.suffix not in types:
            raise _Answer(404, f"no file {name}")
        return 200, types[path.suffix], path.read_bytes(), [("Cache-Control", "max-age=3600")]

    def _entity(self, request: _Request, kind: str, code: str,
                suffix: str | None) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        """An entity page, from the cache of answers when the same store answered it already:
        a store's content never changes (a rebuild is a new store object), so neither does
        the page."""
        store = self.store()
        key = (kind, code, suffix, request.get("at"), request.get("table"))
        with self._lock:
            try:
                cache = self._pages.setdefault(store, OrderedDict())
            except TypeError:
                cache = OrderedDict()
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        answer = self._entity_answer(store, request, kind, code, suffix)
        with self._lock:
            cache[key] = answer
            while len(cache) > self.options.cached_pages:
                cache.popitem(last=False)
        return answer

    def _entity_answer(self, store: Store, request: _Request, kind: str, code: str,
                       suffix: str | None) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        if kind not in PAGE_KINDS:
            raise _Answer(404, f"no pages for {kind}: one of {', '.join(PAGE_KINDS)}")
        if self.index(store).get(kind, code) is None:
            close = [e for e in self.index(store).search(code, limit=5) if e.kind == kind]
            hint = f" Did you mean {', '.join(e.code for e in close)}?" if close else ""
            raise _Answer(404, f"no {KIND_TITLES[kind].lower()} with the code {code}.{hint}")
        page = entity_page(store, kind, code, request.get("at") or None)
        name = f"{code}-{page.at}"
        if suffix == "json":
            body = (json.dumps(page.as_dict(), ensure_ascii=False, indent=2) + "\n").encode()
            return 200, "application/json", body, _attachment(f"{name}.json")
        if suffix == "ttl":
            return 200, "text/turtle; charset=utf-8", entity_turtle(store, page.iri), _attachment(f"{code}.ttl")
        if suffix == "csv":
            table = page.table(request.get("table"))
            if table is None:
                raise _Answer(400, "name a table: ?table=" + "|".join(t.name for t in page.tables))
            return 200, DOWNLOADS["csv"][1], table.text("csv").encode(), _attachment(f"{name}-{table.name}.csv")
        charts = {}
        if "members" in page.charts:
            charts["members"] = line_chart([(s.title, s.points) for s in page.charts["members"]],
                                           title=f"Full members of {page.code} over time")
        if page.spells:
            charts["spells"] = spell_chart(page.spells, until=page.at,
                                           title=f"Memberships of {page.code} over time")
        return self._html(self._render("entity.html", title=f"{page.label} ({page.code})", page=page,
                                       charts=charts, has_graph=kind in ("state", "org"), **self._common()))

    def _graph(self, request: _Request, kind: str, code: str) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        from kg.network import alignment_network, ego_network
        from kg.viz import render_html

        store = self.store()
        if self.index(store).get(kind, code) is None:
            raise _Answer(404, f"no {kind} {code}")
        at = normalise_day(request.get("at"), self._cached(store)[1])
        graph = ego_network(alignment_network(store, at=at), code, 1)
        body = render_html(graph, title=f"Around {code} on {at}").encode()
        # The page carries its own Content-Security-Policy (hashes of its inline scripts).
        return 200, "text/html; charset=utf-8", body, [
            ("Content-Security-Policy", "frame-ancestors 'self'; connect-src 'none'; form-action 'none'"),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]

    def _catalogue_entry(self, request: _Request, name: str,
                         suffix: str | None) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        entry = catalogue().get(name)
        if entry is None:
            raise _Answer(404, f"no catalogue entry {name} (see /queries)")
        values = {p.name: request.get(p.name) for p in entry.parameters if request.get(p.name)}
        missing = [p.name for p in entry.parameters if not p.optional and p.name not in values]
        result: QueryResult | None = None
        error = ""
        if not missing or suffix:
            try:
                result = run_query(self.store(), entry, values, timeout=self.options.timeout)
            except (UsageError, QueryError) as exc:
                if suffix:
                    raise _Answer(400, _for_the_web(str(exc))) from None
                error = _for_the_web(str(exc))
        if suffix:
            assert result is not None
            return self._download(result, suffix, name)
        store = self.store()
        choices = {p.name: self._choices(store, p.type) for p in entry.parameters}
        return self._html(self._render(
            "entry.html", title=f"{entry.name}", entry=entry, values=values, result=result, error=error,
            missing=missing if request.query_string else [], choices=choices,
            query_string=urllib.parse.urlencode(values), shown=self.options.rows_shown, **self._common()))

    def _choices(self, store: Store, kind: str) -> list[tuple[str, str]]:
        kinds = {"state": ("state",), "org": ("org",), "actor": ("state", "org"), "event": ("event",),
                 "framework": ("framework",), "topic": ("topic",),
                 "subject": ("state", "org", "framework", "event", "topic")}.get(kind, ())
        return [(e.code, e.label) for e in self.index(store).entries if e.kind in kinds]

    def _download(self, result: QueryResult, suffix: str, name: str) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        if result.kind == "graph":
            if suffix != "ttl":
                raise _Answer(400, "a CONSTRUCT or DESCRIBE result downloads as .ttl")
            body = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
            return 200, "text/turtle; charset=utf-8", body, _attachment(f"{name}.ttl")
        if result.kind == "ask":
            return 200, "text/plain; charset=utf-8", b"true\n" if result.boolean else b"false\n", []
        if suffix not in DOWNLOADS:
            raise _Answer(404, f"no format {suffix}: one of {', '.join(DOWNLOADS)}")
        fmt, media = DOWNLOADS[suffix]
        annotations = {"coverage": [n.as_dict() for n in result.coverage]} if result.coverage else None
        return 200, media, result.text(fmt, annotations=annotations).encode(), _attachment(f"{name}.{suffix}")

    def _editor(self, request: _Request, suffix: str | None) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        text = request.params.get("query", "")
        example = request.get("example")
        if example and not text:
            text = self._example(example)
        if not text.strip():
            text = _PREFIXES + "\nSELECT ?code ?name WHERE {\n  ?org a al:Organization ; al:code ?code ; rdfs:label ?name .\n}\nORDER BY ?code\n"
            run = False
        else:
            run = request.get("run") != "0"
        result: QueryResult | None = None
        error = ""
        position: tuple[int, int] | None = None
        started = time.monotonic()
        if run:
            try:
                result = run_query(self.store(), text, timeout=self.options.timeout)
                if result.kind == "select" and len(result.rows) > self.options.max_rows:
                    raise QueryError(f"result too large: more than {self.options.max_rows} rows; add a LIMIT")
            except (UsageError, QueryError, KgError) as exc:
                if suffix:
                    raise _Answer(400, _for_the_web(str(exc))) from None
                result, error = None, _for_the_web(str(exc))
                found = _ERROR_POSITION.search(error)
                if found:  # the message already gives the place in the user's own text
                    position = (int(found.group(1)), int(found.group(2)))
        if suffix and result is not None:
            return self._download(result, suffix, "query")
        turtle = ""
        if result is not None and result.kind == "graph":
            turtle = (ox.serialize(result.triples[: self.options.rows_shown], format=ox.RdfFormat.TURTLE,
                                   prefixes=PREFIXES) or b"").decode()
        lines = text.split("\n")
        return self._html(self._render(
            "editor.html", title="SPARQL", text=text, result=result, error=error, position=position,
            lines=lines, turtle=turtle, seconds=time.monotonic() - started,
            examples=sorted(catalogue()), shown=self.options.rows_shown,
            query_string=urllib.parse.urlencode({"query": text}), **self._common()))

    def _example(self, name: str) -> str:
        """A catalogue entry's text with example parameters bound, runnable as it stands."""
        from kg.query import _bind, _with_values

        entry = catalogue().get(name)
        if entry is None:
            raise _Answer(404, f"no catalogue entry {name}")
        store = self.store()
        current = self._cached(store)[1] or "2024-12-31"
        bindings: dict[str, Any] = {}
        for parameter in entry.parameters:
            value = current if parameter.type == "date" else _EXAMPLES.get(parameter.type)
            bindings[parameter.name] = None if value is None else _bind(store, parameter, value)
        body = _with_values(entry.text, bindings)
        reduced = [f"These are the rows the answer is computed from, in Python, by {', '.join(entry.reduce)}"
                   " (kg/reducers.py)"] if entry.reduce else []
        header = "".join(f"# {line}\n" for line in [entry.summary, *(f"{p.name} = {_EXAMPLES.get(p.type, current)}"
                                                                     for p in entry.parameters), *reduced])
        return header + "\n".join(line for line in body.split("\n") if not line.startswith("#+"))

    def _align(self, request: _Request) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        import datetime as dt

        from kg.analysis import align

        a, b = request.get("a"), request.get("b")
        chart = ""
        rows: list[list[Any]] = []
        error = ""
        current = self._cached(self.store())[1] or dt.date.today().isoformat()
        start = request.get("from") or "1950"
        end = request.get("to") or current[:4]
        if a and b:
            try:
                if not (start.isdigit() and end.isdigit()):
                    raise UsageError("from and to are years (YYYY)")
                table = align(self.store(), a, b, start=int(start), end=int(end), digits=3)
                rows = table.rows
                years = [int(r[0]) for r in rows]
                series = [(name, [(dt.date(y, 12, 31), float(r[i])) for y, r in zip(years, rows, strict=True)
                                  if r[i] is not None]) for name, i in (("S score", 3), ("kappa", 4))]
                chart = line_chart(series, title=f"Alignment of {a} and {b}, {start}-{end}", step=False)
            except (UsageError, QueryError, KgError) as exc:
                error = str(exc)
        return self._html(self._render("align.html", title="Alignment", a=a, b=b, start=start, end=end,
                                       chart=chart, rows=rows, error=error,
                                       states=self._choices(self.store(), "state"), **self._common()))


_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("al", "rdfs", "skos", "dcterms", "prov", "xsd"))


def _for_the_web(message: str) -> str:
    """A message of the library without its command-line hints.

    >>> _for_the_web("refused: SERVICE would open a network connection (use --allow-network to allow it)")
    'refused: SERVICE would open a network connection'
    >>> _for_the_web("query stopped after 30 s (--timeout)")
    'query stopped after 30 s'
    """
    message = re.sub(r"\s*\((?:use )?--[a-z-]+[^)]*\)", "", message)
    return re.sub(r";\s*use --[a-z-]+[^)]*", "", message)


def _params(query_string: str) -> dict[str, str]:
    try:
        pairs = urllib.parse.parse_qsl(query_string, keep_blank_values=True, strict_parsing=False,
                                       max_num_fields=200, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise _Answer(400, "the request's parameters are malformed") from None
    values: dict[str, str] = {}
    for name, value in pairs:
        values.setdefault(name, value)
    return values


def _quote(values: dict[str, Any]) -> str:
    return urllib.parse.urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _attachment(filename: str) -> list[tuple[str, str]]:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return [("Content-Disposition", f'attachment; filename="{safe}"')]


def call(app: WebApp, target: str, *, method: str = "GET", body: bytes = b"",
         content_type: str = "") -> tuple[int, dict[str, str], bytes]:
    """Answer one request in process (no socket): status, headers and body. For doctests
    and scripts; the tests use a real server."""
    path, _, query = target.partition("?")
    environ = {"REQUEST_METHOD": method, "PATH_INFO": urllib.parse.unquote(path), "QUERY_STRING": query,
               "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    status, headers, payload = app.respond(environ)
    return status, dict(headers), payload
