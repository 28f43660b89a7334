"""Where the office server is: `postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DBNAME[?sslmode=...]`.

TLS: an `sslmode` in the address is passed through (`require`, `verify-full`
with `sslrootcert=` a CA file, ...). Without one, a loopback host gets `prefer`
(the server on this machine) and every other host `verify-full`: the server's
certificate must be signed by a trusted CA and name the host, so nobody in
between can read passwords or dossiers.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ikodesk.errors import QT_TRANSLATE_NOOP, UsageError

# Parsing an address loads no SQLAlchemy (a file's `ikodesk info`, issue #16).
if TYPE_CHECKING:
    from sqlalchemy import URL

SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# Connection parameters passed through to libpq from the address's query.
_PASSED = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")
CONNECT_TIMEOUT_S = 10
# A server that vanishes without closing the connection (its machine off, a network
# cable out, a VPN dropped) would otherwise be noticed after the operating system's
# two hours. TCP keepalives ask after 30 s of silence, every 10 s, three times; data
# sent and not acknowledged for 60 s ends the connection too. The user is then told
# which server and what to check, as when the server refuses (storage.server.connection).
KEEPALIVE = {
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "60000",
}

BAD_URL = QT_TRANSLATE_NOOP(
    "services",
    "Ongeldig serveradres: {problem}. Verwacht: postgresql://HOST[:POORT]/DATABASE",
)


def is_server_url(text: str | None) -> bool:
    return bool(text) and str(text).split("://", 1)[0].lower() in SCHEMES and "://" in str(text)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_sslmode(host: str) -> str:
    """The rule when the address names no sslmode: prefer on loopback, verify-full elsewhere."""
    return "prefer" if is_loopback(host) else "verify-full"


@dataclass(frozen=True)
class ServerAddress:
    host: str
    database: str
    port: int = DEFAULT_PORT
    # The user and password an address may carry (server init/upgrade/migrate);
    # ikodesk users log in with --user and IKODESK_PASSWORD or the prompt instead.
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    options: tuple[tuple[str, str], ...] = ()

    @property
    def sslmode(self) -> str:
        return dict(self.options).get("sslmode") or default_sslmode(self.host)

    @property
    def label(self) -> str:
        """What the user sees: host:port/database (never a password)."""
        return f"{self.host}:{self.port}/{self.database}"

    def with_login(self, user: str, password: str | None) -> ServerAddress:
        return replace(self, user=user, password=password)

    def without_login(self) -> ServerAddress:
        return replace(self, user=None, password=None)

    def public_url(self) -> str:
        """The address without user or password (to remember per workstation)."""
        query = "&".join(f"{k}={v}" for k, v in self.options)
        return f"postgresql://{self.host}:{self.port}/{self.database}" + (
            f"?{query}" if query else ""
        )

    def sqlalchemy_url(self, database: str | None = None) -> URL:
        query = dict(self.options)
        query["sslmode"] = self.sslmode
        query.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
        query.update(KEEPALIVE)
        query["application_name"] = "ikodesk"
        from sqlalchemy import URL

        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password,
            host=self.host,
            port=self.port,
            database=database or self.database,
            query=query,
        )


def parse_server_url(text: str) -> ServerAddress:
    """Parse an address; UsageError in Dutch when it is not one ikodesk can use."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        raise UsageError(BAD_URL, problem=str(exc)) from None
    if parts.scheme.lower() not in SCHEMES:
        raise UsageError(BAD_URL, problem="het adres begint niet met postgresql://")
    if not parts.hostname:
        raise UsageError(BAD_URL, problem="de servernaam (host) ontbreekt")
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise UsageError(BAD_URL, problem="de naam van de database ontbreekt")
    options: list[tuple[str, str]] = []
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if key not in _PASSED:
            raise UsageError(BAD_URL, problem=f"onbekende instelling {key}")
        options.append((key, values[-1]))
    mode = dict(options).get("sslmode")
    if mode is not None and mode not in SSL_MODES:
        raise UsageError(BAD_URL, problem=f"onbekende sslmode {mode}")
    return ServerAddress(
        host=parts.hostname,
        database=database,
        port=port or DEFAULT_PORT,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        options=tuple(sorted(options)),
    )


def make_server_url(
    host: str,
    database: str,
    *,
    port: int = DEFAULT_PORT,
    sslmode: str | None = None,
    sslrootcert: str | None = None,
) -> str:
    """The address the wizard remembers (no user, no password); checked by parsing it."""
    options = [(k, v) for k, v in (("sslmode", sslmode), ("sslrootcert", sslrootcert)) if v]
    query = "&".join(f"{k}={quote(v, safe='/:.')}" for k, v in options)
    host_part = f"[{host.strip()}]" if ":" in host.strip() else host.strip()
    url = f"postgresql://{host_part}:{port}/{quote(database.strip(), safe='')}" + (
        f"?{query}" if query else ""
    )
    parse_server_url(url)
    return url
