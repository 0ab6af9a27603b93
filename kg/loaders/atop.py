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
from pathlib import Path

from kg.loaders.importing import (
    DatasetInfo,
    DatasetRows,
    ImportContext,
    ImportedFile,
    Issue,
    QuadWriter,
    Spell,
    dataset_version,
    date_from_parts,
    merge_spells,
    split_by_code,
)

__all__ = ["load_atop"]

REQUIRED = ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
            "defense", "offense", "neutral", "nonagg", "consul")
#: ATOP's obligation columns and the project's obligation types.
OBLIGATION_COLUMNS = {"defense": "defence", "offense": "offence", "neutral": "neutrality",
                      "nonagg": "non-aggression", "consul": "consultation"}


def _dataset(version: str) -> DatasetInfo:
    return DatasetInfo(
        source_id=f"atop-v{version}",
        title="Alliance Treaty Obligations and Provisions (ATOP), member level",
        publisher="Alliance Treaty Obligations and Provisions Project",
        version=version,
        creator="Brett Ashley Leeds et al.",
    )


def load_atop(path: Path, context: ImportContext) -> ImportedFile:
    """Read an ATOP member-level file (v4.01 layout, or v5.x ``atop5_1m.csv``).

    Raises :class:`~kg.errors.DataError` for a file that cannot be read as one (missing
    columns, malformed CSV); problems in single rows are reported and the rows skipped.
    """
    name = str(path)
    rows = DatasetRows(path, context, required=REQUIRED)
    spells: list[Spell] = []
    #: each alliance's obligations (those of every member row, matched or not), in file order
    alliances: dict[str, set[str]] = {}
    for row in rows:
        atopid, member = row.get("atopid"), row.get("member")
        if not atopid.isdigit() or not re.fullmatch(r"-?\d+", member):
            context.report(Issue(name, row.line, f"atopid {atopid!r} or member {member!r} is not a number"))
            continue
        duties = set()
        for column, code in OBLIGATION_COLUMNS.items():
            value = row.get(column)
            if value == "1":
                duties.add(code)
            elif value not in ("0", ""):
                context.report(Issue(name, row.line, f"{column} {value!r} is not 0 or 1: read as 0"))
        alliances.setdefault(atopid, set()).update(duties)
        try:
            start = date_from_parts(row.get("yrent"), row.get("moent"), row.get("dayent"))
            end = (None if row.get("yrexit") in ("0", "", "-9")
                   else date_from_parts(row.get("yrexit"), row.get("moexit"), row.get("dayexit")))
        except ValueError as exc:
            context.report(Issue(name, row.line, f"bad date: {exc}"))
            continue
        if end is not None and end.first_day() <= start.first_day():
            context.report(Issue(name, row.line, f"exit {end} is not after entry {start}"))
            continue
        phase = row.get("phase")
        for piece in split_by_code(context, name, row.line, int(member), start, end):
            spells.append(Spell(atopid, piece.state, piece.start, piece.end, frozenset(duties), row.line,
                                phases={int(phase)} if phase.isdigit() and phase != "0" else set(),
                                right_censored=end is None))
    info = _dataset(dataset_version(path, rows.versions, context))
    return _quads(context, info, alliances, merge_spells(spells), rows.read)


def _quads(context: ImportContext, info: DatasetInfo, alliances: dict[str, set[str]], spells: list[Spell],
           rows: int) -> ImportedFile:
    out = QuadWriter(context.graph)
    source = out.source(info)
    orgs = {atopid: out.organization(atopid, mapped=context.organizations.get(atopid), code=f"ATOP-{atopid}",
                                     label=f"ATOP alliance {atopid}", kind="formal-alliance", id_property="atopId",
                                     source=source, obligations=duties)
            for atopid, duties in alliances.items()}
    for spell in spells:
        out.spell(spell, org=orgs[spell.org], source=source, source_id=info.source_id)
    return ImportedFile(out.quads, info, rows, {"alliances": len(orgs), "memberships": len(spells)})
