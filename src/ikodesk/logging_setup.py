"""Log to a file per user; never log keys, passwords or dossier contents."""

from __future__ import annotations

import io
import logging
import logging.handlers
from pathlib import Path

from ikodesk.storage import files
from ikodesk.storage.paths import log_dir


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created (and kept) owner-only (0600)."""

    def _open(self) -> io.TextIOWrapper:
        return files.open_private_log(Path(self.baseFilename), self.encoding or "utf-8")


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to ikodesk.log in the user's log directory; returns its path (None if impossible)."""
    root = logging.getLogger("ikodesk")
    if root.handlers:
        return None
    root.setLevel(level)
    try:
        directory = log_dir()
        files.private_dirs(directory)
        path = directory / "ikodesk.log"
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path
