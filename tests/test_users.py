"""Users: password hashing, authentication, the admin rules."""

from __future__ import annotations

import pytest

from ikodesk.errors import AccessDenied, AuthenticationError, InputError
from ikodesk.models.enums import Role
from ikodesk.services import users
from ikodesk.services.actors import Actor
from ikodesk.services.passwords import hash_password, verify_password
from ikodesk.storage import Database

KH = Actor.key_holder()


def test_password_hash_is_scrypt_salted_and_verifies() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a.startswith("scrypt$") and a != b
    assert verify_password("correct horse", a)
    assert not verify_password("correct hors", a)
    assert not verify_password("x", None)
    assert not verify_password("x", "garbage")


def _admin(db: Database) -> Actor:
    with db.transaction() as s:
        u = users.create_user(s, KH, "beheer", Role.ADMIN, password="Paarse-Olifant-Danst-1987")
        return Actor(u.id, u.username, u.role)


def test_authenticate(db: Database) -> None:
    _admin(db)
    with db.session() as s:
        actor = users.authenticate(s, "Beheer ", "Paarse-Olifant-Danst-1987")
        assert actor.username == "beheer" and actor.role is Role.ADMIN
        for name, pw in (("beheer", "fout-wachtwoord"), ("niemand", "Paarse-Olifant-Danst-1987")):
            with pytest.raises(AuthenticationError, match="Onbekende gebruikersnaam of onjuist"):
                users.authenticate(s, name, pw)


def test_deactivated_user_cannot_log_in(db: Database) -> None:
    admin = _admin(db)
    with db.transaction() as s:
        users.create_user(s, admin, "jan", Role.JURIST, password="Oranje-Boot-Vaart-8642")
        users.set_active(s, admin, "jan", False)
    with db.session() as s, pytest.raises(AuthenticationError):
        users.authenticate(s, "jan", "Oranje-Boot-Vaart-8642")


def test_user_without_password_cannot_log_in(db: Database) -> None:
    admin = _admin(db)
    with db.transaction() as s:
        users.create_user(s, admin, "jan", Role.JURIST)
    # The same answer as a wrong password: no hint that the account exists (issue #11, 15).
    with db.session() as s, pytest.raises(AuthenticationError) as refused:
        users.authenticate(s, "jan", "")
    assert refused.value.message == users.AUTH_FAILED
    assert "nog geen wachtwoord" not in refused.value.message


def test_only_admins_manage_users(db: Database) -> None:
    admin = _admin(db)
    with db.transaction() as s:
        u = users.create_user(s, admin, "jan", Role.JURIST, password="Oranje-Boot-Vaart-8642")
        jurist = Actor(u.id, u.username, u.role)
    with db.transaction() as s, pytest.raises(AccessDenied):
        users.create_user(s, jurist, "piet", Role.ADMIN)
    with db.transaction() as s, pytest.raises(AccessDenied):
        users.set_password(s, jurist, "beheer", "overgenomen!")
    with db.transaction() as s:  # but everyone may change their own password
        users.set_password(s, jurist, "jan", "Zilveren-Maan-Schijnt-1357")


def test_the_last_admin_stays(db: Database) -> None:
    admin = _admin(db)
    with db.transaction() as s, pytest.raises(InputError, match="eigen account"):
        users.set_active(s, admin, "beheer", False)
    with db.transaction() as s, pytest.raises(InputError, match="laatste actieve beheerder"):
        users.set_role(s, admin, "beheer", Role.JURIST)


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("J", "Gouden-Kroon-Glanst-4682", "gebruikersnaam"),
        ("jan", "kort", "minstens 12"),
        ("jan", " spatie-ervoor", "spatie"),
    ],
)
def test_invalid_new_users(db: Database, name: str, password: str, message: str) -> None:
    admin = _admin(db)
    with db.transaction() as s, pytest.raises(InputError, match=message):
        users.create_user(s, admin, name, Role.JURIST, password=password)


def test_duplicate_username(db: Database) -> None:
    admin = _admin(db)
    with db.transaction() as s, pytest.raises(InputError, match="bestaat al"):
        users.create_user(s, admin, "beheer", Role.JURIST)
