"""Candidates as rows of the curated tables, for a reviewer to edit and ``kg build --data DIR``.

The article becomes one row of ``sources.csv``; each ``new`` candidate becomes rows of the table
of its kind, citing it. Candidates the graph already holds (``confirms``) or holds otherwise
(``conflicts``) are not written as facts (the tables would then state them twice): they are
listed in ``review.csv`` beside the tables, with the article's sentence, for the reviewer to
merge by hand. Memberships, withdrawals and suspensions become membership spells; a partnership
the graph does not have gets a row of ``partnerships.csv`` (framework ``PATG`` where the article
names none) and its step.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

from kg.ingest.article import Article
from kg.ingest.extract import Candidate

__all__ = ["source_id", "write_tables"]

_STATUS = {"negotiating": "negotiating", "agreed": "concluded", "active": "active", "": "active"}
_ROLE = {"membership": "member", "suspension": "suspended"}


def source_id(article: Article) -> str:
    """A stable id for the article: publisher, date and a digest of its text.

    >>> source_id(Article(text="x", publisher="The Organization for World Peace", published="2024-04"))
    'ingest-the-organization-for-world-peace-2024-04-2d711642'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", article.publisher.lower()).strip("-")[:40] or "article"
    digest = hashlib.sha256(article.text.encode()).hexdigest()[:8]
    return "-".join(p for p in ("ingest", slug, article.published, digest) if p)


def _csv(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, renamed)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_tables(directory: Path, article: Article, candidates: list[Candidate],
                 existing_partnerships: set[str]) -> dict[str, int]:
    """Write the candidates' tables into ``directory`` (created if missing); returns rows per
    file. ``existing_partnerships`` are the partnership ids the graph already has."""
    directory.mkdir(parents=True, exist_ok=True)
    sid = source_id(article)
    kind = "news" if article.publisher else "reference"
    tables: dict[str, tuple[list[str], list[list[str]]]] = {
        "sources.csv": (["id", "kind", "publisher", "title", "published", "url", "author"],
                        [[sid, kind, article.publisher or "unknown publisher", article.title or "untitled article",
                          article.published, article.url, article.author]]),
        "memberships.csv": (["org", "member", "role", "start", "end", "end_reason", "source", "note"], []),
        "partnerships.csv": (["id", "partner", "counterpart", "framework", "source", "note"], []),
        "partnership_steps.csv": (["partnership", "status", "start", "end", "source", "note"], []),
        "partnership_topics.csv": (["partnership", "topic", "source"], []),
        "participations.csv": (["event", "participant", "role", "source", "note"], []),
        "stances.csv": (["id", "actor", "stance", "party", "opponent", "start", "end", "source", "note"], []),
    }
    review: list[list[str]] = []
    written_partnerships: set[str] = set()
    for c in candidates:
        note = f"from the article: {c.evidence}"
        if c.against_graph != "new":
            review.append([c.kind, c.subject, c.object, c.detail, c.date, c.against_graph, c.graph, c.evidence])
            continue
        if c.kind in ("membership", "suspension") and c.date and c.detail != "prospective":
            tables["memberships.csv"][1].append([c.object, c.subject, _ROLE[c.kind], c.date, "", "", sid, note])
        elif c.kind == "partnership":
            pid = f"{c.subject}-{c.object}-{c.framework or 'PATG'}"
            if pid not in existing_partnerships and pid not in written_partnerships:
                tables["partnerships.csv"][1].append([pid, c.subject, c.object, c.framework or "PATG", sid, note])
                written_partnerships.add(pid)
            tables["partnership_steps.csv"][1].append([pid, _STATUS.get(c.status, "active"), c.date, "", sid, note])
        elif c.kind == "partnership-topic":
            pid = f"{c.subject}-{c.object}-{c.framework or 'PATG'}"
            if pid in existing_partnerships or pid in written_partnerships:
                tables["partnership_topics.csv"][1].append([pid, c.detail, sid])
            else:
                review.append([c.kind, c.subject, c.object, c.detail, c.date, "new", "no partnership to attach it to",
                               c.evidence])
        elif c.kind == "participation" and c.detail.isupper():
            tables["participations.csv"][1].append([c.detail, c.subject, "partner", sid, note])
        elif c.kind == "stance":
            sid_stance = f"{c.subject}-{c.detail.upper()}-{c.object}-{sid[-8:]}"
            tables["stances.csv"][1].append([sid_stance, c.subject, c.detail, c.object, "", c.date, "", sid, note])
        else:  # withdrawals and readmissions end or restart a spell the reviewer must pick
            review.append([c.kind, c.subject, c.object, c.detail, c.date, c.against_graph, c.graph, c.evidence])
    counts = {}
    for name, (columns, rows) in tables.items():
        if rows:
            _write(directory / name, _csv(columns, rows))
            counts[name] = len(rows)
    _write(directory / "review.csv", _csv(["kind", "subject", "object", "detail", "date", "against_graph",
                                           "graph", "evidence"], review))
    counts["review.csv"] = len(review)
    return counts
