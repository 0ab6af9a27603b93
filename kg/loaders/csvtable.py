"""Reading CSV tables row by row, with the file and line of every row for error messages."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DataError

__all__ = ["Row", "read_table"]

#: Largest cell accepted (bytes of text); larger cells are refused rather than slowing everything.
MAX_FIELD = 100_000


@dataclass(frozen=True)
class Row:
    """One data row of a table: its cells by column name, and where it came from."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The stripped text of a cell, ``""`` when empty or absent."""
        return (self.cells.get(column) or "").strip()

    def error(self, message: str) -> DataError:
        """A :class:`DataError` pointing at this row."""
        return DataError(message, file=self.file, line=self.line)


def read_table(
    path: Path, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[Row]:
    """Yield the rows of a UTF-8 CSV file with a header row (a BOM and CRLF line ends are accepted).

    Raises :class:`DataError` (file and line) for a missing or unknown column, a row with the
    wrong number of cells, a cell over :data:`MAX_FIELD` characters, text that is not UTF-8 or
    holds characters XML 1.0 does not allow.
    """
    name = str(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DataError(f"cannot read table: {exc.strerror}", file=name) from None
    with handle:
        csv.field_size_limit(MAX_FIELD)
        # strict: a quoted cell that is never closed is an error, not the rest of the file in one cell.
        reader = csv.reader(handle, strict=True)
        start = 0
        try:
            header = next(reader, None)
            if header is None:
                raise DataError("empty file: expected a header row", file=name, line=1)
            header = [column.strip() for column in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(f"missing column(s): {', '.join(missing)}", file=name, line=1)
            unknown = [c for c in header if c not in required and c not in optional]
            if unknown:
                raise DataError(
                    f"unknown column(s): {', '.join(unknown)} "
                    f"(expected {', '.join(required + optional)})",
                    file=name,
                    line=1,
                )
            start = reader.line_num
            for cells in reader:
                line = start + 1
                start = reader.line_num
                if not cells or all(not c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise DataError(
                        f"expected {len(header)} cells, found {len(cells)}", file=name, line=line
                    )
                _check_text("".join(cells), name, line)  # one scan per row: the check is per character
                yield Row(name, line, dict(zip(header, cells, strict=True)))
        except UnicodeDecodeError as exc:
            raise DataError(f"not UTF-8 text ({exc.reason})", file=name, line=_undecodable_line(path)) from None
        except csv.Error as exc:  # reported at the line where the row begins
            hint = " (a quoted cell is never closed)" if "unexpected end of data" in str(exc) else ""
            raise DataError(f"malformed CSV: {exc}{hint}", file=name, line=start + 1) from None


def _undecodable_line(path: Path) -> int | None:
    """The line of the first byte that is not UTF-8 (the decoder reads ahead, by blocks)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return None


#: Characters XML 1.0 does not allow in text.
_NOT_ALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_text(cell: str, file: str, line: int | None) -> None:
    bad = _NOT_ALLOWED.search(cell)
    if bad is not None:
        raise DataError(f"character U+{ord(bad.group()):04X} is not allowed in text", file=file, line=line)
