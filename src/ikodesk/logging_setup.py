"""Log to a file per user; never log keys, passwords or dossier contents."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ikodesk.storage.paths import log_dir


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to ikodesk.log in the user's log directory; returns its path (None if impossible)."""
    root = logging.getLogger("ikodesk")
    if root.handlers:
        return None
    root.setLevel(level)
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "ikodesk.log"
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path
