"""Entry point of `ikodesk`: a command runs on the command line, none starts the client."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ikodesk.cli import parse, run
from ikodesk.logging_setup import setup_logging


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    args = parse(argv)
    if args.command is not None:
        return run(args)
    from ikodesk.ui.main import run_gui  # Qt is loaded only for the desktop client

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
