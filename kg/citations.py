"""The sources of the graph as a reader cites them: id -> title, publisher, date, link.

>>> from kg.store import open_store
>>> source_details(open_store("memory"), ["theowp-2024-04"])["theowp-2024-04"]["publisher"]
'The Organization for World Peace'
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["source_details"]

_QUERY = f"""PREFIX al: <{AL}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?id ?title ?publisher ?issued ?precision ?url WHERE {{
  ?s al:code ?id ; dcterms:title ?title .
  OPTIONAL {{ ?s dcterms:publisher ?publisher }}
  OPTIONAL {{ ?s dcterms:issued ?issued OPTIONAL {{ ?s al:publishedPrecision ?precision }} }}
  OPTIONAL {{ ?s schema:url|al:url|dcterms:source ?url }}
}}"""


def source_details(store: Store, ids: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """``{id: {"title", "publisher", "published", "url"}}`` for the sources ``ids`` (default:
    every source); missing values are ``""``, and a ``url`` is kept only if it is http(s)."""
    wanted = set(ids) if ids is not None else None
    found: dict[str, dict[str, str]] = {}
    for row in store.select(_QUERY):
        code = row["id"].value
        if wanted is not None and code not in wanted:
            continue
        url = row["url"].value if row["url"] is not None else ""
        entry = found.setdefault(code, {"title": row["title"].value, "publisher": "",
                                        "published": "", "url": ""})
        if row["publisher"] is not None and not entry["publisher"]:
            entry["publisher"] = row["publisher"].value
        if row["issued"] is not None and not entry["published"]:
            precision = row["precision"].value.rsplit("#", 1)[-1] if row["precision"] is not None else "day"
            entry["published"] = row["issued"].value[:{"year": 4, "month": 7}.get(precision, 10)]
        if url.startswith(("http://", "https://")) and (not entry["url"] or url < entry["url"]):
            entry["url"] = url
    return dict(sorted(found.items()))
