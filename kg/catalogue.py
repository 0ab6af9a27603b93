"""The query catalogue: ``queries/*.rq`` files with their metadata in leading comment lines.

A catalogue file stays valid SPARQL; its header is a block of ``#+ key: value`` lines::

    #+ summary: Members of an organisation, one row per membership spell
    #+ description: With `at`, only the spells in force that day.
    #+ param: org org -- the organisation (code or IRI)
    #+ param: at date optional -- a day, month or year (its last day)
    #+ columns: member, name, role, start, end
    #+ coverage: memberships

``coverage`` names the kinds of fact the answer draws on (see :mod:`kg.coverage`): an answer
over partially covered data says so. ``reduce`` names a reducer (:mod:`kg.reducers`), or a
chain of them separated by commas, that computes the answer in Python from the query's rows
(the columns the first reads; each of the others reads what the one before it gives).
``param`` is ``NAME TYPE [optional] [default=VALUE] [-- description]``; ``default=current``
means the dataset's "current as of" date. A malformed header is an error.

The parameters are bound by a ``VALUES`` block that the query runner inserts right after the
first ``WHERE {`` (parameter values are RDF terms serialised by pyoxigraph, never query text;
an unset optional parameter is ``UNDEF``). A group that would be evaluated on its own over the
whole store (a multi-pattern ``OPTIONAL``, a ``UNION`` branch, a subquery, an ``EXISTS``) can
ask for the same block with a marker comment, alone on its line, inside the group::

    OPTIONAL {
      # @values
      ?f al:member ?state ; al:organization ?org .
    }

Each marker line is replaced by the same ``VALUES`` block (being a comment, the marker keeps
the file valid SPARQL), so the group starts from the parameters instead of joining them
afterwards. The rewrite is textual: the marker positions are found once per entry, nothing is
parsed at run time.

A marker is safe only where it cannot change the answer: the group must use each parameter
variable with the same meaning as the outer query (inside a subquery only if the variable there
is the same thing, projected or not), and every parameter is bound there, so a group must not
use a parameter's name for anything else. A group may also use the marker to refer to a
parameter outside the scope of the first ``WHERE {`` (``shared-memberships`` binds ?at in the
subqueries that find each state's current unbroken run of membership): there the marker
is part of the query's meaning, and the answer differs without it. An unset optional parameter is ``UNDEF``, neutral in a
join. Never inside ``MINUS`` (its variables are not shared the same way: the marker would change
which rows are removed). Loading the catalogue refuses a marker that is not alone on its line,
an unknown ``# @word``, a marker outside any group, in the header, in a ``MINUS``, ``VALUES`` or
template block, or in an entry without parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.errors import QueryError
from kg.sparqltext import read_query, tokens

__all__ = ["PARAM_TYPES", "Parameter", "CatalogueEntry", "parse_entry", "catalogue", "find_entry"]

#: Parameter types and what they accept.
PARAM_TYPES = {
    "state": "a state code (NZL) or IRI",
    "org": "an organisation code (NATO) or IRI",
    "actor": "a state, territory or organisation code, or IRI",
    "event": "an event code or IRI",
    "framework": "a partnership framework code (ITPP) or IRI",
    "topic": "a topic code or IRI",
    "subject": "the code or IRI of any resource",
    "date": "a date: YYYY-MM-DD, YYYY-MM or YYYY (a month or year means its last day)",
    "since": "a first day: YYYY-MM-DD, YYYY-MM or YYYY (a month or year means its first day)",
    "year": "a year (YYYY)",
    "integer": "an integer",
    "string": "a text",
}

_KEYS = {"summary", "description", "param", "columns", "tags", "coverage", "reduce"}
#: The kinds of fact an entry may say it draws on (``#+ coverage: memberships, observers``).
COVERAGE_KINDS = ("memberships", "observers", "partners", "partnerships", "events",
                  "participations", "stances")
#: The marker comment asking for the parameters' VALUES block (see the module docstring); the
#: runner finds it with this pattern, the loader checks every use lexically.
VALUES_MARKER = re.compile(r"(?m)^[ \t]*#[ \t]*@values[ \t]*$")
_MARKER_LIKE = re.compile(r"#\s*@")
_HEADER = re.compile(r"^#\+\s*([a-z]+)\s*:\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[a-z][a-z0-9_]*)\s+(?P<type>[a-z]+)"
    r"(?P<optional>\s+optional)?(?:\s+default=(?P<default>\S+))?(?:\s+--\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter."""

    name: str
    type: str
    optional: bool = False
    default: str | None = None
    doc: str = ""

    def describe(self) -> str:
        """``name (type)`` with ``optional`` and the default when there is one."""
        details = [self.type]
        if self.optional:
            details.append("optional")
        if self.default:
            details.append(f"default {self.default}")
        return f"{self.name} ({', '.join(details)})"


@dataclass(frozen=True)
class CatalogueEntry:
    """A parsed query file."""

    name: str
    text: str
    summary: str
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    path: Path | None = None
    #: the kinds of fact the answer draws on, whose declared coverage it reports
    coverage: tuple[str, ...] = ()
    #: the reducers (:mod:`kg.reducers`) that compute the answer from the query's rows, in turn
    reduce: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        """The declared parameter called ``name``, if any."""
        return next((p for p in self.parameters if p.name == name), None)


def parse_entry(text: str, *, name: str, path: Path | None = None) -> CatalogueEntry:
    """Parse a query's ``#+`` header; raise :class:`QueryError` (file and line) when malformed."""
    where = str(path) if path else name
    values: dict[str, list[str]] = {}
    params: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        if not stripped.startswith("#+"):
            continue
        match = _HEADER.match(stripped)
        if not match or match.group(1) not in _KEYS:
            raise QueryError(f"{where}:{number}: malformed header line {stripped!r} "
                             f"(expected '#+ KEY: value' with KEY one of {', '.join(sorted(_KEYS))})")
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise QueryError(f"{where}:{number}: malformed parameter {value!r} "
                                 f"(expected 'NAME TYPE [optional] [default=VALUE] [-- text]', "
                                 f"TYPE one of {', '.join(PARAM_TYPES)})")
            if any(p.name == pm.group("name") for p in params):
                raise QueryError(f"{where}:{number}: parameter {pm.group('name')!r} declared twice")
            params.append(Parameter(pm.group("name"), pm.group("type"), bool(pm.group("optional")),
                                    pm.group("default"), (pm.group("doc") or "").strip()))
        else:
            values.setdefault(key, []).append(value)
    if not values.get("summary"):
        raise QueryError(f"{where}: the header has no '#+ summary:' line")
    columns = tuple(c.strip() for c in " ".join(values.get("columns", [])).split(",") if c.strip())
    tags = tuple(t.strip() for t in " ".join(values.get("tags", [])).split(",") if t.strip())
    coverage = tuple(k.strip() for k in " ".join(values.get("coverage", [])).split(",") if k.strip())
    unknown = [k for k in coverage if k not in COVERAGE_KINDS]
    if unknown:
        raise QueryError(f"{where}: unknown coverage kind(s) {', '.join(unknown)} "
                         f"(one of {', '.join(COVERAGE_KINDS)})")
    _check_markers(text, where, has_parameters=bool(params))
    reduce = _check_reducer(values.get("reduce", []), where, params, columns)
    return CatalogueEntry(name=name, text=text, summary=" ".join(values["summary"]),
                          description=" ".join(values.get("description", [])),
                          parameters=tuple(params), columns=columns, tags=tags, path=path,
                          coverage=coverage, reduce=reduce)


def _check_reducer(values: list[str], where: str, params: list[Parameter],
                   columns: tuple[str, ...]) -> tuple[str, ...]:
    """The reducers of a header's ``#+ reduce:`` line, in order (none without one), refused
    (:class:`QueryError`) when the line is given twice, names an unknown reducer, one that does
    not read what the one before it gives, one that takes a parameter the entry does not
    declare, or a last one that gives other columns than the declared ones."""
    from kg.reducers import check_chain, reducer

    if not values:
        return ()
    if len(values) > 1:
        raise QueryError(f"{where}: '#+ reduce:' given {len(values)} times (one line, reducers "
                         "separated by commas)")
    names = tuple(n.strip() for n in values[0].split(",") if n.strip())
    if not names:
        raise QueryError(f"{where}: '#+ reduce:' names no reducer")
    try:
        check_chain(names)
    except QueryError as exc:
        raise QueryError(f"{where}: {exc}") from None
    for name in names:
        missing = [p for p in reducer(name).parameters if not any(q.name == p for q in params)]
        if missing:
            raise QueryError(f"{where}: reducer {name!r} takes the parameter(s) "
                             f"{', '.join(missing)}: declare them ('#+ param: ...')")
    last = reducer(names[-1])
    if columns and columns != last.gives:
        raise QueryError(f"{where}: reducer {last.name!r} gives the columns "
                         f"{', '.join(last.gives)}, the header declares {', '.join(columns)}")
    return names


def _check_markers(text: str, where: str, *, has_parameters: bool) -> None:
    """Refuse a malformed or misplaced ``# @values`` marker (see the module docstring).

    The check is lexical (strings, IRIs and comments are tokens of their own), and the positions
    it accepts must be exactly those that :data:`VALUES_MARKER` finds at run time.
    """
    if not _MARKER_LIKE.search(text):
        return  # nothing marker-like anywhere: no need to tokenise (most entries)

    def line_of(position: int) -> int:
        return text.count("\n", 0, position) + 1

    accepted: list[int] = []
    stack: list[str] = []          # for each open brace: the keyword that opened it
    last_word = ""                 # the last keyword seen (upper case), "" after anything else
    in_values = False              # between VALUES and the brace of its data block
    in_header = True
    for kind, token, start in tokens(text, comments=True):
        if kind == "comment":
            if in_header and token.startswith("#+"):
                continue
            if not _MARKER_LIKE.match(token):
                continue
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            line = text[line_start: None if line_end < 0 else line_end]
            number = line_of(start)
            if not VALUES_MARKER.fullmatch(line):
                raise QueryError(f"{where}:{number}: malformed marker {line.strip()!r} "
                                 "(expected '# @values' alone on its line)")
            if in_header:
                raise QueryError(f"{where}:{number}: '# @values' in the header")
            if not has_parameters:
                raise QueryError(f"{where}:{number}: '# @values' in an entry without parameters")
            if not stack:
                raise QueryError(f"{where}:{number}: '# @values' outside any group")
            if stack[-1] in ("VALUES", "CONSTRUCT", "DATA", "TEMPLATE"):
                raise QueryError(f"{where}:{number}: '# @values' inside a {stack[-1]} block")
            if "MINUS" in stack:
                raise QueryError(f"{where}:{number}: '# @values' inside MINUS "
                                 "(it would change which rows are removed)")
            accepted.append(line_start)
            continue
        in_header = False
        if kind == "word":
            word = token.upper()
            if word == "VALUES":
                in_values = True
            last_word = word
        elif kind == "open":
            if in_values:
                opener, in_values = "VALUES", False
            elif last_word in ("CONSTRUCT", "DATA"):
                opener = last_word
            elif last_word in ("INSERT", "DELETE"):
                opener = "TEMPLATE"
            else:
                opener = last_word or "{"
            stack.append(opener)
            last_word = ""
        elif kind == "close":
            if stack:
                stack.pop()
            last_word = ""
        else:
            last_word = ""
    found = [m.start() for m in VALUES_MARKER.finditer(text)]
    if found != accepted:
        stray = sorted(set(found) ^ set(accepted))
        raise QueryError(f"{where}:{line_of(stray[0])}: a '# @values' line inside a string or "
                         "IRI (only a comment line is a marker)")


class _Catalogue(MutableMapping[str, CatalogueEntry]):
    """The entries of a directory by name, each read and parsed when first asked for (a command
    that runs one entry parses that one), then kept: the same object on every look-up."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self._paths = paths
        self._entries: dict[str, CatalogueEntry] = {}

    def __getitem__(self, name: str) -> CatalogueEntry:
        entry = self._entries.get(name)
        if entry is None:
            path = self._paths[name]  # KeyError for an unknown name, as a dict
            entry = self._entries[name] = parse_entry(read_query(path),
                                                      name=name, path=path)
        return entry

    def __setitem__(self, name: str, entry: CatalogueEntry) -> None:
        self._paths.setdefault(name, entry.path or Path(name))
        self._entries[name] = entry

    def __delitem__(self, name: str) -> None:
        del self._paths[name]
        self._entries.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._paths))

    def __len__(self) -> int:
        return len(self._paths)


@cache
def catalogue(directory: Path | None = None) -> MutableMapping[str, CatalogueEntry]:
    """The catalogue entries of a directory (default: the packaged ``queries/``), by name, in
    name order. Each is parsed when first looked up (a malformed entry raises then)."""
    if directory is None:
        from kg.resources import queries_dir

        directory = queries_dir()
    return _Catalogue({path.stem: path for path in sorted(directory.glob("*.rq"))})


def find_entry(name: str) -> CatalogueEntry | None:
    """The packaged catalogue entry called ``name``, or ``None``."""
    return catalogue().get(name)
