"""Names instead of codes: find the resource a user means by its code, name or identifier.

Wherever ``kg`` takes a code (a query parameter, ``kg align``, ``kg analyse``, ``kg viz
--focus``/``--org``, ``kg plot``) it also takes, for the same resource:

- the code in any case (``nzl``, ``Nato``);
- the IRI;
- the ISO 3166-1 alpha-2 code of a state or territory (``NZ``);
- the Wikidata QID (``Q664``);
- the name, an alternative name or a demonym (``New Zealand``, ``Aotearoa``, ``Türkiye``,
  ``Turkey``), in any case and with accents optional (``turkiye``).

Matching is exact after normalisation (accents dropped, case folded, punctuation and spaces
collapsed); a text that matches nothing, or matches several resources equally well, is an error
that names the three nearest candidates with their codes and names.

>>> index = NameIndex([
...     Entry("https://w3id.org/alignment-kg/id/state/NZL", "NZL", "State", "New Zealand",
...           ("NZ", "Q664", "Aotearoa")),
...     Entry("https://w3id.org/alignment-kg/id/state/AUS", "AUS", "State", "Australia",
...           ("AU", "Q408")),
...     Entry("https://w3id.org/alignment-kg/id/state/AUT", "AUT", "State", "Austria",
...           ("AT", "Q40", "Österreich")),
... ])
>>> [index.resolve(text).code for text in ("new zealand", "nz", "q664", "nzl", "aotearoa")]
['NZL', 'NZL', 'NZL', 'NZL', 'NZL']
>>> index.resolve("osterreich").code
'AUT'
>>> index.resolve("Austrlia", ("state",))
Traceback (most recent call last):
...
kg.errors.UsageError: unknown state 'Austrlia'; nearest: AUS (Australia), AUT (Austria), NZL (New Zealand)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import UsageError
from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["Entry", "NameIndex", "normalise", "name_index", "resolve", "resolve_code",
           "node_key", "packaged_codes", "KIND_CLASSES"]

#: What a kind of code may name: the classes of the ontology (local names) it covers.
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "state": ("State",),
    "territory": ("Territory",),
    "member": ("State", "Territory", "Organization"),
    "org": ("Organization",),
    "actor": ("State", "Territory", "Organization"),
    "event": ("Event",),
    "framework": ("Framework",),
    "topic": ("Topic",),
    "subject": (),  # anything with a code
}

_WORDS = {"State": "state", "Territory": "territory", "Organization": "organisation",
          "Event": "event", "Framework": "framework", "Topic": "topic"}


def normalise(text: str) -> str:
    """``text`` for comparison: accents dropped, case folded, ``&`` as ``and``, every run of
    punctuation and spaces as one space, a leading "the" dropped.

    >>> normalise("  The Türkiye-EU  Customs Union ")
    'turkiye eu customs union'
    >>> normalise("Côte d'Ivoire") == normalise("cote d ivoire")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("&", " and ").replace("ß", "ss")
    plain = re.sub(r"[^\w]+", " ", plain).strip()
    return re.sub(r"^the ", "", plain)


@dataclass(frozen=True)
class Entry:
    """A resource that can be named: its IRI, code, class (local name), label and the other
    texts that identify it (ISO alpha-2, QID, alternative names, demonyms)."""

    iri: str
    code: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    #: False for a state that no longer exists or a dissolved organisation
    current: bool = True

    def describe(self) -> str:
        """``CODE (label)``, or the code alone when it has no other label."""
        return f"{self.code} ({self.label})" if self.label and self.label != self.code else self.code


class NameIndex:
    """Resources by every text that names them; see the module docstring."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = sorted(entries, key=lambda e: (e.code, e.kind, e.iri))
        self._by_code: dict[str, list[Entry]] = {}
        self._by_code_folded: dict[str, list[Entry]] = {}
        self._by_name: dict[str, list[Entry]] = {}
        self._labelled: set[tuple[str, str]] = set()  # (normalised label, iri)
        self._by_iri: dict[str, Entry] = {}
        for entry in self.entries:
            self._by_iri[entry.iri] = entry
            self._by_code.setdefault(entry.code, []).append(entry)
            self._by_code_folded.setdefault(entry.code.casefold(), []).append(entry)
            self._labelled.add((normalise(entry.label), entry.iri))
            for text in (entry.label, *entry.aliases):
                key = normalise(text)
                if key and entry not in self._by_name.get(key, []):
                    self._by_name.setdefault(key, []).append(entry)

    def _allowed(self, entries: Iterable[Entry], kinds: Sequence[str]) -> list[Entry]:
        classes = {c for kind in kinds for c in KIND_CLASSES[kind]}
        if not classes:
            return list(entries)
        return [e for e in entries if e.kind in classes]

    def candidates(self, text: str, kinds: Sequence[str] = ("subject",)) -> list[Entry]:
        """The resources ``text`` names exactly, best kind of match first: the IRI, the code as
        given, the code in another case, then a name or an identifier (normalised)."""
        text = text.strip()
        if text in self._by_iri:
            return self._allowed([self._by_iri[text]], kinds)
        for found in (self._by_code.get(text, []), self._by_code_folded.get(text.casefold(), []),
                      self._by_name.get(normalise(text), [])):
            allowed = self._allowed(found, kinds)
            by_name = found is self._by_name.get(normalise(text))
            states = [e for e in allowed if e.kind == "State"]
            if len(allowed) > 1 and len(states) == 1 and not by_name:
                return states  # a code shared by a state and another resource is the state's
            if len(allowed) > 1 and by_name:
                # "Russia": the Russia of today before the Russian Empire; then the resource
                # whose own name it is before those that have it as an alternative name.
                for prefer in (lambda e: e.current,
                               lambda e: (normalise(text), e.iri) in self._labelled):
                    preferred = [e for e in allowed if prefer(e)]
                    if preferred:
                        allowed = preferred
                    if len(allowed) == 1:
                        break
            if allowed:
                return allowed
        return []

    def nearest(self, text: str, kinds: Sequence[str] = ("subject",), n: int = 3) -> list[Entry]:
        """The ``n`` resources whose code or names are closest to ``text`` (best first).

        A code or name that starts with the text, or shares its words and numbers, comes before
        one that is only spelt alike (``NATO-SUMMIT-2025`` finds ``NATO-SUMMIT-2025-THE-HAGUE``
        before the 2002 summits).
        """
        query = normalise(text)
        words = set(query.split())
        scored: list[tuple[float, str, Entry]] = []
        for entry in self._allowed(self.entries, kinds):
            best = 0.0
            for name in (entry.code, entry.label, *entry.aliases):
                key = normalise(name)
                if not key:
                    continue
                score = difflib.SequenceMatcher(None, query, key).ratio()
                if query and key.startswith(query):
                    score = max(score, 0.9 + 0.1 * len(query) / len(key))
                elif query and (f" {query} " in f" {key} "):
                    score = max(score, 0.85)
                theirs = set(key.split())
                if words and theirs:
                    shared = words & theirs
                    score = max(score, 0.8 * len(shared) / len(words | theirs)
                                + (0.15 if len(shared) == len(words) else 0.0))
                best = max(best, score)
            scored.append((-best, entry.code, entry))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [entry for _, _, entry in scored[:n]]

    def resolve(self, text: str, kinds: Sequence[str] = ("subject",), *, option: str = "") -> Entry:
        """The one resource of ``kinds`` that ``text`` names.

        Raises :class:`UsageError` (one line: the three nearest candidates) when it names none,
        or several equally well (then the ones it names).
        """
        found = self.candidates(text, kinds)
        what = " or ".join(dict.fromkeys(_WORDS.get(c, "resource") for kind in kinds
                                         for c in (KIND_CLASSES[kind] or ("",))))
        where = f"{option}: " if option else ""
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(e.describe() for e in found[:6])
            raise UsageError(f"{where}{text!r} names several: {listed}; give the code")
        probe = text.strip().rstrip("/").rsplit("/", 1)[-1] if "://" in text else text
        near = ", ".join(e.describe() for e in self.nearest(probe, kinds))
        hint = f"; nearest: {near}" if near else ""
        raise UsageError(f"{where}unknown {what} {text!r}{hint}")


_ENTRIES = f"""PREFIX al: <{AL}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?x ?code ?class ?label ?alias ?gone WHERE {{
  ?x al:code ?code .
  OPTIONAL {{ ?x al:end|al:dissolved ?gone }}
  OPTIONAL {{ ?x a ?class . FILTER(STRSTARTS(STR(?class), STR(al:))) }}
  OPTIONAL {{ ?x rdfs:label|skos:prefLabel|dcterms:title ?label }}
  OPTIONAL {{ ?x skos:altLabel|al:iso2|al:wikidata|al:demonym ?alias }}
}}"""


def _entries(store: Store) -> list[Entry]:
    found: dict[tuple[str, str], tuple[str, set[str], set[str]]] = {}
    gone: set[str] = set()
    for row in store.select(_ENTRIES):
        iri, code = row["x"].value, row["code"].value
        if row["gone"] is not None:
            gone.add(iri)
        cls = row["class"].value.rsplit("#", 1)[-1] if row["class"] is not None else ""
        label, names, aliases = found.setdefault((iri, cls), (code, set(), set()))
        if row["label"] is not None:
            names.add(row["label"].value)
        if row["alias"] is not None:
            aliases.add(row["alias"].value)
    entries = []
    for (iri, cls), (code, names, aliases) in found.items():
        ordered = sorted(names)
        label = ordered[0] if ordered else code
        entries.append(Entry(iri, code, cls, label, tuple(ordered[1:]) + tuple(sorted(aliases)),
                             current=iri not in gone))
    return entries


_CACHE: weakref.WeakKeyDictionary[Store, tuple[int, NameIndex]] = weakref.WeakKeyDictionary()


def name_index(store: Store) -> NameIndex:
    """The index of every coded resource in ``store``, remembered per store object while its
    size is unchanged (per wrapped store for a wrapper that names it as ``__wrapped__``)."""
    store = getattr(store, "__wrapped__", store)
    size = len(store)
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == size:
        return cached[1]
    index = NameIndex(_entries(store))
    try:
        _CACHE[store] = (size, index)
    except TypeError:
        pass
    return index


def resolve(store: Store, text: str, kinds: Sequence[str] = ("subject",), *, option: str = "") -> Entry:
    """The resource of ``kinds`` (see :data:`KIND_CLASSES`) that ``text`` names in ``store``.

    Codes as given are looked up first with one small query; names need the whole index.

    Raises
    ------
    UsageError
        Nothing, or several resources equally well, match; the message lists the nearest.
    """
    classes = {c for kind in kinds for c in KIND_CLASSES[kind]}
    exact = _exact_code(store, text.strip(), classes)
    if exact is not None:
        return exact
    return name_index(store).resolve(text, kinds, option=option)


def resolve_code(store: Store, text: str, kinds: Sequence[str] = ("subject",), *, option: str = "") -> str:
    """The code of the resource ``text`` names (:func:`resolve`)."""
    return resolve(store, text, kinds, option=option).code


def node_key(entry: Entry, nodes: Iterable[str]) -> str:
    """The key of ``entry`` among the nodes of a :mod:`kg.network` projection: its code, or
    ``CODE@org`` / ``CODE@territory`` where a state has the same code (``NAM@org``).

    >>> node_key(Entry("https://w3id.org/alignment-kg/id/org/NAM", "NAM", "Organization", "Non-Aligned Movement"), ["NAM", "NAM@org"])
    'NAM@org'
    """
    keys = set(nodes)
    suffix = {"Organization": "org", "Territory": "territory"}.get(entry.kind)
    if suffix and f"{entry.code}@{suffix}" in keys:
        return f"{entry.code}@{suffix}"
    return entry.code


def _exact_code(store: Store, text: str, classes: set[str]) -> Entry | None:
    """The resource whose code is ``text`` or ``text`` in upper case, when exactly one of
    ``classes`` has it (the common case, without building the index)."""
    import pyoxigraph as ox

    if not text or text.startswith(("http://", "https://")) or "\n" in text:
        return None
    type_filter = ""
    if classes:
        type_filter = ("?x a ?class . FILTER(?class IN ("
                       + ", ".join(f"<{AL}{c}>" for c in sorted(classes)) + "))")
    for code in dict.fromkeys((text, text.upper())):
        query = (f"SELECT DISTINCT ?x ?class ?label WHERE {{ ?x <{AL}code> {ox.Literal(code)} . "
                 f"{type_filter or '?x a ?class . FILTER(STRSTARTS(STR(?class), STR(<' + AL + '>)))'} "
                 "OPTIONAL { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label } } "
                 "ORDER BY ?label LIMIT 5")
        rows = list(store.select(query))
        iris = {row["x"].value for row in rows}
        if len(iris) == 1:
            row = rows[0]
            label = row["label"].value if row["label"] is not None else code
            return Entry(row["x"].value, code, row["class"].value.rsplit("#", 1)[-1], label)
        if len(iris) > 1:
            return None  # the same code for several resources: let the index say which
    return None


@lru_cache(maxsize=1)
def packaged_codes() -> dict[str, tuple[tuple[str, str], ...]]:
    """Codes and names of the packaged data by kind (``state``, ``org``, ``event``,
    ``framework``, ``topic``, ``partnership``), read from the tables without a store: for shell
    completion."""
    import csv

    from kg.resources import data_dir

    tables = {"state": ("states.csv", "states-historical.csv"), "org": ("organizations*.csv",),
              "event": ("events.csv",), "framework": ("frameworks.csv",), "topic": ("topics.csv",),
              "partnership": ("partnerships.csv",)}
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    directory = Path(data_dir())
    for kind, patterns in tables.items():
        rows: dict[str, str] = {}
        for pattern in patterns:
            for path in sorted(directory.glob(pattern)):
                with path.open(encoding="utf-8", newline="") as handle:
                    for row in csv.DictReader(handle):
                        code = (row.get("code") or row.get("id") or "").strip()
                        if code:
                            rows.setdefault(code, (row.get("name") or row.get("label") or "").strip())
        found[kind] = tuple(sorted(rows.items()))
    return found
