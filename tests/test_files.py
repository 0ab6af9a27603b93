"""Files that open anywhere: -o on every command that prints data, --excel, formats from -o."""

from __future__ import annotations

import json

import pytest

BOM = b"\xef\xbb\xbf"


def test_memberships_of_turkiye_for_excel(kg, tmp_path):
    out = tmp_path / "m.csv"
    result = kg("query", "memberships", "-p", "state", "TUR", "--excel", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(BOM) and not data[3:].startswith(BOM)
    plain = kg("query", "memberships", "-p", "state", "TUR", "--format", "csv").stdout
    assert data[3:].decode("utf-8") == plain
    assert result.stdout == ""  # the rows went to the file only
    # The name itself, through a query that prints it, survives the round trip.
    members = tmp_path / "nato.csv"
    kg("query", "members", "-p", "org", "NATO", "--excel", "-o", str(members))
    text = members.read_text(encoding="utf-8-sig")
    assert ",Türkiye," in text and "\ufeff" not in text


def test_excel_to_stdout_and_tsv(kg):
    result = kg("query", "members", "-p", "org", "NATO", "--excel")
    assert result.stdout.startswith("\ufeffmember,name,role,start,end\n")
    tsv = kg("query", "members", "-p", "org", "NATO", "--excel", "--format", "tsv")
    assert tsv.stdout.startswith("\ufeffmember\tname")


def test_excel_refuses_formats_without_a_byte_order_mark(kg, tmp_path):
    result = kg("query", "members", "-p", "org", "NATO", "--excel", "--format", "json")
    assert result.exit_code == 2 and "--excel adds a byte-order mark to csv or tsv" in result.stderr


@pytest.mark.parametrize("suffix, check", [
    (".json", lambda text: json.loads(text)[0]["member"]),
    (".jsonl", lambda text: json.loads(text.splitlines()[0])["member"]),
    (".md", lambda text: text.startswith("| member | name |")),
    (".tsv", lambda text: text.startswith("member\tname\t")),
    (".csv", lambda text: text.startswith("member,name,")),
])
def test_the_format_follows_the_extension(kg, tmp_path, suffix, check):
    out = tmp_path / f"members{suffix}"
    result = kg("query", "members", "-p", "org", "NATO", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert check(out.read_text(encoding="utf-8"))
    assert f"wrote {out}" in result.stderr


def test_the_catalogue_to_a_file(runner, tmp_path):
    from kg.cli import main

    out = tmp_path / "catalogue.md"
    assert runner.invoke(main, ["queries", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("| name | summary | parameters |")


@pytest.mark.parametrize("args", [
    ["stats"],
    ["graphs"],
    ["query", "timeline", "-p", "state", "NZL"],
    ["analyse", "blocs", "--at", "1990"],
    ["analyse", "centrality", "--at", "1990"],
    ["analyse", "path", "NZL", "NOR", "--at", "2024-04-05"],
    ["analyse", "changes", "--from", "2022", "--to", "2024", "--org", "NATO"],
    ["align", "NZL", "AUS", "--from", "2000", "--to", "2002"],
])
def test_every_command_that_prints_rows_writes_them_to_a_file(kg, tmp_path, args):
    out = tmp_path / "rows.csv"
    to_file = kg(*args, "-o", str(out))
    assert to_file.exit_code == 0, to_file.output
    assert to_file.stdout == ""
    printed = kg(*args, "--format", "csv")
    assert out.read_text(encoding="utf-8") == printed.stdout
    assert printed.stdout.count("\n") >= 2


def test_construct_and_ask_to_a_file(kg, tmp_path):
    ttl = tmp_path / "g.ttl"
    result = kg("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "-o", str(ttl))
    assert result.exit_code == 0 and result.stdout == "" and ttl.stat().st_size > 0
    ask = tmp_path / "a.txt"
    assert kg("query", "ASK { ?s ?p ?o }", "-o", str(ask)).exit_code == 0
    assert ask.read_text() == "true\n"


def test_a_link_as_target_is_refused_before_the_query(kg, tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("keep\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = kg("query", "members", "-p", "org", "NATO", "-o", str(link))
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert target.read_text() == "keep\n"


def test_excel_is_refused_for_ask_and_construct(kg):
    for text in ("ASK { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"):
        result = kg("query", text, "--excel")
        assert result.exit_code == 2 and "--excel is for the rows of a SELECT query" in result.stderr
