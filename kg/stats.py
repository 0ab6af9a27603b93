"""Counts that describe a store: per class, per named graph, per source; version and date;
the coverage the data declares."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.coverage import CoverageStatement, coverage_statements
from kg.derived import DERIVED
from kg.query import value_of
from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["Stats", "store_stats"]

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
