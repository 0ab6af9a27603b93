"""Reducers (kg/reducers.py): the ``#+ reduce:`` header, the ``top-pairs`` reducer against a
count written independently, and an entry with a reducer run on a real store."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.catalogue import catalogue, parse_entry
from kg.errors import QueryError
from kg.query import run_query
from kg.reducers import REDUCERS, reduce_rows, spells_in_force, top_pairs


def _expected(rows, limit):
    """The top pairs, counted pair by pair in plain Python (no numpy, no index)."""
    groups: dict = {}
    for group, item in rows:
        if group is not None and item is not None:
            groups.setdefault(group, set()).add(item)
    counts = Counter(pair for items in groups.values() for pair in combinations(sorted(items), 2))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if limit is not None:
        if limit < 1:
            return []
        if limit < len(ranked):
            cut = ranked[limit - 1][1]
            ranked = [kv for kv in ranked if kv[1] >= cut]
    return [[a, b, n] for (a, b), n in ranked]


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["g1", "g2", "g3", "g4", None]),
                               st.sampled_from(["AUS", "NZL", "USA", "XKX", "ÅLA", "a", "B", None])),
                     max_size=40),
       limit=st.one_of(st.none(), st.integers(min_value=-2, max_value=30)))
def test_top_pairs_counts_as_pair_by_pair(rows, limit):
    assert top_pairs([list(r) for r in rows], {"limit": limit}) == _expected(rows, limit)


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["g1", "g2", "g3"]), st.sampled_from(["A", "B", "C", "D", "E"])),
                     max_size=30),
       limit=st.one_of(st.none(), st.integers(min_value=1, max_value=12)))
def test_top_pairs_counts_the_same_without_the_dense_array(rows, limit):
    """Above DENSE_PAIRS possible pairs, the pairs are sorted and counted instead."""
    import kg.reducers

    dense = top_pairs([list(r) for r in rows], {"limit": limit})
    previous, kg.reducers.DENSE_PAIRS = kg.reducers.DENSE_PAIRS, 0
    try:
        assert top_pairs([list(r) for r in rows], {"limit": limit}) == dense == _expected(rows, limit)
    finally:
        kg.reducers.DENSE_PAIRS = previous


def test_top_pairs_keeps_the_ties_at_the_cut():
    rows = [["o1", s] for s in ("A", "B", "C")] + [["o2", s] for s in ("A", "B", "C")] + [["o3", "A"], ["o3", "D"]]
    assert top_pairs(rows, {"limit": 1}) == [["A", "B", 2], ["A", "C", 2], ["B", "C", 2]]
    assert top_pairs(rows, {"limit": 3}) == [["A", "B", 2], ["A", "C", 2], ["B", "C", 2]]
    assert top_pairs(rows, {"limit": 4}) == [["A", "B", 2], ["A", "C", 2], ["B", "C", 2], ["A", "D", 1]]
    assert top_pairs(rows, {"limit": 0}) == top_pairs(rows, {"limit": -1}) == []
    assert top_pairs(rows, {"limit": None}) == top_pairs(rows, {"limit": 99})
    assert top_pairs([], {"limit": 5}) == top_pairs([["o", "A"]], {"limit": 5}) == []


def test_spells_in_force_keeps_the_spells_of_the_day_once_per_organisation():
    eec, eu, nato = "x:EEC", "x:EU", "x:NATO"
    rows = [[eec, "FRA\t1958-01-01\t1993-11-01\nGBR\t1973-01-01\t1993-11-01\nXYZ\t1960-01-01\t", f"{eu}"],
            [eu, "FRA\t1993-11-01\t\nGBR\t1993-11-01\t2020-02-01", None],
            [nato, "FRA\t1949-08-24\t\nFRA\t1949-08-24\t\nGBR\t1949-08-24\t", None],
            ["x:EMPTY", None, None]]
    assert spells_in_force(rows, {"at": "1980-12-31"}) == [
        [eec, "FRA"], [eec, "GBR"], [eec, "XYZ"], [nato, "FRA"], [nato, "GBR"]]
    # In force from the start (inclusive) to the end (exclusive); the EEC's members in the EU
    # counted once, in the EU; GBR out of the EU on the day it left.
    assert spells_in_force(rows, {"at": "1993-11-01"}) == [
        [eec, "XYZ"], [eu, "FRA"], [eu, "GBR"], [nato, "FRA"], [nato, "GBR"]]
    assert spells_in_force(rows, {"at": "2020-02-01"}) == [
        [eec, "XYZ"], [eu, "FRA"], [nato, "FRA"], [nato, "GBR"]]
    assert spells_in_force(rows, {"at": None}) == []


def test_reduce_rows_checks_the_columns_it_reads():
    assert reduce_rows("top-pairs", ["group", "item"], [["o", "A"], ["o", "B"]], {}) == [["A", "B", 1]]
    with pytest.raises(QueryError, match="reads the columns group, item, the query gives o, a"):
        reduce_rows("top-pairs", ["o", "a"], [], {})
    with pytest.raises(QueryError, match="unknown reducer 'nope'"):
        reduce_rows("nope", [], [], {})
    rows = [["o", "A\t2000-01-01\t", None], ["o", "B\t2000-01-01\t", None]]
    assert reduce_rows(["spells-in-force", "top-pairs"], ["group", "spells", "continuedBy"], rows,
                       {"at": "2001-01-01", "limit": 5}) == [["A", "B", 1]]
    with pytest.raises(QueryError, match="'spells-in-force' reads the columns group, spells, continuedBy, "
                                         "'top-pairs' before it gives a, b, shared"):
        reduce_rows(["top-pairs", "spells-in-force"], ["group", "item"], [], {})


_QUERY = "SELECT ?group ?item WHERE { VALUES (?group ?item) { } }"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ reduce: nope\n#+ param: limit integer optional\n", "unknown reducer 'nope'"),
        ("#+ reduce: top-pairs\n", "takes the parameter\\(s\\) limit"),
        ("#+ reduce: top-pairs\n#+ reduce: top-pairs\n#+ param: limit integer optional\n", "given 2 times"),
        ("#+ reduce: top-pairs\n#+ param: limit integer optional\n#+ columns: x, y\n",
         "gives the columns a, b, shared, the header declares x, y"),
        ("#+ reduce: ,\n", "names no reducer"),
        ("#+ reduce: top-pairs, spells-in-force\n#+ param: limit integer optional\n#+ param: at date optional\n",
         "'spells-in-force' reads the columns group, spells, continuedBy, 'top-pairs' before it gives"),
        ("#+ reduce: spells-in-force, top-pairs\n#+ param: limit integer optional\n",
         "'spells-in-force' takes the parameter\\(s\\) at"),
    ],
)
def test_a_bad_reduce_header_is_an_error(header, message):
    with pytest.raises(QueryError, match=message):
        parse_entry("#+ summary: x\n" + header + _QUERY, name="bad")


def test_every_reducer_is_documented():
    for reducer in REDUCERS.values():
        assert reducer.doc and reducer.function.__doc__ and reducer.reads and reducer.gives


def test_a_users_query_may_declare_a_reducer(memory_store, tmp_path):
    """A reducer in a user's ``.rq`` file: the sandboxed evaluation, then the same reduction."""
    text = ("#+ summary: pairs of G7 members\n#+ param: limit integer optional default=2\n"
            "#+ reduce: top-pairs\n"
            "PREFIX al: <https://w3id.org/alignment-kg/ontology#>\n"
            "SELECT DISTINCT ?group ?item WHERE {\n"
            "  ?m al:organization ?group ; al:member/al:code ?item .\n"
            "  ?group al:code ?org FILTER(?org IN (\"G7\", \"NATO\"))\n}\n")
    path = tmp_path / "pairs.rq"
    path.write_text(text, encoding="utf-8")
    result = run_query(memory_store, str(path), {"limit": "1"})
    assert result.columns == ["a", "b", "shared"]
    assert result.rows and all(row[2] == 2 for row in result.rows)
    path.write_text(text.replace("DISTINCT ?group ?item", "DISTINCT ?item ?group"), encoding="utf-8")
    with pytest.raises(QueryError, match="reads the columns group, item, the query gives item, group"):
        run_query(memory_store, str(path), {})


def test_the_catalogue_entry_reduces_on_the_store(memory_store):
    entry = catalogue()["top-shared-memberships"]
    assert entry.reduce == ("spells-in-force", "top-pairs")
    everything = run_query(memory_store, entry, {"at": "1990", "limit": "1000000"})
    top = run_query(memory_store, entry, {"at": "1990", "limit": "5"})
    assert top.columns == everything.columns == ["a", "b", "shared"]
    cut = everything.rows[4][2]
    assert top.rows == [row for row in everything.rows if row[2] >= cut]
    assert len(top.rows) > 5  # a tie at the cut, all kept
