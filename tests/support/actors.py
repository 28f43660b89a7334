"""Users of each role, as actors for service tests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ikodesk.models.enums import Role
from ikodesk.services import users
from ikodesk.services.actors import Actor


def make_actor(session: Session, username: str, role: Role) -> Actor:
    """Create a user (no password) and return it as the acting user."""
    user = users.create_user(session, Actor.key_holder(), username, role)
    return Actor(user_id=user.id, username=user.username, role=user.role)
