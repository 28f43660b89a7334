"""A second administrator for four-eyes actions in command-line tests (issue #18)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ikodesk.models import User
from ikodesk.models.enums import Role
from ikodesk.services import users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE

SECOND_ADMIN = "tweede"
SECOND_PASSWORD = "Blauwe-Walvis-Zwemt-7352"
APPROVER_ENV = {"IKODESK_APPROVER": SECOND_ADMIN, "IKODESK_APPROVER_PASSWORD": SECOND_PASSWORD}


def add_second_admin(path: Path, passphrase: str = TEST_PASSPHRASE) -> dict[str, str]:
    """Give the database at `path` the administrator `tweede` (with a password, also
    when an import brought the account without one); returns the environment that
    names them as the approver."""
    with Database.open(path, passphrase=passphrase) as db, db.transaction() as s:
        kh = Actor.key_holder()
        if s.scalar(select(User.id).where(User.username == SECOND_ADMIN)) is None:
            users.create_user(s, kh, SECOND_ADMIN, Role.ADMIN, password=SECOND_PASSWORD)
        else:
            users.set_password(s, kh, SECOND_ADMIN, SECOND_PASSWORD)
    return APPROVER_ENV
