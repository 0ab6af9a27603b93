"""Shared fixtures: the real embedded store built from the packaged data, and the CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _isolated_default_store(tmp_path_factory, monkeypatch):
    """Never touch the user's own default store: point XDG_DATA_HOME at a temporary directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.getbasetemp() / "xdg"))
    monkeypatch.delenv("KG_STORE", raising=False)


@pytest.fixture(scope="session")
def memory_store():
    """The packaged ontology and data, built into an in-memory Oxigraph store."""
    from kg.build import build

    return build("memory")


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """A directory store built once from the packaged data (read-only in tests)."""
    from kg.build import build

    path = tmp_path_factory.mktemp("stores") / "kg-store"
    build(str(path))
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def kg(runner, store_dir):
    """Run ``kg ARGS --store <the session store>`` and return the click result."""
    from kg.cli import main

    def run(*args: str, store: str | os.PathLike | None = None, input: str | None = None):
        full = list(args)
        full += ["--store", str(store if store is not None else store_dir)]
        return runner.invoke(main, full, input=input, catch_exceptions=False)

    return run


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying why."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test material is not beside this checkout")
    return path


def _written(location, write):
    """``write(store)`` on the store at ``location`` (a path, URL or
    :class:`~kg.stores.base.StoreLocation`), opened as ``kg load`` and ``kg import`` open it (a
    missing directory is created by the write) and closed after it."""
    from kg.api import open_store

    store = open_store(str(location) if isinstance(location, os.PathLike) else location, create=True)
    try:
        return write(store)
    finally:
        store.close()


def load_into(location, paths, **options):
    """``kg.graphs.load_files`` into the store at ``location`` (:func:`_written`); returns the
    loaded files."""
    from kg.graphs import load_files

    return _written(location, lambda store: load_files(store, paths, **options))


def import_into(source, path, location, **options):
    """``kg.importer.import_file`` into the store at ``location`` (:func:`_written`)."""
    from kg.importer import import_file

    return _written(location, lambda store: import_file(source, path, store, **options))


def in_memory(engine):
    """An in-memory store over the pyoxigraph ``engine`` (written in place)."""
    from kg.stores.base import resolve_location
    from kg.stores.embedded import MemoryStore

    return MemoryStore.at(resolve_location("memory"), engine=engine)
