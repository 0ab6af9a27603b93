"""Support for the web application's tests: the application on a real server on loopback,
and a headless Chromium (playwright driving Debian's ``chromium``) that may reach only it."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.store import open_store, resolve_location
from kg.web import WebApp
from kg.web.server import make_web_server

CHROMIUM = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def web_server(store_path: Path | str) -> Iterator[str]:
    """The web application over the store at ``store_path`` on 127.0.0.1; yields its base URL."""
    app = WebApp(open_store(resolve_location(str(store_path))))
    server = make_web_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Recorder:
    """Every request the pages made, every error and dialog."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []


@contextmanager
def browser_page(browser: Any, base: str, *, viewport: tuple[int, int] = (1280, 900)) -> Iterator[tuple[Any, Recorder]]:
    """A page in a fresh context that may load only ``base``; everything else is aborted and
    recorded, so that a test can assert that nothing else was asked for."""
    context = browser.new_context(service_workers="block", accept_downloads=True,
                                  viewport={"width": viewport[0], "height": viewport[1]})
    seen = Recorder()
    context.on("request", lambda request: seen.requests.append(request.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base + "/")
                  else route.abort())
    page = context.new_page()
    page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield page, seen
    finally:
        context.close()


def outside(seen: Recorder, base: str) -> list[str]:
    """The requests that did not go to ``base`` (``data:`` URLs stay in the page)."""
    return [url for url in seen.requests if not url.startswith(base + "/") and not url.startswith("data:")]
