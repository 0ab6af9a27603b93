"""Bounds and one-line errors: nesting depth, parameter bytes and encoding, numeric options,
file names that are not UTF-8, wrongly shaped or deeply nested import files; and Markdown
output that no renderer turns into HTML."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import QueryError, UsageError
from kg.formats import markdown_cell, write_rows
from kg.query import MAX_NESTING, run_query
from reliability.support import kg, one_error_line

pytestmark = pytest.mark.reliability


# -- nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5_000, 100_000])
@pytest.mark.parametrize("shape", ["{", "("])
def test_deep_nesting_is_refused_in_one_line(depth: int, shape: str, store_dir: Path, memory_store):
    if shape == "{":
        text = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    else:
        text = "SELECT * WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    with pytest.raises(QueryError, match="nested more than 500 levels"):
        run_query(memory_store, text)
    path = store_dir.parent / f"deep-{shape == '{'}-{depth}.rq"
    path.write_text(text)
    done = kg("query", str(path), "--store", str(store_dir))
    assert done.returncode == 1
    assert "nested more than 500 levels" in one_error_line(done.stderr)


def test_nesting_up_to_the_bound_runs(memory_store):
    text = "SELECT * WHERE " + "{" * (MAX_NESTING - 2) + " BIND(1 AS ?x) " + "}" * (MAX_NESTING - 2)
    assert run_query(memory_store, text).rows == [[1]]


def test_an_engine_crash_is_an_error_not_the_end_of_the_interpreter(memory_store, monkeypatch):
    """With the text check off, 20,000 levels crash the engine: in the worker, not here."""
    import kg.query

    monkeypatch.setattr(kg.query, "check_user_query", lambda *args, **kwargs: None)
    text = "SELECT * WHERE " + "{" * 20_000 + " ?s ?p ?o " + "}" * 20_000
    with pytest.raises(QueryError, match="worker failed"):
        run_query(memory_store, text)
    assert run_query(memory_store, "ASK {}").boolean is True


# -- parameters and options -----------------------------------------------------------------


def test_a_parameter_that_is_not_utf8_is_a_usage_error(store_dir: Path):
    done = kg("query", "members", "-p", "org", "\udcff", "--store", str(store_dir))  # argv byte 0xFF
    assert done.returncode == 2
    assert "is not valid UTF-8" in one_error_line(done.stderr)


def test_a_huge_parameter_is_a_usage_error(memory_store):
    with pytest.raises(UsageError, match="longer than 1000000 bytes"):
        run_query(memory_store, "members", {"org": "N" * 1_000_001})


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-1", "1e300", "soon"])
def test_bad_timeouts_are_usage_errors(value: str, store_dir: Path):
    for command in (["query", "members", "-p", "org", "NATO"], ["serve", "--port", "0"]):
        done = kg(*command, "--timeout", value, "--store", str(store_dir), timeout=30)
        assert done.returncode == 2, (command, value, done.stderr)
        assert "Traceback" not in done.stderr
        assert "--timeout" in done.stderr


@pytest.mark.parametrize("value", [math.inf, math.nan, 0, -1.0, True, "5"])
def test_bad_timeouts_are_refused_by_the_python_api(value, memory_store):
    with pytest.raises(UsageError, match="timeout"):
        run_query(memory_store, "ASK {}", timeout=value)


# -- files ----------------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_one_line(tmp_path: Path, store_dir: Path):
    directory = os.fsencode(tmp_path)
    name = os.path.join(directory, b"\xff.ttl")
    with open(name, "wb") as handle:
        handle.write(b"<http://e/s> <http://e/p> 1 .\n")
    store = tmp_path / "store"
    done = kg("load", os.fsdecode(name), "--store", str(store))
    assert done.returncode == 1
    assert "the file name is not valid UTF-8" in one_error_line(done.stderr)


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (json.dumps({"head": 3, "results": [1]}), "not a SPARQL JSON result"),
    (json.dumps({"head": {"vars": ["member", "org"]}, "results": {"bindings": [
        3, "x", {"member": 5, "org": {"value": [1]}}, {"member": {"value": {"a": 1}}}]}}), None),
])
def test_wikidata_files_of_the_wrong_shape_are_one_line(text: str, message: str | None, tmp_path: Path):
    path = tmp_path / "result.json"
    path.write_text(text)
    done = kg("import", "wikidata", str(path), "--store", str(tmp_path / "store"))
    assert "Traceback" not in done.stderr
    if message is None:  # rows of the wrong shape are warnings, one line each
        assert all(line.startswith(("kg: warning: ", "imported ")) for line in done.stderr.splitlines())
    else:
        assert message in one_error_line(done.stderr)


# -- Markdown -------------------------------------------------------------------------------

HOSTILE_LABELS = ["<script>alert(1)</script>", '<svg onload="alert(1)">', "<img src=x onerror=alert(1)>",
                  "[click](javascript:alert(1))", "<https://evil.example>", "a | b", "`code`", "**bold**",
                  "&lt;script&gt;", "\\|", "line\nbreak", "_x_"]


def _cells(line: str) -> list[tuple[str, str]]:
    """The cells of a table row as (raw, unescaped) text, read as GFM does: a backslash escapes
    the next character; an unescaped ``|`` ends a cell. Fails on an unescaped special."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells, raw, text, index = [], "", "", 2
    inner = line[:-2]
    while index < len(inner):
        char = inner[index]
        if char == "\\":
            raw += inner[index:index + 2]
            text += inner[index + 1]
            index += 2
            continue
        assert char not in "[]`*_<>", (char, line)
        if inner.startswith(" | ", index):
            cells.append((raw, text))
            raw, text, index = "", "", index + 3
            continue
        raw += char
        text += char
        index += 1
    cells.append((raw, text))
    return [(r, t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")) for r, t in cells]


@settings(max_examples=300)
@given(label=st.one_of(st.sampled_from(HOSTILE_LABELS), st.text(max_size=40)))
def test_markdown_cells_hold_no_markup_and_read_back(label: str):
    import io

    out = io.StringIO()
    write_rows(out, ["name", "code"], [[label, "X"]], "markdown")
    row = out.getvalue().split("\n")[2]  # Markdown lines end at \n (not at U+2028 or U+0085)
    cells = _cells(row)
    assert len(cells) == 2, row
    expected = label.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    assert cells[0][1] == expected
    assert markdown_cell(label) == cells[0][0]


# -- analysis arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["blocs", "--resolution", "-1"], "give a number above 0"),
    (["blocs", "--resolution", "0"], "give a number above 0"),
    (["blocs", "--resolution", "nan"], "give a number above 0"),
    (["blocs", "--resolution", "inf"], "give a number above 0"),
    (["path", "NZL", "nzl"], "give two different states or organisations"),
    (["changes", "--from", "2000", "--state", "XXX"], "unknown state or territory or organisation 'XXX'"),
    (["changes", "--from", "2000", "--org", "QQQ"], "unknown organisation 'QQQ'"),
])
def test_bad_analysis_arguments_are_one_line(args: list[str], message: str, store_dir: Path):
    done = kg("analyse", *args, "--store", str(store_dir))
    assert done.returncode == 2, done.stderr
    assert message in one_error_line(done.stderr)
