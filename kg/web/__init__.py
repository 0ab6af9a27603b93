"""The web application of ``kg serve``: search, entity pages, the catalogue as forms, a SPARQL
page and charts, as a WSGI application over one store (see ``docs/web.md``).

>>> from kg.store import open_store, resolve_location
>>> app = create_app(open_store(resolve_location("memory")))
>>> call(app, "/id/state/NZL")[0]
200
"""

from __future__ import annotations

from collections.abc import Callable

from kg.stores.base import Store
from kg.web.app import WebApp, WebOptions, call

__all__ = ["WebApp", "WebOptions", "call", "create_app"]


def create_app(store: Store | Callable[[], Store], *, options: WebOptions | None = None) -> WebApp:
    """The WSGI application over ``store`` (a :class:`kg.store.Store`, or a function that
    gives the current one)."""
    return WebApp(store, options=options)
