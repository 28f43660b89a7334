"""conflicts [--json] | conflicts review [confirm ID | dismiss ID] | conflicts scan."""

from __future__ import annotations

import argparse
import json

from ikodesk.cli.common import Context, Subcommands, out
from ikodesk.services.conflicts import ConflictInfo


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "conflicts", help="conflictzaken tonen (beheerder, manager): alleen referenties"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    csub = p.add_subparsers(dest="conflicts_command", metavar="ACTIE")

    r = csub.add_parser("review", help="zwakke overeenkomsten beoordelen (beheerder)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_review)
    rsub = r.add_subparsers(dest="review_command", metavar="BESLISSING")
    c = rsub.add_parser("confirm", help="bevestigen: de zaken worden een conflictpaar")
    c.add_argument("pair_id", metavar="NUMMER", type=int)
    c.set_defaults(func=cmd_confirm)
    d = rsub.add_parser(
        "dismiss",
        help="afwijzen: geen zelfde familie (de voorlopige muur gaat weg; een tweede "
        "beheerder keurt goed: --approver)",
    )
    d.add_argument("pair_id", metavar="NUMMER", type=int)
    d.set_defaults(func=cmd_dismiss)

    s = csub.add_parser("scan", help="alle zaken opnieuw op conflicten controleren")
    s.set_defaults(func=cmd_scan)


def _show(items: list[ConflictInfo], as_json: bool, empty: str) -> None:
    if as_json:
        out(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        out(empty)
    for i in items:
        flags = ""
        if i.handover:
            flags += "  [overdracht nodig: behandelaar staat aan de andere kant]"
        if i.both_sides:
            flags += "  [iemand zag beide kanten vóór de melding]"
        if i.provisional_wall:
            flags += "  [voorlopige muur: beide zaken afgeschermd tot de beslissing]"
        out(
            f"{i.id:>5}  {i.cases[0]} ↔ {i.cases[1]}  "
            f"{i.detected.strftime('%d-%m-%Y %H:%M')}  {i.reason}{flags}"
        )


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    items = ctx.app.conflicts.lists(ctx.actor, reviews=False).conflicts
    _show(items, args.json, "Geen conflictzaken.")
    return 0


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    items = ctx.app.conflicts.reviews(ctx.actor)
    _show(items, args.json, "Niets te beoordelen.")
    return 0


def cmd_confirm(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.app.conflicts.confirm(ctx.actor, args.pair_id)
    out(f"Bevestigd: {info.cases[0]} en {info.cases[1]} zijn een conflictpaar (afgeschermd).")
    return 0


def cmd_dismiss(args: argparse.Namespace, ctx: Context) -> int:
    ctx.app.conflicts.dismiss(ctx.actor, args.pair_id, ctx.approver())
    out(
        f"Afgewezen: mogelijke conflictzaak {args.pair_id} is geen zelfde familie; "
        "de voorlopige muur is opgeheven."
    )
    return 0


def cmd_scan(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.app.conflicts.scan(ctx.actor)
    out(f"Alle zaken gecontroleerd: {result.summary()}.")
    return 0
