"""Users' SPARQL: the project's prefixes added and said, syntax errors on one line where they are."""

from __future__ import annotations

import pytest

from kg.errors import QueryError, UsageError
from kg.query import run_query


def test_missing_prefixes_are_added_and_said(memory_store):
    result = run_query(memory_store, "SELECT ?c WHERE { ?s a al:State ; al:code ?c ; rdfs:label "
                                     "'New Zealand'@en }")
    plain = run_query(memory_store, "SELECT ?c WHERE { ?s a <https://w3id.org/alignment-kg/ontology#State> ; "
                                    "<https://w3id.org/alignment-kg/ontology#code> ?c ; "
                                    "<http://www.w3.org/2000/01/rdf-schema#label> 'New Zealand'@en }")
    assert result.rows == plain.rows
    assert result.notes == ["added the project's prefixes al:, rdfs: (see docs/queries.md; declare "
                            "them to silence this note)"]


def test_a_declared_prefix_is_left_alone(memory_store):
    result = run_query(memory_store, "PREFIX al: <http://example.org/> SELECT ?s WHERE { ?s a al:State }")
    assert result.rows == [] and result.notes == []


def test_catalogue_entries_get_no_note(memory_store):
    assert not any("prefixes" in n for n in run_query(memory_store, "members", {"org": "NATO"}).notes)


def test_an_unknown_prefix_is_one_line_with_position_and_token(memory_store):
    with pytest.raises(QueryError) as caught:
        run_query(memory_store, "SELECT ?x WHERE {\n  ?x a foo:State\n}")
    message = str(caught.value)
    assert "\n" not in message and "\\u{" not in message
    assert message.startswith("SPARQL syntax error at line 2, column 17, at 'foo:State': unknown prefix 'foo:'")


@pytest.mark.parametrize("text, expected", [
    ("SELECT ?x WHERE { ?x ?p ?o } ORDER ?x", "line 1, column 38, at the end of the query: expected BY"),
    ('SELECT ?x WHERE { ?x ?p "abc }', "a string is not closed"),
    ("SELECT ?x WHERE { ?x ?p ?o . FILTER(?x = ) }", "expected one of "),
])
def test_syntax_errors_are_short(memory_store, text, expected):
    with pytest.raises(QueryError) as caught:
        run_query(memory_store, text)
    message = str(caught.value)
    assert expected in message and len(message) < 300 and "'0' ..= '9'" not in message


@pytest.mark.parametrize("body", [
    "SELECT ?org WHERE { ?m al:member ?state ; al:organization/al:code ?org } ORDER ?org\n",
    "SELECT ?org WHERE { ?m al:member ?state ; al:organization/al:code ?org }\nORDER ?org\n",
    "SELECT ?org WHERE {\n  ?m al:member ?state ; al:organization/al:code ?org ; bad:x ?y .\n}\n",
])
def test_positions_are_in_the_users_file_despite_prefixes_and_values(memory_store, tmp_path, body):
    """The same mistake is reported at the same column, and at its line in the file, whether the
    query runs as text or as a file whose header declares a parameter (bound by a VALUES block
    on the WHERE line) and with the project's prefixes added on a line before it."""
    header = "#+ summary: organisations of a state\n#+ param: state state -- the state\n"
    query = tmp_path / "q.rq"
    query.write_text(header + body, encoding="utf-8")
    with pytest.raises(QueryError) as as_text:
        run_query(memory_store, body)
    with pytest.raises(QueryError) as as_file:
        run_query(memory_store, str(query), {"state": "New Zealand"})
    import re

    text_line, text_column = map(int, re.search(r"line (\d+), column (\d+)", str(as_text.value)).groups())
    file_line, file_column = map(int, re.search(r"line (\d+), column (\d+)", str(as_file.value)).groups())
    assert (file_line, file_column) == (text_line + 2, text_column)
    assert str(as_file.value).split(": ", 1)[1] == str(as_text.value).split(": ", 1)[1]


def test_a_user_file_without_a_header_says_how_to_declare_parameters(memory_store, tmp_path):
    query = tmp_path / "plain.rq"
    query.write_text("SELECT ?org WHERE { ?m al:member ?state ; al:organization/al:code ?org }\n")
    with pytest.raises(UsageError, match=r"declare them in the query's header, e.g. '#\+ param: state state"):
        run_query(memory_store, str(query), {"state": "NZL"})


@pytest.mark.parametrize("day, words", [("2030", "is after"), ("1800", "is before")])
def test_a_day_outside_the_data_warns(kg, day, words):
    result = kg("query", "members", "-p", "org", "NATO", "--at", day)
    assert result.exit_code == 0
    assert f"warning: {day}-12-31 {words} " in result.stderr
    analysed = kg("analyse", "centrality", "--at", day, "--format", "csv")
    assert f"warning: {day}-12-31 {words} " in analysed.stderr


def test_a_day_inside_the_data_does_not_warn(kg):
    assert "warning" not in kg("query", "members", "-p", "org", "NATO", "--at", "1990").stderr
