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


def test_the_report_renders_from_partial_results(tmp_path):
    run = _module("run")

    def ok(wall: float, **info):
        return {"status": "ok", "wall": [wall, wall * 1.1], "cpu": [wall], "maxrss_mb": 120.0, "info": info}

    def size(label: str, target: int, triples: int, scale: float) -> dict:
        stages = {"status": "ok", "wall": [3 * scale],
                  "info": {"read": 1.0 * scale, "validate": 1.5 * scale, "write": 0.5 * scale, "builds": 1,
                           "peak_mb_after_builds": 300.0}}
        return {"size": label, "target": target, "triples": triples, "results": {
            "project": {"build": ok(3 * scale), "build stages": stages,
                        "export nquads": ok(0.1, triples=triples),
                        "query members": {**ok(0.02 * scale, rows=3), "info": {"rows": 3, "baseline_over_this": [0.9, 1.0]}},
                        "query slow": {"status": "over budget", "budget": 5.0},
                        "export turtle": ok(0.3 * scale), "export ntriples": ok(0.2 * scale), "viz": ok(1.0)},
            "pyoxigraph": {"load": ok(1.0 * scale), "query members": ok(0.02 * scale), "query slow": ok(4.0),
                           "export turtle": ok(0.2 * scale), "export ntriples": ok(0.2 * scale)},
            "rdflib": {"load": ok(2.0 * scale), "query members": {"status": "over budget", "budget": 5.0},
                       "query slow": {"status": "over budget at a smaller size", "at": "10k", "budget": 5.0}}}}

    report = {
        "started": "2026-01-01T00:00:00+00:00",
        "machine": {"cpus": 2, "cpu_model": "x", "memory": "1 GiB", "python": "3.11", "platform": "linux",
                    "packages": {"pyoxigraph": "0.5"}, "load_average_at_start": (1.0, 1.0, 1.0)},
        "settings": {"sizes": "10k,100k", "budget": "5", "repeats": "5"},
        "sizes": [size("10k", 10_000, 38_000, 1.0), size("100k", 100_000, 128_000, 3.0)],
    }
    run._write_report(report, tmp_path, 0.0)
    text = (tmp_path / "latest.md").read_text()
    assert "| members | 3 |" in text
    assert "> 5 s" in text and "> 5 s (at 10k)" in text  # over budget, with its figure
    growth = text.split("## Growth")[1]
    assert "| build | 3.00 s | 9.00 s | 0.90 |" in growth  # log(3) / log(128 / 38)
    targets = text.split("## Targets")[1].split("## Size")[0]
    assert "not measured at 1M" in targets
    assert "slow project over budget, raw 4.20 s" in targets  # the project over budget fails the target
    assert targets.count("\n| ") == 19  # the header, its rule, nine targets and issue 18's eight
    assert targets.count("not measured (no 10M row)") == 2  # the 10M build and its entity queries
    assert "every entity-parameter query under 20 ms" in targets and "`align A B` over 25 years" in targets


def test_a_run_that_does_not_see_the_alarm_is_stopped_and_the_worker_goes_on(tmp_path):
    """Native code (an Oxigraph query evaluating) does not see the alarm: the parent kills the
    worker a little after the budget, records "over budget" and starts it again after that run."""
    import time

    run = _module("run")
    spec = {"worker": "selftest", "size": "test", "work": str(tmp_path), "budget": 0.5, "repeats": 3,
            "repeat_budget": 1.0}
    start = time.monotonic()
    results = {r["name"]: r for r in run.run_worker(spec, lambda message: None, dict(__import__("os").environ))}
    assert time.monotonic() - start < 20
    assert results["deaf"]["status"] == "over budget" and results["deaf"].get("killed")
    assert results["slow"]["status"] == "over budget" and not results["slow"].get("killed")  # the alarm
    assert results["quick"]["status"] == "ok" and len(results["quick"]["wall"]) == 2


def test_a_later_run_is_merged_measurement_by_measurement(tmp_path):
    """--merge: the later run's measurements replace the earlier ones of the same size, system
    and name, the others stay, a new size is added, and the report says what was merged."""
    import json

    run = _module("run")
    machine = {"cpus": 2, "cpu_model": "x", "memory": "1 GiB", "python": "3.11", "platform": "linux",
               "packages": {"pyoxigraph": "0.5"}, "load_average_at_start": (1.0, 1.0, 1.0)}

    def ok(wall: float) -> dict:
        return {"status": "ok", "wall": [wall], "cpu": [wall], "maxrss_mb": 1.0, "info": {"rows": 1}}

    def report(sizes: dict, command: str) -> dict:
        return {"started": "2026-01-01T00:00:00+00:00", "command": command, "machine": machine,
                "settings": {"budget": "5", "repeats": "1"},
                "sizes": [{"size": label, "target": int(label[0]) * 1000, "triples": int(label[0]) * 3800,
                           "results": results} for label, results in sizes.items()]}

    earlier = report({"1k": {"project": {"query a": ok(1.0), "query b": ok(2.0)},
                             "pyoxigraph": {"query a": ok(0.9)}}}, "first")
    later = report({"1k": {"project": {"query b": ok(0.5)}, "rdflib": {"query b": ok(9.0)}},
                    "2k": {"project": {"query b": ok(0.7)}}}, "second")
    out = tmp_path / "out"
    out.mkdir()
    (out / "latest.json").write_text(json.dumps(earlier))
    (tmp_path / "later.json").write_text(json.dumps(later))
    assert run.main(["--merge", str(tmp_path / "later.json"), "--out", str(out)]) == 0
    merged = json.loads((out / "latest.json").read_text())
    first = merged["sizes"][0]["results"]
    assert first["project"]["query a"]["wall"] == [1.0] and first["project"]["query b"]["wall"] == [0.5]
    assert first["pyoxigraph"]["query a"]["wall"] == [0.9] and first["rdflib"]["query b"]["wall"] == [9.0]
    assert [e["size"] for e in merged["sizes"]] == ["1k", "2k"]
    assert merged["merged"][0]["command"] == "second" and merged["merged"][0]["measurements"] == 3
    assert "`second`" in (out / "latest.md").read_text()


def test_the_runner_writes_a_complete_report(tmp_path):
    """A whole run on a tiny world, every system, two catalogue queries, a tiny budget: every
    section of the report is there, every target has a row, nothing failed."""
    import json
    import subprocess

    out = tmp_path / "out"
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "2k", "--budget", "1", "--repeats", "1",
               "--build-repeats", "1,1,1,1", "--shipped", "none", "--queries", "members,top-shared-memberships",
               "--out", str(out), "--work", str(tmp_path / "work")]
    subprocess.run(command, check=True, timeout=240, capture_output=True)
    text = (out / "latest.md").read_text()
    for section in ("## Headline", "## Targets", "## Size 2k", "## Growth"):
        assert section in text, section
    targets = text.split("## Targets")[1].split("\n## ")[0]
    for target in ("within 1.3x of raw pyoxigraph", "50x faster than plain rdflib", "`kg build`: loading",
                   "Turtle export", "N-Triples export", "`kg viz`", "whole-process `kg query`", "peak memory",
                   "growth of build and export"):
        assert target in targets, target
    assert "not measured at 1M" in targets
    report = json.loads((out / "latest.json").read_text())
    assert report.get("finished") and [e["size"] for e in report["sizes"]] == ["2k"]
    results = report["sizes"][0]["results"]
    assert set(results) >= {"project", "pyoxigraph", "project-remote", "server", "rdflib"}
    for system, measurements in results.items():
        for name, record in measurements.items():
            assert record["status"] in ("ok", "over budget"), (system, name, record)
    assert results["project"]["build"]["status"] == "ok"
    assert report["sizes"][0]["summary"]["build_stages"]["validate"] > 0
    for system in ("project", "pyoxigraph", "project-remote", "server", "rdflib"):
        assert "query members" in results[system], system
        assert "export turtle" in results[system], system
    assert results["project"]["query members"]["status"] == "ok"
    assert "| members |" in text
