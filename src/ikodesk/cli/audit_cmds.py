"""audit [--case REF] [--of-user NAAM] [--json] | audit verify."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from ikodesk.cli.common import Context, err, maintenance, out
from ikodesk.errors import UsageError
from ikodesk.models import AuditEntry
from ikodesk.services import audit, audit_views, search_audit
from ikodesk.services.search_audit import StoredTerms

EXIT_TAMPERED = 2

# How the actions read in the listing (the JSON output keeps the identifiers).
ACTION_LABELS = {
    "case.read": "dossier ingezien",
    "case.create": "zaak geregistreerd",
    "case.update": "zaak gewijzigd",
    "case.list": "zaaklijst",
    "case.search": "gezocht",
    "case.export": "dossier geëxporteerd",
    "case.print": "dossier afgedrukt",
    "case.facts": "basisgegevens ingezien",
    "contact.create": "contactmoment",
    "mediation.read": "mediation ingezien",
    "mediation.write": "mediation gewijzigd",
    "mediation.aggregate": "mediationtotalen",
    "user.manage": "gebruikersbeheer",
    "reference.manage": "referentiegegevens",
    "figures.view": "cijfers",
    "report.print": "rapport afgedrukt",
    "export.all": "volledige export",
    "import": "import",
    "backup": "back-up/info",
    "audit.view": "auditlog ingezien",
    "conflicts.view": "conflictlijst ingezien",
    "conflicts.review": "conflictbeoordeling",
    "conflicts.scan": "conflictcontrole",
    "command": "commando zonder --user",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="het auditlog bekijken (beheerder) of controleren")
    p.add_argument("--case", metavar="REF", help="alles over één zaak")
    p.add_argument("--of-user", metavar="NAAM", help="alles van één gebruiker")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    asub = p.add_subparsers(dest="audit_command", metavar="ACTIE")
    v = asub.add_parser("verify", help="de hashketen van het auditlog controleren")
    v.set_defaults(func=cmd_verify)


def _local(stamp: str) -> str:
    """An entry's UTC time as local time for reading (the stored text is what is hashed)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%d-%m-%Y %H:%M:%S")


def _terms_text(e: AuditEntry, terms: dict[str, StoredTerms]) -> str:
    """What a search was for, while its terms are kept (escaped: shown as typed, quoted)."""
    if e.object_type != search_audit.OBJECT_TYPE or not e.object_ref:
        return ""
    stored = terms.get(e.object_ref)
    if stored is None:
        return "  zoektermen gewist"
    quoted = json.dumps(stored.terms, ensure_ascii=False)
    if not stored.intact:
        return f"  zoektermen (GEWIJZIGD na het zoeken): {quoted}"
    return f"  zoektermen: {quoted}"


def _terms_json(e: AuditEntry, terms: dict[str, StoredTerms]) -> dict[str, object] | None:
    stored = terms.get(e.object_ref or "") if e.object_type == search_audit.OBJECT_TYPE else None
    return None if stored is None else {"terms": stored.terms, "intact": stored.intact}


def _line(e: AuditEntry, terms: dict[str, StoredTerms]) -> str:
    result = "geweigerd" if e.result == "refused" else "toegestaan"
    who = e.username if e.user_id is not None else "(sleutelhouder)"
    # A search's reference is a long keyed hash: its terms say more.
    ref = e.object_ref if e.object_type != search_audit.OBJECT_TYPE else None
    what = f"{e.object_type} {ref}" if ref else e.object_type
    detail = f"  ({e.detail})" if e.detail else ""
    detail += _terms_text(e, terms)
    when = _local(e.at)
    return (
        f"{e.id:>7}  {when}  {who:<16} {e.action:<18} {what:<26} {result}  {e.workstation}{detail}"
    )


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    if args.case and args.of_user:
        raise UsageError("Kies --case of --of-user, niet allebei.")
    with ctx.db.session() as session:
        if args.case:
            entries = audit_views.for_case(session, ctx.actor, args.case, limit=args.limit)
        elif args.of_user:
            entries = audit_views.for_user(session, ctx.actor, args.of_user, limit=args.limit)
        else:
            entries = audit_views.recent(session, ctx.actor, limit=args.limit)
        terms = audit_views.search_terms(session, ctx.actor, entries)
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
                "search_terms": _terms_json(e, terms),
            }
            for e in entries
        ]
        lines = [_line(e, terms) for e in entries]
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
    with ctx.db.session() as session:
        check = audit_views.verify(session, ctx.maintenance_actor)
        head = audit.head_hash(session)
    if check.ok:
        out(f"Auditlog intact: {check.entries} vermeldingen, keten klopt.")
        if head:
            # Noted down elsewhere, it also exposes a chain rewritten by a key holder.
            out(f"Kenmerk van de laatste vermelding: {head}")
        return 0
    err(
        f"Auditlog NIET intact: {check.problem}. Eerste foute vermelding: {check.first_bad} "
        f"(na {check.entries} goede)."
    )
    return EXIT_TAMPERED
