"""SPARQL text as tokens, without parsing it: what the safety checks and the catalogue's marker
check read (keywords, IRIs, braces), with comments, strings and IRIs as tokens of their own so
that a keyword inside one of them is never taken for a keyword.

The tokens that hide text (comments, strings, IRIs, prefixed names) follow the SPARQL 1.1 grammar
(section 19.8) exactly, because a check that hides more than the engine does can be fooled: a
``#`` comment ends at a line feed **or a carriage return**; white space is only space, tab, line
feed and carriage return (no Unicode spaces); an ``IRIREF`` excludes only ``<>"{}|^`\\`` and
U+0000 to U+0020, so it may hold U+00A0, U+3000 or a ``#``, and ``\\u`` escapes; a string excludes
a bare line feed and carriage return and allows only the grammar's escapes; a prefixed name's
local part may hold ``\\#`` and ``\\'`` escapes. Where the text is not a valid token, the tokenizer
takes one character as ``other`` and goes on, so that it never hides more than the engine.

One more property of the engine matters for keywords: Oxigraph matches a keyword as a prefix of
the text, without a word boundary (``SERVICESILENT<...>``, ``SERVICE:x``, ``trueSERVICE`` all read
as ``SERVICE``). :func:`bare_words` therefore gives each ``word`` token's part before its first
colon, which a caller searches for a keyword anywhere inside, not only as the whole word.
``tests/reliability/test_service_fuzz.py`` checks all of this against the engine.

The project's SPARQL functions are written once here and expanded, on tokens, before a query
reaches the engine (:func:`expand_functions`; :func:`read_query` reads a packaged ``.rq`` file
with them expanded): ``kgf:atPrecision(?date, ?precision)``, with
``PREFIX kgf: <https://w3id.org/alignment-kg/function#>``, is a date written at its precision
(``2004`` for a year, ``2004-03`` for a month, the whole date otherwise).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from kg.errors import QueryError

__all__ = ["FUNCTION_NAMESPACE", "bare_part", "expand_functions", "read_query", "tokens"]

#: The namespace of the project's SPARQL functions (``kgf:`` in the queries).
FUNCTION_NAMESPACE = "https://w3id.org/alignment-kg/function#"

#: Each function's expansion by local name: a template over its arguments ``{0}``, ``{1}``...,
#: and the arguments' names for the error messages.
_FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "atPrecision": ("IF({1} = al:year, SUBSTR(STR({0}), 1, 4), "
                    "IF({1} = al:month, SUBSTR(STR({0}), 1, 7), STR({0})))", ("date", "precision")),
}

#: The non-ASCII code points of the grammar's name classes (PN_CHARS_BASE, and the extra ones of
#: PN_CHARS and of a variable name).
_WIDE_BASE = ("\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
              "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
              "\U00010000-\U000effff")
_WIDE_EXTRA = r"\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_UCHAR = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"
_ECHAR = r"""(?:\\[tbnrf\\"'])"""


def _token_pattern(*, wide: bool) -> str:
    """The tokenizer's pattern. ``wide``: the name classes with their non-ASCII code points, as
    the grammar has them; without, their ASCII part only, which tokenises ASCII text exactly as
    the wide pattern does (every character tested is ASCII, and an ASCII character is in a
    class exactly when it is in the class's ASCII part) and compiles in a fraction of the time
    (the wide classes cost tens of milliseconds, spent on every process's first tokenising)."""
    pn_chars_u = "A-Za-z" + (_WIDE_BASE if wide else "") + "_"
    extra = _WIDE_EXTRA if wide else ""
    pn_chars = pn_chars_u + r"\-0-9" + extra
    local = (rf"(?:[{pn_chars_u}:0-9]|{_PLX})"
             rf"(?:(?:[{pn_chars}.:]|{_PLX})*(?:[{pn_chars}:]|{_PLX}))?")
    # A bare name (keywords, ``true``, a prefix) is any run of name characters; a prefixed name is
    # that, a colon and a local part. Wider than PN_PREFIX on purpose: it splits nothing the engine
    # reads as one token (it never ends in a dot, which the engine would not take either).
    bare = rf"[{pn_chars}](?:[{pn_chars}.]*[{pn_chars}])?"
    return (
        rf"""(?P<comment>\#[^\r\n]*)
      | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
                  |\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
                  |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
                  |"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")
      | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
      | (?P<var>[?$][{pn_chars_u}0-9][{pn_chars_u}0-9{extra}]*)
      | (?P<word>_:[{pn_chars_u}0-9](?:[{pn_chars}.]*[{pn_chars}])?
                |(?:{bare})?:(?:{local})?
                |{bare})
      | (?P<open>\{{) | (?P<close>\}})
      | (?P<space>[ \t\r\n]+)
      | (?P<other>.)""")


@cache
def _token_regex(wide: bool) -> re.Pattern[str]:
    """The tokenizer (:func:`_token_pattern`), compiled on first use: a command that never
    tokenises (most of them) should not pay for it at start-up."""
    return re.compile(_token_pattern(wide=wide), re.VERBOSE | re.DOTALL)


def tokens(text: str, *, comments: bool = False) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of each token: ``comment`` (only with ``comments``),
    ``string``, ``iri``, ``var``, ``word`` (a keyword, a prefixed name or a blank node label),
    ``open``, ``close`` or ``other`` (any other character but white space)."""
    for match in _token_regex(not text.isascii()).finditer(text):
        kind = match.lastgroup or "other"
        if kind == "space" or (kind == "comment" and not comments):
            continue
        yield kind, match.group(0), match.start()


def bare_part(word: str) -> str:
    """The part of a ``word`` token where the engine may read keywords: all of a bare word, the
    prefix of a prefixed name (``SERVICE`` in ``SERVICE:x``), nothing of a blank node label.

    >>> bare_part("SERVICESILENT"), bare_part("service:x"), bare_part("ex:SERVICE"), bare_part("_:b")
    ('SERVICESILENT', 'service', 'ex', '')
    """
    if word.startswith("_:"):
        return ""
    return word.split(":", 1)[0]


def read_query(path: Path) -> str:
    """The text of the ``.rq`` file at ``path`` with the project's functions expanded
    (:func:`expand_functions`); an error names the file and line (:class:`QueryError`)."""
    return expand_functions(path.read_text(encoding="utf-8"), source=str(path))


def expand_functions(text: str, *, source: str | None = None) -> str:
    """``text`` with each call of a project function (``kgf:atPrecision(?d, ?p)``) replaced by
    its SPARQL expression and the ``PREFIX`` declaring the function namespace removed (its whole
    line when nothing else is on it). Only tokens are read: a name inside a string, an IRI or a
    comment is never a call. Text that does not declare the namespace is returned unchanged.

    Raises :class:`QueryError` (one line, ``source:line:`` first) for an unknown function of the
    namespace, a name without its arguments, or the wrong number of arguments.

    >>> print(expand_functions("PREFIX kgf: <https://w3id.org/alignment-kg/function#>\\n"
    ...                        "SELECT (kgf:atPrecision(?s, ?sp) AS ?start) {}"))
    SELECT (IF(?sp = al:year, SUBSTR(STR(?s), 1, 4), IF(?sp = al:month, SUBSTR(STR(?s), 1, 7), STR(?s))) AS ?start) {}
    """
    if FUNCTION_NAMESPACE not in text:  # no declaration: nothing to tokenise
        return text
    names = {name[:-1] for _, name, _ in _declarations(list(tokens(text)))}
    if not names:
        return text
    expanded = _expand_calls(text, 0, names, text, source)
    return _drop_declarations(expanded, names)


def _expand_calls(part: str, base: int, names: set[str], whole: str, source: str | None) -> str:
    """``part`` (which starts at offset ``base`` of ``whole``) with every call expanded, the
    arguments first (a call may hold calls)."""
    found = list(tokens(part))
    out: list[str] = []
    done = index = 0
    while index < len(found):
        kind, value, offset = found[index]
        prefix, colon, local = value.partition(":")
        if kind != "word" or not colon or not local or prefix not in names:
            index += 1
            continue
        line = whole.count("\n", 0, base + offset) + 1
        where = f"{source}:{line}" if source else f"line {line}"
        if local not in _FUNCTIONS:
            known = ", ".join(f"{prefix}:{name}" for name in sorted(_FUNCTIONS))
            raise QueryError(f"{where}: unknown function {value} (the project's functions: {known})")
        template, roles = _FUNCTIONS[local]
        usage = f"{value}({', '.join('?' + role for role in roles)})"
        if index + 1 >= len(found) or found[index + 1][1] != "(":
            raise QueryError(f"{where}: {value} is a function: write {usage}")
        end, arguments = _arguments(part, found, index + 1)
        if end is None:
            raise QueryError(f"{where}: {value}( is not closed")
        if len(arguments) != len(roles) or not all(text.strip() for _, text in arguments):
            count = "no arguments" if not arguments else f"{len(arguments)} argument(s)"
            empty = " (one empty)" if arguments and not all(t.strip() for _, t in arguments) else ""
            raise QueryError(f"{where}: {value} takes {len(roles)} arguments, {usage}; "
                             f"found {count}{empty}")
        values = []
        for start, argument in arguments:
            inner = _expand_calls(argument, base + start, names, whole, source).strip()
            values.append(inner if len(list(tokens(inner))) == 1 else f"({inner})")
        out += [part[done:offset], template.format(*values)]
        done = found[end][2] + 1
        index = end + 1
    out.append(part[done:])
    return "".join(out)


def _arguments(part: str, found: list[tuple[str, str, int]], opening: int
               ) -> tuple[int | None, list[tuple[int, str]]]:
    """The index of the token closing the bracket ``found[opening]`` (``None``: not closed) and
    the arguments between, each as its offset in ``part`` and its text (none for ``()``)."""
    depth, start = 0, found[opening][2] + 1
    arguments: list[tuple[int, str]] = []
    for close in range(opening, len(found)):
        kind, symbol, at = found[close]
        if kind != "other":
            continue
        if symbol in ("(", "["):
            depth += 1
        elif symbol in (")", "]"):
            depth -= 1
            if depth == 0:
                if arguments or part[start:at].strip():
                    arguments.append((start, part[start:at]))
                return close, arguments
        elif symbol == "," and depth == 1:
            arguments.append((start, part[start:at]))
            start = at + 1
    return None, arguments


def _declarations(found: list[tuple[str, str, int]]) -> Iterator[tuple[int, str, int]]:
    """``(start, "name:", end)`` of each ``PREFIX name: <function namespace>`` among ``found``."""
    for index, (kind, value, offset) in enumerate(found[:-2]):
        (name_kind, name, _), (_, iri, at) = found[index + 1], found[index + 2]
        if kind == "word" and value.upper() == "PREFIX" and name_kind == "word" \
                and name.endswith(":") and iri == f"<{FUNCTION_NAMESPACE}>":
            yield offset, name, at + len(iri)


def _drop_declarations(text: str, names: set[str]) -> str:
    """``text`` without the ``PREFIX`` declarations of ``names`` still declared but no longer
    used (a declaration's whole line when nothing else is on it)."""
    found = list(tokens(text))
    uses = Counter(value.partition(":")[0] for kind, value, _ in found if kind == "word" and ":" in value)
    spans: list[tuple[int, int]] = []
    for start, name, end in _declarations(found):
        if name[:-1] not in names or uses[name[:-1]] > 1:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:start].strip(" \t\r") and not text[end:line_end].strip(" \t\r"):
            start, end = line_start, min(line_end + 1, len(text))
        spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text
