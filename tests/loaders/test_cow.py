"""The Correlates of War importers (alliances, IGO, state list) and the COW code table."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import shared_path
from kg.build import read_ontology, read_vocabulary
from kg.dates import parse_date
from kg.errors import DataError
from kg.importer import read_file
from kg.loaders.csvtable import read_table
from kg.loaders.curated import load_curated
from kg.loaders.statecodes import StateCodes
from kg.resources import data_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
AL = "https://w3id.org/alignment-kg/ontology#"
ID = "https://w3id.org/alignment-kg/id/"


def graph_triples(result) -> set[str]:
    """The triples of an imported graph, without those about the graph itself."""
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in result.quads if q.subject.value != result.graph}


def expected_triples(name: str) -> set[str]:
    return {str(ox.Triple(q.subject, q.predicate, q.object))
            for q in ox.parse(path=str(FIXTURES / name), format=ox.RdfFormat.TURTLE)}


# --- Fixtures in each layout: exact triples --------------------------------------------------


def test_alliances_fixture_gives_exactly_the_expected_triples():
    path = FIXTURES / "alliance_v4.1_by_member.csv"
    result = read_file("cow-alliances", path)
    assert graph_triples(result) == expected_triples("alliance_v4.1_by_member.ttl")
    assert [str(issue) for issue in result.issues] == [
        f"{path}:8: no end date and right_censor is not 1: read as in force",
        f"{path}:9: no end date and right_censor is not 1: read as in force",
        f"{path}:9: unknown COW state code 999: no row in data/cow-states.csv",
        f"{path}:10: bad date: impossible date 1990-2-31: day is out of range for month",
    ]
    assert result.counts == {"alliances": 4, "memberships": 7}


def test_igo_fixture_gives_exactly_the_expected_triples():
    path = FIXTURES / "state_year_formatv3.csv"
    result = read_file("cow-igo", path)
    assert graph_triples(result) == expected_triples("state_year_formatv3.ttl")
    assert sorted(str(issue) for issue in result.issues) == [
        f"{path}:17: status not one of 1, 2, 3, 0, -9, -1 in AAAID: read as none",
        f"{path}:18: ccode 20 has a second row for 1992: left out",
        f"{path}:19: unknown COW state code 3: no row in data/cow-states.csv",
    ]
    assert result.counts == {"organisations": 3, "memberships": 10}
    assert result.dataset.version == "3"  # from the file name: no version column


def test_states_fixture_gives_exactly_the_expected_triples():
    path = FIXTURES / "states2024.csv"
    result = read_file("cow-states", path)
    assert graph_triples(result) == expected_triples("states2024.ttl")
    assert [str(issue) for issue in result.issues] == [
        f"{path}:10: unknown COW state code 1: no row in data/cow-states.csv",
        f"{path}:11: bad date: impossible date 1900-2-30: day is out of range for month",
    ]


def test_strict_refuses_a_file_with_problems():
    with pytest.raises(DataError, match=r"states2024.csv: 2 problem\(s\), and --strict"):
        read_file("cow-states", FIXTURES / "states2024.csv", strict=True)


def test_an_igo_file_without_ccode_is_refused(tmp_path):
    path = tmp_path / "igo.csv"
    path.write_text("country,year,UN\nUSA,1990,1\n")
    with pytest.raises(DataError, match=r"igo.csv:1: missing column\(s\): ccode"):
        read_file("cow-igo", path)


# --- The real COW state list ------------------------------------------------------------------


def test_the_2024_state_list_links_every_cow_code_to_a_state_strictly():
    path = shared_path("datasets", "cow-statelist2024.csv")
    result = read_file("cow-states", path, strict=True)
    assert result.issues == []
    with open(path, newline="") as handle:
        codes = {int(row["ccode"]) for row in csv.DictReader(handle)}
    assert len(codes) == 217
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in result.quads)
    linked = {int(s["c"].value) for s in store.query(
        f"SELECT DISTINCT ?c WHERE {{ ?x <{AL}cowStateCode> ?c ; <{AL}systemMember> ?s }}")}
    assert linked == codes
    # Every state linked to is a state of the curated data.
    targets = {s["s"].value for s in store.query(f"SELECT DISTINCT ?s WHERE {{ ?x <{AL}systemMember> ?s }}")}
    assert targets <= curated_states()


def test_the_state_list_cuts_codes_where_they_change_meaning():
    result = read_file("cow-states", shared_path("datasets", "cow-statelist2024.csv"))
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in result.quads)
    rows = [(s["state"].value.rsplit("/", 1)[1], s["start"].value, s["end"].value if s["end"] else None)
            for s in store.query(f"""SELECT ?state ?start ?end WHERE {{ ?x <{AL}cowStateCode> 365 ;
                <{AL}systemMember> ?state ; <{AL}start> ?start OPTIONAL {{ ?x <{AL}end> ?end }} }} ORDER BY ?start""")]
    assert rows == [("XRUE", "1816-01-01", "1922-12-30"), ("SUN", "1922-12-30", "1991-12-26"),
                    ("RUS", "1991-12-26", None)]


# --- The tables the importers read ------------------------------------------------------------


def curated() -> list[ox.Quad]:
    return load_curated([(data_dir(), "curated")], read_vocabulary(read_ontology())).quads


def curated_states() -> set[str]:
    return {q.subject.value for q in curated()
            if q.predicate.value.endswith("#type") and q.object.value in (AL + "State", AL + "Territory")}


def test_cow_state_table_names_only_curated_states_and_sources():
    table = StateCodes.packaged()
    assert {ID + "state/" + code for code in table.states()} <= curated_states()
    sources = {q.object.value for q in curated() if q.predicate.value == AL + "code"}
    for path in (data_dir() / "cow-states.csv", data_dir() / "import-organizations.csv"):
        for row in read_table(path, required=("source",), optional=tuple(
                next(csv.reader(path.open()))) ):
            for source in row.get("source").split(";"):
                assert source.strip() in sources, f"{row.file}:{row.line}: unknown source {source!r}"


def test_cow_state_table_covers_the_2024_list_with_its_letter_codes_and_names():
    path = shared_path("datasets", "cow-statelist2024.csv")
    table = StateCodes.packaged()
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            periods = table.periods(int(row["ccode"]))
            assert periods, f"COW code {row['ccode']} is not in data/cow-states.csv"
            assert (row["stateabb"], row["statenme"]) in {(p.abbreviation, p.name) for p in periods}


def test_import_organization_table_names_curated_organisations():
    orgs = {q.object.value for q in curated() if q.predicate.value == AL + "code"
            and q.subject.value.startswith(ID + "org/")}
    for row in read_table(data_dir() / "import-organizations.csv", required=("dataset", "id", "org", "source"),
                          optional=("note",)):
        assert row.get("org") in orgs, f"{row.file}:{row.line}"


def test_historical_states_have_their_project_codes_and_periods():
    quads = curated()
    ends = {q.subject.value.rsplit("/", 1)[1]: q.object.value for q in quads if q.predicate.value == AL + "end"
            and q.subject.value.startswith(ID + "state/X")}
    assert ends["XBAV"] == "1871-01-19" and ends["XHAN"] == "1866-07-27" and ends["XPAP"] == "1860-11-06"
    assert {"XBAV", "XHAN", "XBAD", "XWRT", "XSAX", "XHSE", "XHSG", "XMEC", "XMOD", "XPMA", "XPAP",
            "XSIC", "XTUS"} <= set(ends)


@pytest.mark.parametrize(("code", "start", "end", "expected", "gaps"), [
    # A year spell of 255 in 1990: Germany from 1990-10-03 (the gap is within the year).
    (255, "1990", "1991", [("DEU", "1990-10-03", "1991")], []),
    # 255 between 1945 and 1990 names no state.
    (255, "1950-01-01", "1960-01-01", [], [("1950-01-01", "1960-01-01")]),
    (255, "1870-08-09", "1872-05-10", [("XPRU", "1870-08-09", "1871-01-18"), ("XGER", "1871-01-18", "1872-05-10")], []),
    (345, "1990", None, [("YUG", "1990", "1992-04-27"), ("SCG", "1992-04-27", "2006-06-05"),
                         ("SRB", "2006-06-05", None)], []),
    (2, "1800", None, [("USA", "1800", None)], []),
])
def test_a_spell_is_cut_where_its_code_changes_meaning(code, start, end, expected, gaps):
    pieces, found = StateCodes.packaged().split(code, parse_date(start), parse_date(end) if end else None)
    assert [(p.state, str(p.start), str(p.end) if p.end else None) for p in pieces] == expected
    assert [(str(a), str(b)) for a, b in found] == gaps
