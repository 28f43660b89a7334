"""Use cases of the office server that run before anyone logs in: init and upgrade.

`ikodesk server init URL --admin NAME` and `server upgrade URL` run with a
PostgreSQL role that may create roles (the address carries it); ikodesk's own
rules for the first administrator (user name, password policy) are applied
here before anything reaches the server. See storage/server and docs/server.md.
"""

from __future__ import annotations

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.services.actors import workstation_name
from ikodesk.services.passwords import password_problem
from ikodesk.services.users import username_problem
from ikodesk.storage.server import ServerAddress, is_server_url, parse_server_url
from ikodesk.storage.server.setup import SetupResult
from ikodesk.storage.server.setup import init as _init
from ikodesk.storage.server.setup import upgrade as _upgrade

__all__ = ["ServerAddress", "SetupResult", "init", "is_server_url", "parse_server_url", "upgrade"]


def init(url: str, admin: str, password: str, *, name: str = "") -> SetupResult:
    """Set up the office server database of `url` with its first administrator."""
    admin = admin.strip().lower()
    problem = username_problem(admin)
    if problem:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Ongeldige gebruikersnaam: {problem}."), problem=problem
        )
    weak = password_problem(password, username=admin)
    if weak:
        raise InputError(weak)
    return _init(
        parse_server_url(url), admin, name.strip(), password, workstation=workstation_name()
    )


def upgrade(url: str) -> SetupResult:
    """Bring the office server database of `url` to this version (schema, rights, functions)."""
    return _upgrade(parse_server_url(url))
