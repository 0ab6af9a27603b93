"""Line charts and timelines drawn as SVG on the server: no script, no fonts fetched, readable
without JavaScript. Every text is escaped (labels come from the data).

>>> import datetime as dt
>>> svg = line_chart([("Members", [(dt.date(2000, 1, 1), 1.0), (dt.date(2010, 1, 1), 3.0)])],
...                  title="Full members")
>>> svg.startswith("<svg") and "Full members" in svg and svg.count("<path") == 1
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

__all__ = ["line_chart", "spell_chart"]

_COLOURS = ("#1f5fa8", "#b3401b", "#2d7d3a", "#6b3fa0", "#8a6d00")


def _x(day: dt.date, first: dt.date, last: dt.date, left: float, width: float) -> float:
    span = max((last - first).days, 1)
    return left + width * (day - first).days / span


def line_chart(series: Sequence[tuple[str, Sequence[tuple[dt.date, float]]]], *, title: str,
               step: bool = True, width: int = 720, height: int = 260, y_label: str = "") -> str:
    """An SVG line chart (a step line by default) of ``series``: (name, [(day, value), ...]).

    The chart has a ``<title>`` and a table-like ``<desc>`` for screen readers; each point is
    also listed in a ``data-points`` attribute (``day=value;...``) for tests and scripts.
    """
    points = [p for _, line in series for p in line]
    if not points:
        return f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="40"><text x="8" y="24">No data</text></svg>'
    first, last = min(p[0] for p in points), max(p[0] for p in points)
    top = max(max(p[1] for p in points), 1.0)
    bottom = min(0.0, min(p[1] for p in points))
    left, right, upper, lower = 48.0, 16.0, 28.0, 32.0
    plot_w, plot_h = width - left - right, height - upper - lower

    def y(value: float) -> float:
        return upper + plot_h * (1 - (value - bottom) / (top - bottom))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for tick in _ticks(bottom, top):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_number(tick)}</text>')
    for year in _years(first, last):
        x = _x(dt.date(year, 1, 1), first, last, left, plot_w)
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{year}</text>')
    for index, (name, line) in enumerate(series):
        if not line:
            continue
        colour = _COLOURS[index % len(_COLOURS)]
        path = []
        previous = None
        for day, value in line:
            x = _x(day, first, last, left, plot_w)
            if previous is None:
                path.append(f"M{x:.1f},{y(value):.1f}")
            elif step:
                path.append(f"H{x:.1f}V{y(value):.1f}")
            else:
                path.append(f"L{x:.1f},{y(value):.1f}")
            previous = value
        data = ";".join(f"{day.isoformat()}={_number(value)}" for day, value in line)
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2" '
                     f'data-series="{escape(name)}" data-points="{escape(data)}"/>')
        parts.append(f'<text x="{left + 8 + 160 * index}" y="16" fill="{colour}">{escape(name)}</text>')
    if y_label:
        parts.append(f'<text x="4" y="16">{escape(y_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def spell_chart(spells: Sequence[tuple[str, str, str, str | None]], *, until: str, title: str,
                width: int = 720) -> str:
    """A timeline drawing: one bar per spell (label, role, first day, end or ``None``) up to ``until``."""
    if not spells:
        return ""
    last = dt.date.fromisoformat(until)
    first = min(dt.date.fromisoformat(s[2]) for s in spells)
    row_h, left, right, top = 18, 110, 16, 24
    height = top + row_h * len(spells) + 24
    plot_w = width - left - right
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for year in _years(first, last):
        x = _x(dt.date(year, 1, 1), first, last, left, plot_w)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - 20}" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{year}</text>')
    for index, (label, role, start, end) in enumerate(spells):
        y = top + index * row_h
        x1 = _x(dt.date.fromisoformat(start), first, last, left, plot_w)
        end_day = min(dt.date.fromisoformat(end), last) if end else last
        x2 = max(_x(end_day, first, last, left, plot_w), x1 + 2)
        colour = _COLOURS[0] if role in ("member", "founding member") else _COLOURS[1]
        what = f"{label}: {role} from {start}" + (f" until {end}" if end else "")
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{x1:.1f}" y="{y + 2}" width="{x2 - x1:.1f}" height="{row_h - 5}" fill="{colour}">'
                     f"<title>{escape(what)}</title></rect>")
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _ticks(bottom: float, top: float) -> list[float]:
    span = top - bottom
    step = next(s for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if span / s <= 6)
    first = int(bottom / step)
    return [round(i * step, 6) for i in range(first, int(top / step) + 1)]


def _years(first: dt.date, last: dt.date) -> list[int]:
    span = last.year - first.year
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500) if span / s <= 10), 0)
    if not step:  # millennia: a round step that gives about ten labels
        step = 1000 * max(1, -(-span // 10_000))
    return [y for y in range(first.year, last.year + 1) if y % step == 0 and dt.date(y, 1, 1) >= first]
