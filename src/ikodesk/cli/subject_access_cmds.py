"""subject-access: an access request (AVG art. 15) for one person (administrators)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ikodesk.cli.common import Context, Subcommands, err, interactive, out
from ikodesk.errors import UsageError
from ikodesk.reports.subject_access import render_pack


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ongeldige datum: {text!r} (verwacht JJJJ-MM-DD)"
        ) from None


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "subject-access",
        help="inzageverzoek (AVG art. 15): alles over één persoon naar een PDF en een "
        "JSON-bestand, de gegevens van anderen afgeschermd (beheerder)",
    )
    p.add_argument("--name", required=True, metavar="'VOORNAAM ACHTERNAAM'")
    p.add_argument("--birth-date", type=_day, metavar="JJJJ-MM-DD")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="MAP")
    p.add_argument(
        "--confirm",
        metavar="REF,REF",
        help="de dossiers waarin deze persoon voorkomt (uit de lijst van kandidaten); "
        "zonder: de kandidaten tonen en (in een terminal) vragen",
    )
    p.add_argument(
        "--with-children",
        action="store_true",
        help="de gegevens van de kinderen tonen (de verzoeker is hun ouder met gezag)",
    )
    p.add_argument(
        "--received",
        type=_day,
        metavar="JJJJ-MM-DD",
        help="datum van ontvangst van het verzoek (standaard: vandaag); de termijn is een maand",
    )
    p.set_defaults(func=cmd_subject_access)


def cmd_subject_access(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    found = ctx.app.admin.subject_access_candidates(actor, args.name, args.birth_date)
    if args.confirm is None:
        if not found:
            out(
                "Geen dossiers gevonden met deze naam"
                + (" en geboortedatum." if args.birth_date else ".")
            )
            return 0
        out("Kandidaten (bevestig wie deze persoon is):")
        for c in found:
            soort = "zaak" if c.kind == "case" else "mediation"
            if c.name is None:  # the office server names nobody: the match is what was typed
                out(f"  {c.ref:<16} {soort:<10} {c.role:<17} {c.match}")
                continue
            born = c.birth_date.isoformat() if c.birth_date else "geboortedatum onbekend"
            out(f"  {c.ref:<16} {soort:<10} {c.role:<17} {c.name} ({born}) – {c.match}")
        if not interactive():
            err("Geef de dossiers van deze persoon met --confirm REF,REF.")
            return 1
        answer = input("Referenties van deze persoon (komma's ertussen; leeg: stoppen): ")
        confirmed = [r.strip() for r in answer.split(",") if r.strip()]
        if not confirmed:
            out("Niets geschreven.")
            return 0
    else:
        confirmed = [r.strip() for r in args.confirm.split(",") if r.strip()]
        if not confirmed:
            raise UsageError("--confirm noemt geen referentie.")
    made = ctx.app.admin.subject_access_pack(
        actor,
        args.name,
        args.birth_date,
        confirmed,
        args.output,
        with_children=args.with_children,
        received=args.received or date.today(),
        render=render_pack,
    )
    out(f"{made.dossiers} dossier(s) geschreven naar {made.pdf_path} en {made.json_path}.")
    out(
        f"Verzoek ontvangen op {made.received.isoformat()}: uiterlijk "
        f"{made.due.isoformat()} beantwoorden (een maand, AVG art. 12 lid 3)."
    )
    out(
        f"Het verzoek staat als nr. {made.request} bij de Termijnen (beheerders) tot het "
        "als beantwoord is gemarkeerd."
    )
    out("Let op: deze bestanden zijn niet versleuteld. Geef ze alleen aan de verzoeker.")
    return 0
