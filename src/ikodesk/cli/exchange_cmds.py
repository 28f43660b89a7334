"""import, export."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ikodesk.cli.common import Context, Subcommands, err, out
from ikodesk.cli.database_cmds import _progress_printer
from ikodesk.cli.terminal import SafeStream
from ikodesk.services.nlformat import counted


def register(sub: Subcommands) -> None:
    p = sub.add_parser("import", help="records uit een uitwisselbestand (JSON Lines) inlezen")
    p.add_argument("file", metavar="BESTAND", type=Path)
    p.add_argument("--update", action="store_true", help="bestaande referenties bijwerken")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        help="alle records naar een uitwisselbestand schrijven ('-': standaarduitvoer); "
        "een tweede beheerder keurt goed (--approver)",
    )
    p.add_argument("file", metavar="BESTAND", type=Path)
    p.set_defaults(func=cmd_export)


# The record types of the exchange format as the summary of an import names them.
RECORD_NOUNS = {
    "user": ("gebruiker", "gebruikers"),
    "mediator": ("mediator", "mediators"),
    "case": ("zaak", "zaken"),
    "contact": ("contactmoment", "contactmomenten"),
    "mediation": ("mediation", "mediations"),
    "activity": ("activiteit", "activiteiten"),
    "historical_figure": ("gepubliceerd cijfer", "gepubliceerde cijfers"),
    "conflict": ("conflictpaar", "conflictparen"),
    "wall": ("muur", "muren"),
    "case_opening": ("eerste inzage", "eerste inzagen"),
}


_ORDER = tuple(RECORD_NOUNS)


def _records(kind: str, n: int, what: str) -> str:
    one, many = RECORD_NOUNS.get(kind, (kind, kind))
    return f"{counted(n, one, many)} {what}"


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    started = time.monotonic()
    result = ctx.app.exchange.import_file(
        ctx.actor, args.file, update=args.update, progress=_progress_printer()
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    parts: list[str] = []
    for counts, what in (
        (result.created, "nieuw"),
        (result.updated, "bijgewerkt"),
        (result.skipped, "ongewijzigd"),
    ):
        parts += [_records(kind, counts[kind], what) for kind in _ORDER if counts.get(kind)]
    out(f"Ingelezen in {time.monotonic() - started:.1f} s: " + (", ".join(parts) or "niets"))
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    to_stdout = str(args.file) == "-"
    if to_stdout:
        # JSON keeps its meaning: the escapes `safe` writes are JSON escapes.
        count = ctx.app.exchange.export_to_stream(
            ctx.actor,
            SafeStream(sys.stdout),
            destination="standaarduitvoer",
            approver=ctx.approver(),
        )
    else:
        count = ctx.app.exchange.export_to_file(ctx.actor, args.file, approver=ctx.approver())
    report = err if to_stdout else out
    written = counted(count, "record", "records")
    report(f"{written} geschreven naar {'standaarduitvoer' if to_stdout else args.file}")
    report("Let op: dit bestand is niet versleuteld. Bewaar het alleen op een veilige plek.")
    return 0
