"""Projections of the graph into NetworkX, on the fixture of ``tests/fixtures/analysis``, and the
GraphML, GEXF and node-link JSON files ``kg network`` writes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.cli import main
from kg.network import (
    PROJECTIONS,
    alignment_graph,
    alignment_network,
    ego_network,
    membership_graph,
    partnership_graph,
    projection,
    write_graph,
)
from kg.query import run_query

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis"
FICTIONAL_STATES = {"XAVA", "XBOR", "XSYL", "XFRE"}
FICTIONAL_ORGS = {"XDEF", "XFOR", "XUNI"}


@pytest.fixture(scope="module")
def store():
    from kg.build import build

    return build("memory", data_dirs=[FIXTURE])


@pytest.fixture(scope="module")
def fixture_store_dir(tmp_path_factory) -> Path:
    from kg.build import build

    path = tmp_path_factory.mktemp("stores") / "network-store"
    build(str(path), data_dirs=[FIXTURE])
    return path


def fixture_edges(graph: nx.Graph, touching: set[str]) -> set[tuple[str, str]]:
    return {tuple(sorted((u, v))) for u, v in graph.edges() if u in touching or v in touching}


def test_membership_graph_in_1980(store) -> None:
    graph = membership_graph(store, at="1980")
    assert graph.graph == {"projection": "memberships", "at": "1980-12-31"}
    assert fixture_edges(graph, FICTIONAL_ORGS) == {
        ("XAVA", "XDEF"), ("XBOR", "XDEF"), ("XDEF", "XSYL"), ("NZL", "XDEF"),
        ("XBOR", "XFOR"), ("XFOR", "XSYL"), ("AUS", "XFOR"),
        ("XAVA", "XUNI"), ("XBOR", "XUNI"), ("XSYL", "XUNI"), ("NZL", "XUNI"), ("AUS", "XUNI"),
    }
    assert set(graph["XAVA"]) == {"XDEF", "XUNI"}  # the fictional states join only these
    assert graph.edges["XSYL", "XDEF"] == {
        "kind": "membership", "member": "XSYL", "organization": "XDEF",
        "role": "founding member", "start": "1960", "end": "1990-06-30", "sources": "fixture",
    }
    assert graph.nodes["XDEF"] == {
        "kind": "organization", "label": "Fixture Defence Pact", "code": "XDEF",
        "org_kind": "collective-defence-alliance", "bipartite": 1,
    }
    assert graph.nodes["XAVA"]["bipartite"] == 0


def test_membership_graph_in_2005_keeps_observers(store) -> None:
    graph = membership_graph(store, at="2005")
    assert fixture_edges(graph, FICTIONAL_ORGS) == {
        ("XAVA", "XDEF"), ("XBOR", "XDEF"), ("NZL", "XDEF"), ("XDEF", "XFRE"),
        ("XBOR", "XFOR"), ("AUS", "XFOR"), ("XFOR", "XFRE"),
        ("XAVA", "XUNI"), ("XBOR", "XUNI"), ("XFRE", "XUNI"), ("NZL", "XUNI"), ("AUS", "XUNI"),
    }
    assert graph.edges["XFRE", "XDEF"]["role"] == "observer"
    assert "XSYL" not in graph


def test_partnership_graph_follows_the_steps(store) -> None:
    assert not partnership_graph(store, at="1997").has_node("XFRE")
    before = partnership_graph(store, at="1999")
    assert before.edges["XFRE", "XDEF", "XPFP"]["status"] == "negotiating"
    after = partnership_graph(store, at="2005")
    assert after.edges["XFRE", "XDEF", "XPFP"] == {
        "kind": "partnership", "partnership": "XFRE-XDEF-XPFP", "partner": "XFRE",
        "counterpart": "XDEF", "framework": "XPFP", "status": "active", "start": "1998",
        "end": "", "sources": "fixture",
    }
    assert fixture_edges(after, {"XFRE"}) == {("XDEF", "XFRE")}


def test_alignment_graph_in_1980(store) -> None:
    graph = alignment_graph(store, at="1980")
    assert graph.number_of_nodes() == len(run_query(store, "states", {"at": "1980-12-31"}).rows)
    assert {"XAVA", "XBOR", "XSYL"} <= set(graph) and "XFRE" not in graph
    found = {
        (u, v) if u < v else (v, u): attrs
        for u, v, attrs in graph.edges(data=True)
        if u in FICTIONAL_STATES or v in FICTIONAL_STATES
    }
    defence = {"level": 3, "weight": 3, "via": "XDEF"}
    forum = {"level": 1, "weight": 1, "via": "XFOR"}
    assert found == {
        ("XAVA", "XBOR"): defence, ("XAVA", "XSYL"): defence, ("NZL", "XAVA"): defence,
        ("XBOR", "XSYL"): {"level": 3, "weight": 4, "via": "XDEF; XFOR"},
        ("NZL", "XBOR"): defence, ("NZL", "XSYL"): defence,
        ("AUS", "XBOR"): forum, ("AUS", "XSYL"): forum,
    }


def test_the_whole_network_as_of_a_day_has_no_tooltips(store) -> None:
    graph = projection(store, "all", at="2005")
    assert isinstance(graph, nx.MultiDiGraph) and graph.graph["at"] == "2005-12-31"
    assert {(u, v, a["kind"]) for u, v, a in graph.edges(data=True) if u == "XFRE"} == {
        ("XFRE", "XDEF", "membership"), ("XFRE", "XDEF", "partnership"),
        ("XFRE", "XFOR", "membership"), ("XFRE", "XUNI", "membership"),
    }
    assert not any("tooltip" in a for _, a in graph.nodes(data=True))
    assert not any("tooltip" in a for *_, a in graph.edges(data=True))


def test_ego_network_does_not_go_through_universal_organisations(store) -> None:
    graph = alignment_network(store, at="1980")
    ego = ego_network(graph, "XAVA", 2)
    assert {"XDEF", "XUNI", "XBOR", "XSYL", "NZL"} <= set(ego)
    assert "AUS" not in ego  # only through XUNI (universal) at distance 2
    assert "AUS" in ego_network(graph, "XUNI", 1)  # the focus itself is always gone through


def test_a_code_shared_by_a_state_and_an_organisation_makes_two_nodes(store) -> None:
    """As with Namibia (NAM) and the Non-Aligned Movement (NAM): the state keeps the code."""
    from kg.build import build

    changed = build("memory", data_dirs=[FIXTURE], validate=False)  # a store of its own to change
    changed.update("""
        PREFIX al: <https://w3id.org/alignment-kg/ontology#>
        PREFIX org: <https://w3id.org/alignment-kg/id/org/>
        PREFIX state: <https://w3id.org/alignment-kg/id/state/>
        PREFIX kind: <https://w3id.org/alignment-kg/id/kind/>
        PREFIX role: <https://w3id.org/alignment-kg/id/role/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { GRAPH <https://w3id.org/alignment-kg/graph/test> {
          org:XSYL a al:Organization ; al:code "XSYL" ; al:kind kind:forum .
          <https://w3id.org/alignment-kg/id/membership/XSYL-XSYL> a al:Membership ;
            al:organization org:XSYL ; al:member state:XSYL ; al:role role:member ;
            al:start "1985-01-01"^^xsd:date ; al:startPrecision al:day .
        } }""")
    graph = membership_graph(changed, at="1990")
    assert graph.nodes["XSYL"]["kind"] == "state"
    assert graph.nodes["XSYL@org"]["code"] == "XSYL"
    assert graph.has_edge("XSYL", "XSYL@org") and not graph.has_edge("XSYL", "XSYL")


@pytest.mark.parametrize("name", PROJECTIONS)
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_kg_network_round_trip(runner, fixture_store_dir, store, tmp_path, name: str,
                               fmt: str) -> None:
    """What ``kg network`` writes reads back with NetworkX with the projection's counts."""
    out = tmp_path / f"network.{fmt}"
    result = runner.invoke(main, ["network", "--projection", name, "--at", "2005", "-o", str(out),
                                  "--store", str(fixture_store_dir)])
    assert result.exit_code == 0, result.output
    expected = projection(store, name, at="2005")
    if fmt == "graphml":
        back = nx.read_graphml(out)
        text = out.read_text(encoding="utf-8")
        assert "None" not in text
    elif fmt == "gexf":
        back = nx.read_gexf(out)
    else:
        back = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="links")
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()
    assert set(back.nodes) == set(expected.nodes)
    node = "XAVA" if name == "alignment" else "XDEF"
    assert back.nodes[node]["label"] == expected.nodes[node]["label"]


def test_graphml_has_no_null_values() -> None:
    graph = nx.Graph(at="2024-04-05")
    graph.add_node("A", label="A", end=None, weight=2)
    graph.add_node("B", label="B", end="2001", weight=2.5)
    graph.add_edge("A", "B", end=None)
    out = io.BytesIO()
    write_graph(graph, out, "graphml")
    back = nx.read_graphml(io.BytesIO(out.getvalue()))
    assert back.nodes["A"]["end"] == "" and back.edges["A", "B"]["end"] == ""
    assert back.nodes["A"]["weight"] == "2" and back.nodes["B"]["weight"] == "2.5"  # one type per key


def test_kg_network_format_from_extension_and_stdout(kg, tmp_path) -> None:
    out = tmp_path / "n.gexf"
    assert kg("network", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "<gexf" in out.read_text(encoding="utf-8")
    result = kg("network", "--projection", "memberships", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["graph"]["projection"] == "memberships"
    assert kg("network", "--at", "2024-02-30").exit_code == 2
