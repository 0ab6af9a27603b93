"""`kg import`: one named graph per imported file with its provenance, replaced on re-import,
problems reported with their lines (fatal with --strict), and the catalogue on imported data."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import import_into, shared_path

from kg.cli import main
from kg.errors import UsageError
from kg.graphs import is_metadata_graph
from kg.importer import import_file, import_graph
from kg.query import run_query
from kg.store import open_store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
ATOP = FIXTURES / "atop-members.csv"
GRAPH = "https://w3id.org/alignment-kg/graph/import/atop/atop-members.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A directory store built from the packaged data (not validated: the imports are under test)."""
    from kg.build import build

    path = tmp_path_factory.mktemp("import") / "built"
    build(str(path), validate=False)
    return path


@pytest.fixture
def store_copy(built, tmp_path) -> Path:
    """A private copy of the built store, for tests that write."""
    path = tmp_path / "store"
    shutil.copytree(built, path, symlinks=True)
    return path


def graph_contents(location: Path) -> dict[str, bytes]:
    """Every data graph of a store (not the derived graph, a function of them) as sorted N-Triples."""
    store = open_store(str(location))
    try:
        return {graph: b"\n".join(sorted(store.graph_ntriples(graph).splitlines()))
                for graph, _ in store.named_graphs() if not is_metadata_graph(graph)}
    finally:
        store.close()


def test_the_graph_of_an_imported_file_says_what_it_is(tmp_path):
    location = tmp_path / "new-store"  # a missing directory: a store holding only the import
    result = import_into("atop", ATOP, str(location))
    assert result.graph == GRAPH == import_graph("atop", ATOP).value
    store = open_store(str(location))
    assert [graph for graph, _ in store.named_graphs() if not is_metadata_graph(graph)] == [GRAPH]
    about = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in store.quads(GRAPH)
             if q.subject.value == GRAPH}
    checksum = hashlib.sha256(ATOP.read_bytes()).hexdigest()
    assert result.checksum == checksum
    g = f"<{GRAPH}>"
    assert about == {
        f"{g} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/alignment-kg/ontology#Dataset>",
        f'{g} <http://www.w3.org/2000/01/rdf-schema#label> "atop-members.csv (atop import)"@en',
        f'{g} <http://purl.org/dc/terms/title> "Alliance Treaty Obligations and Provisions (ATOP), member level"',
        f'{g} <http://www.w3.org/2002/07/owl#versionInfo> "4.01"',
        f'{g} <https://w3id.org/alignment-kg/ontology#importedWith> "atop"',
        f'{g} <https://w3id.org/alignment-kg/ontology#fileName> "atop-members.csv"',
        f'{g} <https://w3id.org/alignment-kg/ontology#sha256> "{checksum}"',
        f"{g} <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/alignment-kg/id/source/atop-v4.01>",
    }
    store.close()


def test_re_importing_replaces_its_graph_and_changes_nothing_else(store_copy, tmp_path):
    import_into("cow-states", FIXTURES / "states2024.csv", str(store_copy))
    import_into("atop", ATOP, str(store_copy))
    before = graph_contents(store_copy)
    import_into("atop", ATOP, str(store_copy))  # the same file again: the same store
    assert graph_contents(store_copy) == before
    # A changed file of the same name: its graph is replaced, every other graph stays as it was.
    changed = tmp_path / "atop-members.csv"
    changed.write_text("".join(line for line in ATOP.read_text().splitlines(keepends=True)
                               if not line.startswith("9001,")))
    result = import_into("atop", changed, str(store_copy))
    after = graph_contents(store_copy)
    assert result.graph == GRAPH
    assert {g: c for g, c in after.items() if g != GRAPH} == {g: c for g, c in before.items() if g != GRAPH}
    assert b"ATOP-9001" in before[GRAPH] and b"ATOP-9001" not in after[GRAPH]


def test_cli_imports_and_reports_problems_with_their_lines(runner, tmp_path):
    location = tmp_path / "store"
    result = runner.invoke(main, ["import", "atop", str(ATOP), "--store", str(location)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kg: warning: {ATOP}:11: unknown COW state code 8152: no row in data/cow-states.csv",
        f"kg: warning: {ATOP}:12: bad date: month '13' is not 1-12",
        f"imported {ATOP} (Alliance Treaty Obligations and Provisions (ATOP), member level, version 4.01): "
        f"11 rows, 3 alliances, 8 memberships; 133 triples in graph <{GRAPH}>; 2 warning(s)",
    ]


def test_cli_strict_makes_problems_fatal_and_writes_nothing(runner, store_copy):
    before = graph_contents(store_copy)
    result = runner.invoke(main, ["import", "atop", str(ATOP), "--strict", "--store", str(store_copy)])
    assert result.exit_code == 1
    assert f"kg: warning: {ATOP}:11: unknown COW state code 8152" in result.stderr
    assert f"kg: error: {ATOP}: 2 problem(s), and --strict makes them errors: nothing was imported" in result.stderr
    assert graph_contents(store_copy) == before


def test_a_failed_import_into_a_missing_store_creates_nothing(runner, tmp_path):
    """The store is opened before the file is read, but a missing directory is only made by the
    write: an import that fails leaves no directory behind."""
    location = tmp_path / "new-store"
    result = runner.invoke(main, ["import", "atop", str(ATOP), "--strict", "--store", str(location)])
    assert result.exit_code == 1 and "nothing was imported" in result.stderr
    assert not location.exists()
    assert runner.invoke(main, ["import", "polity", str(ATOP), "--store", str(location)]).exit_code == 2
    assert not location.exists()


def test_cli_strict_passes_on_a_clean_file(runner, tmp_path):
    path = tmp_path / "states.csv"
    path.write_text("".join(line for line in (FIXTURES / "states2024.csv").read_text().splitlines(keepends=True)
                            if not line.startswith(("XYZ", "BAD"))))
    result = runner.invoke(main, ["import", "cow-states", str(path), "--strict", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_cli_usage_errors(runner, tmp_path):
    assert runner.invoke(main, ["import", "polity", str(ATOP), "--store", str(tmp_path / "s")]).exit_code == 2
    assert runner.invoke(main, ["import", "atop", str(tmp_path / "missing.csv")]).exit_code == 2
    with pytest.raises(UsageError):
        import_file("polity", ATOP, open_store("memory"))
    help_text = runner.invoke(main, ["import", "--help"]).stdout
    assert "kg import atop atop-v4.01-member-level.csv" in help_text


def test_cli_shows_a_progress_bar_for_long_files(runner, tmp_path):
    path = tmp_path / "igo.csv"
    lines = ["ccode,year,state,IGOA,IGOB"]
    lines += [f"{code},{year},S,1,{1 if year > 1990 else 0}" for code in (2, 20, 200, 220, 230)
              for year in range(1500, 2000)]
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(main, ["import", "cow-igo", str(path), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.stderr
    assert "reading igo.csv" in result.stderr  # click's bar: only its label when stderr is no terminal
    short = runner.invoke(main, ["import", "atop", str(ATOP), "--store", str(tmp_path / "s")])
    assert "reading" not in short.stderr


def test_import_into_memory_starts_from_the_packaged_data():
    result = import_file("atop", ATOP, open_store("memory"))
    graphs = dict(result.store.named_graphs())
    assert GRAPH in graphs and "https://w3id.org/alignment-kg/graph/curated" in graphs


# --- The catalogue on imported data -----------------------------------------------------------


@pytest.fixture(scope="module")
def with_atop_fixture(built, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("import") / "with-atop"
    shutil.copytree(built, path, symlinks=True)
    import_into("atop", ATOP, str(path))
    return path


def test_members_and_memberships_read_imported_spells(with_atop_fixture):
    store = open_store(str(with_atop_fixture))
    members = run_query(store, "members", {"org": "ATOP-9001"})
    assert [row[:1] + row[2:] for row in members.rows] == [
        ["CHN", "member", "1987-06", "1995-02-01"],
        ["SUN", "member", "1987-06", "1991-12-26"],
        ["RUS", "member", "1991-12-26", "1995-02-01"],
    ]
    hanover = run_query(store, "memberships", {"state": "XHAN"})
    assert [row[0] for row in hanover.rows] == ["ATOP-9002", "ATOP-9002"]
    assert [row[3:] for row in hanover.rows] == [["1815-01-03", "1815-02-08"], ["1815-02-08", "1816-03-01"]]


def test_source_disagreements_side_by_side_on_the_fixture(with_atop_fixture):
    store = open_store(str(with_atop_fixture))
    result = run_query(store, "source-disagreements", {"org": "NATO"})
    assert result.columns == ["org", "member", "start_a", "end_a", "source_a", "start_b", "end_b", "source_b"]
    assert result.rows == [
        ["NATO", "USA", "1949-08-24", None, "abcclio-north-atlantic-treaty; mfa-gr-nato", "1949-04-04", None,
         "atop-v4.01"],
        ["NATO", "GRC", "1952-02-18", None, "nato-grc-tur-2012-02-18", "1951-10-22", None, "atop-v4.01"],
        ["NATO", "DEU", "1955-05-06", None, "nato-deu-erdmann-2015-06-03", "1954-10-23", None, "atop-v4.01"],
    ]


def test_source_disagreements_show_atop_and_curated_dates_for_natos_later_members(built, tmp_path):
    """Acceptance: on the curated data and the real ATOP file, every NATO member from 1952 on that
    ATOP has is listed with the curated accession date beside ATOP's protocol signature date."""
    path = tmp_path / "store"
    shutil.copytree(built, path, symlinks=True)
    import_into("atop", shared_path("datasets", "atop-v4.01-member-level.csv"), str(path))
    store = open_store(str(path))
    rows = {row[1]: row for row in run_query(store, "source-disagreements", {"org": "NATO"}).rows}
    in_atop = {s["m"].value for s in store.query(f"""PREFIX al: <https://w3id.org/alignment-kg/ontology#>
        SELECT ?m WHERE {{ GRAPH <{import_graph("atop", "atop-v4.01-member-level.csv").value}> {{
          ?x al:organization <https://w3id.org/alignment-kg/id/org/NATO> ; al:member ?s }} ?s al:code ?m }}""")}
    curated = {row[0] for row in run_query(store, "members", {"org": "NATO"}).rows if row[3] >= "1952"}
    later = {member: (row[2], row[4], row[5], row[7]) for member, row in rows.items() if member in curated}
    assert set(later) == curated & in_atop and len(later) == 17  # ATOP 4.01 ends before North Macedonia
    assert later["GRC"] == ("1952-02-18", "nato-grc-tur-2012-02-18", "1951-10-22", "atop-v4.01")
    assert later["ESP"][0::2] == ("1982-05-30", "1981-12-10")
    assert later["MNE"][0::2] == ("2017-06-05", "2016-05-19")
    assert all(source_b == "atop-v4.01" and start_b < start_a for start_a, _, start_b, source_b in later.values())


def test_wikidata_items_are_matched_through_the_store(store_copy):
    result = import_into("wikidata", FIXTURES / "wikidata-p463.json", str(store_copy))
    store = open_store(str(store_copy))
    members = run_query(store, "members", {"org": "NATO"}).rows
    wikidata = [row for row in members if row[3] in ("1952", "1952-02")]
    assert [row[0] for row in wikidata] == ["GRC", "TUR"]
    unmatched = [i.line for i in result.issues if "is not a state or organisation of the project" in i.message]
    assert unmatched == [8, 9, 10, 13]  # Q12345, and Q99999001 (no project organisation) three times
