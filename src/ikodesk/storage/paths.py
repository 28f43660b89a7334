"""Default locations, from platformdirs (per user, per platform)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "ikodesk"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    return data_dir() / "ikodesk.db"


def demo_database_path() -> Path:
    return data_dir() / "demo" / "ikodesk-demo.db"


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def sidecar_path(db_path: Path) -> Path:
    """The small plaintext file beside a database that says how to unlock it.

    It holds the database id and the key mode: no key, no personal data.
    """
    return db_path.with_name(db_path.name + ".keyinfo.json")
