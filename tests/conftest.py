"""Test set-up: offscreen Qt, a fake keyring, per-test user directories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikodesk.storage import Database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Processes started by tests use the file keyring, never the real OS keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.test_keyring.FileKeyring"

import keyring
import pytest

from tests.support.test_keyring import MemoryKeyring

REPO = Path(__file__).resolve().parent.parent
keyring.set_keyring(MemoryKeyring())

TEST_PASSPHRASE = "test-wachtwoordzin"
ADMIN_PASSWORD = "beheer-wachtwoord"


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> MemoryKeyring:
    """A fresh in-memory keyring and private user directories for every test."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("IKODESK_TEST_KEYRING_FILE", str(home / "keyring.json"))
    for var in ("IKODESK_PASSPHRASE", "IKODESK_PASSWORD", "IKODESK_RECOVERY_KEY"):
        monkeypatch.delenv(var, raising=False)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def memory_keyring(_isolated_environment: MemoryKeyring) -> MemoryKeyring:
    return _isolated_environment


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ikodesk.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    from ikodesk.storage import Database

    database, _ = Database.create(db_path, passphrase=TEST_PASSPHRASE)
    yield database
    database.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `ikodesk` in this process: cli(["--db", p, "info"], env={...}) -> CliResult."""
    from ikodesk.app import main

    def run(
        argv: list[str], env: dict[str, str] | None = None, stdin: str | None = None
    ) -> CliResult:
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        if stdin is not None:
            import io

            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        for k in env or {}:
            monkeypatch.delenv(k, raising=False)
        return CliResult(code, captured.out, captured.err)

    return run


def run_ikodesk(args: list[str], env: dict[str, str] | None = None, stdin: str = "") -> CliResult:
    """Run `ikodesk` as a separate process (for what must hold across processes)."""
    # Keep a PYTHONPATH that points at another checkout's src/ (git worktrees).
    pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    full_env = {**os.environ, "PYTHONPATH": pythonpath, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "ikodesk", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
