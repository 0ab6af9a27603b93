"""Correlates of War datasets: Formal Alliances (by member), IGO (state-year), the state list.

Each reader returns the quads of one file (see :mod:`kg.loaders.importing`); the mapping of
each dataset to the ontology is documented in ``docs/importers.md``. COW state codes are
mapped to the project's states by date through ``data/cow-states.csv``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from itertools import pairwise
from operator import itemgetter
from pathlib import Path

from kg.dates import PartialDate
from kg.loaders.csvtable import Row
from kg.loaders.importing import (
    DERIVED_FROM,
    LABEL,
    TYPE,
    DatasetInfo,
    DatasetRows,
    ImportContext,
    ImportedFile,
    Importer,
    Issue,
    Organisations,
    QuadWriter,
    Spell,
    SpellRows,
    SpellTable,
    al,
    dataset_version,
    date_from_parts,
    known_code,
    split_by_code,
    system_membership_iri,
)
from kg.loaders.statecodes import Piece
from kg.vocab import mint

__all__ = ["ALLIANCES", "IGO", "STATES", "CowAlliances", "CowIgo", "CowStates", "load_cow_alliances",
           "load_cow_igo", "load_cow_states"]

# ---------------------------------------------------------------------------------------------
# Formal Alliances v4.1, by member
# ---------------------------------------------------------------------------------------------

ALLIANCE_REQUIRED = ("version4id", "ccode", "mem_st_day", "mem_st_month", "mem_st_year",
                     "mem_end_day", "mem_end_month", "mem_end_year", "left_censor", "right_censor",
                     "defense", "neutrality", "nonaggression", "entente")
ALLIANCE_OBLIGATIONS = {"defense": "defence", "neutrality": "neutrality",
                        "nonaggression": "non-aggression", "entente": "entente"}


class CowAlliances(SpellRows):
    """``alliance_v4.1_by_member.csv``: one row per member spell of an alliance.

    A day or month of -9 is unknown (the date has a lower precision); an empty end with
    ``right_censor`` 1 means in force when the coverage ends (no end). With ``right_censor``
    1 an end date, if given, is the coverage's end and is left out too.
    """

    summary = "Correlates of War Formal Alliances v4.1, by member (alliance_v4.1_by_member.csv)"
    required = ALLIANCE_REQUIRED
    organisations = Organisations("COW-ALLIANCE-{id}", "COW alliance {id}", "cowAllianceId")

    def dataset(self, version: str) -> DatasetInfo:
        return DatasetInfo(f"cow-alliances-v{version}", "Correlates of War Formal Alliances, by member",
                           "Correlates of War Project", version, "Douglas M. Gibler")

    def ids(self, row: Row) -> tuple[str, int]:
        alliance, ccode = row.get("version4id"), row.get("ccode")
        if not alliance.isdigit() or not ccode.isdigit():
            raise ValueError(f"version4id {alliance!r} or ccode {ccode!r} is not a number")
        return alliance, int(ccode)

    def obligations(self, row: Row, report: Callable[[str], None]) -> frozenset[str]:
        return frozenset(code for column, code in ALLIANCE_OBLIGATIONS.items() if row.get(column) == "1")

    def period(self, row: Row, report: Callable[[str], None]) -> tuple[PartialDate, PartialDate | None]:
        censored = row.get("right_censor") == "1"
        start = date_from_parts(row.get("mem_st_year"), row.get("mem_st_month"), row.get("mem_st_day"))
        end = None
        if not censored and row.get("mem_end_year") not in ("", "-9", "."):
            end = date_from_parts(row.get("mem_end_year"), row.get("mem_end_month"), row.get("mem_end_day"))
        if end is None and not censored:
            report("no end date and right_censor is not 1: read as in force")
        return start, end

    def spell(self, org: str, piece: Piece, duties: frozenset[str], row: Row, start: PartialDate,
              end: PartialDate | None) -> Spell:
        return Spell(org, piece.state, piece.start, piece.end, duties, row.line,
                     left_censored=row.get("left_censor") == "1" and piece.start == start,
                     right_censored=row.get("right_censor") == "1")


# ---------------------------------------------------------------------------------------------
# IGO v3, state-year
# ---------------------------------------------------------------------------------------------

#: Columns of the state-year file that are not organisations.
IGO_OTHER_COLUMNS = frozenset({"ccode", "year", "state", "statename", "stateabb", "version"})
#: Status codes: 1 full member, 2 associate, 3 observer; 0 none, -9 missing, -1 IGO not in existence.
IGO_ROLES = {1: "member", 2: "associate", 3: "observer"}
_NOT_A_CODE = 255


class _StatusCodes(dict):
    """Cell text -> status byte (0 for none, missing and not in existence; 255 for no code)."""

    def __missing__(self, text: str) -> int:
        return self.get(text.strip(), _NOT_A_CODE)


_IGO_CODES = _StatusCodes({"1": 1, "2": 2, "3": 3, "0": 0, "-9": 0, "-1": 0})


class CowIgo(SpellTable):
    """The COW IGO state-year file: ``ccode, year, state`` and one column per IGO.

    Consecutive years of a state with the same status in an IGO make one spell, at year
    precision: from its first year to the first year it no longer holds (no end when it
    holds in the file's last year: in force when the coverage ends).
    """

    summary = "Correlates of War Intergovernmental Organizations v3, state-year"
    required = ("ccode", "year")
    organisations = Organisations("IGO-{id}", "{id}", "cowIgoCode", kind="intergovernmental-organisation",
                                  counted_as="organisations")

    def dataset(self, version: str) -> DatasetInfo:
        return DatasetInfo(f"cow-igo-v{version}", "Correlates of War Intergovernmental Organizations, state-year",
                           "Correlates of War Project", version,
                           "Jon C. Pevehouse; Timothy Nordstrom; Roseanne W. McManus; Anne Spencer Jamison")

    def version(self, path: Path, rows: DatasetRows, context: ImportContext) -> str:
        """The version in the file's name (its version column, if any, is not read)."""
        return dataset_version(path, {}, context)

    def spells(self, path: Path, rows: DatasetRows, context: ImportContext) -> tuple[dict[str, set[str]], list[Spell]]:
        name = str(path)
        header = rows.header
        igos = [column for column in header if column not in IGO_OTHER_COLUMNS]
        if not igos:
            context.report(Issue(name, 1, "no organisation columns"))
        pick = itemgetter(*[header.index(c) for c in igos]) if igos else (lambda cells: ())
        years_of: dict[int, list[tuple[int, int, bytes]]] = {}
        for row in rows:
            ccode, year = row.get("ccode"), row.get("year")
            if not ccode.isdigit() or not re.fullmatch(r"\d{4}", year):
                context.report(Issue(name, row.line, f"ccode {ccode!r} or year {year!r} is not a number"))
                continue
            values = pick(list(row.cells.values()))
            if len(igos) == 1:
                values = (values,)
            statuses = bytes(map(_IGO_CODES.__getitem__, values))
            if _NOT_A_CODE in statuses:
                bad = [igos[i] for i, s in enumerate(statuses) if s == _NOT_A_CODE]
                context.report(Issue(name, row.line, f"status not one of 1, 2, 3, 0, -9, -1 in "
                                                     f"{', '.join(bad[:5])}{' ...' if len(bad) > 5 else ''}: "
                                                     "read as none"))
                statuses = statuses.replace(bytes([_NOT_A_CODE]), b"\x00")
            years_of.setdefault(int(ccode), []).append((int(year), row.line, statuses))
        last_year = max((y for entries in years_of.values() for y, _, _ in entries), default=0)
        spells: list[Spell] = []
        for code, entries in sorted(years_of.items()):
            entries.sort()
            for (y1, _, _), (y2, line, _) in pairwise(entries):
                if y1 == y2:
                    context.report(Issue(name, line, f"ccode {code} has a second row for {y2}: left out"))
            entries = [e for i, e in enumerate(entries) if i == 0 or e[0] != entries[i - 1][0]]
            years = [y for y, _, _ in entries]
            lines = [line for _, line, _ in entries]
            for j, column in enumerate(zip(*(s for _, _, s in entries), strict=True)):
                if not any(column):
                    continue
                for first, after, status, line in _runs(years, lines, column):
                    start = PartialDate(first)
                    end = None if after > last_year else PartialDate(after)
                    for piece in split_by_code(context, name, line, code, start, end):
                        spells.append(Spell(igos[j], piece.state, piece.start, piece.end, frozenset(), line,
                                            role=IGO_ROLES[status], right_censored=end is None))
        return {igo: set() for igo in igos}, spells


def _runs(years: list[int], lines: list[int], column: tuple[int, ...]):
    """``(first year, first year after, status, line)`` of each run of one non-zero status
    over consecutive years."""
    status, first, previous, line = 0, 0, 0, 0
    for year, row_line, value in zip(years, lines, column, strict=True):
        if value != status or year != previous + 1:
            if status:
                yield first, previous + 1, status, line
            status, first, line = value, year, row_line
        previous = year
    if status:
        yield first, previous + 1, status, line


# ---------------------------------------------------------------------------------------------
# State system membership list
# ---------------------------------------------------------------------------------------------

STATES_REQUIRED = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday",
                   "endyear", "endmonth", "endday")


class CowStates(Importer):
    """The COW state list (``states2024.csv``): system memberships (:func:`load_cow_states`)."""

    summary = "Correlates of War State System Membership List (states2024.csv)"

    def read(self, path: Path, context: ImportContext) -> ImportedFile:
        return load_cow_states(path, context)


def load_cow_states(path: Path, context: ImportContext) -> ImportedFile:
    """Read the COW state list (``states2024.csv``): one row per spell of a state in the system.

    Every row becomes one ``al:SystemMembership`` per project state its code names during
    the spell (``data/cow-states.csv``). COW's end day is the last day in the system; the
    project's end is the day after. A spell that lasts to the end of the coverage (the 31st of
    December of the version's year) has no end.
    """
    name = str(path)
    rows = DatasetRows(path, context, required=STATES_REQUIRED)
    records = []
    for row in rows:
        ccode = row.get("ccode")
        if not ccode.isdigit():
            context.report(Issue(name, row.line, f"ccode {ccode!r} is not a number"))
            continue
        if not known_code(context, name, row.line, int(ccode)):
            continue
        try:
            start = date_from_parts(row.get("styear"), row.get("stmonth"), row.get("stday"))
            last = date_from_parts(row.get("endyear"), row.get("endmonth"), row.get("endday"))
        except ValueError as exc:
            context.report(Issue(name, row.line, f"bad date: {exc}"))
            continue
        if last.first_day() < start.first_day():
            context.report(Issue(name, row.line, f"end {last} is before start {start}"))
            continue
        records.append((row, int(ccode), start, last))
    version = dataset_version(path, rows.versions, context)
    coverage_end = (dt.date(int(version), 12, 31) if re.fullmatch(r"\d{4}", version)
                    else max((last.last_day() for _, _, _, last in records), default=None))
    info = DatasetInfo(f"cow-states-v{version}", "Correlates of War State System Membership List",
                       "Correlates of War Project", version, "Correlates of War Project")
    out = QuadWriter(context.graph)
    source = out.source(info)
    count = 0
    for row, code, start, last in records:
        censored = last.last_day() == coverage_end
        end = None if censored else _day_after(last)
        for piece in split_by_code(context, name, row.line, code, start, end):
            s = system_membership_iri(f"COW-{code}-{piece.state}-{piece.start}")
            out.add(s, TYPE, al("SystemMembership"))
            out.integer(s, al("cowStateCode"), code)
            out.text(s, al("cowStateAbbreviation"), row.get("stateabb"))
            out.text(s, LABEL, f"{row.get('statenme')} ({row.get('stateabb')}, COW {code})", lang="en")
            out.add(s, al("systemMember"), mint("state", piece.state))
            out.date(s, "start", piece.start)
            out.date(s, "end", piece.end)
            if censored and piece.end is None:
                out.flag(s, al("rightCensored"))
            out.add(s, DERIVED_FROM, source)
            count += 1
    codes = {ccode for _, ccode, _, _ in records}
    return ImportedFile(out.quads, info, rows.read, {"codes": len(codes), "system memberships": count})


def _day_after(last: PartialDate) -> PartialDate:
    """The exclusive end after a last day (a month or year: the next month or year)."""
    if last.precision == "day":
        day = last.last_day() + dt.timedelta(days=1)
        return PartialDate(day.year, day.month, day.day)
    if last.precision == "month":
        day = last.last_day() + dt.timedelta(days=1)
        return PartialDate(day.year, day.month)
    return PartialDate(last.year + 1)


#: The importers ``kg import cow-alliances``, ``cow-igo`` and ``cow-states`` (registered in
#: ``pyproject.toml``).
ALLIANCES = CowAlliances()
IGO = CowIgo()
STATES = CowStates()
#: Read a COW alliances file (:class:`CowAlliances`) or IGO file (:class:`CowIgo`).
load_cow_alliances = ALLIANCES.read
load_cow_igo = IGO.read
