"""The catalogue queries rewritten so that their cost follows their answer (issue 18) give the
same answers, row by row and in order, as the texts they replaced (kept in
``tests/fixtures/queries-before/``): on the shipped data, on the shipped data with the real ATOP
import, and on a generated world. So do the projections' queries (``kg/sparql/``) and `align A B`
read from the pair's portfolios.

Each rewritten entry runs, for many parameter sets, once as it is and once with its old text put
in its place in the catalogue; the answers must be equal, and enough of them must have rows for
the comparison to mean something.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import import_into, shared_path

from kg.catalogue import catalogue, parse_entry
from kg.query import run_query
from kg.sparqltext import read_query
from kg.store import open_store

BEFORE = Path(__file__).resolve().parent / "fixtures" / "queries-before"
SPARQL = Path(__file__).resolve().parents[1] / "kg" / "sparql"
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

STATES = ["NZL", "AUS", "USA", "GBR", "FRA", "DEU", "RUS", "CHN", "JPN", "KOR", "UKR", "TUR",
          "IND", "IDN", "VEN", "MAR", "CZE", "SRB", "YEM", "GRC", "ESP", "CAN", "BRA", "ZAF",
          "EGY", "SWE", "FIN", "AUT", "IRL", "MLT", "GEO", "KAZ", "MLI", "GIN"]
ORGS = ["NATO", "EU", "UN", "ASEAN", "APEC", "OSCE", "G20", "AU", "ECOWAS", "CWLTH", "OECD",
        "SEATO", "ANZUS", "PIF", "G7", "CSTO", "SCO", "BRICS"]
DAYS = [None, "1960", "1990-01-01", "2004-05-01", "2014"]
#: Date windows (`from`, `to`) for the entries that take them (joiners, leavers): all of time,
#: the founding years of the post-war organisations, the 1990s and NATO's 2004 enlargement
#: (to the day), and one day.
WINDOWS = [("1800", "2030"), ("1945", "1960"), ("1990", "2004-05-01"), ("2004-03-29", "2004-03-29")]
#: Limits for the entries that take one (top-shared-memberships), one per day (in the order of
#: DAYS; one set per day, as the old text takes seconds): the default, more than there are rows
#: (in 1960: the old text's cost grows with the square of its answer), one, none, a few. Ties at
#: the cut are kept (checked in _compare).
LIMITS = [None, "1000000", "1", "0", "3"]


def _old(name: str):
    entry = catalogue()[name]
    return parse_entry((BEFORE / f"{name}.rq").read_text(encoding="utf-8"), name=name, path=entry.path)


def _answers(store, name: str, params: dict[str, str], monkeypatch) -> tuple[list, list]:
    new = run_query(store, name, params)
    with monkeypatch.context() as patch:
        patch.setitem(catalogue(), name, _old(name))
        old = run_query(store, name, params)
    return old.columns + old.rows, new.columns + new.rows


def _param_sets(name: str, states: list[str], orgs: list[str]) -> list[dict[str, str]]:
    entry = catalogue()[name]
    names = {p.name for p in entry.parameters}
    days = DAYS if "at" in names else [None]
    windows = WINDOWS if {"from", "to"} <= names else [None]
    sets: list[dict[str, str]] = []
    for day, window in ((d, w) for d in days for w in windows):
        extra = {"at": day} if day else {}
        if window:
            extra.update({"from": window[0], "to": window[1]})
            if "org" in names:  # every organisation as well as each one
                sets.append(dict(extra))
        if names >= {"a", "b"} and entry.parameter("a").type == "org":
            sets += [{"a": a, "b": b, **extra} for a, b in zip(orgs, orgs[1:] + orgs[:1])]
        elif names >= {"a", "b"}:
            sets += [{"a": a, "b": b, **extra} for a, b in zip(states, states[1:] + states[:1])]
        elif "state" in names:
            sets += [{"state": s, **extra} for s in states]
        elif "org" in names:
            sets += [{"org": o, **extra} for o in orgs]
        elif "subject" in names:
            sets += [{"subject": s, **extra} for s in states + orgs]
        elif "limit" in names:
            limit = LIMITS[days.index(day) % len(LIMITS)]
            sets.append(extra if limit is None else {"limit": limit, **extra})
        else:
            sets.append(extra)
    return sets


REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))


def _compare(store, name: str, states: list[str], orgs: list[str], monkeypatch) -> None:
    sets = _param_sets(name, states, orgs)
    assert sets, name
    limit = catalogue()[name].parameter("limit")
    default = int(limit.default) if limit is not None and limit.default else 0
    with_rows = ties = 0
    for params in sets:
        old, new = _answers(store, name, params, monkeypatch)
        assert new == old, (name, params)
        with_rows += len(new) > 1
        ties += 0 < int(params.get("limit", default)) < len(new) - 1
    # A comparison of empty answers proves nothing: most parameter sets must have rows.
    assert with_rows >= len(sets) // 4, (name, with_rows, len(sets))
    # With a limit, at least one answer must have kept ties at the cut (more rows than the limit).
    assert ties or limit is None, name


def test_every_rewritten_entry_has_its_old_text():
    assert REWRITTEN, "tests/fixtures/queries-before/ is empty"
    for name in REWRITTEN:
        assert name in catalogue()
        assert _old(name).text != catalogue()[name].text, f"{name}: not rewritten"


@pytest.mark.parametrize("name", REWRITTEN)
def test_same_answers_on_the_shipped_data(name, store_dir, monkeypatch):
    _compare(open_store(str(store_dir)), name, STATES, ORGS, monkeypatch)


@pytest.fixture(scope="module")
def atop_store(store_dir, tmp_path_factory) -> Path:
    """The shipped data with the real ATOP 4.01 member-level file imported."""

    source = shared_path("datasets", "atop-v4.01-member-level.csv")
    path = tmp_path_factory.mktemp("atop") / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    import_into("atop", source, str(path))
    return path


@pytest.mark.parametrize("name", REWRITTEN)
def test_same_answers_with_the_atop_import(name, atop_store, monkeypatch):
    _compare(open_store(str(atop_store)), name, STATES, ORGS, monkeypatch)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, list[str], list[str]]:
    """A generated world of 10k triples on the shipped data, and its busiest states and orgs."""
    spec = importlib.util.spec_from_file_location("kg_benchmarks_generate_rw", BENCHMARKS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    base = tmp_path_factory.mktemp("world")
    module.generate(base / "tables", 10_000, seed=5)
    from kg.build import build

    build(str(base / "store"), data_dirs=[base / "tables"])
    with (base / "tables" / "memberships.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    states = [c for c, _ in Counter(r["member"] for r in rows).most_common(12)]
    orgs = [c for c, _ in Counter(r["org"] for r in rows).most_common(8)]
    return base / "store", states + ["NZL", "FRA"], orgs + ["NATO"]


@pytest.mark.parametrize("name", REWRITTEN)
def test_same_answers_on_a_generated_world(name, world, monkeypatch):
    path, states, orgs = world
    _compare(open_store(str(path)), name, states, orgs, monkeypatch)


# ---------------------------------------------------------------------------------------------
# The projections' queries (kg/sparql/) and the alignment of one pair from its portfolios
# ---------------------------------------------------------------------------------------------

SPARQL_REWRITTEN = sorted(p.name for p in (BEFORE / "sparql").glob("*.rq"))
PAIRS = [("NZL", "AUS"), ("USA", "RUS"), ("FRA", "DEU"), ("GBR", "IRL"), ("UKR", "RUS"),
         ("DEU", "DDR"), ("TUR", "GRC"), ("IND", "PAK")]


def _solutions(store, text: str) -> list[tuple]:
    result = store.query(text)
    columns = [v.value for v in result.variables]
    return [tuple(None if s[c] is None else str(s[c]) for c in columns) for s in result]


def _source_ids(store):
    """Every fact's source ids (``kg/sparql/fact_sources.rq`` over the whole store), as a set each."""
    from collections import defaultdict

    ids = defaultdict(set)
    for s in store.select(read_query(SPARQL / "fact_sources.rq")):
        ids[s["fact"].value].add(s["id"].value)
    return ids


def _stores(store_dir, atop_store, world):
    return [("shipped", store_dir, PAIRS), ("atop", atop_store, PAIRS),
            ("world", world[0], list(zip(world[1][:6], world[1][1:7])) + PAIRS[:2])]


@pytest.mark.parametrize("name", SPARQL_REWRITTEN)
def test_projection_queries_give_the_same_rows(name, store_dir, atop_store, world):
    new_text = read_query(SPARQL / name)
    old_text = (BEFORE / "sparql" / name).read_text(encoding="utf-8")
    assert new_text != old_text
    for label, path, _ in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        old, new = _solutions(store, old_text), _solutions(store, new_text)
        assert new == old, label
        assert len(new) > 100, label


def test_the_atop_store_has_treaty_obligations(atop_store):
    """The ATOP import is what exercises the obligations branch of the commitments."""
    from kg.network import commitments

    kinds = {c.kind for c in commitments(open_store(str(atop_store)))}
    assert {"defence", "consultation"} <= kinds


def test_the_analytics_tables_hold_the_rows_of_alignment_commitments(store_dir, atop_store, world):
    """The derived graph's ``al:commitmentSpells``, which ``commitments`` and ``align`` read,
    hold the rows of ``kg/sparql/alignment_commitments.rq`` (the commitments' definition, which
    they were read from before), row by row."""
    from kg.projection.readers import _table_rows, spell_tables

    text = read_query(SPARQL / "alignment_commitments.rq")
    columns = ("state", "commitment", "kind", "start", "end")
    for label, path, _ in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        expected = sorted(tuple(s[c].value if s[c] is not None else None for c in columns)
                          for s in store.select(text))
        tables = spell_tables(store)
        got = sorted(tuple(row[c] for c in columns) for row in _table_rows(tables, tables))
        assert got == expected, label
        assert len(got) > 100, label


def test_the_network_edges_table_holds_the_rows_of_network_edges(store_dir, atop_store, world):
    """The derived graph's ``al:networkEdges``, which the projections read, hold the rows of
    ``kg/sparql/network_edges.rq`` with the sources of ``fact_sources.rq`` (what the projections
    read before), row by row and in its order."""

    from kg.dates import parse_date
    from kg.network import alignment_network, edge_rows
    from kg.projection.graphs import _network
    from kg.projection.readers import _node_rows
    from kg.query import value_of

    edges = read_query(SPARQL / "network_edges.rq")
    for label, path, _ in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        ids = _source_ids(store)
        expected = []
        for s in store.select(edges):
            row = {v: value_of(s[v]) for v in ("kind", "source", "target", "label", "start", "end", "fact",
                                                "sourceIri", "targetIri")}
            row["sources"] = "; ".join(sorted(ids.get(row["fact"], ())))
            expected.append(row)
        got = edge_rows(store)
        assert sorted(map(repr, got)) == sorted(map(repr, expected)), label
        order = ("kind", "source", "target", "label", "start")
        assert [[r[c] for c in order] for r in got] == [[r[c] for c in order] for r in expected], label
        assert len(got) > 100, label
        # The whole network (kg viz, kg network) as it was built from the rows read before.
        for day in (None, "1990"):
            graph = alignment_network(store, at=day)
            before = _network(_node_rows(store), expected, None if day is None else parse_date(day).last_day())
            assert _graph_facts(graph) == _graph_facts(before), (label, day)


def test_the_partnership_steps_table_holds_the_rows_of_network_steps(store_dir, atop_store, world):
    """The derived graph's ``al:partnershipSteps``, which the partnerships projection and
    ``changes`` read, hold the rows of ``kg/sparql/network_steps.rq`` with the steps' sources."""
    from collections import defaultdict

    from kg.projection.readers import _partnerships
    from kg.query import value_of

    def key(row):
        return tuple((x is not None, x or "") for x in row)

    steps = read_query(SPARQL / "network_steps.rq")
    for label, path, _ in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        ids = _source_ids(store)
        expected = defaultdict(list)
        for s in store.select(steps):
            row = {c: value_of(s[c]) for c in ("partnership", "partner", "counterpart", "framework", "status",
                                               "start", "end", "step", "partnerIri", "counterpartIri")}
            expected[row["partnership"]].append(
                (row["start"], row["end"], row["status"], "; ".join(sorted(ids.get(row["step"], ()))),
                 row["partner"], row["counterpart"], row["framework"], row["partnerIri"], row["counterpartIri"]))
        got = {p.code: sorted((step + (p.partner, p.counterpart, p.framework, p.partner_iri, p.counterpart_iri)
                               for step in p.steps), key=key) for p in _partnerships(store)}
        assert got == {code: sorted(rows, key=key) for code, rows in expected.items()}, label
        assert len(got) > 20, label


def _graph_facts(graph):
    """A graph's nodes and edges with their attributes, in a comparable order."""
    return (sorted((n, sorted(a.items())) for n, a in graph.nodes(data=True)),
            sorted((u, v, sorted(a.items())) for u, v, a in graph.edges(data=True)))


def test_the_state_spans_table_gives_the_periods_the_store_gives(store_dir, atop_store, world):
    """``state_spans`` reads the derived graph's ``al:stateSpans``; it gives every state's period
    as the query it replaced gives it (each date cut to its precision, then its first day)."""
    from kg.network import state_spans
    from kg.projection.rules import _first

    al = "https://w3id.org/alignment-kg/ontology#"
    text = (f"SELECT ?code ?s ?sp ?e ?ep WHERE {{ ?x a <{al}State> ; <{al}code> ?code . "
            f"OPTIONAL {{ ?x <{al}start> ?s }} OPTIONAL {{ ?x <{al}startPrecision> ?sp }} "
            f"OPTIONAL {{ ?x <{al}end> ?e }} OPTIONAL {{ ?x <{al}endPrecision> ?ep }} }}")

    def day(value, precision):
        if value is None:
            return None
        cut = {"year": 4, "month": 7}.get(precision.value.rpartition("#")[2] if precision else "", None)
        return _first(value.value[:cut])

    for label, path, _ in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        expected = {s["code"].value: (day(s["s"], s["sp"]), day(s["e"], s["ep"])) for s in store.select(text)}
        assert state_spans(store) == expected, label
        assert len(expected) > 100 and any(end for _, end in expected.values()), label


def test_commitments_of_states_are_those_of_every_state_in_their_commitments(store_dir, atop_store, world):
    from kg.network import commitments, commitments_of

    for label, path, pairs in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        every = commitments(store)
        for pair in pairs:
            held = {c.commitment for c in every if c.state in pair}
            expected = sorted(repr(c) for c in every if c.commitment in held)
            got = sorted(repr(c) for c in commitments_of(store, pair) if c.commitment in held)
            assert got == expected and expected, (label, pair)


def test_one_pair_is_aligned_as_in_the_whole_system(store_dir, atop_store, world):
    """`align A B` reads only the pair's portfolios; its scores are those computed from every
    state's spells (the whole tie matrix), exactly, for every year and on one day."""
    from kg.analysis import AlignmentSystem, align

    for label, path, pairs in _stores(store_dir, atop_store, world):
        store = open_store(str(path))
        whole = AlignmentSystem(store)
        for a, b in pairs:
            for kwargs in ({"start": 1946, "end": 2024}, {"at": "1990-06-30"}):
                mine = align(store, a, b, **kwargs)
                reference = _align_from_matrix(whole, store, a, b, **kwargs)
                assert mine.rows == reference, (label, a, b, kwargs)
            assert any(row[3] not in (None, 1.0) for row in align(store, a, b, start=1946, end=2024).rows)


def _align_from_matrix(system, store, a, b, **kwargs):
    """The scores as `align` computed them before issue 18: rows i and j of the whole tie matrix."""
    from kg.analysis import _days, _pair

    rows = []
    for label, day in _days(store, kwargs.get("at"), kwargs.get("start"), kwargs.get("end"))[1]:
        codes, ties = system.ties(day)
        if a in codes and b in codes:
            s_score, kappa = _pair(ties, codes.index(a), codes.index(b), "absolute")
            rows.append([label, a, b, s_score, None if kappa != kappa else kappa])
    return rows


def test_the_summary_tables_keep_any_text(store_dir, tmp_path, monkeypatch):
    """A summary with a line feed, one that starts with "%" and one with "TAB %" inside are
    written to the summary tables encoded and read back as they are: `single-source` and
    `year-precision` give the old texts' answers, those summaries included."""
    from conftest import load_into

    events = {"%X-ONE": "Summit of\ntwo lines", "X-TWO": "tab\t%inside", "X-THREE": "plain 100%"}
    turtle = ["@prefix al: <https://w3id.org/alignment-kg/ontology#> .",
              "@prefix prov: <http://www.w3.org/ns/prov#> .",
              "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
              "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
              '<https://example.org/source/s> a al:Source ; al:code "example-source" .']
    for n, (code, label) in enumerate(events.items()):
        text = label.replace("\n", "\\n").replace("\t", "\\t")
        turtle.append(f'<https://example.org/event/{n}> a al:Event ; al:code "{code}" ; rdfs:label "{text}" ; '
                      f'al:start "199{n}-01-01"^^xsd:date ; al:startPrecision al:year ; '
                      "prov:wasDerivedFrom <https://example.org/source/s> .")
    data = tmp_path / "events.ttl"
    data.write_text("\n".join(turtle) + "\n", encoding="utf-8")
    path = tmp_path / "store"
    shutil.copytree(store_dir, path, symlinks=True)
    load_into(path, [data])
    store = open_store(str(path))
    summaries = {f"{code}: {label}" for code, label in events.items()}
    for name in ("single-source", "year-precision"):  # the fact is the first column of both
        old, new = _answers(store, name, {}, monkeypatch)
        assert new == old, name
        assert summaries <= {row[0] for row in new[1:]}, name
