"""The same service use cases on both backends: an encrypted file and the office server.

Each test runs twice (`backend` = "file" | "server") through one small facade:
users are added by the administrator, everyone acts as their own login, and
the services are called exactly as the front-ends call them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from ikodesk.errors import AccessDenied, CaseWalled, ConcurrentChange, NotFoundError
from ikodesk.models import Country
from ikodesk.models.enums import Channel, CloseReason, Intake, MediationKind, Outcome, Party, Role
from ikodesk.reports.catalogue import BUILDERS, DOSSIER
from ikodesk.services import audit, case_contacts, case_queries, cases
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.conflicts import FamilyMatch
from ikodesk.services.deadlines import InForce, convention_check, list_deadlines
from ikodesk.services.mediation import RequestData
from ikodesk.services.mediation.workflow import register_request
from ikodesk.services.reference import CountryFacts
from ikodesk.services.reporting import ReportKind
from ikodesk.services.validation import CaseData, ChildData, PersonData
from ikodesk.services.validation.parsing import parse_case
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend
from tests.support.office import ADMIN, PASSWORD


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
        assert [r.ref for r in case_queries.search(s, actor, "owals ann").rows] == [F.MOTHER_REF]
        case = cases.get_case_by_ref(s, actor, F.MOTHER_REF)
        case_id, version = case.id, case.version
    # A name changed is found by its new spelling at once, and no longer by the old one.
    renamed = parse_case(
        {
            **R.ABDUCTION_CASE,
            "requester": {
                **R.ABDUCTION_CASE["requester"],
                "first_name": "Maria",
                "last_name": "Nowak",
            },
        }
    )
    with mother.db.transaction() as s:
        cases.update_case(s, actor, case_id, renamed, expected_version=version)
    with mother.db.session() as s:
        assert [r.ref for r in case_queries.search(s, actor, "nowak").rows] == [F.MOTHER_REF]
        assert F.MOTHER_REF not in [
            r.ref for r in case_queries.search(s, actor, "Anna Kowalska").rows
        ]


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


def _typed_father(handler: str) -> CaseData:
    """The father's dossier as a colleague types it (no reference yet)."""
    data = parse_case({**F.father_case(handler=handler), "ref": "2024-L2-09999"})
    data.ref = None
    return data


def test_a_family_is_recognised_while_typed_on_both(backend: Backend) -> None:
    """#15.5 on the server too: the server compares with cases the typist cannot read."""
    backend.add_users(("jdevries", Role.JURIST), ("sbakker", Role.JURIST))
    mother = backend.app("jdevries")
    m_actor = backend.actor(mother, "jdevries")
    with mother.db.transaction() as s:
        cases.create_case(s, m_actor, parse_case(R.ABDUCTION_CASE))
    typist = backend.app("sbakker")
    t_actor = backend.actor(typist, "sbakker")
    notice = typist.cases.check_family(t_actor, _typed_father("sbakker"), None)
    assert notice.match is FamilyMatch.OTHER_SIDE
    assert notice.excluded_handlers == {"jdevries"} and not notice.typist_excluded
    assert notice.case_id is None and notice.ref is None
    # The mother's own handler typing the other side is told it is theirs.
    mine = mother.cases.check_family(m_actor, _typed_father("sbakker"), None)
    assert mine.match is FamilyMatch.OTHER_SIDE and mine.typist_excluded
    # A fragment (the surname alone, no dated child) gets no answer.
    fragment = _typed_father("sbakker")
    fragment.requester.first_name = None
    fragment.children = []
    assert typist.cases.check_family(t_actor, fragment, None).match is FamilyMatch.NONE
    # The mother asking again: the same person, whose case she may open.
    again = parse_case({**R.ABDUCTION_CASE, "ref": "2024-L2-09998"})
    again.ref = None
    same = mother.cases.check_family(m_actor, again, None)
    assert same.match is FamilyMatch.SAME_PERSON and same.ref == F.MOTHER_REF
    # Every answered check is in the audit log, with the reference found.
    admin = backend.app(ADMIN)
    a_actor = backend.actor(admin, ADMIN)
    found = [
        (e.username, e.object_ref, e.detail)
        for name in ("sbakker", "jdevries")
        for e in admin.audit.for_user(a_actor, name)
        if e.action == "case.family_check"
    ]
    assert ("sbakker", F.MOTHER_REF, "tijdens het typen: mogelijk dezelfde familie") in found
    assert (
        "jdevries",
        F.MOTHER_REF,
        "tijdens het typen: zelfde persoon heeft al een zaak",
    ) in found


def test_users_are_managed_alike(backend: Backend) -> None:
    """Add, change the role, deactivate: on the server the login itself follows."""
    admin = backend.app(ADMIN)
    a_actor = backend.actor(admin, ADMIN)
    row = admin.admin.create_user(
        a_actor, " NieuweJurist ", Role.STUDENT, name="N. Jurist", password=PASSWORD
    )
    assert row.username == "nieuwejurist"
    admin.admin.set_role(a_actor, "nieuwejurist", Role.JURIST)
    assert {r.username: r.role for r in admin.admin.users(a_actor)}["nieuwejurist"] is Role.JURIST
    newcomer = backend.app("nieuwejurist")
    assert backend.actor(newcomer, "nieuwejurist").role is Role.JURIST
    admin.admin.set_active(a_actor, "nieuwejurist", False)
    with pytest.raises(Exception, match=r"(?i)gebruikersnaam|gedeactiveerd|uitgeschakeld|inloggen"):
        backend.actor(backend.app("nieuwejurist"), "nieuwejurist")


def test_a_weak_match_is_reviewed_alike(backend: Backend) -> None:
    """A weak match walls provisionally until an administrator confirms it (both backends)."""
    from tests.test_walls_weak import WEAK_FATHER, WEAK_MOTHER

    backend.add_users(("jdevries", Role.JURIST), ("kvisser", Role.JURIST))
    mother, father = backend.app("jdevries"), backend.app("kvisser")
    m_actor, f_actor = backend.actor(mother, "jdevries"), backend.actor(father, "kvisser")
    for app, actor, record in ((mother, m_actor, WEAK_MOTHER), (father, f_actor, WEAK_FATHER)):
        data = parse_case(record)
        data.ref = None
        with app.db.transaction() as s:
            cases.create_case(s, actor, data)
    admin = backend.app(ADMIN)
    a_actor = backend.actor(admin, ADMIN)
    (pending,) = admin.conflicts.reviews(a_actor)
    confirmed = admin.conflicts.confirm(a_actor, pending.id)
    assert confirmed.reason.startswith("bevestigd door beheerder")
    lists = admin.conflicts.lists(a_actor, reviews=True)
    assert [c.id for c in lists.conflicts] == [pending.id]
    with father.db.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, f_actor, pending.cases[0])


def test_line1_and_the_annual_report_alike(backend: Backend, tmp_path: Path) -> None:
    """A student registers calls; a manager prints the report and freezes the year."""
    backend.add_users(("tmeijer", Role.STUDENT), ("directie", Role.MANAGER))
    student = backend.app("tmeijer")
    s_actor = backend.actor(student, "tmeijer")
    refs = [
        student.cases.register_line1(
            s_actor,
            caller=PersonData(kind="parent", relation="mother", last_name=f"Beller{n}"),
            channel=Channel.PHONE,
            at=datetime(2024, 1, 8 + n, 10, 0),
            country="ES",
            note="Mag ik met de kinderen op vakantie?",
        )
        for n in range(3)
    ]
    assert refs == ["2024-L1-00001", "2024-L1-00002", "2024-L1-00003"]
    assert [r.ref for r in student.cases.recent_registrations(s_actor)][:3] == refs[::-1]
    manager = backend.app("directie")
    d_actor = backend.actor(manager, "directie")
    figures = manager.reports.figures(d_actor, 2024, None)
    assert figures["current"]["cases"]["line1"] == 3
    made = manager.reports.make(
        d_actor,
        ReportKind.ANNUAL,
        2024,
        None,
        tmp_path / "jaarverslag.pdf",
        build=BUILDERS[ReportKind.ANNUAL],
    )
    assert made.path.read_bytes().startswith(b"%PDF") and made.pages >= 1
    manager.reports.freeze(d_actor, 2024)
    assert manager.reports.diff(d_actor, 2024)["changes"] == {}
    student.cases.register_line1(
        s_actor,
        caller=PersonData(kind="parent", relation="father", last_name="Laat"),
        channel=Channel.PHONE,
        at=datetime(2024, 12, 30, 10, 0),
        note="Te laat geregistreerd",
    )
    changes = manager.reports.diff(d_actor, 2024)["changes"]
    assert changes["cases.line1"] == {"frozen": 3, "now": 4}


def test_a_mediation_runs_its_course_alike(backend: Backend) -> None:
    """The bureau's workflow: request, mediators, start, child interview, outcome."""
    backend.add_users(("mediation", Role.MEDIATION))
    bureau = backend.app("mediation")
    b_actor = backend.actor(bureau, "mediation")
    one = bureau.mediation.add_mediator(b_actor, "M. Jansen", ["nl", "pl"], cbfm=True, active=True)
    two = bureau.mediation.add_mediator(b_actor, "P. de Wit", ["nl"], cbfm=False, active=True)
    detail = bureau.mediation.register(
        b_actor,
        RequestData(MediationKind.IKO, date(2024, 2, 1), children=[ChildData(age=9)]),
    )
    assert bureau.mediation.by_ref(b_actor, detail.ref).id == detail.id
    bureau.mediation.assign_mediators(b_actor, detail.id, [one.id, two.id])
    bureau.mediation.start(b_actor, detail.id, date(2024, 3, 1))
    bureau.mediation.record_intake(b_actor, detail.id, Intake.SUITABLE, None)
    bureau.mediation.add_interview(b_actor, detail.id, date(2024, 3, 5), 1)
    done = bureau.mediation.record_outcome(
        b_actor, detail.id, Outcome.FULL_AGREEMENT, date(2024, 3, 20)
    )
    assert done.outcome is Outcome.FULL_AGREEMENT
    # A jurist reads no mediation dossier, on either backend.
    backend.add_users(("jdevries", Role.JURIST))
    jurist = backend.app("jdevries")
    with pytest.raises(AccessDenied):
        jurist.mediation.by_ref(backend.actor(jurist, "jdevries"), detail.ref)


def test_the_dossier_prints_alike_and_not_behind_the_wall(backend: Backend, tmp_path: Path) -> None:
    mother, m_actor, _father, _ = _family(backend)
    printed = mother.reports.print_dossier(
        m_actor, F.MOTHER_REF, tmp_path / "dossier.pdf", render=DOSSIER
    )
    assert printed.read_bytes().startswith(b"%PDF")
    with pytest.raises(CaseWalled):
        mother.reports.print_dossier(m_actor, F.FATHER_REF, tmp_path / "ander.pdf", render=DOSSIER)
    assert not (tmp_path / "ander.pdf").exists()
