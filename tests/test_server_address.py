"""Office server addresses: parsing, the TLS rule when the address names none, and
what a failed connection to one is called.

No database: parsing addresses, and the driver's own errors for addresses where
no server answers.
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


def test_a_vanished_server_is_noticed_within_a_minute_or_two() -> None:
    """TCP keepalives and a send timeout on every connection (libpq's own parameters;
    every server test connects with them, so a name libpq does not know fails those)."""
    query = parse_server_url("postgresql://db.kantoor/x").sqlalchemy_url().query
    assert query["keepalives"] == "1"
    idle, interval, count = (
        int(query[k]) for k in ("keepalives_idle", "keepalives_interval", "keepalives_count")
    )
    assert idle + interval * count <= 120
    assert 0 < int(query["tcp_user_timeout"]) <= 120_000


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


def _failure(**where: object) -> BaseException:
    """The driver's own error for an address where no server answers."""
    import psycopg

    try:
        psycopg.connect(dbname="ikodesk", user="x", password="x", connect_timeout=5, **where)
    except psycopg.OperationalError as exc:
        return exc
    raise AssertionError("connected")


# A port no server listens on (tcpmux, never served): these tests reach no server.
NO_SERVER_PORT = 1


def test_a_server_that_cannot_be_reached_is_said_in_dutch_with_what_to_check() -> None:
    """libpq says it in English; the user reads which server and what to check, in Dutch."""
    import psycopg

    from ikodesk.errors import ServerUnavailable
    from ikodesk.storage.server.connection import connect_error

    english = ("refused", "failed", "resolve", "shutting", "connection to server")
    cases = [
        (
            _failure(host="127.0.0.1", port=NO_SERVER_PORT),
            f"127.0.0.1:{NO_SERVER_PORT}",
            "Controleer of de server aanstaat",
        ),
        (
            _failure(host="geen-server.invalid", port=NO_SERVER_PORT),
            "geen-server.invalid",
            "de naam geen-server.invalid is op dit netwerk onbekend",
        ),
        (
            psycopg.OperationalError("FATAL:  the database system is shutting down"),
            "127.0.0.1",
            "wordt op dit moment gestart of gestopt",
        ),
        (psycopg.OperationalError("connection timeout expired"), "127.0.0.1", "geen antwoord"),
    ]
    for exc, server, check in cases:
        host, _, port = server.partition(":")
        address = parse_server_url(f"postgresql://{host}:{port or NO_SERVER_PORT}/ikodesk")
        error = connect_error(exc, address)
        assert isinstance(error, ServerUnavailable), error
        assert address.label in error.message and check in error.message, error.message
        assert "lokaal bestand" in error.message
        assert not [w for w in english if w in error.message.lower()], error.message
