"""Alembic migrations run from code: version checks, backup before upgrading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from ikodesk.errors import SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# Tables the models do not describe (FTS5 virtual tables and their shadow tables).
UNMODELLED_TABLE_PREFIXES = ("case_search",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic comparison filter: leave the unmodelled tables alone."""
    return not (
        type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIXES)
    )


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def check_known(revision: str | None) -> None:
    """Refuse a database whose schema this version of ikodesk does not know."""
    if revision is None:
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
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return made


def revision_of(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade_connection(conn: Connection) -> None:
    """Bring the schema to head on `conn`, inside the caller's transaction (office server)."""
    check_known(revision_of(conn))
    command.upgrade(alembic_config(conn), "head")
