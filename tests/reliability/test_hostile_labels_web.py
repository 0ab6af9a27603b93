"""Hostile labels on every page of the web application, in the real browser (headless Chromium,
reaching only the server): a state's name, an organisation's name and a source's title and
publisher that are markup, script, quotes or odd characters show as that text, never as markup;
no script runs from them, no dialog opens, and no request leaves the server."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.build import build
from kg.web import WebApp
from kg.web.server import make_web_server
from reliability.test_hostile_labels import LABELS, NASTY, tables

pytestmark = [pytest.mark.reliability, pytest.mark.browser]

web_support = pytest.importorskip("web_support")
if web_support.CHROMIUM is None:
    pytest.skip("no Chromium: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=web_support.CHROMIUM, args=web_support.ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def shown(text: str) -> str:
    """What a browser's text of the label is: HTML turns CR LF and CR into LF; the tables trim."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n")


def pages(labels: list[str]) -> list[tuple[str, str]]:
    """(path, the label expected in the page's text) for every kind of page that shows it."""
    codes = [f"X{chr(65 + i // 26 // 26 % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(len(labels))]
    found = []
    for i, (code, label) in enumerate(zip(codes, labels, strict=True)):
        found += [(f"/id/state/{code}", label), (f"/id/org/ORG{code}", label), (f"/id/source/lab-{i}", label),
                  (f"/queries/members?org=ORG{code}", label),
                  ("/search?list=1&q=" + urllib.parse.quote(code), label),
                  ("/editor?query=" + urllib.parse.quote(
                      f"SELECT ?name WHERE {{ <https://w3id.org/alignment-kg/id/state/{code}> "
                      "<http://www.w3.org/2000/01/rdf-schema#label> ?name }"), label)]
    return found


@settings(max_examples=2, deadline=None)
@given(labels=st.lists(LABELS, min_size=2, max_size=2))
@example(labels=NASTY)
def test_hostile_labels_stay_text_on_every_page(labels: list[str], browser: Any,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    work = tmp_path_factory.mktemp("web-labels")
    store = work / "store"
    build(str(store), data_dirs=[tables(work / "extra", labels)])
    from kg.store import open_store, resolve_location

    server = make_web_server(WebApp(open_store(resolve_location(str(store)))), host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with web_support.browser_page(browser, base) as (page, seen):
            for path, label in pages(labels):
                page.goto(base + path)
                assert page.evaluate("document.querySelectorAll('img, iframe:not(#graph), object, embed').length") == 0, path
                assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0, path
                assert page.evaluate("window.kgPwned") is None, path
                text = page.evaluate("document.querySelector('main').textContent")
                assert shown(label) in text, (path, label)
            # The suggestions as one types: the label, as text.
            page.goto(base + "/")
            page.fill("#q", "XAAA")
            page.wait_for_selector("#q-suggestions li")
            assert page.locator("#q-suggestions li").first.text_content().startswith(shown(labels[0]))
            assert page.evaluate("document.querySelectorAll('#q-suggestions *').length") == \
                3 * page.evaluate("document.querySelectorAll('#q-suggestions li').length")
            assert seen.dialogs == [] and seen.errors == []
            assert web_support.outside(seen, base) == []
    finally:
        server.shutdown()
        server.server_close()
