"""Office server addresses: parsing, and the TLS rule when the address names none.

No database: parsing addresses.
"""

from __future__ import annotations

import pytest

from ikodesk.errors import UsageError
from ikodesk.storage.server.address import is_server_url, parse_server_url


def test_an_address_with_everything() -> None:
    a = parse_server_url(
        "postgresql://postgres:ge%40heim@db.kantoor:6543/ikodesk?sslmode=verify-full"
        "&sslrootcert=/etc/ca.crt"
    )
    assert (a.host, a.port, a.database, a.user, a.password) == (
        "db.kantoor",
        6543,
        "ikodesk",
        "postgres",
        "ge@heim",
    )
    assert a.sslmode == "verify-full"
    assert a.public_url() == (
        "postgresql://db.kantoor:6543/ikodesk?sslmode=verify-full&sslrootcert=/etc/ca.crt"
    )
    assert "ge@heim" not in repr(a) and "ge@heim" not in a.label


@pytest.mark.parametrize(
    ("host", "mode"),
    [
        ("127.0.0.1", "prefer"),
        ("localhost", "prefer"),
        ("::1", "prefer"),
        ("db.kantoor", "verify-full"),
        ("10.0.0.5", "verify-full"),
    ],
)
def test_tls_when_the_address_says_nothing(host: str, mode: str) -> None:
    address = parse_server_url(
        f"postgresql://[{host}]/x" if ":" in host else f"postgresql://{host}/x"
    )
    assert address.sslmode == mode
    assert address.sqlalchemy_url().query["sslmode"] == mode


def test_an_explicit_mode_passes_through() -> None:
    assert parse_server_url("postgresql://db.kantoor/x?sslmode=require").sslmode == "require"


@pytest.mark.parametrize(
    "text",
    [
        "postgresql:///ikodesk",
        "postgresql://db.kantoor/",
        "mysql://db/x",
        "postgresql://db/x?sslmode=sometimes",
        "postgresql://db/x?options=-c%20role%3Dikodesk_owner",
        "postgresql://db:notaport/x",
    ],
)
def test_addresses_that_are_refused_in_dutch(text: str) -> None:
    with pytest.raises(UsageError, match="Ongeldig serveradres"):
        parse_server_url(text)


def test_paths_are_not_server_addresses() -> None:
    assert is_server_url("postgresql://db/x")
    assert not is_server_url("/home/jurist/ikodesk.db")
    assert not is_server_url(None)
