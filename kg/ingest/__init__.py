"""From a news article to sourced candidate facts (``kg ingest``).

:func:`ingest` reads an article (:mod:`kg.ingest.article`), links its words to the graph's codes
(:mod:`kg.ingest.gazetteer`: the store is the gazetteer), applies the rules of
:mod:`kg.ingest.extract` sentence by sentence, and compares every candidate with what the graph
holds (:mod:`kg.ingest.compare`). Nothing is written to the store; :func:`write_tables` turns the
accepted candidates into rows of the curated tables for a reviewer. See ``docs/ingest.md``.

>>> from kg.build import build
>>> from kg.ingest.article import Article
>>> result = ingest(build("memory"), Article(text="Sweden joined NATO on 7 March 2024.",
...                 published="2024-03-08"))
>>> [(c.kind, c.subject, c.object, c.date, c.against_graph) for c in result.candidates]
[('membership', 'SWE', 'NATO', '2024-03-07', 'confirms')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.ingest.article import Article, load_article
from kg.ingest.compare import compare
from kg.ingest.extract import KINDS, Candidate, extract
from kg.ingest.gazetteer import load_gazetteer
from kg.ingest.tables import source_id
from kg.ingest.tables import write_tables as _write_tables
from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["COLUMNS", "KINDS", "Article", "Candidate", "IngestResult", "ingest", "load_article",
           "write_tables", "source_id"]

#: The output columns, in order.
COLUMNS = ("kind", "subject", "object", "detail", "date", "evidence", "confidence", "against_graph")


@dataclass
class IngestResult:
    """The candidates an article gives, and a note when it names no actor the graph knows."""

    article: Article
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def rows(self, min_confidence: float = 0.0) -> list[list[object]]:
        """The candidates at or above ``min_confidence`` as rows of :data:`COLUMNS`."""
        return [[c.kind, c.subject, c.object, c.detail + (f" (graph: {c.graph})" if c.graph else ""),
                 c.date, c.evidence, c.confidence, c.against_graph]
                for c in self.candidates if c.confidence >= min_confidence]


def ingest(store: Store, article: Article) -> IngestResult:
    """The candidate facts ``article`` states, compared with ``store`` (which is only read)."""
    gazetteer = load_gazetteer(store)
    result = IngestResult(article)
    named = gazetteer.mentions(article.title + "\n" + article.text)
    if not named:
        result.notes.append("no state or organisation of the graph is named in the article")
        return result
    result.candidates = compare(store, extract(gazetteer, article))
    if not result.candidates:
        result.notes.append("the article names actors of the graph but states no fact the rules recognise")
    return result


def write_tables(store: Store, directory: Path, result: IngestResult,
                 min_confidence: float = 0.0) -> dict[str, int]:
    """Write the candidates at or above ``min_confidence`` as curated tables in ``directory``."""
    existing = {s["code"].value for s in store.select(
        f"SELECT ?code WHERE {{ ?p a <{AL}Partnership> ; <{AL}code> ?code }}")}
    chosen = [c for c in result.candidates if c.confidence >= min_confidence]
    return _write_tables(directory, result.article, chosen, existing)
