"""server init | upgrade: set up or upgrade the office server's database (PostgreSQL)."""

from __future__ import annotations

import argparse

from ikodesk.cli.common import Context, Subcommands, maintenance, new_password, out
from ikodesk.services import office_server


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
