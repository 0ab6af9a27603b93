"""Wikidata "member of" (P463) statements, from a saved SPARQL JSON result.

The query (in ``docs/importers.md``) returns one result per statement with the variables
``member`` and ``org`` (entity IRIs) and, where the statement has them, ``start`` / ``end``
(the P580 / P582 qualifiers' time values) with ``startPrecision`` / ``endPrecision``
(Wikidata's precision codes: 9 year, 10 month, 11 day). Items are matched to the project's
states and organisations through their ``al:wikidata`` QIDs; unmatched items are reported
with the line of their result in the file and left out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg.dates import PartialDate
from kg.errors import DataError
from kg.loaders.importing import DatasetInfo, ImportContext, ImportedFile, Importer, Issue, QuadWriter
from kg.vocab import code_of

__all__ = ["REQUIRED_VARIABLES", "WIKIDATA", "WikidataMemberships", "load_wikidata"]

REQUIRED_VARIABLES = ("member", "org")
_ENTITY = re.compile(r"^https?://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")
_TIME = re.compile(r"^\+?(\d{4})-(\d{2})-(\d{2})T")
#: Wikidata's precision codes for the precisions the project knows.
_PRECISIONS = {9: "year", 10: "month", 11: "day"}


class WikidataMemberships(Importer):
    """Wikidata "member of" statements from a saved query result (:func:`load_wikidata`)."""

    summary = "Wikidata \"member of\" (P463) statements, a saved SPARQL JSON result"
    matches_wikidata = True

    def read(self, path: Path, context: ImportContext) -> ImportedFile:
        return load_wikidata(path, context)


def load_wikidata(path: Path, context: ImportContext) -> ImportedFile:
    """Read SPARQL 1.1 JSON results of the P463 query (``application/sparql-results+json``).

    Raises :class:`~kg.errors.DataError` when the file is not such a result or lacks the
    ``member`` or ``org`` variable; a result that cannot be used is reported and left out.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", file=name) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason})", file=name) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not JSON: {exc.msg} (column {exc.colno})", file=name, line=exc.lineno) from None
    except RecursionError:
        raise DataError("not a SPARQL JSON result: nested too deeply", file=name) from None
    try:
        variables = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        if not isinstance(bindings, list) or not isinstance(variables, list):
            raise TypeError
    except (KeyError, TypeError):
        raise DataError("not a SPARQL JSON result: expected head.vars and results.bindings", file=name) from None
    missing = [v for v in REQUIRED_VARIABLES if v not in variables]
    if missing:
        raise DataError(f"the query result lacks the variable(s) {', '.join(missing)} "
                        "(see the query in docs/importers.md)", file=name)
    lines = _result_lines(text, len(bindings))
    version = context.checksum[:12] or "unknown"
    info = DatasetInfo(f"wikidata-p463-{version}", "Wikidata: member of (P463) statements, query results",
                       "Wikimedia Foundation (Wikidata)", version, "Wikidata contributors")
    out = QuadWriter(context.graph)
    source = out.source(info)
    seen: set[tuple] = set()
    count = 0
    for index, binding in enumerate(bindings):
        line = lines[index]
        context.advance(index + 1, len(bindings))
        if not isinstance(binding, dict):
            context.report(Issue(name, line, "a result that is not an object"))
            continue
        member = _item(context, name, line, binding, "member")
        org = _item(context, name, line, binding, "org")
        if member is None or org is None:
            continue
        if "/id/org/" not in org.value:
            context.report(Issue(name, line, f"{code_of(org.value)} is not an organisation of the project"))
            continue
        try:
            start, end = (_time(context, name, line, binding, v) for v in ("start", "end"))
        except ValueError as exc:
            context.report(Issue(name, line, str(exc)))
            continue
        if start and end and end.first_day() <= start.first_day():
            context.report(Issue(name, line, f"end {end} is not after start {start}"))
            continue
        fact = (org.value, member.value, start, end)
        if fact in seen:  # the same statement once per label or qualifier combination
            continue
        seen.add(fact)
        out.membership(f"{code_of(org.value)}-{code_of(member.value)}-{start or 'undated'}-{info.source_id}",
                       org=org, member=member, role="member", start=start, end=end, source=source)
        count += 1
    return ImportedFile(out.quads, info, len(bindings), {"memberships": count})


def _value(binding: dict, variable: str) -> str | None:
    """The text value of a variable in a result, ``None`` when it is absent or not shaped as
    SPARQL JSON says (an object whose ``value`` is a string)."""
    term = binding.get(variable)
    if not isinstance(term, dict):
        return None
    value = term.get("value")
    return value if isinstance(value, str) else None


def _item(context: ImportContext, file: str, line: int | None, binding: dict, variable: str):
    value = _value(binding, variable) or ""
    match = _ENTITY.match(value)
    if not match:
        context.report(Issue(file, line, f"{variable} {value!r} is not a Wikidata item"))
        return None
    iri = context.wikidata.get(match.group(1))
    if iri is None:
        label = _value(binding, f"{variable}Label") or ""
        named = f" ({label})" if label and label != match.group(1) else ""
        context.report(Issue(file, line, f"{variable} {match.group(1)}{named} is not a state or "
                                         "organisation of the project (no al:wikidata match)"))
    return iri


def _time(context: ImportContext, file: str, line: int | None, binding: dict, variable: str
          ) -> PartialDate | None:
    """A P580/P582 time value at its precision; ``None`` when the statement has none, or
    when its precision is coarser than a year (reported: the date is left out)."""
    value = _value(binding, variable)
    if not value:
        return None
    match = _TIME.match(value)
    if not match:
        raise ValueError(f"{variable} {value!r} is not a Wikidata time value (+YYYY-MM-DDT...)")
    precision_text = _value(binding, f"{variable}Precision") or "11"
    if not precision_text.isdigit():
        raise ValueError(f"{variable}Precision {precision_text!r} is not a Wikidata precision code")
    precision = _PRECISIONS.get(int(precision_text))
    if precision is None:
        context.report(Issue(file, line, f"{variable} {value} has precision {precision_text}, "
                                         "coarser than a year: the date is left out"))
        return None
    year, month, day = (int(g) for g in match.groups())
    if precision == "year":
        return PartialDate(year)
    if precision == "month":
        return PartialDate(year, month)
    return PartialDate(year, month, day)


def _result_lines(text: str, count: int) -> list[int | None]:
    """The line on which each result of ``results.bindings`` begins, where it can be found."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r'"bindings"\s*:\s*\[', text):
        lines: list[int | None] = []
        position, line = match.end(), text.count("\n", 0, match.end()) + 1
        try:
            while len(lines) < count:
                while text[position] in " \t\r\n,":
                    if text[position] == "\n":
                        line += 1
                    position += 1
                lines.append(line)
                _, after = decoder.raw_decode(text, position)
                line += text.count("\n", position, after)
                position = after
        except (ValueError, IndexError, RecursionError):
            continue
        return lines
    return [None] * count


#: The importer ``kg import wikidata`` (registered in ``pyproject.toml``).
WIKIDATA = WikidataMemberships()
