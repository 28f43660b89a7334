"""Finding a country by what people call it: official names, everyday names, abbreviations.

The official Dutch and English names come from the countries table; the other
names ("Engeland", "VS", "Dubai", "Congo") are reference data in
`resources/countries/aliases.csv`, not code. Case, diacritics, hyphens and
dots do not matter ("groot brittannie", "U.S.A."). A text names a country only
when it names exactly one: "Congo" and "Korea" name two, and a beginning
("Amer") is a list of choices, never the first of them. Pure functions (no
database, no Qt): every form's country field uses them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ikodesk.resources import resource_path

_NON_WORD = re.compile(r"[\W_]+")
MAX_CHOICES = 12


def fold(text: str) -> str:
    """Lower case, no diacritics, words separated by one space: "Groot-Brittannië" ->
    "groot brittannie"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", bare).split())


@dataclass(frozen=True)
class CountryChoice:
    """One country a text may mean: its code, its Dutch name, and the name that matched."""

    iso2: str
    name: str
    via: str | None = None  # the everyday name or abbreviation typed, when not the name


@dataclass(frozen=True)
class CountryMatch:
    """What a typed text names: one country (`exact`), or the `choices` it may mean."""

    exact: CountryChoice | None
    choices: tuple[CountryChoice, ...]
    # A country named exactly that this chooser does not offer ("Nederland" as the
    # country of an abduction): said so, instead of offering look-alikes.
    unavailable: str | None = None

    @property
    def ambiguous(self) -> bool:
        """More than one country fits and none is named exactly: the user must choose."""
        return self.exact is None and len(self.choices) > 1

    @property
    def unique(self) -> CountryChoice | None:
        """The one country meant: named exactly, or the only one whose name begins so."""
        if self.exact is not None:
            return self.exact
        return self.choices[0] if len(self.choices) == 1 else None


NO_MATCH = CountryMatch(None, ())


@dataclass(frozen=True)
class _Key:
    folded: str
    iso2: str
    text: str  # as written (for "via")
    official: bool


class CountryNames:
    """The countries of one chooser with every name they are known by."""

    def __init__(
        self,
        countries: Iterable[tuple[str, str, str]],
        aliases: Iterable[tuple[str, str]] = (),
        unavailable: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        """`countries`: (iso2, Dutch name, English name); `aliases`: (name, iso2).

        `unavailable`: countries known but not offered here (the case form offers
        no "Nederland"); a text naming one of them exactly is reported as such.
        """
        aliases = tuple(aliases)
        self._elsewhere: dict[str, str] = {}
        for iso2, name_nl, name_en in unavailable:
            for text in (name_nl, name_en, *(a for a, i in aliases if i == iso2)):
                self._elsewhere[fold(text)] = name_nl
        self._names: dict[str, str] = {}
        keys: list[_Key] = []
        for iso2, name_nl, name_en in countries:
            self._names[iso2] = name_nl
            keys.append(_Key(fold(name_nl), iso2, name_nl, True))
            keys.append(_Key(fold(name_en), iso2, name_en, True))
        keys += [_Key(fold(a), iso2, a, False) for a, iso2 in aliases if iso2 in self._names]
        self._keys = [k for k in keys if k.folded]
        self._exact: dict[str, list[_Key]] = {}
        for k in self._keys:
            for form in {k.folded, k.folded.replace(" ", "")}:
                self._exact.setdefault(form, []).append(k)

    def name(self, iso2: str | None) -> str | None:
        return self._names.get(iso2 or "")

    def match(self, text: str, limit: int = MAX_CHOICES) -> CountryMatch:
        """The country `text` names, or the countries it may mean (best first)."""
        wanted = fold(text)
        if not wanted:
            return NO_MATCH
        exact = self._unique(self._exact.get(wanted) or self._exact.get(wanted.replace(" ", "")))
        code = text.strip()
        by_code = self._names.get(code.upper()) if len(code) == 2 and code.isalpha() else None
        if exact is None and by_code is not None and code.isupper():
            exact = CountryChoice(code, by_code)  # "PL": a code typed as a code
        if exact is not None:
            return CountryMatch(exact, (exact,))
        if wanted in self._elsewhere and wanted not in self._exact:
            return CountryMatch(None, (), self._elsewhere[wanted])
        found = self._exact.get(wanted, []) + self._beginning_with(wanted)
        choices: dict[str, CountryChoice] = {}
        if by_code is not None:
            choices[code.upper()] = CountryChoice(code.upper(), by_code)
        for k in found:
            if k.iso2 not in choices:
                choices[k.iso2] = self._choice(k)
        ordered = tuple(choices.values())[:limit]
        return CountryMatch(None, ordered)

    def _unique(self, keys: list[_Key] | None) -> CountryChoice | None:
        if not keys or len({k.iso2 for k in keys}) != 1:
            return None
        official = [k for k in keys if k.official]
        return self._choice(official[0] if official else keys[0])

    def _choice(self, key: _Key) -> CountryChoice:
        name = self._names[key.iso2]
        return CountryChoice(key.iso2, name, None if key.official else key.text)

    def _beginning_with(self, wanted: str) -> list[_Key]:
        """Keys whose name, or a word of it, begins with `wanted`: names first, then words."""
        whole = [k for k in self._keys if k.folded.startswith(wanted)]
        inner = [
            k
            for k in self._keys
            if not k.folded.startswith(wanted) and f" {wanted}" in f" {k.folded}"
        ]

        def order(k: _Key) -> tuple[bool, str]:
            return (not k.official, fold(self._names[k.iso2]))

        return sorted(whole, key=order) + sorted(inner, key=order)


@cache
def aliases(path: Path | None = None) -> tuple[tuple[str, str], ...]:
    """The everyday names and abbreviations of `resources/countries/aliases.csv`."""
    source = path or resource_path("countries", "aliases.csv")
    with source.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return tuple((row["alias"].strip(), row["iso2"].strip()) for row in csv.DictReader(lines))
