"""The importers of ``kg import``, found by name: the entry point group ``alignment_kg.importers``.

Every importer is registered the same way, the package's own (in its ``pyproject.toml``) and
those of any other installed package: an entry point in the group :data:`GROUP` whose name is
the SOURCE of ``kg import`` and whose object is an :class:`~kg.loaders.importing.Importer`::

    [project.entry-points."alignment_kg.importers"]
    polity = "my_package.polity:IMPORTER"

An entry point is loaded only when its importer is asked for (or listed by ``kg import
--help``), so one that cannot be loaded troubles no other.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from kg.errors import UsageError
from kg.loaders.importing import Importer

__all__ = ["GROUP", "describe_importers", "find_importer", "importer_names"]

#: The entry point group of importers.
GROUP = "alignment_kg.importers"


def _entry_points() -> dict[str, list[EntryPoint]]:
    """The group's entry points by name (one name may be registered by two distributions)."""
    found: dict[str, list[EntryPoint]] = {}
    for point in entry_points(group=GROUP):
        same = found.setdefault(point.name, [])
        if all(other.value != point.value for other in same):  # the same one twice: two copies on the path
            same.append(point)
    return found


def importer_names() -> list[str]:
    """The names of the registered importers, sorted.

    >>> {"atop", "cow-alliances", "cow-igo", "cow-states", "wikidata"} <= set(importer_names())
    True
    """
    return sorted(_entry_points())


def find_importer(name: str) -> Importer:
    """The importer registered as ``name`` (:class:`UsageError` for an unknown name, a name
    registered twice, or an entry point that does not give an :class:`Importer`).

    >>> find_importer("atop").summary
    'ATOP member-level file (Alliance Treaty Obligations and Provisions, v4.01 or v5.x)'
    >>> find_importer("polity")
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: unknown source 'polity': one of atop, cow-alliances, cow-igo, cow-states, wikidata...
    """
    points = _entry_points()
    if name not in points:
        known = ", ".join(sorted(points))
        hint = known or f"none is registered (entry points {GROUP}): install the package again"
        raise UsageError(f"unknown source {name!r}: one of {hint}")
    if len(points[name]) > 1:
        raise UsageError(f"source {name!r} is registered twice: "
                         f"{' and '.join(p.value for p in points[name])}")
    point = points[name][0]
    try:
        importer = point.load()
    except Exception as exc:  # noqa: BLE001 - another package's code: reported, not raised as is
        raise UsageError(f"the importer {name!r} ({point.value}) cannot be loaded: "
                         f"{type(exc).__name__}: {exc}") from None
    if not isinstance(importer, Importer):
        raise UsageError(f"the importer {name!r} ({point.value}) is a {type(importer).__name__}, "
                         "not a kg.loaders.importing.Importer")
    return importer


def describe_importers() -> list[tuple[str, str]]:
    """``(name, summary)`` of every registered importer, sorted by name; an importer that
    cannot be loaded is described by the reason."""
    described = []
    for name in importer_names():
        try:
            described.append((name, find_importer(name).summary))
        except UsageError as error:
            described.append((name, str(error)))
    return described
