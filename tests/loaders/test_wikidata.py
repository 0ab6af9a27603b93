"""The Wikidata importer: P463 ("member of") statements from saved SPARQL JSON results."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import DataError
from kg.importer import read_file
from kg.loaders.importing import ImportContext
from kg.loaders.wikidata import load_wikidata
from kg.vocab import mint

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
FIXTURE = FIXTURES / "wikidata-p463.json"
ITEMS = {"Q7184": mint("org", "NATO"), "Q99999001": mint("org", "TEST-PACT"), "Q31": mint("state", "BEL"),
         "Q41": mint("state", "GRC"), "Q43": mint("state", "TUR"), "Q183": mint("state", "DEU")}


def load(path: Path, items: dict = ITEMS):
    issues = []
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    context = ImportContext(graph=ox.NamedNode("https://example.org/graph"), report=issues.append,
                            wikidata=items, checksum=checksum)
    return load_wikidata(path, context), issues, checksum


def test_fixture_gives_exactly_the_expected_triples():
    loaded, issues, checksum = load(FIXTURE)
    text = (FIXTURES / "wikidata-p463.ttl").read_text(encoding="utf-8").replace("SHA12", checksum[:12])
    expected = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in ox.parse(text, format=ox.RdfFormat.TURTLE)}
    assert {str(ox.Triple(q.subject, q.predicate, q.object)) for q in loaded.quads} == expected
    assert [str(issue) for issue in issues] == [
        f"{FIXTURE}:8: member Q12345 (Somewhere) is not a state or organisation of the project "
        "(no al:wikidata match)",
        f"{FIXTURE}:10: start 1900-01-01T00:00:00Z has precision 7, coarser than a year: the date is left out",
        f"{FIXTURE}:12: GRC is not an organisation of the project",
        f"{FIXTURE}:13: end 1960 is not after start 1970",
        f"{FIXTURE}:14: member 'Atlantis' is not a Wikidata item",
    ]
    assert loaded.counts == {"memberships": 6}


def test_items_are_matched_through_the_curated_wikidata_ids():
    result = read_file("wikidata", FIXTURE)
    members = {(q.subject.value, q.object.value) for q in result.quads if q.predicate.value.endswith("#member")}
    nato = {m for s, m in members if "/NATO-" in s}
    assert {mint("state", c).value for c in ("BEL", "GRC", "TUR", "DEU")} <= nato
    # TEST-PACT (Q99999001) is nowhere in the project: those results are reported.
    assert any(": org Q99999001 is not a state or organisation" in str(i) for i in result.issues)


def test_pretty_printed_results_are_reported_with_their_lines(tmp_path):
    data = json.loads(FIXTURE.read_text())
    data["results"]["bindings"] = data["results"]["bindings"][4:5]  # the unmatched item
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(data, indent=2))
    _, issues, _ = load(path)
    lines = path.read_text().splitlines()
    opening = lines.index('    "bindings": [') + 2  # the line after it (1-based): the result's "{"
    assert lines[opening - 1].strip() == "{"
    assert [issue.line for issue in issues] == [opening]


@pytest.mark.parametrize(("content", "message"), [
    ('{"head": {"vars": ["member"]}, "results": {"bindings": []}}', r"lacks the variable\(s\) org"),
    ('{"results": []}', "not a SPARQL JSON result"),
    ('{\n  "head": ,\n}', r"wikidata.json:2: not JSON"),
])
def test_a_file_that_is_not_a_p463_result_is_refused(tmp_path, content, message):
    path = tmp_path / "wikidata.json"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        load(path)
