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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

__all__ = ["bare_part", "tokens"]

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
                  "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
                  "\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_UCHAR = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"
_ECHAR = r"""(?:\\[tbnrf\\"'])"""
_LOCAL = (rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
          rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?")
# A bare name (keywords, ``true``, a prefix) is any run of name characters; a prefixed name is
# that, a colon and a local part. Wider than PN_PREFIX on purpose: it splits nothing the engine
# reads as one token (it never ends in a dot, which the engine would not take either).
_BARE = rf"[{_PN_CHARS}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"

_TOKEN_PATTERN = (
    rf"""(?P<comment>\#[^\r\n]*)
      | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
                  |\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
                  |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
                  |"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")
      | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
      | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
      | (?P<word>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?
                |(?:{_BARE})?:(?:{_LOCAL})?
                |{_BARE})
      | (?P<open>\{{) | (?P<close>\}})
      | (?P<space>[ \t\r\n]+)
      | (?P<other>.)""")


@cache
def _token_regex() -> re.Pattern[str]:
    """The tokenizer, compiled on first use: its Unicode classes take tens of milliseconds to
    compile, which a command that never tokenises (most of them) should not pay at start-up."""
    return re.compile(_TOKEN_PATTERN, re.VERBOSE | re.DOTALL)


def tokens(text: str, *, comments: bool = False) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of each token: ``comment`` (only with ``comments``),
    ``string``, ``iri``, ``var``, ``word`` (a keyword, a prefixed name or a blank node label),
    ``open``, ``close`` or ``other`` (any other character but white space)."""
    for match in _token_regex().finditer(text):
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
