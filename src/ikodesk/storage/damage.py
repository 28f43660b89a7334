"""Recognising a damaged database file, in one place, and the checks that find damage.

SQLite and SQLCipher report damage in several ways: "database disk image is
malformed" (SQLITE_CORRUPT), "file is not a database" (SQLITE_NOTADB, also what
a failed page HMAC gives once the key has been proven on page 1), and
"HMAC verification failed" from cipher_integrity_check. `damage_error` turns
any of them into DatabaseDamagedError, whose message names the damage and
points to `ikodesk check` and the backups.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ikodesk.errors import DatabaseDamagedError

BACKUPS_HINT = (
    "een versleutelde kopie die met 'ikodesk backup' of in Beheer is gemaakt, of een "
    "kopie <naam>.pre-….db naast de database."
)
DAMAGED_MESSAGE = (
    "De database is beschadigd: een deel van het bestand is onleesbaar of gewijzigd "
    "(afgekapt, overschreven of niet met deze sleutel gemaakt). De bewerking is afgebroken. "
    "Voer 'ikodesk check' uit voor de details (of 'Database controleren' in Beheer) en zet "
    "zo nodig een back-up terug: " + BACKUPS_HINT
)

_MARKERS = (
    "database disk image is malformed",
    "file is not a database",
    "hmac",
    "database corruption",
    "malformed database schema",
)


def _messages(exc: BaseException) -> list[str]:
    found: list[str] = []
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        found.append(str(current).lower())
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return found


def is_damage(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is SQLite/SQLCipher reporting a damaged file."""
    return any(marker in text for text in _messages(exc) for marker in _MARKERS)


def damage_error(exc: BaseException) -> DatabaseDamagedError | None:
    """The user-facing error for a damaged file; None when `exc` is something else."""
    if isinstance(exc, DatabaseDamagedError):
        return exc
    return DatabaseDamagedError(DAMAGED_MESSAGE) if is_damage(exc) else None


# --- checks --------------------------------------------------------------------------------


def file_size_problem(path: Path, page_size: int) -> str | None:
    """A database file is a whole number of pages; anything else was cut off or padded."""
    size = os.stat(path).st_size
    if size % page_size:
        return (
            f"het bestand is {size} bytes: geen veelvoud van de paginagrootte ({page_size}); "
            "het is afgekapt of aangevuld"
        )
    return None


def pragma_rows(conn: Any, pragma: str) -> list[str]:
    """Run a checking PRAGMA on a driver connection; its result rows as text.

    A damage error while it runs is returned as a row (it is a finding, not a crash).
    """
    try:
        return [str(row[0]) for row in conn.execute(pragma).fetchall()]
    except Exception as exc:
        if not is_damage(exc):
            raise
        return [str(exc)]


def page_size(conn: Any) -> int:
    rows = pragma_rows(conn, "PRAGMA page_size")
    try:
        return int(rows[0])
    except (IndexError, ValueError):
        return 4096
