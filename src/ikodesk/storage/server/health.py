"""What `ikodesk info` checks on the office server: the promises the server itself keeps.

No personal data: the connection's encryption, the schema version, row-level
security on every table that holds personal data, and that the login is
neither a superuser nor the owner of the tables (either would bypass the
policies). Each finding is (Dutch label, ok, Dutch detail).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from ikodesk.storage.server.address import ServerAddress

# Tables whose rows the policies give out per login (storage/server/sql/security.sql).
RLS_TABLES = (
    "meta",
    "cases",
    "case_notes",
    "persons",
    "children",
    "contacts",
    "match_keys",
    "case_search",
    "audit_search_terms",
)
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def findings(engine: Engine, address: ServerAddress) -> list[tuple[str, bool, str]]:
    out: list[tuple[str, bool, str]] = []
    with engine.connect() as conn:
        ssl = conn.execute(
            text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        ).first()
        if ssl is not None and ssl[0]:
            out.append(("Verbinding", True, f"versleuteld ({ssl[1]}, sslmode {address.sslmode})"))
        elif address.host in LOOPBACK:
            out.append(("Verbinding", True, "niet versleuteld, alleen binnen deze computer"))
        else:
            out.append(
                (
                    "Verbinding",
                    False,
                    "NIET versleuteld over het netwerk: zet TLS aan op de server "
                    "(docs/server.md) en gebruik sslmode=verify-full",
                )
            )
        rows = conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity "
                "AND c.relname = ANY (:names)"
            ),
            {"names": list(RLS_TABLES)},
        )
        protected = {str(r[0]) for r in rows}
        missing = [t for t in RLS_TABLES if t not in protected]
        out.append(
            (
                "Rijbeveiliging",
                not missing,
                f"aan op alle {len(RLS_TABLES)} tabellen met persoonsgegevens"
                if not missing
                else "UIT op " + ", ".join(missing) + ": voer 'ikodesk server upgrade' uit",
            )
        )
        role = conn.execute(
            text(
                "SELECT r.rolsuper OR r.rolbypassrls, "
                "EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "        WHERE n.nspname = 'public' AND c.relname = 'cases' "
                "        AND pg_has_role(session_user, c.relowner, 'USAGE')) "
                "FROM pg_roles r WHERE r.rolname = session_user"
            )
        ).first()
        bypass = role is None or bool(role[0]) or bool(role[1])
        out.append(
            (
                "Aanmelding",
                not bypass,
                "een gewone login: de regels van de server gelden voor haar"
                if not bypass
                else "deze login is superuser, eigenaar van de tabellen of omzeilt de "
                "rijbeveiliging: werk met een ikodesk-login, niet met de eigenaar",
            )
        )
    return out


def size_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_database_size(current_database())")) or 0)
