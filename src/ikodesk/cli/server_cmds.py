"""server init | upgrade: set up or upgrade the office server's database (PostgreSQL)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

from ikodesk.cli.common import (
    ENV_PASSWORD,
    Context,
    Subcommands,
    maintenance,
    new_password,
    out,
    prompt_secret,
)
from ikodesk.services import office_server
from ikodesk.services.application import Application
from ikodesk.services.server_move import MoveFailed, MoveReport

ENV_SERVER_PASSWORD = "IKODESK_SERVER_PASSWORD"
log = logging.getLogger("ikodesk")


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "server",
        help="de kantoorserver (PostgreSQL) inrichten of bijwerken",
        description="Draai deze commando's met een PostgreSQL-rol die rollen mag maken, "
        "in het adres: postgresql://postgres:WACHTWOORD@HOST:POORT/DATABASE. "
        "ikodesk zelf gebruikt die rol daarna nooit; gebruikers loggen in met hun eigen naam.",
    )
    server_sub = p.add_subparsers(dest="server_command", metavar="ACTIE", required=True)

    i = server_sub.add_parser(
        "init", help="een lege database inrichten, met de eerste beheerder van ikodesk"
    )
    i.add_argument("url", metavar="URL")
    i.add_argument("--admin", required=True, metavar="NAAM", help="de eerste beheerder")
    i.add_argument("--name", default="", help="de volledige naam van de beheerder")
    i.add_argument("--password-stdin", action="store_true")
    i.set_defaults(func=cmd_init)

    u = server_sub.add_parser(
        "upgrade", help="schema, rechten en functies bijwerken naar deze versie"
    )
    u.add_argument("url", metavar="URL")
    u.set_defaults(func=cmd_upgrade)
    register_migrate(server_sub)


@maintenance
def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    password = new_password(args.admin, from_stdin=args.password_stdin)
    result = office_server.init(args.url, args.admin, password, name=args.name)
    out(result.message)
    return 0


@maintenance
def cmd_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    out(office_server.upgrade(args.url).message)
    return 0


def register_migrate(server_sub: Any) -> None:
    m = server_sub.add_parser(
        "migrate",
        help="een kantoor van een databasebestand naar de kantoorserver verhuizen",
        description="Kopieert alles (gebruikers, zaken, muren, beoordelingen, auditlog) naar "
        "een net ingerichte kantoorserver en vergelijkt daarna de cijfers van elk jaar. "
        "Log in met --user als beheerder van beide; het wachtwoord voor het bestand uit "
        f"{ENV_PASSWORD}, voor de server uit {ENV_SERVER_PASSWORD} (of hetzelfde).",
    )
    m.add_argument("file", metavar="BESTAND", type=Path)
    m.add_argument("url", metavar="URL")
    m.add_argument(
        "--server-user", metavar="NAAM", help="de beheerder op de server (standaard: --user)"
    )
    m.set_defaults(func=cmd_migrate)


def cmd_migrate(args: argparse.Namespace, ctx: Context) -> int:
    args.db = str(args.file)
    actor = ctx.require_user()
    username = (args.server_user or args.user).strip().lower()
    password = os.environ.get(ENV_SERVER_PASSWORD) or os.environ.get(ENV_PASSWORD)
    if password is None:
        password = prompt_secret(f"Wachtwoord voor {username} op de kantoorserver: ")
    server = Application.connect(args.url, username, password)
    try:
        server_actor = server.log_in(username, password).actor
        try:
            report = ctx.app.move_to_server(
                actor, server, server_actor, progress=lambda table, n: log.info("%s: %d", table, n)
            )
        except MoveFailed as failed:
            _print_figures(failed.report)
            raise
    finally:
        server.close()
    for table, n in report.copied.items():
        out(f"{table:<22} {n:>9}")
    _print_figures(report)
    out(f"Verhuisd naar {args.url}: alle cijfers van {len(report.figures)} jaar gelijk.")
    return 0


def _print_figures(report: MoveReport) -> None:
    for year, values in sorted(report.figures.items()):
        out(f"\nCijfers {year}{'':<43} {'bestand':>10} {'server':>10}")
        for key, (a, b) in values.items():
            mark = "" if a == b else "  ≠"
            out(f"  {key:<50} {_cell(a):>10} {_cell(b):>10}{mark}")


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)
