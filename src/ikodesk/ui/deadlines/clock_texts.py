"""The clocks in words and colours, shared by the case window and the Termijnen page.

Qt-free (testable without Qt): `translate` is `QCoreApplication.translate` in a
window (see ui.common.texts).
"""

from __future__ import annotations

from datetime import date

from ikodesk.services.deadlines import ConventionCheck, InForce, Reason, Urgency
from ikodesk.ui.common.texts import Translate, dutch, format_day

# Amber within 30 days, red within 7 days and once overdue (issue #17).
COLOURS: dict[Urgency, tuple[str, str]] = {  # (text, background)
    Urgency.CALM: ("#1d5e20", "#e8f3e8"),
    Urgency.SOON: ("#7a4a00", "#fff1cc"),
    Urgency.URGENT: ("#b00020", "#fde4e7"),
}
NOT_IN_FORCE_STYLE = "color: #b00020; font-weight: bold;"
UNKNOWN_STYLE = "color: #7a4a00;"
IN_FORCE_STYLE = "color: #1d5e20;"


def days_left_text(days: int, translate: Translate = dutch) -> str:
    """ "nog 12 dagen", "morgen", "vandaag", "1 dag verlopen", "3 dagen verlopen"."""
    if days > 1:
        return translate("Clocks", "nog {0} dagen").format(days)
    if days == 1:
        return translate("Clocks", "morgen")
    if days == 0:
        return translate("Clocks", "vandaag")
    if days == -1:
        return translate("Clocks", "1 dag verlopen")
    return translate("Clocks", "{0} dagen verlopen").format(-days)


def child_text(child: int | None, name: str | None = None, translate: Translate = dutch) -> str:
    """ "kind 2" or "kind 2 (Ola)"; "" for a clock of the whole case."""
    if child is None:
        return ""
    text = translate("Clocks", "kind {0}").format(child + 1)
    return f"{text} ({name})" if name else text


def convention_text(
    check: ConventionCheck, country: str, removal: date, translate: Translate = dutch
) -> str:
    """The Art. 35 check as one plain sentence."""
    since = format_day(check.since)
    day = format_day(removal)
    r = check.reason
    if check.in_force is InForce.YES:
        return translate(
            "Clocks",
            "Het Haags Kinderontvoeringsverdrag gold op {0} tussen Nederland en {1} (sinds {2}).",
        ).format(day, country, since)
    if check.in_force is InForce.UNKNOWN:
        if r is Reason.ACCEPTANCE_UNKNOWN:
            why = translate(
                "Clocks",
                "{0} is tot het Verdrag toegetreden; het geldt met Nederland pas vanaf de eerste "
                "dag van de derde kalendermaand na de aanvaarding door Nederland (art. 38), en "
                "die datum is niet vastgelegd.",
            ).format(country)
            how = translate(
                "Clocks",
                "Een beheerder kan de datum van neerlegging vastleggen onder Beheer › "
                "Referentiegegevens › Land wijzigen (aanvaarding door Nederland, met bron).",
            )
        else:
            why = translate(
                "Clocks", "de datum waarop het Verdrag voor {0} in werking trad, is niet bekend."
            ).format(country)
            how = translate(
                "Clocks",
                "Een beheerder kan die datum vastleggen onder Beheer › Referentiegegevens › "
                "Land wijzigen (met bron).",
            )
        return translate(
            "Clocks",
            "Niet vast te stellen of het Haags Kinderontvoeringsverdrag op {0} gold tussen "
            "Nederland en {1}: {2} {3}",
        ).format(day, country, why, how)
    if r is Reason.NOT_PARTY:
        why = translate(
            "Clocks", "{0} is geen partij bij het Haags Kinderontvoeringsverdrag."
        ).format(country)
    elif r is Reason.BEFORE_NETHERLANDS:
        why = translate(
            "Clocks",
            "op {0} gold het Haags Kinderontvoeringsverdrag nog niet voor Nederland "
            "(pas vanaf {1}).",
        ).format(day, since)
    elif r is Reason.BEFORE_STATE:
        why = translate(
            "Clocks",
            "op {0} gold het Haags Kinderontvoeringsverdrag nog niet voor {1} (pas vanaf {2}).",
        ).format(day, country, since)
    else:
        why = translate(
            "Clocks",
            "op {0} gold het Haags Kinderontvoeringsverdrag nog niet tussen Nederland en {1}: "
            "{1} is toegetreden en de aanvaarding door Nederland werkt pas vanaf {2} (art. 38).",
        ).format(day, country, since)
    return translate(
        "Clocks", "Let op: {0} Het Verdrag is niet van toepassing op deze ontvoering (art. 35)."
    ).format(why)


def convention_style(check: ConventionCheck) -> str:
    return {
        InForce.YES: IN_FORCE_STYLE,
        InForce.NO: NOT_IN_FORCE_STYLE,
        InForce.UNKNOWN: UNKNOWN_STYLE,
    }[check.in_force]


def due_soon_text(count: int, translate: Translate = dutch) -> str:
    """The login line: "3 termijnen binnen 7 dagen" (overdue ones included)."""
    if count == 1:
        return translate("Clocks", "1 termijn binnen 7 dagen")
    return translate("Clocks", "{0} termijnen binnen 7 dagen").format(count)
