"""The package's structure as docs/architecture.md draws it: imports run one way, down
the pipeline, and no module grows into several jobs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "privacy_labels"
ARCHITECTURE = PACKAGE.parents[1] / "docs" / "architecture.md"

# Lowest first: a unit may import its own modules and those of the units before it.
LAYERS = [
    {
        "errors",
        "_files",
        "_json",
        "_parallel",
    },  # shared ground: the error type, safe files, workers
    {"contract"},
    {"store"},
    {"raw"},
    {"builder"},
    {"quality"},
    {"outputs"},
    {"exporters"},
    {"importers"},  # the Label Studio import reads the interface its export wrote
    {"release"},
    {"load"},
    {"cli"},
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
MAX_LINES = 550  # "about 500": a module past it holds more than one job


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("privacy_labels", *parts)).removesuffix(".__init__")


def _unit(module: str) -> str:
    """The package's first-level name of `module` (`raw`, `store`, ...)."""
    return module.split(".")[1] if "." in module else "privacy_labels"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("privacy_labels"):
            if node.module == "privacy_labels":
                found |= {f"privacy_labels.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("privacy_labels")}
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    units = {_unit(_module(p)) for p in SOURCES} - {"privacy_labels"}
    assert units <= set(RANK), (
        f"add {sorted(units - set(RANK))} to LAYERS and the architecture page"
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_down_the_pipeline(path):
    own = _unit(_module(path))
    if own == "privacy_labels":  # the package's face hands on `load`
        return
    upward = []
    for module in _imports(path):
        target = _unit(module)
        # The package root is imported before any of its modules anyway; it is read
        # for `__version__` alone.
        if target in (own, "privacy_labels") or module == "privacy_labels.__version__":
            continue
        if RANK[target] > RANK[own]:
            upward.append(module)
    assert not upward, f"{path.relative_to(PACKAGE)} ({own}) imports {upward}, a later stage"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_holds_several_jobs(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines; split it by job"


def test_each_corpus_importer_is_a_folder_with_its_facts_as_data():
    """An importer is a folder (`importers/<source>/`) with its source's facts in
    `source.json`, over the shared writer; no corpus is a lone module any more."""
    importers = PACKAGE / "importers"
    folders = sorted(p.parent.name for p in importers.glob("*/__init__.py"))
    assert folders == ["app350", "mapp", "opp115"]
    for name in folders:
        facts = json.loads((importers / name / "source.json").read_text(encoding="utf-8"))
        assert {"corpus", "citation", "license", "scheme", "dated"} <= set(facts), name
        modules = (importers / name).glob("*.py")
        assert any("privacy_labels.importers.writer" in _imports(m) for m in modules), name
    assert not list(importers.glob("opp115*.py"))


def test_the_architecture_page_names_every_unit():
    page = ARCHITECTURE.read_text(encoding="utf-8")
    missing = [unit for unit in RANK if f"`{unit}" not in page]
    assert not missing, f"docs/architecture.md does not describe {missing}"


def test_importing_the_package_reads_no_schema_file():
    """The schema files are read on first use, not at import: `import privacy_labels` and
    every module of it read none, so a command that needs no schema never pays for one."""
    probe = """
import importlib, pathlib, pkgutil
read = []
read_text, read_bytes = pathlib.Path.read_text, pathlib.Path.read_bytes
pathlib.Path.read_text = lambda self, *a, **k: read.append(self.name) or read_text(self, *a, **k)
pathlib.Path.read_bytes = lambda self, *a, **k: read.append(self.name) or read_bytes(self, *a, **k)
import privacy_labels
for module in pkgutil.walk_packages(privacy_labels.__path__, "privacy_labels."):
    importlib.import_module(module.name)
print(sorted(name for name in set(read) if name.endswith(".schema.json")))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_modules_import_each_other():
    """Within a unit too, imports run one way: no circle of modules, even through an import
    deferred into a function (as exporters/label_studio.py and preannotate.py once had)."""
    graph = {_module(p): {m for m in _imports(p) if m != _module(p)} for p in SOURCES}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            circle = " -> ".join((*path[path.index(module) :], module))
            pytest.fail(f"import circle: {circle}")
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
