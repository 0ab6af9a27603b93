"""The HTML page of ``kg.viz``, read as text: data, escaping, offline-ness, determinism."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.errors import DataError
from kg.viz import render_html, write_html

HOSTILE = "<img src=x onerror=alert(1)>"
#: Every URL in vis-network 9.1.2's min.js, and why it is harmless: licence comment (3 + 2
#: copyright lines), the SVG namespace given to createElementNS, an error message, core-js metadata.
VIS_URLS = {
    "https://visjs.github.io/vis-network/",
    "http://almende.com",
    "https://github.com/visjs",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "http://opensource.org/licenses/MIT",
    "http://www.w3.org/2000/svg",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
    "https://github.com/zloirock/core-js",
}
URL = re.compile(r"https?://[^\s\"')<>,]+")
DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)
SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def alignment_graph(*, reverse: bool = False, positions: bool = False) -> nx.MultiDiGraph:
    """Five states, two organisations, seven edges (two of them parallel), one hostile label."""
    nodes: list[tuple[str, dict[str, Any]]] = [
        ("NZL", {"kind": "state", "label": "New Zealand", "code": "NZL"}),
        ("USA", {"kind": "state", "label": "United States", "code": "USA"}),
        ("GBR", {"kind": "state", "label": "United Kingdom", "code": "GBR"}),
        ("DEU", {"kind": "state", "label": "Germany", "code": "DEU"}),
        (
            "XSS",
            {
                "kind": "state",
                "label": HOSTILE,
                "code": "XSS",
                "tooltip": "line\n</script><script>alert(2)</script>\u2028&amp;\u2029",
            },
        ),
        (
            "NATO",
            {
                "kind": "organization",
                "label": "North Atlantic Treaty Organization",
                "code": "NATO",
                "org_kind": "collective-defence-alliance",
            },
        ),
        (
            "FVEY",
            {
                "kind": "organization",
                "label": "Five Eyes",
                "code": "FVEY",
                "org_kind": "intelligence-alliance",
            },
        ),
    ]
    edges: list[tuple[str, str, dict[str, Any]]] = [
        ("USA", "NATO", {"kind": "membership", "label": "member", "start": "1949-04-04"}),
        ("GBR", "NATO", {"kind": "membership", "label": "member", "start": "1949"}),
        ("DEU", "NATO", {"kind": "membership", "label": "member", "start": "1955-05"}),
        (
            "NZL",
            "NATO",
            {"kind": "partnership", "label": "Individual Partnership", "start": "2012-06-04"},
        ),
        ("NZL", "FVEY", {"kind": "membership", "label": "member", "start": "1956"}),
        (
            "XSS",
            "NATO",
            {"kind": "stance", "label": "<svg onload=alert(3)>", "start": "1990", "end": "2000"},
        ),
        (
            "XSS",
            "NATO",
            {"kind": "membership", "label": "member", "start": "1995", "tooltip": HOSTILE},
        ),
    ]
    graph = nx.MultiDiGraph()
    for key, attrs in reversed(nodes) if reverse else nodes:
        if positions:
            attrs = {**attrs, "x": len(key) * 0.1, "y": -0.5 + ord(key[0]) / 100}
        graph.add_node(key, **attrs)
    for source, target, attrs in reversed(edges) if reverse else edges:
        graph.add_edge(source, target, **attrs)
    return graph


def page_data(page: str) -> dict[str, Any]:
    (text,) = DATA.findall(page)
    data: dict[str, Any] = json.loads(text)
    return data


def vis_files() -> tuple[str, str]:
    spec = importlib.util.find_spec("pyvis")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)), "templates", "lib", "vis-9.1.2")
    return (folder / "vis-network.min.js").read_text("utf-8"), (
        folder / "vis-network.css"
    ).read_text("utf-8")


def test_counts_in_embedded_json() -> None:
    data = page_data(render_html(alignment_graph()))
    assert len(data["nodes"]) == 7
    assert len(data["edges"]) == 7
    assert [n["id"] for n in data["nodes"]] == ["DEU", "FVEY", "GBR", "NATO", "NZL", "USA", "XSS"]
    assert sorted(e["kind"] for e in data["edges"]) == ["membership"] * 5 + [
        "partnership",
        "stance",
    ]
    assert data["years"] == [1949, 2012]


def test_node_and_edge_styles_differ_by_kind() -> None:
    data = page_data(render_html(alignment_graph()))
    shapes = {n["kind"]: n["shape"] for n in data["nodes"]}
    assert shapes == {"state": "dot", "organization": "diamond"}
    org_colours = {n["orgKind"]: n["color"] for n in data["nodes"] if n["kind"] == "organization"}
    assert len(set(org_colours.values())) == 2
    styles = {e["kind"]: (e["color"]["color"], json.dumps(e["dashes"])) for e in data["edges"]}
    assert len(set(styles.values())) == 3
    assert [entry["name"] for entry in data["legend"]["nodes"]] == [
        "State",
        "Collective defence alliance",
        "Intelligence alliance",
    ]


def test_dates_of_any_precision_become_years() -> None:
    edges = page_data(render_html(alignment_graph()))["edges"]
    years = {(e["from"], e["kind"]): (e["startYear"], e["endYear"]) for e in edges}
    assert years[("USA", "membership")] == (1949, None)
    assert years[("DEU", "membership")] == (1955, None)
    assert years[("XSS", "stance")] == (1990, 2000)
    parallel = [e for e in edges if e["from"] == "XSS"]
    assert ["smooth" in e for e in parallel] == [False, True]


def test_hostile_text_is_never_markup() -> None:
    page = render_html(alignment_graph(), title="</title><script>alert(4)</script>")
    for markup in ("<img src=x", "<svg onload", "<script>alert", "</title><script>"):
        assert markup not in page
    # Only the page's own three script elements close: none from data.
    assert page.lower().count("</script") == 3
    assert "\u2028" not in page and "\u2029" not in page
    assert "&lt;/title&gt;&lt;script&gt;" in page
    data = page_data(page)
    xss = next(n for n in data["nodes"] if n["id"] == "XSS")
    assert xss["label"] == HOSTILE  # the text survives, as text
    assert xss["tooltip"] == "line\n</script><script>alert(2)</script>\u2028&amp;\u2029"


def test_default_tooltips_are_plain_text() -> None:
    data = page_data(render_html(alignment_graph()))
    nzl = next(e for e in data["edges"] if e["kind"] == "partnership")
    assert (
        nzl["tooltip"]
        == "New Zealand → North Atlantic Treaty Organization\npartnership: Individual Partnership\nsince 2012-06-04"
    )
    stance = next(e for e in data["edges"] if e["kind"] == "stance")
    assert stance["tooltip"].endswith("\n1990 – 2000")


def test_page_is_offline() -> None:
    """No URL of ours, no loading attribute anywhere, and a CSP that forbids every outside load.

    vis-network's licence comment and a few strings in its code contain URLs; they are kept because
    the licence notice must stay and the code must stay as shipped. None is loaded (the browser test
    records every request); the test pins that list so that a new vis-network release is looked at.
    """
    page = render_html(alignment_graph())
    vis_js, vis_css = vis_files()
    assert page.count(vis_js) == 1 and page.count(vis_css) == 1
    assert set(URL.findall(vis_js)) == VIS_URLS
    ours = page.replace(vis_js, "").replace(vis_css, "")
    assert URL.findall(ours) == []
    markup = DATA.sub("", ours).lower()  # the data is JSON text, inert whatever it says
    for loader in ("src=", "href=", "<link", "<iframe", "<img", "@import", "srcset"):
        assert loader not in markup
    assert set(re.findall(r"url\(\s*[\"']?([a-z]+):", vis_css)) == {"data"}
    assert "url(" not in ours
    (csp,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert (
        csp.startswith("default-src 'none';")
        and "unsafe-eval" not in csp
        and "connect-src" not in csp
    )


def test_csp_allows_exactly_the_page_scripts() -> None:
    page = render_html(alignment_graph())
    (csp,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    scripts = SCRIPT.findall(page)
    assert len(scripts) == 2
    assert allowed == {
        base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts
    }
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_same_graph_same_bytes() -> None:
    first = render_html(alignment_graph())
    assert render_html(alignment_graph()) == first
    assert render_html(alignment_graph(reverse=True)) == first


def test_positions_turn_physics_off() -> None:
    placed = page_data(render_html(alignment_graph(positions=True)))
    assert placed["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in placed["nodes"])
    unplaced = page_data(render_html(alignment_graph()))
    assert unplaced["options"]["physics"]["enabled"] is True
    assert unplaced["options"]["layout"]["randomSeed"] == 7
    assert not any("x" in n for n in unplaced["nodes"])


def test_write_html_writes_the_rendered_page(tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    write_html(alignment_graph(), out, title="T")
    assert out.read_bytes() == render_html(alignment_graph(), title="T").encode("utf-8")


def test_empty_graph_has_no_year_range() -> None:
    data = page_data(render_html(nx.MultiDiGraph()))
    assert (data["nodes"], data["edges"], data["years"]) == ([], [], None)
    assert data["options"]["physics"]["enabled"] is False  # nothing to stabilise


@pytest.mark.parametrize(
    ("node_attrs", "edge_attrs", "message"),
    [
        ({"kind": "country"}, {"kind": "membership"}, "kind 'country'"),
        ({"kind": "state"}, {"kind": "alliance"}, "kind 'alliance'"),
        ({"kind": "state"}, {"kind": "membership", "start": "12/2001"}, "malformed date"),
        ({"kind": "state"}, {"kind": "membership", "end": "2023-02-30"}, "impossible date"),
    ],
)
def test_contract_violations_are_data_errors(
    node_attrs: dict[str, str], edge_attrs: dict[str, str], message: str
) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("AAA", **node_attrs)
    graph.add_node("BBB", kind="organization")
    graph.add_edge("AAA", "BBB", **edge_attrs)
    with pytest.raises(DataError, match=message):
        render_html(graph)


def test_node_keys_must_be_strings() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node(1, kind="state")
    with pytest.raises(DataError, match="not a string"):
        render_html(graph)


# --- node kinds, filters, layout, pictures ---------------------------------------------------------


def world_graph(states: int = 200, orgs: int = 40, edges_per_state: int = 17) -> nx.MultiDiGraph:
    """A synthetic graph the size of the whole world: states, organisations, ~3,400 memberships."""
    import random

    rng = random.Random(5)
    kinds = ["collective-defence-alliance", "forum", "regional-organisation",
             "treaty-organisation", "political-economic-union", "intelligence-alliance"]
    graph = nx.MultiDiGraph()
    for i in range(states):
        graph.add_node(f"S{i:03d}", kind="state", label=f"State {i}", code=f"S{i:03d}")
    for j in range(orgs):
        graph.add_node(f"O{j:02d}", kind="organization", label=f"Organisation {j}",
                       code=f"O{j:02d}", org_kind=kinds[j % len(kinds)])
    for i in range(states):
        for j in rng.sample(range(orgs), edges_per_state):
            start = rng.randrange(1946, 2020)
            graph.add_edge(f"S{i:03d}", f"O{j:02d}", kind="membership", label="member",
                           start=str(start), end=str(start + 30) if j % 7 == 0 else "")
    return graph


def test_territories_and_node_categories() -> None:
    graph = alignment_graph()
    graph.add_node("HKG", kind="territory", label="Hong Kong", code="HKG")
    graph.add_edge("HKG", "FVEY", kind="membership", label="observer", start="1997")
    data = page_data(render_html(graph))
    hkg = next(n for n in data["nodes"] if n["id"] == "HKG")
    assert (hkg["shape"], hkg["category"]) == ("square", "territory")
    assert {n["id"]: n["category"] for n in data["nodes"]}["NATO"] == "org:collective-defence-alliance"
    assert [(e["name"], e["group"]) for e in data["legend"]["nodes"]] == [
        ("State", "state"),
        ("Territory", "territory"),
        ("Collective defence alliance", "org:collective-defence-alliance"),
        ("Intelligence alliance", "org:intelligence-alliance"),
    ]
    assert "group" not in hkg  # vis-network's own `group` would restyle the node


def test_large_graphs_get_seeded_positions_and_no_physics() -> None:
    from kg.viz import PHYSICS_MAX_NODES

    graph = world_graph()
    assert graph.number_of_nodes() > PHYSICS_MAX_NODES
    page = render_html(graph)
    data = page_data(page)
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert render_html(world_graph()) == page  # the layout is seeded


def test_layout_is_seeded_and_weakens_universal_organisations() -> None:
    from kg.viz import layout

    graph = alignment_graph()
    assert layout(graph) == layout(alignment_graph(reverse=True))
    assert layout(graph, seed=1) != layout(graph, seed=2)
    assert layout(nx.MultiDiGraph()) == {}


def test_layout_of_a_graph_of_thousands_of_nodes() -> None:
    """NetworkX switches to its sparse (scipy) layout at 500 nodes: a declared dependency."""
    from kg.viz import layout

    graph = nx.MultiDiGraph()
    for i in range(1500):
        graph.add_node(f"S{i}", kind="state")
        graph.add_edge(f"S{i}", f"O{i % 40}", kind="membership")
    positions = layout(graph)
    assert len(positions) == 1540
    assert len(set(positions.values())) == 1540


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_static_pictures(tmp_path: Path, fmt: str) -> None:
    from kg.viz import write_picture

    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    write_picture(alignment_graph(), first, title="Test", highlight="NZL")
    write_picture(alignment_graph(reverse=True), second, title="Test", highlight="NZL")
    if fmt == "png":
        assert first.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    else:
        text = first.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text
        assert "Collective defence alliance" in text and ">NZL<" in text  # text, not paths
    assert first.read_bytes() == second.read_bytes()  # the same graph, the same picture


def test_picture_format_is_checked(tmp_path: Path) -> None:
    from kg.errors import UsageError
    from kg.viz import write_picture

    with pytest.raises(UsageError, match="picture format 'gif'"):
        write_picture(alignment_graph(), tmp_path / "x.gif")
