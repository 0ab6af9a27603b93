"""Hostile labels in the real browser (headless Chromium, offline): the page shows them as text,
never as markup: the search status shows the label verbatim, no element or script comes from it,
no dialog opens, and the data the page parses holds the same strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.viz import write_html
from reliability.test_hostile_labels import LABELS, NASTY

pytestmark = [pytest.mark.reliability, pytest.mark.browser]

browser_module = pytest.importorskip("test_viz_browser", reason="needs Chromium and playwright (tests/test_viz_browser.py)")
opened = browser_module.opened
browser = browser_module.browser  # the module-scoped Chromium fixture, shared


def hostile_graph(labels: list[str]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("NATO", kind="organization", label="NATO", code="NATO", org_kind="collective-defence-alliance")
    for index, label in enumerate(labels):
        code = f"XH{index:02d}"
        graph.add_node(code, kind="state", label=label, code=code, tooltip=label)
        graph.add_edge(code, "NATO", kind="membership", label=label, start="2001", tooltip=label)
    return graph


def search(page: Any, code: str) -> str:
    page.fill("#kg-search", code)
    page.press("#kg-search", "Enter")
    return page.text_content("#kg-search-status")


@settings(max_examples=2)
@given(labels=st.lists(LABELS, min_size=3, max_size=3))
@example(labels=NASTY)
def test_hostile_labels_show_as_text(labels: list[str], browser: Any, tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "graph.html"
    write_html(hostile_graph(labels), path)
    with opened(browser, Path(path).as_uri()) as (page, seen, _):
        parsed = page.evaluate("() => JSON.parse(document.getElementById('kg-data').textContent)"
                               ".nodes.map(n => [n.code, n.label])")
        assert dict(parsed) == {"NATO": "NATO", **{f"XH{i:02d}": label for i, label in enumerate(labels)}}
        for index, label in enumerate(labels):
            assert search(page, f"XH{index:02d}") == f"{label} (XH{index:02d})"
        assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
        assert page.evaluate("document.scripts.length") == 3  # the data, vis-network, the page's script
        assert page.evaluate("window.kgPwned") is None
        assert seen.dialogs == [] and seen.errors == []
        assert [url for url in seen.requests if not url.startswith("data:")] == [Path(path).as_uri()]
