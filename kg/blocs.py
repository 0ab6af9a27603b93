"""Blocs that explain themselves: one row per bloc with its members and what ties them.

:func:`kg.analysis.blocs` gives the partition (one row per state); :func:`bloc_summary` turns it
into what a reader asks first: how big each bloc is, who is in it, and which organisations its
members share (the commitments that make it a bloc). States with no tie to any other state that
day are not blocs: they come last, on one row, as ``unaligned``.

>>> shares({"A", "B", "C"}, {"NATO": {"A", "B", "C"}, "EU": {"A", "B", "X"}, "G7": {"A"}})
'NATO 3/3, EU 2/3'
"""

from __future__ import annotations

from collections.abc import Mapping

from kg.analysis import blocs as partition
from kg.stores.base import Store
from kg.table import Table

__all__ = ["bloc_summary", "shares", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["bloc", "size", "ties", "members"]
_FULL = ("member", "founding member")


def shares(members: set[str], organisations: Mapping[str, set[str]], *, top: int = 4,
           least: float = 0.5) -> str:
    """The organisations that most of ``members`` belong to, as ``CODE n/size``, best first
    (at most ``top``, each shared by at least ``least`` of the members; ties by code)."""
    size = len(members)
    counted = sorted(((len(members & held), code) for code, held in organisations.items()),
                     key=lambda item: (-item[0], item[1]))
    chosen = [(n, code) for n, code in counted if n >= 2 and n / size >= least][:top]
    return ", ".join(f"{code} {n}/{size}" for n, code in chosen)


def bloc_summary(store: Store, *, at: str | None = None, seed: int = 7,
                 resolution: float = 1.0) -> Table:
    """Blocs of states on a day, one row each: ``bloc, size, ties, members``.

    ``ties``: the organisations that give a tie (not the universal ones, such as the UN) whose
    full members include at least half of the bloc (at most four, most shared first), e.g. ``NATO 30/32, OSCE 32/32``; ``members``: the codes, sorted,
    joined with ``"; "``. Blocs are those of :func:`kg.analysis.blocs` (same seed, same
    resolution, same numbering). States without a tie to any other state that day are on a last
    row, ``unaligned``, and a note says how many.
    """
    from kg.network import alignment_graph, membership_graph, tie_level

    states = partition(store, at=at, seed=seed, resolution=resolution)
    graph = alignment_graph(store, at=at)
    held: dict[str, set[str]] = {}
    orgs = membership_graph(store, at=at)
    for member, org, attrs in orgs.edges(data=True):
        if orgs.nodes[org].get("kind") != "organization":
            member, org = org, member
        if attrs["role"] in _FULL and tie_level(orgs.nodes[org].get("org_kind")) > 0:
            held.setdefault(org.split("@", 1)[0], set()).add(member)
    groups: dict[int, list[str]] = {}
    for bloc, _size, code, _name in states.rows:
        groups.setdefault(bloc, []).append(code)
    table = Table(SUMMARY_COLUMNS)
    alone: list[str] = []
    number = 0
    for bloc in sorted(groups):
        codes = sorted(groups[bloc])
        if len(codes) == 1 and graph.degree(codes[0]) == 0:
            alone.append(codes[0])
            continue
        number += 1
        table.rows.append([number, len(codes), shares(set(codes), held), "; ".join(codes)])
    if alone:
        table.rows.append(["unaligned", len(alone), "no tie to another state", "; ".join(sorted(alone))])
        table.notes.append(f"{len(alone)} state(s) with no tie to another state on "
                           f"{graph.graph.get('at', at)}: {', '.join(sorted(alone))} (not a bloc)")
    return table
