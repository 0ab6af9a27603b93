"""One result type for everything tabular: rows of plain values under named columns.

A catalogue query's answer (:class:`kg.query.QueryResult`), an analysis (:mod:`kg.analysis`,
:mod:`kg.blocs`), the statistics of a store (:func:`kg.stats.stats_table`), the list of named
graphs (:func:`kg.graphs.graph_table`) and the tables of the web pages are all :class:`Tabular`:
they offer the same :meth:`~Tabular.records`, :meth:`~Tabular.to_dataframe` and
:meth:`~Tabular.write` (every format of :mod:`kg.formats`). :class:`Table` is the plain one.

>>> table = Table(["state", "since"], [["NZL", "2012-06-04"], ["AUS", 2012]])
>>> table.records()
[{'state': 'NZL', 'since': '2012-06-04'}, {'state': 'AUS', 'since': 2012}]
>>> print(table.text("csv"), end="")
state,since
NZL,2012-06-04
AUS,2012
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from kg.formats import write_rows

__all__ = ["Table", "Tabular"]


class Tabular:
    """What every tabular answer offers: ``columns``, ``rows`` of plain values (``str``,
    ``int``, ``float``, ``bool`` or ``None``), and these readings of them. A subclass (a
    dataclass) declares the two attributes, and whatever else it carries."""

    columns: list[str]
    rows: Sequence[Sequence[Any]]
    #: Lines for the reader (what was left out, which day the answer is for): none by default.
    notes: Sequence[str] = ()

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a :class:`pandas.DataFrame`, one column per column (numbers as numbers;
        dates as the text of their precision, ``2001``, ``2023-06``, ``2012-06-04``).

        Needs pandas (``pip install 'alignment-kg[pandas]'``); without it, an ImportError that
        says so. See :func:`kg.frames.to_dataframe`.
        """
        from kg.frames import to_dataframe

        return to_dataframe(self.columns, self.rows)

    def write(self, out: IO[str], fmt: str, *, annotations: dict[str, Any] | None = None) -> int:
        """Write the rows under their columns to ``out`` in ``fmt``, one of
        :data:`kg.formats.TABULAR_FORMATS` (``annotations``: see :func:`kg.formats.write_rows`);
        returns the number of rows written."""
        write_rows(out, self.columns, self.rows, fmt, annotations=annotations)
        return len(self.rows)

    def text(self, fmt: str, *, annotations: dict[str, Any] | None = None) -> str:
        """The text :meth:`write` writes."""
        out = io.StringIO()
        self.write(out, fmt, annotations=annotations)
        return out.getvalue()


@dataclass
class Table(Tabular):
    """Rows of plain values under named columns, with ``notes`` for the reader (what was left
    out, which day the answer is for), which the command line writes to standard error."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
