"""The example notebook (docs/examples/analyst-questions.ipynb) runs, in a real Jupyter kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.query import run_query

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "examples" / "analyst-questions.ipynb"


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_the_notebook_runs_and_answers(store_dir, memory_store, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    monkeypatch.setenv("KG_STORE", str(store_dir))
    monkeypatch.setenv("KG_PICTURES", str(tmp_path))
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [_text(cell) for cell in notebook.cells if cell.cell_type == "code"]
    assert not any(o.get("output_type") == "error" for c in notebook.cells for o in c.get("outputs", []))
    nato = len(run_query(memory_store, "members", {"org": "NATO", "at": "2024-04-05"}).rows)
    assert f"{nato} members" in outputs[1]
    assert "ITPP" in outputs[2] and "negotiating" in outputs[2]
    for name in ("nz-timeline.png", "align.png", "members.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 3


def test_to_dataframe_without_pandas_says_how_to_install_it(tmp_path):
    import subprocess
    import sys

    code = ("import sys; sys.modules['pandas'] = None\n"
            "from kg.query import QueryResult\n"
            "QueryResult('select', ['a'], [[1]]).to_dataframe()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: to_dataframe() needs pandas")
    assert "pip install 'alignment-kg[pandas]'" in last


def test_to_dataframe_keeps_values(memory_store):
    pytest.importorskip("pandas")
    result = run_query(memory_store, "members", {"org": "NATO", "at": "2024-04-05"})
    frame = result.to_dataframe()
    assert list(frame.columns) == result.columns and len(frame) == len(result.rows)
    assert frame["member"].tolist() == [row[0] for row in result.rows]
