"""Alembic migrations run from code: version checks, backup before upgrading.

Opening a database whose schema is at the head needs no Alembic (a second of
imports, issue #16): the revisions are read from the version files' own
`revision = "..."` lines and the current one from `alembic_version`; Alembic is
loaded only to upgrade, or when those lines do not make one simple chain.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ikodesk.errors import SchemaTooNewError

# The head and the known revisions are read without SQLAlchemy (`ikodesk info`).
if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"

_REVISION = re.compile(r"^revision(?:\s*:\s*[\w\[\], |]+)?\s*=\s*[\"']([^\"']+)[\"']\s*$", re.M)
_DOWN = re.compile(
    r"^down_revision(?:\s*:\s*[\w\[\], |]+)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.M
)


def _chain() -> tuple[frozenset[str], str] | None:
    """(every revision, the head) from the version files, without Alembic; None when
    a file does not state one revision and one parent plainly (then Alembic decides)."""
    return _chain_in(MIGRATIONS_DIR)


@functools.cache
def _chain_in(directory: Path) -> tuple[frozenset[str], str] | None:
    revisions: dict[str, str | None] = {}
    for path in sorted((directory / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.findall(source), _DOWN.findall(source)
        if len(rev) != 1 or len(down) != 1 or rev[0] in revisions:
            return None
        revisions[rev[0]] = down[0] or None
    heads = set(revisions) - {d for d in revisions.values() if d is not None}
    if len(heads) != 1:
        return None
    return frozenset(revisions), heads.pop()


# Tables the models do not describe (FTS5 virtual tables and their shadow tables).
UNMODELLED_TABLE_PREFIXES = ("case_search",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic comparison filter: leave the unmodelled tables alone."""
    return not (
        type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIXES)
    )


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    chain = _chain()
    if chain is not None:
        return chain[1]
    head = script_directory().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return revision_of(conn)


def is_empty(engine: Engine) -> bool:
    from sqlalchemy import inspect

    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def check_known(revision: str | None) -> None:
    """Refuse a database whose schema this version of ikodesk does not know."""
    if revision is None:
        return
    chain = _chain()
    if chain is not None and revision in chain[0]:
        return
    known = {r.revision for r in script_directory().walk_revisions()}
    if revision not in known:
        raise SchemaTooNewError(
            "Deze database is gemaakt met een nieuwere versie van ikodesk "
            f"(schemaversie {revision}). Installeer de nieuwste versie van ikodesk."
        )


def upgrade(engine: Engine, backup: Callable[[str], Path] | None = None) -> Path | None:
    """Bring the schema to the head revision; back up first when data exists.

    Returns the backup's path when one was made.
    """
    current = current_revision(engine)
    check_known(current)
    head = head_revision()
    if current == head:
        return None
    made: Path | None = None
    if current is not None and backup is not None:
        made = backup(current)
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return made


def revision_of(conn: Connection) -> str | None:
    """The schema's revision (None before the first migration), read as Alembic reads it
    from its version table; more than one row (branches) is Alembic's to answer."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) <= 1:
        return rows[0] if rows else None
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade_connection(conn: Connection) -> None:
    """Bring the schema to head on `conn`, inside the caller's transaction (office server)."""
    from alembic import command

    check_known(revision_of(conn))
    command.upgrade(alembic_config(conn), "head")
