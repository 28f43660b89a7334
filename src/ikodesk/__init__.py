"""ikodesk: case registration for the Centrum Internationale Kinderontvoering."""

from __future__ import annotations

import os
import sys
from typing import Any


def _installed_version() -> str:
    """The version in the installed distribution's metadata.

    Read directly from `ikodesk-*.dist-info/METADATA` on sys.path: the answer of
    `importlib.metadata.version`, without importing it (email, zipfile, csv...,
    a tenth of a second that `ikodesk --version` should not pay, issue #16).
    """
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("ikodesk-") and name.endswith(".dist-info"):
                try:
                    with open(os.path.join(entry, name, "METADATA"), encoding="utf-8") as fh:
                        for line in fh:
                            if line.startswith("Version:"):
                                return line.split(":", 1)[1].strip()
                            if not line.strip():
                                break
                except OSError:
                    continue
    try:  # a frozen bundle (no dist-info)
        from _bundle_version import VERSION  # type: ignore[import-not-found]

        return str(VERSION)
    except ImportError:  # a bare source tree
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _installed_version()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__version__: str

__all__ = ["__version__"]
