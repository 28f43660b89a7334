"""Users: password hashing, authentication, the admin rules.

The service tests run on both backends (`backend`: an encrypted file, the office
server, where every user is a login and the server checks the password).
"""

from __future__ import annotations

import pytest

from ikodesk.errors import AccessDenied, AuthenticationError, InputError
from ikodesk.models.enums import Role
from ikodesk.services import users
from ikodesk.services.passwords import hash_password, verify_password
from tests.support.backends import As, Backend, log_in
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD


def test_password_hash_is_scrypt_salted_and_verifies() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a.startswith("scrypt$") and a != b
    assert verify_password("correct horse", a)
    assert not verify_password("correct hors", a)
    assert not verify_password("x", None)
    assert not verify_password("x", "garbage")


@pytest.fixture
def admin(backend: Backend) -> As:
    return backend.as_(ADMIN)


def test_authenticate(backend: Backend) -> None:
    actor = log_in(backend, "Beheer ", ADMIN_PASSWORD)
    assert actor.username == "beheer" and actor.role is Role.ADMIN
    for name, pw in (("beheer", "fout-wachtwoord"), ("niemand", ADMIN_PASSWORD)):
        with pytest.raises(AuthenticationError, match="Onbekende gebruikersnaam of onjuist"):
            log_in(backend, name, pw)


def test_deactivated_user_cannot_log_in(backend: Backend, admin: As) -> None:
    with admin.transaction() as s:
        users.create_user(s, admin.actor, "jan", Role.JURIST, password="Oranje-Boot-Vaart-8642")
    assert log_in(backend, "jan", "Oranje-Boot-Vaart-8642").username == "jan"
    with admin.transaction() as s:
        users.set_active(s, admin.actor, "jan", False)
    with pytest.raises(AuthenticationError):
        log_in(backend, "jan", "Oranje-Boot-Vaart-8642")


def test_user_without_password_cannot_log_in(backend: Backend, admin: As) -> None:
    with admin.transaction() as s:
        users.create_user(s, admin.actor, "jan", Role.JURIST)
    # The same answer as a wrong password: no hint that the account exists (issue #11, 15).
    with pytest.raises(AuthenticationError) as refused:
        log_in(backend, "jan", "")
    with pytest.raises(AuthenticationError) as wrong:
        log_in(backend, "beheer", "fout-wachtwoord")
    assert refused.value.message == wrong.value.message
    if not backend.is_server:
        assert refused.value.message == users.AUTH_FAILED
    assert "nog geen wachtwoord" not in refused.value.message


def test_only_admins_manage_users(backend: Backend, admin: As) -> None:
    with admin.transaction() as s:
        users.create_user(s, admin.actor, "jan", Role.JURIST, password=PASSWORD)
    jan = backend.as_("jan")
    with jan.transaction() as s, pytest.raises(AccessDenied):
        users.create_user(s, jan.actor, "piet", Role.ADMIN)
    with jan.transaction() as s, pytest.raises(AccessDenied):
        users.set_password(s, jan.actor, "beheer", "overgenomen!")
    with jan.transaction() as s:  # but everyone may change their own password
        users.set_password(s, jan.actor, "jan", "Zilveren-Maan-Schijnt-1357")
    assert log_in(backend, "jan", "Zilveren-Maan-Schijnt-1357").username == "jan"
    with pytest.raises(AuthenticationError):
        log_in(backend, "beheer", "overgenomen!")


def test_the_last_admin_stays(admin: As) -> None:
    with admin.transaction() as s, pytest.raises(InputError, match="eigen account"):
        users.set_active(s, admin.actor, "beheer", False)
    with admin.transaction() as s, pytest.raises(InputError, match="laatste actieve beheerder"):
        users.set_role(s, admin.actor, "beheer", Role.JURIST)


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("J", "Gouden-Kroon-Glanst-4682", "gebruikersnaam"),
        ("jan", "kort", "minstens 12"),
        ("jan", " spatie-ervoor", "spatie"),
    ],
)
def test_invalid_new_users(admin: As, name: str, password: str, message: str) -> None:
    with admin.transaction() as s, pytest.raises(InputError, match=message):
        users.create_user(s, admin.actor, name, Role.JURIST, password=password)


def test_duplicate_username(admin: As) -> None:
    with admin.transaction() as s, pytest.raises(InputError, match="bestaat al"):
        users.create_user(s, admin.actor, "beheer", Role.JURIST)
