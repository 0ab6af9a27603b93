"""Alignment analytics: scores worked by hand, vectorised = pairwise, blocs, centrality, chains, changes.

The fixture (``tests/fixtures/analysis``) adds fictional states and organisations to the packaged
data. The fictional states belong only to fictional organisations, so their portfolios are known
exactly whatever the packaged data holds; only ``n``, the number of states in existence in a year,
comes from the store, and the hand computations below are written in terms of it.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import numpy as np
import pytest

from kg.analysis import (
    align,
    align_all,
    alignment_path,
    blocs,
    centrality,
    changes,
    similarity,
)
from kg.cli import main
from kg.errors import UsageError
from kg.network import TIE_LEVELS
from kg.query import run_query

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis"
FICTIONAL = {"XAVA", "XBOR", "XSYL", "XFRE", "XDEF", "XFOR", "XUNI"}


@pytest.fixture(scope="module")
def store():
    from kg.build import build

    return build("memory", data_dirs=[FIXTURE])


@pytest.fixture(scope="module")
def fixture_store_dir(tmp_path_factory) -> Path:
    from kg.build import build

    path = tmp_path_factory.mktemp("stores") / "analysis-store"
    build(str(path), data_dirs=[FIXTURE])
    return path


def states_in_system(store, year: int) -> int:
    """n: the states in existence on 31 December (the ``states`` catalogue query)."""
    return len(run_query(store, "states", {"at": f"{year}-12-31"}).rows)


# --- the formulas, on plain matrices -------------------------------------------------------------


def test_scores_worked_by_hand_on_three_states() -> None:
    # States 0 and 1 share a defence pact, 1 and 2 a forum; n = 3.
    # Portfolios: 0 = (3, 3, 0), 1 = (3, 3, 1). One difference of 1 level.
    # Absolute: d_o = (1/3) / 3 = 1/9, S = 1 - 2/9 = 7/9.
    #   p_0 = {3: 2/3, 0: 1/3}, p_1 = {3: 2/3, 1: 1/3}; weights |a - b| / 3:
    #   d_e = (2/3)(1/3)(2/3) + (1/3)(2/3)(3/3) + (1/3)(1/3)(1/3) = 4/27 + 6/27 + 1/27 = 11/27,
    #   kappa = 1 - (1/9) / (11/27) = 1 - 3/11 = 8/11.
    # Squared: d_o = (1/3)^2 / 3 = 1/27, S = 1 - 2/27 = 25/27.
    #   d_e = (2/3)(1/3)(4/9) + (1/3)(2/3)(1) + (1/3)(1/3)(1/9) = 8/81 + 18/81 + 1/81 = 1/3,
    #   kappa = 1 - (1/27) / (1/3) = 8/9.
    ties = np.array([[3, 3, 0], [3, 3, 1], [0, 1, 3]])
    s_abs, k_abs = similarity(ties)
    assert s_abs[0, 1] == pytest.approx(7 / 9) and k_abs[0, 1] == pytest.approx(8 / 11)
    s_sq, k_sq = similarity(ties, "squared")
    assert s_sq[0, 1] == pytest.approx(25 / 27) and k_sq[0, 1] == pytest.approx(8 / 9)
    # 0 and 2: (3, 3, 0) vs (0, 1, 3): |3| + |2| + |3| = 8, d_o = 8/9, S = 1 - 16/9 = -7/9.
    assert s_abs[0, 2] == pytest.approx(-7 / 9)
    assert np.allclose(s_abs, s_abs.T) and np.allclose(np.diag(s_abs), 1.0)


def test_identical_constant_portfolios_have_no_kappa() -> None:
    # Everyone allied with everyone: both rows (3, 3); d_e = 0, kappa undefined; S = 1.
    s_score, kappa = similarity(np.full((2, 2), 3))
    assert s_score[0, 1] == 1.0 and np.isnan(kappa[0, 1])


def naive(x: np.ndarray, y: np.ndarray, power: int) -> tuple[float, float]:
    """S and weighted kappa for two vectors, straight from the definitions (a loop)."""
    n = len(x)
    observed = sum((abs(a - b) / 3) ** power for a, b in zip(x, y, strict=True)) / n
    expected = sum(
        (np.sum(x == a) / n) * (np.sum(y == b) / n) * (abs(a - b) / 3) ** power
        for a, b in itertools.product(range(4), repeat=2)
    )
    return 1 - 2 * observed, (1 - observed / expected) if expected else float("nan")


@pytest.mark.parametrize("metric,power", [("absolute", 1), ("squared", 2)])
def test_matrix_products_equal_the_pairwise_definitions(metric: str, power: int) -> None:
    rng = np.random.default_rng(3)
    upper = np.triu(rng.choice(4, size=(12, 12), p=[0.6, 0.2, 0.1, 0.1]), 1)
    ties = upper + upper.T
    np.fill_diagonal(ties, 3)
    s_score, kappa = similarity(ties, metric)
    for i, j in itertools.combinations(range(12), 2):
        expected_s, expected_k = naive(ties[i], ties[j], power)
        assert s_score[i, j] == pytest.approx(expected_s)
        assert kappa[i, j] == pytest.approx(expected_k)


# --- scores from the store -----------------------------------------------------------------------


def test_align_worked_by_hand_in_1980(store) -> None:
    # On 1980-12-31: XDEF (defence, 3) has XAVA, XBOR, XSYL, NZL; XFOR (forum, 1) has XBOR, XSYL,
    # AUS; XUNI (treaty organisation) gives no tie. XFRE does not exist yet.
    # Portfolios over the n states of 1980: XAVA has 3 at XAVA, XBOR, XSYL, NZL and 0 elsewhere;
    # XBOR has the same plus 1 at AUS. d = 1, S = 1 - 2/(3n).
    # p_XAVA = {3: 4/n, 0: (n-4)/n}; p_XBOR = {3: 4/n, 1: 1/n, 0: (n-5)/n}; weights |a-b|/3:
    # 3 n^2 d_e = 4*1*2 + 4(n-5)*3 + (n-4)*4*3 + (n-4)*1*1 = 25n - 104;
    # kappa = 1 - (1/(3n)) / ((25n - 104)/(3n^2)) = 1 - n/(25n - 104).
    n = states_in_system(store, 1980)
    table = align(store, "XAVA", "XBOR", start=1980, end=1980)
    assert table.columns == ["year", "a", "b", "s_score", "kappa"]
    [[year, a, b, s_score, kappa]] = table.rows
    assert (year, a, b) == (1980, "XAVA", "XBOR")
    assert s_score == pytest.approx(1 - 2 / (3 * n))
    assert kappa == pytest.approx(1 - n / (25 * n - 104))


def test_align_worked_by_hand_in_2000(store) -> None:
    # On 2000-12-31: XSYL is gone (end 1995); XFRE exists (1993) and is only an observer in XDEF.
    # XDEF ties XAVA, XBOR, NZL; XFOR ties XBOR, AUS, XFRE.
    # XAVA: 3 at XAVA, XBOR, NZL. XFRE: 3 at XFRE, 1 at XBOR, 1 at AUS.
    # d = 3 (XAVA) + 2 (XBOR) + 3 (NZL) + 3 (XFRE) + 1 (AUS) = 12; S = 1 - 2*12/(3n) = 1 - 8/n.
    # p_XAVA = {3: 3/n, 0: (n-3)/n}; p_XFRE = {3: 1/n, 1: 2/n, 0: (n-3)/n}:
    # 3 n^2 d_e = 3*2*2 + 3(n-3)*3 + (n-3)*1*3 + (n-3)*2*1 = 14n - 30;
    # kappa = 1 - (4/n) / ((14n - 30)/(3n^2)) = 1 - 12n/(14n - 30).
    n = states_in_system(store, 2000)
    [[_, _, _, s_score, kappa]] = align(store, "XAVA", "XFRE", start=2000, end=2000).rows
    assert s_score == pytest.approx(1 - 8 / n)
    assert kappa == pytest.approx(1 - 12 * n / (14 * n - 30))


def test_years_without_both_states_are_left_out_with_a_note(store) -> None:
    table = align(store, "XSYL", "XFRE", start=1992, end=1996, digits=4)
    assert [row[0] for row in table.rows] == [1993, 1994]  # XFRE from 1993, XSYL until 1995
    assert table.notes == [
        "XSYL and XFRE do not both exist on 3 of the dates asked for (1992 ... 1996): left out"
    ]


def test_at_gives_a_date_column_and_defaults_to_current(store) -> None:
    table = align(store, "XAVA", "https://w3id.org/alignment-kg/id/state/XBOR", at="1980")
    assert table.columns[0] == "date" and table.rows[0][:3] == ["1980-12-31", "XAVA", "XBOR"]
    assert table.rows[0][3:] == align(store, "XAVA", "XBOR", start=1980, end=1980).rows[0][3:]
    assert align(store, "XAVA", "XBOR").rows[0][0] == "2026-11-30"


def test_unknown_state_and_mixed_dates_are_usage_errors(store) -> None:
    with pytest.raises(UsageError, match="unknown state 'XAVAA'; nearest: XAVA "):
        align(store, "XAVAA", "XBOR", at="1980")
    with pytest.raises(UsageError, match="either --at or --from/--to"):
        align(store, "XAVA", "XBOR", at="1980", start=1980)


def test_align_all_equals_align_for_every_pair(store) -> None:
    series = align_all(store, start=1980, end=1981)
    assert series.columns == ["year", "a", "b", "s_score", "kappa"]
    years = list(series.chunks())
    for year, rows in zip((1980, 1981), years, strict=True):
        n = states_in_system(store, year)
        assert len(rows) == n * (n - 1) // 2
        assert all(r[0] == year and r[1] < r[2] for r in rows)
    by_pair = {(r[1], r[2]): r for r in years[0]}
    for a, b in [("XAVA", "XBOR"), ("NZL", "XSYL"), ("AUS", "NZL")]:
        expected = align(store, a, b, start=1980, end=1980).rows[0]
        assert by_pair[(a, b)][3] == pytest.approx(expected[3])
        assert by_pair[(a, b)][4] == pytest.approx(expected[4])


def test_every_organisation_kind_has_a_tie_level(store) -> None:
    kinds = run_query(
        store,
        "SELECT ?code WHERE { ?k a <https://w3id.org/alignment-kg/ontology#OrganizationKind> ; "
        "<https://w3id.org/alignment-kg/ontology#code> ?code }",
    ).rows
    assert kinds and {k for (k,) in kinds} <= set(TIE_LEVELS)


# --- blocs, centrality, chains, changes ----------------------------------------------------------


def test_blocs_are_reproducible(store) -> None:
    first = blocs(store, at="1980", seed=11)
    assert blocs(store, at="1980", seed=11).rows == first.rows
    assert first.columns == ["bloc", "size", "state", "name"]
    bloc_of = {row[2]: row[0] for row in first.rows}
    assert bloc_of["XAVA"] == bloc_of["XBOR"] == bloc_of["XSYL"]
    assert len(bloc_of) == states_in_system(store, 1980)  # every state, ties or not
    sizes = [row[1] for row in first.rows]
    assert sizes == sorted(sizes, reverse=True)


def test_centrality_of_the_fixture(store) -> None:
    table = centrality(store, at="1980")
    rows = {row[0]: row for row in table.rows}
    assert table.columns == ["node", "name", "kind", "degree", "betweenness", "eigenvector"]
    assert rows["XDEF"][2:4] == ["collective-defence-alliance", 4]  # XAVA, XBOR, XSYL, NZL
    assert rows["XAVA"][2:5] == ["state", 1, 0.0]  # a leaf: on no one's shortest path
    assert "XUNI" not in rows  # universal organisations are left out by default
    assert {row[0]: row for row in centrality(store, at="1980", include_universal=True).rows}[
        "XAVA"][3] == 2
    betweenness = [row[4] for row in table.rows]
    assert betweenness == sorted(betweenness, reverse=True)


def test_shortest_chain_goes_through_the_alliance(store) -> None:
    table = alignment_path(store, "XAVA", "XFRE", at="2005")
    assert table.columns == ["step", "from", "to", "link", "detail", "start", "end", "sources"]
    assert table.rows == [
        [1, "XAVA", "XDEF", "membership", "founding member", "1960", "", "fixture"],
        [2, "XDEF", "XFRE", "membership", "observer", "2000", "", "fixture"],
        [2, "XDEF", "XFRE", "partnership", "XPFP (active)", "1998", "", "fixture"],
    ]
    assert [r[:3] for r in alignment_path(store, "XSYL", "XAVA", at="1980").rows] == [
        [1, "XSYL", "XDEF"], [2, "XDEF", "XAVA"]]


def test_no_chain_is_an_empty_table_with_a_note(store) -> None:
    table = alignment_path(store, "XFRE", "XAVA", at="1993-02")  # XFRE exists, joins nothing yet
    assert table.rows == []
    assert table.notes == ["XFRE has no membership or partnership on 1993-02-28"]
    with pytest.raises(UsageError):
        alignment_path(store, "NOPE", "XAVA", at="1980")


def test_changes_between_two_dates(store) -> None:
    table = changes(store, "1990", "2005")
    assert table.columns == ["date", "change", "actor", "with", "detail", "sources"]
    mine = [row[:5] for row in table.rows if row[2] in FICTIONAL or row[3] in FICTIONAL]
    assert mine == [
        ["1993-05-01", "joined", "XFRE", "XFOR", "member"],
        ["1993-05-01", "joined", "XFRE", "XUNI", "member"],
        ["1995", "left", "XSYL", "XFOR", "founding member"],
        ["1995", "left", "XSYL", "XUNI", "founding member"],
        ["1998", "partnership", "XFRE", "XDEF", "XPFP negotiating"],
        ["2000", "joined", "XFRE", "XDEF", "observer"],
        ["2001-03-15", "partnership", "XFRE", "XDEF", "XPFP active"],
    ]
    # XSYL left XDEF on 1990-06-30: before the end of 1990, so not a change after it.
    assert [r[1:4] for r in changes(store, "1989", "1990", org="XDEF").rows] == [
        ["left", "XSYL", "XDEF"]]
    assert [r[3] for r in changes(store, "1990", "2005", state="XSYL").rows] == ["XFOR", "XUNI"]


# --- the command line ----------------------------------------------------------------------------


def test_kg_align_two_states_csv(runner, fixture_store_dir, store) -> None:
    result = runner.invoke(main, ["align", "XAVA", "XBOR", "--from", "1979", "--to", "1981",
                                  "--format", "csv", "--store", str(fixture_store_dir)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["year", "a", "b", "s_score", "kappa"]
    assert [r[0] for r in rows[1:]] == ["1979", "1980", "1981"]
    n = states_in_system(store, 1980)
    assert rows[2][3] == str(round(1 - 2 / (3 * n), 4))
    assert rows[2][4] == str(round(1 - n / (25 * n - 104), 4))


def test_kg_align_nzl_aus_on_the_packaged_data(kg) -> None:
    result = kg("align", "NZL", "AUS", "--from", "2000", "--to", "2024", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["year", "a", "b", "s_score", "kappa"]
    assert [int(r[0]) for r in rows[1:]] == list(range(2000, 2025))
    assert all(-1 <= float(r[3]) <= 1 and r[4] != "" for r in rows[1:])


def test_kg_align_all_to_a_file(runner, fixture_store_dir, store, tmp_path) -> None:
    out = tmp_path / "dyads.csv"
    result = runner.invoke(main, ["align", "--all", "--from", "1980", "--to", "1981", "-o", str(out),
                                  "--store", str(fixture_store_dir)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    expected = sum(n * (n - 1) // 2 for n in (states_in_system(store, y) for y in (1980, 1981)))
    assert rows[0] == ["year", "a", "b", "s_score", "kappa"] and len(rows) == expected + 1
    assert ["1980", "XAVA", "XBOR"] == next(r for r in rows if r[1:3] == ["XAVA", "XBOR"])[:3]
    jsonl = runner.invoke(main, ["align", "--all", "--at", "1980", "--format", "jsonl",
                                 "--store", str(fixture_store_dir)])
    n = states_in_system(store, 1980)
    assert len(jsonl.stdout.splitlines()) == n * (n - 1) // 2
    assert jsonl.stdout.splitlines()[0].startswith('{"date": "1980-12-31", "a": ')


@pytest.mark.parametrize(
    "args",
    [["align", "NZL"], ["align", "--all", "NZL", "AUS"], ["align", "NZL", "AUSS"],
     ["align", "NZL", "AUS", "--at", "2024", "--from", "2000"]],
)
def test_kg_align_usage_errors(kg, args: list[str]) -> None:
    result = kg(*args)
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "args,header",
    [
        (["analyse", "blocs", "--at", "1980", "--per-state"], "bloc,size,state,name"),
        (["analyse", "blocs", "--at", "1980"], "bloc,size,ties,members"),
        (["analyse", "centrality", "--at", "1980"], "node,name,kind,degree,betweenness,eigenvector"),
        (["analyse", "path", "XAVA", "XFRE", "--at", "2005"],
         "step,from,to,link,detail,start,end,sources"),
        (["analyse", "changes", "--from", "1990", "--to", "2005", "--org", "XDEF"],
         "date,change,actor,with,detail,sources"),
    ],
)
def test_kg_analyse_commands(runner, fixture_store_dir, args: list[str], header: str) -> None:
    result = runner.invoke(main, [*args, "--format", "csv", "--store", str(fixture_store_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == header and len(result.stdout.splitlines()) > 1


def test_kg_analyse_has_help_with_examples(runner) -> None:
    for name in ("blocs", "centrality", "path", "changes"):
        result = runner.invoke(main, ["analyse", name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output


def test_imported_treaty_obligations_tie_states(store) -> None:
    """The hook for the ATOP/COW importers: memberships carrying ``al:obligation``.

    A fictional imported alliance XATP (kind formal-alliance, which gives no tie by itself) with
    XAVA under a defence obligation and XFRE under a consultation obligation from 1995: through
    it the two are tied at the lower level, 1; XAVA had no tie to XFRE before.
    """
    from kg.build import build
    from kg.network import alignment_graph

    changed = build("memory", data_dirs=[FIXTURE], validate=False)  # a store of its own to change
    changed.update("""
        PREFIX al: <https://w3id.org/alignment-kg/ontology#>
        PREFIX org: <https://w3id.org/alignment-kg/id/org/>
        PREFIX state: <https://w3id.org/alignment-kg/id/state/>
        PREFIX m: <https://w3id.org/alignment-kg/id/membership/>
        PREFIX kind: <https://w3id.org/alignment-kg/id/kind/>
        PREFIX role: <https://w3id.org/alignment-kg/id/role/>
        PREFIX ob: <https://w3id.org/alignment-kg/id/obligation/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { GRAPH <https://w3id.org/alignment-kg/graph/test-import> {
          org:XATP a al:Organization , al:Alliance ; al:code "XATP" ; al:kind kind:formal-alliance .
          m:XATP-XAVA a al:Membership ; al:organization org:XATP ; al:member state:XAVA ;
            al:role role:member ; al:start "1995-01-01"^^xsd:date ; al:obligation ob:defence .
          m:XATP-XFRE a al:Membership ; al:organization org:XATP ; al:member state:XFRE ;
            al:role role:member ; al:start "1995-01-01"^^xsd:date ; al:obligation ob:consultation .
        } }""")
    imported = changed
    assert not alignment_graph(store, at="2000").has_edge("XAVA", "XFRE")
    edge = alignment_graph(imported, at="2000").edges["XAVA", "XFRE"]
    assert edge == {"level": 1, "weight": 1, "via": "XATP"}
    # As in 2000 above, but XAVA's portfolio has 1 at XFRE and XFRE's 1 at XAVA: the XAVA column
    # differs by |3 - 1| = 2 instead of 3, the XFRE column by |1 - 3| = 2 instead of 3; d = 10.
    n = states_in_system(store, 2000)
    [[_, _, _, s_score, _]] = align(imported, "XAVA", "XFRE", start=2000, end=2000).rows
    assert s_score == pytest.approx(1 - 2 * 10 / (3 * n))


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "markdown", "json", "table"])
def test_align_all_is_a_table_written_a_date_at_a_time_as_if_whole(store, fmt) -> None:
    """`align_all` is a Tabular like every other answer: streamed a date at a time, its text is
    the text of all its rows written at once; a date without pairs adds no second header."""
    import io

    from kg.formats import write_rows
    from kg.table import Tabular

    series = align_all(store, start=1980, end=1981)
    assert isinstance(series, Tabular)
    rows = list(series.rows)
    assert rows == [row for chunk in series.chunks() for row in chunk] and len(series.rows) == len(rows)
    assert series.records()[0] == dict(zip(series.columns, rows[0], strict=True))
    streamed, whole = io.StringIO(), io.StringIO()
    assert series.write(streamed, fmt) == len(rows)
    write_rows(whole, series.columns, rows, fmt)
    assert streamed.getvalue() == whole.getvalue()
    from kg.formats import write_chunks

    gapped = io.StringIO()
    assert write_chunks(gapped, series.columns, [[], rows[:2], [], rows[2:3]], fmt) == 3
    again = io.StringIO()
    write_rows(again, series.columns, rows[:3], fmt)
    assert gapped.getvalue() == again.getvalue()
