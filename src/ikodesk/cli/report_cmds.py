"""figures, report annual, report mediation."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ikodesk.cli.common import Context, Subcommands, out
from ikodesk.cli.figures_cmds import FIGURE_ACTIONS, figure_action
from ikodesk.cli.terminal import safe
from ikodesk.errors import UsageError
from ikodesk.models.enums import ActivityKind, CaseCode
from ikodesk.models.labels import label
from ikodesk.reports.catalogue import BUILDERS
from ikodesk.services import figures, nlformat, reporting
from ikodesk.services.figure_keys import RATE_KEYS
from ikodesk.services.figure_labels import part_label

TOP_COUNTRIES = 10
LABEL_WIDTH = 56
VALUE_WIDTH = 10
PART_WIDTH = 8  # the parents and third-party columns of the Line 2 table


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ongeldig jaar: {text!r} (verwacht JJJJ)") from None
    if not 1990 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"jaar buiten bereik: {year}")
    return year


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "figures",
        help="de jaarcijfers tonen, een jaar vaststellen of wijzigingen sinds vaststelling tonen",
        description=(
            "Zonder actie: de jaarcijfers van --year. freeze: de cijfers van --year vaststellen "
            "als gepubliceerde cijfers (--replace vervangt een eerdere vaststelling, die bewaard "
            "blijft). diff: wat sinds de vaststelling van --year is veranderd. complete-from: "
            "vanaf welk jaar de registratie volledig is (tonen, of met --set JJJJ / --auto "
            "wijzigen: beheerders)."
        ),
    )
    p.add_argument(
        "figures_action",
        nargs="?",
        choices=FIGURE_ACTIONS,
        metavar="ACTIE",
        help="freeze, diff of complete-from (zonder: de cijfers tonen)",
    )
    p.add_argument("--year", type=_year, metavar="JJJJ", help="het jaar")
    p.add_argument("--compare", type=_year, metavar="JJJJ", help="vergelijken met dit jaar")
    p.add_argument(
        "--json", action="store_true", help="als JSON (annual-figures.md) in plaats van een tabel"
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="freeze: een eerdere vaststelling vervangen (de eerdere versie blijft bewaard)",
    )
    p.add_argument("--set", type=_year, metavar="JJJJ", dest="set_year", help="complete-from")
    p.add_argument("--auto", action="store_true", help="complete-from: terug naar de standaard")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("report", help="een rapport als PDF maken")
    report_sub = p.add_subparsers(dest="report_kind", metavar="RAPPORT", required=True)
    for name, help_text in (
        ("annual", "het jaarverslag met alle jaarcijfers"),
        ("mediation", "de cijfers van het Mediation Bureau"),
    ):
        r = report_sub.add_parser(name, help=help_text)
        r.add_argument("--year", type=_year, required=True, metavar="JJJJ", help="het jaar")
        r.add_argument(
            "--compare", type=_year, metavar="JJJJ", help="vergelijken met (standaard: jaar - 1)"
        )
        r.add_argument(
            "-o", "--output", required=True, type=Path, metavar="BESTAND", help="het PDF-bestand"
        )
        r.add_argument(
            "--erratum",
            action="store_true",
            help="met een erratum: wat sinds de vaststelling van het jaar is veranderd",
        )
        r.set_defaults(func=cmd_report)


def _write_utf8(text: str) -> None:
    """Write `text` as UTF-8 whatever the console's encoding (names have diacritics)."""
    text = safe(text)
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def cmd_figures(args: argparse.Namespace, ctx: Context) -> int:
    if args.figures_action is not None:
        return figure_action(args, ctx, _write_utf8)
    if args.year is None:
        raise UsageError("Geef het jaar met --year JJJJ.")
    actor = ctx.actor
    table = ctx.app.reports.table(actor, args.year, args.compare)
    if args.json:
        _write_utf8(json.dumps(table.figures, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_utf8("\n".join(figures_table(table.figures, table.country_names)) + "\n")
    return 0


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    target: Path = args.output
    if target.suffix.lower() != ".pdf":
        raise UsageError(f"Het uitvoerbestand moet op .pdf eindigen: {target}")
    kind = reporting.ReportKind(args.report_kind)
    result = ctx.app.reports.make(
        actor,
        kind,
        args.year,
        args.compare,
        target,
        build=BUILDERS[kind],
        progress=_progress_printer(),
        erratum=args.erratum,
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    what = "Jaarverslag" if args.report_kind == "annual" else "Mediationrapport"
    out(f"{what} {args.year} geschreven naar {result.path} ({result.pages} pagina's).")
    return 0


def _progress_printer() -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            err_line = f"\rRapport maken… {done * 100 // max(total, 1)}%"
            print(err_line, end="", file=sys.stderr, flush=True)

    return progress


# --- the readable table --------------------------------------------------------------------


def figures_table(result: Mapping[str, Any], country_names: Mapping[str, str]) -> list[str]:
    """A readable Dutch table of `compute_figures` or `compare_figures` output."""
    comparing = "current" in result
    current = result["current"] if comparing else result
    previous = result["previous"] if comparing else None
    changes = result["change_pct"] if comparing else None
    title = f"Jaarcijfers {result['year']}"
    lines = [title + (f" vergeleken met {result['compare']}" if comparing else ""), ""]
    header = ""
    if comparing:
        header = (
            f"{'':<{LABEL_WIDTH}}{result['year']:>{VALUE_WIDTH}}"
            f"{result['compare']:>{VALUE_WIDTH}}  verschil"
        )
    printer = _TablePrinter(lines, previous, changes, country_names, header)
    for section, node in current.items():
        if section == "year":
            continue
        printer.section(section, node)
    return lines


class _TablePrinter:
    def __init__(
        self,
        lines: list[str],
        previous: Mapping[str, Any] | None,
        changes: Mapping[str, Any] | None,
        country_names: Mapping[str, str],
        header: str,
    ) -> None:
        self.lines = lines
        self.previous = previous
        self.changes = changes
        self.names = country_names
        self.header = header

    def section(self, name: str, node: Any) -> None:
        self.lines.append(part_label(name).upper() if name != "line2" else "LIJN 2 PER CODE")
        if name == "line2":
            width = LABEL_WIDTH - 2 - 2 * PART_WIDTH
            self.lines.append(
                f"  {'':<{width}}{'ouders':>{PART_WIDTH}}{'derden':>{PART_WIDTH}}"
                + (self.header[LABEL_WIDTH:] if self.header else f"{'totaal':>{VALUE_WIDTH}}")
            )
        elif self.header:
            self.lines.append(self.header)
        if name == "line2":
            self._line2(node)
        elif name == "activities":
            self._activities(node)
        else:
            self._node(name, node, 1)
        self.lines.append("")

    def _row(self, key: str, text: str, depth: int, value: float | None) -> None:
        fmt: Callable[[float | None], str] = (
            nlformat.percent if key in RATE_KEYS else nlformat.number
        )
        row = f"{'  ' * depth}{text}"
        row = f"{row[:LABEL_WIDTH]:<{LABEL_WIDTH}}{fmt(value):>{VALUE_WIDTH}}"
        if self.changes is not None:
            prev = figures.figure_value(self.previous, key)
            change = figures.figure_value(self.changes, key)
            if key in RATE_KEYS:  # a percentage changes in percentage points
                shown = nlformat.points(figures.difference(value, prev))
            else:
                shown = nlformat.change(change)
            row += f"{fmt(prev):>{VALUE_WIDTH}}  {shown}"
        self.lines.append(row)

    def _node(self, key: str, node: Mapping[str, Any], depth: int) -> None:
        for part, value in node.items():
            child = f"{key}.{part}"
            if part == "countries":
                self._countries(child, value, depth)
            elif part == "ages":
                for direction, ages in value.items():
                    if ages is None:
                        self.lines.append(f"{'  ' * depth}{part_label('ages')}: –")
                        continue
                    shown = ", ".join(f"{a} jr: {n}" for a, n in ages.items()) or "geen"
                    self.lines.append(
                        f"{'  ' * depth}{part_label('ages')}, {part_label(direction).lower()}: "
                        + shown
                    )
            elif isinstance(value, dict):
                self.lines.append(f"{'  ' * depth}{part_label(part)}")
                self._node(child, value, depth + 1)
            else:
                self._row(child, part_label(part), depth, value)

    def _countries(self, key: str, value: Any, depth: int) -> None:
        lists = value if isinstance(value, dict) else {"": value}
        for direction, entries in lists.items():
            what = part_label("countries") + (
                f", {part_label(direction).lower()}" if direction else ""
            )
            if entries is None:  # a year known only from published figures
                self.lines.append(f"{'  ' * depth}{what}: –")
                continue
            top = ", ".join(
                f"{self.names.get(iso, iso)} {nlformat.number(n)}"
                for iso, n in entries[:TOP_COUNTRIES]
            )
            more = f" (en {len(entries) - TOP_COUNTRIES} andere)" if len(entries) > 10 else ""
            self.lines.append(f"{'  ' * depth}{what}: {top or 'geen'}{more}")

    def _line2(self, node: Mapping[str, Any]) -> None:
        # One row per code: parents, third parties, total (and the comparison).
        width = LABEL_WIDTH - 2 - 2 * PART_WIDTH
        for code, parts in node.items():
            row = f"  {label(CaseCode(code))[:width]:<{width}}"
            row += f"{nlformat.number(parts['parent']):>{PART_WIDTH}}"
            row += f"{nlformat.number(parts['third_party']):>{PART_WIDTH}}"
            row += f"{nlformat.number(parts['total']):>{VALUE_WIDTH}}"
            if self.changes is not None:
                key = f"line2.{code}.total"
                row += f"{nlformat.number(figures.figure_value(self.previous, key)):>{VALUE_WIDTH}}"
                row += f"  {nlformat.change(figures.figure_value(self.changes, key))}"
            self.lines.append(row)

    def _activities(self, items: list[dict[str, Any]] | None) -> None:
        if items is None:
            self.lines.append("  –")
            return
        if not items:
            self.lines.append("  geen")
        for item in items:
            day = nlformat.long_date(date.fromisoformat(item["date"]))
            kind = label(ActivityKind(item["kind"]))
            org = f" ({item['organisation']})" if item.get("organisation") else ""
            self.lines.append(f"  {day}: {kind}{org}: {item['title']}")
