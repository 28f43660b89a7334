"""Names for matching: folded to ASCII, particles set apart, compared with rapidfuzz."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ikodesk.letters import SPECIAL_LETTERS

# Name particles: part of a surname, but too common to tell families apart.
PARTICLES = frozenset(
    {
        *("de", "van", "der", "den", "het", "t", "te", "ten", "ter", "op", "in"),
        *("el", "al", "la", "le", "du", "da", "das", "dos", "di", "von", "zu"),
        *("bin", "ben", "ibn", "abu"),
    }
)
_NON_WORD = re.compile(r"[\W_]+")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower case, no diacritics, punctuation and hyphens as spaces, single spaces."""
    if not text:
        return ""
    return _fold(text)


# (an import folds the names of every case: they repeat, and the folding per character
# costs; issue #16)
@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(SPECIAL_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A coarse sound key of a folded token: first letter, then consonants, no doubles.

    "mohamed" and "mohammed" give "mhmd"; "kowalska" and "kowalski" give "kwlsk".
    Only for blocking: candidates are scored with rapidfuzz afterwards.
    """
    if not token:
        return ""
    out = token[0]
    for ch in token[1:]:
        if ch not in _VOWELS and ch != out[-1]:
            out += ch
    return out


@dataclass(frozen=True, slots=True)
class Name:
    first: tuple[str, ...]
    last: tuple[str, ...]

    @classmethod
    def of(cls, first: str | None, last: str | None) -> Name:
        return cls(tuple(fold(first).split()), tuple(fold(last).split()))

    @property
    def full(self) -> bool:
        return bool(self.first) and bool(self.last)

    @property
    def empty(self) -> bool:
        return not self.first and not self.last

    @property
    def last_core(self) -> tuple[str, ...]:
        core = tuple(t for t in self.last if t not in PARTICLES)
        return core or self.last


def _first_sim(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """First names: reordered ("Anna Maria"/"Maria Anna") and partial ("Anna") agree."""
    sa, sb = " ".join(a), " ".join(b)
    return max(
        fuzz.token_sort_ratio(sa, sb),
        fuzz.token_set_ratio(sa, sb),
        fuzz.ratio("".join(a), "".join(b)),
    )


def _last_sim(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Surnames: spacing ("van den Berg"/"vandenberg") and double names agree."""
    ca = [t for t in a if t not in PARTICLES] or list(a)
    cb = [t for t in b if t not in PARTICLES] or list(b)
    return max(
        fuzz.ratio("".join(a), "".join(b)),
        fuzz.token_set_ratio(" ".join(ca), " ".join(cb)),
    )


def name_similarity(a: Name, b: Name) -> float | None:
    """How alike two full names are (0-100), allowing first and last swapped.

    None when either name lacks a first or a last name: then a name alone
    cannot say whether two people are the same. Symmetric: the swap is tried
    both ways (first and last names are compared by different rules, so one
    way alone would make the score depend on which case is compared first).
    """
    if not (a.full and b.full):
        return None
    direct = min(_first_sim(a.first, b.first), _last_sim(a.last, b.last))
    swapped = max(
        min(_first_sim(a.first, b.last), _last_sim(a.last, b.first)),
        min(_first_sim(b.first, a.last), _last_sim(b.last, a.first)),
    )
    whole = fuzz.token_sort_ratio(" ".join(a.first + a.last), " ".join(b.first + b.last))
    return max(direct, swapped, whole)
