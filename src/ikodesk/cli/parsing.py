"""The command line's parser class and printing: light, so `--version` and `--help`
import neither SQLAlchemy nor ReportLab nor Qt (issue #16)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, TypeAlias

from ikodesk.cli.terminal import safe


def out(message: str = "") -> None:
    """Print to standard output; stored text in it cannot steer the terminal."""
    print(safe(message))


def err(message: str) -> None:
    """Print to standard error, made terminal-safe like `out`."""
    print(safe(message), file=sys.stderr)


class Parser(argparse.ArgumentParser):
    """The parser of `ikodesk` and of its subcommands: usage errors exit 1, in Dutch."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        err(f"Fout in de aanroep: {message}")
        raise SystemExit(1)


# What a command module's `register` adds its subcommands to (a string: argparse's
# action class is generic for type checkers only).
Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"
