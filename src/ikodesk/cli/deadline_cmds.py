"""deadlines [--as-of JJJJ-MM-DD] [--within DAGEN | --all] [--counts] [--json].

The running Hague 1980 and Brussels IIb clocks of open cases (services.deadlines):
the policy decides which cases a user lists (a jurist their own, an administrator
all; walls apply) and audits the call. Management asks for `--counts`.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from ikodesk.cli.common import Context, Subcommands, out
from ikodesk.models.labels import label
from ikodesk.services import deadlines
from ikodesk.services.deadlines import DeadlineCount, DeadlineRow


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ongeldige datum: {text!r} (verwacht JJJJ-MM-DD)"
        ) from None


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ongeldig aantal dagen: {text!r}") from None
    if not 0 <= days <= 36_500:
        raise argparse.ArgumentTypeError(f"aantal dagen buiten bereik: {days}")
    return days


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "deadlines",
        help="lopende termijnen (HKOV, Brussel IIb) van open zaken, de eerstvolgende eerst",
    )
    p.add_argument(
        "--as-of", type=_day, metavar="JJJJ-MM-DD", help="peildatum (standaard: vandaag)"
    )
    scope = p.add_mutually_exclusive_group()
    scope.add_argument(
        "--within",
        type=_days,
        metavar="DAGEN",
        help=f"termijnen die binnen zoveel dagen verlopen, plus verlopen termijnen "
        f"(standaard {deadlines.DEFAULT_WITHIN_DAYS})",
    )
    scope.add_argument(
        "--all", action="store_true", help="elke lopende termijn, wanneer die ook verloopt"
    )
    p.add_argument(
        "--counts", action="store_true", help="alleen aantallen per termijn (management)"
    )
    p.add_argument("--json", action="store_true", help="als JSON")
    p.set_defaults(func=cmd_deadlines)


def days_text(days_left: int) -> str:
    if days_left > 1:
        return f"nog {days_left} dagen"
    if days_left == 1:
        return "morgen"
    if days_left == 0:
        return "vandaag"
    return f"{-days_left} dag{'en' if days_left < -1 else ''} verlopen"


def _show_rows(rows: list[DeadlineRow], as_json: bool) -> None:
    if as_json:
        out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        out("Geen lopende termijnen.")
    for r in rows:
        child = f" (kind {r.child + 1})" if r.child is not None else ""
        out(
            f"{r.due.strftime('%d-%m-%Y')}  {days_text(r.days_left):<18}  {r.ref:<16}  "
            f"{label(r.clock)}{child}"
        )


def _show_counts(counts: list[DeadlineCount], as_json: bool) -> None:
    if as_json:
        out(
            json.dumps(
                {
                    c.clock.value: {
                        "overdue": c.overdue,
                        "within_7": c.within_7,
                        "within_30": c.within_30,
                        "running": c.running,
                    }
                    for c in counts
                },
                indent=2,
            )
        )
        return
    out(f"{'termijn':<56}{'verlopen':>10}{'≤ 7 d':>8}{'≤ 30 d':>8}{'lopend':>8}")
    for c in counts:
        out(f"{label(c.clock):<56}{c.overdue:>10}{c.within_7:>8}{c.within_30:>8}{c.running:>8}")


def cmd_deadlines(args: argparse.Namespace, ctx: Context) -> int:
    as_of = args.as_of or date.today()
    if args.counts:
        _show_counts(ctx.app.deadline_counts(ctx.actor, as_of), args.json)
        return 0
    within = deadlines.DEFAULT_WITHIN_DAYS if args.within is None else args.within
    rows = ctx.app.list_deadlines(ctx.actor, as_of, within=within, everything=args.all)
    _show_rows(rows, args.json)
    return 0
