"""case show | case print, and search: dossiers through the access policy."""

from __future__ import annotations

import argparse
import json
from datetime import date
from enum import StrEnum
from pathlib import Path

from ikodesk.cli.common import Context, Subcommands, out
from ikodesk.models.enums import FamilyRelation, ParentRelation
from ikodesk.models.labels import label
from ikodesk.reports import catalogue
from ikodesk.services.case_detail import CaseDossier
from ikodesk.services.validation import PersonData

CONFLICT_NOTE = "Conflictzaak: deze zaak staat in conflict met een zaak van de andere ouder."


def register(sub: Subcommands) -> None:
    p = sub.add_parser("case", help="een dossier tonen of afdrukken")
    case_sub = p.add_subparsers(dest="case_command", metavar="ACTIE", required=True)

    s = case_sub.add_parser("show", help="een dossier tonen")
    s.add_argument("ref", metavar="REF", help="zaakreferentie, bijv. 2024-L2-00017")
    s.add_argument("--json", action="store_true", help="als JSON (uitwisselformaat)")
    s.set_defaults(func=cmd_show)

    pr = case_sub.add_parser("print", help="een dossier als PDF afdrukken")
    pr.add_argument("ref", metavar="REF")
    pr.add_argument("-o", "--output", metavar="BESTAND.pdf", type=Path, required=True)
    pr.set_defaults(func=cmd_print)

    q = sub.add_parser("search", help="zaken zoeken op referentie of naam")
    q.add_argument("text", metavar="TEKST")
    q.add_argument("--limit", type=int, default=20)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_search)


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    # One transaction: reading a dossier records the opening (a write), so the write
    # lock is taken first and waited for rather than failing halfway (docs/security.md).
    found = ctx.app.cases.dossier(actor, args.ref)
    if args.json:
        record = found.records[0]
        lines = [json.dumps({**record, "conflict": found.conflict}, ensure_ascii=False, indent=2)]
    else:
        lines = _case_lines(found)
    for line in lines:
        out(line)
    return 0


def _l(value: StrEnum | None) -> str:
    return label(value) if value is not None else "-"


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def _relation(value: str | None) -> str:
    if value is None:
        return "-"
    for enum in (ParentRelation, FamilyRelation):
        try:
            return label(enum(value))
        except ValueError:
            continue
    return value or "-"


def _person_line(p: PersonData) -> str:
    parts = [_l(p.kind), _relation(p.relation)]
    if p.side is not None:
        parts.append(_l(p.side))
    if p.organisation_type is not None or p.organisation:
        parts.append(f"{_l(p.organisation_type)} {p.organisation or ''}".strip())
    if p.birth_date is not None:
        parts.append(f"geboren {_day(p.birth_date)}")
    if p.phone:
        parts.append(f"tel. {p.phone}")
    if p.email:
        parts.append(p.email)
    name = " ".join(x for x in (p.first_name, p.last_name) if x)
    return f"{name or '-'} ({', '.join(parts)})"


def _case_lines(found: CaseDossier) -> list[str]:
    case = found.data
    lines = [f"Zaak {found.ref}  ({_l(case.code)}, lijn {case.line})"]
    if found.conflict:
        lines.append(f"  ! {CONFLICT_NOTE}")
    lines.append(f"  Behandelaar:  {case.handler}")
    lines.append(f"  Geopend:      {_day(case.opened)}")
    if case.closed:
        lines.append(f"  Gesloten:     {_day(case.closed)} ({_l(case.close_reason)})")
    if found.country_name is not None:
        lines.append(f"  Land:         {found.country_name}")
    for title, value in (("Richting", case.direction), ("Meenemer", case.taker)):
        if value is not None:
            lines.append(f"  {title + ':':<13} {_l(value)}")
    for title, day in (  # the dates that start the clocks (`ikodesk deadlines`)
        ("Ontvoering", case.removal_date),
        ("Procedure", case.proceedings_started),
        ("Beslissing", case.decision_first_instance),
        ("Hoger beroep", case.appeal_ready),
    ):
        if day is not None:
            lines.append(f"  {title + ':':<13} {_day(day)}")
    lines.append(f"  Aanvrager:    {_person_line(case.requester)}")
    if case.other_parent is not None:
        lines.append(f"  Andere ouder: {_person_line(case.other_parent)}")
    for kid in case.children:
        name = " ".join(x for x in (kid.first_name, kid.last_name) if x) or "-"
        when = _day(kid.birth_date) if kid.birth_date else f"{kid.age} jaar"
        lines.append(f"  Kind:         {name} ({when})")
    if case.summary:
        lines.append(f"  Samenvatting: {case.summary}")
    lines.append(f"Contactmomenten ({len(found.contacts)}):")
    for ct in found.contacts:
        minutes = f", {ct.minutes} min." if ct.minutes is not None else ""
        lines.append(
            f"  {ct.at.strftime('%d-%m-%Y %H:%M')}  {_l(ct.channel):<16} {_l(ct.party):<14} "
            f"{ct.handler}{minutes}"
        )
        if ct.summary:
            lines.append(f"      {ct.summary}")
    return lines


def cmd_print(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    path = ctx.app.reports.print_dossier(actor, args.ref, args.output, render=catalogue.DOSSIER)
    out(f"Dossier {args.ref} afgedrukt naar {path}")
    out("Let op: dit bestand is niet versleuteld. Bewaar het alleen op een veilige plek.")
    return 0


# Whether, never how many: a count on fragments was an oracle (services.wall_notice).
WALL_NOTICE = (
    "Er is iets gevonden achter een conflictmuur (afgeschermd, niet getoond). Gaat het om "
    "dezelfde familie, registreer haar dan niet opnieuw en overleg met de beheerder."
)


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    result = ctx.app.cases.search(actor, args.text, limit=args.limit)
    if args.json:
        out(
            json.dumps(
                {
                    "results": [
                        {
                            "ref": r.ref,
                            "code": r.code.value,
                            "opened": r.opened.isoformat(),
                            "closed": r.closed.isoformat() if r.closed else None,
                            "handler": r.handler,
                            "requester": r.requester,
                            "country": r.country,
                            "conflict": r.conflict,
                        }
                        for r in result.rows
                    ],
                    "more": result.more,
                    "behind_wall": result.behind_wall,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for r in result.rows:
        badge = "  [conflictzaak]" if r.conflict else ""
        out(
            f"{r.ref:<16} {r.opened.isoformat()}  {label(r.code):<36} {r.requester}"
            f"{'  (' + r.country_name + ')' if r.country_name else ''}{badge}"
        )
    if not result.rows:
        out("Geen zaken gevonden.")
    if result.more:
        out("Er zijn meer treffers; verfijn de zoekopdracht.")
    if result.behind_wall:
        out(WALL_NOTICE)
    return 0
