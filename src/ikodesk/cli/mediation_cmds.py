"""mediation list | show | reminders; mediator list | add."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import Any

from ikodesk.cli.common import Context, Subcommands, out
from ikodesk.models.enums import MediationKind, MediationStatus
from ikodesk.models.labels import label
from ikodesk.services.mediation import MediationDetail, MediationRow


def register(sub: Subcommands) -> None:
    p = sub.add_parser("mediation", help="mediations van het Mediation Bureau bekijken")
    med_sub = p.add_subparsers(dest="mediation_command", metavar="ACTIE", required=True)

    ls = med_sub.add_parser("list", help="de statuslijst van mediations")
    ls.add_argument("--year", type=int, metavar="JAAR", help="jaar van de aanvraag")
    ls.add_argument("--kind", choices=[k.value for k in MediationKind], help="IKO of NIKO")
    ls.add_argument("--status", choices=[s.value for s in MediationStatus])
    ls.add_argument("--mediator", metavar="NAAM", help="alleen mediations van deze mediator")
    ls.add_argument("--json", action="store_true", help="uitvoer als JSON")
    ls.set_defaults(func=cmd_list)

    show = med_sub.add_parser("show", help="één mediation tonen")
    show.add_argument("ref", metavar="REF", help="bijvoorbeeld M2024-007")
    show.add_argument("--json", action="store_true", help="uitvoer als JSON")
    show.set_defaults(func=cmd_show)

    rem = med_sub.add_parser(
        "reminders", help="niet-voortgezette aanvragen die nog een bijzondere curator nodig hebben"
    )
    rem.set_defaults(func=cmd_reminders)

    p = sub.add_parser("mediator", help="de mediatorpool beheren")
    pool_sub = p.add_subparsers(dest="mediator_command", metavar="ACTIE", required=True)

    pl = pool_sub.add_parser("list", help="alle mediators met hun aantal mediations")
    pl.add_argument("--year", type=int, metavar="JAAR", help="aantal mediations in dit jaar")
    pl.add_argument("--json", action="store_true", help="uitvoer als JSON")
    pl.set_defaults(func=cmd_mediator_list)

    add = pool_sub.add_parser("add", help="een mediator aan de pool toevoegen")
    add.add_argument("name", metavar="NAAM")
    add.add_argument(
        "--languages", required=True, metavar="TALEN", help="taalcodes, bijvoorbeeld nl,pl"
    )
    add.add_argument("--cbfm", action="store_true", help="gecertificeerd (CBFM)")
    add.set_defaults(func=cmd_mediator_add)


# --- formatting --------------------------------------------------------------------------


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value is not None else "-"


def _jsonable(value: Any) -> Any:  # JSON-like data of any shape (asdict output)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    return value


def _print_json(value: object) -> None:
    out(json.dumps(_jsonable(value), ensure_ascii=False, indent=2))


def _kids(n: int) -> str:
    return "1 kind" if n == 1 else f"{n} kinderen"


def _row_line(r: MediationRow) -> str:
    note = "  (bijzondere curator nodig)" if r.curator_due else ""
    return (
        f"{r.ref:<11} {label(r.kind):<5} {_day(r.requested):<11} {label(r.status):<16} "
        f"{', '.join(r.mediators) or '-':<30} {r.children:>3}  {r.case_ref or '-'}{note}"
    )


def _detail_lines(d: MediationDetail) -> list[str]:
    lines = [f"Mediation {d.ref} ({label(d.kind)})"]

    def field(name: str, value: str) -> None:
        lines.append(f"  {name + ':':<24}{value}")

    referred = f", verwezen door: {label(d.referred_by).lower()}" if d.referred_by else ""
    field("Aangevraagd", _day(d.requested) + referred)
    if d.court_hearing:
        field("Zitting rechtbank", _day(d.court_hearing))
    field("Status", label(d.status))
    if d.case is not None:
        c = d.case
        field(
            "Zaak",
            f"{c.ref} ({label(c.code)}, geopend {_day(c.opened)}"
            + (f", {c.country_name or c.country}" if c.country else "")
            + ")",
        )
    for p in d.parents:
        extra = [f"geboren {_day(p.birth_date)}"] if p.birth_date else []
        if p.country:
            extra.append(f"woont in {p.country}")
        field(
            label(p.relation),
            (p.display_name or "(naam onbekend)") + (f" ({', '.join(extra)})" if extra else ""),
        )
    for i, ch in enumerate(d.children, start=1):
        name = " ".join(n for n in (ch.first_name, ch.last_name) if n) or "(naam onbekend)"
        age = f"{ch.age_at_request} jaar bij de aanvraag" if ch.age_at_request is not None else ""
        field(f"Kind {i}", f"{name}, {age}" if age else name)
    if d.not_started_reason:
        field("Reden niet voortgezet", d.not_started_reason)
    if d.special_curator:
        field("Bijzondere curator", f"benoemd {_day(d.special_curator)}")
    if d.started:
        field("Gestart", _day(d.started))
    if d.mediators:
        field(
            "Mediators",
            ", ".join(m.name + (" (CBFM)" if m.cbfm else "") for m in d.mediators),
        )
    if d.intake:
        field("Intake", label(d.intake))
    for iv in d.interviews:
        field("Kindgesprek", f"{_day(iv.date)}: {_kids(iv.children)} gehoord")
    if d.outcome:
        field("Uitkomst", label(d.outcome))
    if d.failure_reasons:
        field("Redenen", "; ".join(label(r) for r in d.failure_reasons))
    if d.ended:
        field("Beëindigd", _day(d.ended))
    if d.curator_due:
        lines.append(
            "  Let op: nog geen bijzondere curator benoemd voor een kind van 3 jaar of ouder."
        )
    return lines


# --- commands ------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.app.mediation.status_list(
        ctx.actor,
        year=args.year,
        kind=MediationKind(args.kind) if args.kind else None,
        status=MediationStatus(args.status) if args.status else None,
        mediator=args.mediator,
    )
    if args.json:
        _print_json([asdict(r) for r in rows])
        return 0
    if not rows:
        out("Geen mediations gevonden.")
        return 0
    out(
        f"{'Ref':<11} {'Soort':<5} {'Aangevraagd':<11} {'Status':<16} {'Mediators':<30} "
        f"{'Kin':>3}  Zaak"
    )
    for r in rows:
        out(_row_line(r))
    out(f"{len(rows)} mediation{'s' if len(rows) != 1 else ''}.")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    detail = ctx.app.mediation.by_ref(ctx.actor, args.ref)
    if args.json:
        data = asdict(detail)
        data["children_heard"] = detail.children_heard
        _print_json(data)
        return 0
    for line in _detail_lines(detail):
        out(line)
    return 0


def cmd_reminders(args: argparse.Namespace, ctx: Context) -> int:
    reminders = ctx.app.mediation.reminders(ctx.actor)
    if not reminders:
        out("Geen herinneringen: voor elke niet-voortgezette aanvraag is een curator benoemd.")
        return 0
    out("Nog geen bijzondere curator benoemd (kind van 3 jaar of ouder):")
    for r in reminders:
        out(
            f"  {r.ref:<11} {label(r.kind):<5} aangevraagd {_day(r.requested)}, "
            f"oudste kind {r.oldest_child_age} jaar"
        )
    return 0


def cmd_mediator_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.app.mediation.mediators(ctx.actor, year=args.year)
    if args.json:
        _print_json([asdict(r) for r in rows])
        return 0
    if not rows:
        out("De mediatorpool is leeg.")
        return 0
    period = f"in {args.year}" if args.year else "totaal"
    out(f"{'Naam':<30} {'CBFM':<5} {'Talen':<12} {'Actief':<7} Mediations {period}")
    for r in rows:
        out(
            f"{r.name:<30} {'ja' if r.cbfm else 'nee':<5} {','.join(r.languages) or '-':<12} "
            f"{'ja' if r.active else 'nee':<7} {r.caseload}"
        )
    return 0


def cmd_mediator_add(args: argparse.Namespace, ctx: Context) -> int:
    languages = [x for x in args.languages.split(",") if x.strip()]
    row = ctx.app.mediation.add_mediator(
        ctx.actor, args.name, languages, cbfm=args.cbfm, active=True
    )
    out(
        f"Mediator {row.name} toegevoegd (talen: {', '.join(row.languages) or '-'}"
        f"{', CBFM-gecertificeerd' if row.cbfm else ''})."
    )
    return 0
