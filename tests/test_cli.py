"""Every command through click's CliRunner, with exact assertions on output and exit status."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kg.cli import main


def test_every_command_has_help_with_an_example(runner):
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"kg {name} --help has no example"


def test_the_format_choices_are_the_library_s():
    from kg.cli import RDF_SYNTAXES
    from kg.rdfio import RDF_FORMATS

    assert RDF_SYNTAXES == tuple(RDF_FORMATS)


def test_version_names_code_and_dataset(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("kg 0.1.0 (dataset 0.1.0, current as of 2026-11-30)")


def test_query_members_csv(kg):
    result = kg("query", "members", "-p", "org", "NATO", "-p", "at", "2024-04-05", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["member", "name", "role", "start", "end"]
    assert len(rows) == 33
    assert ["SWE", "Sweden", "member", "2024-03-07", ""] in rows
    assert ["USA", "United States", "founding member", "1949-08-24", ""] in rows


def test_query_at_shortcut_and_json(kg):
    result = kg("query", "members", "-p", "org", "NATO", "--at", "1990", "--format", "json")
    data = json.loads(result.stdout)
    assert len(data) == 16
    assert data[0] == {"member": "BEL", "name": "Belgium", "role": "founding member",
                       "start": "1949-08-24", "end": None}


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl", "markdown"])
def test_every_tabular_format(kg, fmt):
    result = kg("query", "partnerships", "-p", "state", "NZL", "--format", fmt)
    assert result.exit_code == 0
    assert "ITPP" in result.stdout and "negotiating" in result.stdout
    if fmt == "markdown":
        assert result.stdout.splitlines()[0] == "| with | framework | status | start | end | topics |"
    if fmt == "tsv":
        assert result.stdout.splitlines()[0] == "with\tframework\tstatus\tstart\tend\ttopics"
    if fmt == "jsonl":
        assert all(json.loads(line) for line in result.stdout.splitlines())


def test_ask_and_construct(kg):
    assert kg("query", "ASK { ?s ?p ?o }").stdout == "true\n"
    result = kg("query", "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c ; <https://w3id.org/alignment-kg/ontology#code> \"NZL\" }",
                "--format", "ntriples")
    assert result.stdout == ("<https://w3id.org/alignment-kg/id/state/NZL> "
                             "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                             "<https://w3id.org/alignment-kg/ontology#State> .\n")


def test_query_from_stdin_and_file(kg, tmp_path):
    text = ("PREFIX al: <https://w3id.org/alignment-kg/ontology#> "
            "SELECT (COUNT(*) AS ?n) WHERE { ?m a al:Membership ; al:organization/al:code 'NATO' }")
    assert kg("query", "-", "--format", "csv", input=text).stdout == "n\n32\n"
    path = tmp_path / "count.rq"
    path.write_text(text)
    assert kg("query", str(path), "--format", "csv").stdout == "n\n32\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "membrs"], 2, "kg: error: unknown query 'membrs'. Did you mean: members, memberships"),
        (["query", "members"], 2, "kg: error: missing parameter 'org'"),
        (["query", "members", "-p", "org", 'NATO" } ; DROP ALL ; #'], 2, "unknown organisation 'NATO\" } ; DROP ALL ; #'"),
        (["query", "DROP ALL"], 1, "kg: error: refused: DROP is an update"),
        (["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], 1, "refused: SERVICE"),
        (["query", "SELECT * WHERE { ?s ?p }"], 1, "kg: error: SPARQL syntax error"),
        (["nosuchcommand"], 2, "No such command"),
    ],
)
def test_errors_are_one_line_without_traceback(kg, args, code, message):
    result = kg(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_explicit_store(runner, tmp_path):
    result = runner.invoke(main, ["query", "states", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert f"kg: error: no store at {tmp_path / 'none'}: build it first with `kg build --store" in result.stderr


def test_queries_lists_the_catalogue(kg, runner):
    result = runner.invoke(main, ["queries", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["name", "summary", "parameters"]
    names = [row[0] for row in rows[1:]]
    assert {"members", "memberships", "partners", "partnerships", "states", "organizations", "timeline"} <= set(names)
    assert all(row[1] for row in rows[1:])
    assert ["members", "Members of an organisation, one row per membership spell",
            "org (org), at (date, optional)"] in rows


def test_stats(kg):
    rows = list(csv.reader(io.StringIO(kg("stats", "--format", "csv").stdout)))
    table = {(g, n): c for g, n, c in rows[1:]}
    assert table[("dataset", "current as of")] == "2026-11-30"
    assert rows[0] == ["group", "name", "value"]
    assert table[("coverage", "NATO memberships")].startswith("complete, 1949-08-24 to 2026-11-30")
    counted = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/alignment-kg/ontology#Membership> }",
                 "--format", "csv").stdout
    assert counted == f"n\n{table[('class', 'Membership')]}\n"
    assert int(table[("class", "Membership")]) >= 32
    assert table[("facts", "facts")] == table[("facts", "with a source")]


def test_build_refuses_bad_data_and_keeps_the_store(runner, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(main, ["build", "--store", str(store)]).exit_code == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "memberships.csv").write_text("org,member,role,start,source\nNATO,NZL,member,2023-02-30,wikidata\n")
    result = runner.invoke(main, ["build", "--data", str(bad), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: {bad / 'memberships.csv'}:2: column 'start': impossible date '2023-02-30': day is out of range for month\n"
    after = runner.invoke(main, ["query", "members", "-p", "org", "NATO", "--store", str(store), "--format", "csv"])
    assert after.stdout.count("\n") == 33


def test_validate(runner, tmp_path):
    assert runner.invoke(main, ["validate"]).stdout == "valid\n"


def test_viz_writes_html(kg, tmp_path, store_dir):
    out = tmp_path / "nz.html"
    result = kg("viz", "--focus", "NZL", "--depth", "1", "-o", str(out))
    assert result.exit_code == 0
    # The CLI writes what the library projects (the projection itself is tested in test_network).
    from kg.network import alignment_network, ego_network
    from kg.store import open_store

    graph = ego_network(alignment_network(open_store(str(store_dir))), "NZL", 1)
    assert result.stderr == f"wrote {out}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges\n"
    assert "NATO" in graph and "UKR" in graph
    html = out.read_text()
    assert "<html" in html and "New Zealand" in html


def test_export_to_file(kg, tmp_path):
    out = tmp_path / "x.ttl"
    result = kg("export", "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == f"wrote {out}\n"
    assert out.read_text().startswith("@prefix")
