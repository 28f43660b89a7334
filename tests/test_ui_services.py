"""The small services the desktop client added: idle lock setting, Line 1 registration,
recent registrations, handlers and years for the list filters (no Qt)."""

from __future__ import annotations

from datetime import datetime

import pytest

from ikodesk.errors import AccessDenied, InputError
from ikodesk.models.enums import Channel, OrganisationType, Party, RequesterKind, Role
from ikodesk.services import app_settings, case_facets, registrations, users
from ikodesk.services.actors import Actor
from ikodesk.services.validation import PersonData
from ikodesk.storage import Database

KH = Actor.key_holder()


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    out = {}
    with db.transaction() as s:
        for name, role in (
            ("beheer", Role.ADMIN),
            ("jdevries", Role.JURIST),
            ("tmeijer", Role.STUDENT),
            ("ebos", Role.STUDENT),
            ("directie", Role.MANAGER),
        ):
            u = users.create_user(s, KH, name, role, password="Groene-Tafel-Zingt-4821")
            out[name] = Actor(u.id, u.username, u.role)
        users.set_active(s, KH, "ebos", False)
    return out


def test_idle_lock_minutes_default_change_and_limits(
    db: Database, people: dict[str, Actor]
) -> None:
    with db.transaction() as s:
        assert app_settings.idle_lock_minutes(s) == 15
        app_settings.set_idle_lock_minutes(s, people["beheer"], 5)
        assert app_settings.idle_lock_minutes(s) == 5
        app_settings.set_idle_lock_minutes(s, people["beheer"], 30)
        with pytest.raises(InputError, match="tussen 1 en 240"):
            app_settings.set_idle_lock_minutes(s, people["beheer"], 0)
        with pytest.raises(AccessDenied):
            app_settings.set_idle_lock_minutes(s, people["jdevries"], 60)
    with db.session() as s:
        assert app_settings.idle_lock_minutes(s) == 30


def test_line1_registration_makes_a_case_and_its_first_contact(
    db: Database, people: dict[str, Actor]
) -> None:
    student = people["tmeijer"]
    at = datetime(2025, 6, 2, 9, 41)
    with db.transaction() as s:
        case = registrations.register_line1(
            s,
            student,
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
        with pytest.raises(AccessDenied):
            registrations.register_line1(
                s,
                people["directie"],
                caller=PersonData(relation="mother"),
                channel=Channel.PHONE,
                at=at,
            )


def test_recent_registrations_are_this_users_newest_line1_cases(
    db: Database, people: dict[str, Actor]
) -> None:
    with db.transaction() as s:
        for i in range(23):
            actor = people["tmeijer"] if i % 3 else people["jdevries"]
            registrations.register_line1(
                s,
                actor,
                caller=PersonData(relation="father", last_name=f"Beller {i}"),
                channel=Channel.PHONE,
                at=datetime(2025, 1, 1 + i, 10, 0),
            )
    with db.session() as s:
        mine = registrations.recent_registrations(s, people["tmeijer"])
        assert [r.requester for r in mine[:3]] == ["Beller 22", "Beller 20", "Beller 19"]
        assert len(mine) == 15 and all(r.handler == "tmeijer" for r in mine)
        assert len(registrations.recent_registrations(s, people["tmeijer"], limit=4)) == 4
        assert registrations.recent_registrations(s, KH) == []


def test_handler_choices_and_years(db: Database, people: dict[str, Actor]) -> None:
    with db.session() as s:
        assert case_facets.case_years(s, people["jdevries"]) == []
    with db.transaction() as s:
        for day in (datetime(2022, 5, 1, 9), datetime(2025, 2, 1, 9)):
            registrations.register_line1(
                s,
                people["tmeijer"],
                caller=PersonData(relation="mother"),
                channel=Channel.PHONE,
                at=day,
                note="Vraag over een reis",
            )
    with db.session() as s:
        assert case_facets.case_years(s, people["jdevries"]) == [2025, 2024, 2023, 2022]
        handlers = case_facets.handler_choices(s, people["jdevries"])
        assert [(h.username, h.active) for h in handlers] == [
            ("ebos", False),
            ("jdevries", True),
            ("tmeijer", True),
        ]
        with pytest.raises(AccessDenied):
            case_facets.handler_choices(s, people["directie"])
