"""The layers of DESIGN.md: imports point down only, Qt only in the UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ikodesk"

# Higher layers may import lower ones; `ikodesk.app` sits on top of everything.
LAYERS = ["storage", "models", "services", "reports", "cli", "ui"]
BASE_MODULES = {"errors", "resources", "__init__"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "ikodesk":
        return None
    if len(parts) == 1 or parts[1] in BASE_MODULES:
        return "base"
    return parts[1]


def _rank(layer: str) -> int:
    return -1 if layer == "base" else LAYERS.index(layer) if layer in LAYERS else 99


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        out.append((".".join(rel.parts), path))
    return out


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_imports_point_down(module: str, path: Path) -> None:
    own = _layer(module)
    assert own is not None
    if module in ("ikodesk.app", "ikodesk.__main__"):
        return
    for imported in _imports(path):
        top = imported.split(".")[0]
        if top in ("PySide6", "shiboken6"):
            assert own == "ui", f"{module} imports Qt ({imported}); only ikodesk.ui may"
        target = _layer(imported)
        if target is None:
            continue
        assert _rank(target) <= _rank(own), f"{module} ({own}) imports {imported} ({target})"


def test_the_check_itself_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from ikodesk.services import exchange\nimport PySide6.QtCore\n")
    imported = _imports(bad)
    assert _rank(_layer(imported[0]) or "") > _rank("models")
    assert imported[1].startswith("PySide6")
