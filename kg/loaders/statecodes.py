"""Correlates of War state codes -> the project's state codes, by date.

A COW code names one state at a time, but not always the same one: 255 is Prussia, then the
German Reich, then (from 1990-10-03) Germany; 365 is the Russian Empire, the Soviet Union,
then Russia; 345 is Serbia, Yugoslavia, Serbia and Montenegro, then Serbia. The curated table
``data/cow-states.csv`` says which project state each code names in which period (documented
in ``data/README.md``); ATOP member codes are COW codes and use the same table.

A spell recorded under one code is cut where the code changes meaning:

>>> codes = StateCodes.packaged()
>>> [(p.state, str(p.start), str(p.end)) for p in codes.split(365, parse_date("1990-11-21"), None)[0]]
[('SUN', '1990-11-21', '1991-12-26'), ('RUS', '1991-12-26', 'None')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from kg.dates import PartialDate, parse_date
from kg.errors import DataError
from kg.loaders.csvtable import read_table
from kg.resources import data_dir

__all__ = ["CodePeriod", "Piece", "StateCodes"]

TABLE = "cow-states.csv"


@dataclass(frozen=True)
class CodePeriod:
    """One row of the table: COW ``code`` names ``state`` from ``start`` (inclusive, ``None``:
    always before) to ``end`` (exclusive, ``None``: still)."""

    code: int
    state: str
    start: dt.date | None
    end: dt.date | None
    abbreviation: str = ""
    name: str = ""


@dataclass(frozen=True)
class Piece:
    """The part of a spell during which its code names one state."""

    state: str
    start: PartialDate
    end: PartialDate | None


def _day(value: dt.date) -> PartialDate:
    return PartialDate(value.year, value.month, value.day)


def _unit_before(date: PartialDate) -> dt.date:
    """The first day of the year, month or day before ``date`` (at its precision)."""
    first = date.first_day()
    if date.precision == "year":
        return first.replace(year=first.year - 1)
    if date.precision == "month":
        return (first - dt.timedelta(days=1)).replace(day=1)
    return first - dt.timedelta(days=1)


class StateCodes:
    """The periods of ``data/cow-states.csv``, by COW code."""

    def __init__(self, periods: list[CodePeriod]) -> None:
        self._periods: dict[int, list[CodePeriod]] = {}
        for period in periods:
            self._periods.setdefault(period.code, []).append(period)
        for code, items in self._periods.items():
            items.sort(key=lambda p: p.start or dt.date.min)
            for before, after in pairwise(items):
                if before.end is None or after.start is None or before.end > after.start:
                    raise DataError(f"COW code {code}: the periods of {before.state} and "
                                    f"{after.state} overlap", file=TABLE)

    @classmethod
    def from_table(cls, path: Path) -> StateCodes:
        """Read a table in the format of ``data/cow-states.csv``."""
        periods = []
        for row in read_table(path, required=("cow", "state", "source"),
                              optional=("abb", "name", "start", "end", "note")):
            if not row.get("cow").isdigit():
                raise row.error(f"cow {row.get('cow')!r} is not a COW numeric state code")
            bounds = []
            for column in ("start", "end"):
                text = row.get(column)
                try:
                    bounds.append(parse_date(text).first_day() if text else None)
                except ValueError as exc:
                    raise row.error(f"column {column!r}: {exc}") from None
            if bounds[0] and bounds[1] and bounds[1] <= bounds[0]:
                raise row.error("end (exclusive) is not after start")
            periods.append(CodePeriod(int(row.get("cow")), row.get("state"), bounds[0], bounds[1],
                                      row.get("abb"), row.get("name")))
        return cls(periods)

    @classmethod
    def packaged(cls) -> StateCodes:
        """The table shipped with the data (``data/cow-states.csv``)."""
        return _packaged()

    def __contains__(self, code: int) -> bool:
        return code in self._periods

    def states(self) -> set[str]:
        """Every project state code the table names."""
        return {p.state for items in self._periods.values() for p in items}

    def periods(self, code: int) -> list[CodePeriod]:
        """The periods of one code, in order (empty for an unknown code)."""
        return list(self._periods.get(code, ()))

    def state_at(self, code: int, day: dt.date) -> str | None:
        """The state ``code`` names on ``day``, or ``None``."""
        for p in self._periods.get(code, ()):
            if (p.start is None or p.start <= day) and (p.end is None or day < p.end):
                return p.state
        return None

    def split(self, code: int, start: PartialDate, end: PartialDate | None
              ) -> tuple[list[Piece], list[tuple[dt.date, dt.date | None]]]:
        """Cut the spell ``[start, end)`` of ``code`` into pieces, one per state it names.

        Returns the pieces and the gaps: the parts of the spell during which the code names no
        state. A gap within the precision of the spell's own start or end is no gap (a year
        spell of 255 in 1990 is Germany from 1990-10-03). A piece keeps the spell's own date
        (and precision) where it has one, and the day the code changed meaning elsewhere.
        """
        s0 = start.first_day()
        e0 = end.first_day() if end is not None else None
        pieces: list[Piece] = []
        covered: list[tuple[dt.date, dt.date | None]] = []
        for p in self._periods.get(code, ()):
            lo = max(s0, p.start) if p.start else s0
            if e0 is None:
                hi = p.end
            else:
                hi = min(e0, p.end) if p.end else e0
            if hi is not None and lo >= hi:
                continue
            pieces.append(Piece(p.state, start if lo == s0 else _day(lo),
                                None if hi is None else (end if hi == e0 else _day(hi))))
            covered.append((lo, hi))
        gaps: list[tuple[dt.date, dt.date | None]] = []
        cursor: dt.date | None = s0
        for lo_, hi_ in [*covered, (e0, e0)]:  # the spell's end closes the last gap
            if cursor is None:
                break
            if lo_ is None or lo_ > cursor:
                gaps.append((cursor, lo_))
            cursor = None if hi_ is None else max(cursor, hi_)
        start_tolerance = start.last_day() + dt.timedelta(days=1)
        end_tolerance = _unit_before(end) if end is not None else None
        real = [(a, b) for a, b in gaps
                if not (a == s0 and b is not None and b <= start_tolerance)
                and not (end_tolerance is not None and b == e0 and a >= end_tolerance)]
        return pieces, real


@cache
def _packaged() -> StateCodes:
    return StateCodes.from_table(data_dir() / TABLE)
