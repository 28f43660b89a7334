"""Test set-up: offscreen Qt, a fake keyring, per-test user directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikodesk.storage import Database
    from tests.support.backends import Backend
    from tests.support.office import Office
    from tests.support.pg_cluster import Cluster

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Processes started by tests use the file keyring, never the real OS keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.test_keyring.FileKeyring"

import keyring
import pytest

from tests.support.test_keyring import MemoryKeyring

REPO = Path(__file__).resolve().parent.parent
keyring.set_keyring(MemoryKeyring())

TEST_PASSPHRASE = "test-wachtwoordzin"
ADMIN_PASSWORD = "Paarse-Olifant-Danst-1987"


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


@pytest.fixture(scope="session")
def _empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty database made once per test run (per worker), for `db` to copy.

    Creating one costs the key derivation twice and every migration; a copy of a
    real `Database.create` result is the same file and opens with one derivation.
    """
    from ikodesk.storage import Database

    path = tmp_path_factory.mktemp("template") / "ikodesk.db"
    database, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    database.close()
    return path


@pytest.fixture
def db(db_path: Path, _empty_database: Path) -> Iterator[Database]:
    """A new, empty encrypted database (passphrase mode) for this test alone."""
    from ikodesk.storage import Database

    template = _empty_database
    for suffix in ("", ".keyinfo.json", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy2(source, db_path.with_name(db_path.name + suffix))
    database = Database.open(db_path, passphrase=TEST_PASSPHRASE)
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
    # This checkout's sources first: the shared venv's editable install may point elsewhere.
    path = os.pathsep.join((str(REPO / "src"), str(REPO)))
    full_env = {**os.environ, "PYTHONPATH": path, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "ikodesk", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


# -- the office server: a throwaway PostgreSQL cluster, started on first use -----


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One cluster for the whole run (per worker), removed at the end."""
    from tests.support.pg_cluster import start_cluster

    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def office_template(pg_cluster: Cluster) -> Cluster:
    """`ikodesk server init` once per run, into the template the offices copy."""
    from tests.support.office import init_template

    init_template(pg_cluster)
    return pg_cluster


@pytest.fixture
def office(office_template: Cluster) -> Iterator[Office]:
    """A fresh, initialised office server database with its first administrator."""
    from tests.support.office import new_office

    made = new_office(office_template)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(params=["file", "server"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The same test on an encrypted file and on the office server (tests/support/backends.py).

    On both the office's first administrator exists: `beheer`, as `server init` makes it.
    """
    from ikodesk.models.enums import Role
    from ikodesk.services import users
    from ikodesk.services.actors import Actor
    from tests.support.backends import Backend
    from tests.support.office import ADMIN

    if request.param == "server":
        made = Backend("server", office=request.getfixturevalue("office"))
    else:
        db = request.getfixturevalue("db")
        with db.transaction() as s:
            users.create_user(s, Actor.key_holder(), ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
        made = Backend("file", db=db)
    try:
        yield made
    finally:
        made.close()
