"""The project's SPARQL functions (``kgf:atPrecision``): expanded on tokens before a query runs,
in the packaged queries and in the user's, with the answers of the expression they stand for."""

from __future__ import annotations

import pytest

from kg.catalogue import catalogue, parse_entry
from kg.errors import QueryError
from kg.query import run_query
from kg.sparqltext import FUNCTION_NAMESPACE, expand_functions, read_query

DECLARED = f"PREFIX kgf: <{FUNCTION_NAMESPACE}>\n"
#: The expression the queries pasted before the function existed, for ``?s`` at ``?sp``.
PASTED = ("IF(?sp = al:year, SUBSTR(STR(?s), 1, 4), IF(?sp = al:month, SUBSTR(STR(?s), 1, 7), "
          "STR(?s)))")


def test_a_call_becomes_the_pasted_expression_and_the_declaration_goes():
    text = f"PREFIX al: <x>\n{DECLARED}SELECT * {{ BIND(kgf:atPrecision(?s, ?sp) AS ?start) }}\n"
    assert expand_functions(text) == f"PREFIX al: <x>\nSELECT * {{ BIND({PASTED} AS ?start) }}\n"


def test_any_variables_and_repeated_calls():
    text = DECLARED + "SELECT (kgf:atPrecision(?end,?ep) AS ?a) (kgf:atPrecision( $x , $xp ) AS ?b) {}"
    expanded = expand_functions(text)
    assert expanded == ("SELECT (" + PASTED.replace("?sp", "?ep").replace("?s", "?end") + " AS ?a) ("
                        + PASTED.replace("?sp", "$xp").replace("?s", "$x") + " AS ?b) {}")


def test_strings_iris_and_comments_are_left_alone():
    body = ('SELECT * { BIND("kgf:atPrecision(?s, ?sp)" AS ?a) '
            "<http://example.org/kgf:atPrecision(?s,?sp)> ?p ?o # kgf:atPrecision(?s, ?sp)\n}")
    assert expand_functions(DECLARED + body) == body


def test_nested_calls_expand_inside_out():
    text = DECLARED + "SELECT (kgf:atPrecision(kgf:atPrecision(?s, ?sp), ?p) AS ?x) {}"
    inner = PASTED
    outer = ("IF(?p = al:year, SUBSTR(STR(({0})), 1, 4), IF(?p = al:month, SUBSTR(STR(({0})), 1, 7), "
             "STR(({0}))))").format(inner)
    assert expand_functions(text) == f"SELECT ({outer} AS ?x) {{}}"


def test_without_the_declaration_the_text_is_unchanged():
    text = "SELECT (kgf:atPrecision(?s, ?sp) AS ?x) {}"
    assert expand_functions(text) == text
    other = "PREFIX kgf: <http://example.org/other#>\n" + text
    assert expand_functions(other) == other


def test_a_declaration_still_used_for_something_else_stays():
    text = DECLARED + "SELECT (kgf:atPrecision(?s, ?sp) AS ?x) { ?a kgf:note ?b }"
    with pytest.raises(QueryError, match="unknown function kgf:note"):
        expand_functions(text)


@pytest.mark.parametrize(("call", "message"), [
    ("kgf:atPrecision(?s)", "kgf:atPrecision takes 2 arguments, "
                            "kgf:atPrecision(?date, ?precision); found 1 argument(s)"),
    ("kgf:atPrecision(?s, ?sp, ?x)", "found 3 argument(s)"),
    ("kgf:atPrecision()", "found no arguments"),
    ("kgf:atPrecision(?s, )", "found 2 argument(s) (one empty)"),
    ("kgf:atPrecision ?s", "kgf:atPrecision is a function: write kgf:atPrecision(?date, ?precision)"),
    ("kgf:atPrecision(?s, (?sp", "kgf:atPrecision( is not closed"),
    ("kgf:atprecision(?s, ?sp)", "unknown function kgf:atprecision"),
])
def test_a_wrong_call_is_one_line_error(call, message):
    with pytest.raises(QueryError) as caught:
        expand_functions(f"{DECLARED}SELECT ({call} AS ?x) {{}}", source="q.rq")
    assert message in str(caught.value)
    assert str(caught.value).startswith("q.rq:2: ")
    assert "\n" not in str(caught.value)


def test_read_query_names_the_file(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text(f"# a comment\n{DECLARED}SELECT (kgf:atPrecision(?s) AS ?x) {{}}\n", encoding="utf-8")
    with pytest.raises(QueryError, match=rf"^{path}:3: kgf:atPrecision takes 2 arguments"):
        read_query(path)


def test_a_user_query_calls_the_function_through_kg_query(kg):
    text = ("PREFIX al: <https://w3id.org/alignment-kg/ontology#>\n"
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + DECLARED +
            'SELECT ?text WHERE { VALUES (?d ?p) { ("2004-03-29"^^xsd:date al:year) '
            '("2004-03-29"^^xsd:date al:month) ("2004-03-29"^^xsd:date al:day) } '
            "BIND(kgf:atPrecision(?d, ?p) AS ?text) } ORDER BY ?text")
    assert kg("query", text, "--format", "csv").stdout == "text\n2004\n2004-03\n2004-03-29\n"


def test_a_wrong_call_in_a_user_query_is_an_error_line(kg):
    result = kg("query", DECLARED + "SELECT (kgf:atPrecision(?d) AS ?x) {}")
    assert result.exit_code == 1
    assert "kg: error: line 2: kgf:atPrecision takes 2 arguments" in result.output


def test_a_catalogue_query_answers_as_its_pasted_form(memory_store):
    entry = catalogue()["memberships"]
    source = entry.path.read_text(encoding="utf-8")
    assert "kgf:atPrecision(?s, ?sp)" in source and "kgf:" not in entry.text
    pasted = (source.replace(DECLARED, "").replace("kgf:atPrecision(?s, ?sp)", PASTED)
              .replace("kgf:atPrecision(?e, ?ep)", PASTED.replace("?sp", "?ep").replace("?s", "?e")))
    assert pasted == entry.text
    ours = run_query(memory_store, "memberships", {"state": "FIN"})
    theirs = run_query(memory_store, parse_entry(pasted, name="pasted"), {"state": "FIN"})
    assert ours.rows and ours.rows == theirs.rows


@pytest.mark.server
def test_the_sparql_protocol_endpoint_passes_the_text_as_it_is(store_dir):
    """``kg serve``'s /query is the SPARQL protocol: the engine gets the call itself, and
    answers as it answers any function it does not know (Oxigraph: an error naming it)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from servers import kg_serve

    text = (DECLARED + "PREFIX al: <https://w3id.org/alignment-kg/ontology#>\n"
            'SELECT ?text WHERE { BIND(kgf:atPrecision("2004-03-29", al:year) AS ?text) }')
    with kg_serve(store_dir) as base:
        request = urllib.request.Request(f"{base}/query", data=urllib.parse.urlencode({"query": text}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        # The error's body is read while the server still runs (it is streamed).
        body = caught.value.read().decode()
    assert f"<{FUNCTION_NAMESPACE}atPrecision> is not supported" in body
