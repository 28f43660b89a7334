"""The same service use cases on both backends: an encrypted file and the office server.

Each test runs twice (`backend` = "file" | "server") through one small facade:
users are added by the administrator, everyone acts as their own login, and
the services are called exactly as the front-ends call them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import update

from ikodesk.errors import AccessDenied, CaseWalled, ConcurrentChange, NotFoundError
from ikodesk.models import Country
from ikodesk.models.enums import Channel, CloseReason, MediationKind, Party, Role
from ikodesk.services import audit, case_contacts, case_queries, cases, users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.deadlines import InForce, convention_check, list_deadlines
from ikodesk.services.mediation import RequestData
from ikodesk.services.mediation.workflow import register_request
from ikodesk.services.reference import CountryFacts
from ikodesk.services.validation import ChildData
from ikodesk.services.validation.parsing import parse_case
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office


@dataclass
class Backend:
    name: str
    office: Office | None = None
    db: Database | None = None

    def app(self, username: str) -> Application:
        if self.office is not None:
            if username == ADMIN:
                return self.office.admin()
            return self.office.app(username)
        assert self.db is not None
        return Application(self.db)

    def actor(self, app: Application, username: str) -> Actor:
        password = ADMIN_PASSWORD if username == ADMIN else PASSWORD
        return app.log_in(username, password).actor

    def add_users(self, *people: tuple[str, Role]) -> None:
        if self.office is not None:
            for name, role in people:
                self.office.add_user(name, role)
            return
        assert self.db is not None
        with self.db.transaction() as s:
            for name, role in people:
                users.create_user(s, Actor.key_holder(), name, role, password=PASSWORD)


@pytest.fixture(params=["file", "server"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "server":
        yield Backend("server", office=request.getfixturevalue("office"))
    else:
        db = request.getfixturevalue("db")
        with db.transaction() as s:
            users.create_user(s, Actor.key_holder(), ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
        yield Backend("file", db=db)


def _family(b: Backend) -> tuple[Application, Actor, Application, Actor]:
    b.add_users(("jdevries", Role.JURIST), ("kvisser", Role.JURIST))
    mother, father = b.app("jdevries"), b.app("kvisser")
    m_actor, f_actor = b.actor(mother, "jdevries"), b.actor(father, "kvisser")
    with mother.db.transaction() as s:
        cases.create_case(s, m_actor, parse_case(R.ABDUCTION_CASE))
    with father.db.transaction() as s:
        cases.create_case(s, f_actor, parse_case(F.FATHER_CASE))
    return mother, m_actor, father, f_actor


def test_register_read_change_close(backend: Backend) -> None:
    mother, actor, _father, _ = _family(backend)
    with mother.db.transaction() as s:
        case = cases.get_case_by_ref(s, actor, F.MOTHER_REF)
        case_id, version = case.id, case.version
        assert case.requester.last_name == "Kowalska"
    changed = parse_case({**R.ABDUCTION_CASE, "summary": "Moeder belt over de rechtbank"})
    with mother.db.transaction() as s:
        cases.update_case(s, actor, case_id, changed, expected_version=version)
    with mother.db.transaction() as s:
        case_contacts.add_contact(
            s,
            actor,
            case_id,
            at=datetime(2024, 3, 21, 10, 0),
            channel=Channel.PHONE,
            party=Party.PARENT,
            minutes=15,
            summary="Advies over de termijn",
        )
        cases.close_case(s, actor, case_id, date(2024, 6, 1), CloseReason.INFORMED)
    with mother.db.session() as s:
        case = cases.get_case(s, actor, case_id)
        assert case.summary == "Moeder belt over de rechtbank"
        assert [c.summary for c in case.contacts] == ["Advies over de termijn"]
        assert case.closed == date(2024, 6, 1)
    stale = parse_case({**R.ABDUCTION_CASE, "summary": "oud"})
    with mother.db.transaction() as s, pytest.raises(ConcurrentChange):
        cases.update_case(s, actor, case_id, stale, expected_version=version)


def test_the_wall_on_both(backend: Backend) -> None:
    mother, m_actor, father, f_actor = _family(backend)
    for app, actor, other in ((mother, m_actor, F.FATHER_REF), (father, f_actor, F.MOTHER_REF)):
        with app.db.session() as s, pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, actor, other)
        with app.db.session() as s:
            found = case_queries.search(s, actor, "Kowalska")
            assert other not in [r.ref for r in found.rows]


def test_search_finds_names_and_references(backend: Backend) -> None:
    mother, actor, _father, _ = _family(backend)
    with mother.db.session() as s:
        assert [r.ref for r in case_queries.search(s, actor, "Kowalska").rows] == [F.MOTHER_REF]
        assert [r.ref for r in case_queries.search(s, actor, "2024-L2-0001").rows] == [F.MOTHER_REF]
        assert case_queries.search(s, actor, "Nergens").rows == []


def test_roles_and_a_missing_case(backend: Backend) -> None:
    backend.add_users(("directie", Role.MANAGER), ("tmeijer", Role.STUDENT))
    manager = backend.app("directie")
    m_actor = backend.actor(manager, "directie")
    with manager.db.session() as s, pytest.raises(AccessDenied):
        case_queries.search(s, m_actor, "Kowalska")
    student = backend.app("tmeijer")
    s_actor = backend.actor(student, "tmeijer")
    with student.db.session() as s, pytest.raises(NotFoundError):
        cases.get_case_by_ref(s, s_actor, "2024-L2-99999")


def test_mediation_request_and_clocks(backend: Backend) -> None:
    backend.add_users(("mediation", Role.MEDIATION), ("jdevries", Role.JURIST))
    bureau = backend.app("mediation")
    b_actor = backend.actor(bureau, "mediation")
    with bureau.db.transaction() as s:
        detail = register_request(
            s,
            b_actor,
            RequestData(MediationKind.NIKO, date(2024, 5, 1), children=[ChildData(age=4)]),
        )
    assert detail.ref.startswith("M2024-")
    jurist = backend.app("jdevries")
    j_actor = backend.actor(jurist, "jdevries")
    record = {**R.ABDUCTION_CASE, "removal_date": "2024-02-10", "closed": None}
    record.pop("close_reason", None)
    with jurist.db.transaction() as s:
        cases.create_case(s, j_actor, parse_case(record))
    with jurist.db.session() as s:
        rows = list_deadlines(s, j_actor, as_of=date(2024, 3, 1), everything=True)
    assert any(r.clock == "art12_one_year" and r.due == date(2025, 2, 10) for r in rows)


def test_the_dutch_acceptance_of_an_accession_on_both(backend: Backend) -> None:
    """Issue #17: an administrator records the deposit date (Art. 38); every user's facts
    then carry it and the Art. 35 check answers. A jurist may not (refused by the policy,
    and on the server by the grants too: no UPDATE on countries)."""
    backend.add_users(("jdevries", Role.JURIST))
    admin = backend.app(ADMIN)
    a_actor = backend.actor(admin, ADMIN)
    jurist = backend.app("jdevries")
    j_actor = backend.actor(jurist, "jdevries")
    facts = CountryFacts(True, date(1992, 11, 1), True, True, date(1993, 3, 15))
    with pytest.raises(AccessDenied):
        jurist.admin.update_country(j_actor, "PL", facts, "bron")
    if backend.office is not None:
        with jurist.db.transaction() as s, pytest.raises(AccessDenied):
            s.execute(update(Country).values(hague_nl_acceptance=date(1993, 3, 15)))
    poland = next(c for c in jurist.facts().countries if c.iso2 == "PL")
    assert (poland.hague_acceded, poland.nl_acceptance) == (True, None)
    admin.admin.update_country(a_actor, "PL", facts, "Tractatenblad (testgegeven)")
    seen = jurist.facts()
    poland = next(c for c in seen.countries if c.iso2 == "PL")
    assert poland.nl_acceptance == date(1993, 3, 15)
    assert poland.source_note == "Tractatenblad (testgegeven)"
    nl = seen.netherlands
    assert nl is not None
    before = convention_check(poland.treaty, nl.hague_since, None, date(1993, 5, 31))
    after = convention_check(poland.treaty, nl.hague_since, None, date(1993, 6, 1))
    assert before is not None and before.in_force is InForce.NO
    assert after is not None and after.in_force is InForce.YES


def test_audit_chain_verifies(backend: Backend) -> None:
    _family(backend)
    admin = backend.app(ADMIN)
    backend.actor(admin, ADMIN)  # logs in (on the server: the server checks)
    with admin.db.session() as s:
        check = audit.verify_chain(s)
        assert check.ok, check.problem
        assert check.entries > 0
