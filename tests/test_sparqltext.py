"""The tokenizer's two patterns: ASCII text is tokenised by the narrow one (its name classes cut to
their ASCII part, cheap to compile at start-up), which must split it exactly as the wide one,
the grammar's own classes, does."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.catalogue import catalogue
from kg.sparqltext import _token_regex, tokens

#: Pieces of SPARQL that exercise every token kind and its edges, glued at random.
PIECES = ["SELECT", "?x", "$y", "?1a", "ex:a.b", "ex:a.", ":", "_:b1", "_:b.", "a:b\\#c", "a:%4F",
          "<http://a/#b>", "<a\\u0041>", "<a b>", "'s'", '"s\\"t"', "'''x\n'y'''", '"""a""b"""',
          "'\\q'", "# c\r", "# c\n", "{", "}", "(", ")", ".", ";", ",", "@en", "^^", "-", "1.5e3",
          "SERVICE", "SERVICESILENT<x>", "kgf:atPrecision(?s, ?p)", "\t", "\r\n", " ", "\\", "'", '"']


def _split(pattern: re.Pattern[str], text: str) -> list[tuple[str | None, str, int]]:
    return [(m.lastgroup, m.group(0), m.start()) for m in pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(max_codepoint=127), max_size=4)),
                max_size=30))
def test_ascii_text_is_split_alike_by_both_patterns(parts):
    text = "".join(parts)
    assert text.isascii()
    assert _split(_token_regex(False), text) == _split(_token_regex(True), text)


def test_the_catalogue_is_split_alike_by_both_patterns():
    for name in catalogue():
        path = catalogue()[name].path
        assert path is not None
        text = path.read_text(encoding="utf-8")
        if text.isascii():
            assert _split(_token_regex(False), text) == _split(_token_regex(True), text), name


def test_text_beyond_ascii_takes_the_wide_pattern():
    assert [t[1] for t in tokens("SELECT ?été { ex:naïve ?p ?o }")] == \
        ["SELECT", "?été", "{", "ex:naïve", "?p", "?o", "}"]
