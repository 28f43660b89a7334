"""The dotted keys nested figures actually hold (not the keys one asks for)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ikodesk.services.figure_keys import LIST_KEYS


def leaf_keys(figures: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Every leaf of `figures` as a dotted key, in order; lists and age maps are leaves."""
    for part, value in figures.items():
        key = f"{prefix}{part}"
        if isinstance(value, Mapping) and key not in LIST_KEYS:
            yield from leaf_keys(value, key + ".")
        else:
            yield key
