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
    "organizations": ["org", "name", "kind", "founded", "dissolved", "members"],
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
