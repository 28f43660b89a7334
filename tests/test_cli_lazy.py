"""Start in a blink (issue #16, point 1): a command pays only for what it uses.

`ikodesk --version` and `--help` load no SQLAlchemy, ReportLab, Qt or database
driver; a command loads its own module, not the others'; the desktop client's
first window comes before the main window's pages, reports and charts. Checked
in fresh interpreters through `sys.modules` (timings are the benchmark's job).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ikodesk.cli import COMMANDS, MODULE_NAMES, build_parser, command_module, commands
from ikodesk.cli.parsing import Parser
from tests.conftest import REPO

HEAVY = ("sqlalchemy", "reportlab", "PySide6", "psycopg", "alembic", "sqlcipher3")

# Runs `ikodesk` (argv from the command line) and prints the modules it loaded.
RUN_MAIN = """
import json, sys
from ikodesk.app import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run_ikodesk(*argv: str, env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    proc = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})},
        timeout=120,
    )
    out, _, tail = proc.stdout.rpartition("\n@@")
    result = json.loads(tail)
    return result["code"], set(result["modules"]), out


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_nothing_heavy(flag: str) -> None:
    code, modules, out = run_ikodesk(flag)
    assert code == 0
    assert heavy(modules) == []
    assert not any(m.startswith("ikodesk.cli.") and m.endswith("_cmds") for m in modules)
    assert "importlib.metadata" not in modules
    if flag == "--version":
        assert out.strip().startswith("ikodesk ")
        assert out.strip() != "ikodesk 0.0.0+unknown"


def test_help_lists_every_command() -> None:
    _, _, out = run_ikodesk("--help")
    for name, (_, help_text) in COMMANDS.items():
        # A long name gets its help text on the next line.
        assert f"    {name} " in out or f"    {name}\n" in out
        assert help_text.split()[0] in out


def test_a_command_loads_its_own_module_only(tmp_path: Path) -> None:
    # `info` on a missing file fails early, after its module is loaded.
    code, modules, _ = run_ikodesk("--db", str(tmp_path / "geen.db"), "info")
    assert code == 2
    loaded = {m.rsplit(".", 1)[1] for m in modules if m.startswith("ikodesk.cli.")}
    assert "database_cmds" in loaded
    assert not loaded & {"report_cmds", "case_cmds", "mediation_cmds", "audit_cmds"}
    assert "reportlab" not in {m.split(".")[0] for m in modules}


def test_subcommand_help_comes_from_its_module() -> None:
    code, modules, out = run_ikodesk("figures", "--help")
    assert code == 0
    assert "ikodesk.cli.report_cmds" in modules
    assert "--year" in out


def test_the_static_table_is_what_the_modules_register() -> None:
    """`COMMANDS` (for --help) names each module's commands, in order, with their help."""
    for module_name in MODULE_NAMES:
        parser = Parser(prog="x")
        sub = parser.add_subparsers(dest="command", parser_class=Parser)
        command_module(module_name).register(sub)
        registered = [(a.dest, a.help) for a in sub._choices_actions]
        expected = [(n, h) for n, (m, h) in COMMANDS.items() if m == module_name]
        assert registered == expected, module_name
    # The full parser (every module) knows every command with a handler underneath.
    full = build_parser()
    names = {name.split()[0] for name, _, _ in commands(full)}
    assert names == set(COMMANDS)


def test_unknown_command_is_a_usage_error() -> None:
    code, modules, _ = run_ikodesk("bestaatniet")
    assert code == 1
    assert heavy(modules) == []


GUI_FIRST_WINDOW = """
import json, sys
from PySide6.QtWidgets import QApplication
import argparse
from ikodesk.ui.main import make_application
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.start import StartController
app = make_application()
worker = DbWorker()  # not started: nothing runs in the background
controller = StartController(worker, argparse.Namespace(db=sys.argv[1], demo=False))
seen = []
controller.dialog_shown.connect(lambda d: seen.append(type(d).__name__))
controller.start()
print(json.dumps({"shown": seen, "modules": sorted(sys.modules)}))
"""


def test_desktop_first_window_before_reports_and_charts(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", GUI_FIRST_WINDOW, str(tmp_path / "nieuw.db")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["shown"] == ["FirstRunWizard"]
    modules = set(result["modules"])
    assert "ikodesk.ui.main_window" not in modules
    assert not {m for m in modules if m.startswith(("ikodesk.reports", "ikodesk.ui.reports"))}
    assert "reportlab" not in {m.split(".")[0] for m in modules}
    assert "PySide6.QtCharts" not in modules
