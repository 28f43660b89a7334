"""The services on the office server: the same use cases, the same answers as on a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ikodesk.errors import WALL_MESSAGE, AccessDenied
from ikodesk.models.enums import Channel, Role
from ikodesk.services import case_queries, cases, registrations, users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.figures.assembling import compute_figures
from ikodesk.services.validation import PersonData
from ikodesk.services.validation.parsing import parse_case
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN_PASSWORD, PASSWORD, Office

STAFF = (
    ("jdevries", Role.JURIST),
    ("kvisser", Role.JURIST),
    ("tmeijer", Role.STUDENT),
    ("directie", Role.MANAGER),
)


def _work(open_as: Any, actor_of: Any) -> None:
    """The same registrations, through the services, by the same users."""
    jurist, other, student = open_as("jdevries"), open_as("kvisser"), open_as("tmeijer")
    for app, record in ((jurist, R.ABDUCTION_CASE), (other, F.FATHER_CASE)):
        with app.db.transaction() as s:
            cases.create_case(s, actor_of(app, s), parse_case(record))
    for n in range(3):
        with student.db.transaction() as s:
            registrations.register_line1(
                s,
                actor_of(student, s),
                caller=PersonData(kind="parent", relation="mother", last_name=f"Beller{n}"),
                channel=Channel.PHONE,
                at=datetime(2024, 3, 4 + n, 10, 0),
                country="ES",
                note="Mag ik met de kinderen op vakantie?",
            )


def _server_actor(app: Application, s: Any) -> Actor:
    return users.authenticate(s, app.db.username, "")  # the server checked the password


def test_figures_on_the_server_equal_the_file(office: Office, db: Database) -> None:
    for name, role in STAFF:
        office.add_user(name, role)
    _work(office.app, _server_actor)
    with db.transaction() as s:
        for name, role in STAFF:
            users.create_user(s, Actor.key_holder(), name, role, password=PASSWORD)

    class Local:
        def __init__(self, name: str) -> None:
            self.db = db
            self.name = name

    _work(Local, lambda app, s: F.actor(db, app.name))
    manager = office.app("directie")
    with manager.db.session() as s:
        on_server = compute_figures(s, _server_actor(manager, s), 2024)
    with db.session() as s:
        on_file = compute_figures(s, F.actor(db, "directie"), 2024)
    assert on_server == on_file
    assert on_server["cases"]["total"] == 5


def test_references_come_from_the_server(office: Office) -> None:
    for name, role in STAFF:
        office.add_user(name, role)
    _work(office.app, _server_actor)
    student = office.app("tmeijer")
    with student.db.session() as s:
        refs = [r.ref for r in registrations.recent_registrations(s, _server_actor(student, s))]
    assert sorted(refs) == ["2024-L1-00001", "2024-L1-00002", "2024-L1-00003"]


def test_the_command_line_on_the_server(office: Office, cli: Any) -> None:
    for name, role in STAFF:
        office.add_user(name, role)
    _work(office.app, _server_actor)
    env = {"IKODESK_PASSWORD": PASSWORD}
    walled = cli(["--db", office.url, "--user", "jdevries", "case", "show", F.FATHER_REF], env)
    assert walled.code == 3
    assert WALL_MESSAGE in walled.err
    own = cli(["--db", office.url, "--user", "jdevries", "case", "show", F.MOTHER_REF], env)
    assert own.code == 0, own.err
    assert "Kowalska" in own.out
    # No login, no access: there is no key holder on the server.
    anonymous = cli(["--db", office.url, "case", "show", F.MOTHER_REF])
    assert anonymous.code == 3
    wrong = cli(
        ["--db", office.url, "--user", "jdevries", "case", "show", F.MOTHER_REF],
        {"IKODESK_PASSWORD": "fout"},
    )
    assert wrong.code == 2 and "Onbekende gebruikersnaam of onjuist wachtwoord" in wrong.err
    verify = cli(
        ["--db", office.url, "--user", "beheer", "audit", "verify"],
        {"IKODESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert verify.code == 0, verify.err
    # info: what the server enforces, checked, and counts without names.
    info = cli(
        ["--db", office.url, "--user", "beheer", "info"], {"IKODESK_PASSWORD": ADMIN_PASSWORD}
    )
    assert info.code == 0, info.err
    assert office.url.split("//")[1].split("/")[0] in info.out.replace("localhost", "127.0.0.1")
    assert "geen: iedere gebruiker logt in op de kantoorserver" in info.out
    assert "Rijbeveiliging: in orde. aan op alle 9 tabellen" in info.out, info.out
    assert "Aanmelding: in orde" in info.out and "Verbinding: in orde" in info.out
    assert "Zaken:" in info.out and "Kowalsk" not in info.out
    refused = cli(["--db", office.url, "--user", "jdevries", "info"], env)
    assert refused.code == 3


def test_users_are_logins(office: Office, tmp_path: Path) -> None:
    office.add_user("nieuw", Role.JURIST, password=None)
    with pytest.raises(Exception, match="Onbekende gebruikersnaam"):
        office.app("nieuw", "")  # imported or added without a password: no login yet
    admin = office.admin()
    with admin.db.transaction() as s:
        users.set_password(s, office.actor(admin), "nieuw", "Groene-Uil-Vliegt-4471")
    app = office.app("nieuw", "Groene-Uil-Vliegt-4471")
    with app.db.transaction() as s:  # a user changes their own password
        users.set_password(s, office.actor(app), "nieuw", "Blauwe-Vis-Zwemt-8830")
    office.app("nieuw", "Blauwe-Vis-Zwemt-8830")
    with admin.db.transaction() as s:
        users.set_active(s, office.actor(admin), "nieuw", False)
    with pytest.raises(Exception, match="Onbekende gebruikersnaam"):
        office.app("nieuw", "Blauwe-Vis-Zwemt-8830")
    # Every change of a login is recorded by the server itself, whatever client made it.
    with office.psql("beheer", ADMIN_PASSWORD) as conn:
        conn.execute("UPDATE users SET role = 'manager' WHERE username = 'nieuw'")
        details = [
            r[0]
            for r in conn.execute(
                "SELECT detail FROM audit_log WHERE workstation = 'server' "
                "AND object_ref = 'nieuw' ORDER BY id"
            )
        ]
    assert details[0].startswith("login aangemaakt; rol jurist")
    assert "wachtwoord gewijzigd" in details[1]
    assert details[-1].startswith("rol manager; gedeactiveerd")
    # A student cannot make itself an administrator, whatever it sends.
    student_app = office.app("beheer", ADMIN_PASSWORD)
    with student_app.db.transaction() as s:
        users.create_user(s, office.actor(student_app), "stud", Role.STUDENT, password=PASSWORD)
    stud = office.app("stud")
    with stud.db.transaction() as s, pytest.raises(AccessDenied):
        users.set_role(s, office.actor(stud), "stud", Role.ADMIN)


def test_a_connection_lost_mid_session_is_said_plainly_and_the_next_try_works(
    office: Office,
) -> None:
    import psycopg

    from ikodesk.errors import ServerUnavailable

    office.add_user("jdevries", Role.JURIST)
    app = office.app("jdevries")
    with app.db.session() as s:
        actor = _server_actor(app, s)
        with psycopg.connect(office.superuser_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'jdevries'"
            )
        with pytest.raises(ServerUnavailable) as lost:
            case_queries.search(s, actor, "Kowalska")
    assert "verbinding met de kantoorserver" in lost.value.message
    assert office.database in lost.value.message
    with app.db.session() as s:  # asked again: a new connection, no error
        assert case_queries.search(s, actor, "Kowalska").rows == []
