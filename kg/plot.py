"""Pictures of the graph with matplotlib: alignment over time, members over time, timelines.

Three charts, each a :class:`matplotlib.figure.Figure` (no display, no global pyplot state):

- :func:`align_figure`: the S-score (and, optionally, kappa) of one or more pairs of states,
  year by year;
- :func:`members_figure`: how many full members (suspended ones included) organisations had,
  day by day (a step line that changes on the days of accession and departure);
- :func:`timeline_figure`: a state's story (a lane per organisation and partnership, coloured by
  role or status; events and stances) or one partnership's steps.

Every chart has a title, labelled axes and a source line (the dataset's version and "current as
of" day); :func:`save_figure` writes PNG, SVG or PDF atomically, the same data giving the same
bytes for SVG and PDF (no dates in the files).

>>> from kg.store import open_store
>>> figure = members_figure(open_store("memory"), ["NATO"])
>>> save_figure(figure, "nato.svg")  # writes nato.svg: not run with the tests  # doctest: +SKIP
'svg'
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.dates import parse_date
from kg.errors import UsageError
from kg.stores.base import Store
from kg.vocab import AL

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["PLOT_FORMATS", "align_figure", "members_figure", "timeline_figure", "save_figure",
           "member_counts", "Lane", "timeline_lanes"]

PLOT_FORMATS = ("png", "svg", "pdf")

#: Colours that stay apart for readers with the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
ROLE_COLOURS = {"member": "#0072B2", "suspended": "#D55E00",
                "associate": "#56B4E9", "observer": "#B9D7EA", "partner": "#E69F00"}
STANCE_COLOURS = {"support": "#CC79A7", "aid": "#CC79A7", "sanctions": "#000000", "sanction": "#000000"}
STATUS_COLOURS = {"proposed": "#DDDDDD", "negotiating": "#F0E442", "concluded": "#56B4E9",
                  "active": "#009E73", "suspended": "#D55E00", "ended": "#999999"}
_STYLE: dict[RcKeyType, Any] = {"svg.hashsalt": "alignment-kg", "svg.fonttype": "none", "font.family": "DejaVu Sans",
          "font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
          "axes.grid": True, "grid.color": "#E5E5E5", "grid.linewidth": 0.8}
_FULL = ("member", "founding member", "suspended")


def _styled(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a figure function with the charts' style (readable sizes, light grid, no top and
    right spines), without changing matplotlib's global settings."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from matplotlib import rc_context

        with rc_context(_STYLE):
            return function(*args, **kwargs)

    return wrapper


def _dataset_line(store: Store) -> str:
    from kg.query import current_as_of

    version = None
    for row in store.select(f"SELECT ?v WHERE {{ ?d a <{AL}Dataset> ; "
                           "<http://www.w3.org/2002/07/owl#versionInfo> ?v } LIMIT 1"):
        version = row["v"].value
    current = current_as_of(store)
    return (f"Source: alignment-kg{' ' + version if version else ''}"
            f"{', data current as of ' + current if current else ''} (kg plot)")


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # Room at the bottom for the source line (a fixed height, whatever the figure's).
    layout = ConstrainedLayoutEngine(rect=(0, 0.32 / height, 1, 1 - 0.32 / height))
    figure = Figure(figsize=(width, height), dpi=150, layout=layout)
    FigureCanvasAgg(figure)
    return figure


def _finish(figure: Any, store: Store, title: str, note: str = "") -> None:
    figure.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    line = _dataset_line(store) + (f". {note}" if note else "")
    figure.text(0.01, 0.005, line, fontsize=7.5, color="#555555", ha="left", va="bottom")


def _first_day(text: str | None) -> dt.date | None:
    return _day(text) if text else None


def _day(text: str) -> dt.date:
    return parse_date(text).first_day()


def _current(store: Store) -> dt.date:
    from kg.query import current_as_of

    current = current_as_of(store)
    return dt.date.fromisoformat(current) if current else dt.date.today()


# --- alignment --------------------------------------------------------------------------------

@_styled
def align_figure(store: Store, pairs: Sequence[tuple[str, str]], *, start: int | None = None,
                 end: int | None = None, metric: str = "absolute", kappa: bool = False) -> Any:
    """The S-score of each pair of states, one point per year (31 December), as lines.

    Parameters
    ----------
    pairs
        ``[("NZL", "AUS"), ("IND", "RUS")]``: state codes (or anything :mod:`kg.names` resolves).
    start, end
        First and last year (default: 1946 and the year of the data's "current as of" day).
    kappa
        Also draw Cohen's kappa (dashed lines, same colour).

    Raises
    ------
    UsageError
        No pair, an unknown state, or years in the wrong order.
    """
    from kg.analysis import AlignmentSystem, align
    from kg.names import resolve_code

    if not pairs:
        raise UsageError("give at least one pair of states: A B [C D]...")
    last = end if end is not None else _current(store).year
    first = start if start is not None else min(1946, last)
    system = AlignmentSystem(store)
    figure = _figure(10, 5.6)
    axes = figure.add_subplot()
    lowest = 0.0
    notes = []
    for index, (a, b) in enumerate(pairs):
        a, b = resolve_code(store, a, ("state",), option="A"), resolve_code(store, b, ("state",), option="B")
        table = align(store, a, b, start=first, end=last, metric=metric, system=system)
        colour = PALETTE[index % len(PALETTE)]
        years = [row[0] for row in table.rows]
        scores = [row[3] for row in table.rows]
        label = f"{system.names.get(a, a)} – {system.names.get(b, b)}"
        axes.plot(years, scores, color=colour, linewidth=2, label=f"{label}: S-score",
                  marker="o" if len(years) < 25 else None, markersize=3)
        if kappa:
            axes.plot(years, [row[4] for row in table.rows], color=colour, linewidth=1.4,
                      linestyle="--", label=f"{label}: kappa")
        values = [v for v in scores if v is not None]
        if values:
            lowest = min(lowest, min(values))
        notes += table.notes
    axes.set_xlim(first - 0.5, last + 0.5)
    axes.set_ylim(min(-0.05, lowest - 0.05), 1.05)
    axes.axhline(0, color="#999999", linewidth=0.8)
    axes.set_xlabel("year (as of 31 December)")
    axes.set_ylabel("similarity of alliance portfolios\n(S-score: 1 identical, 0 unrelated)")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="best", frameon=False, fontsize=9)
    names = ", ".join(f"{a}–{b}" for a, b in pairs)
    _finish(figure, store, f"Alignment over time: {names}",
            f"S-score (Signorino and Ritter 1999) over tie levels from shared commitments, "
            f"metric {metric}; see docs/analysis.md")
    figure.kg_notes = notes
    return figure


# --- members ----------------------------------------------------------------------------------

_SPELLS = f"""PREFIX al: <{AL}>
SELECT ?member ?role ?start ?end WHERE {{
  ?m a al:Membership ; al:organization ?org ; al:member/al:code ?member ; al:role/al:code ?role .
  OPTIONAL {{ ?m al:start ?start }}
  OPTIONAL {{ ?m al:end ?end }}
}}"""


def member_counts(store: Store, org: str, *, until: dt.date | None = None) -> list[tuple[dt.date, int]]:
    """The number of full members (suspended ones included) of ``org``, as ``(day, count)``
    steps: the count holds from ``day`` to the next step; the last step is ``until`` (default:
    the data's "current as of" day). A member is counted once however many spells overlap.

    Raises :class:`UsageError` for an unknown organisation.
    """
    import pyoxigraph as ox

    from kg.names import resolve

    entry = resolve(store, org, ("org",), option="ORG")
    until = until or _current(store)
    query = _SPELLS.replace("?org ;", f"{ox.NamedNode(entry.iri)} ;", 1)
    spells: list[tuple[str, dt.date, dt.date | None]] = []
    for row in store.select(query):
        if row["role"].value not in _FULL or row["start"] is None:
            continue
        begin = _first_day(row["start"].value)
        finish = _first_day(row["end"].value) if row["end"] is not None else None
        if begin is not None and begin <= until:
            spells.append((row["member"].value, begin, finish))
    days = sorted({s for _, s, _ in spells} | {e for _, _, e in spells if e and e <= until})
    steps: list[tuple[dt.date, int]] = []
    for day in days:
        count = len({m for m, s, e in spells if s <= day and (e is None or e > day)})
        if not steps or steps[-1][1] != count:
            steps.append((day, count))
    if steps:
        steps.append((until, steps[-1][1]))
    return steps


@_styled
def members_figure(store: Store, orgs: Sequence[str], *, start: int | None = None,
                   end: int | None = None) -> Any:
    """Member counts of organisations over time, one step line each (full members, suspended
    ones included; observers, associates and partners not)."""
    from kg.names import resolve

    if not orgs:
        raise UsageError("give at least one organisation")
    until = _current(store)
    if end is not None:
        until = min(until, dt.date(end, 12, 31))
    figure = _figure(10, 5.6)
    axes = figure.add_subplot()
    earliest = None
    for index, org in enumerate(orgs):
        entry = resolve(store, org, ("org",), option="ORG")
        steps = member_counts(store, entry.code, until=until)
        if not steps:
            continue
        days = [d for d, _ in steps]
        counts = [c for _, c in steps]
        colour = PALETTE[index % len(PALETTE)]
        axes.step(days, counts, where="post", color=colour, linewidth=2,
                  label=f"{entry.label} ({entry.code}): {counts[-1]} on {until.isoformat()}")
        earliest = days[0] if earliest is None else min(earliest, days[0])
    if earliest is None:
        raise UsageError("none of these organisations has dated members")
    left = dt.date(start, 1, 1) if start is not None else dt.date(earliest.year, 1, 1)
    axes.set_xlim(left, until)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("date")
    axes.set_ylabel("full members (suspended included)")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper left", frameon=False, fontsize=9)
    from kg.coverage import coverage_statements, partial_coverage

    codes = {resolve(store, org, ("org",), option="ORG").code for org in orgs}
    partial = [n for n in partial_coverage(coverage_statements(store), ("memberships",), codes,
                                           until.isoformat()) if not n.reason.startswith("the coverage of")]
    note = "Observers, associates and partners are not counted"
    if partial:
        note += ". Partial coverage: " + "; ".join(
            n.reason.split(" (", 1)[0] for n in partial)
    _finish(figure, store, "Members over time: " + ", ".join(o.upper() for o in orgs), note)
    figure.kg_notes = [f"partial coverage: {n.reason}" for n in partial]
    return figure


# --- timelines --------------------------------------------------------------------------------

@dataclass
class Lane:
    """One row of a timeline: a label and its spans ``(start, end, category)`` (``end`` None:
    still holding) and points ``(day, text)``."""

    label: str
    spans: list[tuple[dt.date, dt.date | None, str]]
    points: list[tuple[dt.date, str]]


_STATE_MEMBERSHIPS = f"""PREFIX al: <{AL}>
SELECT ?org ?role ?start ?end WHERE {{
  ?m a al:Membership ; al:member ?state ; al:organization/al:code ?org ; al:role/al:code ?role .
  OPTIONAL {{ ?m al:start ?start }}
  OPTIONAL {{ ?m al:end ?end }}
}} ORDER BY ?start ?org"""

_PARTNERSHIP_STEPS = f"""PREFIX al: <{AL}>
SELECT ?p ?code ?with ?framework ?status ?start WHERE {{
  ?p a al:Partnership ; al:code ?code ; al:counterpart/al:code ?with ; al:framework/al:code ?framework ;
     al:step ?step .
  ?step al:status/al:code ?status ; al:start ?start .
  FILTER(?p = ?subject || EXISTS {{ ?p al:partner ?subject }})
}} ORDER BY ?start ?code"""

_EVENTS_AND_STANCES = f"""PREFIX al: <{AL}>
SELECT ?kind ?what ?start ?end WHERE {{
  {{ ?x a al:Participation ; al:participant ?state ; al:event ?e . ?e al:code ?what ; al:start ?start .
     BIND("event" AS ?kind) }}
  UNION
  {{ ?x a al:Stance ; al:actor ?state ; al:stanceKind ?stance ; al:party/al:code ?party .
     OPTIONAL {{ ?x al:start ?start }} OPTIONAL {{ ?x al:end ?end }}
     BIND(CONCAT(?stance, " ", ?party) AS ?what) BIND("stance" AS ?kind) }}
}} ORDER BY ?start ?what"""


def timeline_lanes(store: Store, subject: str) -> tuple[str, list[Lane], list[str]]:
    """The lanes of the timeline of a state, or of one partnership (its code, e.g.
    ``NZL-NATO-ITPP``): ``(title, lanes, undated)``, ``undated`` naming the facts without a
    date (drawn nowhere, listed under the chart)."""
    import pyoxigraph as ox

    from kg.names import resolve

    entry = resolve(store, subject, ("subject",), option="STATE")
    if entry.kind not in ("State", "Partnership", "Territory"):
        raise UsageError(f"STATE: {entry.describe()} is a {entry.kind.lower()}: give a state "
                         "or a partnership (e.g. NZL-NATO-ITPP)")
    term = str(ox.NamedNode(entry.iri))
    lanes: dict[str, Lane] = {}
    undated: list[str] = []
    if entry.kind != "Partnership":
        for row in store.select(_STATE_MEMBERSHIPS.replace("?state", term)):
            org, role = row["org"].value, row["role"].value
            if row["start"] is None:
                undated.append(f"{role} of {org}")
                continue
            lane = lanes.setdefault(org, Lane(org, [], []))
            lane.spans.append((_day(row["start"].value),
                               _first_day(row["end"].value) if row["end"] is not None else None, role))
    steps: dict[str, list[tuple[dt.date, str]]] = {}
    labels: dict[str, str] = {}
    for row in store.select(_PARTNERSHIP_STEPS.replace("?subject", term)):
        code = row["code"].value
        labels[code] = f"{row['with'].value} {row['framework'].value}"
        steps.setdefault(code, []).append((_day(row["start"].value), row["status"].value))
    for code, found in steps.items():
        found.sort()
        lane = lanes.setdefault("~" + code, Lane(labels[code], [], []))
        for (day, status), following in zip(found, found[1:] + [(None, None)], strict=True):
            if status == "ended":
                lane.points.append((day, "ended"))
                continue
            lane.spans.append((day, following[0], status))
    if entry.kind != "Partnership":
        events = Lane("events", [], [])
        for row in store.select(_EVENTS_AND_STANCES.replace("?state", term)):
            what = row["what"].value
            if row["kind"].value == "event":
                events.points.append((_day(row["start"].value), _short_event(what)))
            elif row["start"] is None:
                undated.append(what)
            else:
                lane = lanes.setdefault("~~" + what, Lane(what, [], []))
                lane.spans.append((_day(row["start"].value),
                                   _first_day(row["end"].value) if row["end"] is not None else None,
                                   what.split()[0]))
        if events.points:
            lanes["~~~events"] = events
    ordered = sorted(lanes.items(), key=lambda item: (item[0].count("~"),
                                                       min([s[0] for s in item[1].spans]
                                                           + [p[0] for p in item[1].points]),
                                                       item[1].label))
    return entry.describe(), [lane for _, lane in ordered], sorted(set(undated))


def _short_event(code: str) -> str:
    """An event's code without its organisation's prefix: ``SUMMIT-2022-MADRID``."""
    head, _, rest = code.partition("-")
    return rest if rest and head.isalpha() and head.isupper() else code


def _stack_labels(ticks: Sequence[tuple[dt.date, str]], left: dt.date, right: dt.date,
                  *, width_inches: float) -> list[int]:
    """A level for each label (0 nearest the axis), so that no two labels on one level overlap:
    each label, right-aligned at its day, takes about 0.055 inch per character (6.5 pt).

    ``ticks`` are in date order.

    >>> d = dt.date
    >>> _stack_labels([(d(1990, 1, 1), "X"), (d(2022, 6, 28), "SUMMIT-2022-MADRID"),
    ...                (d(2023, 7, 11), "SUMMIT-2023-VILNIUS")], d(1930, 1, 1), d(2026, 1, 1),
    ...               width_inches=8)
    [0, 0, 1]
    """
    days_per_inch = max(1, (right - left).days) / width_inches
    ends: list[float] = []  # per level, the right end (in days) of its last label
    levels = []
    for day, text in ticks:
        start = day.toordinal() - len(text) * 0.055 * days_per_inch
        for level, end in enumerate(ends):
            if start > end + 0.05 * days_per_inch:
                ends[level] = day.toordinal()
                levels.append(level)
                break
        else:
            ends.append(day.toordinal())
            levels.append(len(ends) - 1)
    return levels


@_styled
def timeline_figure(store: Store, subject: str, *, start: int | None = None,
                    end: int | None = None) -> Any:
    """A state's (or a partnership's) story: one lane per organisation (bars coloured by role),
    per partnership (by status), per stance, and the events it took part in (labelled points).
    Facts without a date are listed under the chart, not drawn at an arbitrary place."""
    from matplotlib.patches import Patch

    title, lanes, undated = timeline_lanes(store, subject)
    if not lanes:
        raise UsageError(f"{title} has no dated membership, partnership, event or stance")
    until = _current(store)
    if end is not None:
        until = min(until, dt.date(end, 12, 31))
    starts = [s[0] for lane in lanes for s in lane.spans] + [p[0] for lane in lanes for p in lane.points]
    left = dt.date(start, 1, 1) if start is not None else dt.date(min(starts).year, 1, 1)
    events = sum(len(lane.points) for lane in lanes if lane.label == "events")
    height = max(3.2, 0.42 * len(lanes) + 1.8 + 0.12 * min(events, 12))
    figure = _figure(11, height)
    axes = figure.add_subplot()
    axes.grid(axis="y", visible=False)
    used: dict[str, str] = {}
    extra = 0
    for y, lane in enumerate(lanes):
        for begin, finish, category in lane.spans:
            stop = min(finish or until, until)
            if stop <= left or begin > until:
                continue
            begin = max(begin, left)
            if category == "founding member":
                category = "member"
            if category in ROLE_COLOURS:
                name, colour = f"membership: {category}", ROLE_COLOURS[category]
            elif category in STATUS_COLOURS:
                name, colour = f"partnership: {category}", STATUS_COLOURS[category]
            else:
                name, colour = f"stance: {category}", STANCE_COLOURS.get(category, "#777777")
            used.setdefault(name, colour)
            axes.barh(y, (stop - begin).days, left=begin, height=0.6, color=colour,
                      hatch="//" if category == "suspended" else None, edgecolor="white", linewidth=0.5)
        ticks = sorted((day, text) for day, text in lane.points if left <= day <= until)
        if ticks:
            axes.scatter([d for d, _ in ticks], [y] * len(ticks), marker="D", s=22, color="#000000",
                         zorder=3)
            if lane.label == "events":
                levels = _stack_labels(ticks, left, until, width_inches=8.5)
                for (day, text), level in zip(ticks, levels, strict=True):
                    axes.annotate(text, (day, y), xytext=(0, -9 - 9 * level), textcoords="offset points",
                                  fontsize=6.5, ha="right", va="top", color="#333333",
                                  arrowprops={"arrowstyle": "-", "color": "#BBBBBB", "linewidth": 0.5})
                extra = max(levels) + 1
    axes.set_ylim(len(lanes) - 0.5 + 0.3 * extra, -0.6)
    axes.set_yticks(range(len(lanes)), [lane.label for lane in lanes])
    axes.set_xlim(left, until)
    axes.set_xlabel("date")
    handles = [Patch(facecolor=colour, hatch="//" if name == "suspended" else None, label=name)
               for name, colour in used.items()]
    if handles:
        figure.legend(handles=handles, loc="outside upper center", ncol=min(6, len(handles)),
                      frameon=False, fontsize=8)
    note = "Undated, not drawn: " + "; ".join(undated) if undated else ""
    _finish(figure, store, f"Timeline: {title}", note)
    return figure


# --- files ------------------------------------------------------------------------------------

def save_figure(figure: Any, path: str | os.PathLike[str], *, fmt: str | None = None) -> str:
    """Write ``figure`` to ``path`` (PNG, SVG or PDF, from ``fmt`` or the extension), atomically;
    return the format. SVG and PDF carry no date, so the same chart gives the same bytes."""
    from matplotlib import rc_context

    from kg.output import atomic_output

    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in PLOT_FORMATS:
        raise UsageError(f"picture format {fmt!r}: one of {', '.join(PLOT_FORMATS)} (from -o's extension or --format)")
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "png": {"Software": None}}[fmt]
    with rc_context(_STYLE), atomic_output(path) as handle:
        figure.savefig(handle, format=fmt, metadata=metadata)
    return fmt
