"""Running queries: catalogue entries or SPARQL text, with typed parameters bound safely.

Parameters are turned into RDF terms by the RDF library (pyoxigraph validates IRIs and
escapes literals) and bound with a ``VALUES`` block placed at the start of the query's
``WHERE`` clause, and again wherever a catalogue entry has a ``# @values`` marker line (see
:mod:`kg.catalogue`): no parameter text is ever pasted into the query.

>>> from kg.store import open_store
>>> result = run_query(open_store("memory"), "members", {"org": "NATO", "at": "1990"})
>>> len(result.rows)
16
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.catalogue import PARAM_TYPES, VALUES_MARKER, CatalogueEntry, Parameter, catalogue, parse_entry
from kg.coverage import CoverageNote, coverage_line, coverage_statements_for, date_notes, partial_coverage
from kg.derived import check_version, required_version, version_query
from kg.errors import QueryError, UsageError
from kg.sparqltext import bare_part, expand_functions, tokens
from kg.stores.base import Store
from kg.table import Tabular
from kg.vocab import AL, mint

__all__ = ["QueryResult", "resolve_query", "run_query", "current_as_of", "check_derivation", "check_timeout",
           "check_user_query"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                               "positiveInteger", "negativeInteger", "nonPositiveInteger",
                               "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_DECIMAL = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: The deepest nesting of braces, parentheses and brackets accepted in user text: deeper text
#: would exhaust the engine's stack (it crashes from about 5,000 levels).
MAX_NESTING = 500
#: The longest parameter value accepted, in bytes of UTF-8.
MAX_PARAMETER_BYTES = 1_000_000

#: Which classes a coded parameter type may name, for checking that the code exists.
_CLASSES = {
    "state": ("State",),
    "org": ("Organization",),
    "actor": ("State", "Territory", "Organization"),
    "event": ("Event",),
    "framework": ("Framework",),
    "topic": ("Topic",),
    "subject": (),
}
_MINT_KIND = {"state": "state", "org": "org", "event": "event", "framework": "framework", "topic": "topic"}


@dataclass
class QueryResult(Tabular):
    """The result of a query: ``kind`` is ``select``, ``ask`` or ``graph``; the rows of a
    ``select`` are a table (:class:`kg.table.Tabular`: records, a data frame, every format)."""

    kind: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    #: the day the answer is for (catalogue entries with an ``at`` parameter), and whether it
    #: was the data's "current as of" day by default
    as_of: str | None = None
    as_of_defaulted: bool = False
    #: what the reader should know: the day answered for, a date past the data, partial coverage
    notes: list[str] = field(default_factory=list)
    #: the partial coverage the answer draws on (see :mod:`kg.coverage`)
    coverage: list[CoverageNote] = field(default_factory=list)


def value_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """A plain Python value for a result term: numbers as numbers, everything else as text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _NUMERIC:
                return int(term.value)
            if datatype in _DECIMAL:
                from decimal import Decimal  # only for a decimal in the answer

                number = Decimal(term.value)
                return int(number) if number == number.to_integral_value() and datatype == _XSD + "decimal" else float(number)
            if datatype == _XSD + "boolean":
                return term.value in ("true", "1")
        except (ValueError, ArithmeticError):
            return term.value
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def resolve_query(query: str) -> CatalogueEntry:
    """Turn a catalogue name, a ``.rq`` path or SPARQL text into an entry.

    Raises :class:`UsageError` for an unknown name, with the closest names as suggestions.
    """
    entries = catalogue()
    if query in entries:
        return entries[query]
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", query):
        import difflib  # only for the suggestion

        close = difflib.get_close_matches(query, entries, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else " See `kg queries`."
        raise UsageError(f"unknown query {query!r}.{hint}")
    if query.endswith(".rq") and "\n" not in query:
        path = Path(query)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read query file {query}: {exc.strerror}") from None
        if text.lstrip().startswith("#+"):
            return parse_entry(text, name=path.stem, path=path)
        return CatalogueEntry(name=path.stem, text=text, summary="", path=path)
    return CatalogueEntry(name="<query>", text=query, summary="")


def current_as_of(store: Store) -> str | None:
    """The "current as of" day of the data in the store (the latest over its datasets); read
    once per version of the store (:meth:`~kg.stores.base.Store.remembered`)."""
    return store.remembered("current_as_of", lambda s: _day(
        s, f"SELECT (MAX(?d) AS ?day) WHERE {{ ?ds <{AL}currentAsOf> ?d }}"))


def earliest_day(store: Store) -> str | None:
    """The earliest start of any fact in the store (a state's, a membership's, a step's...);
    read once per version of the store (a scan of every start)."""
    return store.remembered("earliest_day", lambda s: _day(
        s, f"SELECT (MIN(?d) AS ?day) WHERE {{ ?x <{AL}start> ?d }}"))


def _day(store: Store, sparql: str) -> str | None:
    """The ``?day`` of the first solution of ``sparql``, or ``None``."""
    for solution in store.select(sparql):
        day = solution["day"]
        return day.value if day is not None else None
    return None


def _bind(store: Store, parameter: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    kind = parameter.type
    if not isinstance(value, str):
        raise UsageError(f"parameter {parameter.name!r} must be text, not {type(value).__name__}")
    if len(value.encode("utf-8", errors="surrogatepass")) > MAX_PARAMETER_BYTES:
        raise UsageError(f"parameter {parameter.name!r} is longer than {MAX_PARAMETER_BYTES} bytes")
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise UsageError(f"parameter {parameter.name!r} is not valid UTF-8 text")
    text = value.strip()
    if kind in ("date", "since"):
        from kg.dates import parse_date  # only for a date parameter (it loads calendar)

        try:
            date = parse_date(text)
            day = date.first_day() if kind == "since" else date.last_day()
            return ox.Literal(day.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
        except ValueError as exc:
            raise UsageError(f"parameter {parameter.name!r}: {exc}") from None
    if kind in ("year", "integer"):
        if not re.fullmatch(r"-?\d+", text) or (kind == "year" and not re.fullmatch(r"\d{4}", text)):
            raise UsageError(f"parameter {parameter.name!r} must be {PARAM_TYPES[kind]}, not {value!r}")
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "integer"))
    if kind == "string":
        return ox.Literal(value)
    # A coded resource: a code, or an IRI.
    if text.startswith(("http://", "https://")):
        try:
            return ox.NamedNode(text)
        except ValueError as exc:
            raise UsageError(f"parameter {parameter.name!r}: invalid IRI {text!r}: {exc}") from None
    if not text:
        raise UsageError(f"parameter {parameter.name!r} must be {PARAM_TYPES[kind]}: "
                         f"{value!r} is empty")
    if kind in _MINT_KIND and _CODE.match(text):
        term = mint(_MINT_KIND[kind], text)
        if _has_class(store, parameter, term):
            return term
    # A name, an ISO alpha-2 code, a QID or a code in another case (kg.names).
    from kg.names import resolve

    return ox.NamedNode(resolve(store, text, (kind,), option=f"parameter {parameter.name!r}").iri)


def _has_class(store: Store, parameter: Parameter, term: ox.NamedNode) -> bool:
    classes = _CLASSES.get(parameter.type)
    if not classes:
        return True
    values = " ".join(f"<{AL}{c}>" for c in classes)
    return store.ask(f"ASK {{ VALUES ?c {{ {values} }} {term} a ?c }}")


def _check_exists(store: Store, parameter: Parameter, term: ox.NamedNode | ox.Literal, given: str) -> None:
    """Refuse an IRI that names no resource of the parameter's classes, with the nearest."""
    if not isinstance(term, ox.NamedNode) or _has_class(store, parameter, term):
        return
    from kg.names import resolve

    resolve(store, given, (parameter.type,), option=f"parameter {parameter.name!r}")


def _values_block(bindings: dict[str, ox.NamedNode | ox.Literal | None]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join("UNDEF" if term is None else str(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _with_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal | None], *,
                 inline: bool = False) -> str:
    """Insert ``VALUES (?a ?b) { (...) }`` right after the opening brace of the WHERE clause,
    and in place of each ``# @values`` marker line (see :mod:`kg.catalogue`). ``inline``: the
    first block between two spaces on the brace's line, so that the lines of the text keep
    their numbers (for the positions of syntax errors in users' queries)."""
    if not bindings:
        return text
    cuts = _insertion_points(text)
    if cuts is None:
        raise QueryError("cannot bind parameters: the query has no 'WHERE {' clause")
    block = _values_block(bindings)
    parts = []
    previous = 0
    for start, end, first in cuts:
        parts.append(text[previous:start])
        parts.append((f" {block} " if inline else f"\n  {block}\n") if first else block)
        previous = end
    parts.append(text[previous:])
    return "".join(parts)


@lru_cache(maxsize=256)
def _insertion_points(text: str) -> tuple[tuple[int, int, bool], ...] | None:
    """Where the VALUES block goes: ``(start, end, first)`` spans of ``text`` to replace, in order
    (an empty span after the first ``WHERE {``, then the ``@values`` of each marker line, keeping
    its indentation); remembered per text, as the catalogue's texts come back with every query.
    Text operations only: the markers were checked when the entry was loaded."""
    where = _where_end(text)
    if where is None:
        return None
    cuts = [(where, where, True)]
    for match in VALUES_MARKER.finditer(text):
        line = match.group(0)
        start = match.start() + len(line) - len(line.lstrip())
        cuts.append((start, match.end(), False))
    return tuple(sorted(cuts))


@lru_cache(maxsize=256)
def _where_end(text: str) -> int | None:
    """Where the first ``WHERE {`` of ``text`` ends (comments skipped); remembered per text, as
    the catalogue's texts come back with every query."""
    match = re.search(r"\bWHERE\s*\{", _blank_comments(text), re.IGNORECASE)
    return match.end() if match else None


def _blank_comments(text: str) -> str:
    """The text with comment lines blanked (same length), so positions still match."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), text)


def run_query(
    store: Store,
    query: str | CatalogueEntry,
    params: dict[str, str] | None = None,
    *,
    at: str | None = None,
    allow_update: bool = False,
    allow_network: bool = False,
    timeout: float | None = None,
) -> QueryResult:
    """Run a catalogue entry (by name), a ``.rq`` file or SPARQL text on ``store``.

    Parameters
    ----------
    params
        Values by parameter name, as text (``{"org": "NATO", "at": "2024-04-05"}``); codes are
        resolved to IRIs and dates parsed. ``at`` is a shortcut for ``params["at"]``.
    allow_update, allow_network
        User-supplied text is refused when it is an update, or when it uses ``SERVICE``,
        ``LOAD`` or ``FROM`` with an IRI that is not a graph of the store, unless allowed.
    timeout
        Seconds the query may run (``None``: no limit); then :class:`QueryError`
        ("query stopped after N s (--timeout)"). See :meth:`kg.store.Store.query`.
        Text that is not a catalogue entry is always evaluated in a child process, with no
        network access unless ``allow_network`` (:mod:`kg.sandbox`).

    Raises
    ------
    UsageError
        Unknown query name, unknown or missing parameter, malformed value.
    QueryError
        A syntax error, a refused query, or one stopped at its timeout.
    """
    check_timeout(timeout)
    entry = query if isinstance(query, CatalogueEntry) else resolve_query(query)
    params = dict(params or {})
    if at is not None:
        params["at"] = at
    unknown = [name for name in params if entry.parameter(name) is None]
    if unknown:
        declared = ", ".join(p.describe() for p in entry.parameters) or "none"
        hint = ""
        if not (entry.path is not None and catalogue().get(entry.name) is entry):
            hint = (f"; declare them in the query's header, e.g. '#+ param: {unknown[0]} "
                    f"{'date' if unknown[0] == 'at' else 'state'} -- ...' (see docs/queries.md)")
        raise UsageError(f"unknown parameter(s) {', '.join(unknown)} for {entry.name} "
                         f"(parameters: {declared}){hint}")
    bindings: dict[str, ox.NamedNode | ox.Literal | None] = {}
    current: str | None = None
    defaulted = False
    for parameter in entry.parameters:
        value = params.get(parameter.name)
        if value is None and parameter.default == "current":
            value = current = current_as_of(store)
            defaulted = parameter.name == "at"
        elif value is None and parameter.default is not None:
            value = parameter.default
        if value is None:
            if not parameter.optional:
                raise UsageError(f"missing parameter {parameter.name!r}: "
                                 f"{PARAM_TYPES[parameter.type]} (-p {parameter.name} VALUE)")
            bindings[parameter.name] = None
            continue
        term = _bind(store, parameter, value)
        if value.strip().startswith(("http://", "https://")):  # codes and names were checked
            _check_exists(store, parameter, term, value)
        bindings[parameter.name] = term
    trusted = entry.path is not None and entry.name in catalogue() and catalogue()[entry.name] is entry
    # User text may call the project's functions (kg.sparqltext); a catalogue entry's text was
    # expanded when its file was read.
    expanded = entry.text if trusted else expand_functions(entry.text)
    removed = entry.text.count("\n") - expanded.count("\n")
    check_derivation(store, required_version(expanded))
    source: str = expanded
    added: list[str] = []
    if not trusted:
        from kg.userquery import add_default_prefixes  # user text only, as readable_syntax_error

        source, added = add_default_prefixes(expanded)
    text = _with_values(source, bindings, inline=not trusted)
    if not trusted:
        check_user_query(store, text, allow_update=allow_update, allow_network=allow_network)
    if not trusted and allow_update and _is_update(text):
        store.update(text, network=allow_network)
        return QueryResult(kind="ask", boolean=True)
    try:
        if trusted:
            result = store.query(text, timeout=timeout)
        else:
            # User text is always evaluated in the worker (kg.stores.worker): it cannot reach the
            # network unless allowed (kg.sandbox), and an engine crash is an error, not the end
            # of this process.
            result = store.evaluate(text, timeout=timeout, network=allow_network).parse()
    except SyntaxError as exc:
        if trusted:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        from kg.userquery import readable_syntax_error

        raise QueryError(readable_syntax_error(
            str(exc), text, skip_lines=(1 if added else 0) - removed,
            inserted=f" {_values_block(bindings)} " if bindings else "")) from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None
    notes = [f"added the project's prefixes {', '.join(p + ':' for p in added)} "
             "(see docs/queries.md; declare them to silence this note)"] if added else []
    if entry.reduce and not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"{entry.name}: reducer {entry.reduce[0]!r} reads the rows of a SELECT query")
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(result), notes=notes)
    if isinstance(result, ox.QueryTriples):
        return QueryResult(kind="graph", triples=list(result), notes=notes)
    columns = [v.value for v in result.variables]
    rows = [[value_of(solution[i]) for i in range(len(columns))] for solution in result]
    if entry.reduce:
        # The entry's answer is computed from its rows (kg.reducers), the same on every store.
        from kg.reducers import reduce_rows, reducer

        values = {name: value_of(term) for name, term in bindings.items()}
        rows = reduce_rows(entry.reduce, columns, rows, values)
        columns = list(reducer(entry.reduce[-1]).gives)
    answer = QueryResult(kind="select", columns=columns, rows=rows, notes=notes)
    _explain(store, entry, bindings, answer, defaulted=defaulted, current=current)
    return answer


def _explain(store: Store, entry: CatalogueEntry, bindings: dict[str, ox.NamedNode | ox.Literal | None],
             answer: QueryResult, *, defaulted: bool, current: str | None) -> None:
    """Say which day ``answer`` is for, warn past the data's day, and name the partial
    coverage it draws on (the kinds of fact the entry declares)."""
    at = bindings.get("at")
    day = at.value if isinstance(at, ox.Literal) else None
    if day is not None:
        answer.as_of, answer.as_of_defaulted = day, defaulted
        answer.notes += date_notes(day, defaulted=defaulted,
                                   current=current if defaulted else current_as_of(store),
                                   earliest=None if defaulted else earliest_day(store))
    if not entry.coverage:
        return
    orgs = None
    org_prefix = mint("org", "X").value[:-1]
    for parameter in entry.parameters:
        term = bindings.get(parameter.name)
        if parameter.type in ("org", "actor") and isinstance(term, ox.NamedNode) \
                and term.value.startswith(org_prefix):
            orgs = (orgs or set()) | {term.value[len(org_prefix):]}
    answer.coverage = partial_coverage(coverage_statements_for(store, entry.coverage, orgs), entry.coverage,
                                       orgs, day)
    if answer.coverage:
        answer.notes.append(coverage_line(answer.coverage))


def check_derivation(store: Store, needed: int) -> None:
    """Refuse a store whose derived graph is older than version ``needed`` (what a query or a
    reader needs: :func:`kg.derived.required_version`, :data:`kg.derived.TABLES_VERSION`), with
    :func:`kg.derived.check_version`'s one line: an old store would answer with no rows, or
    wrong ones. Reads the version only when ``needed`` is above 1."""
    if needed > 1:
        versions = [int(s["version"].value) for s in store.select(version_query())]
        check_version(max(versions) if versions else None, needed)


def check_timeout(timeout: float | None) -> None:
    """Refuse a timeout that is not a finite number of seconds above 0 (:class:`UsageError`)."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or not 0 < timeout <= 31_536_000:
        raise UsageError(f"timeout {timeout!r}: give a number of seconds between 0 and 31536000")


# ---------------------------------------------------------------------------------------------
# Safety checks on user-supplied SPARQL text
# ---------------------------------------------------------------------------------------------

_UPDATE_WORDS = {"INSERT", "DELETE", "DROP", "CLEAR", "CREATE", "ADD", "MOVE", "COPY", "LOAD", "WITH"}


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value, _ in tokens(text)]


def _is_update(text: str) -> bool:
    return any(kind == "word" and value.upper() in _UPDATE_WORDS for kind, value in _tokens(text))


def check_user_query(store: Store, text: str, *, allow_update: bool, allow_network: bool) -> None:
    """Refuse updates and outbound network access in user-supplied SPARQL before evaluation.

    The check is lexical, on tokens that follow the SPARQL grammar (:mod:`kg.sparqltext`:
    comments, strings and IRIs are skipped exactly where the engine skips them). ``SERVICE``,
    ``LOAD``, and ``FROM [NAMED] <iri>`` naming anything but a graph of this store are refused
    unless ``allow_network``; update operations unless ``allow_update``. As the engine reads a
    keyword without a word boundary (``SERVICESILENT``, ``SERVICE:x``), ``SERVICE``, ``LOAD`` and
    ``FROM`` are looked for anywhere in a bare word or a prefix, not only as whole words.
    Below this check, the query worker of an embedded store cannot open network connections at
    all (:mod:`kg.sandbox`).
    """
    tokens = _tokens(text)
    depth = 0
    for kind, value in tokens:
        if kind == "open" or value in ("(", "["):
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"refused: the query is nested more than {MAX_NESTING} levels deep")
        elif kind == "close" or value in (")", "]"):
            depth -= 1
    graphs: set[str] | None = None
    for index, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        word = value.upper()
        bare = bare_part(word)
        if not allow_network:
            for keyword in ("SERVICE", "LOAD"):
                if keyword in bare:
                    raise QueryError(f"refused: {keyword} would open a network connection "
                                     "(use --allow-network to allow it)")
        if "FROM" in bare and not allow_network:
            following = tokens[index + 1 : index + 3]
            iri = next((v[1:-1] for k, v in following if k == "iri"), None)
            if graphs is None:
                graphs = set(store.graph_iris())
            if iri is None or iri not in graphs:
                raise QueryError("refused: FROM may name only graphs of this store "
                                 f"({iri or 'a prefixed name'} is not one; use --allow-network "
                                 "to let the engine fetch it)")
        if word in _UPDATE_WORDS and word != "LOAD" and not allow_update:
            raise QueryError(f"refused: {word} is an update and `kg query` does not change the "
                             "store (use --allow-update)")
