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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
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


# Tables in load order: tables that define codes come before tables that refer to them.
_TABLES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("sources.csv", ("id", "kind", "publisher", "title"), ("published", "url", "author")),
    ("regions.csv", ("code", "name"), ("parent", "source")),
    (
        "states.csv",
        ("code", "name", "source"),
        ("kind", "alt_names", "wikidata", "m49", "cow", "start", "end"),
    ),
    ("successions.csv", ("predecessor", "successor", "date", "kind", "source"), ("note",)),
    (
        "organizations.csv",
        ("code", "name", "kind", "source"),
        ("alt_names", "founded", "dissolved", "wikidata", "successor"),
    ),
    ("demonyms.csv", ("code", "demonyms", "source"), ("note",)),
    ("topics.csv", ("code", "label"), ("definition", "broader")),
    ("frameworks.csv", ("code", "label"), ("org", "definition", "source")),
    ("events.csv", ("code", "name", "kind", "start", "source"), ("org", "end", "place")),
    ("partnerships.csv", ("id", "partner", "counterpart", "framework", "source"), ("note",)),
    ("memberships.csv", ("org", "member", "role", "start", "source"), ("end", "end_reason", "note")),
    ("partnership_steps.csv", ("partnership", "status", "source"), ("start", "end", "note")),
    ("partnership_topics.csv", ("partnership", "topic", "source"), ()),
    ("participations.csv", ("event", "participant", "role", "source"), ("note",)),
    (
        "stances.csv",
        ("id", "actor", "stance", "party", "source"),
        ("opponent", "start", "end", "note"),
    ),
    ("coverage.csv", ("kind", "complete"), ("org", "since", "until", "source", "note")),
]



_ACTORS = ("state", "org")

#: How many problems are collected before loading stops.
MAX_ERRORS = 50


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

    def regions_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("region", row.get("code"), row)
        b.add(s, TYPE, al("Region"))
        b.text(s, al("code"), row.get("code"))
        b.text(s, LABEL, row.get("name"), lang="en")
        b.add(s, IN_SCHEME, mint("scheme", "m49"))
        parent = row.get("parent")
        if parent:  # resolved once the whole table is read: parents may come later
            self.deferred.append(lambda: b.add(s, BROADER, self.registry.resolve(("region",), parent, row, "parent")))  # noqa: E501
        self.sources(b, s, row, required=False)

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
        self._wikidata(b, s, row)
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

    def successions_csv(self, b: _Builder, row: Row) -> None:
        predecessor = self.registry.resolve(("state",), row.get("predecessor"), row, "predecessor")
        successor = self.registry.resolve(("state",), row.get("successor"), row, "successor")
        kind = _choice(row, "kind", SUCCESSION_KINDS)
        date = _date(row, "date", required=True)
        key = f"{row.get('predecessor')}-{row.get('successor')}-{date}"
        self.unique(row, "succession", key)
        s = mint("succession", key)
        b.add(s, TYPE, al("Succession"))
        b.add(s, al("predecessor"), predecessor)
        b.add(s, al("successor"), successor)
        b.text(s, al("successionKind"), kind)
        b.date(s, "start", date)
        if kind == "continuation":
            b.add(successor, al("continues"), predecessor)
        b.text(s, al("note"), row.get("note"), lang="en")
        self.sources(b, s, row)

    def organizations_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("org", row.get("code"), row)
        kind = row.get("kind")
        if kind not in self.vocabulary.kinds:
            raise row.error(f"kind {kind!r} is not one of: {', '.join(sorted(self.vocabulary.kinds))}")
        b.add(s, TYPE, al("Organization"))
        b.text(s, al("code"), row.get("code"))
        b.text(s, LABEL, row.get("name"), lang="en")
        for alt in _list(row.get("alt_names")):
            b.text(s, ALT_LABEL, alt, lang="en")
        b.add(s, al("kind"), self.vocabulary.kinds[kind])
        founded, dissolved = _period(row, "founded", "dissolved")
        b.date(s, "founded", founded)
        b.date(s, "dissolved", dissolved)
        self._wikidata(b, s, row)
        self.sources(b, s, row)
        successor = row.get("successor")
        if successor:  # resolved once the whole table is read: successors may come later
            self.deferred.append(
                lambda: b.add(s, al("continuedBy"), self.registry.resolve(("org",), successor, row, "successor")))

    def demonyms_csv(self, b: _Builder, row: Row) -> None:
        actor = self.registry.resolve(_ACTORS, row.get("code"), row, "code")
        for demonym in _list(row.get("demonyms")):
            b.text(actor, al("demonym"), demonym, lang="en")
        self.unique(row, "demonyms", row.get("code"))

    def topics_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("topic", row.get("code"), row)
        b.add(s, TYPE, al("Topic"))
        b.text(s, al("code"), row.get("code"))
        b.text(s, PREF_LABEL, row.get("label"), lang="en")
        b.text(s, DEFINITION, row.get("definition"), lang="en")
        b.add(s, IN_SCHEME, mint("scheme", "topics"))
        broader = row.get("broader")
        if broader:
            self.deferred.append(lambda: b.add(s, BROADER, self.registry.resolve(("topic",), broader, row, "broader")))

    def frameworks_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("framework", row.get("code"), row)
        b.add(s, TYPE, al("Framework"))
        b.text(s, al("code"), row.get("code"))
        b.text(s, PREF_LABEL, row.get("label"), lang="en")
        b.text(s, DEFINITION, row.get("definition"), lang="en")
        b.add(s, IN_SCHEME, mint("scheme", "frameworks"))
        if row.get("org"):
            b.add(s, al("runBy"), self.registry.resolve(("org",), row.get("org"), row, "org"))
        self.sources(b, s, row, required=False)

    def events_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("event", row.get("code"), row)
        b.add(s, TYPE, al("Event"))
        b.text(s, al("code"), row.get("code"))
        b.text(s, LABEL, row.get("name"), lang="en")
        b.text(s, al("eventKind"), _choice(row, "kind", EVENT_KINDS))
        if row.get("org"):
            b.add(s, al("convenedBy"), self.registry.resolve(("org",), row.get("org"), row, "org"))
        start, end = _period(row, inclusive_end=True)
        b.date(s, "start", start)
        b.date(s, "end", end)
        b.text(s, al("place"), row.get("place"))
        self.sources(b, s, row)

    def partnerships_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("partnership", row.get("id"), row)
        b.add(s, TYPE, al("Partnership"))
        b.text(s, al("code"), row.get("id"))
        b.add(s, al("partner"), self.registry.resolve(_ACTORS, row.get("partner"), row, "partner"))
        b.add(s, al("counterpart"), self.registry.resolve(_ACTORS, row.get("counterpart"), row, "counterpart"))
        b.add(s, al("framework"), self.registry.resolve(("framework",), row.get("framework"), row, "framework"))
        b.text(s, al("note"), row.get("note"), lang="en")
        self.sources(b, s, row)

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

    def partnership_steps_csv(self, b: _Builder, row: Row) -> None:
        partnership = self.registry.resolve(("partnership",), row.get("partnership"), row, "partnership")
        status = row.get("status")
        if status not in self.vocabulary.statuses:
            raise row.error(f"status {status!r} is not one of: {', '.join(sorted(self.vocabulary.statuses))}")
        start, end = _period(row)
        # Sources that date a step differently give two steps (two rows, two keys).
        key = f"{row.get('partnership')}-{status}" + (f"-{start}" if start else "")
        self.unique(row, "step", key)
        s = mint("step", key)
        b.add(s, TYPE, al("PartnershipStep"))
        b.add(partnership, al("step"), s)
        b.add(s, al("stepOf"), partnership)
        b.add(s, al("status"), self.vocabulary.statuses[status])
        b.date(s, "start", start)
        b.date(s, "end", end)
        b.text(s, al("note"), row.get("note"), lang="en")
        self.sources(b, s, row)

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

    def participations_csv(self, b: _Builder, row: Row) -> None:
        event = self.registry.resolve(("event",), row.get("event"), row, "event")
        participant = self.registry.resolve(_ACTORS, row.get("participant"), row, "participant")
        key = f"{row.get('event')}-{row.get('participant')}"
        self.unique(row, "participation", key)
        s = mint("participation", key)
        b.add(s, TYPE, al("Participation"))
        b.add(s, al("event"), event)
        b.add(s, al("participant"), participant)
        b.text(s, al("participationRole"), _choice(row, "role", PARTICIPATION_ROLES))
        b.text(s, al("note"), row.get("note"), lang="en")
        self.sources(b, s, row)

    def stances_csv(self, b: _Builder, row: Row) -> None:
        s = self.registry.define("stance", row.get("id"), row)
        b.add(s, TYPE, al("Stance"))
        b.text(s, al("code"), row.get("id"))
        b.add(s, al("actor"), self.registry.resolve(_ACTORS, row.get("actor"), row, "actor"))
        b.text(s, al("stanceKind"), _choice(row, "stance", STANCE_KINDS))
        b.add(s, al("party"), self.registry.resolve(_ACTORS, row.get("party"), row, "party"))
        if row.get("opponent"):
            b.add(s, al("opponent"), self.registry.resolve(_ACTORS, row.get("opponent"), row, "opponent"))
        start, end = _period(row)
        b.date(s, "start", start)
        b.date(s, "end", end)
        b.text(s, al("note"), row.get("note"), lang="en")
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

    def _wikidata(self, b: _Builder, s: NamedNode, row: Row) -> None:
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
    for table, required, optional in _TABLES:
        handler = getattr(loader, table.replace(".", "_"))
        for directory, name in directories:
            builder = _Builder(curated_graph(name), quads, dataset.origins)
            for path in _table_files(directory, table):
                if progress:
                    progress(f"reading {path}")
                try:
                    for row in read_table(path, required=required, optional=optional):
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
