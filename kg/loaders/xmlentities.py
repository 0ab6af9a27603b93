"""A guard against XML entity expansion ("billion laughs") and external entities in RDF/XML.

Oxigraph's RDF/XML reader expands every entity declared in a document's internal DTD subset as
it reads the declarations, without a bound: ten nested declarations of ten references each take
gigabytes and minutes. Before a file is parsed, :func:`check_entities` works out how much text
its entities would expand to (from the declarations and the references, without expanding
anything) and refuses the file beyond :data:`MAX_EXPANSION` characters. External and parameter
entities (``SYSTEM``, ``PUBLIC``, ``%name;``) are refused too: nothing outside the file is ever
read.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import DataError

__all__ = ["MAX_EXPANSION", "check_entities"]

#: The most text (characters) that entity declarations and references may expand to.
MAX_EXPANSION = 8_000_000

_DECLARATION = re.compile(
    rb"""<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s"'%>]+)\s+"""
    rb"""(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<external>SYSTEM|PUBLIC)\b)?"""
)
_REFERENCE = re.compile(rb"&([^\s&;#<>\"']+);")
_PREDEFINED = {b"lt", b"gt", b"amp", b"apos", b"quot"}
_CHUNK = 1 << 20


def _declares_entities(path: Path) -> bool:
    marker = b"<!ENTITY"
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker):]
    return False


def check_entities(path: str | Path) -> None:
    """Refuse an XML file whose entities would expand beyond :data:`MAX_EXPANSION` characters,
    or that declares external or parameter entities.

    Raises :class:`~kg.errors.DataError` (with the file) when refused; reads the file once
    (twice when it declares entities) and expands nothing.
    """
    path = Path(path)
    if not _declares_entities(path):
        return
    data = path.read_bytes()
    values: dict[bytes, bytes] = {}
    for match in _DECLARATION.finditer(data):
        name = match["name"]
        if match["parameter"] or match["external"]:
            raise DataError("XML external and parameter entities (SYSTEM, PUBLIC, %name;) are not "
                            f"read: remove the declaration of {name.decode(errors='replace')}",
                            file=str(path))
        value = match["double"] if match["double"] is not None else match["single"]
        values.setdefault(name, value or b"")
    sizes: dict[bytes, int] = {}
    pending: set[bytes] = set()

    def size(name: bytes) -> int:
        if name in sizes:
            return sizes[name]
        if name in pending:
            raise DataError(f"the XML entity {name.decode(errors='replace')} refers to itself",
                            file=str(path))
        pending.add(name)
        value = values[name]
        total = len(value)
        for reference in _REFERENCE.finditer(value):
            if reference[1] in values:
                total += size(reference[1]) - len(reference[0])
        pending.discard(name)
        sizes[name] = total
        return total

    try:
        expansion = sum(size(name) for name in values)
    except RecursionError:
        raise DataError("XML entities nested too deeply: refused", file=str(path)) from None
    expansion += sum(size(r[1]) for r in _REFERENCE.finditer(data) if r[1] in values and r[1] not in _PREDEFINED)
    if expansion > MAX_EXPANSION:
        raise DataError(f"XML entities would expand to {expansion:,} characters, more than "
                        f"{MAX_EXPANSION:,} (an entity expansion attack?): refused", file=str(path))
