"""One test, both backends: an encrypted file and the office server.

A service test written against `Backend` runs twice (the `backend` fixture in
tests/conftest.py is parametrised "file" | "server"):

- `backend.load(*records)` imports exchange records as the front-ends would:
  on a file as the key holder, on the server as the administrator's login
  (the server's own conflict detection runs); imported users get a password on
  the server, so every one of them can log in as their own login;
- `backend.as_(username)` is that user: on the server a separate login (the
  server's row-level security decides what it reads), on a file an actor on the
  one shared database (the application decides);
- `backend.inspect()` is the test's own look behind the scenes: the file itself,
  or a superuser session on the server (never what a user gets);
- `raw(backend)` is someone who bypasses the application: the opened file with its
  key, or the server's table owner.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from ikodesk.models import Case, User
from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database
from ikodesk.storage.opened import OpenedDatabase
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office

KEY_HOLDER = Actor.key_holder()
SECOND_ADMIN = "tweede"


@dataclass
class As:
    """One user on one backend: their database connection and their actor."""

    app: Application
    actor: Actor

    @property
    def db(self) -> OpenedDatabase:
        return self.app.db

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.app.db.session() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.app.db.transaction() as s:
            yield s


@dataclass
class Backend:
    name: str
    office: Office | None = None
    db: Database | None = None
    _as: dict[str, As] = field(default_factory=dict)
    _inspector: Engine | None = None

    @property
    def is_server(self) -> bool:
        return self.office is not None

    # -- users ---------------------------------------------------------------

    def app(self, username: str) -> Application:
        """A fresh application for `username` (on the server: a new login)."""
        if self.office is not None:
            if username == ADMIN:
                return self.office.admin()
            return self.office.app(username)
        assert self.db is not None
        return Application(self.db)

    def actor(self, app: Application, username: str) -> Actor:
        """Log `username` in on `app` (on the server the server checks the password)."""
        password = ADMIN_PASSWORD if username == ADMIN else PASSWORD
        return app.log_in(username, password).actor

    def as_(self, username: str) -> As:
        """`username` as their own login (made once per test, then reused)."""
        if username not in self._as:
            app = self.app(username)
            if self.office is not None:
                actor = self.office.actor(app)
            else:
                actor = _file_actor(app, username)
            self._as[username] = As(app, actor)
        return self._as[username]

    def add_users(self, *people: tuple[str, Role]) -> None:
        if self.office is not None:
            admin = self.as_(ADMIN)
            with admin.transaction() as s:
                for name, role in people:
                    users.create_user(s, admin.actor, name, role, password=PASSWORD)
            return
        assert self.db is not None
        with self.db.transaction() as s:
            for name, role in people:
                users.create_user(s, KEY_HOLDER, name, role, password=PASSWORD)

    # -- data ----------------------------------------------------------------

    def load(self, *records: dict[str, Any], **options: Any) -> exchange.ImportResult:
        """Import `records` (users, cases, contacts…) the way an administrator would."""
        # The office's first administrator exists already (`server init` made it).
        rows = [r for r in records if not (r.get("type") == "user" and r.get("username") == ADMIN)]
        if self.office is None:
            assert self.db is not None
            with self.db.transaction() as s:
                return exchange.import_lines(s, KEY_HOLDER, R.lines(*rows), **options)
        admin = self.as_(ADMIN)
        with admin.transaction() as s:
            result = exchange.import_lines(s, admin.actor, R.lines(*rows), **options)
        imported = [str(r["username"]) for r in rows if r.get("type") == "user"]
        if imported:
            self.office.add_password(*imported)
        return result

    def case_id(self, ref: str) -> int:
        with self.inspect() as s:
            found = s.scalar(select(Case.id).where(Case.ref == ref))
        assert found is not None, ref
        return found

    def superuser_engine(self) -> Engine:
        """The server's superuser (made once per test); only for a backend on the server."""
        assert self.office is not None
        if self._inspector is None:
            from ikodesk.storage.server import parse_server_url
            from ikodesk.storage.server.connection import make_engine

            self._inspector = make_engine(parse_server_url(self.office.superuser_url))
        return self._inspector

    @contextmanager
    def inspect(self) -> Iterator[Session]:
        """The test's unrestricted view (the file, or the server as its superuser)."""
        if self.office is None:
            assert self.db is not None
            with self.db.session() as s:
                yield s
            return
        with Session(self.superuser_engine(), expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def alter(self) -> Iterator[Session]:
        """The test's own change behind the scenes (reference data…), committed at the end."""
        if self.office is None:
            assert self.db is not None
            with self.db.transaction() as s:
                yield s
            return
        with self.inspect() as s:
            yield s

    def close(self) -> None:
        if self._inspector is not None:
            self._inspector.dispose()

    def second_admin(self) -> ApproverCredentials:
        """A second administrator `tweede` (made once) who approves a four-eyes action.
        Data made once and copied per test (tests/support/made_once.py) may have them."""
        if SECOND_ADMIN not in self._as:
            with self.inspect() as s:
                made = s.scalar(select(User.id).where(User.username == SECOND_ADMIN))
            if made is None:
                self.add_users((SECOND_ADMIN, Role.ADMIN))
            self.as_(SECOND_ADMIN)
        return ApproverCredentials(SECOND_ADMIN, PASSWORD)


def _file_actor(app: Application, username: str) -> Actor:
    with app.db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None, username
        return Actor(user.id, user.username, user.role)


_copies = itertools.count(1)


def copy_office(office: Office) -> Office:
    """A copy of an office database (`CREATE DATABASE ... TEMPLATE`), for a test that
    changes data made once per module. Logins belong to the cluster: shared."""
    import psycopg

    from ikodesk.storage.server.setup import sql_text

    cluster = office.cluster
    name = f"{office.database}_copy_{next(_copies)}"
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        # A template must have no other connection: close what the module left open.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (office.database,),
        )
        conn.execute(
            psycopg.sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                psycopg.sql.Identifier(name), psycopg.sql.Identifier(office.database)
            )
        )
    with psycopg.connect(cluster.url(name), autocommit=True) as conn:
        conn.execute(sql_text("roles.sql"))  # the database's own grants
    return Office(cluster, name)


@contextmanager
def raw(backend: Backend) -> Iterator[Connection]:
    """The attacker's own connection, past the application; committed at the end.

    On a file: the opened file with its key (SQL on the file, no application rules).
    On the server: the owner of the tables (the superuser's session as
    `ikodesk_owner`): the application's logins may only append to the audit log,
    so whoever rewrites it there holds the owner's credentials (or the superuser's).
    """
    if backend.office is None:
        assert backend.db is not None
        with backend.db.engine.begin() as conn:
            yield conn
        return
    with backend.superuser_engine().begin() as conn:
        conn.exec_driver_sql("SET LOCAL ROLE ikodesk_owner")
        yield conn


def log_in(backend: Backend, username: str, password: str) -> Actor:
    """A fresh login as the login window makes it (name as typed, password checked).

    On a file the application checks the password (services.logins); on the
    server the server does (a new connection as that login), as ui/start.py connects.
    """
    if backend.office is None:
        assert backend.db is not None
        return Application(backend.db).log_in(username, password).actor
    app = Application.connect(backend.office.url, username.strip().lower(), password)
    try:
        return app.log_in(username, password).actor
    finally:
        app.close()


def export_all(backend: Backend) -> list[dict[str, Any]]:
    """Every record, exported as an administrator does it: `beheer`, approved by a second
    administrator (`tweede`, made on first use; four eyes). On the server the export reads
    through the server's functions (exchange.server_export), on a file the file itself."""
    import io
    import json

    approver = backend.second_admin()
    admin = backend.as_(ADMIN)
    out = io.StringIO()
    admin.app.exchange.export_to_stream(admin.actor, out, destination="test", approver=approver)
    return [json.loads(line) for line in out.getvalue().splitlines()]
