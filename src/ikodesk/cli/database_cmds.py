"""init, demo, info, check, rekey, backup."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from ikodesk import __version__
from ikodesk.cli.common import (
    DEMO_PASSPHRASE,
    Context,
    database_path,
    err,
    interactive,
    maintenance,
    new_password,
    out,
    prompt_secret,
)
from ikodesk.errors import DatabaseDamagedError, KeyUnavailableError
from ikodesk.models import Case, Contact, Mediation, User
from ikodesk.models.enums import Role
from ikodesk.services import access, demo, users
from ikodesk.services import maintenance as checks
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.storage import keys as keymod


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def create_database(path: Path, *, demo: bool = False) -> tuple[Database, str | None]:
    """Create a database in the key mode the environment asks for."""
    passphrase = DEMO_PASSPHRASE if demo else keymod.passphrase_from_env()
    try:
        return Database.create(path, passphrase=passphrase)
    except KeyUnavailableError:
        if not interactive():
            raise
        err(
            "Er is geen bruikbare sleutelbos (keyring); beveilig de database met een wachtwoordzin."
        )
        return Database.create(
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
    path = database_path(args)
    admin = (args.admin or _default_admin()).strip().lower()
    problem = users.username_problem(admin)
    if problem:
        err(f"Ongeldige gebruikersnaam voor de beheerder: {problem}.")
        return 1
    password = new_password(admin)
    problem = users.password_problem(password, username=admin)
    if problem:
        err(problem)
        return 2
    db, recovery = create_database(path)
    with db.transaction() as session:
        users.create_user(
            session, Actor.key_holder(), admin, Role.ADMIN, name=args.name, password=password
        )
    db.close()
    mode = "sleutelbos (keyring)" if recovery else "wachtwoordzin"
    out(f"Database aangemaakt: {path}")
    out(f"Sleutel bewaard via: {mode}")
    out(f"Beheerder: {admin}")
    show_recovery_key(recovery)
    return 0


def _progress_printer() -> object:
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
    path = database_path(args)
    db, recovery = create_database(path, demo=bool(getattr(args, "demo", False)))
    started = time.monotonic()
    out("Demodatabase wordt gevuld met fictieve gegevens…")
    try:
        result = demo.populate(
            db,
            args.years,
            scale=args.scale,
            progress=_progress_printer(),  # type: ignore[arg-type]
        )
    finally:
        db.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    out(f"Demodatabase klaar in {time.monotonic() - started:.1f} s: {path}")
    out(
        f"{result.created['case']} zaken, {result.created['contact']} contactmomenten, "
        f"{result.created['mediation']} mediations."
    )
    out(
        f"Alle demogebruikers hebben het wachtwoord '{demo.DEMO_PASSWORD}' "
        "(bijv. beheer, jdevries, tmeijer, directie, mediation)."
    )
    show_recovery_key(recovery)
    return 0


@maintenance
def cmd_info(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.db
    if args.user is not None:
        with db.session() as session:
            access.require(session, ctx.maintenance_actor, Action.BACKUP)
    report = checks.quick_check(db)
    if not report.ok:
        for line in report.lines():
            err(f"  {line}")
        raise DatabaseDamagedError(report.verdict)
    with db.session() as session:
        counts = {
            "zaken": session.scalar(select(func.count()).select_from(Case)),
            "contactmomenten": session.scalar(select(func.count()).select_from(Contact)),
            "mediations": session.scalar(select(func.count()).select_from(Mediation)),
            "gebruikers": session.scalar(select(func.count()).select_from(User)),
        }
    key = "sleutelbos (keyring)" if db.key_mode == "keyring" else "wachtwoordzin"
    rows = [
        ("Database", str(db.path)),
        ("Database-id", db.database_id),
        ("Sleutel", key),
        ("Schemaversie", str(db.schema_revision())),
        ("ikodesk", __version__),
        *((name.capitalize(), str(n)) for name, n in counts.items()),
    ]
    for label, value in rows:
        out(f"{label + ':':<18}{value}")
    out(f"{'Controle:':<18}{report.verdict}")
    return 0


@maintenance
def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    """The full check; shows no personal data, so no --user is needed."""
    try:
        db = ctx.db
    except DatabaseDamagedError as exc:
        out("Controle: de database kan niet eens worden geopend.")
        out(f"Uitslag: {exc.message}")
        return 2
    if args.user is not None:
        with db.session() as session:
            access.require(session, ctx.maintenance_actor, Action.BACKUP)
    out(f"Controle van {db.path}:")
    report = checks.full_check(db)
    for line in report.lines():
        out(f"  {line}")
    out(f"Uitslag: {report.verdict}")
    return 0 if report.ok else 2


@maintenance
def cmd_rekey(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.db
    with db.session() as session:
        access.require(session, ctx.maintenance_actor, Action.BACKUP)
    passphrase = None
    if args.passphrase:
        passphrase = os.environ.get("IKODESK_NEW_PASSPHRASE") or prompt_secret(
            "Nieuwe wachtwoordzin: ", confirm=True
        )

    def announce(recovery: str) -> None:
        show_recovery_key(recovery, pending=True)

    recovery, backup = db.rekey(passphrase=passphrase, show_recovery_key=announce)
    out("")
    out("De database is opnieuw versleuteld met een nieuwe sleutel.")
    if recovery is not None:
        out("Vanaf nu geldt de nieuwe herstelsleutel hierboven; de oude opent alleen nog de kopie.")
    out(f"Een kopie met de oude sleutel staat in {backup}; verwijder die als alles werkt.")
    return 0


@maintenance
def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.db
    with db.session() as session:
        access.require(session, ctx.maintenance_actor, Action.BACKUP)
    dest = db.backup(args.dest)
    out(f"Versleutelde kopie gemaakt: {dest}")
    return 0
