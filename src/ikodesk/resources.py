"""Locate the product's own resource files (fonts, reference data, translations).

Installed wheels carry them in ``ikodesk/_resources``; a source checkout has
them in ``resources/`` at the top of the repository; a PyInstaller bundle puts
them next to the package as ``ikodesk/_resources`` as well.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent.parent / "resources"):
        if (candidate / "countries").is_dir():
            return candidate
    raise FileNotFoundError("ikodesk resources not found next to the package")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
