"""Bad and adversarial curated tables through `kg build --data DIR`: each is one readable error
(file, line, what is wrong), exit 1, and the store is left as it was; adversarial but valid text
(a BOM, CRLF, formula-like cells) is kept as text, verbatim, in every output."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from reliability.support import content, one_error_line

pytestmark = pytest.mark.reliability

HEADER = "org,member,role,start,end,source,note\n"
GOOD = "NATO,NZL,observer,2029,2030,natowatch-2012-06-04,\n"
SOURCE = "natowatch-2012-06-04"


def row(start: str = "2031", *, org: str = "NATO", member: str = "NZL", role: str = "observer",
        end: str = "", source: str = SOURCE, note: str = "") -> str:
    return f"{org},{member},{role},{start},{end},{source},{note}\n"


#: (case, file name, bytes, line of the error, what the message says). Line None: the file.
CASES: list[tuple[str, str, bytes, int | None, str]] = [
    ("too few cells", "memberships.csv", (HEADER + GOOD + "NATO,NZL,member,2031\n").encode(), 3,
     "expected 7 cells, found 4"),
    ("too many cells", "memberships.csv", (HEADER + GOOD + row() .rstrip("\n") + ",extra\n").encode(), 3,
     "expected 7 cells, found 8"),
    ("Latin-1, not UTF-8", "memberships.csv", (HEADER + GOOD + row(note="Zürich")).encode("latin-1"), 3,
     "not UTF-8 text"),
    ("UTF-16", "memberships.csv", (HEADER + GOOD).encode("utf-16"), 1, "not UTF-8 text"),
    ("an encoded surrogate", "memberships.csv", (HEADER + GOOD).encode() + row(note="X").encode().replace(b"X", b"\xed\xa0\x80"),
     3, "not UTF-8 text"),
    ("an overlong encoding", "memberships.csv", (HEADER + GOOD).encode() + row(note="X").encode().replace(b"X", b"\xc0\xaf"),
     3, "not UTF-8 text"),
    ("a NUL byte", "memberships.csv", (HEADER + GOOD + row(note="a\x00b")).encode(), 3,
     "character U+0000 is not allowed in text"),
    ("an escape character", "memberships.csv", (HEADER + GOOD + row(note="\x1b[31mred")).encode(), 3,
     "character U+001B is not allowed in text"),
    ("U+FFFE", "memberships.csv", (HEADER + GOOD + row(note="a\ufffeb")).encode(), 3,
     "character U+FFFE is not allowed in text"),
    ("a huge cell", "memberships.csv", (HEADER + GOOD + row(note="x" * 100_001)).encode(), 3,
     "field larger than field limit (100000)"),
    ("a quote never closed", "memberships.csv",
     (HEADER + GOOD + row(note='"swallows the rest').rstrip("\n") + "\n" + row("2032")).encode(), 3,
     "a quoted cell is never closed"),
    ("an error after a cell on two lines", "memberships.csv",
     (HEADER + row("2029", note='"one\ntwo"') + "NATO,NZL,member\n").encode(), 4, "expected 7 cells, found 3"),
    ("an unknown code", "memberships.csv", (HEADER + GOOD + row(member="XYZ")).encode(), 3,
     "unknown state or org code 'XYZ' in column 'member'"),
    ("an unknown source", "memberships.csv", (HEADER + GOOD + row(source="no-such-source")).encode(), 3,
     "unknown source code 'no-such-source'"),
    ("no source", "memberships.csv", (HEADER + GOOD + row(source="")).encode(), 3, "no source"),
    ("an empty member", "memberships.csv", (HEADER + GOOD + row(member="")).encode(), 3, "empty 'member'"),
    ("an unknown role", "memberships.csv", (HEADER + GOOD + row(role="overlord")).encode(), 3,
     "role 'overlord' is not one of"),
    ("an impossible date", "memberships.csv", (HEADER + GOOD + row("2023-02-30")).encode(), 3,
     "impossible date '2023-02-30'"),
    ("a malformed date", "memberships.csv", (HEADER + GOOD + row("30 June 2030")).encode(), 3,
     "malformed date '30 June 2030'"),
    ("an end before the start", "memberships.csv", (HEADER + GOOD + row("2030-05", end="2030-01")).encode(), 3,
     "end 2030-01 is not after start 2030-05"),
    ("an end on the start (exclusive)", "memberships.csv", (HEADER + GOOD + row("2031", end="2031")).encode(), 3,
     "is not after start 2031"),
    ("a duplicate membership", "memberships.csv", (HEADER + GOOD + GOOD).encode(), 3, "duplicate membership"),
    ("a duplicate organisation code", "organizations.csv",
     b"code,name,kind,source\nNATO,Again,forum,natowatch-2012-06-04\n", 2, "duplicate org code 'NATO'"),
    ("a duplicate source id", "sources.csv",
     b"id,kind,publisher,title\nrel-a,news,P,T\nrel-a,news,P,T\n", 3, "duplicate source code 'rel-a'"),
    ("a duplicate state code", "states.csv", b"code,name,source\nXREL,One,wikidata\nXREL,Two,wikidata\n", 3,
     "duplicate state code 'XREL'"),
    ("a lower-case state code", "states.csv", b"code,name,source\nxrel,One,wikidata\n", 2,
     "is not an upper-case ISO alpha-3 or project code"),
    ("a state code that is neither ISO nor X...", "states.csv", b"code,name,source\nQQQ,One,wikidata\n", 2,
     "is neither an ISO 3166-1/3166-3 code nor a project code"),
    ("a bad Wikidata id", "organizations.csv", b"code,name,kind,wikidata,source\nXREL,One,forum,Q12x,wikidata\n", 2,
     "wikidata 'Q12x' is not a QID"),
    ("an unknown organisation kind", "organizations.csv", b"code,name,kind,source\nXREL,One,club,wikidata\n", 2,
     "kind 'club' is not one of"),
    ("a javascript: URL", "sources.csv", b"id,kind,publisher,title,url\nrel-a,news,P,T,javascript:alert(1)\n", 2,
     "is not an http(s) URL"),
    ("a URL with a space", "sources.csv", b"id,kind,publisher,title,url\nrel-a,news,P,T,http://example.org/a b\n", 2,
     "invalid url"),
    ("a missing column", "memberships.csv", b"org,member,role,source\nNATO,NZL,observer,x\n", 1,
     "missing column(s): start"),
    ("an unknown column", "memberships.csv", (HEADER.replace("note", "notes") + GOOD).encode(), 1,
     "unknown column(s): notes"),
    ("an empty file", "memberships.csv", b"", 1, "empty file: expected a header row"),
    ("malformed TOML", "dataset.toml", b'version = "1\n', None, "malformed TOML"),
    ("a control character in TOML", "dataset.toml",
     b'version = "1"\ntitle = "a\\u0001b"\ncurrent_as_of = "2024-01-01"\n', None, "character U+0001 is not allowed"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, store_dir: Path) -> Path:
    """A copy of the session store, for the builds that must fail."""
    path = tmp_path_factory.mktemp("tables") / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    return path


def build(extra: Path, store: Path):
    return CliRunner().invoke(main, ["build", "--data", str(extra), "--store", str(store)],
                              catch_exceptions=False)


def listing(store: Path) -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_mtime_ns) for p in store.iterdir())


@pytest.mark.parametrize(("name", "data", "line", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_table_is_one_readable_error_and_changes_nothing(store: Path, tmp_path: Path, name: str,
                                                               data: bytes, line: int | None, message: str):
    extra = tmp_path / "extra"
    extra.mkdir()
    path = extra / name
    path.write_bytes(data)
    before = listing(store)
    result = build(extra, store)
    assert result.exit_code == 1
    error = one_error_line(result.stderr)
    where = f"{path}:{line}: " if line is not None else f"{path}"
    assert error.startswith(f"kg: error: {where}"), error
    assert message in error, error
    assert listing(store) == before  # no new generation, nothing touched


def test_a_table_that_is_a_link_to_a_system_file_reads_nothing_out(store: Path, tmp_path: Path):
    secret = Path("/etc/passwd")
    if not secret.exists():
        pytest.skip("no /etc/passwd here")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "memberships.csv").symlink_to(secret)
    result = build(extra, store)
    assert result.exit_code == 1
    error = one_error_line(result.stderr)
    assert "missing column(s)" in error
    first = secret.read_text(errors="replace").splitlines()[0]
    assert first not in result.stderr and first not in result.stdout


def test_the_store_is_the_same_after_all_the_refused_tables(store: Path, store_dir: Path):
    assert content(store) == content(store_dir)


FORMULAS = ['=HYPERLINK("http://example.org/x","click")', "+1+1", "-2+3", "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0", "\t=1+1"]


def test_bom_crlf_and_formula_like_cells_are_kept_verbatim_as_text(store_dir: Path, tmp_path: Path):
    """A BOM and CRLF line ends are accepted; cells that spreadsheets would evaluate stay plain
    text, verbatim (no quote prefix: the output is plain values), in csv, json and the export."""
    store = tmp_path / "store"
    shutil.copytree(store_dir, store, symlinks=True)
    extra = tmp_path / "extra"
    extra.mkdir()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["org", "member", "role", "start", "end", "source", "note"])
    for year, formula in enumerate(FORMULAS, start=2031):
        writer.writerow(["NATO", "NZL", "observer", str(year), str(year + 1), SOURCE, formula])
    (extra / "memberships.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode())
    result = build(extra, store)
    assert result.exit_code == 0, result.stderr
    query = ("SELECT ?note WHERE { ?m <https://w3id.org/alignment-kg/ontology#note> ?note ; "
             "<https://w3id.org/alignment-kg/ontology#start> ?start FILTER(YEAR(?start) > 2030) } ORDER BY ?start")
    runner = CliRunner()
    as_csv = runner.invoke(main, ["query", query, "--format", "csv", "--store", str(store)])
    assert as_csv.exit_code == 0, as_csv.stderr
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["note"]] + [[f.strip()] for f in FORMULAS]
    for formula in FORMULAS[:5]:  # no quote or apostrophe prefix, no change
        quoted = '"' + formula.replace('"', '""') + '"'
        assert f"\n{formula}\n" in as_csv.stdout or f"\n{quoted}\n" in as_csv.stdout
    as_json = runner.invoke(main, ["query", query, "--format", "json", "--store", str(store)])
    assert [r["note"] for r in json.loads(as_json.stdout)] == [f.strip() for f in FORMULAS]
    exported = runner.invoke(main, ["export", "--format", "ntriples", "--store", str(store)])
    assert '"=HYPERLINK(\\"http://example.org/x\\",\\"click\\")"@en' in exported.stdout
    assert os.path.exists(store / "current")
