"""Files the user saves from a front-end: owner-only, created exclusively, never through a link.

The front-ends do not reach into `storage`; they save through here, and the
rules of `storage.files` (docs/security.md, point 5) apply to every copy.
"""

from __future__ import annotations

from pathlib import Path

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.storage import files


def save_copy(source: Path, target: Path) -> Path:
    """Copy a file the application made (a report PDF) to where the user chose."""
    return files.copy_private(source, target)


def write_new_text(target: Path, text: str) -> Path:
    """Write a new text file (an audit anchor); an existing file is never replaced."""
    try:
        return files.write_private_text(target, text, replace=False)
    except FileExistsError:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "{path} bestaat al; kies een nieuw bestand."), path=target
        ) from None
    except OSError as exc:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Kan {path} niet schrijven: {reason}."),
            path=target,
            reason=exc.strerror,
        ) from None
