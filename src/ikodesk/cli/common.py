"""Shared plumbing of the command line: opening the database, logging in, prompts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ikodesk.errors import KeyUnavailableError, UsageError
from ikodesk.services.actors import Actor
from ikodesk.services.demo import DEMO_PASSPHRASE
from ikodesk.services.users import authenticate
from ikodesk.storage import Database, KeyMode, read_key_info
from ikodesk.storage import keys as keymod
from ikodesk.storage.paths import default_database_path, demo_database_path

ENV_PASSWORD = "IKODESK_PASSWORD"

Handler = Callable[[argparse.Namespace, "Context"], int]


def out(message: str = "") -> None:
    print(message)


def err(message: str) -> None:
    print(message, file=sys.stderr)


def interactive() -> bool:
    return sys.stdin.isatty()


def prompt_secret(prompt: str, *, confirm: bool = False) -> str:
    if not interactive():
        raise KeyUnavailableError(f"{prompt.rstrip(': ')} is nodig, maar er is geen terminal.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Nogmaals ter bevestiging: ") != first:
        raise UsageError("De twee invoeren zijn niet gelijk.")
    return first


def database_path(args: argparse.Namespace) -> Path:
    if getattr(args, "demo", False) and args.db is None:
        return demo_database_path()
    return Path(args.db).expanduser() if args.db else default_database_path()


def _passphrase_for(args: argparse.Namespace, path: Path) -> str | None:
    if getattr(args, "demo", False) and args.db is None:
        return DEMO_PASSPHRASE
    return keymod.passphrase_from_env()


class Context:
    """What a command works with: the database (opened on first use) and the actor."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._db: Database | None = None
        self._actor: Actor | None = None

    @property
    def path(self) -> Path:
        return database_path(self.args)

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.args)
        return self._db

    @property
    def actor(self) -> Actor:
        """The logged-in user (--user), else the key holder."""
        if self._actor is None:
            username = self.args.user
            if username is None:
                self._actor = Actor.key_holder()
            else:
                password = os.environ.get(ENV_PASSWORD)
                if password is None:
                    password = prompt_secret(f"Wachtwoord voor {username}: ")
                with self.db.session() as session:
                    self._actor = authenticate(session, username, password)
        return self._actor

    def require_user(self) -> Actor:
        if self.args.user is None:
            raise UsageError("Dit commando vereist --user NAAM (een account met de juiste rol).")
        return self.actor

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def open_database(args: argparse.Namespace) -> Database:
    path = database_path(args)
    if not path.is_file():
        raise KeyUnavailableError(
            f"Er is geen database op {path}. Maak er een met 'ikodesk init' of geef --db PAD."
        )
    recovery = keymod.recovery_key_from_env()
    if recovery is None and getattr(args, "recovery_key", False):
        recovery = prompt_secret("Herstelsleutel: ")
    passphrase = _passphrase_for(args, path)
    info = read_key_info(path)
    # Without key info ikodesk cannot know: Database.open says what will work.
    needs_passphrase = info is not None and KeyMode.PASSPHRASE in info.modes()
    if recovery is None and passphrase is None and needs_passphrase and interactive():
        passphrase = prompt_secret("Wachtwoordzin van de database: ")
    return Database.open(path, passphrase=passphrase, recovery_key=recovery)


def new_password(username: str, *, from_stdin: bool = False) -> str:
    """A new password for `username`: stdin, IKODESK_PASSWORD, or a prompt (twice)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("Geen wachtwoord ontvangen op standaardinvoer.")
        return password
    env = os.environ.get(ENV_PASSWORD)
    if env:
        return env
    return prompt_secret(f"Nieuw wachtwoord voor {username}: ", confirm=True)
