"""The ATOP importer: exact triples from a fixture, and the real v4.01 member-level file."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import shared_path
from kg.errors import DataError
from kg.importer import read_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
AL = "https://w3id.org/alignment-kg/ontology#"
NATO = "https://w3id.org/alignment-kg/id/org/NATO"


def graph_triples(result) -> set[str]:
    """The triples of an imported graph, without those about the graph itself."""
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in result.quads if q.subject.value != result.graph}


def expected_triples(name: str) -> set[str]:
    return {str(ox.Triple(q.subject, q.predicate, q.object))
            for q in ox.parse(path=str(FIXTURES / name), format=ox.RdfFormat.TURTLE)}


def test_fixture_gives_exactly_the_expected_triples():
    path = FIXTURES / "atop-members.csv"
    result = read_file("atop", path)
    assert graph_triples(result) == expected_triples("atop-members.ttl")
    assert [str(issue) for issue in result.issues] == [
        f"{path}:11: unknown COW state code 8152: no row in data/cow-states.csv",
        f"{path}:12: bad date: month '13' is not 1-12",
    ]
    assert result.counts == {"alliances": 3, "memberships": 8}
    assert result.dataset.version == "4.01"


def test_strict_makes_every_problem_an_error():
    with pytest.raises(DataError, match=r"2 problem\(s\), and --strict makes them errors") as error:
        read_file("atop", FIXTURES / "atop-members.csv", strict=True)
    assert "atop-members.csv:11: unknown COW state code 8152" in str(error.value)


def test_a_file_without_an_obligation_column_is_refused(tmp_path):
    path = tmp_path / "atop.csv"
    rows = (FIXTURES / "atop-members.csv").read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 3)[0] for line in rows[:2]) + "\n")
    with pytest.raises(DataError, match=r"atop.csv:1: missing column\(s\): consul"):
        read_file("atop", path)


@pytest.fixture(scope="module")
def real_atop():
    path = shared_path("datasets", "atop-v4.01-member-level.csv")
    result = read_file("atop", path)
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in result.quads)
    return path, result, store


def _rows(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(t.value if t is not None else None for t in row)
            for row in store.query(f"PREFIX al: <{AL}>\n{query}")]


def test_real_file_yields_all_745_alliances_with_members_and_obligations(real_atop):
    path, result, store = real_atop
    with open(path, newline="") as handle:
        atopids = {row["atopid"] for row in csv.DictReader(handle)}
    assert len(atopids) == 745
    imported = {row[0] for row in _rows(store, "SELECT ?id WHERE { ?a a al:Alliance ; al:atopId ?id }")}
    assert imported == atopids
    assert result.counts["alliances"] == 745
    without_members = _rows(store, """SELECT ?a WHERE { ?a a al:Alliance
        FILTER NOT EXISTS { ?m al:organization ?a } }""")
    assert without_members == []
    # The only problem: a member code that is no COW state code.
    assert [str(issue) for issue in result.issues] == [
        f"{path}:203: unknown COW state code 8152: no row in data/cow-states.csv"]


def test_obligations_agree_with_the_alliance_level_file(real_atop):
    """ATOP codes an alliance's obligation when any member has it: the union of the members'."""
    _, _, store = real_atop
    alliance_level = shared_path("datasets", "atop-v4.01-alliance-level.csv")
    columns = {"defense": "defence", "offense": "offence", "neutral": "neutrality",
               "nonagg": "non-aggression", "consul": "consultation"}
    with open(alliance_level, newline="") as handle:
        coded = {row["atopid"]: {code for column, code in columns.items() if row[column] == "1"}
                 for row in csv.DictReader(handle)}
    imported: dict[str, set[str]] = defaultdict(set)
    for atopid, duty in _rows(store, "SELECT ?id ?d WHERE { ?a al:atopId ?id ; al:obligation ?d }"):
        imported[atopid].add(duty.rsplit("/", 1)[1])
    assert {k: imported.get(k, set()) for k in coded} == coded


def test_natos_atop_record_is_the_projects_nato(real_atop):
    _, _, store = real_atop
    assert _rows(store, "SELECT ?a WHERE { ?a al:atopId '3180' }") == [(NATO,)]
    assert _rows(store, "SELECT ?o WHERE { ?o al:code 'ATOP-3180' }") == []
    members = _rows(store, f"""SELECT ?m ?s ?e WHERE {{ ?x al:organization <{NATO}> ; al:member ?m ; al:start ?s
        OPTIONAL {{ ?x al:end ?e }} }} ORDER BY ?s ?m""")
    assert len(members) == 29  # 12 founders and 17 later members, none of them ended (ATOP 4.01)
    assert members[0][1] == "1949-04-04" and all(end is None for _, _, end in members)
    spells = {m.rsplit("/", 1)[1]: s for m, s, _ in members}
    # ATOP dates accessions by the signature of the accession protocol.
    assert spells["GRC"] == spells["TUR"] == "1951-10-22"
    assert spells["DEU"] == "1954-10-23"  # COW 260 to 1990-10-03, then 255: one spell of Germany
    assert spells["MNE"] == "2016-05-19"
    obligations = _rows(store, f"SELECT ?d WHERE {{ <{NATO}> al:obligation ?d }} ORDER BY ?d")
    assert [d.rsplit("/", 1)[1] for (d,) in obligations] == ["consultation", "defence", "non-aggression"]


def test_codes_that_changed_meaning_are_cut_where_they_did(real_atop):
    _, _, store = real_atop
    rows = _rows(store, """SELECT ?m ?s ?e WHERE { ?x al:organization ?a ; al:member ?m ; al:start ?s
        OPTIONAL { ?x al:end ?e } ?a al:atopId '3440' } ORDER BY ?s""")
    pieces = [(m.rsplit("/", 1)[1], s, e) for m, s, e in rows]
    assert ("SUN", "1961-07-06", "1991-12-26") in pieces
    assert ("RUS", "1991-12-26", "1996-09-10") in pieces


@pytest.mark.parametrize(("version_column", "version"), [(True, "5.1"), (False, "5.1")])
def test_a_v5_member_file_has_the_same_core_columns(tmp_path, version_column, version):
    """ATOP 5.x (``atop5_1m.csv``): other columns around the same core; the version from the
    ``version`` column, else from the file name."""
    path = tmp_path / "atop5_1m.csv"
    header = "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,neutral,nonagg,consul,wartime"
    row = "3180,2,1949,4,4,0,0,0,1,0,0,1,1,0"
    if version_column:
        header, row = header + ",version", row + ",5.1"
    path.write_text(f"{header}\n{row}\n")
    result = read_file("atop", path)
    assert result.issues == []
    assert result.dataset.source_id == f"atop-v{version}"
    assert "<https://w3id.org/alignment-kg/id/membership/NATO-USA-1949-04-04-atop-v5.1> " \
           "<https://w3id.org/alignment-kg/ontology#member> <https://w3id.org/alignment-kg/id/state/USA>" \
           in graph_triples(result)
