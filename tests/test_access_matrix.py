"""The role matrix, exhaustively: every role against every action, at the policy point.

`test_role_matrix_with_each_roles_own_login` runs on both backends (`backend`):
a real user of each role asks every action in their own session (on the server,
their own login), and every refusal is audited under their name. The other
tests decide on synthetic actors and facts that no database row backs (the
policy table itself, and the file's key holder, which the server has not): they
run once, on one module-wide file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from ikodesk.errors import AccessDenied
from ikodesk.models import AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import access, audit
from ikodesk.services.access import Action, CaseFacts
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.support.backends import Backend

A = Action
DOSSIER = {A.CASE_READ, A.CASE_CREATE, A.CASE_UPDATE, A.CASE_PRINT, A.CONTACT_CREATE}
LISTS = {A.CASE_LIST, A.CASE_SEARCH}
# Whoever registers cases is told, while typing, of a family the centre knows (issue #15).
TYPING = {A.FAMILY_CHECK}

# The policy as the issue states it, written out independently of access.ROLE_ACTIONS.
EXPECTED: dict[Role, set[Action]] = {
    Role.STUDENT: DOSSIER | LISTS | TYPING,  # no export of dossiers
    # Jurists list the clocks of their own cases (walls apply), management counts them.
    # A jurist may also put a legal hold on a case they handle (access.require_hold, #18).
    Role.JURIST: DOSSIER | LISTS | TYPING | {A.CASE_EXPORT, A.DEADLINES_VIEW, A.LEGAL_HOLD},
    # The bureau: mediation records, the pool's caseload, a linked case's basic facts.
    Role.MEDIATION: {A.MEDIATION_READ, A.MEDIATION_WRITE, A.MEDIATION_AGGREGATE, A.CASE_FACTS},
    # Managers also freeze a year's figures and write the report's chapters (issue #14).
    Role.MANAGER: {
        A.FIGURES_VIEW,
        A.FIGURES_FREEZE,
        A.REPORT_PRINT,
        A.REPORT_TEXT_WRITE,
        A.CONFLICTS_VIEW,
        A.MEDIATION_AGGREGATE,
        A.DEADLINES_COUNT,
    },
    Role.ADMIN: {
        A.USER_MANAGE,
        A.REFERENCE_MANAGE,
        A.BACKUP,
        A.AUDIT_VIEW,
        A.AUDIT_ANCHOR,
        A.CONFLICTS_VIEW,
        A.CONFLICTS_REVIEW,
        A.FIGURES_VIEW,
        A.FIGURES_FREEZE,
        A.REPORT_PRINT,
        # "registratie volledig vanaf" and the report logo (issue #14).
        A.SETTINGS_MANAGE,
        # The whole database in or out: crosses every wall, audited (issue #11, point 1).
        A.EXPORT_ALL,
        A.IMPORT,
        # Every case's clocks by reference, walls applying (issue #17).
        A.DEADLINES_VIEW,
        # Access requests (AVG art. 15): one person's data, others redacted (issue #18).
        A.SUBJECT_ACCESS,
        # Retention (issue #18): periods, the run (with a second admin), the register, holds.
        A.RETENTION_MANAGE,
        A.RETENTION_RUN,
        A.RETENTION_REGISTER,
        A.LEGAL_HOLD,
    },
}


@pytest.fixture(scope="module")
def matrix_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database for the whole matrix (creating one per case costs the KDF each time)."""
    from tests.conftest import TEST_PASSPHRASE

    database, _ = Database.create(
        tmp_path_factory.mktemp("matrix") / "m.db", passphrase=TEST_PASSPHRASE
    )
    yield database
    database.close()


def test_the_expectation_covers_every_action() -> None:
    named = set().union(*EXPECTED.values())
    # Events (a failed login, a refused command, a conflict scan) are recorded, never granted.
    assert named == set(Action) - access.EVENT_ACTIONS


def test_no_role_is_granted_an_event() -> None:
    assert set(Action) >= access.EVENT_ACTIONS
    for granted in access.ROLE_ACTIONS.values():
        assert not granted & access.EVENT_ACTIONS


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)))
def test_role_matrix(matrix_db: Database, role: Role, action: Action) -> None:
    actor = Actor(1, f"x-{role.value}", role)
    expected = action in EXPECTED[role]
    with matrix_db.session() as s:
        assert access.allowed(s, actor, action) is expected
        if expected:
            access.require(s, actor, action)
        else:
            with pytest.raises(AccessDenied, match="Geen toegang"):
                access.require(s, actor, action)


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_with_each_roles_own_login(backend: Backend, role: Role) -> None:
    username = "beheer" if role is Role.ADMIN else f"x{role.value}"
    if role is not Role.ADMIN:
        backend.add_users((username, role))
    me = backend.as_(username)
    with backend.inspect() as s:
        before = s.scalar(select(func.max(AuditEntry.id))) or 0
    refused: list[str] = []
    for action in Action:
        expected = action in EXPECTED[role]
        with me.session() as s:
            assert access.allowed(s, me.actor, action) is expected, action
        if expected:
            with me.transaction() as s:
                access.require(s, me.actor, action)
        else:
            with pytest.raises(AccessDenied, match="Geen toegang"), me.transaction() as s:
                access.require(s, me.actor, action)
            refused.append(action.value)
    assert refused
    with backend.inspect() as s:
        rows = s.execute(
            select(AuditEntry.username, AuditEntry.action)
            .where(AuditEntry.id > before, AuditEntry.result == audit.REFUSED)
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(r) for r in rows] == [(username, a) for a in refused]


@pytest.mark.parametrize("action", list(Action))
def test_the_key_holder_may_do_everything(matrix_db: Database, action: Action) -> None:
    with matrix_db.session() as s:
        access.require(s, Actor.key_holder(), action)
        access.require(s, Actor.key_holder(), action, CaseFacts(1, 2, 99, "X"))


@pytest.mark.parametrize("action", sorted(DOSSIER - {A.CASE_CREATE}))
@pytest.mark.parametrize(
    ("line", "own", "expected"), [(1, False, True), (2, True, True), (2, False, False)]
)
def test_students_read_line_1_and_their_own_intakes(
    matrix_db: Database, action: Action, line: int, own: bool, expected: bool
) -> None:
    student = Actor(7, "student", Role.STUDENT)
    facts = CaseFacts(None, line, 7 if own else 8, "REF")
    with matrix_db.session() as s:
        assert access.allowed(s, student, action, facts) is expected


def test_a_student_may_open_a_line_2_intake_for_a_jurist(matrix_db: Database) -> None:
    student = Actor(7, "student", Role.STUDENT)
    with matrix_db.session() as s:
        assert access.allowed(s, student, A.CASE_CREATE, CaseFacts(None, 2, 8))
