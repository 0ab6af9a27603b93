"""The query catalogue: every entry parses, has a summary, and returns its contract columns."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.catalogue import catalogue, parse_entry
from kg.errors import QueryError
from kg.query import _with_values, run_query

# The contract's required entries (../shared/CONTRACT.md) with exactly these columns.
REQUIRED = {
    "states": ["state", "name", "iso2", "wikidata", "region"],
    # the contract's columns, then (allowed after them) the other roles counted apart
    "organizations": ["org", "name", "kind", "founded", "dissolved", "members", "associates",
                      "observers", "partners"],
    "members": ["member", "name", "role", "start", "end"],
    "memberships": ["org", "name", "role", "start", "end"],
    "partners": ["partner", "name", "framework", "status", "start", "end"],
    "partnerships": ["with", "framework", "status", "start", "end", "topics"],
    "shared-memberships": ["org", "name", "since"],
    "timeline": ["date", "kind", "with", "description", "source"],
    "events": ["event", "name", "start", "end", "place"],
    "participants": ["participant", "name", "role"],
    "topics": ["topic", "label", "with"],
    "sources": ["statement", "source", "publisher", "title", "published", "url"],
}
SAMPLE_PARAMS = {"org": "NATO", "state": "NZL", "a": "USA", "b": "FRA", "event": "NATO-SUMMIT-2022-MADRID",
                 "subject": "NZL"}


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_entry_is_valid_sparql_with_a_summary(name):
    entry = catalogue()[name]
    assert entry.summary
    assert entry.columns, "the header lists the columns"
    # Parsed once here by an independent parser, with parameters bound as at run time.
    prepareQuery(_with_values(entry.text, {p.name: None for p in entry.parameters}))


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_entries_return_their_contract_columns(memory_store, name):
    entry = catalogue()[name]
    assert list(entry.columns) == REQUIRED[name]
    params = {p.name: SAMPLE_PARAMS[p.name] for p in entry.parameters if not p.optional}
    if name == "memberships":
        params["state"] = "USA"  # New Zealand is a partner, not a member, of anything shipped yet
    result = run_query(memory_store, name, params)
    assert result.columns == REQUIRED[name]
    assert result.rows, f"{name} returns rows on the shipped data"


@pytest.mark.parametrize(
    "header",
    [
        "#+ sumary: typo\nSELECT * WHERE { ?s ?p ?o }",
        "#+ summary: x\n#+ param: org organisation\nSELECT * WHERE { ?s ?p ?o }",
        "#+ summary: x\n#+ param: org\nSELECT * WHERE { ?s ?p ?o }",
        "#+ description: no summary\nSELECT * WHERE { ?s ?p ?o }",
        "#+ summary: x\n#+ param: a date\n#+ param: a date\nSELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_a_malformed_header_is_an_error(header):
    with pytest.raises(QueryError):
        parse_entry(header, name="bad")


# ---------------------------------------------------------------------------------------------
# The `# @values` marker: more places for the parameters' VALUES block
# ---------------------------------------------------------------------------------------------

MARKED = """#+ summary: marked
#+ param: org org
#+ param: at date optional
#+ columns: m
PREFIX al: <https://w3id.org/alignment-kg/ontology#>
SELECT ?m
{
  {
    SELECT ?m WHERE {
      ?m al:organization ?org .
      OPTIONAL {
        # @values
        ?m al:start ?s FILTER(?s <= ?at)
      }
    }
  }
  FILTER NOT EXISTS {
      # @values
    ?m al:end ?e FILTER(?e <= ?at)
  }
}
"""


def test_the_values_block_lands_in_each_marked_place():
    import pyoxigraph as ox

    entry = parse_entry(MARKED, name="marked")
    org = ox.NamedNode("https://w3id.org/alignment-kg/id/org/NATO")
    text = _with_values(entry.text, {"org": org, "at": None})
    block = "VALUES (?org ?at) { (<https://w3id.org/alignment-kg/id/org/NATO> UNDEF) }"
    assert "@values" not in text
    assert text.count(block) == 3
    lines = text.splitlines()
    # After the first `WHERE {`, then in place of each marker, with the marker's indentation.
    assert lines[lines.index("    SELECT ?m WHERE {") + 1].strip() == block
    assert "        " + block in lines
    assert "      " + block in lines
    assert len(lines) == len(MARKED.splitlines()) + 2  # only the first block adds lines
    prepareQuery(text)


def test_a_marked_parameter_is_still_bound_as_a_plain_value(memory_store):
    entry = parse_entry("#+ summary: echo\n#+ param: label string\n#+ columns: x, y\n"
                        "SELECT ?x ?y WHERE {\n  BIND(?label AS ?x)\n  OPTIONAL {\n    # @values\n"
                        "    BIND(STRLEN(?label) AS ?y)\n  }\n}\n", name="echo")
    hostile = '" ) } } ; DROP ALL ; INSERT DATA { <x:a> <x:b> <x:c> } #\n    # @values\n'
    size = len(memory_store)
    result = run_query(memory_store, entry, {"label": hostile})
    assert result.rows == [[hostile, len(hostile)]]
    assert len(memory_store) == size


def _without_markers(text):
    return "\n".join(line for line in text.splitlines() if line.strip() != "# @values") + "\n"


MARKED_SAMPLES = {
    "joiners": [{"from": "2000", "to": "2024"}, {"org": "NATO", "from": "1949", "to": "2024"}],
    "leavers": [{"from": "2000", "to": "2024"}, {"org": "NATO", "from": "1949", "to": "2024"},
                {"org": "EU", "from": "1900", "to": "2030"}],
    "organizations-left": [{"state": "FRA"}, {"state": "USA"}, {"state": "GBR"}],
    "partners": [{"org": "NATO"}, {"org": "NATO", "at": "2010"}, {"org": "NATO", "at": "1995"}],
    "non-member-partners": [{"org": "NATO"}, {"org": "NATO", "at": "2000"}, {"org": "EU"}],
    "partnerships": [{"state": "NZL"}, {"state": "NZL", "at": "2010"}, {"state": "UKR"}],
    "timeline": [{"state": "NZL"}, {"state": "FRA"}],
    "members-of-both": [{"a": "NATO", "b": "EU"}, {"a": "NATO", "b": "EU", "at": "1990"}],
}
# Entries whose markers bind a parameter in a group outside the scope of the first `WHERE {`
# (`shared-memberships` binds ?at in the two subqueries that find each state's current unbroken
# run, and the gaps in it;
# `indo-pacific-partners` binds ?at and ?regions in the innermost query, which finds the partners;
# `single-source` and `year-precision` test whether `state` was given in two UNION branches):
# without the markers the variable would be free there, so they are part of the query's meaning,
# not only its speed.
SCOPED_BY_MARKERS = {"shared-memberships", "indo-pacific-partners",
                     "single-source", "year-precision"}


@pytest.mark.parametrize("name", sorted(n for n, e in catalogue().items()
                                         if "# @values" in e.text and n not in SCOPED_BY_MARKERS))
def test_a_marked_entry_answers_as_without_its_markers(memory_store, name):
    entry = catalogue()[name]
    plain = parse_entry(_without_markers(entry.text), name=name)
    assert plain.text != entry.text
    samples = MARKED_SAMPLES.get(name)
    assert samples, f"add parameter samples for {name} to MARKED_SAMPLES"
    for params in samples:
        marked, unmarked = run_query(memory_store, entry, params), run_query(memory_store, plain, params)
        assert marked.columns == unmarked.columns
        assert sorted(map(repr, marked.rows)) == sorted(map(repr, unmarked.rows)), params


_HEAD = "#+ summary: x\n#+ param: org org\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_HEAD + "SELECT * WHERE {\n  # @values x\n  ?s ?p ?org }", "malformed marker"),
        (_HEAD + "SELECT * WHERE {\n  ?s ?p ?org # @values\n}", "malformed marker"),
        (_HEAD + "SELECT * WHERE {\n  # @value\n  ?s ?p ?org }", "malformed marker"),
        (_HEAD + "SELECT * WHERE {\n  #@VALUES\n  ?s ?p ?org }", "malformed marker"),
        ("#+ summary: x\n# @values\n#+ param: org org\nSELECT * WHERE { ?s ?p ?org }", "in the header"),
        (_HEAD + "PREFIX al: <x:>\n# @values\nSELECT * WHERE { ?s ?p ?org }", "outside any group"),
        (_HEAD + "SELECT * WHERE { ?s ?p ?org }\n# @values\n", "outside any group"),
        (_HEAD + "SELECT * WHERE {\n  ?s ?p ?org\n  MINUS {\n    # @values\n    ?s ?q ?org }\n}", "MINUS"),
        (_HEAD + "SELECT * WHERE {\n  ?s ?p ?org\n  MINUS { { \n    # @values\n    ?s ?q ?org } }\n}",
         "MINUS"),
        (_HEAD + "SELECT * WHERE {\n  VALUES ?s {\n    # @values\n    <x:a> }\n  ?s ?p ?org }", "VALUES block"),
        ("#+ summary: x\nSELECT * WHERE {\n  # @values\n  ?s ?p ?o }", "without parameters"),
        (_HEAD + 'SELECT * WHERE {\n  BIND("""a\n  # @values\n""" AS ?x) ?s ?p ?org }', "inside a string"),
    ],
)
def test_a_malformed_or_misplaced_marker_is_an_error(text, message):
    with pytest.raises(QueryError, match=message):
        parse_entry(text, name="bad")


def test_a_marker_may_sit_in_optional_union_exists_and_subqueries():
    text = (_HEAD + "SELECT * {\n  # @values\n  { SELECT ?s WHERE {\n    # @values\n    ?s ?p ?org } }\n"
            "  { # not a marker: @values\n    # @values\n    ?s ?p ?org } UNION {\n    # @values\n    ?s ?q ?org }\n"
            "  FILTER EXISTS {\n    # @values\n    ?s ?p ?org }\n  GRAPH ?g {\n    # @values\n    ?s ?p ?org }\n}\n")
    entry = parse_entry(text, name="ok")
    import pyoxigraph as ox

    bound = _with_values(entry.text, {"org": ox.Literal("x")})
    assert bound.count('VALUES (?org) { ("x") }') == 7
    prepareQuery(bound)
