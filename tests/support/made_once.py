"""Data made once per module on each backend; every test works on its own copy.

    def _fill(backend: Backend) -> None:
        backend.load(*F.STAFF, R.ABDUCTION_CASE)

    @pytest.fixture(scope="module", params=["file", "server"])
    def _made(request: pytest.FixtureRequest) -> Made:
        return make(request, _fill)

    @pytest.fixture
    def family(_made: Made, tmp_path: Path) -> Iterator[Backend]:
        with copy_of(_made, tmp_path) as backend:
            yield backend

On a file: a copy of the run's empty database with the administrator `beheer`
(as the `backend` fixture makes it), filled once, then copied file by file. On
the server: a new office database filled once (as its administrator's login,
`Backend.load`), then `CREATE DATABASE ... TEMPLATE` per test (`copy_office`).
A test that must stay on files names it: parametrize `_made` with ["file"], indirect.

When a module's tests combine the backend with another parameter (pytest then no
longer groups them by backend and would make the data again and again), keep the
`Made` per backend in a module-scoped dict instead: `make(request, fill, kind)`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ikodesk.models.enums import Role
from ikodesk.services import users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support.backends import Backend, copy_office
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office, new_office

SUFFIXES = ("", ".keyinfo.json", "-wal", "-shm")


@dataclass(frozen=True)
class Made:
    """A module's database, filled once: a file (`path`) or an office database."""

    name: str
    path: Path | None = None
    office: Office | None = None


def _copy_file(source: Path, target: Path) -> None:
    for suffix in SUFFIXES:
        found = source.with_name(source.name + suffix)
        if found.exists():
            shutil.copy2(found, target.with_name(target.name + suffix))


def make(
    request: pytest.FixtureRequest, fill: Callable[[Backend], None], kind: str | None = None
) -> Made:
    """Fill a new database on `kind` ("file" | "server"; default `request.param`) with
    `fill`. `request` is any fixture's request (for the run's template and cluster)."""
    if (kind or request.param) == "server":
        office = new_office(request.getfixturevalue("office_template"))
        backend = Backend("server", office=office)
        try:
            fill(backend)
        finally:
            backend.close()
            office.close()
        return Made("server", office=office)
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    path = factory.mktemp("made") / "ikodesk.db"
    _copy_file(request.getfixturevalue("_empty_database"), path)
    db = Database.open(path, passphrase=TEST_PASSPHRASE)
    backend = Backend("file", db=db)
    try:
        with db.transaction() as s:
            users.create_user(s, Actor.key_holder(), ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
        fill(backend)
    finally:
        backend.close()
        db.close()
    return Made("file", path=path)


@contextmanager
def copy_of(made: Made, tmp_path: Path) -> Iterator[Backend]:
    """A `Backend` on a fresh copy of the module's database (closed afterwards)."""
    if made.office is not None:
        office = copy_office(made.office)
        backend = Backend("server", office=office)
        try:
            yield backend
        finally:
            backend.close()
            office.close()
        return
    assert made.path is not None
    path = tmp_path / "ikodesk.db"
    _copy_file(made.path, path)
    db = Database.open(path, passphrase=TEST_PASSPHRASE)
    backend = Backend("file", db=db)
    try:
        yield backend
    finally:
        backend.close()
        db.close()


@contextmanager
def on_made(made: Made) -> Iterator[Backend]:
    """A `Backend` on the module's database itself, no copy: for tests that leave it as
    the next test needs it (what they add is audit entries, approvals, openings)."""
    if made.office is not None:
        office = Office(made.office.cluster, made.office.database)
        backend = Backend("server", office=office)
        try:
            yield backend
        finally:
            backend.close()
            office.close()
        return
    assert made.path is not None
    db = Database.open(made.path, passphrase=TEST_PASSPHRASE)
    backend = Backend("file", db=db)
    try:
        yield backend
    finally:
        backend.close()
        db.close()
