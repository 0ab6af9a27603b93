"""One exception hierarchy for everything ``kg`` reports to its users."""

from __future__ import annotations

__all__ = [
    "KgError",
    "DataError",
    "QueryError",
    "StoreError",
    "UsageError",
    "ValidationError",
]


class KgError(Exception):
    """Base class: a problem the user can fix, reported as one readable message (exit 1)."""

    exit_code = 1


class DataError(KgError):
    """A problem in an input file, with the file and line where it was found."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(f"{where}{message}")


class QueryError(KgError):
    """A query that cannot be run: a syntax error, a refused form, a timeout."""


class StoreError(KgError):
    """A store that cannot be opened, read or written."""


class ValidationError(KgError):
    """Data that breaks the ontology's shapes or the check queries; ``report`` is readable text."""

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)


class UsageError(KgError):
    """A mistake in how a command or function was called (exit 2)."""

    exit_code = 2
