"""What the data claims to hold, and what an answer may be missing because of it.

The curated tables declare their coverage (``data/coverage*.csv``): for one organisation (or
the whole dataset) and one kind of fact (``memberships``, ``observers``, ``partners``,
``partnerships``, ``events``, ``participations``, ``stances``), whether every such fact is in
the data, since and until which day. A catalogue entry names the kinds of fact it draws on
(``#+ coverage: memberships, observers``). :func:`partial_coverage` turns both, with the day an
answer is for, into the coverage the answer draws on that is not complete (one line of it for
stderr: :func:`coverage_line`), and :func:`date_notes` says which day the answer is for and warns
past the data's "current as of" day. :mod:`kg.query` attaches both to every catalogue answer.

>>> statements = [CoverageStatement("NAM", "memberships", False, "1961-09-01", "2026-11-30",
...                                 "25 of 120 members"),
...               CoverageStatement("NATO", "memberships", True, "1949-08-24", "2026-11-30", None)]
>>> [n.org for n in partial_coverage(statements, ("memberships",), None, "2024-04-05")]
['NAM']
>>> partial_coverage(statements, ("memberships",), {"NATO"}, "2024-04-05")
[]
>>> partial_coverage(statements, ("memberships",), {"NATO"}, "1900-01-01")[0].reason
'the data on NATO memberships begins on 1949-08-24'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.stores.base import Store
from kg.vocab import AL

__all__ = ["CoverageStatement", "CoverageNote", "coverage_statements", "coverage_statements_for",
           "partial_coverage", "coverage_line", "date_notes"]


@dataclass(frozen=True)
class CoverageStatement:
    """One row of the coverage tables: ``org`` is ``None`` for the whole dataset."""

    org: str | None
    kind: str
    complete: bool
    since: str | None
    until: str | None
    note: str | None


@dataclass(frozen=True)
class CoverageNote:
    """Why an answer may be incomplete: which organisation and kind of fact, and why."""

    org: str | None
    kind: str
    reason: str

    def short(self, width: int = 90) -> str:
        """The reason cut to ``width`` characters (the whole of it is in ``kg stats`` and JSON).

        >>> CoverageNote("NAM", "memberships", "NAM memberships are incomplete (115 of 121)").short(30)
        'NAM memberships are incomplete…'
        """
        return self.reason if len(self.reason) <= width else self.reason[: width].rstrip(" (,;") + "…"

    def as_dict(self) -> dict[str, str | None]:
        """A plain mapping, for JSON output."""
        return {"org": self.org, "kind": self.kind, "reason": self.reason}


_QUERY = f"""PREFIX al: <{AL}>
SELECT ?org ?kind ?complete ?since ?until ?note WHERE {{
  ?c a al:CoverageStatement ; al:factKind ?kind ; al:complete ?complete .
  OPTIONAL {{ ?c al:scope/al:code ?org }}
  OPTIONAL {{ ?c al:since ?since }}
  OPTIONAL {{ ?c al:until ?until }}
  OPTIONAL {{ ?c al:note ?note }}
}} ORDER BY ?org ?kind"""


def coverage_statements(store: Store) -> list[CoverageStatement]:
    """Every coverage statement in ``store``, by organisation and kind. Read once per version of
    the store (:meth:`~kg.stores.base.Store.remembered`): every catalogue answer asks for them."""
    return list(store.remembered("coverage", _read_statements))


def coverage_statements_for(store: Store, kinds: Iterable[str], orgs: set[str] | None) -> list[CoverageStatement]:
    """At least the statements :func:`partial_coverage` reads for ``kinds`` and ``orgs`` (those
    of the kinds, for the organisations ``orgs`` and the whole dataset; for every organisation
    when ``None``), in the order of :func:`coverage_statements`: so its answer is the same.

    A store whose process ends after its command (:attr:`~kg.stores.base.Store.one_shot`) has
    nothing to remember them for: only those are read. Any other store reads every statement
    once (:func:`coverage_statements`).
    """
    if not store.one_shot:
        return coverage_statements(store)
    filters = [f"FILTER(STR(?kind) IN ({', '.join(str(ox.Literal(k)) for k in kinds)}))"]
    if orgs is not None:
        codes = ", ".join(str(ox.Literal(org)) for org in sorted(orgs))
        filters.append(f"FILTER(!BOUND(?org) || STR(?org) IN ({codes}))")
    where = _QUERY.rindex("}")
    return list(_read_statements(store, _QUERY[:where] + "  " + "\n  ".join(filters) + "\n" + _QUERY[where:]))


def _read_statements(store: Store, query: str = _QUERY) -> tuple[CoverageStatement, ...]:
    def text(term) -> str | None:
        return None if term is None else term.value

    return tuple(CoverageStatement(text(s["org"]), s["kind"].value, s["complete"].value in ("true", "1"),
                                   text(s["since"]), text(s["until"]), text(s["note"]))
                 for s in store.select(query))


def partial_coverage(statements: Iterable[CoverageStatement], kinds: Iterable[str],
                     orgs: set[str] | None, day: str | None) -> list[CoverageNote]:
    """The statements of ``kinds`` that make an answer for ``day`` partial.

    ``orgs`` limits them to those organisations (and the dataset-wide ones); ``None`` means the
    answer may draw on any organisation. A statement is partial when it is not complete, or when
    ``day`` falls outside its period; an organisation of ``orgs`` with no statement of a kind is
    reported as undeclared for the first of ``kinds`` (the kind the answer is mainly about:
    an organisation with no observers need not declare them).
    """
    kinds = tuple(kinds)
    notes: list[CoverageNote] = []
    declared: set[tuple[str | None, str]] = set()
    for s in statements:
        if s.kind not in kinds or (orgs is not None and s.org is not None and s.org not in orgs):
            continue
        declared.add((s.org, s.kind))
        what = f"{s.org} {s.kind}" if s.org else f"the {s.kind} table"
        if not s.complete:
            notes.append(CoverageNote(s.org, s.kind, f"{what} are incomplete"
                                      + (f" ({s.note})" if s.note else "")))
        elif day is not None and s.since is not None and day < s.since:
            notes.append(CoverageNote(s.org, s.kind, f"the data on {what} begins on {s.since}"))
        elif day is not None and s.until is not None and day > s.until:
            notes.append(CoverageNote(s.org, s.kind, f"the data on {what} ends on {s.until}"))
    for org in sorted(orgs or ()):
        kind = kinds[0] if kinds else ""
        if kinds and (org, kind) not in declared and (None, kind) not in declared:
            notes.append(CoverageNote(org, kind, f"the coverage of {org} {kind} is not declared"))
    return notes


def coverage_line(notes: list[CoverageNote]) -> str:
    """One line for stderr: the reasons when they are few, else the organisations by kind.

    >>> coverage_line([CoverageNote("NAM", "memberships", "NAM memberships are incomplete")])
    'partial coverage: NAM memberships are incomplete'
    >>> coverage_line([CoverageNote(c, "memberships", "...") for c in ("AU", "NAM", "OIC", "SCO")])
    'partial coverage: memberships of AU, NAM, OIC, SCO (the details: kg stats, or _coverage in JSON)'
    """
    if len(notes) <= 3:
        return "partial coverage: " + "; ".join(note.short() for note in notes)
    kinds: dict[str, list[str]] = {}
    for note in notes:
        kinds.setdefault(note.kind, []).append(note.org or "the whole table")
    parts = [f"{kind} of {', '.join(orgs)}" for kind, orgs in kinds.items()]
    return f"partial coverage: {'; '.join(parts)} (the details: kg stats, or _coverage in JSON)"


def date_notes(day: str, *, defaulted: bool, current: str | None,
               earliest: str | None = None) -> list[str]:
    """The lines that say which day an answer is for, and warn when it is outside the data:
    after its "current as of" day, or before ``earliest`` (its earliest dated fact).

    >>> date_notes("2026-11-30", defaulted=True, current="2026-11-30")
    ["answering for 2026-11-30, the data's 'current as of' day (--at for another day)"]
    >>> date_notes("2030-12-31", defaulted=False, current="2026-11-30")[0][:40]
    'warning: 2030-12-31 is after 2026-11-30,'
    >>> date_notes("1800-12-31", defaulted=False, current="2026-11-30", earliest="1816-07-01")[0][:40]
    'warning: 1800-12-31 is before 1816-07-01'
    """
    notes = []
    if defaulted:
        notes.append(f"answering for {day}, the data's 'current as of' day (--at for another day)")
    elif current is not None and day > current:
        notes.append(f"warning: {day} is after {current}, the day the data is current as of: "
                     "changes since then are not in the data")
    elif earliest is not None and day < earliest:
        notes.append(f"warning: {day} is before {earliest}, the earliest dated fact in the data: "
                     "the answer can only be empty or undated facts")
    return notes
