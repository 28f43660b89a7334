"""Shared plumbing of the command line: opening the database, logging in, prompts."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

# Re-exported for the command modules.
from ikodesk.cli.parsing import Parser as Parser
from ikodesk.cli.parsing import Subcommands as Subcommands
from ikodesk.cli.parsing import err as err
from ikodesk.cli.parsing import out as out
from ikodesk.errors import AccessDenied, IkodeskError, KeyUnavailableError, UsageError
from ikodesk.services.actors import Actor
from ikodesk.services.application import (
    Application,
    KeyPlan,
    default_database_path,
    demo_database_path,
    is_server_url,
    plan_opening,
)
from ikodesk.services.demo_facts import DEMO_PASSPHRASE

if TYPE_CHECKING:
    from ikodesk.services.approvals import ApproverCredentials

ENV_PASSWORD = "IKODESK_PASSWORD"
ENV_APPROVER = "IKODESK_APPROVER"
ENV_APPROVER_PASSWORD = "IKODESK_APPROVER_PASSWORD"

Handler = Callable[[argparse.Namespace, "Context"], int]

log = logging.getLogger("ikodesk")


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
    if is_server_url(args.db):
        raise UsageError("Dit commando werkt op een databasebestand, niet op de kantoorserver.")
    if getattr(args, "demo", False) and args.db is None:
        return demo_database_path()
    return Path(args.db).expanduser() if args.db else default_database_path()


def maintenance(handler: Handler) -> Handler:
    """Mark a command as maintenance that shows no personal data: it runs without --user.

    Every other command needs a logged-in user (the gate in `cli.run`); a new
    command is gated unless it is marked here on purpose.
    """
    _MAINTENANCE.add(handler)
    return handler


def is_maintenance(handler: Handler) -> bool:
    return handler in _MAINTENANCE


_MAINTENANCE: set[Handler] = set()
"""The handlers marked by `maintenance`."""


USER_REQUIRED_MESSAGE = (
    "Dit commando toont persoonsgegevens en vereist --user NAAM: log in met uw eigen "
    f"account (wachtwoord uit {ENV_PASSWORD} of een prompt). De sleutel van de database "
    "alleen geeft geen toegang tot dossiers."
)


class Context:
    """What a command works with: the application (opened on first use) and the actor.

    Commands call the application's use cases (`ctx.app.cases`, ...): no command
    opens a session or sees the database (tests/test_layers.py).
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._app: Application | None = None
        self._actor: Actor | None = None

    @property
    def path(self) -> Path:
        return database_path(self.args)

    @property
    def on_server(self) -> bool:
        return is_server_url(self.args.db)

    @property
    def app(self) -> Application:
        """The open database's use cases (services.application)."""
        if self._app is None:
            self._app = open_application(self.args)
        return self._app

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
            self._actor = self.app.authenticate(username, password)
        return self._actor

    @property
    def maintenance_actor(self) -> Actor:
        """For maintenance commands only: the logged-in user, else the key holder."""
        return self.actor if self.args.user is not None else Actor.key_holder()

    def require_user(self) -> Actor:
        return self.actor

    def approver(self) -> ApproverCredentials | None:
        """The second administrator of a four-eyes action (--approver or IKODESK_APPROVER,
        password from IKODESK_APPROVER_PASSWORD or a prompt); None when not given (the
        service then refuses and says how to give one). Only commands that need an
        approval ask, so elsewhere these are ignored."""
        name = (getattr(self.args, "approver", None) or os.environ.get(ENV_APPROVER) or "").strip()
        if not name:
            return None
        password = os.environ.get(ENV_APPROVER_PASSWORD)
        if password is None:
            password = prompt_secret(f"Wachtwoord van de tweede beheerder {name}: ")
        from ikodesk.services.approvals import ApproverCredentials  # only for such an action

        return ApproverCredentials(name, password)

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


def refuse_without_user(ctx: Context, command: str) -> NoReturn:
    """The gate: `command` needs --user. Audit the key holder's attempt, then refuse."""
    if is_server_url(ctx.args.db):
        # On the office server there is no key holder: nothing opens without a login.
        raise AccessDenied(USER_REQUIRED_MESSAGE)
    audited = True
    try:
        ctx.app.audit.record_refused_command(command)
    except IkodeskError as exc:
        # Without the key nothing can be read either, and nothing can be recorded.
        log.warning("refused command %s not audited: %s", command, exc.message)
        audited = False
    note = " Deze poging is vastgelegd in het auditlog." if audited else ""
    raise AccessDenied(USER_REQUIRED_MESSAGE + note)


SERVER_NEEDS_USER = (
    "Op de kantoorserver logt u in met uw eigen naam: geef --user NAAM (wachtwoord uit "
    f"{ENV_PASSWORD} of een prompt)."
)


def open_application(args: argparse.Namespace) -> Application:
    """Open the database of `args`: the key source decided once (services.application).

    An address `postgresql://...` is the office server: the user logs in with their
    own login there (--user, IKODESK_PASSWORD or the prompt); no key is involved.
    """
    if is_server_url(args.db):
        if args.user is None:
            raise UsageError(SERVER_NEEDS_USER)
        password = os.environ.get(ENV_PASSWORD)
        if password is None:
            password = prompt_secret(f"Wachtwoord voor {args.user}: ")
        return Application.connect(args.db, args.user.strip().lower(), password)
    return Application.open(plan_file_opening(args))


def plan_file_opening(args: argparse.Namespace) -> KeyPlan:
    """How the database file of `args` will be opened: the key-info file read once,
    what is not supplied from the environment, a prompt when a terminal can answer."""
    path = database_path(args)
    if not path.is_file():
        raise KeyUnavailableError(
            f"Er is geen database op {path}. Maak er een met 'ikodesk init' of geef --db PAD."
        )
    demo = getattr(args, "demo", False) and args.db is None
    # The key-info file is read once, here; what is not supplied comes from the environment.
    plan = plan_opening(path, passphrase=DEMO_PASSPHRASE if demo else None, from_env=True)
    if plan.recovery_key is None and getattr(args, "recovery_key", False):
        plan = plan.with_recovery_key(prompt_secret("Herstelsleutel: "))
    # Without key info ikodesk cannot know: opening says what will work.
    if not plan.supplied and plan.passphrase_expected and interactive():
        plan = plan.with_passphrase(prompt_secret("Wachtwoordzin van de database: "))
    return plan


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
