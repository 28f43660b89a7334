"""The `ikodesk` command line: parser, dispatch, error reporting and exit codes.

Exit codes: 0 ok, 1 usage, 2 environment/key/input error, 3 access refused,
70 internal error (details in the log file).

The gate: every command needs a logged-in user (--user) unless its handler is
marked `common.maintenance` (init, demo, info, backup, rekey, audit verify):
dispatch refuses before the command runs, audits the attempt and exits 3.
The key holder is never handed to a command that shows personal data.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from typing import Protocol

from ikodesk import __version__
from ikodesk.cli import (
    audit_cmds,
    case_cmds,
    conflict_cmds,
    database_cmds,
    deadline_cmds,
    exchange_cmds,
    mediation_cmds,
    report_cmds,
    retention_cmds,
    server_cmds,
    subject_access_cmds,
    user_cmds,
)
from ikodesk.cli.common import (
    Context,
    Handler,
    Parser,
    Subcommands,
    err,
    is_maintenance,
    refuse_without_user,
)
from ikodesk.errors import IkodeskError
from ikodesk.services.maintenance import busy_error, damage_error


class CommandModule(Protocol):
    """A module of commands: adds its subcommands to the parser."""

    def register(self, sub: Subcommands) -> None: ...


COMMAND_MODULES: list[CommandModule] = [
    database_cmds,
    exchange_cmds,
    user_cmds,
    case_cmds,
    conflict_cmds,
    audit_cmds,
    report_cmds,
    mediation_cmds,
    server_cmds,
    deadline_cmds,
    subject_access_cmds,
    retention_cmds,
]

EXIT_INTERNAL = 70

log = logging.getLogger("ikodesk")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="ikodesk",
        description="Zaakregistratie van het Centrum Internationale Kinderontvoering. "
        "Zonder commando start de desktopapplicatie.",
    )
    parser.add_argument("--version", action="version", version=f"ikodesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="PAD|URL",
        help="de database: een bestand (standaard: per gebruiker) of de kantoorserver, "
        "postgresql://HOST[:POORT]/DATABASE",
    )
    parser.add_argument(
        "--user",
        metavar="NAAM",
        help="inloggen als deze gebruiker (wachtwoord uit IKODESK_PASSWORD of een prompt)",
    )
    parser.add_argument(
        "--approver",
        metavar="NAAM",
        help="tweede beheerder die een handeling met vier ogen goedkeurt (retentierun, "
        "volledige export, muur opheffen, gebruiker verwijderen); ook IKODESK_APPROVER; "
        "wachtwoord uit IKODESK_APPROVER_PASSWORD of een prompt; elders genegeerd",
    )
    parser.add_argument(
        "--recovery-key",
        action="store_true",
        help="de database openen met de herstelsleutel (gevraagd of uit IKODESK_RECOVERY_KEY)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="de demodatabase gebruiken (wordt zo nodig aangemaakt)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDO", parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    for path, leaf in _walk(parser, ()):
        # The deepest parser's default wins: each command knows its own full name.
        leaf.set_defaults(command_path=" ".join(path))
    return parser


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (*path, name), child
                yield from _walk(child, (*path, name))


def commands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, argparse.ArgumentParser, Handler]]:
    """Every runnable command: its full name, its parser and its handler."""
    for path, leaf in _walk(parser, ()):
        handler = leaf.get_default("func")
        if handler is not None:
            yield " ".join(path), leaf, handler


def run(args: argparse.Namespace) -> int:
    """Run the parsed command; returns the exit code. Errors become Dutch messages."""
    ctx = Context(args)
    try:
        if args.user is None and not is_maintenance(args.func):
            refuse_without_user(ctx, getattr(args, "command_path", args.command))
        return int(args.func(args, ctx))
    except IkodeskError as exc:
        err(f"Fout: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        err("Afgebroken.")
        return 1
    except BrokenPipeError:
        # The reader went away (`ikodesk ... | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        damaged = damage_error(exc)
        if damaged is not None:
            log.warning("damaged database in command %s: %s", args.command, exc)
            err(f"Fout: {damaged.message}")
            return damaged.exit_code
        busy = busy_error(exc) or busy_error(getattr(exc, "orig", None))
        if busy is not None:  # a lock met outside the engine (a raw driver connection)
            err(f"Fout: {busy.message}")
            return busy.exit_code
        log.exception("internal error in command %s", args.command)
        err(
            "Er ging iets mis in ikodesk (interne fout). De details staan in het logbestand; "
            "meld dit bij de beheerder."
        )
        return EXIT_INTERNAL
    finally:
        ctx.close()
