"""The small services the desktop client added: idle lock setting, Line 1 registration,
recent registrations, handlers and years for the list filters (no Qt).

Every test runs on both backends (`backend`: an encrypted file, the office server),
each user as their own login.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from ikodesk.errors import AccessDenied, InputError
from ikodesk.models.enums import Channel, OrganisationType, Party, RequesterKind, Role
from ikodesk.services import app_settings, case_facets, registrations, users
from ikodesk.services.actors import Actor
from ikodesk.services.validation import PersonData
from tests.support.backends import Backend

KH = Actor.key_holder()


@pytest.fixture
def people(backend: Backend) -> Backend:
    backend.add_users(
        ("jdevries", Role.JURIST),
        ("tmeijer", Role.STUDENT),
        ("ebos", Role.STUDENT),
        ("directie", Role.MANAGER),
    )
    admin = backend.as_("beheer")
    with admin.transaction() as s:
        users.set_active(s, admin.actor, "ebos", False)
    return backend


def test_idle_lock_minutes_default_change_and_limits(people: Backend) -> None:
    admin, jurist = people.as_("beheer"), people.as_("jdevries")
    with admin.transaction() as s:
        assert app_settings.idle_lock_minutes(s) == 15
        app_settings.set_idle_lock_minutes(s, admin.actor, 5)
        assert app_settings.idle_lock_minutes(s) == 5
        app_settings.set_idle_lock_minutes(s, admin.actor, 30)
        with pytest.raises(InputError, match="tussen 1 en 240"):
            app_settings.set_idle_lock_minutes(s, admin.actor, 0)
    with jurist.transaction() as s, pytest.raises(AccessDenied):
        app_settings.set_idle_lock_minutes(s, jurist.actor, 60)
    # Every login reads the setting the administrator saved.
    with jurist.session() as s:
        assert app_settings.idle_lock_minutes(s) == 30


def test_line1_registration_makes_a_case_and_its_first_contact(people: Backend) -> None:
    student = people.as_("tmeijer")
    at = datetime(2025, 6, 2, 9, 41)
    with student.transaction() as s:
        case = registrations.register_line1(
            s,
            student.actor,
            caller=PersonData(
                kind=RequesterKind.PROFESSIONAL,
                organisation_type=OrganisationType.POLICE,
                organisation="Politie Utrecht",
            ),
            channel=Channel.EMAIL,
            at=at,
            country="TR",
            note="  Vraag over een reis naar Turkije  ",
        )
        assert case.ref == "2025-L1-00001" and case.line == 1 and case.opened == at.date()
        assert case.summary == "Vraag over een reis naar Turkije"
        assert case.handler.username == "tmeijer"
        (contact,) = case.contacts
        assert (contact.at, contact.channel, contact.party) == (
            at,
            Channel.EMAIL,
            Party.PROFESSIONAL,
        )
    # A manager registers nothing.
    manager = people.as_("directie")
    with manager.transaction() as s, pytest.raises(AccessDenied):
        registrations.register_line1(
            s,
            manager.actor,
            caller=PersonData(relation="mother"),
            channel=Channel.PHONE,
            at=at,
        )


def test_recent_registrations_are_this_users_newest_line1_cases(people: Backend) -> None:
    student, jurist = people.as_("tmeijer"), people.as_("jdevries")
    theirs = {3, 7}  # the jurist's own, between the student's eight
    for who in (student, jurist):  # (one file: one writer at a time)
        with who.transaction() as s:
            for i in range(10):
                if (who is jurist) == (i in theirs):
                    registrations.register_line1(
                        s,
                        who.actor,
                        caller=PersonData(relation="father", last_name=f"Beller {i}"),
                        channel=Channel.PHONE,
                        at=datetime(2025, 1, 1 + i, 10, 0),
                    )
    with student.session() as s:
        mine = registrations.recent_registrations(s, student.actor)
        assert [r.requester for r in mine] == [f"Beller {i}" for i in (9, 8, 6, 5, 4, 2, 1, 0)]
        assert all(r.handler == "tmeijer" for r in mine)
        newest = registrations.recent_registrations(s, student.actor, limit=4)
        assert [r.requester for r in newest] == [f"Beller {i}" for i in (9, 8, 6, 5)]
        assert registrations.recent_registrations(s, KH) == []


def test_handler_choices_and_years(people: Backend) -> None:
    student, jurist = people.as_("tmeijer"), people.as_("jdevries")
    with jurist.session() as s:
        assert case_facets.case_years(s, jurist.actor) == []
    with student.transaction() as s:
        for day in (datetime(2022, 5, 1, 9), datetime(2025, 2, 1, 9)):
            registrations.register_line1(
                s,
                student.actor,
                caller=PersonData(relation="mother"),
                channel=Channel.PHONE,
                at=day,
                note="Vraag over een reis",
            )
    with jurist.session() as s:
        assert case_facets.case_years(s, jurist.actor) == [2025, 2024, 2023, 2022]
        handlers = case_facets.handler_choices(s, jurist.actor)
        assert [(h.username, h.active) for h in handlers] == [
            ("ebos", False),
            ("jdevries", True),
            ("tmeijer", True),
        ]
    manager = people.as_("directie")
    with manager.session() as s, pytest.raises(AccessDenied):
        case_facets.handler_choices(s, manager.actor)
