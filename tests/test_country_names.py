"""Issue #15, point 3: a country by the name people use, never a prefix guess.

`services.country_names` is what every country field reads with. The everyday
names and abbreviations are reference data (resources/countries/aliases.csv),
checked here against the country list.

No database: the country names are reference data read from resources.
"""

from __future__ import annotations

import csv

import pytest

from ikodesk.resources import resource_path
from ikodesk.services.country_names import CountryNames, aliases, fold


def _rows() -> list[dict[str, str]]:
    with resource_path("countries", "hague1980_parties.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = _rows()
FOREIGN = [(r["iso_alpha2"], r["name_nl"], r["name_en"]) for r in ROWS if r["iso_alpha2"] != "NL"]
HOME = [(r["iso_alpha2"], r["name_nl"], r["name_en"]) for r in ROWS if r["iso_alpha2"] == "NL"]
NAMES = CountryNames(FOREIGN, aliases(), HOME)


@pytest.mark.parametrize(
    ("typed", "iso2"),
    [
        ("Amerika", "US"),
        ("VS", "US"),
        ("vs", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("Verenigde Staten", "US"),
        ("Engeland", "GB"),
        ("Schotland", "GB"),
        ("Wales", "GB"),
        ("UK", "GB"),
        ("VK", "GB"),
        ("Groot-Brittannië", "GB"),
        ("Groot-Brittannie", "GB"),  # without the diaeresis
        ("groot brittannie", "GB"),
        ("Dubai", "AE"),
        ("dubai", "AE"),
        ("Turkije", "TR"),
        ("Türkiye", "TR"),
        ("turkiye", "TR"),
        ("Polen", "PL"),
        ("Poland", "PL"),  # the English name
        ("PL", "PL"),  # a code typed as a code
        ("Curacao", "CW"),
        ("Zuid-Korea", "KR"),
        ("Marok", "MA"),  # the beginning of one name only
    ],
)
def test_everyday_names_abbreviations_and_english_names_find_the_country(
    typed: str, iso2: str
) -> None:
    match = NAMES.match(typed)
    assert match.unique is not None and match.unique.iso2 == iso2, match
    assert not match.ambiguous


def test_an_everyday_name_says_what_it_was_taken_for() -> None:
    exact = NAMES.match("Engeland").exact
    assert exact is not None
    assert (exact.name, exact.via) == ("Verenigd Koninkrijk", "Engeland")
    official = NAMES.match("verenigd koninkrijk").exact
    assert official is not None and official.via is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Amer", {"US", "AS", "VI"}),  # not Amerikaans-Samoa silently
        ("Congo", {"CD", "CG"}),
        ("Korea", {"KR", "KP"}),
        ("Mar", {"MA", "MH", "MQ"}),
        ("guin", {"GN", "GW", "GQ", "PG"}),
        ("tr", {"TR", "TT"}),  # two lower-case letters are a beginning, not a code
    ],
)
def test_ambiguous_input_gives_the_choices_and_picks_none(typed: str, expected: set[str]) -> None:
    match = NAMES.match(typed)
    assert match.exact is None and match.unique is None and match.ambiguous
    assert expected <= {c.iso2 for c in match.choices}


def test_the_choices_list_whole_names_first() -> None:
    assert [c.name for c in NAMES.match("Mar").choices][:3] == [
        "Marokko",
        "Marshalleilanden",
        "Martinique",
    ]
    assert NAMES.match("Amer").choices[0].name == "Amerikaans-Samoa"  # listed, not chosen


def test_unknown_and_unavailable() -> None:
    assert NAMES.match("Atlantis").choices == () and NAMES.match("Atlantis").unique is None
    home = NAMES.match("Nederland")
    assert home.unique is None and home.unavailable == "Nederland"
    assert NAMES.match("Holland").unavailable == "Nederland"
    assert NAMES.match("").unique is None and NAMES.match("   ").choices == ()


def test_folding_ignores_case_diacritics_and_punctuation() -> None:
    assert fold("  Groot-Brittannië ") == "groot brittannie"
    assert fold("CÔTE D'IVOIRE") == "cote d ivoire"
    assert fold("U.S.A.") == "u s a"


def test_the_alias_data_names_real_countries_and_adds_something() -> None:
    """Every alias points to a country of the list, and none repeats that country's own
    name (it would add nothing); an alias on two rows is ambiguous on purpose."""
    names = {r["iso_alpha2"]: {fold(r["name_nl"]), fold(r["name_en"])} for r in ROWS}
    table = aliases()
    assert len(table) > 60
    for alias, iso2 in table:
        assert iso2 in names, (alias, iso2)
        assert fold(alias) not in names[iso2], (alias, iso2)
    assert ("Amerika", "US") in table and ("Dubai", "AE") in table
    twice = {a for a, _ in table if sum(1 for b, _ in table if b == a) > 1}
    assert twice == {"Korea"}
