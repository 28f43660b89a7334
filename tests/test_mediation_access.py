"""Who may do what with mediations: the bureau works them, management sees aggregates.

The role tests run on both backends (`backend`: an encrypted file, the office
server), each role as its own login; the key holder's test is the file's alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.errors import AccessDenied
from ikodesk.models import AuditEntry
from ikodesk.models.enums import CaseCode, MediationKind, Role
from ikodesk.services import cases, exchange, mediators
from ikodesk.services import mediation as med
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import LinkedCase, RequestData
from ikodesk.services.validation import ChildData
from ikodesk.storage import Database
from tests.support import records as R
from tests.support.backends import As, Backend

D = date.fromisoformat


RECORDS = (*R.USERS, R.MEDIATOR, R.ABDUCTION_CASE)
REQUEST = RequestData(
    MediationKind.IKO, D("2024-04-01"), children=[ChildData(age=6)], case_ref="2024-L2-00017"
)


@pytest.fixture
def logins(backend: Backend) -> dict[Role, As]:
    """A user of every role, each their own login, on the records and one mediation."""
    backend.load(*RECORDS)
    backend.add_users(*((f"u-{role.value}", role) for role in Role))
    return {role: backend.as_(f"u-{role.value}") for role in Role}


@pytest.fixture
def mediation_id(logins: dict[Role, As]) -> int:
    bureau = logins[Role.MEDIATION]
    with bureau.transaction() as s:
        return med.register_request(s, bureau.actor, REQUEST).id


Call = Callable[[Session, Actor, int], Any]

READS: dict[str, Call] = {
    "list": lambda s, a, i: med.list_mediations(s, a, year=2024),
    "detail": lambda s, a, i: med.get_mediation(s, a, i),
    "by ref": lambda s, a, i: med.get_mediation_by_ref(s, a, "M2024-001"),
    "reminders": lambda s, a, i: med.curator_reminders(s, a),
    "warnings": lambda s, a, i: med.mediator_warnings(s, a, i, [1]),
    "find mediators": lambda s, a, i: mediators.find_mediators(s, a, language="nl"),
    "request years": lambda s, a, i: med.request_years(s, a),
    "linked case facts": lambda s, a, i: med.find_linked_case(s, a, "2024-L2-00017"),
}
WRITES: dict[str, Call] = {
    "register": lambda s, a, i: med.register_request(
        s, a, RequestData(MediationKind.NIKO, D("2024-05-01"), children=[ChildData(age=4)])
    ),
    "start": lambda s, a, i: med.start_mediation(s, a, i, D("2024-04-10")),
    "not continued": lambda s, a, i: med.not_continue(s, a, i, "reden"),
    "assign": lambda s, a, i: med.assign_mediators(s, a, i, [1]),
    "add mediator": lambda s, a, i: mediators.add_mediator(s, a, "Z. Nieuw", ["nl"]),
    "edit mediator": lambda s, a, i: mediators.update_mediator(s, a, 1, cbfm=False),
}
AGGREGATE: dict[str, Call] = {
    "mediator caseload": lambda s, a, i: mediators.list_mediators(s, a, year=2024),
}
ALL = {**READS, **WRITES, **AGGREGATE}


def _allowed(session: Session, actor: Actor, call: Call, mediation_id: int) -> bool:
    """Whether the policy lets the call through; its effects are undone either way."""
    savepoint = session.begin_nested()
    try:
        call(session, actor, mediation_id)
    except AccessDenied as exc:
        assert exc.message.startswith("Geen toegang: uw rol"), exc.message
        assert exc.exit_code == 3
        return False
    finally:
        savepoint.rollback()
    return True


EXPECTED: dict[Role, set[str]] = {
    Role.MEDIATION: set(ALL),
    Role.MANAGER: set(AGGREGATE),
    Role.ADMIN: set(),
    Role.JURIST: set(),
    Role.STUDENT: set(),
}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_gets_exactly_its_share(
    backend: Backend, logins: dict[Role, As], mediation_id: int, role: Role
) -> None:
    me = logins[role]
    with me.transaction() as session:
        allowed = {
            name for name, call in ALL.items() if _allowed(session, me.actor, call, mediation_id)
        }
    assert allowed == EXPECTED[role]
    # Every refusal is the policy's, and in the audit log (on the server a jurist's
    # detail read once got the server's own refusal, unaudited).
    with backend.inspect() as s:
        refused = s.scalars(
            select(AuditEntry.action).where(
                AuditEntry.username == me.actor.username, AuditEntry.result == "refused"
            )
        ).all()
    assert len(refused) == len(ALL) - len(EXPECTED[role])


def test_the_key_holder_may_do_everything(db: Database) -> None:
    """File only: the key holder is whoever holds the file's key (no such login on a server)."""
    holder = Actor.key_holder()
    with db.transaction() as session:
        exchange.import_lines(session, holder, R.lines(*RECORDS))
        mediation_id = med.register_request(session, holder, REQUEST).id
        assert all(_allowed(session, holder, call, mediation_id) for call in ALL.values())


def test_the_bureau_sees_only_the_basic_facts_of_a_linked_case(
    logins: dict[Role, As], mediation_id: int
) -> None:
    bureau = logins[Role.MEDIATION]
    with bureau.session() as session:
        _only_basic_facts(session, bureau.actor, mediation_id)


def _only_basic_facts(session: Session, staff: Actor, mediation_id: int) -> None:
    detail = med.get_mediation(session, staff, mediation_id)
    assert detail.case == LinkedCase(
        id=detail.case.id if detail.case else -1,
        ref="2024-L2-00017",
        code=CaseCode.INTERNATIONAL_ABDUCTION,
        opened=D("2024-03-05"),
        country="PL",
        country_name="Polen",
    )
    assert {f.name for f in dataclasses.fields(LinkedCase)} == {
        "id",
        "ref",
        "code",
        "opened",
        "country",
        "country_name",
    }
    # Nothing of the case's people or notes travels with the mediation.
    seen = repr(detail) + repr(med.list_mediations(session, staff))
    for secret in ("Kowalsk", "Anna", "Piotr", "Ola", "Vader heeft", "jdevries", "1988", "1985"):
        assert secret not in seen
    # And the case itself stays closed to the bureau.
    with pytest.raises(AccessDenied):
        cases.get_case_by_ref(session, staff, "2024-L2-00017")
