"""kg plot: pictures of alignment, members and timelines, checked as files and as pixels.

The pictures the tests draw are also kept, for a person to look at, in the directory named by
``KG_TEST_PICTURES`` when it is set.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from kg.query import run_query


def _keep(path: Path) -> None:
    target = os.environ.get("KG_TEST_PICTURES")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def _pixels(path: Path):
    import matplotlib.image

    return matplotlib.image.imread(str(path))[:, :, :3]


def _share_of(pixels, colour: str, tolerance: float = 0.06) -> float:
    import numpy as np

    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    close = (np.abs(pixels - rgb) < tolerance).all(axis=2)
    return float(close.mean())


def test_plot_align_draws_one_line_per_pair(kg, tmp_path):
    out = tmp_path / "align.png"
    result = kg("plot", "align", "NZL", "AUS", "IND", "RUS", "--from", "1990", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = _pixels(out)
    assert pixels.shape[1] >= 1200  # readable: wide enough for 37 years of ticks
    assert _share_of(pixels, "#0072B2") > 0.002 and _share_of(pixels, "#D55E00") > 0.002
    _keep(out)


def test_plot_align_svg_has_title_axes_legend_and_source(kg, tmp_path):
    out = tmp_path / "align.svg"
    assert kg("plot", "align", "nz", "Australia", "--from", "2000", "--to", "2010",
              "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    for words in ("Alignment over time", "year (as of 31 December)", "S-score",
                  "New Zealand – Australia", "Source: alignment-kg", "current as of"):
        assert words in text, words


def test_plot_members_counts_agree_with_the_members_query(memory_store):
    import datetime as dt

    from kg.plot import member_counts

    steps = member_counts(memory_store, "NATO")
    for day in ("1950-06-30", "1990-01-01", "2004-12-31", "2023-12-31"):
        when = dt.date.fromisoformat(day)
        count = [c for d, c in steps if d <= when][-1]
        rows = run_query(memory_store, "members", {"org": "NATO", "at": day}).rows
        full = {row[0] for row in rows if row[2] in ("member", "founding member", "suspended")}
        assert count == len(full), day
    assert [c for _, c in steps] == sorted(c for _, c in steps)  # NATO never shrank


def test_plot_members_svg(kg, tmp_path):
    out = tmp_path / "m.svg"
    result = kg("plot", "members", "NATO", "EU", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Members over time: NATO, EU" in text and "full members (suspended included)" in text
    assert re.search(r"North Atlantic Treaty Organization \(NATO\): \d+ on ", text)
    again = tmp_path / "m2.svg"
    kg("plot", "members", "NATO", "EU", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()  # deterministic
    png = tmp_path / "members.png"
    kg("plot", "members", "NATO", "EU", "-o", str(png))
    _keep(png)


def test_plot_timeline_of_new_zealand(memory_store, kg, tmp_path):
    from kg.plot import timeline_lanes

    title, lanes, undated = timeline_lanes(memory_store, "New Zealand")
    assert title == "NZL (New Zealand)"
    by_label = {lane.label: lane for lane in lanes}
    assert {"suspended"} <= {s[2] for s in by_label["ANZUS"].spans}
    assert "NATO ITPP" in by_label and "events" in by_label
    memberships = run_query(memory_store, "memberships", {"state": "NZL", "at": "2024-04-05"}).rows
    for org in {row[0] for row in memberships}:
        assert org in by_label, org
    out = tmp_path / "t.png"
    assert kg("plot", "timeline", "NZL", "-o", str(out)).exit_code == 0
    assert _share_of(_pixels(out), "#0072B2") > 0.01  # membership bars
    _keep(out)
    pdf = tmp_path / "t.pdf"
    assert kg("plot", "timeline", "NZL-NATO-ITPP", "-o", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args, message", [
    (["plot", "align", "NZL", "AUS", "IND", "-o", "x.png"], "in pairs"),
    (["plot", "align", "NZL", "Atlantis", "-o", "x.png"], "unknown state 'Atlantis'"),
    (["plot", "members", "NATO", "-o", "x.txt"], ".png, .svg or .pdf"),
    (["plot", "timeline", "NATO", "-o", "x.png"], "give a state or a partnership"),
])
def test_plot_bad_input_is_one_line(kg, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = kg(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "x.png").exists()


def test_partial_coverage_is_said_on_the_chart_and_on_stderr(kg, memory_store, tmp_path):
    from kg.coverage import coverage_statements, partial_coverage

    partial = partial_coverage(coverage_statements(memory_store), ("memberships",), {"NAM"}, "2026-01-01")
    assert partial, "the data declares NAM's memberships incomplete"
    out = tmp_path / "nam.svg"
    result = kg("plot", "members", "Non-Aligned Movement", "-o", str(out))
    assert result.exit_code == 0
    assert "partial coverage: NAM memberships are incomplete" in result.stderr
    assert "Partial coverage: NAM memberships are incomplete" in out.read_text(encoding="utf-8")
    complete = tmp_path / "nato.svg"
    kg("plot", "members", "NATO", "-o", str(complete))
    assert "Partial coverage" not in complete.read_text(encoding="utf-8")
