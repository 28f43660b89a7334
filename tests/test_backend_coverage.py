"""Every service test runs on both backends (issue #13), or says why it cannot.

A test module at the top of tests/ either takes the `backend` fixture (an
encrypted file and the office server, tests/conftest.py) in its tests or
fixtures, or says in its module docstring, on a line of its own, why one backend
is all it can be about: "File-only: …", "Server-only: …" or "No database: …".
A module that does neither fails here, so a new service test cannot quietly
run on the file alone. (tests/pg/ is the server's own; tests/ui/ the desktop's,
whose flows against the server are tests/pg/test_server_desktop.py.)

No database: the sources of the tests.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
REASON = re.compile(r"^(File-only|Server-only|No database): \S", re.MULTILINE)


def _takes_backend(tree: ast.Module) -> bool:
    """A test or fixture with a parameter named `backend` (or typed `Backend`), or a
    module that makes its `Backend`s itself (data made once per backend and module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "Backend":
            return True
        if isinstance(node, ast.FunctionDef):
            for arg in node.args.args:
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if arg.arg == "backend" or annotation.split(".")[-1] == "Backend":
                    return True
    return False


MODULES = sorted(p for p in TESTS.glob("test_*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_each_module_runs_on_both_backends_or_says_why_not(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if _takes_backend(tree):
        return
    doc = ast.get_docstring(tree) or ""
    assert REASON.search(doc), (
        f"{path.name}: take the `backend` fixture, or say in the module docstring why one "
        "backend is all it can be about ('File-only: …', 'Server-only: …', 'No database: …')"
    )


def test_the_check_can_tell() -> None:
    both = ast.parse("def test_x(backend):\n    pass\n")
    typed = ast.parse("def db(b: Backend) -> None:\n    pass\n")
    made = ast.parse("def fixture():\n    return Backend('server', office=office)\n")
    neither = ast.parse('"""A file test."""\ndef test_x(db):\n    pass\n')
    assert _takes_backend(both) and _takes_backend(typed) and _takes_backend(made)
    assert not _takes_backend(neither)
    assert REASON.search("Some text.\n\nFile-only: the SQLCipher key.")
    assert not REASON.search("this is file-only: no reason at the start of a line")
