"""The search index of the web application: every coded resource by code, name, alternative
name, Wikidata QID and ISO alpha-2 code, searched without the network.

>>> index = SearchIndex([Entry("state", "NZL", "New Zealand", ("Aotearoa",), "Q664", "NZ")])
>>> [e.code for e in index.search("new zea")]
['NZL']
>>> [e.code for e in index.search("q664")], [e.code for e in index.search("nz")]
(['NZL'], ['NZL'])
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kg.stores.base import Store
from kg.vocab import AL, ID

__all__ = ["Entry", "SearchIndex", "build_index", "KIND_TITLES"]

#: The kinds of resource that have pages, in the order search results list them.
KIND_TITLES = {
    "state": "State",
    "org": "Organisation",
    "framework": "Partnership framework",
    "partnership": "Partnership",
    "event": "Event",
    "topic": "Topic",
    "source": "Source",
}

_QUERY = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?x ?code ?label ?alt ?wikidata ?iso2 WHERE {{
  ?x <{AL}code> ?code .
  FILTER(STRSTARTS(STR(?x), "{ID}"))
  OPTIONAL {{ ?x rdfs:label|skos:prefLabel|dcterms:title ?label }}
  OPTIONAL {{ ?x skos:altLabel ?alt }}
  OPTIONAL {{ ?x <{AL}wikidata> ?wikidata }}
  OPTIONAL {{ ?x <{AL}iso2> ?iso2 }}
}}"""


def fold(text: str) -> str:
    """Lower case without accents, for matching (``Côte`` matches ``cote``).

    >>> fold("Côte d'Ivoire")
    "cote d'ivoire"
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass(frozen=True)
class Entry:
    """A resource that has a page: its kind (``state``, ``org``, ...), code and names."""

    kind: str
    code: str
    label: str
    alternatives: tuple[str, ...] = ()
    wikidata: str | None = None
    iso2: str | None = None

    @property
    def url(self) -> str:
        """The path of its page: ``/id/{kind}/{code}``, as in its IRI."""
        return f"/id/{self.kind}/{self.code}"

    def keys(self) -> list[str]:
        """The folded texts it is found by."""
        keys = [self.code, self.label, *self.alternatives]
        keys += [k for k in (self.wikidata, self.iso2) if k]
        return [fold(k) for k in keys if k]


class SearchIndex:
    """Resources by what a reader may type. :meth:`search` ranks exact matches of a code or
    name first, then names that start with the text, then names that contain it."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        order = {kind: i for i, kind in enumerate(KIND_TITLES)}
        self.entries = sorted(entries, key=lambda e: (order.get(e.kind, 99), e.code))
        self._keys = [(entry, entry.keys()) for entry in self.entries]
        self.by_code: dict[str, list[Entry]] = {}
        self._topics: dict[str, Entry] = {}
        for entry in self.entries:
            self.by_code.setdefault(entry.code, []).append(entry)
            if entry.kind == "topic":
                self._topics[entry.label] = entry

    def search(self, text: str, *, limit: int = 20) -> list[Entry]:
        """The entries matching ``text`` (any case, accents ignored), best first."""
        wanted = fold(text)
        if not wanted:
            return []
        ranked: list[tuple[int, int, Entry]] = []
        for position, (entry, keys) in enumerate(self._keys):
            if wanted in keys:
                rank = 0 if wanted in keys[:2] else 1
            elif any(k.startswith(wanted) for k in keys):
                rank = 2
            elif any(wanted in k for k in keys):
                rank = 3
            else:
                continue
            ranked.append((rank, position, entry))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [entry for _, _, entry in ranked[:limit]]

    def get(self, kind: str, code: str) -> Entry | None:
        """The entry of ``kind`` with ``code`` (``None`` when there is none)."""
        return next((e for e in self.by_code.get(code, ()) if e.kind == kind), None)

    def topic(self, label: str) -> Entry | None:
        """The topic with this label (tables list topics by label)."""
        return self._topics.get(label)

    def link(self, code: str, prefer: tuple[str, ...] = ()) -> Entry | None:
        """The entry a code in a table cell names, preferring the kinds in ``prefer``."""
        entries = self.by_code.get(code)
        if not entries:
            return None
        for kind in prefer:
            for entry in entries:
                if entry.kind == kind:
                    return entry
        return entries[0]


def build_index(store: Store) -> SearchIndex:
    """Index every coded resource of ``store`` whose kind has a page."""
    found: dict[tuple[str, str], dict] = {}
    for row in store.select(_QUERY):
        kind = row["x"].value[len(ID):].split("/", 1)[0]
        if kind not in KIND_TITLES:
            continue
        code = row["code"].value
        item = found.setdefault((kind, code), {"labels": [], "alts": set(), "wd": None, "iso2": None})
        label = row["label"]
        if label is not None:
            item["labels"].append((getattr(label, "language", None) not in (None, "", "en"), label.value))
        if row["alt"] is not None:
            item["alts"].add(row["alt"].value)
        if row["wikidata"] is not None:
            item["wd"] = row["wikidata"].value
        if row["iso2"] is not None:
            item["iso2"] = row["iso2"].value
    entries = []
    for (kind, code), item in found.items():
        label = min(item["labels"])[1] if item["labels"] else code
        entries.append(Entry(kind, code, label, tuple(sorted(item["alts"] - {label})), item["wd"], item["iso2"]))
    return SearchIndex(entries)
