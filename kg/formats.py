"""Tabular output: ``table``, ``csv``, ``tsv``, ``json``, ``jsonl`` and ``markdown``.

Rows hold plain Python values (``str``, ``int``, ``float``, ``bool`` or ``None``); the
writers never see RDF terms, so every format shows the same values.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import IO, Any

__all__ = ["TABULAR_FORMATS", "csv_writer", "markdown_cell", "write_chunks", "write_rows"]

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")

Value = Any


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def markdown_cell(text: str) -> str:
    r"""``text`` as the content of a Markdown (GFM) table cell that every renderer shows as that
    text: on one line; ``&``, ``<`` and ``>`` as character references, so that no HTML (a
    ``<script>``, an ``<svg onload>``, an autolink) is passed through; backslash, backtick,
    ``*``, ``_``, brackets and ``|`` escaped, so that no emphasis, code span, link or cell
    boundary comes from the data.

    >>> print(markdown_cell('<script>alert(1)</script> [x](javascript:y) a|b'))
    &lt;script&gt;alert(1)&lt;/script&gt; \[x\](javascript:y) a\|b
    """
    text = _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


class _CsvWriter:
    """``csv.writer`` with ``\n`` line ends that also quotes a cell holding a carriage return:
    Python's writer quotes only the characters of its line terminator, so a bare ``\r`` would
    go out unquoted and split the row for every reader."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._plain = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Sequence[Any]) -> None:
        carriage_return = any(isinstance(cell, str) and "\r" in cell for cell in row)
        (self._quoted if carriage_return else self._plain).writerow(row)

    def writerows(self, rows: Sequence[Sequence[Any]]) -> None:
        buffer = io.StringIO()  # the whole batch at C speed; row by row only if it has a \r
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        text = buffer.getvalue()
        if "\r" not in text:
            self._out.write(text)
            return
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str]) -> _CsvWriter:
    """A CSV writer (``\n`` line ends, minimal quoting) that any CSV reader reads back exactly."""
    return _CsvWriter(out)


def write_rows(out: IO[str], columns: Sequence[str], rows: Sequence[Sequence[Value]], fmt: str,
               *, annotations: dict[str, Any] | None = None) -> None:
    """Write ``rows`` under ``columns`` to ``out`` in format ``fmt`` (one of :data:`TABULAR_FORMATS`).

    ``annotations`` (JSON and JSON Lines only) are added to every object after its columns, under
    keys that start with ``_`` (``_coverage``: the partial coverage an answer draws on); the other
    formats carry the columns alone.
    """
    extra = {f"_{key}": value for key, value in (annotations or {}).items()}
    if fmt == "csv":
        writer = csv_writer(out)
        writer.writerow(columns)
        writer.writerows([[_text(v) for v in row] for row in rows])
    elif fmt == "tsv":
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(_one_line(_text(v)) for v in row) + "\n")
    elif fmt == "json":
        json.dump([dict(zip(columns, row, strict=True)) | extra for row in rows], out, ensure_ascii=False,
                  indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row, strict=True)) | extra, ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        out.write("| " + " | ".join(markdown_cell(c) for c in columns) + " |\n")
        out.write("|" + "|".join(" --- " for _ in columns) + "|\n")
        for row in rows:
            out.write("| " + " | ".join(markdown_cell(_text(v)) for v in row) + " |\n")
    elif fmt == "table":
        cells = [[_one_line(_text(v)) for v in row] for row in rows]
        widths = [_width(c) for c in columns]
        for row in cells:
            widths = [max(w, _width(c)) for w, c in zip(widths, row, strict=True)]

        def line(values: Sequence[str]) -> str:
            return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

        out.write(line(list(columns)) + "\n")
        out.write(line(["-" * w for w in widths]) + "\n")
        for row in cells:
            out.write(line(row) + "\n")
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def write_chunks(out: IO[str], columns: Sequence[str], chunks: Iterable[Sequence[Sequence[Value]]],
                 fmt: str) -> int:
    """Write rows that arrive in chunks under ``columns`` to ``out`` in format ``fmt``, as
    :func:`write_rows` would write them all at once, without holding them all (except for
    ``table`` and ``json``, which need every row first). Returns the number of rows.

    >>> import io
    >>> out = io.StringIO()
    >>> write_chunks(out, ["a", "b"], [[(1, "x")], [], [(2, "y")]], "jsonl")
    2
    >>> print(out.getvalue(), end="")
    {"a": 1, "b": "x"}
    {"a": 2, "b": "y"}
    """
    if fmt in ("table", "json"):
        rows = [row for chunk in chunks for row in chunk]
        write_rows(out, columns, rows, fmt)
        return len(rows)
    count = 0
    if fmt == "csv":  # the common case for millions of rows: straight to the csv module
        writer = csv_writer(out)
        writer.writerow(columns)
        for chunk in chunks:
            writer.writerows(chunk)
            count += len(chunk)
        return count
    header_lines = {"tsv": 1, "markdown": 2, "jsonl": 0}[fmt]
    for chunk in chunks:
        if not chunk:
            continue
        if count == 0:
            write_rows(out, columns, chunk, fmt)
        else:
            buffer = io.StringIO()
            write_rows(buffer, columns, chunk, fmt)
            text = buffer.getvalue()
            out.write(text.split("\n", header_lines)[header_lines] if header_lines else text)
        count += len(chunk)
    if count == 0:
        write_rows(out, columns, [], fmt)
    return count
