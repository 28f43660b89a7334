"""init, demo, info, check, rekey, backup."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ikodesk.cli.common import (
    Context,
    Subcommands,
    database_path,
    err,
    interactive,
    maintenance,
    new_password,
    out,
    plan_file_opening,
    prompt_secret,
)
from ikodesk.errors import DatabaseDamagedError, KeyUnavailableError
from ikodesk.services.application import Application, passphrase_from_env
from ikodesk.services.demo_facts import DEMO_PASSPHRASE, DEMO_PASSWORD

# info, check, backup and rekey load only the opening and the maintenance service
# (issue #16); init and demo load what they need (users, passwords, the generator).


def register(sub: Subcommands) -> None:
    p = sub.add_parser("init", help="een nieuwe, versleutelde database maken")
    p.add_argument("--admin", metavar="NAAM", help="gebruikersnaam van de eerste beheerder")
    p.add_argument("--name", metavar="NAAM", default="", help="volledige naam van de beheerder")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="een demodatabase met fictieve gegevens maken")
    p.add_argument(
        "--years",
        metavar="JAAR",
        type=int,
        nargs="+",
        help="jaren met gedetailleerde gegevens (standaard: 2024 tot en met nu)",
    )
    p.add_argument("--scale", type=float, default=1.0, help="volume t.o.v. 2024 (standaard 1)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="gegevens over de database tonen")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "check",
        help="de database controleren op schade (versleuteling, structuur, auditlog)",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rekey", help="de database opnieuw versleutelen met een nieuwe sleutel")
    p.add_argument(
        "--passphrase",
        action="store_true",
        help="een wachtwoordzin gebruiken (gevraagd, of uit IKODESK_NEW_PASSPHRASE) "
        "in plaats van een nieuwe sleutel in de sleutelbos",
    )
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser("backup", help="een versleutelde kopie van de database maken")
    p.add_argument("dest", metavar="BESTAND", type=Path)
    p.set_defaults(func=cmd_backup)


def _default_admin() -> str:
    try:
        name = re.sub(r"[^a-z0-9._-]", "", getpass.getuser().lower())
    except Exception:
        name = ""
    return name if len(name) >= 2 else "beheer"


def create_database(path: Path, *, demo: bool = False) -> tuple[Application, str | None]:
    """Create a database in the key mode the environment asks for."""
    passphrase = DEMO_PASSPHRASE if demo else passphrase_from_env()
    try:
        return Application.create(path, passphrase=passphrase)
    except KeyUnavailableError:
        if not interactive():
            raise
        err(
            "Er is geen bruikbare sleutelbos (keyring); beveilig de database met een wachtwoordzin."
        )
        return Application.create(
            path, passphrase=prompt_secret("Nieuwe wachtwoordzin: ", confirm=True)
        )


def show_recovery_key(recovery: str | None, *, pending: bool = False) -> None:
    if recovery is None:
        return
    out("")
    if pending:
        out("NIEUWE HERSTELSLEUTEL (wordt maar één keer getoond; bewaar deze op een veilige plek).")
        out("Tot de melding 'opnieuw versleuteld' hieronder blijft de oude herstelsleutel geldig.")
    else:
        out("HERSTELSLEUTEL (wordt maar één keer getoond; bewaar deze op een veilige plek):")
    out("")
    out(f"    {recovery}")
    out("")
    out("Met deze sleutel opent u de database op een andere werkplek of als de sleutel")
    out("uit de sleutelbos van deze computer verdwenen is.")


@maintenance
def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    from ikodesk.services import passwords, users

    path = database_path(args)
    admin = (args.admin or _default_admin()).strip().lower()
    problem = users.username_problem(admin)
    if problem:
        err(f"Ongeldige gebruikersnaam voor de beheerder: {problem}.")
        return 1
    password = new_password(admin)
    problem = passwords.password_problem(password, username=admin)
    if problem:
        err(problem)
        return 2
    app, recovery = create_database(path)
    try:
        app.create_admin(admin, args.name, password)
    finally:
        app.close()
    mode = "sleutelbos (keyring)" if recovery else "wachtwoordzin"
    out(f"Database aangemaakt: {path}")
    out(f"Sleutel bewaard via: {mode}")
    out(f"Beheerder: {admin}")
    show_recovery_key(recovery)
    return 0


def _progress_printer() -> Callable[[str, int, int], None]:
    """Progress of an import (stage, done, total) on a terminal's stderr, twice a second."""
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not sys.stderr.isatty() or now - last[0] < 0.5:
            return
        last[0] = now
        suffix = f" {done}/{total}" if total else f" {done}"
        print(f"\r{stage}…{suffix}   ", end="", file=sys.stderr, flush=True)

    return progress


@maintenance
def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from ikodesk.services import demo

    path = database_path(args)
    app, recovery = create_database(path, demo=bool(getattr(args, "demo", False)))
    started = time.monotonic()
    out("Demodatabase wordt gevuld met fictieve gegevens…")
    try:
        result = demo.populate(
            app.file_db(),
            args.years,
            scale=args.scale,
            progress=_progress_printer(),
        )
    finally:
        app.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    out(f"Demodatabase klaar in {time.monotonic() - started:.1f} s: {path}")
    out(
        f"{result.created['case']} zaken, {result.created['contact']} contactmomenten, "
        f"{result.created['mediation']} mediations."
    )
    out(
        f"Alle demogebruikers hebben het wachtwoord '{DEMO_PASSWORD}' "
        "(bijv. beheer, jdevries, tmeijer, directie, mediation)."
    )
    show_recovery_key(recovery)
    return 0


@maintenance
def cmd_info(args: argparse.Namespace, ctx: Context) -> int:
    if args.user is None and not ctx.on_server:
        # The key holder on a file: read without keeping it open (no SQLAlchemy, #16).
        info = Application.file_info(plan_file_opening(args))
    else:
        info = ctx.app.info(ctx.maintenance_actor)
    if not info.check.ok and info.path is not None:
        for line in info.check.lines():
            err(f"  {line}")
        raise DatabaseDamagedError(info.check.verdict)
    rows = [
        ("Database", info.location),
        ("Database-id", info.database_id),
        ("Sleutel", info.key_text),
        ("Schemaversie", str(info.schema_revision)),
        ("ikodesk", info.version),
        *((name.capitalize(), str(n)) for name, n in info.counts),
    ]
    for label, value in rows:
        out(f"{label + ':':<18}{value}")
    if info.path is None:
        # On the office server: what the server itself enforces, one line each.
        for line in info.check.lines():
            out(f"{'':<18}{line}")
        out(f"{'Controle:':<18}{'in orde' if info.check.ok else 'NIET in orde (zie hierboven)'}")
        return 0 if info.check.ok else 2
    out(f"{'Controle:':<18}{info.check.verdict}")
    return 0


@maintenance
def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    """The full check; shows no personal data, so no --user is needed."""
    try:
        app = ctx.app
    except DatabaseDamagedError as exc:
        out("Controle: de database kan niet eens worden geopend.")
        out(f"Uitslag: {exc.message}")
        return 2
    report = app.check(ctx.maintenance_actor)
    out(f"Controle van {app.path}:")
    for line in report.lines():
        out(f"  {line}")
    out(f"Uitslag: {report.verdict}")
    return 0 if report.ok else 2


def _new_passphrase() -> str:
    return os.environ.get("IKODESK_NEW_PASSPHRASE") or prompt_secret(
        "Nieuwe wachtwoordzin: ", confirm=True
    )


@maintenance
def cmd_rekey(args: argparse.Namespace, ctx: Context) -> int:
    def announce(recovery: str) -> None:
        show_recovery_key(recovery, pending=True)

    # Asked for only once the user may rekey (services.maintenance decides).
    result = ctx.app.rekey(
        ctx.maintenance_actor,
        passphrase=_new_passphrase if args.passphrase else None,
        show_recovery_key=announce,
    )
    out("")
    out("De database is opnieuw versleuteld met een nieuwe sleutel.")
    if result.recovery_key is not None:
        out("Vanaf nu geldt de nieuwe herstelsleutel hierboven; de oude opent alleen nog de kopie.")
    out(
        f"Een kopie met de oude sleutel staat in {result.pre_rekey_copy}; "
        "verwijder die als alles werkt."
    )
    return 0


@maintenance
def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.app.backup(ctx.maintenance_actor, args.dest)
    out(f"Versleutelde kopie gemaakt: {result.path}")
    return 0
