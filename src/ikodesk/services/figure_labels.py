"""Dutch labels of the annual figures' keys, for tables on screen, in the CLI and in reports."""

from __future__ import annotations

from ikodesk.models.enums import CaseCode
from ikodesk.models.labels import label

# Labels of the key parts; a part means the same wherever it occurs in a key.
PART_LABELS: dict[str, str] = {
    "cases": "Zaken",
    "total": "Totaal",
    "line1": "Lijn 1",
    "line2": "Lijn 2",
    "line2_closed_in_year": "Lijn 2, afgesloten in hetzelfde jaar",
    "line2_carried_over": "Lijn 2, meegenomen naar het volgende jaar",
    "contacts": "Contactmomenten",
    "by_channel": "Per kanaal",
    "by_line": "Per lijn",
    "by_channel_party": "Per kanaal en partij",
    "phone": "Telefoon",
    "email": "E-mail",
    "form": "Contactformulier",
    "parent": "Ouders",
    "family": "Familie en kennissen",
    "professional": "Professionals",
    "third_party": "Derden",
    "prevention": "Preventie",
    "children": "Kinderen",
    "parents": "Ouders naar kant",
    "requester": "Hoofdbetrokkene",
    "mother": "Moeder",
    "father": "Vader",
    "potential_left_behind": "Potentieel achterblijvende ouder",
    "potential_taking": "Potentieel meenemende ouder",
    "countries": "Landen",
    "relocation_consent": "Toestemming vertrek (ouders)",
    "parent_cases": "Zaken van ouders",
    "mover": "Wil verhuizen",
    "self": "Wil zelf verhuizen",
    "other_parent": "Andere ouder wil verhuizen",
    "outgoing": "Uitgaand",
    "incoming": "Inkomend",
    "abroad": "Buiten Nederland",
    "abduction": "Internationale kinderontvoering (ouders)",
    "taker": "Meenemende ouder",
    "left_behind": "Achterblijvende ouder",
    "taking": "Meenemende ouder",
    "direction": "Richting",
    "hague": "HKOV-land",
    "non_hague": "Niet-HKOV-land",
    "ages": "Leeftijden van de kinderen",
    "filed_within_one_year": "Procedure binnen een jaar na de ontvoering gestart",
    "median_days_removal_to_opening": "Mediaan dagen van ontvoering tot eerste contact",
    "family_abduction": "Ontvoering door familie",
    "international_contact": "Internationale omgang (ouders)",
    "child_abroad": "Kind woont in het buitenland",
    "parent_abroad": "Ouder woont in het buitenland",
    "mediation": "Mediation",
    "requests": "Verzoeken",
    "iko": "IKO",
    "niko": "NIKO",
    "started": "Opgestart",
    "not_started": "Niet voortgezet",
    "not_suitable": "Niet geschikt na intake",
    "special_curator": "Bijzondere curatoren",
    "outcomes": "Uitkomsten",
    "full_agreement": "Volledige overeenkomst",
    "mirror_agreement": "Spiegelovereenkomst",
    "no_agreement": "Geen overeenkomst",
    "success_rate": "Slagingspercentage",
    "all": "Alle",
    "child_interviews": "Kindgesprekken",
    "activities": "Activiteiten",
    "conflicts": "Conflictzaken",
    "detected": "Conflictparen gevonden",
    "walled": "Afgeschermd (conflict)",
    "under_review": "In beoordeling (voorlopig afgeschermd)",
    "not_conflict": "Geen conflict",
    "emotions": "Te hoog opgelopen emoties",
    "opposed_positions": "Tegengestelde standpunten",
    "third_party_influence": "Invloed van familie of advocaten",
    "other": "Anders",
}
# Line 2 codes are labelled as everywhere else in the application, except where a
# section of parents' cases (relocation_consent.*, ...) has its own label above.
for _code in CaseCode:
    PART_LABELS.setdefault(_code.value, label(_code))


def part_label(part: str) -> str:
    """The Dutch label of one key part ("phone" -> "Telefoon"); unknown parts unchanged."""
    return PART_LABELS.get(part, part)


def figure_label(key: str, separator: str = " › ") -> str:
    """The Dutch label of a dotted key: "contacts.by_channel.phone" ->
    "Contactmomenten › Per kanaal › Telefoon"."""
    parts = key.split(".")
    labels = [part_label(p) for p in parts]
    if parts[0] == "line2" and len(parts) > 1 and parts[1] in _CODES:
        # line2.<code>.* counts every requester: the code's own label, not the
        # label of the parents-only section that shares its name.
        labels[1] = label(CaseCode(parts[1]))
    return separator.join(labels)


_CODES = {c.value for c in CaseCode}
