"""The interactive graph made for reading, in a real headless Chromium, on the real data:
several foci highlighted, a details panel with sources on click, undated links not drawn as if
in force every year, an "as of" label, labels that do not pile up.

Screenshots go to ``KG_TEST_PICTURES`` when it is set (for a person to look at).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
if CHROMIUM is None:
    pytest.skip("no Chromium: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@contextmanager
def opened(browser: Any, path: Path, errors: list[str]) -> Iterator[Any]:
    context = browser.new_context(offline=True, viewport={"width": 1600, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_function("() => document.body.dataset.kgReady === '1'", timeout=60000)
        yield page
    finally:
        context.close()


def _keep(page: Any, name: str) -> None:
    target = os.environ.get("KG_TEST_PICTURES")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / name))


def _viz(kg, tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = kg("viz", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def _data(page: Any) -> dict:
    return page.evaluate("() => JSON.parse(document.getElementById('kg-data').textContent)")


def _visible_edges(page: Any) -> list[dict]:
    return page.evaluate("() => window.kgNetwork.body.data.edges.get({filter: (e) => !e.hidden})"
                         ".map((e) => e.id)")


def test_two_foci_are_both_highlighted(browser, kg, tmp_path):
    page_file = _viz(kg, tmp_path, "nz-aus.html", "--focus", "NZL", "--focus", "Australia")
    errors: list[str] = []
    with opened(browser, page_file, errors) as page:
        data = _data(page)
        assert data["focus"] == ["AUS", "NZL"]
        styles = page.evaluate("""() => ['AUS', 'NZL', 'NATO'].map((id) => {
            const node = window.kgNetwork.body.nodes[id];
            return [node.options.borderWidth, node.options.color.border, node.shape.width || node.options.size];
        })""")
        (aus_width, aus_border, aus_size), (nzl_width, nzl_border, nzl_size), (nato_width, nato_border, _) = styles
        assert aus_width == nzl_width == 4 and aus_border == nzl_border == "#d62728"
        assert nato_width < 4 and nato_border != "#d62728"
        focus_text = page.text_content("#kg-focus")
        assert "New Zealand (NZL)" in focus_text and "Australia (AUS)" in focus_text
        drawn = page.evaluate("() => window.kgReadability()")
        assert drawn["labels"] >= 2  # at least the two foci are labelled at the first view
        _keep(page, "viz-nz-aus.png")
    assert errors == []


def test_clicking_new_zealand_opens_its_details_with_sources(browser, kg, tmp_path, memory_store):
    from kg.citations import source_details

    page_file = _viz(kg, tmp_path, "nz-aus.html", "--focus", "NZL", "--focus", "AUS")
    errors: list[str] = []
    with opened(browser, page_file, errors) as page:
        assert page.is_hidden("#kg-details")
        x, y = page.evaluate("""() => {
            const net = window.kgNetwork;
            const p = net.canvasToDOM(net.getPositions(['NZL']).NZL);
            const box = document.getElementById('kg-network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""")
        page.mouse.click(x, y)
        page.wait_for_selector("#kg-details:not([hidden])", timeout=5000)
        assert page.text_content("#kg-details-title") == "New Zealand (NZL)"
        body = page.text_content("#kg-details-body")
        assert "Partnerships" in body and "Memberships" in body and "North Atlantic Treaty Organization (NATO)" in body
        assert "since 2012-06-04" in body  # the IPCP, dated
        links = page.eval_on_selector_all("#kg-details-body a", "(as) => as.map((a) => [a.href, a.textContent, a.rel])")
        cited = {edge_source for edge in _data(page)["edges"] if "NZL" in (edge["from"], edge["to"])
                 for edge_source in edge["sources"]}
        known = source_details(memory_store, cited)
        urls = {entry["url"] for entry in known.values() if entry["url"]}
        assert urls and {href for href, _, _ in links} <= urls | {u + "/" for u in urls}
        assert len({href for href, _, _ in links}) == len(urls)
        assert all(rel == "noopener noreferrer" for _, _, rel in links)
        assert any("The Organization for World Peace" in text for _, text, _ in links)
        _keep(page, "viz-nz-details.png")
    assert errors == []


def test_at_1960_nothing_later_and_nothing_undated_is_drawn(browser, kg, tmp_path):
    page_file = _viz(kg, tmp_path, "nz-aus.html", "--focus", "NZL", "--focus", "AUS")
    errors: list[str] = []
    with opened(browser, page_file, errors) as page:
        data = _data(page)
        undated = [e for e in data["edges"] if e.get("undated")]
        assert any(e["kind"] == "stance" for e in undated), "the data has an undated stance (AUS aid to UKR)"
        page.eval_on_selector("#kg-year", "(el) => { el.value = '1960'; el.dispatchEvent(new Event('input')); }")
        by_id = {e["id"]: e for e in data["edges"]}
        shown = [by_id[i] for i in _visible_edges(page)]
        assert shown, "links in force in 1960 are drawn"
        assert all(not e.get("undated") and e["startYear"] <= 1960 for e in shown)
        assert all(e["endYear"] is None or e["endYear"] > 1960 for e in shown)
        assert page.text_content("#kg-as-of") == "As of 1960 (links in force that year)"
        assert "links with no date not drawn" in page.text_content("#kg-counter")
        _keep(page, "viz-nz-aus-1960.png")
        page.check("#kg-undated")
        with_undated = [by_id[i] for i in _visible_edges(page)]
        assert {e["id"] for e in undated} <= {e["id"] for e in with_undated}
        styles = page.evaluate("(ids) => ids.map((id) => window.kgNetwork.body.edges[id].options.dashes)",
                               [e["id"] for e in undated])
        assert all(dashes == [2, 6] for dashes in styles)  # drawn as undated: dotted
    assert errors == []


def test_the_as_of_label_follows_at(browser, kg, tmp_path):
    page_file = _viz(kg, tmp_path, "nz-at.html", "--focus", "NZL", "--at", "2024-04-05")
    errors: list[str] = []
    with opened(browser, page_file, errors) as page:
        assert page.text_content("#kg-as-of") == "As of 2024-04-05"
        assert page.is_hidden("#kg-year")
    assert errors == []


@pytest.mark.parametrize("args, name", [((), "world"), (("--focus", "NZL", "--depth", "2"), "nz")])
def test_labels_are_legible_and_do_not_pile_up(browser, kg, tmp_path, args, name):
    """Readability at the first view: labels drawn at 9 px or more and overlapping no other.
    (Before this page had level of detail, every one of the 235 labels of the world page was
    drawn at 5 px, none legible, 47 pairs overlapping; see the report of issue 20.)"""
    page_file = _viz(kg, tmp_path, f"{name}.html", *args)
    errors: list[str] = []
    with opened(browser, page_file, errors) as page:
        first = page.evaluate("() => window.kgReadability()")
        assert first["legible"] >= 10
        assert first["overlappingPairs"] <= 0.1 * first["labels"]
        _keep(page, f"viz-{name}.png")
        # Zooming in reveals more labels (level of detail), still without a pile.
        page.evaluate("() => window.kgNetwork.moveTo({scale: window.kgNetwork.getScale() * 3})")
        page.wait_for_timeout(200)
        closer = page.evaluate("() => window.kgReadability()")
        assert closer["labels"] > first["labels"]
    assert errors == []
