"""The derived graph: what the catalogue would otherwise compute from many triples per fact.

``kg/sparql/derived.rq`` computes, from all the other graphs of a store:

- ``al:summary``: every membership, membership change, partnership, partnership step, topic
  coverage, event, participation and stance as one line of text, its dates at their precision
  (``NZL-NATO IPCP partnership: active from 2012-06-04``), and ``CODE is Name`` for every
  state, territory and organisation;
- ``al:involves``: each state or organisation a fact is about;
- ``al:otherSpell``: the other membership spells of the same member in the same organisation;
- the facts that whole-store catalogue questions would otherwise compute over every spell or
  fact at each query: ``al:joinedOn`` (a spell that is a joining, ``joiners``), ``al:leftOn`` (a
  spell that is a leaving, ``leavers``), ``al:differingSpell`` (two sources' accounts of a
  membership that disagree, ``source-disagreements``), ``al:singleSource`` (the one source of a
  fact that names one, ``single-source``);
- the analytics tables (the last block of the query), which ``kg align``, ``kg network`` and the
  other projections read (:mod:`kg.projection.readers`) instead of joining the store, each a
  literal of lines: ``al:commitmentSpells`` (every commitment's spells that tie states, the rows
  of ``kg/sparql/alignment_commitments.rq``), ``al:networkEdges`` (every node's edges of the
  network, ``network_edges.rq``), ``al:partnershipSteps`` (every partnership's steps,
  ``network_steps.rq``), ``al:stateSpans`` (every state's period) and ``al:membershipSpells``
  (every organisation's spells of states, any role, which ``top-shared-memberships`` reads);
- ``al:derivationVersion``: the version of these rules (:data:`VERSION`), said of the graph;
- in a second step, ``kg/sparql/summary_tables.rq``, tables of the whole-store provenance answers
  made from the summaries the first step wrote, each a literal of lines: ``al:singleSourceFacts``
  (on each source, the facts that name it alone, ``single-source``) and ``al:impreciseDates`` (on
  ``al:year`` and ``al:month``, the dates known only to that precision, ``year-precision``).

They go into one named graph, :data:`DERIVED`, recomputed on every write to the store (build,
load, import, drop, an allowed update) in the same atomic write, so they always agree with the
rest of the store. The catalogue's provenance and quality queries read them (``sources``,
``single-source``, ``year-precision``, ``source-disagreements``, ``joiners``, ``leavers``).
A store derived by an older ``kg`` lacks the facts added since: a query that reads one of them
is refused (:func:`check_version`) rather than answered wrongly, until a write (``kg build``)
derives the graph again.

Like the metadata graphs, the derived graph is not data: ``kg export`` leaves it out and
``kg load`` derives it again, so exports still round-trip, and ``kg graphs`` does not list it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError, StoreError
from kg.sparqltext import read_query
from kg.vocab import AL, GRAPH

__all__ = ["ADDED", "DERIVED", "MAX_SPELLS", "TABLES_VERSION", "VERSION", "check_spells", "check_version",
           "derivation_query", "derivation_update", "derive", "required_version", "spells_query",
           "tables_query", "too_many_spells", "version_query"]

#: The named graph that holds the derived triples.
DERIVED = GRAPH + "derived"

_QUERY = Path(__file__).resolve().parent / "sparql" / "derived.rq"
_TABLES = Path(__file__).resolve().parent / "sparql" / "summary_tables.rq"

#: The version of the derivation's rules, which ``kg/sparql/derived.rq`` writes as the derived
#: graph's ``al:derivationVersion``. Raised whenever the derivation adds a fact that a reader
#: reads, or changes the form of one (and :data:`ADDED` says which); a graph derived before the
#: first version has none.
VERSION = 5

#: The derived properties (local names in ``al:``) each version added, from version 2 on.
ADDED: dict[int, tuple[str, ...]] = {2: ("joinedOn", "leftOn", "differingSpell", "singleSource"),
                                     3: ("commitmentSpells", "networkEdges", "partnershipSteps", "stateSpans"),
                                     4: ("membershipSpells",),
                                     5: ("singleSourceFacts", "impreciseDates")}

#: The version from which the derived graph holds the analytics tables that
#: :mod:`kg.projection.readers` reads (a change of their form raises :data:`VERSION` again).
TABLES_VERSION = 3


def required_version(sparql: str) -> int:
    """The derivation version a SPARQL text needs: the highest that added a property it names
    (as ``al:name`` or by its IRI), else 1.

    >>> required_version("SELECT ?m WHERE { ?m al:joinedOn ?day }")
    2
    >>> required_version("SELECT ?m WHERE { ?m al:otherSpell ?other }")
    1
    """
    needed = 1
    for version, names in ADDED.items():
        if any(re.search(rf"(al:|{re.escape(AL)}){name}\b", sparql) for name in names):
            needed = max(needed, version)
    return needed


def version_query() -> str:
    """The query that reads the derived graph's version (no row: a graph derived before
    versions, or none at all)."""
    return f"SELECT ?version WHERE {{ <{DERIVED}> <{AL}derivationVersion> ?version }}"


def check_version(found: int | None, needed: int) -> None:
    """Refuse (:class:`~kg.errors.StoreError`) a store whose derived graph, of version ``found``
    (``None``: unversioned), is older than the ``needed`` one."""
    if needed > 1 and (found is None or found < needed):
        raise StoreError(
            f"the store's derived graph was computed by an older kg (derivation version "
            f"{found or 1}, this reading needs {needed}): rebuild the store with `kg build --store ...` "
            "(it keeps loaded and imported graphs), or write to it again, to derive it anew")


@lru_cache(maxsize=1)
def derivation_query() -> str:
    """The CONSTRUCT query that computes the derived triples from the default graph."""
    return read_query(_QUERY)


@lru_cache(maxsize=1)
def tables_query() -> str:
    """The CONSTRUCT query of the derivation's second step: the summary tables, computed from
    the summaries and single sources that :func:`derivation_query` gives (and the rest of the
    store)."""
    return read_query(_TABLES)


#: Derived quads written at once: the derivation is streamed in chunks of this many, so that a
#: store of ten million triples never holds all its derived triples in Python at once.
CHUNK = 500_000

#: The most membership spells one member may have in one organisation. ``al:otherSpell`` pairs
#: every spell with every other, so its size grows with the square of this number: without a
#: bound, one file of 2,000 spells made the store 100 times larger and every later write minutes
#: long. The shipped data has at most a handful.
MAX_SPELLS = 100


def spells_query(graphs: list[str] | None = None) -> str:
    """The query that finds a member with more than :data:`MAX_SPELLS` spells in one
    organisation: over the union default graph, or over the merge of ``graphs`` (``FROM``)."""
    sources = "".join(f"FROM <{g}>\n" for g in graphs or [])
    return (f"SELECT ?m ?o (COUNT(DISTINCT ?f) AS ?n)\n{sources}WHERE {{\n"
            f"  ?f a <{AL}Membership> ; <{AL}member> ?m ; <{AL}organization> ?o\n"
            f"}} GROUP BY ?m ?o HAVING (COUNT(DISTINCT ?f) > {MAX_SPELLS}) LIMIT 1")


def too_many_spells(member: str, organization: str, count: str) -> DataError:
    """The refusal of a store in which ``member`` has ``count`` spells in ``organization``."""
    return DataError(f"{member} has {count} membership spells in {organization}: more than "
                     f"{MAX_SPELLS}, which the derived graph cannot hold (it pairs every spell "
                     "with every other)")


def check_spells(engine: ox.Store) -> None:
    """Refuse a store in which a member has more than :data:`MAX_SPELLS` spells in one
    organisation (:class:`~kg.errors.DataError`), before the derived graph is computed."""
    for row in engine.query(spells_query(), use_default_graph_as_union=True):  # type: ignore[union-attr]
        raise too_many_spells(row["m"].value, row["o"].value, row["n"].value)


def derive(engine: ox.Store) -> int:
    """Recompute the derived graph of an embedded store from its other graphs (their union);
    returns the number of derived triples. Refuses a store with too many spells of one member
    in one organisation (:func:`check_spells`).

    The result is read and written in chunks (:data:`CHUNK`): the derivation reads none of the
    properties it writes (``al:summary``, ``al:involves``, ``al:otherSpell``, the whole-store
    facts, the analytics tables, the version), so writing a chunk while the query goes on cannot
    change what it gives. The second step (:func:`tables_query`) runs once the first is written:
    it reads the summaries, and writes only its tables."""
    from itertools import islice

    check_spells(engine)
    graph = ox.NamedNode(DERIVED)
    engine.remove_graph(graph)
    count = 0
    # The second step reads what the first wrote (the summaries), in the union default graph.
    for query in (derivation_query(), tables_query()):
        triples = engine.query(query, use_default_graph_as_union=True)
        assert isinstance(triples, ox.QueryTriples)
        quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        while chunk := list(islice(quads, CHUNK)):
            # Within a write that is atomic as a whole (a new generation, or the in-memory
            # build), as the data before it: three times faster than a transaction.
            engine.bulk_extend(chunk)
            count += len(chunk)
    return count


def derivation_update(graphs: list[str], *, before: list[str] | None = None) -> str:
    """The SPARQL update that recomputes the derived graph on a server from ``graphs`` (their
    merge is the default graph of its WHERE clause): ``DROP SILENT GRAPH`` then, for each step
    of the derivation in turn, ``INSERT { GRAPH ... } USING ... WHERE`` with the step's template
    and pattern (the second step reads the derived graph too).
    ``before``: operations to run first, in the same update (after the prologue: Oxigraph
    accepts no prologue after the first operation)."""
    operations = [*(before or []), f"DROP SILENT GRAPH <{DERIVED}>"]
    sources = sorted(g for g in graphs if g != DERIVED)
    steps = [(*_parts(derivation_query()), sources), (*_parts(tables_query()), [*sources, DERIVED])]
    if sources:
        # The second step reads the summaries the first inserted: the derived graph is one of
        # the graphs its WHERE clause reads.
        for _, template, where, reads in steps:
            using = "".join(f"USING <{g}>\n" for g in reads)
            operations.append(f"INSERT {{ GRAPH <{DERIVED}> {{{template}}} }}\n{using}WHERE {{{where}")
    # One prologue, the two steps' prefixes (the same prefix declared twice is allowed).
    return "".join(prologue for prologue, *_ in steps) + " ;\n".join(operations)


def _parts(text: str) -> tuple[str, str, str]:
    """A CONSTRUCT query's prologue, template and what follows ``WHERE {``."""
    match = re.search(r"^CONSTRUCT\s*\{(?P<template>[^}]*)\}\s*WHERE\s*\{", text, re.MULTILINE)
    assert match is not None, "CONSTRUCT { ... } WHERE { expected"
    return text[:match.start()], match.group("template"), text[match.end():]
