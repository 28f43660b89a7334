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
import importlib
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from ikodesk import __version__
from ikodesk.cli.parsing import Parser, Subcommands, err
from ikodesk.errors import IkodeskError

if TYPE_CHECKING:
    from ikodesk.cli.common import Handler


class CommandModule(Protocol):
    """A module of commands: adds its subcommands to the parser."""

    def register(self, sub: Subcommands) -> None: ...


# Every top-level command: the module that registers and runs it, and its line in
# `ikodesk --help`. A module is imported only when one of its commands runs (issue
# #16: `--version` and `--help` import no SQLAlchemy, ReportLab or Qt); this table
# lets `--help` list them all without importing any (tests/test_cli_lazy.py checks
# it against the modules' own registration).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("database_cmds", "een nieuwe, versleutelde database maken"),
    "demo": ("database_cmds", "een demodatabase met fictieve gegevens maken"),
    "info": ("database_cmds", "gegevens over de database tonen"),
    "check": (
        "database_cmds",
        "de database controleren op schade (versleuteling, structuur, auditlog)",
    ),
    "rekey": ("database_cmds", "de database opnieuw versleutelen met een nieuwe sleutel"),
    "backup": ("database_cmds", "een versleutelde kopie van de database maken"),
    "import": ("exchange_cmds", "records uit een uitwisselbestand (JSON Lines) inlezen"),
    "export": (
        "exchange_cmds",
        "alle records naar een uitwisselbestand schrijven ('-': standaarduitvoer); "
        "een tweede beheerder keurt goed (--approver)",
    ),
    "user": ("user_cmds", "gebruikers beheren (vereist --user met beheerdersrol)"),
    "case": ("case_cmds", "een dossier tonen of afdrukken"),
    "search": ("case_cmds", "zaken zoeken op referentie of naam"),
    "conflicts": ("conflict_cmds", "conflictzaken tonen (beheerder, manager): alleen referenties"),
    "audit": ("audit_cmds", "het auditlog bekijken (beheerder) of controleren"),
    "figures": (
        "report_cmds",
        "de jaarcijfers tonen, een jaar vaststellen of wijzigingen sinds vaststelling tonen",
    ),
    "report": ("report_cmds", "een rapport als PDF maken"),
    "mediation": ("mediation_cmds", "mediations van het Mediation Bureau bekijken"),
    "mediator": ("mediation_cmds", "de mediatorpool beheren"),
    "server": ("server_cmds", "de kantoorserver (PostgreSQL) inrichten of bijwerken"),
    "deadlines": (
        "deadline_cmds",
        "lopende termijnen (HKOV, Brussel IIb) van open zaken, de eerstvolgende eerst",
    ),
    "subject-access": (
        "subject_access_cmds",
        "inzageverzoek (AVG art. 15): alles over één persoon naar een PDF en een "
        "JSON-bestand, de gegevens van anderen afgeschermd (beheerder)",
    ),
    "retention": ("retention_cmds", "bewaartermijnen, bewaarplicht en vernietiging (AVG)"),
}

# The command modules in the order of `ikodesk --help`.
MODULE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))

EXIT_INTERNAL = 70

log = logging.getLogger("ikodesk")


def command_module(name: str) -> CommandModule:
    """Import a command module (`database_cmds`, ...): only when its command runs."""
    module: CommandModule = importlib.import_module(f"ikodesk.cli.{name}")
    return module


def build_parser(load: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser of `ikodesk`: the modules named in `load` (default: all) register
    their commands in full; every other command is a line of `COMMANDS` (its help),
    enough for `--help` and for finding which module a command line needs."""
    modules = set(MODULE_NAMES if load is None else load)
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
    for module_name in MODULE_NAMES:
        if module_name in modules:
            command_module(module_name).register(sub)
            continue
        for name, (owner, help_text) in COMMANDS.items():
            if owner == module_name:
                # A stub: takes whatever follows (only a first parse goes through it).
                sub.add_parser(name, help=help_text, add_help=False)
    for path, leaf in _walk(parser, ()):
        # The deepest parser's default wins: each command knows its own full name.
        leaf.set_defaults(command_path=" ".join(path))
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse a command line, importing only the module of the command given (if any).

    A first parse with every command as a stub finds the command (and answers
    `--version` and `--help` by itself); the second parses it with its module loaded.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    found, _ = build_parser(load=()).parse_known_args(args)
    if found.command is None:
        return build_parser(load=()).parse_args(args)
    return build_parser(load=(COMMANDS[found.command][0],)).parse_args(args)


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
    from ikodesk.cli.common import Context, is_maintenance, refuse_without_user

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
        from ikodesk.services.maintenance import busy_error, damage_error

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
