"""`kg viz` refuses a whole-store picture too large to read, before reading the store, and names
the options that narrow it (issue 18)."""

from __future__ import annotations

import pytest

from kg.errors import UsageError
from kg.network import alignment_network
from kg.store import open_store
from kg.vizsize import check_drawable, edge_count


def test_the_count_bounds_the_edges_drawn(store_dir):
    store = open_store(str(store_dir))
    drawn = alignment_network(store).number_of_edges()
    assert 1000 < drawn <= edge_count(store) <= drawn * 1.05


def test_a_small_store_is_drawable_and_a_low_limit_refuses_it(store_dir):
    store = open_store(str(store_dir))
    check_drawable(store)
    with pytest.raises(UsageError) as raised:
        check_drawable(store, limit=100)
    message = str(raised.value)
    assert "\n" not in message and "--focus" in message and "--org" in message
    assert f"{edge_count(store):,}" in message


def test_kg_viz_refuses_without_focus_and_draws_with_it(kg, tmp_path, monkeypatch):
    import kg.vizsize as vizsize

    monkeypatch.setattr(vizsize, "MAX_EDGES", 100)
    page = tmp_path / "all.html"
    result = kg("viz", "-o", str(page))
    assert result.exit_code == 2, result.output
    assert "--focus" in result.output and "Traceback" not in result.output
    assert not page.exists()
    focused = tmp_path / "nz.html"
    result = kg("viz", "--focus", "NZL", "-o", str(focused))
    assert result.exit_code == 0, result.output
    assert focused.stat().st_size > 10_000
    result = kg("viz", "--org", "ANZUS", "-o", str(tmp_path / "anzus.html"))
    assert result.exit_code == 0, result.output


def _shape(graph):
    return (sorted((n, sorted(d.items())) for n, d in graph.nodes(data=True)),
            sorted((u, v, sorted(d.items())) for u, v, d in graph.edges(data=True)))


@pytest.mark.parametrize(("focus", "depth", "orgs", "at"), [
    ("NZL", 1, (), None), ("NZL", 2, (), None), ("NZL", 0, (), None), ("NATO", 1, (), None),
    ("UN", 1, (), None), ("USA", 2, (), "1990"), (None, 1, ("ANZUS",), None),
    ("NZL", 1, ("ANZUS", "NATO"), None), ("FRA", 3, (), None), ("NAM@org", 1, (), None),
    (("NZL", "AUS"), 1, (), None), (("FJI", "NAM@org"), 2, (), "2000"),
])
def test_a_narrowed_picture_is_read_from_its_nodes_with_the_same_graph(store_dir, focus, depth, orgs, at):
    """`kg viz --focus/--org` reads the part shown (kg.network.network_around): the same nodes
    and edges, with the same attributes, as narrowing the whole network."""
    from kg.network import ego_networks, network_around, restrict_to_orgs

    store = open_store(str(store_dir))
    whole = alignment_network(store, at=at)
    if orgs:
        whole = restrict_to_orgs(whole, list(orgs))
    foci = [focus] if isinstance(focus, str) else list(focus or ())
    if foci:
        whole = ego_networks(whole, foci, depth)
    mine = network_around(store, focus=foci, depth=depth, orgs=orgs, at=at)
    assert _shape(mine) == _shape(whole)
    assert mine.number_of_edges() > 0 or depth == 0
