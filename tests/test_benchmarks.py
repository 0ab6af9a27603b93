"""The benchmark tools: the synthetic world generator and the runner's report (fast checks only)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"kg_benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


@pytest.fixture(scope="module")
def generate():
    return _module("generate")


@pytest.fixture(scope="module")
def world(generate, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("world") / "w10k"
    return out, generate.generate(out, 10_000, seed=3)


def test_sizes_are_parsed(generate):
    assert [generate.parse_size(s) for s in ("10k", "1M", "2.5M", "2500")] == [10_000, 1_000_000, 2_500_000, 2500]


def test_the_generator_is_deterministic(generate, world, tmp_path):
    out, counts = world
    again = generate.generate(tmp_path / "again", 10_000, seed=3)
    assert again == counts
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    other = generate.generate(tmp_path / "other", 10_000, seed=4)
    assert (tmp_path / "other" / "memberships.csv").read_bytes() != (out / "memberships.csv").read_bytes()
    assert abs(other["triples"] - 10_000) < 20


def test_the_size_estimate_is_the_loaders_count(world):
    from kg.build import read_ontology, read_vocabulary
    from kg.loaders.curated import load_curated

    out, counts = world
    quads = load_curated([(out, "world")], read_vocabulary(read_ontology())).quads
    assert len(quads) == counts["triples"]
    assert abs(counts["triples"] - 10_000) < 20  # one row more at most


def test_generated_codes_avoid_the_shipped_ones(generate, world):
    import csv

    out, _ = world
    reserved = generate.reserved_codes()
    assert "XKX" in reserved  # the shipped data's own project codes are read
    with (out / "states.csv").open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert codes and not set(codes) & reserved


def test_kg_build_accepts_the_world(world, tmp_path, monkeypatch):
    from kg.build import build
    from kg.query import run_query

    out, counts = world
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # validate for real
    store = build("memory", data_dirs=[out])
    busiest = _module("generate").busiest(out)
    rows = run_query(store, "members", {"org": busiest["org"]}).rows
    assert len(rows) == max(1, len(rows)) and all(r[0].startswith("X") for r in rows)
    assert len(store) > counts["triples"]


def test_every_catalogue_entry_gets_its_required_parameters():
    from kg.catalogue import catalogue

    run = _module("run")
    params = run._catalogue_params(None)
    for name, entry in catalogue().items():
        required = {p.name for p in entry.parameters if not p.optional and p.default is None}
        assert required <= set(params[name]), name


def test_the_report_renders_from_partial_results():
    run = _module("run")
    ok = {"status": "ok", "wall": [0.02, 0.01, 0.03], "cpu": [0.01], "maxrss_mb": 120.0, "info": {"rows": 3}}
    report = {
        "started": "2026-01-01T00:00:00+00:00",
        "machine": {"cpus": 2, "cpu_model": "x", "memory": "1 GiB", "python": "3.11", "platform": "linux",
                    "packages": {"pyoxigraph": "0.5"}, "load_average_at_start": (1.0, 1.0, 1.0)},
        "settings": {"sizes": "10k", "budget": "30", "repeats": "5"},
        "sizes": [
            {"size": "shipped", "target": 0, "triples": 28_000,
             "results": {"project": {"build": ok, "build stages": {"status": "ok", "wall": [1.0],
                                                                   "info": {"read": 0.5, "validate": 0.3, "write": 0.2}},
                                     "export nquads": {**ok, "info": {"triples": 28_000}},
                                     "query members": ok, "export turtle": ok, "viz": ok}}},
            {"size": "10k", "target": 10_000, "triples": 38_000,
             "results": {"project": {"build": ok, "query members": ok, "export turtle": ok,
                                     "export nquads": {**ok, "info": {"triples": 38_000}}},
                         "pyoxigraph": {"load": ok, "query members": ok, "export turtle": ok},
                         "rdflib": {"load": ok, "query members": {"status": "over budget"}}}},
        ],
    }
    run._write_report(report, Path(pytest.importorskip("tempfile").mkdtemp()), 0.0)
    text = run.render_markdown(report)
    assert "| members | 3 |" in text
    assert "over budget" in text
    assert "## Growth" in text
