"""The PDF of an access request (AVG art. 15): what the centre holds on one person.

Drawn from the pack services.subject_access gathers (plain data, the others
already redacted), in the house style of the annual report (layout, document).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from ikodesk.reports.document import ReportInfo, write_pdf
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    data_table,
    gap,
    heading,
    para,
    styles,
    subheading,
)

_FIELDS = (
    ("rol", "Rol"),
    ("soort", "Soort"),
    ("relatie", "Relatie"),
    ("kant", "Kant"),
    ("voornaam", "Voornaam"),
    ("achternaam", "Achternaam"),
    ("geboortedatum", "Geboortedatum"),
    ("telefoon", "Telefoon"),
    ("e-mail", "E-mail"),
    ("land", "Land"),
)


def _widths(*shares: float) -> list[float]:
    return [share * CONTENT_WIDTH for share in shares]


def _pairs(rows: list[tuple[str, Any]]) -> list[Flowable]:
    shown: list[list[str]] = [[k, str(v)] for k, v in rows if v not in (None, "")]
    if not shown:
        return []
    return [data_table([["Gegeven", "Waarde"], *shown], _widths(0.35, 0.65), numeric_from=9)]


def _dossier(part: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [subheading(f"{part['soort'].capitalize()} {part['referentie']}")]
    if part["soort"] == "zaak":
        facts = [
            ("Lijn", part["lijn"]),
            ("Code", part["code_omschrijving"]),
            ("Geopend", part["geopend"]),
            ("Gesloten", part["gesloten"]),
            ("Land", part["land"]),
        ]
    else:
        facts = [
            ("Aangevraagd", part["aangevraagd"]),
            ("Status", part["status"]),
            ("Gestart", part["gestart"]),
            ("Beëindigd", part["beëindigd"]),
            ("Uitkomst", part["uitkomst"]),
        ]
    story += _pairs(facts)
    for own in part["uw_gegevens"]:
        story += [gap(), para("<b>Uw gegevens</b>")]
        story += _pairs([(title, own.get(key)) for key, title in _FIELDS])
    others = part["andere_personen"]
    if others:
        story += [gap(), para("<b>Andere personen</b>")]
        story += [para(f"{o['rol']}: {o['gegevens']}") for o in others]
    children = part["kinderen"]
    if children:
        story += [gap(), para("<b>Kinderen</b>")]
        for child in children:
            if "kind" in child:
                story.append(para(f"kind: {child['kind']}"))
            else:
                story.append(
                    para(
                        " ".join(x for x in (child["voornaam"], child["achternaam"]) if x)
                        + (f", geboren {child['geboortedatum']}" if child["geboortedatum"] else "")
                    )
                )
    contacts = part.get("contactmomenten") or []
    if contacts:
        story += [gap(), para("<b>Contactmomenten</b>")]
        rows = [["Datum", "Kanaal", "Met", "Minuten"]] + [
            [c["datum"], c["kanaal"], c["met"], "" if c["minuten"] is None else str(c["minuten"])]
            for c in contacts
        ]
        story.append(data_table(rows, _widths(0.25, 0.25, 0.3, 0.2), numeric_from=3))
    return story


def render_pack(pack: dict[str, Any], path: Path) -> None:
    """Write the PDF of `pack` (services.subject_access.gather) to `path`."""
    req = pack["verzoek"]
    st = styles()
    story: list[Flowable] = [
        heading("Inzageverzoek (AVG artikel 15)"),
        _pairs_first(req),
        gap(),
        para(pack["toelichting"], st.note),
    ]
    for part in pack["dossiers"]:
        story += [gap(10), *_dossier(part)]
    info = ReportInfo(
        title="Inzageverzoek",
        subject=f"Inzageverzoek ontvangen {req['ontvangen']}",
        generated_on=date.today(),
        cover=False,
    )
    write_pdf(path, info, story)


def _pairs_first(req: dict[str, Any]) -> Flowable:
    rows = [
        ["Gegeven", "Waarde"],
        ["Naam", req["naam"]],
        ["Geboortedatum", req["geboortedatum"] or "niet opgegeven"],
        ["Verzoek ontvangen", req["ontvangen"]],
        ["Uiterlijk beantwoorden", req["uiterlijk_beantwoorden"]],
        ["Behandeld door", req["behandeld_door"]],
    ]
    return data_table(rows, _widths(0.35, 0.65), numeric_from=9)
