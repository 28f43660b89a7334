"""Shared plumbing of the command line: opening the database, logging in, prompts."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from ikodesk.cli.terminal import safe
from ikodesk.errors import AccessDenied, IkodeskError, KeyUnavailableError, UsageError
from ikodesk.services import command_audit
from ikodesk.services.actors import Actor
from ikodesk.services.demo import DEMO_PASSPHRASE
from ikodesk.services.users import authenticate
from ikodesk.storage import Database, KeyMode, read_key_info
from ikodesk.storage import keys as keymod
from ikodesk.storage.paths import default_database_path, demo_database_path

ENV_PASSWORD = "IKODESK_PASSWORD"

Handler = Callable[[argparse.Namespace, "Context"], int]

log = logging.getLogger("ikodesk")


def out(message: str = "") -> None:
    """Print to standard output; stored text in it cannot steer the terminal."""
    print(safe(message))


def err(message: str) -> None:
    """Print to standard error, made terminal-safe like `out`."""
    print(safe(message), file=sys.stderr)


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


def maintenance(handler: Handler) -> Handler:
    """Mark a command as maintenance that shows no personal data: it runs without --user.

    Every other command needs a logged-in user (the gate in `cli.run`); a new
    command is gated unless it is marked here on purpose.
    """
    handler.ikodesk_maintenance = True  # type: ignore[attr-defined]
    return handler


def is_maintenance(handler: Handler) -> bool:
    return bool(getattr(handler, "ikodesk_maintenance", False))


USER_REQUIRED_MESSAGE = (
    "Dit commando toont persoonsgegevens en vereist --user NAAM: log in met uw eigen "
    f"account (wachtwoord uit {ENV_PASSWORD} of een prompt). De sleutel van de database "
    "alleen geeft geen toegang tot dossiers."
)


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
        """The logged-in user (--user). Never the key holder: see `maintenance_actor`."""
        if self._actor is None:
            username = self.args.user
            if username is None:
                raise AccessDenied(USER_REQUIRED_MESSAGE)
            password = os.environ.get(ENV_PASSWORD)
            if password is None:
                password = prompt_secret(f"Wachtwoord voor {username}: ")
            with self.db.session() as session:
                self._actor = authenticate(session, username, password)
        return self._actor

    @property
    def maintenance_actor(self) -> Actor:
        """For maintenance commands only: the logged-in user, else the key holder."""
        return self.actor if self.args.user is not None else Actor.key_holder()

    def require_user(self) -> Actor:
        return self.actor

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def refuse_without_user(ctx: Context, command: str) -> NoReturn:
    """The gate: `command` needs --user. Audit the key holder's attempt, then refuse."""
    audited = True
    try:
        with ctx.db.session() as session:
            command_audit.record_refused_command(session, command)
    except IkodeskError as exc:
        # Without the key nothing can be read either, and nothing can be recorded.
        log.warning("refused command %s not audited: %s", command, exc.message)
        audited = False
    note = " Deze poging is vastgelegd in het auditlog." if audited else ""
    raise AccessDenied(USER_REQUIRED_MESSAGE + note)


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
