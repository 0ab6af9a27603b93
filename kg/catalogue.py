"""The query catalogue: ``queries/*.rq`` files with their metadata in leading comment lines.

A catalogue file stays valid SPARQL; its header is a block of ``#+ key: value`` lines::

    #+ summary: Members of an organisation, one row per membership spell
    #+ description: With `at`, only the spells in force that day.
    #+ param: org org -- the organisation (code or IRI)
    #+ param: at date optional -- a day, month or year (its last day)
    #+ columns: member, name, role, start, end

``param`` is ``NAME TYPE [optional] [default=VALUE] [-- description]``; ``default=current``
means the dataset's "current as of" date. A malformed header is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.errors import QueryError

__all__ = ["PARAM_TYPES", "Parameter", "CatalogueEntry", "parse_entry", "catalogue", "find_entry"]

#: Parameter types and what they accept.
PARAM_TYPES = {
    "state": "a state code (NZL) or IRI",
    "org": "an organisation code (NATO) or IRI",
    "actor": "a state or organisation code, or IRI",
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

_KEYS = {"summary", "description", "param", "columns", "tags"}
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
    return CatalogueEntry(name=name, text=text, summary=" ".join(values["summary"]),
                          description=" ".join(values.get("description", [])),
                          parameters=tuple(params), columns=columns, tags=tags, path=path)


@cache
def catalogue(directory: Path | None = None) -> dict[str, CatalogueEntry]:
    """The catalogue entries of a directory (default: the packaged ``queries/``), by name."""
    if directory is None:
        from kg.resources import queries_dir

        directory = queries_dir()
    entries = {}
    for path in sorted(directory.glob("*.rq")):
        entries[path.stem] = parse_entry(path.read_text(encoding="utf-8"), name=path.stem, path=path)
    return entries


def find_entry(name: str) -> CatalogueEntry | None:
    """The packaged catalogue entry called ``name``, or ``None``."""
    return catalogue().get(name)
