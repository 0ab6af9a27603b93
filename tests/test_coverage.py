"""Honest answers: the day an answer is for, a warning past the data's day, the coverage the data
declares (in queries, JSON output and ``kg stats``), and a membership held in an organisation and
in the one that continues it counted once (in counts, projections and alignment scores).

A small fictional dataset is written here, on top of the packaged data: ``XPRE`` is continued by
``XSUC`` (as the EEC by the EU), whose members' coverage is declared partial.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kg.analysis import align
from kg.build import build
from kg.cli import main
from kg.network import alignment_graph, commitments, membership_graph
from kg.query import run_query

TABLES = {
    "sources.csv": "id,kind,publisher,title\nxcov-yearbook,reference,Fixture Press,Fixture Yearbook\n",
    "states.csv": "code,name,source\nXAAA,Aland,xcov-yearbook\nXBBB,Bland,xcov-yearbook\n",
    "organizations.csv": (
        "code,name,kind,founded,dissolved,successor,source\n"
        "XPRE,Predecessor Community,forum,1950-01-01,2000-01-01,XSUC,xcov-yearbook\n"
        "XSUC,Successor Union,forum,1960-01-01,,,xcov-yearbook\n"),
    "memberships.csv": (
        "org,member,role,start,end,source\n"
        "XPRE,XAAA,founding member,1950-01-01,2000-01-01,xcov-yearbook\n"
        "XPRE,XBBB,founding member,1950-01-01,2000-01-01,xcov-yearbook\n"
        "XSUC,XAAA,founding member,1960-01-01,,xcov-yearbook\n"
        "XSUC,XBBB,founding member,1960-01-01,,xcov-yearbook\n"
        "XSUC,NZL,observer,1970-01-01,,xcov-yearbook\n"),
    "coverage.csv": (
        "org,kind,complete,since,until,source,note\n"
        "XSUC,memberships,no,1960-01-01,2026-11-30,,only two of its members are in the data\n"
        "XPRE,memberships,yes,1950-01-01,2000-01-01,,\n"),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("coverage-data")
    for name, text in TABLES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def store(data):
    return build("memory", data_dirs=[data])


@pytest.fixture(scope="module")
def store_path(data, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("coverage-store") / "store"
    build(str(path), data_dirs=[data])
    return str(path)


def cli(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_a_defaulted_day_is_said_on_stderr_and_a_later_day_warns(runner, store_path):
    result = cli(runner, "query", "organizations", "--format", "csv", "--store", store_path)
    assert result.exit_code == 0
    assert "answering for 2026-11-30, the data's 'current as of' day" in result.stderr
    assert "answering for" not in result.stdout
    later = cli(runner, "query", "organizations", "--at", "2031", "--format", "csv", "--store", store_path)
    assert "warning: 2031-12-31 is after 2026-11-30" in later.stderr
    assert "answering for" not in later.stderr
    earlier = cli(runner, "query", "organizations", "--at", "2001", "--format", "csv", "--store", store_path)
    assert "answering for" not in earlier.stderr and "is after" not in earlier.stderr


def test_partial_coverage_is_said_on_stderr_and_in_json(runner, store_path):
    result = cli(runner, "query", "members", "-p", "org", "XSUC", "--format", "json", "--store", store_path)
    assert "partial coverage: XSUC memberships are incomplete (only two of its members are in the data)" \
        in result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(row["_coverage"] == [{"org": "XSUC", "kind": "memberships",
                                             "reason": "XSUC memberships are incomplete (only two "
                                                       "of its members are in the data)"}]
                        for row in rows)
    complete = cli(runner, "query", "members", "-p", "org", "XPRE", "--at", "1990", "--format", "json",
                   "--store", store_path)
    assert "partial coverage" not in complete.stderr
    assert all("_coverage" not in row for row in json.loads(complete.stdout))
    # outside the period a complete statement covers, the answer is partial again
    late = cli(runner, "query", "members", "-p", "org", "XPRE", "--at", "2010", "--format", "csv",
               "--store", store_path)
    assert "the data on XPRE memberships ends on 2000-01-01" in late.stderr
    # CSV keeps exactly the query's columns
    assert late.stdout.splitlines()[0] == "member,name,role,start,end"


def test_coverage_in_the_python_api(store):
    result = run_query(store, "members", {"org": "XSUC"})
    assert [(n.org, n.kind) for n in result.coverage] == [("XSUC", "memberships")]
    assert result.as_of is None  # `members` without `at` lists every spell: no day
    result = run_query(store, "organizations", {})
    assert result.as_of == "2026-11-30" and result.as_of_defaulted


def test_stats_lists_coverage_by_organisation_and_kind(runner, store_path):
    result = cli(runner, "stats", "--format", "csv", "--store", store_path)
    table = {(g, n): v for g, n, v in list(csv.reader(io.StringIO(result.stdout)))[1:]}
    assert table[("coverage", "XSUC memberships")] == (
        "partial, 1960-01-01 to 2026-11-30: only two of its members are in the data")
    assert table[("coverage", "XPRE memberships")] == "complete, 1950-01-01 to 2000-01-01"


def test_organizations_counts_full_members_and_other_roles_apart(store):
    result = run_query(store, "organizations", {"at": "1980"})
    got = {r["org"]: r for r in result.records()}
    assert (got["XSUC"]["members"], got["XSUC"]["observers"], got["XSUC"]["partners"]) == (2, 1, 0)


def test_a_membership_and_its_successors_count_once(store):
    # 1955: only the predecessor exists; 1980: both, counted once as the successor's
    spells = [(c.state, c.commitment, c.start.isoformat(), c.end and c.end.isoformat())
              for c in commitments(store) if c.state in ("XAAA", "XBBB")]
    assert sorted(spells) == [("XAAA", "XPRE", "1950-01-01", "1960-01-01"),
                              ("XAAA", "XSUC", "1960-01-01", None),
                              ("XBBB", "XPRE", "1950-01-01", "1960-01-01"),
                              ("XBBB", "XSUC", "1960-01-01", None)]
    assert alignment_graph(store, at="1980").edges["XAAA", "XBBB"]["via"] == "XSUC"
    assert alignment_graph(store, at="1955").edges["XAAA", "XBBB"]["via"] == "XPRE"
    graph = membership_graph(store, at="1980")
    assert "XPRE" not in graph and graph.has_edge("XAAA", "XSUC")
    assert membership_graph(store, at="1955").has_edge("XAAA", "XPRE")
    top = run_query(store, "top-shared-memberships", {"at": "1980", "limit": "100000"})
    assert ["XAAA", "XBBB", 1] in top.rows
    assert align(store, "XAAA", "XBBB", at="1980").rows


_DROP_XSUC = """PREFIX al: <https://w3id.org/alignment-kg/ontology#>
DELETE { GRAPH ?g { ?c ?p ?v } } WHERE { GRAPH ?g { ?c a al:CoverageStatement ; al:scope/al:code "XSUC" ; ?p ?v } }"""


@pytest.mark.parametrize("kind", ["memory", "directory"])
def test_coverage_statements_are_read_again_after_a_write(kind, data, tmp_path):
    """Every answer's coverage comes from statements remembered per version of the store: a
    write (an update here, in place in memory, a new generation in a directory) is seen."""
    from kg.coverage import coverage_statements
    from kg.store import open_store

    if kind == "memory":
        store = build("memory", data_dirs=[data])
    else:
        build(str(tmp_path / "store"), data_dirs=[data])
        store = open_store(str(tmp_path / "store"))
    first = coverage_statements(store)
    assert "XSUC" in {s.org for s in first}
    assert coverage_statements(store) == first
    assert store.version() == store.version()
    before = store.version()
    store.update(_DROP_XSUC, network=False)
    assert store.version() != before
    assert "XSUC" not in {s.org for s in coverage_statements(store)}
    assert [n.org for n in run_query(store, "members", {"org": "XSUC"}).coverage] == ["XSUC"]
    assert run_query(store, "members", {"org": "XSUC"}).coverage[0].reason.startswith(
        "the coverage of XSUC memberships is not declared")


def test_a_one_shot_store_reads_only_the_statements_an_answer_needs_and_answers_alike(store_dir):
    """``kg query`` (a store whose process ends after it) reads the statements of the entry's kinds
    and organisations only: the partial coverage is the same as from every statement."""
    from kg.api import open_store
    from kg.catalogue import COVERAGE_KINDS, catalogue
    from kg.coverage import coverage_statements, coverage_statements_for, partial_coverage

    store = open_store(str(store_dir))
    store.one_shot = True
    try:
        every = coverage_statements(store)
        codes = sorted({s.org for s in every if s.org is not None})
        kinds_tried = {catalogue()[name].coverage for name in catalogue()} | {(k,) for k in COVERAGE_KINDS}
        orgs_tried = [None, set(), {"NATO"}, {"NAM", "EU"}, {"XNONE"}, {'a"b\\c'}, set(codes)]
        for kinds in sorted(kinds_tried):
            for orgs in orgs_tried:
                read = coverage_statements_for(store, kinds, orgs)
                assert len(read) <= len(every)
                for day in (None, "1900-01-01", "2024-04-05", "2100-01-01"):
                    assert partial_coverage(read, kinds, orgs, day) == partial_coverage(every, kinds, orgs, day), \
                        (kinds, orgs, day)
        assert len(coverage_statements_for(store, ("memberships",), {"NATO"})) < len(every)
    finally:
        store.close()
