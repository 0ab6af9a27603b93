"""The graph as gazetteer: every name the store knows for its states, organisations,
frameworks, topics and events, and where they occur in a sentence.

Names come from the store (labels, alternative labels, codes, ISO alpha-2 codes of states,
demonyms and adjectives where the data gives them), so a new name is a row of data, not code.
Matching ignores case for names of four letters or more and accents everywhere; acronyms (all
capitals, as the text writes them after :func:`kg.ingest.text.normalise`) match as written.
A generic noun ("the alliance", "the bloc") refers to the organisation of its kind last named.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["Entry", "Gazetteer", "Mention", "load_gazetteer", "fold"]


def fold(text: str) -> str:
    """Lower case without accents, apostrophes unified (``Türkiye`` -> ``turkiye``)."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Entry:
    """One thing the graph names: ``kind`` is state, org, framework, topic or event."""

    kind: str
    code: str
    label: str
    org_kind: str = ""      # organisations: their kind (collective-defence-alliance, ...)
    org: str = ""           # frameworks and events: the organisation that runs or convenes it
    start: str = ""         # events: first day
    place: str = ""         # events: where


@dataclass(frozen=True)
class Mention:
    """An entry named in a sentence, at ``start``..``end`` of it."""

    entry: Entry
    start: int
    end: int
    text: str
    #: named by a demonym or adjective ("French colonies"): an attribute, not an actor
    demonym: bool = False


#: Generic nouns that refer back to an organisation, with the kinds they may name.
GENERIC = {
    "alliance": ("collective-defence-alliance", "security-partnership", "intelligence-alliance"),
    "bloc": (),
    "organisation": (),
    "organization": (),
    "union": ("political-economic-union", "regional-organisation"),
    "group": ("forum",),
    "grouping": ("forum",),
    "pact": ("collective-defence-alliance",),
    "community": ("regional-organisation", "political-economic-union"),
}

_STOP_NAMES = {"us", "it", "in", "is", "be", "me", "no", "so", "as", "an", "at", "by", "or", "to",
               "on", "of", "am", "do", "go", "he", "hi", "if", "ma", "my", "oh", "ok", "we", "id",
               "la", "al", "pa", "ca", "de", "sa", "na", "ne", "mt", "tv", "eu"}


@dataclass
class Gazetteer:
    """Names -> entries, and a matcher over sentences."""

    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    names: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    exact: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    demonyms: set[str] = field(default_factory=set)
    _pattern: re.Pattern[str] | None = None

    def add(self, entry: Entry, name: str) -> None:
        name = name.strip()
        if not name:
            return
        key = (entry.kind, entry.code)
        self.entries[key] = entry
        if len(name) <= 5 and name.isupper():
            if fold(name) in _STOP_NAMES and entry.kind != "org":
                return
            self.exact[name].add(key)  # acronyms and codes: as written
        elif len(fold(name)) >= 3:
            self.names[fold(name)].add(key)
        self._pattern = None

    def entry(self, kind: str, code: str) -> Entry | None:
        return self.entries.get((kind, code))

    def by_kind(self, kind: str) -> list[Entry]:
        return [e for (k, _), e in sorted(self.entries.items()) if k == kind]

    def _regex(self) -> re.Pattern[str]:
        if self._pattern is None:
            alternatives = sorted(set(self.names) | {fold(n) for n in self.exact}, key=len, reverse=True)
            body = "|".join(re.escape(a) for a in alternatives)
            self._pattern = re.compile(rf"(?<![\w-])(?:{body})(?:'s|s'|')?(?![\w-])")
        return self._pattern

    def mentions(self, sentence: str, kinds: tuple[str, ...] = ("state", "org")) -> list[Mention]:
        """The entries of ``kinds`` named in ``sentence``, longest names first, not overlapping."""
        folded = fold(sentence)
        if len(folded) != len(sentence):  # a character that folds to several: match on a copy
            folded = "".join(fold(c)[:1] or c for c in sentence)
        found: list[Mention] = []
        for match in self._regex().finditer(folded):
            raw = sentence[match.start():match.end()]
            bare = re.sub(r"('s|s'|')$", "", raw)
            keys = self.exact.get(bare, set()) if bare.isupper() else set()
            keys = keys | (self.names.get(fold(bare), set()) if not (bare.isupper() and len(bare) <= 5) else set())
            for key in sorted(keys):
                entry = self.entries[key]
                if entry.kind in kinds:
                    found.append(Mention(entry, match.start(), match.start() + len(bare), bare,
                                         demonym=fold(bare) in self.demonyms))
                    break
        return found


_QUERY = f"""PREFIX al: <{AL}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?code ?name ?label ?orgKind ?org ?start ?place ?demonym WHERE {{
  {{
    ?x a al:State ; al:code ?code . BIND("state" AS ?kind)
    OPTIONAL {{ ?x rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }}
    {{ ?x rdfs:label|skos:altLabel|al:code ?name }} UNION {{ ?x al:demonym ?name BIND(true AS ?demonym) }}
    FILTER NOT EXISTS {{ ?x al:end ?gone }}
  }} UNION {{
    ?x a al:Organization ; al:code ?code ; al:kind/al:code ?orgKind . BIND("org" AS ?kind)
    OPTIONAL {{ ?x rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }}
    {{ ?x rdfs:label|skos:altLabel|al:code ?name }}
  }} UNION {{
    ?x a al:Framework ; al:code ?code ; skos:prefLabel ?label . BIND("framework" AS ?kind)
    OPTIONAL {{ ?x al:runBy/al:code ?org }}
    {{ ?x skos:prefLabel|skos:altLabel|al:code ?name }}
  }} UNION {{
    ?x a al:Topic ; al:code ?code ; skos:prefLabel ?label . BIND("topic" AS ?kind)
    {{ ?x skos:prefLabel|skos:altLabel ?name }}
  }} UNION {{
    ?x a al:Event ; al:code ?code ; rdfs:label ?label . BIND("event" AS ?kind) BIND(?label AS ?name)
    OPTIONAL {{ ?x al:convenedBy/al:code ?org }}
    OPTIONAL {{ ?x al:start ?start }}
    OPTIONAL {{ ?x al:place ?place }}
  }}
}}"""


def load_gazetteer(store: Store) -> Gazetteer:
    """Every name the store gives its current states, organisations, frameworks, topics and
    events (one query)."""
    gazetteer = Gazetteer()

    def text(solution, name: str) -> str:
        term = solution[name]
        return "" if term is None else term.value

    for s in store.select(_QUERY):
        entry = Entry(kind=text(s, "kind"), code=text(s, "code"), label=text(s, "label") or text(s, "code"),
                      org_kind=text(s, "orgKind"), org=text(s, "org"), start=text(s, "start"),
                      place=text(s, "place"))
        name = text(s, "name")
        gazetteer.add(entry, name)
        if s["demonym"] is not None:
            gazetteer.demonyms.add(fold(name))
        if entry.kind in ("state", "org") and name.lower().startswith("the "):
            gazetteer.add(entry, name[4:])
        if entry.kind in ("state", "org"):
            # "Republic of Korea" is also "Korea, Republic of" in some lists: only the plain form
            gazetteer.add(entry, re.sub(r"\s*\(.*?\)\s*", " ", name).strip())
    return gazetteer
