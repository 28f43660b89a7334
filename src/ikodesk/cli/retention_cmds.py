"""retention policy|set|confirm|holds|hold|lift|run|register: retention (AVG, issue #18).

`retention run --as-of JJJJ-MM-DD [--dry-run]` anonymises every case and mediation
whose period has passed on that date (services.retention_run); it needs a second
administrator's approval (--approver NAAM or IKODESK_APPROVER, the password from
IKODESK_APPROVER_PASSWORD or a prompt: cli.common's Context.approver). `--dry-run` lists what a run
would remove and changes nothing. `retention register [--pdf FILE]` shows or
prints the destruction register.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ikodesk.cli.common import Context, Subcommands, out
from ikodesk.errors import UsageError
from ikodesk.models.enums import CaseCode, line_of
from ikodesk.models.labels import label
from ikodesk.services import retention
from ikodesk.services.nlformat import counted
from ikodesk.services.retention_run import Preview

SCOPE_HELP = "zaakcode (bijvoorbeeld travel_consent voor Lijn 1) of mediation"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ongeldige datum: {text!r} (verwacht JJJJ-MM-DD)"
        ) from None


def scope_text(scope: str) -> str:
    if scope == retention.MEDIATION:
        return "Mediationverzoeken"
    code = CaseCode(scope)
    return f"Lijn {line_of(code)}: {label(code)}"


def register(sub: Subcommands) -> None:
    p = sub.add_parser("retention", help="bewaartermijnen, bewaarplicht en vernietiging (AVG)")
    rsub = p.add_subparsers(dest="retention_command", metavar="ACTIE", required=True)

    s = rsub.add_parser("policy", help="de bewaartermijn per soort zaak, en of die bevestigd is")
    s.set_defaults(func=cmd_policy)

    s = rsub.add_parser("set", help="de bewaartermijn van een soort zaak instellen (in jaren)")
    s.add_argument("scope", metavar="SOORT", help=SCOPE_HELP)
    s.add_argument("years", metavar="JAREN", type=int)
    s.set_defaults(func=cmd_set)

    s = rsub.add_parser("confirm", help="de nog niet bevestigde standaardtermijnen bevestigen")
    s.set_defaults(func=cmd_confirm)

    s = rsub.add_parser("holds", help="de zaken met een bewaarplicht (legal hold)")
    s.set_defaults(func=cmd_holds)

    s = rsub.add_parser("hold", help="een bewaarplicht op een zaak leggen")
    s.add_argument("ref", metavar="KENMERK")
    s.add_argument("--reason", required=True, metavar="TEKST", help="waarom (geen namen)")
    s.set_defaults(func=cmd_hold)

    s = rsub.add_parser("lift", help="de bewaarplicht van een zaak opheffen (beheerder)")
    s.add_argument("ref", metavar="KENMERK")
    s.set_defaults(func=cmd_lift)

    s = rsub.add_parser(
        "run",
        help="persoonsgegevens verwijderen van zaken waarvan de bewaartermijn is verstreken",
    )
    s.add_argument("--as-of", type=_day, required=True, metavar="JJJJ-MM-DD", help="peildatum")
    s.add_argument("--dry-run", action="store_true", help="alleen tonen wat verwijderd zou worden")
    s.set_defaults(func=cmd_run)

    s = rsub.add_parser("register", help="het vernietigingsregister (voor de privacyfunctionaris)")
    s.add_argument("--pdf", type=Path, metavar="BESTAND", help="als PDF naar dit bestand")
    s.set_defaults(func=cmd_register)


def cmd_policy(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.app.retention.policy(ctx.actor)
    out(f"{'soort':<58}{'jaren':>6}  status")
    for r in rows:
        if r.confirmed:
            status = f"bevestigd door {r.confirmed_by} op {r.confirmed_at:%d-%m-%Y}"
        else:
            status = "standaard, NIET BEVESTIGD"
        out(f"{scope_text(r.scope) + ' (' + r.scope + ')':<58}{r.years:>6}  {status}")
    if any(not r.confirmed for r in rows):
        out("")
        out(
            "ikodesk doet geen uitspraak over de juiste termijnen: bevestig ze met "
            "'ikodesk retention confirm' of stel ze in met 'ikodesk retention set'."
        )
    return 0


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    ctx.app.retention.set_period(ctx.actor, args.scope, args.years)
    out(f"Bewaartermijn van {scope_text(args.scope)}: {args.years} jaar (bevestigd).")
    return 0


def cmd_confirm(args: argparse.Namespace, ctx: Context) -> int:
    scopes = ctx.app.retention.confirm_defaults(ctx.actor)
    out(f"{len(scopes)} bewaartermijnen bevestigd." if scopes else "Alles was al bevestigd.")
    return 0


def cmd_holds(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.app.retention.holds(ctx.actor)
    if not rows:
        out("Geen zaken met een bewaarplicht.")
    for h in rows:
        closed = h.closed.strftime("%d-%m-%Y") if h.closed else "open"
        out(f"{h.ref:<16} {closed:<11} {h.set_at:%d-%m-%Y} {h.set_by:<14} {h.reason}")
    return 0


def cmd_hold(args: argparse.Namespace, ctx: Context) -> int:
    ctx.app.retention.set_hold(ctx.actor, args.ref, args.reason)
    out(f"Bewaarplicht gelegd op {args.ref.strip()}: de persoonsgegevens blijven bewaard.")
    return 0


def cmd_lift(args: argparse.Namespace, ctx: Context) -> int:
    ctx.app.retention.lift_hold(ctx.actor, args.ref)
    out(f"Bewaarplicht op {args.ref.strip()} opgeheven.")
    return 0


def show_preview(p: Preview, *, removed: bool) -> None:
    verb = "verwijderd" if removed else "te verwijderen"
    cases, mediations = (
        counted(p.cases, "zaak", "zaken"),
        counted(p.mediations, "mediation", "mediations"),
    )
    out(f"Peildatum {p.as_of:%d-%m-%Y}: {cases} en {mediations} {verb}.")
    for scope, n in p.counts.items():
        out(f"  {scope_text(scope):<58}{n:>7}")
    if p.held:
        out(f"  {'bewaarplicht: niet verwijderd':<58}{p.held:>7}")
    out(
        f"  {'zoektermen auditlog van voor ' + p.search_terms_before.strftime('%d-%m-%Y'):<58}"
        f"{p.search_terms:>7}"
    )


def cmd_run(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.actor
    if args.dry_run:
        p = ctx.app.retention.preview(actor, args.as_of)
        show_preview(p, removed=False)
        for item in p.items:
            out(
                f"{item.ref:<16} {scope_text(item.scope):<52} gesloten {item.closed:%d-%m-%Y}, "
                f"verwijderbaar vanaf {item.due_from:%d-%m-%Y}"
            )
        if p.unconfirmed:
            out(f"Let op: {len(p.unconfirmed)} bewaartermijnen zijn nog niet bevestigd.")
        out("Proefrun: er is niets veranderd.")
        return 0
    credentials = ctx.approver()  # --approver / IKODESK_APPROVER (cli.common)
    outcome = ctx.app.retention.run(actor, args.as_of, credentials)
    r = outcome.result
    show_preview(r.preview, removed=True)
    out(f"Goedgekeurd door {r.approver}; vastgelegd in het vernietigingsregister (run {r.run_id}).")
    if r.confirmed:
        out(f"{len(r.confirmed)} standaardtermijnen zijn met deze run bevestigd.")
    if outcome.scrubbed is None:
        out(
            "Op de kantoorserver blijven oude rijversies tot VACUUM staan, en in back-ups tot "
            "die verlopen: zie docs/server.md ('Bewaartermijnrun')."
        )
    elif not outcome.scrubbed.wal_truncated:
        out(
            "Let op: een ander programma had de database open; het WAL-bestand wordt "
            "pas geleegd als dat sluit. Sluit ikodesk overal en voer 'ikodesk check' uit."
        )
    return 0


def cmd_register(args: argparse.Namespace, ctx: Context) -> int:
    if args.pdf is not None:
        from ikodesk.reports import destruction_register

        if args.pdf.suffix.lower() != ".pdf":
            raise UsageError(f"Het uitvoerbestand moet op .pdf eindigen: {args.pdf}")
        path = ctx.app.retention.print_register(
            ctx.actor, args.pdf, render=destruction_register.build
        )
        out(f"Vernietigingsregister geschreven: {path}")
        return 0
    rows = ctx.app.retention.register(ctx.actor)
    if not rows:
        out("Er is nog geen bewaartermijnrun uitgevoerd.")
    for r in rows:
        out(
            f"run {r.run_id}  {r.run_at:%d-%m-%Y %H:%M}  peildatum {r.as_of:%d-%m-%Y}  door "
            f"{r.run_by}, goedgekeurd door {r.approved_by}: "
            f"{counted(r.cases, 'zaak', 'zaken')}, "
            f"{counted(r.mediations, 'mediation', 'mediations')}, "
            f"{counted(r.search_terms, 'zoekterm', 'zoektermen')}"
        )
        for scope, n in sorted(r.counts.items()):
            out(f"    {scope_text(scope):<58}{n:>7}")
        out(f"    hash kenmerken: {r.refs_hash}")
    return 0
