"""Presenting figures: percentages and changes (rounded half away from zero), dotted keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ikodesk.services.figure_keys import SCALAR_KEYS

Figures = dict[str, Any]
"""Nested figures of one year, as `ikodesk figures --json` prints them."""


# --- percentages ----------------------------------------------------------------------


def _exact(value: float) -> Fraction:
    # Through the decimal text, so 0.1 is one tenth and not its binary neighbour.
    return Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)))


def round_half_away(value: Fraction) -> int:
    """Round to a whole number, halves away from zero: 0.5 -> 1, 2.5 -> 3, -2.5 -> -3.

    (Python's round() rounds halves to even: round(2.5) == 2.)
    """
    magnitude = int(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def percent(part: float | None, whole: float | None) -> int | None:
    """`part` as a whole percentage of `whole`; None when either is unknown or whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return round_half_away(_exact(part) * 100 / _exact(whole))


def change_pct(current: float | None, previous: float | None) -> int | None:
    """The change from `previous` to `current` in whole percent; None against 0 or unknown."""
    if current is None or previous is None or previous == 0:
        return None
    return round_half_away((_exact(current) - _exact(previous)) * 100 / _exact(previous))


# --- nested <-> dotted ------------------------------------------------------------------


def _nest(flat: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """Nest dotted keys into dicts, in the order of `keys` (the JSON's key order)."""
    out: dict[str, Any] = {}
    for key in keys:
        *path, last = key.split(".")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[last] = flat.get(key)
    return out


def figure_value(figures: Mapping[str, Any] | None, key: str) -> Any:
    """The value of dotted `key` in nested figures (None where absent)."""
    node: Any = figures
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def flatten(figures: Mapping[str, Any], keys: Iterable[str] = SCALAR_KEYS) -> dict[str, Any]:
    """{dotted key: value} for `keys` (by default every one-number figure)."""
    return {k: figure_value(figures, k) for k in keys}


def _as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
