"""Counts that describe a store: per class, per named graph, per source; version and date;
the coverage the data declares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.coverage import CoverageStatement, coverage_statements
from kg.derived import DERIVED
from kg.query import value_of
from kg.stores.base import Store
from kg.table import Table
from kg.vocab import AL

__all__ = ["STATS_COLUMNS", "Stats", "stats_table", "store_stats"]

#: The columns of :func:`stats_table`.
STATS_COLUMNS = ["group", "name", "value"]

_CLASSES = ("State", "Territory", "Organization", "Membership", "MembershipChange", "Succession",
            "Partnership", "PartnershipStep", "Topic",
            "Framework", "Event", "Participation", "Stance", "Source")


@dataclass
class Stats:
    """What :func:`store_stats` reports."""

    triples: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    graphs: list[tuple[str, int]] = field(default_factory=list)
    sourced_facts: int = 0
    facts: int = 0
    day_precision: int = 0
    dated: int = 0
    dataset_version: str | None = None
    current_as_of: str | None = None
    #: what the data claims to hold, by organisation and kind of fact
    coverage: list[CoverageStatement] = field(default_factory=list)


def store_stats(store: Store) -> Stats:
    """Count what is in ``store`` (all evaluation happens in the store's engine)."""
    stats = Stats()
    values = " ".join(f'(al:{c} "{c}")' for c in _CLASSES)
    query = f"""PREFIX al: <{AL}>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?name (COUNT(DISTINCT ?x) AS ?n) WHERE {{
      VALUES (?class ?name) {{ {values} }}
      OPTIONAL {{ ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?class }} }} GROUP BY ?name"""
    stats.classes = {s["name"].value: int(s["n"].value) for s in store.select(query)}
    row = next(iter(store.select(f"""PREFIX al: <{AL}>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT (COUNT(DISTINCT ?f) AS ?facts) (COUNT(DISTINCT ?sf) AS ?sourced)
           (COUNT(DISTINCT ?d) AS ?dated) (COUNT(DISTINCT ?dd) AS ?day)
    WHERE {{
      ?f a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* al:Fact .
      OPTIONAL {{ ?f prov:wasDerivedFrom ?s BIND(?f AS ?sf) }}
      OPTIONAL {{ ?f al:startPrecision ?p BIND(?f AS ?d) BIND(IF(?p = al:day, ?f, ?unbound) AS ?dd) }}
    }}""")))
    stats.facts = value_of(row["facts"])
    stats.sourced_facts = value_of(row["sourced"])
    stats.dated = value_of(row["dated"])
    stats.day_precision = value_of(row["day"])
    for row in store.select(f"""PREFIX al: <{AL}>
    SELECT ?version ?current WHERE {{
      ?ds a al:Dataset ; al:currentAsOf ?current .
      OPTIONAL {{ ?ds <http://www.w3.org/2002/07/owl#versionInfo> ?version }}
    }} ORDER BY DESC(?current) LIMIT 1"""):
        stats.dataset_version = value_of(row["version"])
        stats.current_as_of = value_of(row["current"])
    stats.coverage = coverage_statements(store)
    stats.graphs = [(g, n) for g, n in store.named_graphs() if g != DERIVED]  # a function of the rest
    stats.triples = sum(n for _, n in stats.graphs)
    return stats


def stats_table(stats: Stats) -> Table:
    """``kg stats`` as a table: one row per count, ``group, name, value`` (the dataset, the
    store, facts, each class, each graph, each coverage statement)."""
    rows: list[list[Any]] = [
        ["dataset", "version", stats.dataset_version],
        ["dataset", "current as of", stats.current_as_of],
        ["store", "triples", stats.triples],
        ["facts", "facts", stats.facts],
        ["facts", "with a source", stats.sourced_facts],
        ["facts", "dated", stats.dated],
        ["facts", "dated to the day", stats.day_precision],
    ]
    rows += [["class", name, count] for name, count in sorted(stats.classes.items())]
    rows += [["graph", graph, count] for graph, count in stats.graphs]
    for c in stats.coverage:
        period = f"{c.since or '...'} to {c.until or '...'}"
        rows.append(["coverage", f"{c.org or 'all'} {c.kind}",
                     f"complete, {period}" if c.complete else f"partial, {period}: {c.note or 'see the data'}"])
    return Table(list(STATS_COLUMNS), rows)
