"""The web application for a production WSGI server (gunicorn, uWSGI, mod_wsgi, waitress)::

    KG_STORE=/srv/kg-store gunicorn --workers 4 --threads 4 --bind 127.0.0.1:8000 kg.web.wsgi:application

The store is ``$KG_STORE`` (a directory, ``memory`` or a SPARQL endpoint's URL), opened on the
first request; a directory store is reopened when ``kg build`` swaps in a new generation, so a
rebuild is served without a restart. See ``docs/web.md``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from kg.api import open_store
from kg.stores.base import Store, StoreLocation, resolve_location
from kg.stores.kinds import store_class
from kg.web.app import WebApp, WebOptions

__all__ = ["application", "current_store", "make_application"]


def current_store(location: StoreLocation) -> Callable[[], Store]:
    """A function giving the store at ``location`` as it is now: the same object while a
    directory store's live generation stays, a new one after a rebuild; a fresh connection
    description for a remote store (its list of graphs may change)."""
    kind = store_class(location)
    if kind.in_process:
        store = open_store(location)
        return lambda: store
    lock = threading.Lock()
    held: list[Store] = []

    def current() -> Store:
        with lock:
            fresh = held[0].latest() if held else kind.at(location)
            if held and fresh is not held[0]:
                held[0].close()
            held[:] = [fresh]
            return held[0]

    return current


def make_application(location: str | None = None, *, options: WebOptions | None = None) -> WebApp:
    """The web application over ``location`` (default: ``$KG_STORE``, else the per-user store)."""
    return WebApp(current_store(resolve_location(location)), options=options)


_app: WebApp | None = None
_app_lock = threading.Lock()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The WSGI callable: :func:`make_application` over ``$KG_STORE``, made on the first request."""
    global _app
    if _app is None:
        with _app_lock:
            if _app is None:
                _app = make_application(os.environ.get("KG_STORE"))
    return _app(environ, start_response)
