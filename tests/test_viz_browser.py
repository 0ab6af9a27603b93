"""The page of ``kg.viz`` in a real headless Chromium, offline: it draws, filters and stays inert.

Needs the Debian ``chromium`` package and the ``playwright`` Python package (which drives that
binary; no ``playwright install``).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.viz import write_html

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
if CHROMIUM is None:
    pytest.skip("no Chromium: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_TOOLTIP = (
    '<img src=x onerror="window.kgPwned=1">\n</script><script>window.kgPwned=2</script>'
)


def alignment_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for code, name in [
        ("USA", "United States"),
        ("GBR", "United Kingdom"),
        ("DEU", "Germany"),
        ("NZL", "New Zealand"),
    ]:
        graph.add_node(code, kind="state", label=name, code=code)
    graph.add_node("XSS", kind="state", label=HOSTILE, code="XSS", tooltip=HOSTILE_TOOLTIP)
    graph.add_node(
        "NATO",
        kind="organization",
        label="NATO",
        code="NATO",
        org_kind="collective-defence-alliance",
    )
    graph.add_node(
        "FVEY",
        kind="organization",
        label="Five Eyes",
        code="FVEY",
        org_kind="intelligence-alliance",
    )
    graph.add_edge("USA", "NATO", kind="membership", label="member", start="1949-04-04")
    graph.add_edge("GBR", "NATO", kind="membership", label="member", start="1949")
    graph.add_edge("DEU", "NATO", kind="membership", label="member", start="1955-05")
    graph.add_edge("NZL", "NATO", kind="partnership", label="partner", start="2012-06-04")
    graph.add_edge("NZL", "FVEY", kind="membership", label="member", start="1956")
    graph.add_edge(
        "XSS", "NATO", kind="stance", label="<svg onload=alert(3)>", start="1990", end="2000"
    )
    graph.add_edge("XSS", "NATO", kind="membership", label="member", start="1995")
    return graph


class Recorder:
    """Everything the page asked for or complained about."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("viz") / "graph.html"
    write_html(alignment_graph(), path)
    return path.as_uri()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@contextmanager
def opened(browser: Any, url: str) -> Iterator[tuple[Any, Recorder, float]]:
    """A page at ``url``, ready; the recorder; seconds until ``kgReady``. Only file: URLs load."""
    context = browser.new_context(
        offline=True, service_workers="block", viewport={"width": 1200, "height": 800}
    )
    seen = Recorder()
    context.on("request", lambda request: seen.requests.append(request.url))

    def only_the_file(route: Any) -> None:
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    context.route("**/*", only_the_file)

    def on_console(message: Any) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", on_dialog)
    started = time.monotonic()
    try:
        page.goto(url, wait_until="commit")
        # A function, not an expression string: the page's CSP forbids eval.
        page.wait_for_function("() => document.body.dataset.kgReady === '1'", timeout=5000)
        yield page, seen, time.monotonic() - started
    finally:
        context.close()


@pytest.fixture()
def loaded(browser: Any, page_url: str) -> Iterator[tuple[Any, Recorder, float]]:
    with opened(browser, page_url) as result:
        yield result


def counts(page: Any) -> dict[str, int]:
    return dict(page.evaluate("({...window.kgGraph})"))


def set_year(page: Any, year: int) -> None:
    page.eval_on_selector(
        "#kg-year",
        "(el, y) => { el.value = String(y); el.dispatchEvent(new Event('input')); }",
        year,
    )


def test_draws_offline_without_errors(loaded: tuple[Any, Recorder, float], page_url: str) -> None:
    page, seen, seconds = loaded
    assert seconds < 5
    assert [url for url in seen.requests if not url.startswith("data:")] == [page_url]
    assert seen.errors == [] and seen.dialogs == []
    painted = page.evaluate(
        """() => {
            const canvas = document.querySelector('#kg-network canvas');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted += 1; }
            return painted;
        }"""
    )
    assert painted > 500
    assert counts(page) == {"nodes": 7, "edges": 6}  # the 1990-2000 stance is over by 2012
    assert page.text_content("#kg-counter") == "Showing 6 of 7 links and 7 of 7 nodes"


def test_year_slider_shows_what_was_in_force(loaded: tuple[Any, Recorder, float]) -> None:
    page, seen, _ = loaded
    assert page.eval_on_selector("#kg-year", "el => [el.min, el.max, el.value]") == [
        "1949",
        "2012",
        "2012",
    ]
    set_year(page, 1949)
    assert counts(page) == {"nodes": 3, "edges": 2}
    set_year(page, 1992)
    assert counts(page) == {"nodes": 7, "edges": 5}  # the stance, not yet XSS's membership
    assert page.text_content("#kg-year-value") == "1992"
    assert page.text_content("#kg-counter") == "Showing 5 of 7 links and 7 of 7 nodes"
    assert seen.errors == []


def test_edge_kind_checkboxes_filter(loaded: tuple[Any, Recorder, float]) -> None:
    page, seen, _ = loaded
    page.uncheck("#kg-edge-legend input[value=membership]")
    assert counts(page) == {"nodes": 2, "edges": 1}  # NZL's partnership with NATO
    set_year(page, 1999)
    assert counts(page) == {"nodes": 2, "edges": 1}  # XSS's stance on NATO
    set_year(page, 2000)
    assert counts(page) == {"nodes": 0, "edges": 0}  # the stance's end (2000) is exclusive
    page.check("#kg-edge-legend input[value=membership]")
    assert counts(page) == {"nodes": 7, "edges": 5}
    assert seen.errors == []


def test_hostile_label_stays_text(loaded: tuple[Any, Recorder, float]) -> None:
    page, seen, _ = loaded
    page.fill("#kg-search", "xss")
    page.press("#kg-search", "Enter")
    assert page.text_content("#kg-search-status") == f"{HOSTILE} (XSS)"
    # The search focused the node at the centre of the canvas: hover it for its tooltip.
    box = page.locator("#kg-network").bounding_box()
    assert box is not None
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(centre[0] - 40, centre[1] - 40)
    page.mouse.move(*centre, steps=5)
    tooltip = page.wait_for_selector("div.vis-tooltip", state="visible", timeout=2000)
    assert tooltip.inner_text() == HOSTILE_TOOLTIP
    assert tooltip.eval_on_selector_all("*", "els => els.map(e => e.tagName)") == ["DIV"]
    assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
    assert page.evaluate("window.kgPwned") is None
    assert seen.dialogs == [] and seen.errors == []


@pytest.mark.parametrize("shape", ["placed", "empty"])
def test_placed_and_empty_graphs_get_ready(browser: Any, tmp_path: Path, shape: str) -> None:
    graph = alignment_graph() if shape == "placed" else nx.MultiDiGraph()
    for index, node in enumerate(sorted(graph)):
        graph.nodes[node].update(x=float(index % 3), y=float(index // 3))
    path = tmp_path / "graph.html"
    write_html(graph, path)
    with opened(browser, path.as_uri()) as (page, seen, seconds):
        assert seconds < 5 and seen.errors == []
        assert counts(page) == (
            {"nodes": 7, "edges": 6} if shape == "placed" else {"nodes": 0, "edges": 0}
        )


def assert_idle(page: Any) -> None:
    """Once ready the page does not keep redrawing: no physics, no animation left running."""
    before = page.evaluate("window.kgDraws")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.kgDraws") == before


@pytest.mark.parametrize("args", [[], ["--focus", "NZL", "--depth", "2"]])
def test_kg_viz_of_the_shipped_data_opens_offline(
    browser: Any, kg: Any, tmp_path: Path, args: list[str]
) -> None:
    """The acceptance path: `kg viz -o x.html` on the real store draws offline and is idle
    within 5 s, and asks for nothing but its own file."""
    path = tmp_path / "x.html"
    assert kg("viz", *args, "-o", str(path)).exit_code == 0
    with opened(browser, path.as_uri()) as (page, seen, seconds):
        assert seconds < 5
        assert_idle(page)
        assert [url for url in seen.requests if not url.startswith("data:")] == [path.as_uri()]
        assert seen.errors == [] and seen.dialogs == []
        shown = counts(page)
        assert shown["nodes"] > 2 and shown["edges"] > 2
        full = dict(shown)
        set_year(page, 1950)
        assert counts(page)["edges"] < full["edges"]  # the slider changes what is drawn


def test_a_world_sized_graph_opens_within_seconds(browser: Any, tmp_path: Path) -> None:
    """240 nodes and ~3,400 edges (the size of the whole world): positions come precomputed."""
    from test_viz import world_graph

    path = tmp_path / "world.html"
    write_html(world_graph(), path)
    with opened(browser, path.as_uri()) as (page, seen, seconds):
        assert seconds < 5
        assert_idle(page)
        assert [url for url in seen.requests if not url.startswith("data:")] == [path.as_uri()]
        assert seen.errors == []
        assert counts(page)["nodes"] == 240


def test_node_kind_checkboxes_filter(loaded: tuple[Any, Recorder, float]) -> None:
    page, seen, _ = loaded
    assert page.eval_on_selector_all("#kg-node-legend input", "els => els.map(e => e.value)") == [
        "state",
        "org:collective-defence-alliance",
        "org:intelligence-alliance",
    ]
    page.uncheck("#kg-node-legend input[value='org:intelligence-alliance']")
    assert counts(page) == {"nodes": 6, "edges": 5}  # FVEY and NZL's membership of it go
    page.uncheck("#kg-node-legend input[value='org:collective-defence-alliance']")
    assert counts(page) == {"nodes": 0, "edges": 0}  # every state was linked to one of them
    page.check("#kg-node-legend input[value='org:intelligence-alliance']")
    assert counts(page) == {"nodes": 2, "edges": 1}
    assert seen.errors == []
