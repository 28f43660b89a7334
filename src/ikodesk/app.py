"""Entry point of `ikodesk`: a command runs on the command line, none starts the client."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ikodesk.cli import parse, run


def main(argv: Sequence[str] | None = None) -> int:
    # Parsed first: `--version`, `--help` and usage errors end here, log nothing and
    # so pay neither the log file nor logging.handlers (issue #16).
    args = parse(argv)
    from ikodesk.logging_setup import setup_logging

    setup_logging()
    if args.command is not None:
        return run(args)
    from ikodesk.ui.main import run_gui  # Qt is loaded only for the desktop client

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
