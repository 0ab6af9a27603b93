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
        with page.expect_download() as download_info:
            page.click("#download-csv")
        downloaded = Path(download_info.value.path()).read_bytes()
        page.screenshot(path=str(shots / "web-form.png"), full_page=False)

        # SPARQL with an error: the message and its position.
        page.goto(base + "/editor")
        page.fill("#query", "SELECT ?s WHERE {\n  ?s ?p\n}")
        page.click("form.editor button")
        page.wait_for_selector("#error-position")
        assert page.text_content("#error-position") == "Line 3, column 1:"
        assert "^ here" in page.text_content("pre.error-context")
        page.screenshot(path=str(shots / "web-sparql.png"), full_page=False)

        assert outside(seen, base) == []
        assert seen.errors == [] and seen.dialogs == []

    cli = subprocess.run([sys.executable, "-m", "kg.cli", "query", "members", "-p", "org", "NATO",
                          "--format", "csv", "--store", str(store_dir)],
                         capture_output=True, check=True, timeout=120)
    assert downloaded == cli.stdout
    assert downloaded.count(b"\n") > 30
