"""The reports' sentences agree with their numbers: "1 zaak is", "2 zaken zijn", "1 moeder
nam contact op", "werd er 1 mediation opgestart"; no count of 1 is ever followed by a plural
noun, in the annual report or the mediation report.

On both backends (`backend`: an encrypted file, the office server), read by a manager.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ikodesk.models.enums import Role
from ikodesk.reports.annual import build_annual_report
from ikodesk.reports.mediation import build_mediation_report
from ikodesk.services.figures import report_figures
from tests.support import records as R
from tests.support.backends import Backend

LINE1 = {
    "type": "case",
    "ref": "2024-L1-00001",
    "line": 1,
    "code": "travel_consent",
    "opened": "2024-01-08",  # a Line 1 call in January: 2024's records are complete
    "handler": "tmeijer",
    "requester": {"kind": "parent", "relation": "mother"},
}
OPEN_LINE2 = R.case(closed=..., close_reason=...)  # opened 5 March 2024, still open


def _figures(backend: Backend, *records: dict[str, Any]) -> dict[str, Any]:
    """2024's figures of `records`, as a manager reads them."""
    backend.load(*R.USERS, *records)
    backend.add_users(("directie", Role.MANAGER))
    manager = backend.as_("directie")
    with manager.session() as s:
        return report_figures(s, manager.actor, 2024)


def _pdf_text(build: Any, data: dict[str, Any], path: Path) -> str:
    """The text of the report `build` makes of `data`, line breaks as spaces."""
    result = build(data, path, generated_on=date(2025, 1, 10))
    pages = PdfReader(result.path).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


def _text(backend: Backend, tmp_path: Path, *records: dict[str, Any]) -> str:
    return _pdf_text(build_annual_report, _figures(backend, *records), tmp_path / "jaar.pdf")


@pytest.mark.slow
def test_one_of_each_is_said_in_the_singular(backend: Backend, tmp_path: Path) -> None:
    text = _text(backend, tmp_path, LINE1, OPEN_LINE2)
    assert "In 2024 zijn er in totaal 2 zaken geregistreerd" in text
    assert "Daarvan was er 1 eerstelijnszaak met de code ‘toestemming vakantie’" in text
    assert "en werd er 1 nieuwe tweedelijnszaak geopend" in text
    assert "Van deze 1 tweedelijnszaak werden er 0 in hetzelfde jaar afgesloten" in text
    assert "1 zaak uit 2024 is meegenomen naar 2025 voor verdere behandeling; die telt" in text
    assert "1 eerstelijnszaken" not in text and "1 tweedelijnszaken" not in text


# --- every count of 1 in the singular -------------------------------------------------------

# A plural noun right after the number 1, perhaps after an adjective ("1 zaken", "1 uitgaande
# IKO-zaken", "1 telefonische contacten"); "1 met ouders" or "11 zaken" are not. Nouns as the
# reports use them, also in compounds (preventiezaken, kindgesprekken, IKO-verzoeken).
PLURALS = (
    "zaken|kinderen|ouders|gesprekken|contactmomenten|mediations|verzoeken|vaders|moeders"
    "|landen|gevallen|dagen|conflictparen|contacten|contactformulieren|curatoren|zoektermen"
)
# Case-sensitive: "1 1 Zaken" is a table's last cells before a chart's legend, not a sentence.
ONE_WITH_A_PLURAL = re.compile(r"(?<![\d.,])1 (?:[a-z]+e )?[\w-]*(?:" + PLURALS + r")\b")


def _ones_with_a_plural(text: str) -> list[str]:
    """Each "1 zaken" in `text`, with the words before it to find it by."""
    return [text[max(0, m.start() - 50) : m.end()] for m in ONE_WITH_A_PLURAL.finditer(text)]


def _case(number: int, code: str, **fields: Any) -> dict[str, Any]:
    """A Line 2 case of 2024 with one child, asked by a mother unless `fields` say otherwise."""
    return {
        "type": "case",
        "ref": f"2024-L2-{number:05d}",
        "line": 2,
        "code": code,
        "opened": "2024-03-05",
        "handler": "jdevries",
        "requester": {"kind": "parent", "relation": "mother"},
        "children": [{"age": 6}],
        **fields,
    }


def _mediation(ref: str, kind: str, case: str | None, **fields: Any) -> dict[str, Any]:
    rec = {**R.MEDIATION, "ref": ref, "kind": kind, "case": case, "child_interviews": []}
    rec.update(fields)
    return rec


# One case of every Line 2 code (two of prevention: a mother's and a father's), one child
# each, one contact per channel, and four mediations: most counts are 1, a few are 2.
ABDUCTION = _case(
    1,
    "international_abduction",
    requester={"kind": "parent", "relation": "mother", "side": "left_behind"},
    country="PL",
    direction="outgoing",
    taker="father",
    removal_date="2024-03-04",  # one day before the case was opened
    proceedings_started="2024-03-20",
)
CONTACT_CASE = _case(
    5,
    "international_contact",
    requester={"kind": "parent", "relation": "father"},
    country="DE",
    direction="child_abroad",
)
ONES: list[dict[str, Any]] = [
    LINE1,
    ABDUCTION,
    _case(
        2,
        "prevention",
        requester={"kind": "parent", "relation": "mother", "side": "potential_left_behind"},
        country="BE",
    ),
    _case(
        3,
        "prevention",
        requester={"kind": "parent", "relation": "father", "side": "potential_taking"},
        country="BE",
    ),
    _case(4, "relocation_consent", country="BE", direction="outgoing", mover="mother"),
    CONTACT_CASE,
    _case(
        6,
        "family_abduction",
        requester={"kind": "family", "relation": "grandparent"},
        country="MA",
        direction="outgoing",
    ),
    *(
        _case(10 + i, code)
        for i, code in enumerate(
            (
                "international_child_protection",
                "domestic_contact_noncompliance",
                "holiday_consent_refused",
                "lawful_relocation",
                "missing_child_hotline",
                "other_advice",
                "no_substantive_advice",
            )
        )
    ),
    {**R.CONTACT, "case": ABDUCTION["ref"], "channel": "phone", "party": "parent"},
    {**R.CONTACT, "case": CONTACT_CASE["ref"], "channel": "email", "party": "family"},
    {**R.CONTACT, "case": "2024-L2-00011", "channel": "form", "party": "professional"},
    R.MEDIATOR,
    R.MEDIATOR2,
    _mediation(
        "M2024-001",
        "iko",
        ABDUCTION["ref"],
        outcome="no_agreement",
        failure_reasons=["emotions"],
        child_interviews=[{"date": "2024-03-01", "children": 1}],
    ),
    _mediation("M2024-002", "niko", CONTACT_CASE["ref"], outcome="full_agreement"),
    _mediation(
        "M2024-003",
        "iko",
        ABDUCTION["ref"],
        status="not_started",
        started=None,
        not_started_reason="Ouder trok verzoek in.",
        special_curator="2024-02-15",
        intake=None,
        outcome=None,
        ended=None,
        mediators=[],
    ),
    _mediation("M2024-004", "niko", CONTACT_CASE["ref"], intake="not_suitable", outcome=None),
]


def _all_ones(node: Any) -> Any:
    """Every count of a year's figures set to 1 (lists of countries left alone)."""
    if isinstance(node, dict):
        return {k: _all_ones(v) for k, v in node.items()}
    if isinstance(node, int | float) and not isinstance(node, bool):
        return 1
    return node


@pytest.mark.slow
def test_a_count_of_one_is_never_followed_by_a_plural(backend: Backend, tmp_path: Path) -> None:
    data = _figures(backend, *ONES)
    assert data["current"]["cases"]["line2"] == 13
    annual = _pdf_text(build_annual_report, data, tmp_path / "jaar.pdf")
    mediation = _pdf_text(build_mediation_report, data, tmp_path / "mediation.pdf")
    # The same reports with every count of the year 1 reach the sentences these records
    # leave at 0 (conflicts, not-continued NIKO requests ...).
    ones = {**data, "current": _all_ones(data["current"])}
    annual_ones = _pdf_text(build_annual_report, ones, tmp_path / "jaar1.pdf")
    mediation_ones = _pdf_text(build_mediation_report, ones, tmp_path / "mediation1.pdf")
    texts = (annual, mediation, annual_ones, mediation_ones)
    found = [m for text in texts for m in _ones_with_a_plural(text)]
    assert not found, "\n".join(found)

    # 1 in the singular, noun and verb ...
    for sentence in (
        "Van het 1 telefonische contact waren er 1 met ouders,",
        "1 moeder nam contact op met het Centrum IKO: 1 als potentieel achterblijvende ouder",
        "1 vader nam contact op: 0 als potentieel achterblijvende ouder",
        "In 2024 werd 1 zaak van ouders geregistreerd over toestemming voor vertrek. Daarbij was "
        "1 kind betrokken. In 1 zaak wilde de moeder met het kind naar een ander land verhuizen, "
        "in 0 zaken de vader.",
        "Van de 1 moeder die contact opnam, wilde er 1 zelf met het kind verhuizen en vroegen er "
        "0 advies",
        "In 2024 werd 1 internationale kinderontvoeringszaak (IKO-zaak) geregistreerd",
        "In 1 zaak nam de achtergebleven ouder contact op, in 0 zaken de meenemende ouder.",
        "• 1 uitgaande IKO-zaak waarbij 1 kind vanuit Nederland naar het buitenland werd "
        "meegenomen: in 1 geval naar een HKOV-land en in 0 gevallen naar een niet-HKOV-land;",
        "het eerste contact met het centrum lag (mediaan) 1 dag.",
        "In 2024 werd 1 zaak gemeld waarin een familielid de meenemer was",
        "Bij deze zaak was 1 kind betrokken.",
        "In 2024 was er 1 internationale omgangszaak van ouders. In 1 zaak zocht een vader "
        "advies, in 0 zaken moeders.",
        "Van de 2 IKO-verzoeken werd er 1 mediation opgestart en 1 verzoek niet voortgezet.",
        "Na de intake met de mediators bleek 1 opgestart verzoek niet geschikt",
        "In IKO-zaken slaagden 0 van de 1 mediation (0%)",
        "Van de 1 mediation die in 2024 zonder overeenkomst eindigde, is vastgelegd",
        "In 2024 werd 1 kindgesprek gevoerd, met in totaal 1 kind (vanaf drie jaar):",
    ):
        assert sentence in annual, sentence
    assert "50% slagingspercentage 1 kindgesprek Verzoeken en verloop" in mediation
    conflicts = (
        "In 2024 vond het systeem 1 conflictpaar: 1 is als conflictzaak afgeschermd, 1 bleek na "
        "beoordeling geen conflict en 1 wordt nog beoordeeld."
    )
    assert conflicts in annual_ones and "In 2024 was er 1 contactmoment." in annual_ones
    assert "Van het 1 NIKO-verzoek werd er 1 opgestart en 1 niet voortgezet." in mediation_ones
    # ... and 2 in the plural, as before.
    for sentence in (
        "In 2024 zijn er 2 preventiezaken geregistreerd: in 2 zaken zochten ouders contact en in "
        "0 zaken derden. Ouders zochten in 2 gevallen contact. In deze zaken waren 2 kinderen "
        "betrokken.",
        "In 2024 ontving het Mediation Bureau 4 verzoeken voor crossborder mediation: 2 in",
        "Van de 2 NIKO-verzoeken werden er 2 opgestart en 0 niet voortgezet.",
    ):
        assert sentence in annual, sentence
    assert "Van de 2 NIKO-verzoeken werden er 2 opgestart en 0 niet voortgezet." in mediation
    assert "Van de 2 moeders die contact opnamen, wilde er 1 zelf" in annual_ones
    assert "Van de 2 mediations die in 2024 zonder overeenkomst eindigden" in mediation_ones
