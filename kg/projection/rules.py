"""The rules of the projections, with no store: which day a fact holds on, the tie level of a
commitment's kind, which organisations are universal, and how a membership is counted once
where an organisation continues another.

>>> tie_level("collective-defence-alliance"), in_force("1949-08-24", None, parse_date("1990"))
(3, True)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from kg.dates import PartialDate, parse_date
from kg.errors import UsageError

__all__ = ["FULL_ROLES", "TIE_LEVELS", "Commitment", "closure", "in_force", "is_universal", "tie_level"]


#: The tie level a shared commitment of each kind gives two states (the scale of the COW alliance
#: types as used by Signorino and Ritter 1999): 3 defence pact, 2 neutrality or non-aggression,
#: 1 consultation or entente, 0 none. Organisation kinds first (see docs/analysis.md for why each
#: has its level; a COW IGO or an imported ATOP/COW alliance gives none by its kind), then the
#: treaty obligations that imported memberships carry (``kg/sparql/alignment_commitments.rq``).
#: A kind not listed here gives no tie.
TIE_LEVELS: Final[Mapping[str, int]] = {
    "collective-defence-alliance": 3,
    "security-partnership": 1,
    "intelligence-alliance": 1,
    "political-economic-union": 1,
    "regional-organisation": 1,
    "forum": 1,
    "treaty-organisation": 0,
    "intergovernmental-organisation": 0,
    "formal-alliance": 0,
    "defence": 3,
    "offence": 3,
    "neutrality": 2,
    "non-aggression": 2,
    "consultation": 1,
    "entente": 1,
}


#: The membership roles that share an organisation's commitments with the other members.
FULL_ROLES: Final = ("member", "founding member")


def tie_level(kind: str | None) -> int:
    """The tie level of a commitment kind (:data:`TIE_LEVELS`; 0 for an unknown kind).

    >>> tie_level("collective-defence-alliance"), tie_level("forum"), tie_level("treaty-organisation")
    (3, 1, 0)
    """
    return TIE_LEVELS.get(kind or "", 0)


def _parse_at(at: str) -> PartialDate:
    try:
        return parse_date(at)
    except ValueError as exc:
        raise UsageError(f"--at: {exc}") from None


def _first(text: str | None) -> dt.date | None:
    return parse_date(text).first_day() if text else None


def _holds(start: str | None, end: str | None, day: dt.date) -> bool:
    first = _first(start)
    if first is None or first > day:
        return False
    last = _first(end)
    return last is None or last > day


def in_force(start: str | None, end: str | None, day: PartialDate) -> bool:
    """Whether a fact from ``start`` (inclusive) to ``end`` (exclusive) holds on ``day``'s last day.

    >>> in_force("1949-08-24", None, parse_date("1990")), in_force("2023", "2024", parse_date("2024"))
    (True, False)
    """
    return _holds(start, end, day.last_day())


def _exists(period: tuple[Any, dt.date | None, dt.date | None], day: dt.date) -> bool:
    _, start, end = period
    return (start is None or start <= day) and (end is None or end > day)


def is_universal(attrs: Mapping[str, Any]) -> bool:
    """Whether a node of a projection (its attributes ``kind`` and ``org_kind``) is a universal
    organisation: one whose kind gives no tie (:data:`TIE_LEVELS` 0, such as the UN or the
    OECD). Through one, every state would be two steps from every other, so walks and
    centralities do not go through them.

    >>> is_universal({"kind": "organization", "org_kind": "intergovernmental-organisation"})
    True
    >>> is_universal({"kind": "organization", "org_kind": "collective-defence-alliance"})
    False
    """
    return attrs.get("kind") == "organization" and tie_level(attrs.get("org_kind")) == 0


def closure(direct: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each key -> every value reachable from it through ``direct`` (the organisations that
    continue one, directly or through others).

    >>> {code: sorted(later) for code, later in closure({"EEC": {"EC"}, "EC": {"EU"}}).items()}
    {'EEC': ['EC', 'EU'], 'EC': ['EU']}
    """
    found: dict[str, frozenset[str]] = {}
    for code in direct:
        seen: set[str] = set()
        todo = list(direct[code])
        while todo:
            later = todo.pop()
            if later not in seen:
                seen.add(later)
                todo.extend(direct.get(later, ()))
        found[code] = frozenset(seen)
    return found


@dataclass(frozen=True)
class Commitment:
    """One spell of a state in a commitment (an organisation, or a treaty once imported)."""

    state: str
    commitment: str
    kind: str
    level: int
    start: dt.date
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        """Whether the spell is in force on ``day`` (start inclusive, end exclusive)."""
        return self.start <= day and (self.end is None or self.end > day)


def _minus(start: dt.date, end: dt.date | None,
           cuts: list[tuple[dt.date, dt.date | None]]) -> list[tuple[dt.date, dt.date | None]]:
    """The parts of ``[start, end)`` outside every ``[cut start, cut end)`` (``None``: open).

    >>> d = dt.date
    >>> _minus(d(1958, 1, 1), None, [(d(1973, 1, 1), None)])
    [(datetime.date(1958, 1, 1), datetime.date(1973, 1, 1))]
    >>> _minus(d(1952, 1, 1), d(2002, 1, 1), [(d(1958, 1, 1), None)])
    [(datetime.date(1952, 1, 1), datetime.date(1958, 1, 1))]
    """
    pieces = [(start, end)]
    for cut_start, cut_end in cuts:
        kept: list[tuple[dt.date, dt.date | None]] = []
        for a, b in pieces:
            if cut_start > a:  # the part before the cut
                kept.append((a, cut_start if b is None or cut_start < b else b))
            if cut_end is not None and (b is None or cut_end < b):  # the part after it
                kept.append((max(a, cut_end), b))
        pieces = [(a, b) for a, b in kept if b is None or a < b]
    return pieces


def _spells(rows: Iterable[Mapping[str, Any]]) -> list[Commitment]:
    return [
        Commitment(
            state=row["state"],
            commitment=row["commitment"],
            kind=row["kind"],
            level=tie_level(row["kind"]),
            start=dt.date.fromisoformat(row["start"]),
            end=dt.date.fromisoformat(row["end"]) if row["end"] else None,
        )
        for row in rows
    ]


def _counted_once(spells: list[Commitment], later: Mapping[str, frozenset[str]]) -> list[Commitment]:
    """The spells, each cut where its state holds a spell in an organisation that continues it."""
    if not later:
        return spells
    held: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for spell in spells:
        held[(spell.state, spell.commitment)].append((spell.start, spell.end))
    counted = []
    for spell in spells:
        cuts = [period for code in sorted(later.get(spell.commitment, ()))
                for period in held.get((spell.state, code), [])]
        if not cuts:  # nothing to cut: the spell itself
            counted.append(spell)
            continue
        counted += [replace(spell, start=a, end=b) for a, b in _minus(spell.start, spell.end, cuts)]
    return counted


@dataclass(frozen=True)
class _Partnership:
    code: str
    partner: str
    counterpart: str
    framework: str
    steps: tuple[tuple[str | None, str | None, str, str], ...]  # (start, end, status, sources)
    partner_iri: str = ""
    counterpart_iri: str = ""


def _status_on(partnership: _Partnership, day: dt.date) -> tuple[str, str, str] | None:
    """(status, first start, end) on ``day``, or ``None`` before it began or after it ended."""
    dated = [s for s in partnership.steps if s[0]]
    if not dated or _first(dated[0][0]) > day:  # type: ignore[operator]
        return None
    current = [s for s in dated if _first(s[0]) <= day][-1]  # type: ignore[operator]
    if current[2] == "ended":
        return None
    ended = next((s[0] for s in dated if s[2] == "ended"), None)
    return current[2], str(dated[0][0]), str(ended or "")
