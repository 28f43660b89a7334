"""Files the user saves from a front-end: owner-only, created exclusively, never through a link.

The front-ends do not reach into `storage`; they save through here, and the
rules of `storage.files` (docs/security.md, point 5) apply to every copy.
"""

from __future__ import annotations

from pathlib import Path

from ikodesk.storage import files


def save_copy(source: Path, target: Path) -> Path:
    """Copy a file the application made (a report PDF) to where the user chose."""
    return files.copy_private(source, target)
