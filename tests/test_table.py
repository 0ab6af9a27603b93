"""One result type for everything tabular (kg.table): the same readings and the same writer for a
query's answer, an analysis, the statistics, the list of graphs and the web pages' tables, and
one set of output options for every command that writes a table."""

from __future__ import annotations

import io
import json

import click
import pytest

from kg.analysis import Table as AnalysisTable
from kg.formats import TABULAR_FORMATS, write_rows
from kg.graphs import GRAPH_COLUMNS, graph_rows, graph_table
from kg.query import QueryResult, run_query
from kg.stats import STATS_COLUMNS, stats_table, store_stats
from kg.table import Table, Tabular
from kg.web.pages import Table as PageTable

COLUMNS = ["state", "since", "share"]
ROWS = [["NZL", "2012-06-04", 0.5], ["Türkiye", None, 1]]


def test_analysis_tables_are_the_one_table():
    assert AnalysisTable is Table


@pytest.mark.parametrize("fmt", TABULAR_FORMATS)
def test_every_tabular_type_writes_what_write_rows_writes(fmt):
    expected = io.StringIO()
    write_rows(expected, COLUMNS, ROWS, fmt)
    tables: list[Tabular] = [Table(COLUMNS, ROWS, notes=["a note"]),
                             QueryResult(kind="select", columns=COLUMNS, rows=ROWS),
                             PageTable("t", "T", COLUMNS, ROWS)]
    for table in tables:
        assert table.text(fmt) == expected.getvalue(), type(table).__name__


def test_annotations_go_into_json_objects():
    table = Table(["n"], [[1], [2]])
    assert json.loads(table.text("json", annotations={"coverage": []})) == [
        {"n": 1, "_coverage": []}, {"n": 2, "_coverage": []}]
    assert table.text("csv", annotations={"coverage": []}) == "n\n1\n2\n"


def test_records_and_positional_query_results():
    assert Table(COLUMNS, ROWS).records()[1] == {"state": "Türkiye", "since": None, "share": 1}
    result = QueryResult("select", ["a"], [[1]])  # the order notebooks use
    assert (result.kind, result.records()) == ("select", [{"a": 1}])


def test_to_dataframe_keeps_values():
    pandas = pytest.importorskip("pandas")
    frame = Table(COLUMNS, ROWS).to_dataframe()
    assert list(frame.columns) == COLUMNS
    assert frame["share"].tolist() == [0.5, 1]
    assert pandas.isna(frame["since"][1])


def test_a_query_answer_is_a_table(memory_store):
    result = run_query(memory_store, "members", {"org": "NATO", "at": "2024-04-05"})
    assert isinstance(result, Tabular)
    assert ["SWE", "Sweden", "member", "2024-03-07", None] in result.rows
    assert result.text("csv").splitlines()[0] == "member,name,role,start,end"


def test_stats_and_graphs_are_tables(memory_store):
    stats = stats_table(store_stats(memory_store))
    assert stats.columns == STATS_COLUMNS
    assert stats.rows[2] == ["store", "triples", store_stats(memory_store).triples]
    graphs = graph_table(memory_store)
    assert (graphs.columns, graphs.rows) == (GRAPH_COLUMNS, graph_rows(memory_store))
    assert graphs.rows


def _tabular_commands() -> dict[str, click.Command]:
    """Every command (and subcommand) with a ``--format`` that offers the tabular formats."""
    from kg.cli import main

    found: dict[str, click.Command] = {}

    def walk(prefix: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
            return
        for param in command.params:
            if param.name == "fmt" and isinstance(param.type, click.Choice) \
                    and set(TABULAR_FORMATS) <= set(param.type.choices):
                found[prefix] = command

    walk("", main)
    return found


def test_every_tabular_command_has_the_same_output_options():
    commands = _tabular_commands()
    assert {"queries", "query", "stats", "graphs", "align", "ingest", "analyse blocs",
            "analyse centrality", "analyse path", "analyse changes"} <= set(commands)
    for name, command in commands.items():
        options = {param.name: param for param in command.params}
        assert {"fmt", "output", "excel"} <= set(options), name
        fmt = options["fmt"]
        assert isinstance(fmt.type, click.Choice)
        choices = tuple(fmt.type.choices)
        assert choices[:len(TABULAR_FORMATS)] == TABULAR_FORMATS, name
        if name != "query":  # kg query also writes the triples of CONSTRUCT in RDF syntaxes
            assert choices == TABULAR_FORMATS, name
        assert options["output"].opts == ["-o", "--output"], name
