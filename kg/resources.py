"""Where the packaged ontology, data and query catalogue live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir", "ontology_dir", "data_dir", "queries_dir", "fingerprint",
           "packaged_fingerprint"]

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the directory of a packaged resource (``ontology``, ``data`` or ``queries``).

    A wheel carries them under ``kg/_resources/``; a source checkout has them at the top level.
    """
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"packaged resource {name!r} not found beside {_PACKAGE}")


def ontology_dir() -> Path:
    """The packaged ontology (Turtle files)."""
    return resource_dir("ontology")


def data_dir() -> Path:
    """The packaged curated data tables."""
    return resource_dir("data")


def queries_dir() -> Path:
    """The packaged query catalogue (``*.rq`` files)."""
    return resource_dir("queries")


def fingerprint(*dirs: Path) -> str:
    """A digest of the files under ``dirs`` (names and contents) and the code version.

    Stores built from packaged data remember it, so that a changed dataset triggers a rebuild.
    """
    import hashlib  # only where a store's data is checked against the packaged data

    from kg.version import __version__

    digest = hashlib.sha256(__version__.encode())
    for root in dirs:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path.suffix not in {".ttl", ".csv", ".toml"}:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def packaged_fingerprint() -> str:
    """A digest of the packaged ontology and data (and the code version): a store built from
    them remembers it, and the per-user default store is rebuilt when it changes."""
    return fingerprint(ontology_dir(), data_dir())
