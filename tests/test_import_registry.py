"""Importers are registered, not listed: `kg import` finds them through the entry point group
``alignment_kg.importers``, so another installed package adds one. The package used here is
real: a module and a ``.dist-info`` directory written to a temporary directory on ``sys.path``,
read by :mod:`importlib.metadata` as it reads any installed distribution."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from conftest import import_into

from kg.cli import main
from kg.errors import UsageError
from kg.importer import import_graph, read_file
from kg.loaders.importing import Importer
from kg.loaders.registry import GROUP, describe_importers, find_importer, importer_names
from kg.store import open_store

PLUGIN = "kg_test_plugin_treaties"

_MODULE = '''
from kg.dates import parse_date
from kg.loaders.importing import DatasetInfo, DatasetRows, ImportedFile, Importer, Issue, QuadWriter
from kg.vocab import mint


class Treaties(Importer):
    summary = "Signatures of treaties, one a row (a test package's importer)"

    def read(self, path, context):
        rows = DatasetRows(path, context, required=("state", "org", "start"))
        info = DatasetInfo("plugin-treaties-v1", "Treaty signatures", "The test suite", "1")
        out = QuadWriter(context.graph)
        source = out.source(info)
        count = 0
        for row in rows:
            try:
                start = parse_date(row.get("start"))
            except ValueError as exc:
                context.report(Issue(str(path), row.line, f"bad date: {exc}"))
                continue
            out.membership(f"{row.get('org')}-{row.get('state')}-{start}-plugin", org=mint("org", row.get("org")),
                           member=mint("state", row.get("state")), role="member", start=start, end=None,
                           source=source)
            count += 1
        return ImportedFile(out.quads, info, rows.read, {"memberships": count})


IMPORTER = Treaties()
NOT_AN_IMPORTER = "a string"
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package installed in a temporary directory: its module and its distribution's
    metadata, with two entry points in the group (one of them not an importer)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{PLUGIN}.py").write_text(textwrap.dedent(_MODULE), encoding="utf-8")
    info = site / f"{PLUGIN}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PLUGIN}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\nplugin-treaties = {PLUGIN}:IMPORTER\nplugin-broken = {PLUGIN}:NOT_AN_IMPORTER\n",
        encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop(PLUGIN, None)


@pytest.fixture
def signatures(tmp_path: Path) -> Path:
    path = tmp_path / "signatures.csv"
    path.write_text("state,org,start\nNZL,NATO,2012-06\nFRA,NATO,not a date\n", encoding="utf-8")
    return path


def test_the_package_importers_are_registered_by_entry_point():
    assert {"atop", "cow-alliances", "cow-igo", "cow-states", "wikidata"} <= set(importer_names())
    assert all(isinstance(find_importer(name), Importer) for name in importer_names())
    assert find_importer("wikidata").matches_wikidata and not find_importer("atop").matches_wikidata
    assert "plugin-treaties" not in importer_names()  # only while the package is on the path


def test_an_installed_package_adds_an_importer(plugin, signatures, tmp_path):
    assert "plugin-treaties" in importer_names()
    described = dict(describe_importers())
    assert described["plugin-treaties"] == "Signatures of treaties, one a row (a test package's importer)"
    assert "is a str, not a kg.loaders.importing.Importer" in described["plugin-broken"]
    assert described["atop"].startswith("ATOP member-level")

    issues = []
    location = tmp_path / "store"
    result = import_into("plugin-treaties", signatures, str(location), report=issues.append)
    assert [(issue.line, issue.message.split(":")[0]) for issue in issues] == [(3, "bad date")]
    assert result.counts == {"memberships": 1} and result.rows == 2
    graph = import_graph("plugin-treaties", signatures).value
    store = open_store(str(location))
    try:
        assert store.ask(f"""ASK {{ GRAPH <{graph}> {{
            <{graph}> <https://w3id.org/alignment-kg/ontology#importedWith> "plugin-treaties" .
            ?m <https://w3id.org/alignment-kg/ontology#member> <https://w3id.org/alignment-kg/id/state/NZL> ;
               <https://w3id.org/alignment-kg/ontology#start> ?start }}
            FILTER(STR(?start) = "2012-06-01") }}""")
    finally:
        store.close()


def test_a_registered_name_that_is_no_importer_is_a_usage_error(plugin, signatures):
    with pytest.raises(UsageError, match="plugin-broken.*is a str, not a kg.loaders.importing.Importer"):
        read_file("plugin-broken", signatures)


def test_the_command_line_lists_and_runs_a_package_importer(plugin, signatures, runner, tmp_path):
    help_text = runner.invoke(main, ["import", "--help"]).stdout
    assert "plugin-treaties" in help_text and "Signatures of treaties" in help_text
    assert "cow-igo" in help_text
    result = runner.invoke(main, ["import", "plugin-treaties", str(signatures), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.stderr
    assert "signatures.csv:3: bad date" in result.stderr and "1 memberships" in result.stderr
    broken = runner.invoke(main, ["import", "plugin-broken", str(signatures), "--store", str(tmp_path / "s")])
    assert broken.exit_code == 2 and "not a kg.loaders.importing.Importer" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_without_the_package_its_importer_is_unknown(signatures, runner, tmp_path):
    result = runner.invoke(main, ["import", "plugin-treaties", str(signatures), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "'plugin-treaties' is not a registered importer: one of atop, cow-alliances" in result.stderr
