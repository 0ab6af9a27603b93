"""Help for SPARQL that users write: the project's prefixes added, syntax errors made readable.

- :func:`add_default_prefixes`: a query that uses ``al:``, ``rdfs:``, ``skos:``, ... without
  declaring them gets their ``PREFIX`` declarations (those of :data:`kg.vocab.PREFIXES`), on one
  line put before the text; the caller says which were added.
- :func:`readable_syntax_error`: the engine's message ("error at 1:32: expected one of Prefix not
  found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' ...") becomes one line with the line, column and
  token of the user's own text and what was expected, in words.

>>> text, added = add_default_prefixes("SELECT ?s WHERE { ?s a al:State ; rdfs:label ?l }")
>>> added
['al', 'rdfs']
>>> text.splitlines()[0].startswith("PREFIX al: <https://w3id.org/alignment-kg/ontology#> PREFIX rdfs:")
True
>>> add_default_prefixes("PREFIX al: <http://example.org/> SELECT * WHERE { ?s a al:X }")[1]
[]
>>> readable_syntax_error("error at 1:14: expected one of BIND, [_]", "SELECT * { ?s oops }")
"SPARQL syntax error at line 1, column 14, at 'oops': expected BIND"
"""

from __future__ import annotations

import re

from kg.sparqltext import tokens
from kg.vocab import PREFIXES

__all__ = ["add_default_prefixes", "readable_syntax_error", "declared_prefixes", "used_prefixes"]

_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def declared_prefixes(text: str) -> set[str]:
    """The prefixes ``text`` declares with ``PREFIX p: <...>`` (any case)."""
    found = list(tokens(text))
    return {found[i + 1][1][:-1] for i, (kind, value, _) in enumerate(found[:-1])
            if kind == "word" and value.upper() == "PREFIX" and found[i + 1][0] == "word"
            and found[i + 1][1].endswith(":")}


def used_prefixes(text: str) -> list[str]:
    """The prefixes of the prefixed names in ``text``, in order of first use (blank node labels
    and the declarations themselves left out)."""
    used: dict[str, None] = {}
    previous = ""
    for kind, value, _ in tokens(text):
        if kind == "word" and ":" in value and not value.startswith("_:") \
                and previous.upper() != "PREFIX":
            used.setdefault(value.split(":", 1)[0], None)
        previous = value if kind == "word" else ""
    return list(used)


def add_default_prefixes(text: str) -> tuple[str, list[str]]:
    """``text`` with a first line declaring the project's prefixes it uses but does not declare,
    and the list of those prefixes (empty: ``text`` unchanged). A prefix the project does not
    know is left for the engine to report."""
    declared = declared_prefixes(text)
    missing = [p for p in used_prefixes(text) if p not in declared and p in PREFIXES]
    if not missing:
        return text, []
    line = " ".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(missing))
    return f"{line}\n{text}", sorted(missing)


def _expected(detail: str) -> str:
    """The alternatives of the engine's "expected one of ...", keywords and punctuation only
    (character classes such as ``['A' ..= 'Z' | ...]`` left out)."""
    detail = detail.strip()
    if detail.startswith("expected one of "):
        body = detail[len("expected one of "):]
    elif detail.startswith("expected "):
        body = detail[len("expected "):]
    else:
        return detail.splitlines()[0] if detail else ""
    items, depth, current = [], 0, ""
    for char in body:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    items.append(current.strip())
    words = []
    for item in items:
        if item.startswith("[") or not item:
            continue
        if len(item) >= 2 and item[0] == item[-1] == '"':
            item = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            item = f"'{item}'"
        words.append(item)
    if not words:
        return "expected a name, a variable or a value"
    if all(w.strip("'").startswith(("\\", '"')) for w in words):
        return "a string is not closed (a quote is missing)"
    shown = ", ".join(words[:10]) + (", ..." if len(words) > 10 else "")
    return ("expected one of " if len(words) > 1 else "expected ") + shown


def readable_syntax_error(message: str, text: str, *, skip_lines: int = 0,
                          inserted: str = "") -> str:
    """One line for the engine's syntax error ``message`` about ``text`` (the text evaluated).

    ``skip_lines``: lines put before the user's text (the default prefixes), taken off the line
    number. ``inserted``: text put inside a line of the user's (the parameters' ``VALUES`` block),
    taken off the column where the error lies after it.
    """
    match = _POSITION.search(message)
    if not match:
        return "SPARQL syntax error: " + " ".join(message.split())[:300]
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.split("\n")
    offset = sum(len(lines[i]) + 1 for i in range(min(line - 1, len(lines)))) + column - 1
    # The engine's position is the first character it could not read: the offending token
    # begins there, except for an unknown prefix, found once the whole name before it is read.
    before = after = None
    for _, value, start in tokens(text):
        if start + len(value) == offset:
            before = value
        if start >= offset:
            after = value
            break
    token = before if "Prefix not found" in detail and before else after
    if token is None:
        where_token = "at the end of the query"
    else:
        shown = token if len(token) <= 40 else token[:37] + "..."
        where_token = f"at {shown!r}"
    if inserted and line - 1 < len(lines):
        at = lines[line - 1].find(inserted)
        if 0 <= at < column - 1:
            column -= len(inserted)
    line -= skip_lines
    what = _expected(detail)
    if "Prefix not found" in detail and token and ":" in token:
        prefix = token.split(":", 1)[0]
        known = ", ".join(sorted(p for p in PREFIXES if not p.startswith("kg"))) + \
            ", kgstate, kgorg, ..."
        what = (f"unknown prefix '{prefix}:' (declare it: PREFIX {prefix}: <...>; "
                f"the project's own are added when missing: {known})")
    place = f"line {max(line, 1)}, column {column}"
    return f"SPARQL syntax error at {place}{', ' + where_token if where_token else ''}: {what}"
