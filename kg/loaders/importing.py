"""What the importers of standard datasets share: the skeleton, problems, quads, dates, sources.

An importer is an :class:`Importer`: it reads one file and returns an :class:`ImportedFile`,
its quads, all in the file's own named graph, and a description of the dataset it came from.
Rows it cannot use are reported as :class:`Issue` objects through ``context.report`` and
skipped; nothing is printed. :mod:`kg.importer` decides what an issue means (a warning, or
with ``--strict`` an error), adds the provenance of the file and writes the graph. Importers
are found by name in :mod:`kg.loaders.registry` (entry points, so that another package can
add one). The CSV files whose rows are members' spells in alliances or organisations (ATOP,
COW alliances, COW IGO) fill in one skeleton, :class:`SpellTable`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from kg.dates import PartialDate
from kg.errors import DataError
from kg.loaders.csvtable import Row, read_table
from kg.loaders.statecodes import Piece, StateCodes
from kg.vocab import AL, ID, PREFIXES, code_of, mint

__all__ = [
    "OBLIGATIONS",
    "DatasetInfo",
    "DatasetRows",
    "ImportContext",
    "ImportedFile",
    "Importer",
    "Issue",
    "QuadWriter",
    "Organisations",
    "Spell",
    "SpellRows",
    "SpellTable",
    "count_lines",
    "dataset_version",
    "date_from_parts",
    "known_code",
    "merge_spells",
    "obligation",
    "read_rows",
    "split_by_code",
    "system_membership_iri",
    "version_text",
]

_RDF = PREFIXES["rdf"]
_XSD = PREFIXES["xsd"]

TYPE = NamedNode(_RDF + "type")
LABEL = NamedNode(PREFIXES["rdfs"] + "label")
DERIVED_FROM = NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
XSD_DATE = NamedNode(_XSD + "date")
XSD_INTEGER = NamedNode(_XSD + "integer")
XSD_BOOLEAN = NamedNode(_XSD + "boolean")

#: The obligation types of ``ontology/treaties.ttl``, by code.
OBLIGATIONS = ("defence", "offence", "neutrality", "non-aggression", "consultation", "entente")


def al(name: str) -> NamedNode:
    """A term of the alignment ontology."""
    return NamedNode(AL + name)


def obligation(code: str) -> NamedNode:
    """The IRI of an obligation type (``defence`` -> ``.../id/obligation/defence``)."""
    if code not in OBLIGATIONS:
        raise ValueError(f"unknown obligation type {code!r}")
    return NamedNode(f"{ID}obligation/{code}")


def system_membership_iri(code: str) -> NamedNode:
    """The IRI of a state system membership (``COW-255-1816-01-01``)."""
    return NamedNode(f"{ID}system-membership/{quote(code, safe='')}")


@dataclass(frozen=True)
class Issue:
    """A row an importer could not use, or a code it could not match: file, line and why."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass
class ImportContext:
    """What an importer is given besides the file.

    ``graph`` is the named graph every quad goes into; ``report`` hears about every problem
    (the importer goes on without the row); ``progress(done, total)`` hears how far reading
    has got, in rows. ``organizations`` maps a dataset's own ids (an ATOP ``atopid``, a COW
    alliance id, a COW IGO abbreviation) to project organisation codes; ``wikidata`` maps
    QIDs to project IRIs; ``checksum`` is the file's SHA-256.
    """

    graph: NamedNode
    report: Callable[[Issue], None]
    progress: Callable[[int, int], None] | None = None
    organizations: dict[str, str] = field(default_factory=dict)
    wikidata: dict[str, NamedNode] = field(default_factory=dict)
    checksum: str = ""
    state_codes: StateCodes | None = None  # None: the packaged table

    def advance(self, done: int, total: int) -> None:
        """Tell ``progress`` how far reading has got (every 500 rows, and at the end)."""
        if self.progress and (done % 500 == 0 or done == total):
            self.progress(done, total)

    def codes(self) -> StateCodes:
        """The COW state code table (the packaged ``data/cow-states.csv`` unless one was given)."""
        if self.state_codes is None:
            self.state_codes = StateCodes.packaged()
        return self.state_codes


@dataclass(frozen=True)
class DatasetInfo:
    """The dataset an imported file belongs to: ``source_id`` names its source resource."""

    source_id: str
    title: str
    publisher: str
    version: str
    creator: str = ""


@dataclass
class ImportedFile:
    """What an importer returns: quads in the file's graph, the dataset, and counts for a summary."""

    quads: list[Quad]
    dataset: DatasetInfo
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class QuadWriter:
    """Collects quads into one named graph, with the date and text conventions of the curated data."""

    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
        self.quads: list[Quad] = []
        self._keys: set[str] = set()

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def text(self, s: NamedNode, p: NamedNode, value: str, *, lang: str | None = None) -> None:
        if value:
            self.add(s, p, Literal(value, language=lang) if lang else Literal(value))

    def integer(self, s: NamedNode, p: NamedNode, value: int) -> None:
        self.add(s, p, Literal(str(value), datatype=XSD_INTEGER))

    def flag(self, s: NamedNode, p: NamedNode) -> None:
        self.add(s, p, Literal("true", datatype=XSD_BOOLEAN))

    def date(self, s: NamedNode, name: str, value: PartialDate | None) -> None:
        """``al:{name}`` as an ``xsd:date`` (the first day) and ``al:{name}Precision`` beside it."""
        if value is None:
            return
        self.add(s, al(name), Literal(value.first_day().isoformat(), datatype=XSD_DATE))
        self.add(s, al(name + "Precision"), al(value.precision))

    def source(self, info: DatasetInfo) -> NamedNode:
        """Describe the dataset as a source (an ``al:DatasetRecord``) and return its IRI."""
        s = mint("source", info.source_id)
        self.add(s, TYPE, al("DatasetRecord"))  # an al:Source, as the curated loader types them
        self.text(s, al("code"), info.source_id)
        self.text(s, al("sourceKind"), "dataset")
        self.text(s, NamedNode(PREFIXES["dcterms"] + "title"), f"{info.title}, version {info.version}")
        self.text(s, NamedNode(PREFIXES["dcterms"] + "publisher"), info.publisher)
        self.text(s, NamedNode(PREFIXES["dcterms"] + "creator"), info.creator)
        self.text(s, NamedNode(PREFIXES["owl"] + "versionInfo"), info.version)
        return s

    def membership(
        self,
        key: str,
        *,
        org: NamedNode,
        member: NamedNode,
        role: str,
        start: PartialDate | None,
        end: PartialDate | None,
        source: NamedNode,
    ) -> NamedNode:
        """An ``al:Membership`` spell, as the curated loader writes one; returns its IRI.

        ``key`` names the spell (``NATO-BEL-1949-04-04-atop-v4.01``); a second spell with the
        same key (same start, other obligations) gets ``-2``, ``-3``, ... in the order given.
        """
        unique, n = key, 1
        while unique in self._keys:
            n += 1
            unique = f"{key}-{n}"
        self._keys.add(unique)
        m = mint("membership", unique)
        self.add(m, TYPE, al("Membership"))
        self.add(m, al("organization"), org)
        self.add(m, al("member"), member)
        self.add(m, al("role"), mint("role", role.replace(" ", "-")))
        self.date(m, "start", start)
        self.date(m, "end", end)
        self.add(m, DERIVED_FROM, source)
        return m

    def spell(self, spell: Spell, *, org: NamedNode, source: NamedNode, source_id: str) -> NamedNode:
        """A :class:`Spell` as an ``al:Membership`` with its obligations, phases and censoring."""
        m = self.membership(f"{code_of(org.value)}-{spell.member}-{spell.start}-{source_id}", org=org,
                            member=mint("state", spell.member), role=spell.role, start=spell.start,
                            end=spell.end, source=source)
        for duty in sorted(spell.obligations):
            self.add(m, al("obligation"), obligation(duty))
        for phase in sorted(spell.phases):
            self.integer(m, al("atopPhase"), phase)
        if spell.left_censored:
            self.flag(m, al("leftCensored"))
        if spell.right_censored and spell.end is None:
            self.flag(m, al("rightCensored"))
        return m

    def organization(self, dataset_id: str, *, mapped: str | None, code: str, label: str, kind: str,
                     id_property: str, source: NamedNode, obligations: set[str] | frozenset[str] = frozenset()
                     ) -> NamedNode:
        """An alliance or organisation of the dataset, with its id in the dataset (``id_property``)
        and, for an alliance (kind ``formal-alliance``), its obligations.

        Where the project has the organisation (``mapped``: its code), only the dataset's id,
        its being an ``al:Alliance`` and its obligations are added to it: never a second label,
        kind or date. Otherwise the organisation ``code`` is described in full.
        """
        alliance = kind == "formal-alliance"
        if mapped:
            o = mint("org", mapped)
        else:
            o = mint("org", code)
            self.add(o, TYPE, al("Organization"))
            self.text(o, al("code"), code)
            self.text(o, LABEL, label, lang="en")
            self.add(o, al("kind"), mint("kind", kind))
            self.add(o, DERIVED_FROM, source)
        if alliance:
            self.add(o, TYPE, al("Alliance"))
        self.text(o, al(id_property), dataset_id)
        for duty in sorted(obligations):
            self.add(o, al("obligation"), obligation(duty))
        return o


def read_rows(path: Path, *, required: tuple[str, ...]) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows of a dataset's CSV file, which may have any further columns.

    Uses :func:`kg.loaders.csvtable.read_table`, so every row knows its file and line and a
    malformed file is a :class:`DataError` with file and line.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = [c.strip() for c in next(csv.reader(handle), [])]
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason})", file=str(path), line=1) from None
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc}", file=str(path), line=1) from None
    if len(set(header)) != len(header):
        twice = sorted({c for c in header if header.count(c) > 1})
        raise DataError(f"column(s) named twice: {', '.join(twice)}", file=str(path), line=1)
    optional = tuple(c for c in header if c not in required)
    return header, read_table(path, required=required, optional=optional)


class DatasetRows:
    """The rows of a dataset's CSV file (:func:`read_rows`), read once: each row read is counted
    (:attr:`read`) and reported as progress, and the values of a ``version`` column are noted
    (:attr:`versions`: version -> the first line that gives it)."""

    def __init__(self, path: Path, context: ImportContext, *, required: tuple[str, ...]) -> None:
        self.header, self._rows = read_rows(path, required=required)
        self._path = path
        self._context = context
        self.read = 0
        self.versions: dict[str, int] = {}

    def __iter__(self) -> Iterator[Row]:
        total = count_lines(self._path)
        for row in self._rows:
            self.read += 1
            self._context.advance(self.read, total)
            if row.get("version"):
                self.versions.setdefault(version_text(row.get("version")), row.line)
            yield row


def count_lines(path: Path) -> int:
    """The number of data lines (after the header) of a text file: the total for progress."""
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0)


#: Cells that mean "not known" for a month or a day: empty, 0, -9 (COW), '.' (Stata).
UNKNOWN = frozenset({"", "0", "-9", ".", "NA"})


def date_from_parts(year: str, month: str, day: str) -> PartialDate:
    """A date from year, month and day cells; an unknown month or day lowers the precision.

    >>> str(date_from_parts("1949", "4", "4")), str(date_from_parts("1844", "6", "-9"))
    ('1949-04-04', '1844-06')
    >>> str(date_from_parts("1990", "", "3"))
    '1990'

    Raises ``ValueError`` for a missing or malformed year, or an impossible month or day.
    """
    year, month, day = year.strip(), month.strip(), day.strip()
    if not re.fullmatch(r"\d{4}", year):
        raise ValueError(f"year {year!r} is not a four-digit year")
    known_month: int | None = None
    known_day: int | None = None
    if month not in UNKNOWN:
        if not re.fullmatch(r"\d{1,2}", month) or not 1 <= int(month) <= 12:
            raise ValueError(f"month {month!r} is not 1-12")
        known_month = int(month)
        if day not in UNKNOWN:
            if not re.fullmatch(r"\d{1,2}", day):
                raise ValueError(f"day {day!r} is not a day of the month")
            known_day = int(day)
    try:
        dt.date(int(year), known_month or 1, known_day or 1)
    except ValueError as exc:
        raise ValueError(f"impossible date {year}-{month}-{day}: {exc}") from None
    return PartialDate(int(year), known_month, known_day)


def dataset_version(path: Path, versions: dict[str, int], context: ImportContext) -> str:
    """The version of a dataset file: its ``version`` column (``versions``: value -> first line;
    several values are reported), else ``v4.1`` or ``5_1`` in the file name, else ``unknown``."""
    if len(versions) > 1:
        context.report(Issue(str(path), max(versions.values()), f"rows of several versions: {', '.join(versions)}"))
    if versions:
        return min(versions, key=lambda version: versions[version])
    match = re.search(r"v(\d+(?:\.\d+)?)", path.stem, re.IGNORECASE) or re.search(r"(\d+)_(\d+)", path.stem)
    if match is None:
        return "unknown"
    return ".".join(g for g in match.groups() if g)


def version_text(value: str) -> str:
    """A dataset version as its authors write it: ``4.0100002`` (a float in Stata) -> ``4.01``."""
    value = value.strip()
    if re.fullmatch(r"\d+\.\d{5,}", value):
        value = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return value


@dataclass
class Spell:
    """A member's time in an alliance or organisation, in project terms (its code mapped)."""

    org: str  # the dataset's id of the alliance or organisation
    member: str  # project state code
    start: PartialDate
    end: PartialDate | None
    obligations: frozenset[str]
    line: int
    role: str = "member"
    phases: set[int] = field(default_factory=set)
    left_censored: bool = False
    right_censored: bool = False


def merge_spells(spells: list[Spell]) -> list[Spell]:
    """Join each member's spells in the same alliance that carry the same obligations and
    follow on from (one ends the day the next starts) or overlap one another: ATOP phases, a
    code that changed (260 -> 255), or phases that ATOP starts on the same day."""
    merged: list[Spell] = []
    spells = sorted(spells, key=lambda s: (s.org, s.member, s.start.first_day(), s.line))
    for spell in spells:
        last = merged[-1] if merged else None
        if (last is not None and last.org == spell.org and last.member == spell.member
                and last.obligations == spell.obligations and last.role == spell.role
                and (last.end is None or last.end.first_day() >= spell.start.first_day())):
            if last.end is not None and (spell.end is None or spell.end.first_day() > last.end.first_day()):
                last.end = spell.end
                last.right_censored = spell.right_censored
            last.phases |= spell.phases
            continue
        merged.append(spell)
    return merged


def known_code(context: ImportContext, file: str, line: int, code: int) -> bool:
    """Whether ``data/cow-states.csv`` knows the COW ``code`` (an issue is reported if not)."""
    if code in context.codes():
        return True
    context.report(Issue(file, line, f"unknown COW state code {code}: no row in data/cow-states.csv"))
    return False


def split_by_code(context: ImportContext, file: str, line: int, code: int, start: PartialDate,
                  end: PartialDate | None) -> list[Piece]:
    """The pieces of a spell recorded under a COW ``code`` (issues for unknown codes and gaps)."""
    if not known_code(context, file, line, code):
        return []
    pieces, gaps = context.codes().split(code, start, end)
    for a, b in gaps:
        until = f"to {b}" if b is not None else "onwards"
        context.report(Issue(file, line, f"COW state code {code} names no state from {a} {until} "
                                         "(data/cow-states.csv): that part of the spell is left out"))
    return pieces


class Importer(ABC):
    """One source of ``kg import``: what it reads and how (the skeleton every importer fills in).

    A package adds an importer by naming an instance in the entry point group
    ``alignment_kg.importers`` (:mod:`kg.loaders.registry`); the entry point's name is the
    SOURCE of ``kg import``.
    """

    #: One line about what the importer reads, for ``kg import --help``.
    summary: ClassVar[str] = ""
    #: True for an importer that matches items by their Wikidata QIDs: its context's
    #: ``wikidata`` then holds those of the packaged tables and of the store written to.
    matches_wikidata: ClassVar[bool] = False

    @abstractmethod
    def read(self, path: Path, context: ImportContext) -> ImportedFile:
        """The quads of the file at ``path``, all in ``context.graph``, and its dataset.

        Raises :class:`~kg.errors.DataError` for a file that cannot be read as the dataset;
        a row that cannot be used is reported through ``context.report`` and left out.
        """


@dataclass(frozen=True)
class Organisations:
    """How a dataset's alliances or organisations are described where the project has none of
    its own: code and label (``{id}``: the id in the dataset), the property that holds that id,
    the kind, and what they are called in the counts of the summary."""

    code: str
    label: str
    id_property: str
    kind: str = "formal-alliance"
    counted_as: str = "alliances"


class SpellTable(Importer):
    """The skeleton of a CSV file whose rows give members' spells in alliances or organisations.

    A subclass names its columns (:attr:`required`), describes its dataset (:meth:`dataset`)
    and its organisations (:attr:`organisations`), and maps the rows (:meth:`spells`, or the
    hooks of :class:`SpellRows`); here the rows are read (with progress), the version found, the
    organisations described (or, where ``data/import-organizations.csv`` maps them, the
    project's own given the dataset's id), and each member's spells merged and written as
    memberships.
    """

    #: The columns a file must have.
    required: ClassVar[tuple[str, ...]] = ()
    organisations: ClassVar[Organisations]

    @abstractmethod
    def spells(self, path: Path, rows: DatasetRows, context: ImportContext) -> tuple[dict[str, set[str]], list[Spell]]:
        """Map the rows: each organisation's obligations by its id in the dataset (in the order
        of the file) and the members' spells (not yet merged)."""

    @abstractmethod
    def dataset(self, version: str) -> DatasetInfo:
        """The dataset of a file of this version."""

    def version(self, path: Path, rows: DatasetRows, context: ImportContext) -> str:
        """The file's version: its ``version`` column, else its name (:func:`dataset_version`)."""
        return dataset_version(path, rows.versions, context)

    def read(self, path: Path, context: ImportContext) -> ImportedFile:
        rows = DatasetRows(path, context, required=self.required)
        organisations, spells = self.spells(path, rows, context)
        info = self.dataset(self.version(path, rows, context))
        out = QuadWriter(context.graph)
        source = out.source(info)
        described = self.organisations
        orgs = {key: out.organization(key, mapped=context.organizations.get(key), code=described.code.format(id=key),
                                      label=described.label.format(id=key), kind=described.kind,
                                      id_property=described.id_property, source=source, obligations=duties)
                for key, duties in organisations.items()}
        merged = merge_spells(spells)
        for spell in merged:
            out.spell(spell, org=orgs[spell.org], source=source, source_id=info.source_id)
        return ImportedFile(out.quads, info, rows.read, {described.counted_as: len(orgs), "memberships": len(merged)})


class SpellRows(SpellTable):
    """A :class:`SpellTable` of one spell a row, read through hooks: the row's ids
    (:meth:`ids`), the member's obligations (:meth:`obligations`), its dates (:meth:`period`)
    and the spell (:meth:`spell`). A row whose ids or dates cannot be read, or whose end is not
    after its start (:attr:`not_after`), is reported and left out; the obligations of every
    row with ids count for its organisation."""

    #: The problem of an end not after the start (``{start}``, ``{end}``).
    not_after: ClassVar[str] = "end {end} is not after start {start}"

    @abstractmethod
    def ids(self, row: Row) -> tuple[str, int]:
        """The organisation's id in the dataset and the member's COW code (``ValueError``
        with the problem when they are not numbers)."""

    @abstractmethod
    def obligations(self, row: Row, report: Callable[[str], None]) -> frozenset[str]:
        """The member's obligations (``report`` hears of a cell read otherwise than written)."""

    @abstractmethod
    def period(self, row: Row, report: Callable[[str], None]) -> tuple[PartialDate, PartialDate | None]:
        """The spell's start and end (``None``: in force); ``ValueError`` for a bad date."""

    @abstractmethod
    def spell(self, org: str, piece: Piece, duties: frozenset[str], row: Row, start: PartialDate,
              end: PartialDate | None) -> Spell:
        """The spell of one piece of the row (the part under one project state)."""

    def spells(self, path: Path, rows: DatasetRows, context: ImportContext) -> tuple[dict[str, set[str]], list[Spell]]:
        name = str(path)
        spells: list[Spell] = []
        #: each organisation's obligations (those of every member row, matched or not), in file order
        organisations: dict[str, set[str]] = {}
        for row in rows:
            def report(message: str, line: int = row.line) -> None:
                context.report(Issue(name, line, message))

            try:
                org, code = self.ids(row)
            except ValueError as exc:
                report(str(exc))
                continue
            duties = self.obligations(row, report)
            organisations.setdefault(org, set()).update(duties)
            try:
                start, end = self.period(row, report)
            except ValueError as exc:
                report(f"bad date: {exc}")
                continue
            if end is not None and end.first_day() <= start.first_day():
                report(self.not_after.format(start=start, end=end))
                continue
            for piece in split_by_code(context, name, row.line, code, start, end):
                spells.append(self.spell(org, piece, duties, row, start, end))
        return organisations, spells
