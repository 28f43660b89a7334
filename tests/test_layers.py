"""The layers of DESIGN.md: imports point down only, Qt only in the UI, and the
front-ends (`ui`, `cli`) talk to services, never to the database layer: they open
no session and name no `Session` (the application's use cases own the unit of work).

Every way of importing counts: `import a.b`, `from a import b` (where `b` may be a
module: `from ikodesk import ui`), relative imports, and `importlib.import_module`
or `__import__` with a literal name. Every module of the package belongs to a
layer; a new top-level module that is not placed here fails the test.

No database: the imports of the sources.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ikodesk"

# Higher layers may import lower ones; `ikodesk.app` sits on top of everything.
LAYERS = ["storage", "models", "services", "reports", "cli", "ui"]
BASE_MODULES = {"errors", "letters", "resources", "__init__"}
# The entry points and what only they use sit on top of every layer.
TOP_MODULES = {"app", "__main__", "logging_setup"}
FRONT_ENDS = {"ui", "cli"}

# What the front-ends must not import: the database layer (they receive plain
# data from services), and the access policy's machinery (services decide).
# The domain vocabulary (enums, labels) stays importable.
FRONT_END_FORBIDDEN = ("sqlalchemy", "ikodesk.storage", "ikodesk.services.access")
MODELS_VOCABULARY = {"ikodesk.models.enums", "ikodesk.models.labels"}


@dataclass(frozen=True)
class Problem:
    module: str
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.module} imports {self.imported}: {self.why}"


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "ikodesk":
        return None
    if len(parts) == 1 or parts[1] in BASE_MODULES:
        return "base"
    if parts[1] in TOP_MODULES:
        return "top"
    if parts[1] in LAYERS:
        return parts[1]
    return "unplaced"


def _rank(layer: str) -> int:
    return {"base": -1, "top": 100}.get(layer, LAYERS.index(layer) if layer in LAYERS else 99)


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        package = package[: -(level - 1)]
    return ".".join([*package, name] if name else package)


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Every module name `source` imports, in any of the ways Python allows."""
    tree = ast.parse(source)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            found.append(base)
            # `from ikodesk import ui` imports the module ikodesk.ui.
            found += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else None
            )
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(first.value)
    return found


def _is_module(name: str) -> bool:
    path = SRC.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def problems(module: str, imported_names: list[str]) -> list[Problem]:
    """The layer rules broken by `module` importing `imported_names`."""
    own = _layer(module)
    found: list[Problem] = []
    if own is None:
        return found
    if own == "unplaced":
        found.append(Problem(module, "-", "module belongs to no layer (place it in LAYERS)"))
    for imported in imported_names:
        top = imported.split(".")[0]
        if top in ("PySide6", "shiboken6") and own not in ("ui", "top"):
            found.append(Problem(module, imported, "only ikodesk.ui may import Qt"))
        target = _layer(imported)
        if target is not None and own != "top":
            # `from ikodesk.services import cases` also yields "ikodesk.services.cases";
            # a name that is not a module (a class or function) counts as its package.
            if not _is_module(imported) and "." in imported and _layer(imported) != "base":
                imported = imported.rsplit(".", 1)[0]
                target = _layer(imported) or target
            if _rank(target) > _rank(own):
                found.append(Problem(module, imported, f"{own} may not import {target}"))
            if own == "ui" and target == "cli":
                found.append(Problem(module, imported, "ui may not import cli"))
        if own in FRONT_ENDS:
            if any(imported == f or imported.startswith(f + ".") for f in FRONT_END_FORBIDDEN):
                found.append(Problem(module, imported, "front-ends go through services"))
            elif imported.startswith("ikodesk.models") and _is_orm(imported):
                found.append(Problem(module, imported, "front-ends get plain data, not ORM"))
    return found


def _is_orm(imported: str) -> bool:
    # "ikodesk.models" itself (the package re-exports the ORM classes) or any
    # module/class under it other than the vocabulary.
    return not any(imported == v or imported.startswith(v + ".") for v in MODELS_VOCABULARY)


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        out.append((".".join(rel.parts), path))
    return out


def _problems_of(module: str, path: Path) -> list[Problem]:
    source = path.read_text(encoding="utf-8")
    is_package = path.name == "__init__.py"
    if is_package:
        module = module.removesuffix(".__init__")
    return problems(module, imports_of(source, module, is_package=is_package))


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_imports_point_down(module: str, path: Path) -> None:
    # No exceptions: every front-end module talks to services only (issue #12).
    found = _problems_of(module, path)
    assert not found, "\n".join(map(str, found))


def test_the_whole_check_fails_on_a_planted_violation(tmp_path: Path) -> None:
    """The check that walks the package, run on a planted front-end module, fails it."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from sqlalchemy.orm import Session\nfrom ikodesk.models import Case\n"
        "from ikodesk.storage import Database\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError) as failed:
        test_imports_point_down("ikodesk.ui.cases.planted", planted)
    for imported in ("sqlalchemy.orm", "ikodesk.models", "ikodesk.storage"):
        assert f"ikodesk.ui.cases.planted imports {imported}:" in str(failed.value)


# --- no unit of work in a front-end -----------------------------------------------------------

# A front-end calls the application's use cases (services.application, services.usecases),
# which open the session and end it; it never opens one itself, nor passes one around
# (issue #12: as Anki's `aqt` talks to its collection). `session_factory` is the same door.
SESSION_CALLS = ("session", "transaction", "session_factory")
SESSION_NAME = "Session"


def session_uses(source: str) -> list[str]:
    """Where `source` opens a session or transaction, or refers to `Session`.

    Any call `x.session(...)`, `x.transaction(...)` (on anything: there is no way to
    know what `x` is, and nothing in a front-end needs the names) or
    `getattr(x, "session")(...)`; any `Session` as a name, an attribute, an imported
    name or inside a string annotation. `Sessions` or `session_count` are other names.
    """
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []

    def names_session(node: ast.AST) -> bool:
        return (isinstance(node, ast.Name) and node.id == SESSION_NAME) or (
            isinstance(node, ast.Attribute) and node.attr == SESSION_NAME
        )

    for node in ast.walk(tree):
        line: int = getattr(node, "lineno", 0)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in SESSION_CALLS:
                found.append((line, f"line {line}: calls .{func.attr}()"))
            elif (
                isinstance(func, ast.Call)
                and isinstance(func.func, ast.Name)
                and func.func.id == "getattr"
                and len(func.args) >= 2
                and isinstance(func.args[1], ast.Constant)
                and func.args[1].value in SESSION_CALLS
            ):
                found.append((line, f"line {line}: calls getattr(..., {func.args[1].value!r})()"))
        elif names_session(node):
            found.append((line, f"line {line}: refers to {SESSION_NAME}"))
        elif isinstance(node, ast.alias) and SESSION_NAME in (
            node.name.rsplit(".", 1)[-1],
            node.asname,
        ):
            found.append((line, f"line {line}: imports {SESSION_NAME}"))
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for note in annotations:
            # A quoted annotation ("Session", "list[Session]") is code too.
            if isinstance(note, ast.Constant) and isinstance(note.value, str):
                try:
                    inner = ast.parse(note.value, mode="eval")
                except SyntaxError:
                    continue
                if any(names_session(n) for n in ast.walk(inner)):
                    found.append((line, f"line {line}: refers to {SESSION_NAME} in an annotation"))
    return [text for _, text in sorted(found)]


def _front_end_modules() -> list[tuple[str, Path]]:
    return [(m, p) for m, p in _modules() if _layer(m) in FRONT_ENDS]


@pytest.mark.parametrize(
    ("module", "path"), _front_end_modules(), ids=[m for m, _ in _front_end_modules()]
)
def test_front_ends_hold_no_session(module: str, path: Path) -> None:
    # No exceptions: the command line and the desktop client call use cases (issue #12).
    found = session_uses(path.read_text(encoding="utf-8"))
    assert not found, f"{module} works with the database itself:\n" + "\n".join(found)


def test_every_front_end_module_is_checked_for_sessions() -> None:
    checked = {m for m, _ in _front_end_modules()}
    assert "ikodesk.cli.common" in checked
    assert "ikodesk.ui.common.worker" in checked
    assert len(checked) > 40


def test_the_session_check_fails_on_a_planted_violation(tmp_path: Path) -> None:
    """The check that walks the front-ends, run on a planted command module, fails it."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "def cmd(args, ctx):\n"
        "    with ctx.app.db.session() as session:\n"
        "        return session\n"
        "def other(ctx) -> 'Session':\n"
        "    with ctx.db.transaction() as s:\n"
        "        return s\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError) as failed:
        test_front_ends_hold_no_session("ikodesk.cli.planted", planted)
    message = str(failed.value)
    assert "ikodesk.cli.planted works with the database itself" in message
    assert "line 2: calls .session()" in message
    assert "line 4: refers to Session in an annotation" in message
    assert "line 5: calls .transaction()" in message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = ctx.db.session()", "calls .session()"),
        ("with app.db.transaction() as s:\n    pass", "calls .transaction()"),
        ("s = db.session_factory()", "calls .session_factory()"),
        ("s = getattr(db, 'session')()", "calls getattr(..., 'session')()"),
        ("from sqlalchemy.orm import Session", "imports Session"),
        ("from ikodesk.services.application import Session as S", "imports Session"),
        ("def f(s: Session) -> None: ...", "refers to Session"),
        ("import sqlalchemy.orm as orm\nx: orm.Session", "refers to Session"),
        ("def f(s: 'list[Session]') -> None: ...", "in an annotation"),
        ("s = Session(engine)", "refers to Session"),
    ],
)
def test_the_session_check_catches_each_kind(source: str, expected: str) -> None:
    found = session_uses(source)
    assert any(expected in f for f in found), found


@pytest.mark.parametrize(
    "source",
    [
        "from ikodesk.services.mediation import Sessions\nx = Sessions.RUNNING",
        "rows = ctx.app.cases.search(ctx.actor, 'x')",
        "n = view.session_count\nflag = app.sessions_open",
        "def f() -> None:\n    'A Session in a docstring is text.'",
        "label = 'Session'",
    ],
)
def test_the_session_check_allows_other_names(source: str) -> None:
    assert session_uses(source) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("ikodesk.models.x", "from ikodesk.services import exchange", "models may not import"),
        ("ikodesk.services.x", "import PySide6.QtCore", "only ikodesk.ui may import Qt"),
        ("ikodesk.cli.x", "from ikodesk import ui", "cli may not import ui"),
        ("ikodesk.ui.x", "from ikodesk.cli.common import out", "ui may not import cli"),
        ("ikodesk.services.x", "from ..ui import main", "services may not import ui"),
        ("ikodesk.services.x", "from . import x\nfrom ..reports import annual", "services may not"),
        ("ikodesk.models.x", "importlib.import_module('ikodesk.services.cases')", "models may not"),
        ("ikodesk.models.x", "__import__('ikodesk.ui')", "models may not import ui"),
        ("ikodesk.ui.x", "from sqlalchemy import select", "front-ends go through services"),
        ("ikodesk.cli.x", "import sqlalchemy.orm", "front-ends go through services"),
        ("ikodesk.ui.x", "from ikodesk.storage import Database", "front-ends go through"),
        ("ikodesk.cli.x", "from ikodesk.services.access import require", "through services"),
        ("ikodesk.ui.x", "from ikodesk.models import Case", "not ORM"),
        ("ikodesk.cli.x", "from ikodesk.models.cases import Case", "not ORM"),
        ("ikodesk.newlayer", "import os", "belongs to no layer"),
    ],
)
def test_the_check_catches_each_kind_of_violation(module: str, source: str, expected: str) -> None:
    found = problems(module, imports_of(source, module))
    assert any(expected in str(p) for p in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("ikodesk.ui.x", "from ikodesk.models.enums import Role"),
        ("ikodesk.cli.x", "from ikodesk.models.labels import code_label"),
        ("ikodesk.ui.x", "from ikodesk.services import cases"),
        ("ikodesk.services.x", "from . import audit\nfrom ..models import Case"),
        ("ikodesk.app", "from ikodesk import ui, cli"),
    ],
)
def test_the_check_allows_what_the_layers_allow(module: str, source: str) -> None:
    assert problems(module, imports_of(source, module)) == []
