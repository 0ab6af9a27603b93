"""The ATOP member-level file (Alliance Treaty Obligations and Provisions, v4.01 or v5.x).

One row per member per phase of an alliance: ``atopid``, ``member`` (a COW state code),
entry and exit dates (``yrent``/``moent``/``dayent``, ``yrexit``/``moexit``/``dayexit``;
``yrexit`` 0: still in force; an empty or 0 month or day: not known) and the member's
obligations (``defense``, ``offense``, ``neutral``, ``nonagg``, ``consul``: 1 or 0). Other
columns are read past. The mapping to the ontology is documented in ``docs/importers.md``:

- every alliance is an ``al:Alliance`` (``ATOP-<atopid>``), unless ``data/import-organizations.csv``
  names the project's organisation for it (NATO is ATOP 3180);
- every member's spell is an ``al:Membership`` with its obligations; a member's consecutive
  phases with the same obligations make one spell; a spell whose COW code changed meaning is
  cut where it did (365: the Soviet Union, then Russia from 1991-12-26).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.dates import PartialDate
from kg.loaders.csvtable import Row
from kg.loaders.importing import DatasetInfo, Organisations, Spell, SpellRows, date_from_parts
from kg.loaders.statecodes import Piece

__all__ = ["ATOP", "AtopMembers", "load_atop"]

REQUIRED = ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
            "defense", "offense", "neutral", "nonagg", "consul")
#: ATOP's obligation columns and the project's obligation types.
OBLIGATION_COLUMNS = {"defense": "defence", "offense": "offence", "neutral": "neutrality",
                      "nonagg": "non-aggression", "consul": "consultation"}


class AtopMembers(SpellRows):
    """An ATOP member-level file (v4.01 layout, or v5.x ``atop5_1m.csv``).

    A file that cannot be read as one (missing columns, malformed CSV) is a
    :class:`~kg.errors.DataError`; problems in single rows are reported and the rows skipped.
    """

    summary = "ATOP member-level file (Alliance Treaty Obligations and Provisions, v4.01 or v5.x)"
    required = REQUIRED
    organisations = Organisations("ATOP-{id}", "ATOP alliance {id}", "atopId")
    not_after = "exit {end} is not after entry {start}"

    def dataset(self, version: str) -> DatasetInfo:
        return DatasetInfo(
            source_id=f"atop-v{version}",
            title="Alliance Treaty Obligations and Provisions (ATOP), member level",
            publisher="Alliance Treaty Obligations and Provisions Project",
            version=version,
            creator="Brett Ashley Leeds et al.",
        )

    def ids(self, row: Row) -> tuple[str, int]:
        atopid, member = row.get("atopid"), row.get("member")
        if not atopid.isdigit() or not re.fullmatch(r"-?\d+", member):
            raise ValueError(f"atopid {atopid!r} or member {member!r} is not a number")
        return atopid, int(member)

    def obligations(self, row: Row, report: Callable[[str], None]) -> frozenset[str]:
        duties = set()
        for column, code in OBLIGATION_COLUMNS.items():
            value = row.get(column)
            if value == "1":
                duties.add(code)
            elif value not in ("0", ""):
                report(f"{column} {value!r} is not 0 or 1: read as 0")
        return frozenset(duties)

    def period(self, row: Row, report: Callable[[str], None]) -> tuple[PartialDate, PartialDate | None]:
        start = date_from_parts(row.get("yrent"), row.get("moent"), row.get("dayent"))
        end = (None if row.get("yrexit") in ("0", "", "-9")
               else date_from_parts(row.get("yrexit"), row.get("moexit"), row.get("dayexit")))
        return start, end

    def spell(self, org: str, piece: Piece, duties: frozenset[str], row: Row, start: PartialDate,
              end: PartialDate | None) -> Spell:
        phase = row.get("phase")
        return Spell(org, piece.state, piece.start, piece.end, duties, row.line,
                     phases={int(phase)} if phase.isdigit() and phase != "0" else set(), right_censored=end is None)


#: The importer ``kg import atop`` (registered in ``pyproject.toml``).
ATOP = AtopMembers()
#: Read an ATOP member-level file (:class:`AtopMembers`).
load_atop = ATOP.read
