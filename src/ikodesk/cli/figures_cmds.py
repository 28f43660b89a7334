"""figures freeze | diff | complete-from: published figures and the records' first complete year.

- `figures freeze --year Y [--replace]`: the year's computed figures become its
  published figures (managers and administrators; audited; an earlier
  version is kept).
- `figures diff --year Y [--json]`: what changed since the year was frozen,
  `{"year", "frozen_at", "changes": {"KEY": {"frozen": N, "now": M}}}`.
- `figures complete-from [--set JJJJ | --auto]`: from which year the records
  are complete ("registratie volledig vanaf"); changing it is for administrators.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime

from ikodesk.cli.common import Context, out
from ikodesk.errors import UsageError
from ikodesk.services import figures, nlformat
from ikodesk.services.figure_keys import RATE_KEYS
from ikodesk.services.figure_labels import figure_label

FIGURE_ACTIONS = ("freeze", "diff", "complete-from")
LABEL_WIDTH = 64
VALUE_WIDTH = 12


def figure_action(args: argparse.Namespace, ctx: Context, write: Callable[[str], None]) -> int:
    """Run `figures ACTION`; `write` prints UTF-8 whatever the console."""
    action = args.figures_action
    if action == "complete-from":
        return _complete_from(args, ctx)
    if args.year is None:
        raise UsageError(f"figures {action} heeft het jaar nodig: --year JJJJ.")
    if action == "freeze":
        made = ctx.app.reports.freeze(ctx.actor, args.year, replace=args.replace)
        what = "opnieuw vastgesteld" if made.replaced else "vastgesteld"
        out(
            f"De cijfers van {made.year} zijn {what}: {made.figures} cijfers, "
            f"op {_when(made.frozen_at)} door {made.frozen_by}."
            + (f" De vorige versie ({made.replaced} cijfers) is bewaard." if made.replaced else "")
        )
        return 0
    diff = ctx.app.reports.diff(ctx.actor, args.year)
    if args.json:
        write(json.dumps(diff, ensure_ascii=False, indent=2) + "\n")
    else:
        write("\n".join(diff_table(diff)) + "\n")
    return 0


def _when(moment: datetime) -> str:
    return f"{nlformat.long_date(moment.date())} {moment:%H:%M}"


def diff_table(diff: dict[str, object]) -> list[str]:
    """The changes since a freeze as a readable Dutch table."""
    at = datetime.fromisoformat(str(diff["frozen_at"]))
    lines = [f"Wijzigingen in de cijfers van {diff['year']} sinds de vaststelling op {_when(at)}"]
    changes = diff["changes"]
    assert isinstance(changes, dict)
    if not changes:
        lines.append("Geen: de registratie geeft dezelfde cijfers als bij de vaststelling.")
        return lines
    lines.append("")
    lines.append(
        f"{'':<{LABEL_WIDTH}}{'vastgesteld':>{VALUE_WIDTH}}{'nu':>{VALUE_WIDTH}}"
        f"{'verschil':>{VALUE_WIDTH}}"
    )
    for key, pair in changes.items():
        fmt = nlformat.percent if key in RATE_KEYS else nlformat.number
        frozen, now = pair["frozen"], pair["now"]
        delta = figures.difference(now, frozen)
        shown = nlformat.points(delta) if key in RATE_KEYS else nlformat.signed(delta)
        label = figure_label(key)[:LABEL_WIDTH]
        lines.append(
            f"{label:<{LABEL_WIDTH}}{fmt(frozen):>{VALUE_WIDTH}}{fmt(now):>{VALUE_WIDTH}}"
            f"{shown:>{VALUE_WIDTH}}"
        )
    return lines


def _complete_from(args: argparse.Namespace, ctx: Context) -> int:
    if args.set_year is not None or args.auto:
        if args.set_year is not None and args.auto:
            raise UsageError("Kies --set JJJJ of --auto, niet beide.")
        ctx.app.reports.set_complete_from(ctx.actor, args.set_year)
    state = ctx.app.reports.records_complete(ctx.actor)
    shown = str(state.year) if state.year is not None else "geen jaar"
    how = (
        "ingesteld door een beheerder"
        if state.explicit
        else "het eerste jaar met Lijn 1-registraties in januari"
    )
    out(f"Registratie volledig vanaf: {shown} ({how}).")
    if state.explicit and state.derived != state.year:
        derived = str(state.derived) if state.derived is not None else "geen jaar"
        out(f"Zonder instelling zou dat {derived} zijn.")
    return 0
