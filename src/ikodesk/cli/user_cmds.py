"""user add | set-password | list | deactivate | activate | unlock | delete."""

from __future__ import annotations

import argparse

from ikodesk.cli.common import Context, Subcommands, new_password, out
from ikodesk.models.enums import Role


def register(sub: Subcommands) -> None:
    p = sub.add_parser("user", help="gebruikers beheren (vereist --user met beheerdersrol)")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTIE", required=True)

    a = user_sub.add_parser("add", help="een gebruiker toevoegen")
    a.add_argument("username", metavar="NAAM")
    a.add_argument("--role", required=True, choices=[r.value for r in Role])
    a.add_argument("--name", default="", help="volledige naam")
    a.add_argument(
        "--password-stdin", action="store_true", help="wachtwoord van standaardinvoer lezen"
    )
    a.add_argument(
        "--no-password",
        action="store_true",
        help="zonder wachtwoord (de beheerder stelt het later in)",
    )
    a.set_defaults(func=cmd_add)

    s = user_sub.add_parser("set-password", help="het wachtwoord van een gebruiker instellen")
    s.add_argument("username", metavar="NAAM")
    s.add_argument("--password-stdin", action="store_true")
    s.set_defaults(func=cmd_set_password)

    ls = user_sub.add_parser("list", help="alle gebruikers tonen")
    ls.set_defaults(func=cmd_list)

    for name, active in (("deactivate", False), ("activate", True)):
        d = user_sub.add_parser(
            name, help=("een gebruiker " + ("activeren" if active else "deactiveren"))
        )
        d.add_argument("username", metavar="NAAM")
        d.set_defaults(func=cmd_set_active, active=active)

    u = user_sub.add_parser(
        "unlock", help="een na mislukte inlogpogingen vergrendeld account vrijgeven"
    )
    u.add_argument("username", metavar="NAAM")
    u.set_defaults(func=cmd_unlock)

    r = user_sub.add_parser(
        "delete",
        help="een nooit gebruikt account verwijderen (anders: deactivate); een tweede "
        "beheerder keurt goed (--approver)",
    )
    r.add_argument("username", metavar="NAAM")
    r.set_defaults(func=cmd_delete)


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    password = (
        None if args.no_password else new_password(args.username, from_stdin=args.password_stdin)
    )
    user = ctx.app.admin.create_user(
        actor, args.username, Role(args.role), name=args.name, password=password
    )
    out(f"Gebruiker {user.username} toegevoegd met rol {user.role.value}.")
    return 0


def cmd_set_password(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    password = new_password(args.username, from_stdin=args.password_stdin)
    ctx.app.admin.set_password(actor, args.username, password)
    out(f"Wachtwoord van {args.username} ingesteld.")
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    for u in ctx.app.admin.users(actor):
        status = "actief" if u.active else "gedeactiveerd"
        pw = "" if u.has_password else " (geen wachtwoord)"
        if u.locked:
            pw += " (vergrendeld: te veel mislukte inlogpogingen)"
        out(f"{u.username:<20} {u.role.value:<10} {status}{pw}  {u.name}")
    return 0


def cmd_set_active(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    ctx.app.admin.set_active(actor, args.username, args.active)
    out(f"Gebruiker {args.username} " + ("geactiveerd." if args.active else "gedeactiveerd."))
    return 0


def cmd_unlock(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    ctx.app.admin.unlock(actor, args.username)
    out(f"Account {args.username} vrijgegeven: het kan weer inloggen.")
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    actor = ctx.require_user()
    ctx.app.admin.delete_user(actor, args.username, ctx.approver())
    out(f"Gebruiker {args.username} verwijderd.")
    return 0
