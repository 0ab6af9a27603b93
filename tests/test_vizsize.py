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
