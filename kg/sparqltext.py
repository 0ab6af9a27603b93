"""SPARQL text as tokens, without parsing it: what the safety checks and the catalogue's marker
check read (keywords, IRIs, braces), with comments, strings and IRIs as tokens of their own so
that a keyword inside one of them is never taken for a keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["tokens"]

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<var>[?$][A-Za-z0-9_]+)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z0-9_.-]*)?|:[A-Za-z0-9_.-]*)
      | (?P<open>\{) | (?P<close>\})
      | (?P<other>\S)""",
    re.VERBOSE,
)


def tokens(text: str, *, comments: bool = False) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of each token: ``comment`` (only with ``comments``),
    ``string``, ``iri``, ``var``, ``word`` (a keyword or a prefixed name), ``open``, ``close``
    or ``other`` (any other character)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment" or comments:
            yield kind, match.group(0), match.start()
