"""The library's layers point one way: ``notebook``, ``validate``, ``checks``, ``plots``, ``language`` and
``glossary`` at the bottom,
the topic modules above them, ``widgets`` and ``exercises`` on top (docs/CONTRIBUTING.md)."""

import ast

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "course_lib"
BOTTOM = {"notebook", "validate", "checks", "plots", "language", "glossary"}


def layer(module):
    """0 for the bottom modules, 1 for a topic module, 2 for a widget or an exercise module."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("widgets", "exercises"):
        return 2
    return 0 if parts[-1] in BOTTOM else 1


def imported_modules(path):
    """The ``course_lib`` modules a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course_lib"):
            found.update(f"{node.module}.{alias.name}" if (PACKAGE / f"{alias.name}.py").exists() or
                         (PACKAGE / node.module.split(".", 1)[-1] / f"{alias.name}.py").exists() else node.module
                         for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("course_lib"))
    return found


def upward_imports(package=PACKAGE):
    """Every import of a higher layer by a lower one, as "importer -> imported"."""
    wrong = []
    for path in sorted(package.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        module = ".".join(("course_lib", *path.relative_to(package).with_suffix("").parts))
        wrong += [f"{module} -> {other}" for other in sorted(imported_modules(path)) if layer(other) > layer(module)]
    return wrong


def test_no_lower_layer_imports_a_higher_one():
    assert upward_imports() == []


def test_the_layer_check_catches_a_planted_upward_import(tmp_path):
    (tmp_path / "widgets").mkdir()
    (tmp_path / "widgets" / "chart.py").write_text("X = 1\n")
    (tmp_path / "notebook.py").write_text("def setup():\n    from course_lib.widgets import chart\n")
    assert upward_imports(tmp_path) == ["course_lib.notebook -> course_lib.widgets.chart"]
