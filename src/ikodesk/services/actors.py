"""Who is acting: an authenticated user, or the key holder on the command line."""

from __future__ import annotations

import getpass
import platform
from dataclasses import dataclass, field

from ikodesk.models.enums import Role


def workstation_name() -> str:
    """The workstation as the audit log records it (host and OS account)."""
    try:
        account = getpass.getuser()
    except Exception:  # no account name on some service setups
        account = "?"
    return f"{platform.node() or '?'}/{account}"


@dataclass(frozen=True)
class Actor:
    """The subject of every access decision.

    `user_id` is None only for the key holder: a system actor for work that
    runs on the database key alone (init, demo data, maintenance, tests). The
    command line never acts as the key holder for a command that shows
    personal data; those need a logged-in user (cli.common, docs/security.md).
    """

    user_id: int | None
    username: str
    role: Role | None
    workstation: str = field(default_factory=workstation_name)

    @property
    def is_key_holder(self) -> bool:
        return self.user_id is None

    @classmethod
    def key_holder(cls) -> Actor:
        return cls(user_id=None, username="(sleutelhouder)", role=None)
