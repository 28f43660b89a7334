"""Qt habits the desktop client keeps (issue #12.4).

- Pages and windows tell the main window what they need through signals; they
  do not hold it and call into it (`self.main.open_case`, `statusBar()`).
- No attribute or method hides a Qt member of the class it is set on
  (`self.children` on a widget hides QObject.children(), `self.create` hides
  QWidget.create(), `self.find` hides QWidget.find()); only Qt's virtual
  functions are overridden, on purpose.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from PySide6.QtCore import QObject

import ikodesk.ui

UI = Path(ikodesk.ui.__file__).parent

# Qt's virtual functions that the client overrides on purpose.
OVERRIDES = {
    "__init__",
    "canFetchMore",
    "closeEvent",
    "columnCount",
    "data",
    "eventFilter",
    "fetchMore",
    "flags",
    "headerData",
    "keyPressEvent",
    "nextId",
    "rowCount",
    "run",
    "setData",
    "sort",
    "validatePage",
}

# The modules that own the main window: the window itself and the start-up that makes it.
MAIN_WINDOW_OWNERS = {"main_window.py", "start.py", "main.py"}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(UI.rglob("*.py")):
        parts = path.relative_to(UI.parent.parent).with_suffix("").parts
        name = ".".join(p for p in parts if p != "__init__")
        out.append((name, path))
    return out


def shadowing(module_name: str, source: str) -> list[str]:
    """Members of the module's QObject classes that hide a non-virtual Qt member."""
    module = importlib.import_module(module_name)
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(module, node.name, None)
        if not (isinstance(cls, type) and issubclass(cls, QObject)):
            continue
        qt_base = next(b for b in cls.__mro__ if b.__module__.startswith("PySide6"))
        qt_names = set(dir(qt_base))
        for sub in ast.walk(node):
            targets: list[ast.expr] = []
            if isinstance(sub, ast.Assign):
                targets = sub.targets
            elif isinstance(sub, ast.AnnAssign):
                targets = [sub.target]
            for t in targets:
                if (
                    isinstance(t, ast.Attribute)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == "self"
                    and t.attr in qt_names
                ):
                    found.append(f"{node.name}.{t.attr} (attribute) hides {qt_base.__name__}")
        for item in node.body:
            if (
                isinstance(item, ast.FunctionDef)
                and item.name in qt_names
                and item.name not in OVERRIDES
            ):
                found.append(f"{node.name}.{item.name}() hides {qt_base.__name__}")
    return found


def test_no_member_hides_a_qt_member() -> None:
    found = []
    for name, path in _modules():
        found += [f"{name}: {s}" for s in shadowing(name, path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_shadowing_check_finds_what_it_forbids(tmp_path: Path) -> None:
    # The real check on planted members (a module of its own, imported like the others).
    planted = tmp_path / "planted_shadows.py"
    planted.write_text(
        "from PySide6.QtCore import QAbstractTableModel\n"
        "from PySide6.QtWidgets import QWidget, QWizardPage\n"
        "class Form(QWidget):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.children = []\n"
        "        self.find = None\n"
        "class Page(QWizardPage):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.create = None\n"
        "class Model(QAbstractTableModel):\n"
        "    def children(self):\n"
        "        return []\n"
        "    def rowCount(self, parent=None):\n"
        "        return 0\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(tmp_path))
        found = shadowing("planted_shadows", planted.read_text(encoding="utf-8"))
    assert found == [
        "Form.children (attribute) hides QWidget",
        "Form.find (attribute) hides QWidget",
        "Page.create (attribute) hides QWizardPage",
        "Model.children() hides QAbstractTableModel",
    ]


def callbacks_into_the_main_window(source: str) -> list[str]:
    """`self.main.<anything>`, `.statusBar()` and importing the main window's module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "main"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "self"
        ):
            found.append(f"line {node.lineno}: self.main.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr == "statusBar":
            found.append(f"line {node.lineno}: statusBar()")
        if isinstance(node, ast.ImportFrom) and node.module == "ikodesk.ui.main_window":
            found.append(f"line {node.lineno}: imports ikodesk.ui.main_window")
    return found


def test_pages_signal_instead_of_calling_back_into_the_main_window() -> None:
    found = []
    for name, path in _modules():
        if path.name in MAIN_WINDOW_OWNERS and path.parent == UI:
            continue
        found += [f"{name} {s}" for s in callbacks_into_the_main_window(path.read_text())]
    assert found == []


def test_the_callback_check_finds_what_it_forbids() -> None:
    source = (
        "from ikodesk.ui.main_window import MainWindow\n"
        "class Page:\n"
        "    def go(self):\n"
        "        self.main.open_case(1)\n"
        "        self.window().statusBar().showMessage('x')\n"
    )
    assert callbacks_into_the_main_window(source) == [
        "line 1: imports ikodesk.ui.main_window",
        "line 4: self.main.open_case",
        "line 5: statusBar()",
    ]
