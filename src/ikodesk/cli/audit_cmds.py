"""audit [--case REF] [--of-user NAAM] [--json] | audit verify [--anchor CODE] | audit anchor."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from ikodesk.cli.common import Context, Subcommands, err, maintenance, out
from ikodesk.errors import UsageError
from ikodesk.models.enums import Action
from ikodesk.models.labels import action_label, label
from ikodesk.services import audit_anchor, output, search_audit
from ikodesk.services.audit_views import AuditRow

EXIT_TAMPERED = 2

# How the actions read in the listing (the JSON output keeps the identifiers);
# the labels are models.labels', as in the desktop client's audit view.
ACTION_LABELS = {a.value: label(a) for a in Action}
ACTION_WIDTH = max(len(text) for text in ACTION_LABELS.values())


def register(sub: Subcommands) -> None:
    p = sub.add_parser("audit", help="het auditlog bekijken (beheerder) of controleren")
    p.add_argument("--case", metavar="REF", help="alles over één zaak")
    p.add_argument("--of-user", metavar="NAAM", help="alles van één gebruiker")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    asub = p.add_subparsers(dest="audit_command", metavar="ACTIE")
    v = asub.add_parser("verify", help="de hashketen van het auditlog controleren")
    v.add_argument(
        "--anchor",
        metavar="CODE",
        help="ook controleren dat het log tot dit anker ongewijzigd is (code van 'audit anchor')",
    )
    v.set_defaults(func=cmd_verify)
    a = asub.add_parser(
        "anchor",
        help="de huidige stand als code vastleggen, te bewaren buiten de database (beheerder)",
    )
    a.add_argument("-o", "--output", metavar="BESTAND", help="de code ook in dit bestand zetten")
    a.set_defaults(func=cmd_anchor)


def _local(stamp: str) -> str:
    """An entry's UTC time as local time for reading (the stored text is what is hashed)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%d-%m-%Y %H:%M:%S")


def _terms_text(e: AuditRow) -> str:
    """What a search was for, while its terms are kept (escaped: shown as typed, quoted)."""
    if not e.search:
        return ""
    stored = e.terms
    if stored is None:
        return "  zoektermen gewist"
    quoted = json.dumps(stored.terms, ensure_ascii=False)
    if not stored.intact:
        return f"  zoektermen (GEWIJZIGD na het zoeken): {quoted}"
    return f"  zoektermen: {quoted}"


def _terms_json(e: AuditRow) -> dict[str, object] | None:
    stored = e.terms
    return None if stored is None else {"terms": stored.terms, "intact": stored.intact}


def _line(e: AuditRow) -> str:
    result = "geweigerd" if e.result == "refused" else "toegestaan"
    who = e.username  # "(sleutelhouder)" for the key holder
    # A search's reference is a long keyed hash: its terms say more.
    ref = e.object_ref if e.object_type != search_audit.OBJECT_TYPE else None
    what = f"{e.object_type} {ref}" if ref else e.object_type
    detail = f"  ({e.detail})" if e.detail else ""
    detail += _terms_text(e)
    when = _local(e.at)
    action = action_label(e.action)
    return (
        f"{e.id:>7}  {when}  {who:<16} {action:<{ACTION_WIDTH}} {what:<26} {result}  "
        f"{e.workstation}{detail}"
    )


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    if args.case and args.of_user:
        raise UsageError("Kies --case of --of-user, niet allebei.")
    audit = ctx.app.audit
    if args.case:
        entries = audit.for_case(ctx.actor, args.case, limit=args.limit)
    elif args.of_user:
        entries = audit.for_user(ctx.actor, args.of_user, limit=args.limit)
    else:
        entries = audit.recent(ctx.actor, limit=args.limit)
    rows = [
        {
            "id": e.id,
            "at": e.at,
            "user": e.username,
            "workstation": e.workstation,
            "action": e.action,
            "object_type": e.object_type,
            "object_ref": e.object_ref,
            "result": e.result,
            "detail": e.detail,
            "search_terms": _terms_json(e),
        }
        for e in entries
    ]
    lines = [_line(e) for e in entries]
    if args.json:
        out(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for line in lines:
            out(line)
        if not lines:
            out("Geen vermeldingen.")
    return 0


@maintenance
def cmd_verify(args: argparse.Namespace, ctx: Context) -> int:
    if args.anchor:
        return _verify_anchor(args.anchor, ctx)
    verified = ctx.app.audit.verify(ctx.maintenance_actor)
    check, head = verified.check, verified.head
    if check.ok:
        out(f"Auditlog intact: {check.entries} vermeldingen, keten klopt.")
        if head:
            out(f"Kenmerk van de laatste vermelding: {head}")
            out(
                "Let op: de keten alleen bewijst niets tegen iemand met de sleutel. Maak "
                "maandelijks een anker (ikodesk --user NAAM audit anchor) en bewaar de code "
                "buiten de database; controleer met 'audit verify --anchor CODE'."
            )
        return 0
    err(
        f"Auditlog NIET intact: {check.problem}. Eerste foute vermelding: {check.first_bad} "
        f"(na {check.entries} goede)."
    )
    return EXIT_TAMPERED


def _verify_anchor(code: str, ctx: Context) -> int:
    anchor = audit_anchor.parse(code)
    chain, anchored = ctx.app.audit.verify_anchor(ctx.maintenance_actor, anchor)
    if not anchored.ok:
        err(f"Auditlog GEWIJZIGD: {anchored.message}.")
        if chain.ok:
            err(
                "De keten zelf klopt wel: iemand met de sleutel heeft de hashes opnieuw "
                "berekend. Vergelijk met een back-up van vóór de wijziging."
            )
        return EXIT_TAMPERED
    out(f"Anker {anchor.code} klopt: {anchored.message}.")
    if not chain.ok:
        err(
            f"Maar na het anker is het log NIET intact: {chain.problem}. Eerste foute "
            f"vermelding: {chain.first_bad}."
        )
        return EXIT_TAMPERED
    out(
        f"De keten klopt tot en met vermelding {chain.entries}. Over de vermeldingen na "
        f"vermelding {anchor.seq} zegt het anker niets: die kan iemand met de sleutel nog "
        "hebben herschreven."
    )
    return 0


def _database_label(ctx: Context) -> str:
    """The database as an anchor's note names it: the file's name, or the office server."""
    if ctx.on_server:
        from ikodesk.services.office_server import parse_server_url

        return parse_server_url(ctx.args.db).label
    return ctx.path.name


def cmd_anchor(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()  # an administrator, audited (docs/security.md)
    where = _database_label(ctx)  # before the anchor: nothing may fail after it is made
    anchor = ctx.app.admin.make_anchor(actor)
    made = datetime.now().astimezone()
    lines = [
        "ikodesk auditanker",
        f"Database: {ctx.app.database_id} ({where})",
        f"Gemaakt: {made:%d-%m-%Y %H:%M} door {actor.username}",
        f"Ankercode: {anchor.code}",
        "",
        "Bewaar deze code buiten de database (op papier, per e-mail aan de leidinggevende).",
        "Controleren: ikodesk audit verify --anchor CODE. Dat bewijst dat vermelding 1 t/m "
        f"{anchor.seq} sindsdien",
        "niet zijn gewijzigd, verwijderd of herschreven; over latere vermeldingen zegt het niets.",
    ]
    if args.output:
        target = Path(args.output).expanduser()
        output.write_new_text(target, "\n".join(lines) + "\n")
        lines.append(f"(Ook geschreven naar {target}, alleen leesbaar voor u.)")
    for line in lines:
        out(line)
    return 0
