"""The web application in a real headless Chromium: the acceptance walk of issue 19.

From the home page a reader searches "New Zealand", opens its page, sees the ITPP row with its
topics and sources, sets "as of" to 2020-01-01 and sees the ITPP gone; opens NATO and its
member-count chart; runs the ``members`` form and downloads the CSV, identical to
``kg query members --format csv``; runs SPARQL with an error and sees its position. No request
leaves the server. Screenshots go to ``$KG_WEB_SCREENSHOTS`` (``docs/`` for the README:
``KG_WEB_SCREENSHOTS=docs pytest tests/test_web_browser.py``), else to a temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import ARGS, CHROMIUM, browser_page, outside, web_server

pytestmark = pytest.mark.browser

if CHROMIUM is None:
    pytest.skip("no Chromium: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")


@pytest.fixture(scope="module")
def base(store_dir: Path) -> Iterator[str]:
    with web_server(store_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("KG_WEB_SCREENSHOTS")
    return Path(target) if target else tmp_path_factory.mktemp("screenshots")


def rows(page: Any, table: str) -> list[list[str]]:
    return page.eval_on_selector_all(f"#{table} tbody tr", "trs => trs.map(tr => Array.from(tr.cells, td => td.textContent))")


def column(page: Any, table: str, name: str) -> int:
    headers = page.eval_on_selector_all(f"#{table} thead th", "ths => ths.map(th => th.textContent)")
    return headers.index(name)


def test_acceptance_walk(base: str, browser: Any, shots: Path, store_dir: Path) -> None:
    with browser_page(browser, base) as (page, seen):
        page.goto(base + "/")
        assert page.title().startswith("Alignments")
        # Search as one types: the suggestion list offers New Zealand; Enter opens its page.
        page.fill("#q", "New Zeal")
        page.wait_for_selector("#q-suggestions li")
        assert "New Zealand" in page.text_content("#q-suggestions li")
        page.fill("#q", "New Zealand")
        page.press("#q", "Enter")
        page.wait_for_url(base + "/id/state/NZL")
        assert page.text_content("h1") == "New Zealand"
        itpp = [r for r in rows(page, "t-partnerships") if r[1] == "ITPP"]
        assert len(itpp) == 1
        topics = itpp[0][column(page, "t-partnerships", "topics")]
        sources = itpp[0][column(page, "t-partnerships", "sources")]
        assert "Cyber security" in topics and "Climate change and security" in topics
        assert "reuters-2023-06-14" in sources
        topic = page.locator("#t-partnerships a", has_text="Cyber security").first
        assert topic.get_attribute("href") == "/id/topic/CYBER-SECURITY"
        # Each source is a link to its own page.
        link = page.locator("#t-partnerships a", has_text="reuters-2023-06-14").first
        assert link.get_attribute("href") == "/id/source/reuters-2023-06-14"
        assert page.locator("details.coverage").count() == 1
        page.screenshot(path=str(shots / "web-state.png"), full_page=False)

        # As of 2020-01-01 the ITPP (negotiations from June 2023) is gone; the IPCP stays.
        page.fill("#at", "2020-01-01")
        page.click("form.asof button")
        page.wait_for_url(base + "/id/state/NZL?at=2020-01-01")
        frameworks = [r[1] for r in rows(page, "t-partnerships")]
        assert "ITPP" not in frameworks and "IPCP" in frameworks

        # NATO, through the search box (an exact code opens the page), and its member count chart.
        page.fill("#q", "NATO")
        page.press("#q", "Enter")
        page.wait_for_url(base + "/id/org/NATO")
        chart = page.locator("#members-chart svg path")
        assert chart.count() == 1
        points = chart.get_attribute("data-points").split(";")
        assert points[0] == "1949-08-24=12"
        member_rows = rows(page, "t-members")
        assert points[-1].endswith(f"={len(member_rows)}")
        assert page.locator("#members-chart svg").bounding_box()["width"] > 300
        page.screenshot(path=str(shots / "web-org.png"), full_page=False)

        # The members form, run, and its CSV download.
        page.goto(base + "/queries/members")
        page.fill("#p-org", "NATO")
        page.click("form.params button")
        page.wait_for_selector("#results")
        # The results sort by a column (a button in its heading), and back.
        names = [r[1] for r in rows(page, "results")]
        page.click("#results thead th:nth-child(2) button")
        assert page.get_attribute("#results thead th:nth-child(2)", "aria-sort") == "ascending"
        assert [r[1] for r in rows(page, "results")] == sorted(names, key=str.lower)
        page.click("#results thead th:nth-child(2) button")
        assert [r[1] for r in rows(page, "results")] == sorted(names, key=str.lower, reverse=True)
        with page.expect_download() as download_info:
            page.click("#download-csv")
        downloaded = Path(download_info.value.path()).read_bytes()
        page.screenshot(path=str(shots / "web-form.png"), full_page=False)

        # SPARQL with an error: the message and its position.
        page.goto(base + "/editor")
        page.fill("#query", "SELECT ?s WHERE {\n  ?s ?p\n}")
        page.click("form.editor button")
        page.wait_for_selector("#error-position")
        assert page.text_content("#error-position") == "Line 3, column 2:"
        assert "^ here" in page.text_content("pre.error-context")
        page.screenshot(path=str(shots / "web-sparql.png"), full_page=False)

        assert outside(seen, base) == []
        assert seen.errors == [] and seen.dialogs == []

    cli = subprocess.run([sys.executable, "-m", "kg.cli", "query", "members", "-p", "org", "NATO",
                          "--format", "csv", "--store", str(store_dir)],
                         capture_output=True, check=True, timeout=120)
    assert downloaded == cli.stdout
    assert downloaded.count(b"\n") > 30


def test_pages_read_and_forms_work_without_javascript(base: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base + "/") else route.abort())
    try:
        page = context.new_page()
        page.goto(base + "/id/state/NZL?at=2024-04-05")
        assert [r[1] for r in rows(page, "t-partnerships")] == ["DIALOGUE", "PATG", "IPCP", "ITPP"]
        assert page.locator("#spells-chart svg rect").count() > 5  # the memberships drawing, server-drawn
        page.goto(base + "/queries/members")
        page.fill("#p-org", "ANZUS")
        page.fill("#p-at", "1990-12-31")
        page.click("form.params button")
        page.wait_for_selector("#results")
        assert sorted(r[0] for r in rows(page, "results")) == ["AUS", "NZL", "USA"]
        page.fill("#q", "Aotearoa")
        page.press("#q", "Enter")
        page.wait_for_url(base + "/id/state/NZL")
    finally:
        context.close()
    assert [url for url in seen if not url.startswith(base + "/")] == []


def test_accessible_basics(base: str, browser: Any) -> None:
    with browser_page(browser, base) as (page, seen):
        for path in ("/", "/id/state/NZL", "/id/org/NATO", "/queries/members?org=NATO", "/editor", "/align",
                     "/search?q=zeal", "/id/source/reuters-2023-06-14"):
            page.goto(base + path)
            unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.id || el.name)""")
            assert unlabelled == [], (path, unlabelled)
            levels = page.evaluate("() => Array.from(document.querySelectorAll('h1,h2,h3,h4')).map(h => Number(h.tagName[1]))")
            assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
            assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)
            # Text contrast: every text element against the page background (white), at least 4.5:1.
            worst = page.evaluate("""() => {
                const lum = (rgb) => { const c = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => v / 255)
                    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
                    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
                const background = (el) => { for (; el; el = el.parentElement) { const b = getComputedStyle(el).backgroundColor;
                    if (b && b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') return b; } return 'rgb(255, 255, 255)'; };
                let worst = 21;
                for (const el of document.querySelectorAll('main *, header *, footer *')) {
                    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
                    if (el.closest('svg')) continue;
                    const a = lum(getComputedStyle(el).color), b = lum(background(el));
                    worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
                }
                return worst; }""")
            assert worst >= 4.5, (path, worst)
        # Keyboard: the skip link comes first; the suggestions answer arrow keys and Enter.
        page.goto(base + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.focus("#q")
        page.keyboard.type("zealand")
        page.wait_for_selector("#q-suggestions li")
        page.keyboard.press("ArrowDown")
        assert page.get_attribute("#q", "aria-activedescendant") == "q-option-0"
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/id/state/NZL")
        assert outside(seen, base) == [] and seen.errors == []


def test_the_embedded_graph_draws_from_the_server_alone(base: str, browser: Any) -> None:
    with browser_page(browser, base) as (page, seen):
        page.goto(base + "/id/state/NZL")
        page.locator("#graph").scroll_into_view_if_needed()
        frame = page.frame_locator("#graph")
        frame.locator("body[data-kg-ready='1']").wait_for(timeout=20000)
        nodes = frame.locator("#kg-data").text_content()
        assert '"code":"NZL"' in nodes.replace(" ", "") and '"code":"NATO"' in nodes.replace(" ", "")
        assert outside(seen, base) == []
        assert seen.errors == [] and seen.dialogs == []
