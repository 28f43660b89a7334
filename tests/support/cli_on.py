"""The command line on either backend: `cli_on(backend, cli)` gives --db, --user, the environment.

    run = cli_on(backend, cli)
    run.as_("jdevries", "case", "show", ref)      # --db FILE|URL --user jdevries case show ref
    run.maintenance("audit", "verify")            # the key holder on a file, `beheer` on the server

- On a file `--db` is its path and IKODESK_PASSPHRASE the test passphrase; on the
  server `--db` is the office's address `postgresql://HOST:PORT/DB` (no user, no
  password in it) and the login is the user's own.
- The password comes from IKODESK_PASSWORD: the office administrator `beheer`'s own
  (tests.support.office.ADMIN_PASSWORD), everyone else's `PASSWORD`. Users that
  `backend.load` imported into a file have no password there: on a file each user
  gets `PASSWORD` before their first command (the server's users already have it).
- A maintenance command (audit verify, info) runs on a file without --user, as the
  key holder; the server has no key holder, so there it runs as the administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ikodesk.models import User
from ikodesk.services import users
from ikodesk.services.actors import Actor
from tests.conftest import TEST_PASSPHRASE, CliResult
from tests.support.backends import Backend
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD

Cli = Callable[..., CliResult]


@dataclass
class BackendCli:
    backend: Backend
    cli: Cli
    _ready: set[str] = field(default_factory=set)

    @property
    def where(self) -> str:
        """What `--db` names."""
        if self.backend.office is not None:
            return self.backend.office.url
        assert self.backend.db is not None
        return str(self.backend.db.path)

    def env(self, password: str | None = None) -> dict[str, str]:
        out = {} if self.backend.is_server else {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
        if password is not None:
            out["IKODESK_PASSWORD"] = password
        return out

    @staticmethod
    def password(username: str) -> str:
        return ADMIN_PASSWORD if username == ADMIN else PASSWORD

    def as_(
        self,
        username: str,
        *args: object,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> CliResult:
        """`ikodesk --db WHERE --user USERNAME ARGS...` with that user's password."""
        self._give_password(username)
        return self.cli(
            ["--db", self.where, "--user", username, *args],
            env={**self.env(self.password(username)), **(env or {})},
            stdin=stdin,
        )

    def maintenance(self, *args: object, env: dict[str, str] | None = None) -> CliResult:
        """A maintenance command: the key holder on a file, the administrator on the server."""
        if self.backend.is_server:
            return self.as_(ADMIN, *args, env=env)
        return self.cli(["--db", self.where, *args], env={**self.env(), **(env or {})})

    def _give_password(self, username: str) -> None:
        if self.backend.is_server or username in self._ready:
            return
        assert self.backend.db is not None
        with self.backend.db.transaction() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is not None and user.password_hash is None:
                users.set_password(s, Actor.key_holder(), username, self.password(username))
        self._ready.add(username)


def with_passwords(backend: Backend) -> None:
    """On a file, `PASSWORD` for every user without one (what `load` imported), at once:
    for data made once per module (tests/support/made_once.py), so that no copy pays
    for the hashes again. The server's users have theirs already."""
    if backend.is_server:
        return
    assert backend.db is not None
    with backend.db.transaction() as s:
        for name in s.scalars(select(User.username).where(User.password_hash.is_(None))):
            users.set_password(s, Actor.key_holder(), name, BackendCli.password(name))


def cli_on(backend: Backend, cli: Any) -> BackendCli:
    """The command line on `backend` (`cli` is the conftest fixture: in this process)."""
    return BackendCli(backend, cli)
