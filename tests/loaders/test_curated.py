"""The curated-table loader on good and bad rows: exact triples, and one error with file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import read_ontology, read_vocabulary
from kg.errors import DataError
from kg.loaders.curated import load_curated
from kg.resources import data_dir
from kg.vocab import AL, ID

MEMBERSHIPS = "org,member,role,start,end,source,note\n"


def load(extra: Path):
    vocabulary = read_vocabulary(read_ontology())
    return load_curated([(data_dir(), "curated"), (extra, "extra")], vocabulary)


def write(directory: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_row_gives_exactly_its_triples(tmp_path):
    write(tmp_path, "memberships.csv", MEMBERSHIPS + "NATO,NZL,observer,2030-02,2031,natowatch-2012-06-04,\n")
    quads = load(tmp_path).quads
    iri = f"{ID}membership/NATO-NZL-2030-02"
    graph = "https://w3id.org/alignment-kg/graph/data/extra"
    got = {(q.predicate.value, str(q.object)) for q in quads if q.subject.value == iri}
    assert all(q.graph_name.value == graph for q in quads if q.subject.value == iri)
    xsd = "http://www.w3.org/2001/XMLSchema#date"
    assert got == {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{AL}Membership>"),
        (AL + "organization", f"<{ID}org/NATO>"),
        (AL + "member", f"<{ID}state/NZL>"),
        (AL + "role", f"<{ID}role/observer>"),
        (AL + "start", f'"2030-02-01"^^<{xsd}>'),
        (AL + "startPrecision", f"<{AL}month>"),
        (AL + "end", f'"2031-01-01"^^<{xsd}>'),
        (AL + "endPrecision", f"<{AL}year>"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", f"<{ID}source/natowatch-2012-06-04>"),
    }


def test_bom_and_crlf_are_accepted(tmp_path):
    text = "\ufeff" + MEMBERSHIPS.replace("\n", "\r\n") + "NATO,NZL,observer,2030,,natowatch-2012-06-04,\r\n"
    write(tmp_path, "memberships.csv", text)
    assert any(q.subject.value.endswith("NATO-NZL-2030") for q in load(tmp_path).quads)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("NATO,XYZ,member,2030,,natowatch-2012-06-04,", "unknown state or org code 'XYZ' in column 'member'"),
        ("NATO,NZL,member,2030-02-30,,natowatch-2012-06-04,", "column 'start': impossible date '2030-02-30'"),
        ("NATO,NZL,member,2030-05,2030-01,natowatch-2012-06-04,", "end 2030-01 is not after start 2030-05"),
        ("NATO,NZL,member,2030,,,", "no source: every fact must name one or more ids from sources.csv"),
        ("NATO,NZL,ally,2030,,natowatch-2012-06-04,", "role 'ally' is not one of"),
        ("NATO,NZL,member,2030,,no-such-source,", "unknown source code 'no-such-source'"),
        ("NATO,NZL,member,30 June 2030,,natowatch-2012-06-04,", "malformed date '30 June 2030'"),
        ("NATO,NZL,member,2030", "expected 7 cells, found 4"),
    ],
)
def test_a_bad_row_is_one_error_naming_file_and_line(tmp_path, row, message):
    path = write(tmp_path, "memberships.csv", MEMBERSHIPS + "NATO,NZL,observer,2029,2030,natowatch-2012-06-04,\n" + row + "\n")
    with pytest.raises(DataError) as caught:
        load(tmp_path)
    assert str(caught.value).startswith(f"{path}:3: ")
    assert message in str(caught.value)


def test_duplicate_codes_are_refused(tmp_path):
    path = write(tmp_path, "organizations.csv", "code,name,kind,source\nNATO,Again,forum,wikidata\n")
    with pytest.raises(DataError, match=r":2: duplicate org code 'NATO'") as caught:
        load(tmp_path)
    assert caught.value.file == str(path)


def test_unknown_columns_and_bad_encoding(tmp_path):
    write(tmp_path, "memberships.csv", MEMBERSHIPS.replace("note", "notes"))
    with pytest.raises(DataError, match=r"memberships.csv:1: unknown column\(s\): notes"):
        load(tmp_path)
    write(tmp_path, "memberships.csv", MEMBERSHIPS + "NATO,NZL,observer,2030,,natowatch-2012-06-04,Zürich\n", encoding="latin-1")
    with pytest.raises(DataError, match=r"memberships.csv:\d+: not UTF-8 text"):
        load(tmp_path)


def test_control_characters_are_refused(tmp_path):
    write(tmp_path, "memberships.csv", MEMBERSHIPS + "NATO,NZL,observer,2030,,natowatch-2012-06-04,a\x01b\n")
    with pytest.raises(DataError, match=r":2: character U\+0001 is not allowed"):
        load(tmp_path)


def test_formula_strings_are_kept_as_text(tmp_path):
    write(tmp_path, "memberships.csv", MEMBERSHIPS + 'NATO,NZL,observer,2030,,natowatch-2012-06-04,"=HYPERLINK(""http://x"",""y"")"\n')
    notes = [q.object for q in load(tmp_path).quads if q.predicate.value == AL + "note"
             and q.subject.value.endswith("NATO-NZL-2030")]
    assert notes == [ox.Literal('=HYPERLINK("http://x","y")', language="en")]


def test_missing_data_directory(tmp_path):
    with pytest.raises(DataError, match="data directory not found"):
        load(tmp_path / "absent")
