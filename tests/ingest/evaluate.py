"""Precision and recall of ``kg ingest`` on the evaluation set, by kind of fact.

The set is ``tests/ingest/articles.csv``: each article (the seed article is read from
``../shared/seeds``, never copied), its publication date, and the report it restates; the facts
each one states were annotated by hand from its text alone, in ``expected/<name>.csv``. A
candidate matches an expected fact when kind, subject, object, detail and date are equal (the
detail without the graph's version that ``conflicts`` adds).

Run from the repository root::

    python tests/ingest/evaluate.py [--store LOCATION] [--min-confidence X] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from kg.ingest import KINDS, ingest, load_article  # noqa: E402
from kg.store import Store  # noqa: E402

Fact = tuple[str, str, str, str, str]


@dataclass
class Scores:
    """Counts by kind: true positives, false positives, false negatives."""

    tp: Counter[str]
    fp: Counter[str]
    fn: Counter[str]
    missing: list[tuple[str, Fact]]
    wrong: list[tuple[str, Fact]]

    def precision(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fp = self.fp[kind] if kind else sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, kind: str | None = None) -> float:
        tp = self.tp[kind] if kind else sum(self.tp.values())
        fn = self.fn[kind] if kind else sum(self.fn.values())
        return tp / (tp + fn) if tp + fn else 1.0


def articles() -> list[dict[str, str]]:
    """The evaluation set's index; articles whose file is absent (the seed outside a checkout
    with ``../shared``) are left out."""
    with (HERE / "articles.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row for row in rows if (HERE / row["file"]).exists()]


def expected(row: dict[str, str]) -> set[Fact]:
    name = Path(row["file"]).stem
    with (HERE / "expected" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["kind"], r["subject"], r["object"], r["detail"], r["date"]) for r in csv.DictReader(handle)}


def evaluate(store: Store, min_confidence: float = 0.0, subset: str | None = None) -> Scores:
    """Scores over the articles of ``subset`` (``development``: the articles the rules were
    written against; ``held-out``: articles written and annotated after the rules were frozen,
    run once), or over all of them."""
    scores = Scores(Counter(), Counter(), Counter(), [], [])
    for row in articles():
        if subset is not None and row["set"] != subset:
            continue
        article = load_article(str(HERE / row["file"]), title=row["title"], published=row["published"],
                               publisher=row["report_publisher"])
        result = ingest(store, article)
        got = {(c.kind, c.subject, c.object, c.detail, c.date)
               for c in result.candidates if c.confidence >= min_confidence}
        want = expected(row)
        name = Path(row["file"]).stem
        for fact in got & want:
            scores.tp[fact[0]] += 1
        for fact in got - want:
            scores.fp[fact[0]] += 1
            scores.wrong.append((name, fact))
        for fact in want - got:
            scores.fn[fact[0]] += 1
            scores.missing.append((name, fact))
    return scores


def report(scores: Scores) -> str:
    lines = ["| kind | expected | found | correct | precision | recall |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for kind in (*KINDS, None):
        tp, fp, fn = ((scores.tp[kind], scores.fp[kind], scores.fn[kind]) if kind else
                      (sum(scores.tp.values()), sum(scores.fp.values()), sum(scores.fn.values())))
        if kind and not tp + fp + fn:
            continue
        lines.append(f"| {kind or '**all**'} | {tp + fn} | {tp + fp} | {tp} | "
                     f"{scores.precision(kind):.2f} | {scores.recall(kind):.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="memory", help="the store to compare with (default: memory)")
    parser.add_argument("--min-confidence", type=float, default=0.0)
    parser.add_argument("--verbose", action="store_true", help="list the missed and the wrong facts")
    args = parser.parse_args(argv)
    from kg.store import open_store

    store = open_store(args.store)
    scores = evaluate(store, args.min_confidence)
    print("All articles:\n")
    print(report(scores))
    for subset in ("development", "held-out"):
        if not any(row["set"] == subset for row in articles()) or len({r["set"] for r in articles()}) == 1:
            continue
        print(f"\n{subset.capitalize()} articles:\n")
        print(report(evaluate(store, args.min_confidence, subset)))
    if args.verbose:
        for name, fact in scores.missing:
            print(f"missed  {name}: {','.join(fact)}")
        for name, fact in scores.wrong:
            print(f"wrong   {name}: {','.join(fact)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
