"""case show | case print, and search: dossiers through the access policy."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ikodesk.cli.common import Context, out
from ikodesk.models.labels import label
from ikodesk.reports import dossier
from ikodesk.services import case_queries, cases, conflicts, exchange


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    with ctx.db.session() as session:
        case = cases.get_case_by_ref(session, actor, args.ref)
        records = exchange.dossier_records(case)
        in_conflict = bool(conflicts.conflict_case_ids(session, [case.id]))
    if args.json:
        out(json.dumps({**records[0], "conflict": in_conflict}, ensure_ascii=False, indent=2))
        return 0
    _print_case(records[0], in_conflict)
    contacts = records[1:]
    out(f"Contactmomenten ({len(contacts)}):")
    for ct in contacts:
        minutes = f", {ct['minutes']} min." if "minutes" in ct else ""
        out(f"  {ct['at']}  {ct['channel']:<6} {ct['party']:<12} {ct['handler']}{minutes}")
        if ct.get("summary"):
            out(f"      {ct['summary']}")
    return 0


def _name(p: dict[str, Any]) -> str:
    return " ".join(x for x in (p.get("first_name"), p.get("last_name")) if x) or "-"


def _print_case(c: dict[str, Any], in_conflict: bool) -> None:
    from ikodesk.models.enums import CaseCode

    out(f"Zaak {c['ref']}  ({label(CaseCode(c['code']))}, lijn {c['line']})")
    if in_conflict:
        out("  ! Conflictzaak: deze zaak staat in conflict met een zaak van de andere ouder.")
    out(f"  Behandelaar:  {c['handler']}")
    out(f"  Geopend:      {c['opened']}")
    if "closed" in c:
        out(f"  Gesloten:     {c['closed']} ({c.get('close_reason', '-')})")
    for key, title in (("country", "Land"), ("direction", "Richting"), ("taker", "Meenemer")):
        if key in c:
            out(f"  {title + ':':<13} {c[key]}")
    req = c["requester"]
    born = f", geboren {req['birth_date']}" if "birth_date" in req else ""
    side = f", {req['side']}" if "side" in req else ""
    out(f"  Aanvrager:    {_name(req)} ({req['kind']}{side}{born})")
    if "other_parent" in c:
        op = c["other_parent"]
        born = f", geboren {op['birth_date']}" if "birth_date" in op else ""
        out(f"  Andere ouder: {_name(op)}{born}")
    for kid in c.get("children", []):
        when = kid.get("birth_date") or f"{kid.get('age', '?')} jaar"
        out(f"  Kind:         {_name(kid)} ({when})")
    if "summary" in c:
        out(f"  Samenvatting: {c['summary']}")


def cmd_print(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    with ctx.db.session() as session:
        case_id = cases.case_id_of(session, args.ref)
        path = dossier.write_dossier_pdf(session, actor, case_id, args.output)
    out(f"Dossier {args.ref} afgedrukt naar {path}")
    out("Let op: dit bestand is niet versleuteld. Bewaar het alleen op een veilige plek.")
    return 0


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    with ctx.db.session() as session:
        result = case_queries.search(session, actor, args.text, limit=args.limit)
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
                    "hidden": result.hidden,
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
    if result.hidden:
        out(f"{result.hidden} treffer(s) achter een conflictmuur (afgeschermd, niet getoond).")
    return 0
