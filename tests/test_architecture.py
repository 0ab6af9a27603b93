"""The package's import structure: no import cycle, and no module importing a layer above its own.

Imports are read from the source with :mod:`ast`, wherever they are: at module level, inside
functions (a function-local import that closes a cycle is still a cycle) and under
``if TYPE_CHECKING:``. A string constant that names a module of the package by its dotted name
(``"kg.loaders.atop"``, for :func:`importlib.import_module`) counts as an import of it. A package's ``__init__`` is the
module named like the package, imported where it is named (``from kg import completion`` imports
``kg.completion``; ``from kg import build`` imports ``kg``).

The layers, bottom to top, are :data:`LAYERS`; ``docs/architecture.md`` describes them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"

#: Layers, bottom to top: a module may import modules of its own layer and of the layers below.
#: A name ending in ``.`` covers the modules of that package (``kg.web.`` is ``kg.web.app``, ...).
LAYERS: list[tuple[str, set[str]]] = [
    ("foundation", {"kg.version", "kg.errors", "kg.vocab", "kg.dates", "kg.resources", "kg.sparqltext",
                    "kg.turtle", "kg.sandbox", "kg.derived", "kg.graphnames", "kg.frames", "kg.formats",
                    "kg.output", "kg.catalogue", "kg.reducers", "kg.userquery", "kg.table"}),
    ("loaders", {"kg.loaders", "kg.loaders."}),
    ("stores", {"kg.stores", "kg.stores."}),
    ("readers", {"kg.query", "kg.coverage", "kg.names", "kg.network", "kg.analysis", "kg.blocs",
                 "kg.citations", "kg.stats", "kg.plot", "kg.viz", "kg.viz.", "kg.vizsize", "kg.rdfio", "kg.reference",
                 "kg.completion", "kg.validate", "kg.ingest", "kg.ingest.", "kg.projection",
                 "kg.projection."}),
    ("operations", {"kg.build", "kg.graphs", "kg.importer"}),
    ("api", {"kg", "kg.api", "kg.store"}),
    ("applications", {"kg.cli", "kg.serve", "kg.web", "kg.web."}),
]

#: The write path's top: only the API and application layers may import these.
ABOVE_THE_LIBRARY = {"kg.build", "kg.importer", "kg.cli", "kg.api", "kg.store"}


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name (``kg.stores.base``)."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _target(name: str, modules: Mapping[str, Path]) -> str | None:
    """The package module that importing ``name`` loads (the longest module prefix of it)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(root: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports, anywhere in its source."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        found: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            named: list[str] = []
            if isinstance(node, ast.Import):
                named = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                named = [f"{source}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                    and node.value in modules:
                named = [node.value]
            for name in named:
                target = _target(name, modules)
                if target is not None and target != module:
                    found.add(target)
        graph[module] = found
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def layer_of(module: str, layers: list[tuple[str, set[str]]]) -> int | None:
    """The index of ``module``'s layer, or ``None`` when no layer names it."""
    for number, (_, names) in enumerate(layers):
        if module in names or any(n.endswith(".") and module.startswith(n) for n in names):
            return number
    return None


def upward_imports(graph: Mapping[str, Iterable[str]], layers: list[tuple[str, set[str]]],
                   forbidden: set[str], allowed_from: int) -> list[str]:
    """Every import of a module of a higher layer, and every import of a ``forbidden`` module
    from below layer number ``allowed_from``, as readable lines."""
    problems = []
    for module in sorted(graph):
        own = layer_of(module, layers)
        for target in sorted(graph[module]):
            theirs = layer_of(target, layers)
            if own is None or theirs is None:
                continue
            if theirs > own:
                problems.append(f"{module} ({layers[own][0]}) imports {target} ({layers[theirs][0]})")
            elif target in forbidden and own < allowed_from:
                problems.append(f"{module} ({layers[own][0]}) imports {target}, which only the "
                                f"{layers[allowed_from][0]} layer and above may use")
    return problems


_API = next(n for n, (name, _) in enumerate(LAYERS) if name == "api")


def test_no_import_cycle_in_the_package():
    assert cycles(imports(PACKAGE)) == []


def test_every_module_has_a_layer():
    assert [m for m in module_names(PACKAGE) if layer_of(m, LAYERS) is None] == []


def test_no_module_imports_a_layer_above_its_own():
    assert upward_imports(imports(PACKAGE), LAYERS, ABOVE_THE_LIBRARY, _API) == []


def test_the_store_layer_does_not_build():
    """The per-user default store's auto-build is above the stores (``kg.api``)."""
    graph = imports(PACKAGE)
    stores = [m for m in graph if layer_of(m, LAYERS) == 2]
    assert stores and all(not (graph[m] & {"kg.build", "kg.api", "kg.store"}) for m in stores)


def test_operations_that_add_to_a_store_take_it_opened():
    """Loading, importing and dropping write into a store the caller opened: they neither open a
    location (``kg.api``), nor build, nor write to a location (``kg.stores.kinds``)."""
    graph = imports(PACKAGE)
    assert {m: sorted(graph[m] & {"kg.api", "kg.build", "kg.store", "kg.stores.kinds"})
            for m in ("kg.importer", "kg.graphs")} == {"kg.importer": [], "kg.graphs": []}


def kind_reads(root: Path) -> list[str]:
    """Where a store location's kind is read: ``location.kind``, ``store.location.kind``, ..."""
    found: list[tuple[str, int]] = []
    for module, path in module_names(root).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "kind":
                owner = node.value
                name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
                if name == "location":
                    found.append((module, node.lineno))
    return [f"{module}:{line}" for module, line in sorted(found)]


def test_the_kind_of_a_location_is_read_in_one_place():
    """Stores own their writes: only :func:`kg.stores.kinds.store_class` asks which kind of
    store a location holds; everything else asks the store (class) it gives."""
    reads = kind_reads(PACKAGE)
    assert [r.partition(":")[0] for r in reads] == ["kg.stores.kinds"], reads


def test_the_architecture_document_names_only_what_exists():
    """``docs/architecture.md`` describes the layout the code has: every file and folder of
    ``kg/`` it names exists, and it names every layer."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bkg/[\w/]*\w(?:\.py|/)?", text))
    assert named
    assert sorted(n for n in named if not (PACKAGE.parent / n).exists()) == []
    assert [name for name, _ in LAYERS if not re.search(rf"^ {name} ", text, re.MULTILINE)] == []


def test_the_architecture_picture_puts_each_module_in_its_layer():
    """In the picture of the layers, each file or folder stands in the row of its layer."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = text.split("```")[1]
    names = [name for name, _ in LAYERS]
    row = None
    misplaced = []
    drawn = 0
    for line in picture.splitlines():
        first = line.split()[0] if line.split() else ""
        if line.startswith(" ") and not line.startswith("  ") and first in names:
            row = first
        for path in re.findall(r"\bkg/[\w/]*\w(?:\.py|/)?", line):
            module = path.removesuffix(".py").removesuffix("/").removesuffix("/__init__").replace("/", ".")
            drawn += 1
            number = layer_of(module, LAYERS)
            if number is None or LAYERS[number][0] != row:
                misplaced.append(f"{path} drawn in {row}")
    assert drawn > 40 and misplaced == []


# The checks themselves, on small packages that break the rules.

def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("files", "cycle"), [
    pytest.param({"low.py": "def f():\n    from pkg.high import g\n    return g\n",
                  "high.py": "from pkg import low\n", "other.py": "import pkg.low\n"},
                 ["pkg.high", "pkg.low"], id="function-local import"),
    pytest.param({"sub/__init__.py": "", "sub/a.py": "from .b import x\n",
                  "sub/b.py": "import importlib\nx = importlib.import_module('pkg.sub.a')\n"},
                 ["pkg.sub.a", "pkg.sub.b"], id="relative import and module name"),
])
def test_a_cycle_is_found(tmp_path, files, cycle):
    root = _package(tmp_path / "pkg", {"__init__.py": "", **files})
    assert cycles(imports(root)) == [cycle]


@pytest.mark.parametrize("source", [
    "from pkg.top import main\n",
    "def f():\n    import pkg.top\n",
])
def test_an_upward_import_is_found(tmp_path, source):
    root = _package(tmp_path / "pkg", {"__init__.py": "", "top.py": "", "bottom.py": source})
    layers = [("bottom", {"pkg.bottom"}), ("top", {"pkg", "pkg.top"})]
    assert upward_imports(imports(root), layers, set(), 1) == ["pkg.bottom (bottom) imports pkg.top (top)"]


def test_a_forbidden_import_within_a_layer_is_found(tmp_path):
    root = _package(tmp_path / "pkg", {"__init__.py": "", "build.py": "", "read.py": "import pkg.build\n"})
    layers = [("library", {"pkg.read", "pkg.build"}), ("api", {"pkg"})]
    assert upward_imports(imports(root), layers, {"pkg.build"}, 1) == [
        "pkg.read (library) imports pkg.build, which only the api layer and above may use"]


def test_a_second_read_of_a_location_kind_is_found(tmp_path):
    root = _package(tmp_path / "pkg", {
        "__init__.py": "",
        "kinds.py": "def f(location):\n    return location.kind\n",
        "serve.py": "def g(self):\n    return self.location.kind == 'memory'\n",
        "other.py": "def h(result):\n    return result.kind\n",
    })
    assert kind_reads(root) == ["pkg.kinds:2", "pkg.serve:2"]
