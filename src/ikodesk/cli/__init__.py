"""The `ikodesk` command line: parser, dispatch, error reporting and exit codes.

Exit codes: 0 ok, 1 usage, 2 environment/key/input error, 3 access refused,
70 internal error (details in the log file).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ikodesk import __version__
from ikodesk.cli import (
    audit_cmds,
    case_cmds,
    conflict_cmds,
    database_cmds,
    exchange_cmds,
    mediation_cmds,
    report_cmds,
    user_cmds,
)
from ikodesk.cli.common import Context, err
from ikodesk.errors import IkodeskError
from ikodesk.services.maintenance import damage_error

COMMAND_MODULES = [
    database_cmds,
    exchange_cmds,
    user_cmds,
    case_cmds,
    conflict_cmds,
    audit_cmds,
    report_cmds,
    mediation_cmds,
]

EXIT_INTERNAL = 70

log = logging.getLogger("ikodesk")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        err(f"Fout in de aanroep: {message}")
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ikodesk",
        description="Zaakregistratie van het Centrum Internationale Kinderontvoering. "
        "Zonder commando start de desktopapplicatie.",
    )
    parser.add_argument("--version", action="version", version=f"ikodesk {__version__}")
    parser.add_argument("--db", metavar="PAD", help="de database (standaard: per gebruiker)")
    parser.add_argument(
        "--user",
        metavar="NAAM",
        help="inloggen als deze gebruiker (wachtwoord uit IKODESK_PASSWORD of een prompt)",
    )
    parser.add_argument(
        "--recovery-key",
        action="store_true",
        help="de database openen met de herstelsleutel (gevraagd of uit IKODESK_RECOVERY_KEY)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="de demodatabase gebruiken (wordt zo nodig aangemaakt)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDO", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the parsed command; returns the exit code. Errors become Dutch messages."""
    ctx = Context(args)
    try:
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
        log.exception("internal error in command %s", args.command)
        err(
            "Er ging iets mis in ikodesk (interne fout). De details staan in het logbestand; "
            "meld dit bij de beheerder."
        )
        return EXIT_INTERNAL
    finally:
        ctx.close()
