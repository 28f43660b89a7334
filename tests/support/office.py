"""An office server for a test: an initialised ikodesk database in the throwaway cluster.

`ikodesk server init` runs once per test run into a template database; each
test gets a fresh copy (CREATE DATABASE ... TEMPLATE), its database-level
grants made again (they belong to the database, not to its contents).
PostgreSQL logins are per cluster: a user made in one test's database is taken
over by the next test that makes the same name (storage/server/sql/logins.sql).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ikodesk.models.enums import Role
from ikodesk.services import office_server, users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.logins import server_actor
from ikodesk.storage.server.setup import sql_text
from tests.support.pg_cluster import Cluster

ADMIN = "beheer"
ADMIN_PASSWORD = "Paarse-Olifant-Danst-1987"
PASSWORD = "Rode-Kikker-Springt-5093"
TEMPLATE = "ikodesk_template"

_numbers = itertools.count(1)


def init_template(cluster: Cluster) -> None:
    """`ikodesk server init` as the command runs it (services.office_server.init)."""
    office_server.init(cluster.url(TEMPLATE), ADMIN, ADMIN_PASSWORD, name="F. Beheerder")


@dataclass
class Office:
    cluster: Cluster
    database: str
    apps: list[Application] = field(default_factory=list)
    _admin: tuple[Application, Actor] | None = None

    @property
    def url(self) -> str:
        """The address users log in to (no user, no password)."""
        return f"postgresql://{self.cluster.host}:{self.cluster.port}/{self.database}"

    @property
    def superuser_url(self) -> str:
        return self.cluster.url(self.database)

    def app(self, username: str, password: str = PASSWORD) -> Application:
        app = Application.connect(self.url, username, password)
        self.apps.append(app)
        return app

    def admin(self) -> Application:
        return self.app(ADMIN, ADMIN_PASSWORD)

    def actor(self, app: Application) -> Actor:
        with app.db.session() as s:
            return server_actor(s)

    def _helper(self) -> tuple[Application, Actor]:
        """The administrator's login these helpers use (one per office: a login costs)."""
        if self._admin is None:
            app = self.admin()
            self._admin = (app, self.actor(app))
        return self._admin

    def add_user(self, username: str, role: Role, *, password: str | None = PASSWORD) -> None:
        admin, actor = self._helper()
        with admin.db.transaction() as s:
            users.create_user(s, actor, username, role, password=password)

    def add_password(self, *usernames: str, password: str = PASSWORD) -> None:
        """Moved or imported users (logins without a password) get one from the admin."""
        admin, actor = self._helper()
        with admin.db.transaction() as s:
            for username in usernames:
                users.set_password(s, actor, username, password)

    @contextmanager
    def psql(self, username: str, password: str = PASSWORD) -> Iterator[psycopg.Connection[Any]]:
        """A plain connection as this login, as `psql` would have it (autocommit)."""
        conn = psycopg.connect(
            host=self.cluster.host,
            port=self.cluster.port,
            dbname=self.database,
            user=username,
            password=password,
            autocommit=True,
        )
        try:
            yield conn
        finally:
            conn.close()

    def close(self) -> None:
        for app in self.apps:
            app.close()
        self.apps.clear()
        self._admin = None


def new_office(cluster: Cluster) -> Office:
    name = f"office_{next(_numbers)}"
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                psycopg.sql.Identifier(name), psycopg.sql.Identifier(TEMPLATE)
            )
        )
    with psycopg.connect(cluster.url(name), autocommit=True) as conn:
        conn.execute(sql_text("roles.sql"))  # the database's own grants
    return Office(cluster, name)
