"""The curated tables of ``data/`` (and extra ``--data`` directories) as quads.

The table formats are documented in ``data/README.md``. Every problem is reported as a
:class:`~kg.errors.DataError` naming the file and line; nothing is half-loaded, since the
loader only returns quads and the caller writes them in one step: all at once
(:func:`load_curated`), or in batches as the tables are read (:func:`stream_curated`, for a
write that is atomic as a whole, such as a new generation of a directory store), so that ten
million triples never sit in Python at once.
"""

from __future__ import annotations

import gc
import tomllib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from kg.catalogue import COVERAGE_KINDS
from kg.dates import PartialDate, parse_date
from kg.errors import DataError
from kg.loaders.csvtable import Row, _check_text, read_table
from kg.vocab import AL, PREFIXES, curated_graph, mint

__all__ = ["Vocabulary", "CuratedDataset", "load_curated", "stream_curated"]

_RDF = PREFIXES["rdf"]
_RDFS = PREFIXES["rdfs"]
_SKOS = PREFIXES["skos"]
_XSD = PREFIXES["xsd"]
_DCT = PREFIXES["dcterms"]
_SCHEMA = PREFIXES["schema"]
_PROV = PREFIXES["prov"]
_OWL = PREFIXES["owl"]

TYPE = NamedNode(_RDF + "type")
LABEL = NamedNode(_RDFS + "label")
ALT_LABEL = NamedNode(_SKOS + "altLabel")
PREF_LABEL = NamedNode(_SKOS + "prefLabel")
DEFINITION = NamedNode(_SKOS + "definition")
IN_SCHEME = NamedNode(_SKOS + "inScheme")
BROADER = NamedNode(_SKOS + "broader")
DERIVED_FROM = NamedNode(_PROV + "wasDerivedFrom")
SAME_AS = NamedNode(_SCHEMA + "sameAs")
XSD_DATE = NamedNode(_XSD + "date")
XSD_BOOLEAN = NamedNode(_XSD + "boolean")

EVENT_KINDS = ("summit", "ministerial", "meeting")
PARTICIPATION_ROLES = ("member", "partner", "guest")
STANCE_KINDS = ("support", "sanctions", "aid")
SOURCE_KINDS = ("news", "official", "treaty", "dataset", "reference")
#: The ontology class of each kind of source: a treaty text is not the same kind of claim as a news report.
SOURCE_CLASSES = {"news": "NewsReport", "official": "OfficialStatement", "treaty": "TreatyText",
                  "dataset": "DatasetRecord", "reference": "ReferenceWork"}
#: Why a membership spell ended (optional `end_reason` column), and the change it records.
END_REASONS = {"withdrawal": "Withdrawal", "expulsion": "Expulsion", "suspension": "Suspension",
               "readmission": "Readmission", "dissolution": "Dissolution", "succession": "SuccessionEnd"}
#: continuation: the successor is the same state in law (SUN -> RUS); absorption: the predecessor
#: joined the successor (DDR -> DEU); dissolution: the predecessor ended, the successor is new
#: (CSK -> CZE, SVK); secession: the successor broke away, the predecessor went on.
SUCCESSION_KINDS = ("continuation", "absorption", "dissolution", "secession", "unification")


@cache
def al(name: str) -> NamedNode:
    """A term of the alignment ontology (one shared, immutable object per name)."""
    return NamedNode(AL + name)


@dataclass(frozen=True)
class Vocabulary:
    """The controlled vocabularies the tables may use, read from the ontology: code -> IRI."""

    roles: dict[str, NamedNode]
    statuses: dict[str, NamedNode]
    kinds: dict[str, NamedNode]


@dataclass
class CuratedDataset:
    """What :func:`load_curated` produces: quads, and the datasets' versions and dates."""

    quads: list[Quad] = field(default_factory=list)
    #: subject IRI -> "file:line" of the row that defined it, for validation reports
    origins: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    current_as_of: PartialDate | None = None


@dataclass
class _Registry:
    """Codes defined so far, across all table directories: kind -> code -> IRI."""

    codes: dict[str, dict[str, NamedNode]] = field(default_factory=dict)

    def define(self, kind: str, code: str, row: Row) -> NamedNode:
        table = self.codes.setdefault(kind, {})
        if code in table:
            raise row.error(f"duplicate {kind} code {code!r}")
        iri = mint(kind, code)
        table[code] = iri
        return iri

    def resolve(self, kinds: tuple[str, ...], code: str, row: Row, column: str) -> NamedNode:
        for kind in kinds:
            iri = self.codes.get(kind, {}).get(code)
            if iri is not None:
                return iri
        raise row.error(f"unknown {' or '.join(kinds)} code {code!r} in column {column!r}")


class _Builder:
    """Collects the quads of one directory into its named graph, and where each subject came from."""

    def __init__(self, graph: NamedNode, out: list[Quad], origins: dict[str, str]) -> None:
        self.graph = graph
        self.out = out
        self.origins = origins
        self.row: Row | None = None
        self._noted: tuple[NamedNode | None, Row | None] = (None, None)

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.out.append(Quad(s, p, o, self.graph))
        # A row makes several quads about one subject: note its origin once, not per quad.
        subject, row = self._noted
        if s is not subject or self.row is not row:
            self._noted = (s, self.row)
            if self.row is not None and s.value not in self.origins:
                self.origins[s.value] = f"{self.row.file}:{self.row.line}"

    def text(self, s: NamedNode, p: NamedNode, value: str, *, lang: str | None = None) -> None:
        if value:
            self.add(s, p, Literal(value, language=lang) if lang else Literal(value))

    def date(self, s: NamedNode, name: str, value: PartialDate | None) -> None:
        if value is None:
            return
        self.add(s, al(name), Literal(value.first_day().isoformat(), datatype=XSD_DATE))
        self.add(s, al(name + "Precision"), al(value.precision))


def _date(row: Row, column: str, *, required: bool = False) -> PartialDate | None:
    text = row.get(column)
    if not text:
        if required:
            raise row.error(f"missing {column!r} date")
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise row.error(f"column {column!r}: {exc}") from None


def _period(row: Row, start_col: str = "start", end_col: str = "end", *, inclusive_end: bool = False):
    start, end = _date(row, start_col), _date(row, end_col)
    if start and end:
        if inclusive_end and end.first_day() < start.first_day():
            raise row.error(f"{end_col} {end} is before {start_col} {start}")
        if not inclusive_end and end.first_day() <= start.first_day():
            raise row.error(f"{end_col} {end} is not after {start_col} {start} (the end is exclusive)")
    return start, end


def _required(row: Row, *columns: str) -> None:
    for column in columns:
        if not row.get(column):
            raise row.error(f"empty {column!r}")


def _choice(row: Row, column: str, allowed: Iterable[str]) -> str:
    value = row.get(column)
    allowed = tuple(allowed)
    if value not in allowed:
        raise row.error(f"{column} {value!r} is not one of: {', '.join(allowed)}")
    return value


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


_ACTORS = ("state", "org")

#: How many problems are collected before loading stops.
MAX_ERRORS = 50


# -- tables described by their columns ---------------------------------------------------------
# Most tables define one coded resource a row (a region, an organisation, a topic, ...), or
# state one fact a row (a participation, a step of a partnership), and say of it what the others
# say of theirs: a label, links to codes defined elsewhere, one of a few values, a period, a
# note, sources. Such a table is described by the steps applied, in order, to the resource of
# each row (:class:`_Coded`, :class:`_Fact`); a table with rules of its own has a handler in
# :class:`_Loader`, named after its file (``memberships_csv``).


class _Step(ABC):
    """What a column says of the resource of a row."""

    def value(self, loader: _Loader, row: Row) -> object:
        """The cell's value, checked (:class:`DataError` for a bad cell)."""
        return None

    def check(self, loader: _Loader, row: Row) -> None:
        """Refuse a bad cell before the resource is named (most are refused as they are added)."""
        self.value(loader, row)

    @abstractmethod
    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        """Add the column's quads about ``s`` (:class:`DataError` for a bad cell)."""


@dataclass(frozen=True)
class _Text(_Step):
    """A text column, as a literal (in English unless ``lang`` is ``None``); empty: nothing.
    ``many``: a list (``;`` between the items), a literal each."""

    column: str
    predicate: NamedNode
    lang: str | None = "en"
    many: bool = False

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        for text in _list(row.get(self.column)) if self.many else [row.get(self.column)]:
            b.text(s, self.predicate, text, lang=self.lang)


@dataclass(frozen=True)
class _Link(_Step):
    """A code of one of ``kinds``, as a link to what it names (and, with ``inverse``, from it).
    ``optional``: an empty cell says nothing; ``later``: resolved once the whole table is read
    (it may name a later row)."""

    column: str
    predicate: NamedNode
    kinds: tuple[str, ...]
    optional: bool = False
    later: bool = False
    inverse: NamedNode | None = None

    def value(self, loader: _Loader, row: Row) -> NamedNode | None:
        code = row.get(self.column)
        if self.later or (self.optional and not code):
            return None
        return loader.registry.resolve(self.kinds, code, row, self.column)

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        code = row.get(self.column)
        if self.later and code:
            loader.deferred.append(lambda: b.add(s, self.predicate, loader.registry.resolve(
                self.kinds, code, row, self.column)))
        target = self.value(loader, row)
        if target is not None and self.inverse is not None:
            b.add(target, self.inverse, s)
        if target is not None:
            b.add(s, self.predicate, target)


@dataclass(frozen=True)
class _OneOf(_Step):
    """One of a few ``allowed`` values, as a literal; or, with ``terms``, a code of that
    controlled vocabulary of the ontology (``kinds``: the organisation kinds), as its term."""

    column: str
    predicate: NamedNode
    allowed: tuple[str, ...] = ()
    terms: str = ""

    def value(self, loader: _Loader, row: Row) -> NamedNode | Literal:
        if not self.terms:
            return Literal(_choice(row, self.column, self.allowed))
        code = row.get(self.column)
        terms: dict[str, NamedNode] = getattr(loader.vocabulary, self.terms)
        if code not in terms:
            raise row.error(f"{self.column} {code!r} is not one of: {', '.join(sorted(terms))}")
        return terms[code]

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        b.add(s, self.predicate, self.value(loader, row))


@dataclass(frozen=True)
class _Period(_Step):
    """Date columns, each a date at its precision named as its column (``named``: the start's
    name, where it differs): a start (``required``: it must be given) and an end, exclusive
    unless ``inclusive`` (``""``: no end column)."""

    start: str = "start"
    end: str = "end"
    inclusive: bool = False
    required: bool = False
    named: str = ""

    def value(self, loader: _Loader, row: Row) -> tuple[PartialDate | None, PartialDate | None]:
        if self.required:
            _date(row, self.start, required=True)
        return _period(row, self.start, self.end, inclusive_end=self.inclusive)

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        first, last = self.value(loader, row)
        b.date(s, self.named or self.start, first)
        b.date(s, self.end, last)


@dataclass(frozen=True)
class _Continuation(_Step):
    """A succession of kind ``continuation``: the successor continues the predecessor in law."""

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        if row.get("kind") == "continuation":
            b.add(loader.registry.resolve(("state",), row.get("successor"), row, "successor"), al("continues"),
                  loader.registry.resolve(("state",), row.get("predecessor"), row, "predecessor"))


@dataclass(frozen=True)
class _Scheme(_Step):
    """The resource is a concept of the scheme ``name``."""

    name: str

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        b.add(s, IN_SCHEME, mint("scheme", self.name))


@dataclass(frozen=True)
class _Wikidata(_Step):
    """The ``wikidata`` column: a QID, and ``schema:sameAs`` the Wikidata item."""

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        loader.wikidata(b, s, row)


@dataclass(frozen=True)
class _Sources(_Step):
    """The ``source`` column: ids of ``sources.csv`` (at least one unless not ``required``)."""

    required: bool = True

    def apply(self, loader: _Loader, b: _Builder, s: NamedNode, row: Row) -> None:
        loader.sources(b, s, row, required=self.required)


@dataclass(frozen=True)
class _Coded:
    """Rows that each define a coded resource: the kind of its code, the class it is of, the
    column that holds the code, and the steps of the other columns."""

    kind: str
    cls: str
    column: str = "code"
    steps: tuple[_Step, ...] = ()

    def apply(self, loader: _Loader, b: _Builder, row: Row) -> None:
        s = loader.registry.define(self.kind, row.get(self.column), row)
        b.add(s, TYPE, al(self.cls))
        b.text(s, al("code"), row.get(self.column))
        for step in self.steps:
            step.apply(loader, b, s, row)


@dataclass(frozen=True)
class _Fact:
    """Rows that each state a fact: its kind and class, the columns whose cells, joined by
    ``-``, make its key (unique among the facts of its kind; empty cells left out), the steps
    whose cells are checked before the key is, and the steps checked as they are added
    (``after``)."""

    kind: str
    cls: str
    key: tuple[str, ...]
    steps: tuple[_Step, ...] = ()
    after: tuple[_Step, ...] = ()

    def apply(self, loader: _Loader, b: _Builder, row: Row) -> None:
        for step in self.steps:
            step.check(loader, row)
        key = "-".join(cell for cell in map(row.get, self.key) if cell)
        loader.unique(row, self.kind, key)
        s = mint(self.kind, key)
        b.add(s, TYPE, al(self.cls))
        for step in self.steps + self.after:
            step.apply(loader, b, s, row)


@dataclass(frozen=True)
class _Table:
    """A curated table: its file, its columns, and the description of its rows (``None``: the
    handler of :class:`_Loader` named after the file reads them)."""

    file: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    rows: _Coded | _Fact | None = None


_NOTE = _Text("note", al("note"))

# Tables in load order: tables that define codes come before tables that refer to them.
_TABLES: list[_Table] = [
    _Table("sources.csv", ("id", "kind", "publisher", "title"), ("published", "url", "author")),
    _Table("regions.csv", ("code", "name"), ("parent", "source"), _Coded("region", "Region", steps=(
        _Text("name", LABEL), _Scheme("m49"), _Link("parent", BROADER, ("region",), later=True),
        _Sources(required=False)))),
    _Table("states.csv", ("code", "name", "source"), ("kind", "alt_names", "wikidata", "m49", "cow", "start", "end")),
    _Table("successions.csv", ("predecessor", "successor", "date", "kind", "source"), ("note",),
           _Fact("succession", "Succession", ("predecessor", "successor", "date"), steps=(
               _Link("predecessor", al("predecessor"), ("state",)), _Link("successor", al("successor"), ("state",)),
               _OneOf("kind", al("successionKind"), SUCCESSION_KINDS), _Period("date", "", required=True, named="start"),
               _Continuation(), _NOTE, _Sources()))),
    _Table("organizations.csv", ("code", "name", "kind", "source"),
           ("alt_names", "founded", "dissolved", "wikidata", "successor"), _Coded("org", "Organization", steps=(
               _OneOf("kind", al("kind"), terms="kinds"), _Text("name", LABEL), _Text("alt_names", ALT_LABEL, many=True),
               _Period("founded", "dissolved"), _Wikidata(), _Sources(),
               _Link("successor", al("continuedBy"), ("org",), later=True)))),
    _Table("demonyms.csv", ("code", "demonyms", "source"), ("note",)),
    _Table("topics.csv", ("code", "label"), ("definition", "broader"), _Coded("topic", "Topic", steps=(
        _Text("label", PREF_LABEL), _Text("definition", DEFINITION), _Scheme("topics"),
        _Link("broader", BROADER, ("topic",), later=True)))),
    _Table("frameworks.csv", ("code", "label"), ("org", "definition", "source"), _Coded("framework", "Framework", steps=(
        _Text("label", PREF_LABEL), _Text("definition", DEFINITION), _Scheme("frameworks"),
        _Link("org", al("runBy"), ("org",), optional=True), _Sources(required=False)))),
    _Table("events.csv", ("code", "name", "kind", "start", "source"), ("org", "end", "place"), _Coded("event", "Event", steps=(
        _Text("name", LABEL), _OneOf("kind", al("eventKind"), EVENT_KINDS),
        _Link("org", al("convenedBy"), ("org",), optional=True), _Period(inclusive=True),
        _Text("place", al("place"), lang=None), _Sources()))),
    _Table("partnerships.csv", ("id", "partner", "counterpart", "framework", "source"), ("note",),
           _Coded("partnership", "Partnership", "id", steps=(
               _Link("partner", al("partner"), _ACTORS), _Link("counterpart", al("counterpart"), _ACTORS),
               _Link("framework", al("framework"), ("framework",)), _NOTE, _Sources()))),
    _Table("memberships.csv", ("org", "member", "role", "start", "source"), ("end", "end_reason", "note")),
    # Sources that date a step differently give two steps (two rows, two keys).
    _Table("partnership_steps.csv", ("partnership", "status", "source"), ("start", "end", "note"),
           _Fact("step", "PartnershipStep", ("partnership", "status", "start"), steps=(
               _Link("partnership", al("stepOf"), ("partnership",), inverse=al("step")),
               _OneOf("status", al("status"), terms="statuses"), _Period(), _NOTE, _Sources()))),
    _Table("partnership_topics.csv", ("partnership", "topic", "source")),
    _Table("participations.csv", ("event", "participant", "role", "source"), ("note",),
           _Fact("participation", "Participation", ("event", "participant"), steps=(
               _Link("event", al("event"), ("event",)), _Link("participant", al("participant"), _ACTORS)), after=(
               _OneOf("role", al("participationRole"), PARTICIPATION_ROLES), _NOTE, _Sources()))),
    _Table("stances.csv", ("id", "actor", "stance", "party", "source"), ("opponent", "start", "end", "note"),
           _Coded("stance", "Stance", "id", steps=(
               _Link("actor", al("actor"), _ACTORS), _OneOf("stance", al("stanceKind"), STANCE_KINDS),
               _Link("party", al("party"), _ACTORS), _Link("opponent", al("opponent"), _ACTORS, optional=True),
               _Period(), _NOTE, _Sources()))),
    _Table("coverage.csv", ("kind", "complete"), ("org", "since", "until", "source", "note")),
]


class _Loader:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.registry = _Registry()
        self.result = CuratedDataset()
        self.used_ids: set[str] = set()
        self.deferred: list[Callable[[], None]] = []

    # -- helpers ---------------------------------------------------------------------------
    def sources(self, b: _Builder, subject: NamedNode, row: Row, *, required: bool = True) -> None:
        ids = _list(row.get("source"))
        if not ids and required:
            raise row.error("no source: every fact must name one or more ids from sources.csv")
        for source_id in ids:
            b.add(subject, DERIVED_FROM, self.registry.resolve(("source",), source_id, row, "source"))

    def unique(self, row: Row, kind: str, key: str) -> None:
        token = f"{kind}/{key}"
        if token in self.used_ids:
            raise row.error(f"duplicate {kind} {key!r}")
        self.used_ids.add(token)

    # -- tables ----------------------------------------------------------------------------
    def handler(self, table: _Table) -> Callable[[_Builder, Row], None]:
        """How a row of ``table`` is read: by its description, else by the handler of this
        class named after its file."""
        if table.rows is None:
            return getattr(self, table.file.replace(".", "_"))
        return partial(table.rows.apply, self)

    def sources_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("source", row.get("id"), row)
        kind = _choice(row, "kind", SOURCE_KINDS)
        b.add(s, TYPE, al(SOURCE_CLASSES[kind]))
        b.text(s, al("code"), row.get("id"))
        b.text(s, al("sourceKind"), kind)
        b.text(s, NamedNode(_DCT + "publisher"), row.get("publisher"))
        b.text(s, NamedNode(_DCT + "title"), row.get("title"))
        b.text(s, NamedNode(_DCT + "creator"), row.get("author"))
        published = _date(row, "published")
        if published:
            b.add(s, NamedNode(_DCT + "issued"), Literal(published.first_day().isoformat(), datatype=XSD_DATE))
            b.add(s, al("publishedPrecision"), al(published.precision))
        url = row.get("url")
        if url:
            if not url.startswith(("http://", "https://")):
                raise row.error(f"url {url!r} is not an http(s) URL")
            try:
                b.add(s, NamedNode(_SCHEMA + "url"), NamedNode(url))
            except ValueError as exc:
                raise row.error(f"invalid url {url!r}: {exc}") from None

    def states_csv(self, b: _Builder, row: Row) -> None:
        import pycountry

        code = row.get("code")
        if not code.isupper() or not code.isalpha() or len(code) not in (3, 4):
            raise row.error(f"state code {code!r} is not an upper-case ISO alpha-3 or project code")
        kind = row.get("kind") or "state"
        if kind not in ("state", "territory"):
            raise row.error(f"kind {kind!r} is not one of: state, territory")
        s = self.registry.define("state", code, row)
        b.add(s, TYPE, al("State" if kind == "state" else "Territory"))
        b.text(s, al("code"), code)
        b.text(s, LABEL, row.get("name"), lang="en")
        for alt in _list(row.get("alt_names")):
            b.text(s, ALT_LABEL, alt, lang="en")
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            b.text(s, al("iso2"), country.alpha_2)
            b.text(s, al("iso3"), code)
        elif (former := pycountry.historic_countries.get(alpha_3=code)) is not None:
            b.text(s, al("iso3"), code)
            if getattr(former, "alpha_2", None):
                b.text(s, al("iso2"), former.alpha_2)
        elif code != "XKX" and not code.startswith("X"):
            raise row.error(f"{code!r} is neither an ISO 3166-1/3166-3 code nor a project code (X...)")
        self.wikidata(b, s, row)
        cow = row.get("cow")
        if cow:
            if not cow.isdigit():
                raise row.error(f"cow {cow!r} is not a Correlates of War numeric state code")
            b.add(s, al("cowCode"), Literal(cow, datatype=NamedNode(_XSD + "integer")))
        m49 = row.get("m49")
        if m49:
            b.add(s, al("region"), self.registry.resolve(("region",), m49, row, "m49"))
        start, end = _period(row)
        b.date(s, "start", start)
        b.date(s, "end", end)
        self.sources(b, s, row)

    def demonyms_csv(self, b: _Builder, row: Row) -> None:
        actor = self.registry.resolve(_ACTORS, row.get("code"), row, "code")
        for demonym in _list(row.get("demonyms")):
            b.text(actor, al("demonym"), demonym, lang="en")
        self.unique(row, "demonyms", row.get("code"))

    def memberships_csv(self, b: _Builder, row: Row) -> None:
        _required(row, "org", "member")
        org = self.registry.resolve(("org",), row.get("org"), row, "org")
        member = self.registry.resolve(("state", "org"), row.get("member"), row, "member")
        role = row.get("role")
        if role not in self.vocabulary.roles:
            raise row.error(f"role {role!r} is not one of: {', '.join(sorted(self.vocabulary.roles))}")
        start, end = _period(row)
        key = f"{row.get('org')}-{row.get('member')}-{start or role.replace(' ', '-')}"
        self.unique(row, "membership", key)
        s = mint("membership", key)
        b.add(s, TYPE, al("Membership"))
        b.add(s, al("organization"), org)
        b.add(s, al("member"), member)
        b.add(s, al("role"), self.vocabulary.roles[role])
        b.date(s, "start", start)
        b.date(s, "end", end)
        b.text(s, al("note"), row.get("note"), lang="en")
        self.sources(b, s, row)
        # The changes the spell records, as their own dated facts: accession (or the start of a
        # suspension) and, where the table says why, the end.
        if start is not None:
            self._change(b, s, "start", "Suspension" if role == "suspended" else "Accession", start, row)
        reason = row.get("end_reason")
        if reason:
            if reason not in END_REASONS:
                raise row.error(f"end_reason {reason!r} is not one of: {', '.join(END_REASONS)}")
            if end is None:
                raise row.error("end_reason without an end date")
            self._change(b, s, "end", END_REASONS[reason], end, row)

    def _change(self, b: _Builder, membership: NamedNode, which: str, cls: str,
                date: PartialDate, row: Row) -> None:
        change = NamedNode(f"{membership.value}/{which}")
        b.add(change, TYPE, al(cls))
        b.add(change, al("ofMembership"), membership)
        b.add(change, al("date"), Literal(date.first_day().isoformat(), datatype=XSD_DATE))
        b.add(change, al("datePrecision"), al(date.precision))
        self.sources(b, change, row)

    def partnership_topics_csv(self, b: _Builder, row: Row) -> None:
        partnership = self.registry.resolve(("partnership",), row.get("partnership"), row, "partnership")
        topic = self.registry.resolve(("topic",), row.get("topic"), row, "topic")
        key = f"{row.get('partnership')}-{row.get('topic')}"
        self.unique(row, "coverage", key)
        s = mint("coverage", key)
        b.add(partnership, al("topic"), topic)
        b.add(partnership, al("coverage"), s)
        b.add(s, TYPE, al("TopicCoverage"))
        b.add(s, al("coveredTopic"), topic)
        self.sources(b, s, row)

    def coverage_csv(self, b: _Builder, row: Row) -> None:
        kind = _choice(row, "kind", COVERAGE_KINDS)
        complete = _choice(row, "complete", ("yes", "no"))
        org_code = row.get("org")
        self.unique(row, "coverage-statement", f"{org_code}/{kind}")
        s = mint("coverage-statement", f"{org_code or 'dataset'}-{kind}")
        b.add(s, TYPE, al("CoverageStatement"))
        if org_code:
            b.add(s, al("scope"), self.registry.resolve(("org",), org_code, row, "org"))
        b.text(s, al("factKind"), kind)
        b.add(s, al("complete"), Literal("true" if complete == "yes" else "false", datatype=XSD_BOOLEAN))
        since, until = _period(row, "since", "until", inclusive_end=True)
        b.date(s, "since", since)
        b.date(s, "until", until)
        b.text(s, al("note"), row.get("note"), lang="en")
        self.sources(b, s, row, required=False)

    def wikidata(self, b: _Builder, s: NamedNode, row: Row) -> None:
        qid = row.get("wikidata")
        if not qid:
            return
        if not (qid.startswith("Q") and qid[1:].isdigit()):
            raise row.error(f"wikidata {qid!r} is not a QID like Q664")
        b.text(s, al("wikidata"), qid)
        b.add(s, SAME_AS, NamedNode(PREFIXES["wd"] + qid))

    # -- directories -----------------------------------------------------------------------
    def dataset_toml(self, b: _Builder, directory: Path, name: str) -> None:
        path = directory / "dataset.toml"
        if not path.exists():
            return
        try:
            info = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DataError(f"malformed TOML: {exc}", file=str(path)) from None
        for key in ("version", "title", "licence"):  # the same characters as in the tables
            _check_text(str(info.get(key, "")), f"{path} ({key})", None)
        s = mint("dataset", name)
        b.add(s, TYPE, al("Dataset"))
        b.text(s, al("code"), name)
        version = str(info.get("version", ""))
        b.text(s, NamedNode(_OWL + "versionInfo"), version)
        b.text(s, NamedNode(_DCT + "title"), str(info.get("title", "")), lang="en")
        b.text(s, NamedNode(_DCT + "license"), str(info.get("licence", "")))
        as_of_text = str(info.get("current_as_of", ""))
        try:
            as_of = parse_date(as_of_text)
        except ValueError as exc:
            raise DataError(f"current_as_of: {exc}", file=str(path)) from None
        if as_of.precision != "day":
            raise DataError("current_as_of must be a day (YYYY-MM-DD)", file=str(path))
        b.add(s, al("currentAsOf"), Literal(as_of.first_day().isoformat(), datatype=XSD_DATE))
        if self.result.current_as_of is None or as_of > self.result.current_as_of:
            self.result.current_as_of = as_of
        self.result.version = self.result.version or version


def _table_files(directory: Path, table: str) -> list[Path]:
    """``memberships.csv`` and its parts ``memberships-*.csv`` (e.g. one per organisation)."""
    stem = table.removesuffix(".csv")
    main = [directory / table] if (directory / table).exists() else []
    return main + sorted(directory.glob(f"{stem}-*.csv"))


def load_curated(
    directories: Iterable[tuple[Path, str]],
    vocabulary: Vocabulary,
    *,
    progress: Callable[[str], None] | None = None,
) -> CuratedDataset:
    """Read curated table directories and return their quads.

    Parameters
    ----------
    directories
        ``(directory, name)`` pairs; the packaged data is named ``curated``. Each directory's
        quads go into its own named graph (:func:`kg.vocab.curated_graph`). Codes defined in
        one directory may be used by the next.
    vocabulary
        The roles, statuses and organisation kinds the ontology defines.

    Raises
    ------
    DataError
        With file and line of the problem; when several rows have problems, one message lists
        them all (up to :data:`MAX_ERRORS`), each with its file and line.
    """
    dataset = CuratedDataset()
    for batch in stream_curated(directories, vocabulary, dataset, progress=progress, batch=None):
        dataset.quads = batch  # one batch: every quad
    return dataset


#: Quads per batch of :func:`stream_curated` (about 100 MB of Python objects).
BATCH = 250_000


def stream_curated(
    directories: Iterable[tuple[Path, str]],
    vocabulary: Vocabulary,
    dataset: CuratedDataset,
    *,
    progress: Callable[[str], None] | None = None,
    batch: int | None = BATCH,
) -> Iterator[list[Quad]]:
    """The quads of :func:`load_curated` in lists of about ``batch`` quads, as the tables are read
    (``None``: one list of every quad, at the end); ``dataset`` gets the origins, version and
    date (its ``quads`` stay empty). A problem in the tables is raised (:class:`DataError`, as
    :func:`load_curated`) once every table is read: after batches have been given, so the caller
    must write them where a failure leaves nothing behind.
    """
    # Everything the loader allocates stays alive until the end (rows, terms, quads): the cyclic
    # garbage collector would only traverse it again and again (40 % of the time at 1M triples).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield from _load(list(directories), vocabulary, progress, dataset, batch)
    finally:
        if enabled:
            gc.enable()


def _load(directories: list[tuple[Path, str]], vocabulary: Vocabulary,
          progress: Callable[[str], None] | None, dataset: CuratedDataset,
          batch: int | None) -> Iterator[list[Quad]]:
    loader = _Loader(vocabulary)
    loader.result = dataset
    quads = dataset.quads
    errors: list[DataError] = []

    def taken() -> list[Quad]:
        chunk = quads.copy()
        quads.clear()
        return chunk

    for directory, _ in directories:
        if not directory.is_dir():
            raise DataError("data directory not found", file=str(directory))
    for table in _TABLES:
        handler = loader.handler(table)
        for directory, name in directories:
            builder = _Builder(curated_graph(name), quads, dataset.origins)
            for path in _table_files(directory, table.file):
                if progress:
                    progress(f"reading {path}")
                try:
                    for row in read_table(path, required=table.required, optional=table.optional):
                        builder.row = row
                        try:
                            handler(builder, row)
                        except DataError as error:
                            errors.append(error)
                        if batch is not None and len(quads) >= batch and not errors:
                            yield taken()
                except DataError as error:  # the file itself: header, encoding, CSV syntax
                    errors.append(error)
                if len(errors) >= MAX_ERRORS:
                    break
            builder.row = None
        for resolve in loader.deferred:
            try:
                resolve()
            except DataError as error:
                errors.append(error)
        loader.deferred.clear()
    if len(errors) == 1:
        raise errors[0]
    if errors:
        shown = "\n  ".join(str(e) for e in errors[:MAX_ERRORS])
        more = " (showing the first)" if len(errors) >= MAX_ERRORS else ""
        raise DataError(f"{len(errors)} problems in the tables{more}:\n  {shown}")
    for directory, name in directories:
        builder = _Builder(curated_graph(name), quads, dataset.origins)
        loader.dataset_toml(builder, directory, name)
    yield taken() if batch is not None else quads
