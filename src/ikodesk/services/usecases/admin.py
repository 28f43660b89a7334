"""The use cases of Beheer: users, settings, the audit anchor."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ikodesk.models.enums import Role
from ikodesk.services import app_settings, audit_anchor, logins, reference, subject_access, users
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.audit_anchor import Anchor, AnchorStatus
from ikodesk.services.subject_access import Candidate, OpenRequest, PackMade, PackRenderer
from ikodesk.services.usecases.base import UseCases
from ikodesk.services.users import UserRow


class AdminUseCases(UseCases):
    # -- reference data (issue #15, point 9) ----------------------------------------------
    def update_country(
        self, actor: Actor, iso2: str, facts: reference.CountryFacts, note: str
    ) -> None:
        """Correct a country's Hague and EU facts with a source note (audited)."""
        self._run(reference.update_country, actor, iso2, facts, note)

    # -- users -------------------------------------------------------------------------
    def users(self, actor: Actor) -> list[UserRow]:
        return self._run(users.user_rows, actor)

    def create_user(
        self, actor: Actor, username: str, role: Role, *, name: str, password: str | None
    ) -> UserRow:
        """Add a user; returns them as stored (the username trimmed and in lower case)."""

        def run(s: Session) -> UserRow:
            user = users.create_user(s, actor, username, role, name=name, password=password)
            return users.user_row(user, logins.utc_now())

        return self._run(run)

    def set_password(self, actor: Actor, username: str, password: str) -> None:
        self._run(users.set_password, actor, username, password)

    def set_active(self, actor: Actor, username: str, active: bool) -> None:
        self._run(users.set_active, actor, username, active)

    def delete_user(
        self, actor: Actor, username: str, approver: ApproverCredentials | None = None
    ) -> None:
        """Remove an account that was never used (a second administrator approves)."""
        self._run(users.delete_user, actor, username, approver)

    # -- access requests (AVG art. 15, issue #18 point 5) -----------------------------------
    def subject_access_candidates(
        self, actor: Actor, name: str, birth_date: date | None
    ) -> list[Candidate]:
        """The cases and mediations in which a person of this name appears (to confirm)."""
        return self._run(subject_access.candidates, actor, name, birth_date)

    def subject_access_pack(
        self,
        actor: Actor,
        name: str,
        birth_date: date | None,
        confirmed: list[str],
        out_dir: Path,
        *,
        with_children: bool,
        received: date,
        render: PackRenderer,
    ) -> PackMade:
        """Write the JSON file and the PDF of what is held on this person in the confirmed
        dossiers (others redacted); the request is audited with its one-month deadline."""

        # Gather, write and start the clock in one unit of work (on the office server
        # the server's own function starts it): no pack, no clock.
        return self._run(
            subject_access.make_pack,
            actor,
            name,
            birth_date,
            confirmed,
            out_dir,
            with_children=with_children,
            received=received,
            render=render,
        )

    def open_access_requests(self, actor: Actor, as_of: date) -> list[OpenRequest]:
        """The access requests not yet answered, with their one-month deadlines."""
        return self._run(subject_access.open_requests, actor, as_of=as_of)

    def access_request_answered(self, actor: Actor, request_id: int) -> None:
        """Stop a request's clock: its pack went to the requester (audited)."""
        self._run(subject_access.mark_answered, actor, request_id)

    def set_role(self, actor: Actor, username: str, role: Role) -> None:
        self._run(users.set_role, actor, username, role)

    def unlock(self, actor: Actor, username: str) -> None:
        """Lift a login lock (after failed attempts)."""
        self._run(users.unlock, actor, username)

    # -- settings ----------------------------------------------------------------------
    def set_idle_lock_minutes(self, actor: Actor, minutes: int) -> None:
        self._run(app_settings.set_idle_lock_minutes, actor, minutes)

    # -- the audit anchor --------------------------------------------------------------
    def anchor_status(self) -> AnchorStatus:
        """The last anchor, for the reminder (a date and a number: no personal data)."""
        return self._run(lambda s: audit_anchor.status(s))

    def make_anchor(self, actor: Actor) -> Anchor:
        return self._run(lambda s: audit_anchor.make_anchor(s, actor))
