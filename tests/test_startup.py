"""Start-up stays lean: a command imports what it uses and nothing else.

Issue 18 keeps `kg query members -p org NATO` on the shipped data under 100 ms (measured in
benchmarks/, never here); what this test holds is the cause of most regressions: a heavy
library or a module of another command imported at start-up.
"""

from __future__ import annotations

import subprocess
import sys


def _imported(*args: str) -> set[str]:
    """The modules a whole `kg` process imports (from ``-X importtime``, which lists each once)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kg.cli", *args],
                          capture_output=True, text=True, check=True)
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "kg.query" in names or args[0] != "query"  # the reading worked: the command's own module is there
    return names


HEAVY = ("rdflib", "networkx", "matplotlib", "pyshacl", "numpy", "pandas", "jinja2", "pyvis")
OTHER_COMMANDS = ("kg.build", "kg.importer", "kg.loaders.curated", "kg.network", "kg.projection", "kg.analysis", "kg.viz",
                  "kg.plot", "kg.serve", "kg.web", "kg.validate", "kg.ingest", "tomllib")
#: What a catalogue query without a date on a directory store does not use: the writes' modules
#: (shutil, traceback), the packaged data's fingerprint (hashlib), user text's helpers, dates
#: (calendar) and decimals; each of them is imported where it is used.
NOT_FOR_A_READ = ("hashlib", "_hashlib", "shutil", "traceback", "decimal", "_decimal", "calendar", "kg.dates",
                  "kg.userquery")


def test_a_catalogue_query_imports_no_heavy_library_and_no_other_command(store_dir):
    names = _imported("query", "members", "-p", "org", "NATO", "--store", str(store_dir), "--format", "csv")
    roots = {name.split(".")[0] for name in names}
    assert not roots & set(HEAVY), sorted(roots & set(HEAVY))
    assert not {n for n in names if n.startswith(OTHER_COMMANDS)}, sorted(n for n in names if n.startswith(OTHER_COMMANDS))
    assert not names & set(NOT_FOR_A_READ), sorted(names & set(NOT_FOR_A_READ))


def test_help_imports_no_store_engine():
    names = _imported("--help")
    assert "pyoxigraph" not in names and "kg.stores.embedded" not in names
