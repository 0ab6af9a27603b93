"""Store integrity: a load writes only what it checked, the default graph is never written,
a copied store (its ``current`` link made a directory) opens and takes writes, a corrupted
generation is one line and ``kg build --fresh`` recovers, two files of one name are not
silently merged into one graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import load_into

from kg.errors import DataError, UsageError
from kg.graphs import META
from kg.store import open_store, resolve_location
from reliability.support import content, generations, kg, one_error_line

pytestmark = pytest.mark.reliability

BENIGN = "<http://example.org/s> <http://example.org/p> \"benign\" <http://example.org/g> .\n"
HOSTILE = f"<http://example.org/s> <http://example.org/p> \"forged\" <{META}curated> .\n"


@pytest.fixture
def store(store_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    return path


def test_a_file_changed_between_the_check_and_the_write_is_refused(store: Path, tmp_path: Path):
    """The file names a harmless graph when it is checked and a reserved one when it is read
    for writing (changed by the progress callback, between the two reads)."""
    data = tmp_path / "changing.nq"
    data.write_text(BENIGN)
    before = content(store)

    def progress(message: str) -> None:
        if message.startswith("reading"):
            data.write_text(HOSTILE)

    with pytest.raises((DataError, UsageError)) as raised:
        load_into(str(store), [data], progress=progress)
    assert "reserved" in str(raised.value) or "changed while" in str(raised.value)
    assert content(store) == before


def test_two_files_of_one_name_are_not_merged(store: Path, tmp_path: Path):
    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "members.ttl").write_text(f"<http://e/{year}> <http://e/p> 1 .\n")
    done = kg("load", str(tmp_path / "2023" / "members.ttl"), str(tmp_path / "2024" / "members.ttl"),
              "--store", str(store))
    assert done.returncode == 2
    assert "would both load into the graph load/members.ttl" in one_error_line(done.stderr)


def test_an_update_of_the_default_graph_is_refused_and_a_named_one_exported(store: Path):
    before = content(store)
    done = kg("query", "--allow-update", "INSERT DATA { <http://e/s> <http://e/p> 1 }", "--store", str(store))
    assert done.returncode == 1
    assert "writes into the default graph" in one_error_line(done.stderr)
    assert content(store) == before
    done = kg("query", "--allow-update", "INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }",
              "--store", str(store))
    assert done.returncode == 0, done.stderr
    exported = kg("export", "--format", "nquads", "--store", str(store))
    assert "<http://e/s> <http://e/p>" in exported.stdout


@pytest.mark.parametrize("how", ["copytree", "cp -rL"])
def test_a_copy_whose_link_became_a_directory_opens_and_takes_writes(how: str, store_dir: Path,
                                                                      tmp_path: Path):
    copy = tmp_path / "copy"
    if how == "copytree":
        shutil.copytree(store_dir, copy)  # symlinks=False: the link becomes a directory
    else:
        import subprocess

        subprocess.run(["cp", "-rL", str(store_dir), str(copy)], check=True)
    assert (copy / "current").is_dir() and not (copy / "current").is_symlink()
    done = kg("query", "members", "-p", "org", "NATO", "--at", "2024-04-05", "--format", "csv",
              "--store", str(copy))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 33
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://e/s> <http://e/p> 1 .\n")
    done = kg("load", str(extra), "--store", str(copy))
    assert done.returncode == 0, done.stderr
    assert (copy / "current").is_symlink()
    assert len(generations(copy)) <= 3
    done = kg("query", "members", "-p", "org", "NATO", "--at", "2024-04-05", "--format", "csv",
              "--store", str(copy))
    assert len(done.stdout.splitlines()) == 33


def test_a_corrupted_generation_is_one_line_and_build_fresh_recovers(store: Path):
    live = (store / "current").resolve()
    for file in live.iterdir():
        if file.is_file() and (file.name.startswith(("MANIFEST", "CURRENT")) or file.suffix == ".sst"):
            file.write_bytes(b"\0garbage" * 64)
    for args in (["query", "members", "-p", "org", "NATO"], ["stats"], ["build"], ["export"]):
        done = kg(*args, "--store", str(store))
        assert done.returncode == 1, (args, done.stderr)
        line = one_error_line(done.stderr)
        assert "kg build --fresh" in line, line
    before = generations(store)
    done = kg("build", "--fresh", "--store", str(store))
    assert done.returncode == 0, done.stderr
    done = kg("query", "members", "-p", "org", "NATO", "--at", "2024-04-05", "--format", "csv",
              "--store", str(store))
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 33
    assert len(generations(store)) <= max(len(before), 2)
    store_location = resolve_location(str(store))
    assert open_store(store_location).graph_iris()


def _spells(path: Path, count: int) -> Path:
    al = "https://w3id.org/alignment-kg/ontology#"
    lines = [f'<http://e/spell{i}> a <{al}Membership> ; <{al}member> <https://w3id.org/alignment-kg/id/state/NZL> ; '
             f'<{al}organization> <https://w3id.org/alignment-kg/id/org/NATO> ; '
             f'<{al}start> "{1000 + i}-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .' for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_derivation_is_bounded_per_member_and_organisation(store: Path, tmp_path: Path):
    """2,000 spells of one state in one organisation: refused in one line, in seconds, and the
    store unchanged (it took 57 s and grew the store 100 times before); 90 load."""
    import time

    before = content(store)
    started = time.monotonic()
    done = kg("load", str(_spells(tmp_path / "spells.ttl", 2000)), "--store", str(store))
    assert done.returncode == 1
    assert "has 2000 membership spells in" in one_error_line(done.stderr)
    assert time.monotonic() - started < 20
    assert content(store) == before
    done = kg("load", str(_spells(tmp_path / "few.ttl", 90)), "--store", str(store))
    assert done.returncode == 0, done.stderr


def test_a_load_that_replaces_another_files_graph_says_so(store: Path, tmp_path: Path):
    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "members.ttl").write_text(f"<http://e/{year}> <http://e/p> 1 .\n")
    first = kg("load", str(tmp_path / "2023" / "members.ttl"), "--store", str(store))
    assert first.returncode == 0 and "replaced" not in first.stderr
    second = kg("load", str(tmp_path / "2024" / "members.ttl"), "--store", str(store))
    assert second.returncode == 0
    assert ("kg: note: " + str(tmp_path / "2024" / "members.ttl") + " replaced the graph load/members.ttl "
            "(loaded before from members.ttl, other content)") in second.stderr.splitlines()
    again = kg("load", str(tmp_path / "2024" / "members.ttl"), "--store", str(store))
    assert "replaced" not in again.stderr  # the same content again: a reload, nothing to say


@pytest.fixture
def remote(tmp_path: Path):
    """An Oxigraph server of this test's own, on loopback, with the shipped data built into it."""
    from servers import oxigraph_server

    with oxigraph_server(tmp_path / "oxigraph", "--timeout-s", "20") as url:
        built = kg("build", "--store", url)
        assert built.returncode == 0, built.stderr
        yield url


def _remote_content(url: str) -> list[tuple[str, int]]:
    return open_store(url).named_graphs()


def test_a_remote_store_refuses_an_update_of_the_default_graph(remote: str):
    """Queries and exports of a remote store read its named graphs: a triple written into the
    server's default graph would be lost silently. Refused before it is sent; a named graph is
    written and exported."""
    before = _remote_content(remote)
    for update in ("INSERT DATA { <http://e/s> <http://e/p> 1 }",
                   "INSERT { ?s <http://e/p> 1 } WHERE { GRAPH ?g { ?s a ?t } }",
                   "ADD <https://w3id.org/alignment-kg/graph/curated> TO DEFAULT"):
        done = kg("query", "--allow-update", update, "--store", remote)
        assert done.returncode == 1, (update, done.stderr)
        assert "writes into the default graph" in one_error_line(done.stderr)
        assert _remote_content(remote) == before
    done = kg("query", "--allow-update", "INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }",
              "--store", remote)
    assert done.returncode == 0, done.stderr
    exported = kg("export", "--format", "nquads", "--store", remote)
    assert "<http://e/s> <http://e/p>" in exported.stdout


def test_a_remote_store_bounds_the_spells_of_one_member(remote: str, tmp_path: Path):
    """As an embedded store: 2,000 spells of one state in one organisation are refused in one
    line before the swap (nothing changes on the server); 90 load."""
    before = _remote_content(remote)
    done = kg("load", str(_spells(tmp_path / "spells.ttl", 2000)), "--store", remote)
    assert done.returncode == 1
    assert "has 2000 membership spells in" in one_error_line(done.stderr)
    assert _remote_content(remote) == before
    done = kg("load", str(_spells(tmp_path / "few.ttl", 90)), "--store", remote)
    assert done.returncode == 0, done.stderr
