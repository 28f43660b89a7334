"""What the workflow says when a step does not fit the mediation's state (Dutch templates).

Each refusal is a field problem of the step's field (`views._refuse`): the
command line prints the Dutch sentence, the desktop client shows it in its
language next to the field or on the step's message line.
"""

from __future__ import annotations

from ikodesk.errors import QT_TRANSLATE_NOOP

# -- deciding ---------------------------------------------------------------------------------
START_NOT_CONTINUED = QT_TRANSLATE_NOOP(
    "services",
    "De aanvraag is niet voortgezet. Heropen de aanvraag eerst als de mediation toch start.",
)
ALREADY_STARTED_ON = QT_TRANSLATE_NOOP("services", "De mediation is al gestart (op {started}).")
ALREADY_NOT_CONTINUED = QT_TRANSLATE_NOOP(
    "services", "De aanvraag is al geregistreerd als niet voortgezet."
)
STARTED_CANNOT_STOP = QT_TRANSLATE_NOOP(
    "services",
    "De mediation is al gestart; een gestarte mediation eindigt met een intake of een "
    "uitkomst, niet als niet-voortgezette aanvraag.",
)
REASON_NEEDED = QT_TRANSLATE_NOOP(
    "services", "Geef de reden waarom de aanvraag niet wordt voortgezet."
)
TOO_LONG = QT_TRANSLATE_NOOP("services", "Te lang (maximaal {max} tekens).")
ONLY_NOT_CONTINUED_REOPENS = QT_TRANSLATE_NOOP(
    "services", "Alleen een niet-voortgezette aanvraag kan worden heropend."
)
CURATOR_WHEN_NOT_STARTED = QT_TRANSLATE_NOOP(
    "services",
    "Een bijzondere curator wordt benoemd wanneer de mediation niet start: registreer eerst "
    "dat de aanvraag niet wordt voortgezet.",
)

# -- running: what a step needs, by the step's field ------------------------------------------
NOT_YET_STARTED = {
    "intake": QT_TRANSLATE_NOOP(
        "services",
        "De mediation is nog niet gestart; registreer eerst de start. "
        "(Een intake is er na de start.)",
    ),
    "outcome": QT_TRANSLATE_NOOP(
        "services",
        "De mediation is nog niet gestart; registreer eerst de start. "
        "(Een uitkomst is er alleen na de start.)",
    ),
    "child_interviews": QT_TRANSLATE_NOOP(
        "services",
        "De mediation is nog niet gestart; registreer eerst de start. "
        "(Kindgesprekken zijn er in een gestarte mediation.)",
    ),
}
NOT_CONTINUED = {
    "intake": QT_TRANSLATE_NOOP(
        "services", "De aanvraag is niet voortgezet. (Een intake is er na de start.)"
    ),
    "outcome": QT_TRANSLATE_NOOP(
        "services", "De aanvraag is niet voortgezet. (Een uitkomst is er alleen na de start.)"
    ),
    "child_interviews": QT_TRANSLATE_NOOP(
        "services",
        "De aanvraag is niet voortgezet. (Kindgesprekken zijn er in een gestarte mediation.)",
    ),
}
ALREADY_ENDED = QT_TRANSLATE_NOOP("services", "De mediation is al beëindigd.")
SUITABLE_RUNS_ON = QT_TRANSLATE_NOOP(
    "services", "Een geschikte mediation loopt door; de einddatum hoort bij de uitkomst."
)
END_DATE_NEEDED = QT_TRANSLATE_NOOP(
    "services", "Geef de einddatum: een mediation die niet geschikt is, eindigt na de intake."
)
INTERVIEW_AFTER_END = QT_TRANSLATE_NOOP(
    "services", "Er is een kindgesprek op {day}, na deze einddatum."
)
NOT_SUITABLE_NO_OUTCOME = QT_TRANSLATE_NOOP(
    "services", "De mediation was niet geschikt na de intake en is zonder uitkomst beëindigd."
)
INTAKE_FIRST = QT_TRANSLATE_NOOP(
    "services", "Registreer eerst de intake: een uitkomst is er alleen na een geschikte intake."
)
REASONS_ONLY_WITHOUT_AGREEMENT = QT_TRANSLATE_NOOP(
    "services",
    'Redenen waarom de mediation niet slaagde horen alleen bij "geen overeenkomst".',
)
ONE_CHILD_HEARD = QT_TRANSLATE_NOOP(
    "services", "In een kindgesprek wordt minstens één kind gehoord."
)
NO_MEDIATORS_NOT_CONTINUED = QT_TRANSLATE_NOOP(
    "services", "De aanvraag is niet voortgezet; er worden geen mediators toegewezen."
)
MEDIATORS_FIXED = QT_TRANSLATE_NOOP(
    "services", "De mediation is beëindigd; de mediators liggen vast."
)
NO_SUCH_MEDIATOR = QT_TRANSLATE_NOOP("services", "Deze mediator bestaat niet (meer).")
MEDIATOR_INACTIVE = QT_TRANSLATE_NOOP("services", "{name} is niet actief in de mediatorpool.")

# -- a request ----------------------------------------------------------------------------------
CHILD_NEEDED = QT_TRANSLATE_NOOP(
    "services", "registreer minstens één kind (geboortedatum of leeftijd)"
)
NO_SUCH_CASE = QT_TRANSLATE_NOOP("services", 'Zaak "{ref}" bestaat niet.')
CASE_REF_NEEDED = QT_TRANSLATE_NOOP("services", "Geef de referentie van de zaak.")
