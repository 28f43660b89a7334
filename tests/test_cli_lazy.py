"""Start in a blink (issue #16, point 1): a command pays only for what it uses.

`ikodesk --version` and `--help` load no SQLAlchemy, ReportLab, Qt or database
driver; a command loads its own module, not the others'; the desktop client's
first window comes before the main window's pages, reports and charts. Checked
in fresh interpreters through `sys.modules` (timings are the benchmark's job).

No database: what a command imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ikodesk.cli import COMMANDS, MODULE_NAMES, build_parser, command_module, commands
from ikodesk.cli.parsing import Parser
from ikodesk.models.enums import Role
from tests.conftest import REPO, TEST_PASSPHRASE

if TYPE_CHECKING:
    from ikodesk.storage import Database

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


def test_version_sets_up_no_logging() -> None:
    # Logging (its file, logging.handlers) is set up only once a command runs.
    _, modules, _ = run_ikodesk("--version")
    assert "logging.handlers" not in modules
    assert "ikodesk.logging_setup" not in modules


# Loaded by no maintenance command on a file: the reports, the client, the server's
# driver, Alembic (the schema is at the head), the use cases, the demo's generator
# and the import.
NOT_FOR_MAINTENANCE = ("reportlab", "PySide6", "psycopg", "alembic", "pypdf")


def not_needed(modules: set[str]) -> list[str]:
    return sorted(
        m
        for m in modules
        if m.split(".")[0] in NOT_FOR_MAINTENANCE
        or m.startswith(
            (
                "ikodesk.services.usecases",
                "ikodesk.services.exchange",
                "ikodesk.services.validation",
                "ikodesk.storage.server.connection",
                "ikodesk.reports",
                "ikodesk.ui",
            )
        )
        or m
        in {"ikodesk.services.demo", "ikodesk.services.figures", "sqlalchemy.dialects.postgresql"}
    )


@pytest.mark.parametrize("command", [["info"], ["check"]])
def test_maintenance_on_a_file_loads_only_what_it_uses(
    command: list[str], db: object, db_path: Path
) -> None:
    code, modules, out = run_ikodesk(
        "--db", str(db_path), *command, env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
    )
    assert code == 0, out
    assert not_needed(modules) == []
    # A database its key-info file says has a passphrase, opened with it, does not ask
    # the keyring (loading it cost more than the key derivation; a desktop may prompt).
    assert "keyring" not in {m.split(".")[0] for m in modules}
    if command == ["info"]:
        assert "Zaken:" in out and "Gebruikers:" in out
        # The key holder's info on a file reads through the driver (storage.reading).
        assert "sqlalchemy" not in {m.split(".")[0] for m in modules}
        assert "ikodesk.storage.database" not in modules
        # The key holder's info counts tables: no model is loaded.
        assert not any(
            m.startswith("ikodesk.models.") and m != "ikodesk.models.enums" for m in modules
        )


def test_info_through_the_driver_is_info_through_sqlalchemy(db: Database, db_path: Path) -> None:
    """The two ways `info` reads a file (storage.reading for the key holder, a
    `Database` for a logged-in administrator) give the same facts, check and counts."""
    from ikodesk.services import maintenance, users
    from ikodesk.services.actors import Actor
    from ikodesk.storage.opening import plan_key
    from ikodesk.storage.reading import open_for_reading

    with db.transaction() as s:
        users.create_user(s, Actor.key_holder(), "jdevries", Role.JURIST)
    through_sqlalchemy = maintenance.database_info(db, Actor.key_holder())
    db.close()
    plan = plan_key(db_path, passphrase=TEST_PASSPHRASE)
    reader = open_for_reading(plan)
    assert reader is not None  # nothing to bring up to date: the driver reads it
    reader.close()
    through_driver = maintenance.file_info(plan)
    assert through_driver == through_sqlalchemy
    assert dict(through_driver.counts)["gebruikers"] == 1
    assert through_driver.check.ok and len(through_driver.check.findings) == 3


def test_info_opens_as_always_when_the_opening_changes_something(
    db_path: Path, db: Database
) -> None:
    """A key-info file to write back (or a schema to migrate, a key to promote): the
    driver leaves it to `Database.open`, which does it, and info answers the same."""
    from ikodesk.services import maintenance
    from ikodesk.storage import read_key_info
    from ikodesk.storage.opening import plan_key
    from ikodesk.storage.paths import sidecar_path
    from ikodesk.storage.reading import open_for_reading

    db.close()
    before = sidecar_path(db_path).read_text()
    sidecar_path(db_path).unlink()
    plan = plan_key(db_path, passphrase=TEST_PASSPHRASE)
    assert open_for_reading(plan) is None
    assert not sidecar_path(db_path).exists()  # the driver wrote nothing
    info = maintenance.file_info(plan)
    assert sidecar_path(db_path).read_text() == before
    assert read_key_info(db_path) is not None
    assert info.database_id in before and info.check.ok


def test_backup_on_a_file_loads_only_what_it_uses(
    db: object, db_path: Path, tmp_path: Path
) -> None:
    code, modules, out = run_ikodesk(
        "--db",
        str(db_path),
        "backup",
        str(tmp_path / "kopie.db"),
        env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE},
    )
    assert code == 0, out
    assert (tmp_path / "kopie.db").is_file()
    assert not_needed(modules) == []


def test_the_schema_chain_read_without_alembic_is_alembics() -> None:
    from ikodesk.storage import migrate

    chain = migrate._chain()
    assert chain is not None
    revisions, head = chain
    script = migrate.script_directory()
    assert revisions == {r.revision for r in script.walk_revisions()}
    assert head == script.get_current_head() == migrate.head_revision()


def test_info_counts_the_models_tables() -> None:
    from ikodesk.models import Case, Contact, Mediation, User
    from ikodesk.services import maintenance

    assert [t for _, t in maintenance._COUNTED] == [
        m.__tablename__ for m in (Case, Contact, Mediation, User)
    ]


def test_the_deadline_default_is_the_services() -> None:
    import inspect

    from ikodesk.services import deadlines
    from ikodesk.services.application import Application

    within = inspect.signature(Application.list_deadlines).parameters["within"].default
    assert within == deadlines.DEFAULT_WITHIN_DAYS


ONE_MODEL_MODULE = """
import sys
from ikodesk.services.actors import Actor
assert "sqlalchemy" not in sys.modules, "the vocabulary loads no SQLAlchemy"
from ikodesk.models.users import User
from sqlalchemy.orm import configure_mappers
configure_mappers()
from ikodesk.models.base import Base
print(len(Base.metadata.tables), "ikodesk.models.mediation" in sys.modules)
"""


def test_one_model_module_still_configures_with_every_model() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", ONE_MODEL_MODULE],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    tables, mediation = proc.stdout.split()
    assert int(tables) > 20
    assert mediation == "True"


GUI_LOGIN_WINDOW = """
import argparse, json, sys
from PySide6.QtCore import QTimer
from ikodesk.ui.main import make_application
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.login import LoginDialog
from ikodesk.ui.start import StartController
app = make_application()
worker = DbWorker()
worker.start()
# The unlock runs; what is queued after it is held until the login has been shown,
# so the modules below are exactly what the login waited for.
held, real_submit = [], worker.submit
def submit(*args, **kwargs):
    if not submit.calls or "modules" in result:
        submit.calls += 1
        return real_submit(*args, **kwargs)
    held.append((args, kwargs))
submit.calls = 0
worker.submit = submit
controller = StartController(worker, argparse.Namespace(db=sys.argv[1], demo=False))
result = {}
def shown(dialog):
    if isinstance(dialog, LoginDialog) and "modules" not in result:
        result.update(shown=type(dialog).__name__, modules=sorted(sys.modules))
        for args, kwargs in held:
            real_submit(*args, **kwargs)
        wait_for_facts()
def wait_for_facts():
    if controller.facts is None:
        QTimer.singleShot(20, wait_for_facts)
        return
    # Opened behind the login (the worker adopted it): its facts are read.
    result["facts_path"] = str(controller.facts.path)
    app.quit()
controller.dialog_shown.connect(shown)
controller.start()
QTimer.singleShot(60000, app.quit)
app.exec()
worker.stop()
print(json.dumps(result))
"""


def test_desktop_login_window_loads_no_server_driver_nor_use_cases(
    db: object, db_path: Path
) -> None:
    """Unlocked (the passphrase from the environment) up to the login window: the
    unlock through the driver only; the application, its facts and the main window's
    modules come while the user types."""
    proc = subprocess.run(
        [sys.executable, "-c", GUI_LOGIN_WINDOW, str(db_path)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO / "src"),
            "QT_QPA_PLATFORM": "offscreen",
            "IKODESK_PASSPHRASE": TEST_PASSPHRASE,
        },
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["shown"] == "LoginDialog"
    assert result["facts_path"] == str(db_path.resolve())
    modules = set(result["modules"])
    assert not {m for m in modules if m.split(".")[0] in ("psycopg", "alembic", "reportlab")}
    # Unlocked through the driver: SQLAlchemy, the models and the password policy load
    # behind the login (issue #16).
    assert not {m for m in modules if m.split(".")[0] in ("sqlalchemy", "zxcvbn")}
    assert not {
        m
        for m in modules
        if m.startswith("ikodesk.models.")
        and m not in ("ikodesk.models.enums", "ikodesk.models.labels")
    }
    assert "ikodesk.storage.database" not in modules
    assert "sqlalchemy.dialects.postgresql" not in modules
    assert not {
        m
        for m in modules
        if m.startswith(
            (
                "ikodesk.services.usecases",
                "ikodesk.services.exchange",
                "ikodesk.services.figures",
                "ikodesk.services.maintenance",
                "ikodesk.storage.server.connection",
                "ikodesk.ui.main_window",
                "ikodesk.reports",
            )
        )
    }
    assert "ikodesk.services.demo" not in modules
    assert "PySide6.QtCharts" not in modules
