"""The mediation window's workflow in words (Qt-free, testable without Qt).

One function says, for a mediation as the services show it, what the window
writes next to each step: the decision, the special curator, the mediators,
the intake, the child interviews and the outcome. The panel
(`workflow_panel.WorkflowPanel`) only puts these texts in its labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from ikodesk.models.enums import Intake, MediationStatus
from ikodesk.models.labels import label
from ikodesk.services.mediation import CURATOR_MIN_AGE, MediationDetail
from ikodesk.ui.common.texts import Translate, dutch, format_day

NONE = "—"


@dataclass(frozen=True)
class WorkflowTexts:
    hint: str
    decision: str = NONE
    curator: str = NONE
    curator_warning: bool = False  # a curator is due: the text is a warning
    mediators: str = NONE
    intake: str = NONE
    interviews: str = NONE
    outcome: str = NONE
    curator_appointed: bool = False  # the button changes the appointment


def interviews_text(interviews: int, heard: int, translate: Translate = dutch) -> str:
    if interviews == 0:
        return translate("MediationWindow", "Nog geen kindgesprekken.")
    first = (
        translate("MediationWindow", "1 kindgesprek")
        if interviews == 1
        else translate("MediationWindow", "{0} kindgesprekken").format(interviews)
    )
    second = (
        translate("MediationWindow", "1 kind gehoord")
        if heard == 1
        else translate("MediationWindow", "{0} kinderen gehoord").format(heard)
    )
    return f"{first}, {second}."


def workflow_texts(
    d: MediationDetail | None, translate: Translate = dutch, lang: str = "nl"
) -> WorkflowTexts:
    """What the workflow panel says about `d` (None: a request not yet saved)."""

    if d is None:
        return WorkflowTexts(
            translate(
                "MediationWindow",
                "Sla de aanvraag op (Ctrl+S); daarna registreert u hier het verloop.",
            )
        )
    hint = translate("MediationWindow", "Aangevraagd op {0}{1}.").format(
        format_day(d.requested),
        translate("MediationWindow", ", verwezen door: {0}").format(
            label(d.referred_by, lang).lower()
        )
        if d.referred_by
        else "",
    )
    if d.status is MediationStatus.REQUESTED:
        decision = translate(
            "MediationWindow",
            "Nog geen besluit: start de mediation of registreer dat de aanvraag "
            "niet wordt voortgezet.",
        )
    elif d.status is MediationStatus.NOT_STARTED:
        decision = translate("MediationWindow", "Niet voortgezet: {0}").format(
            d.not_started_reason or ""
        )
    else:
        decision = translate("MediationWindow", "Gestart op {0}.").format(format_day(d.started))
    warning = False
    if d.special_curator is not None:
        curator = translate("MediationWindow", "Benoemd op {0}.").format(
            format_day(d.special_curator)
        )
    elif d.curator_due:
        curator = translate(
            "MediationWindow",
            "Nog te benoemen: de aanvraag is niet voortgezet en er is een kind van {0} jaar "
            "of ouder (afspraak van het bureau).",
        ).format(CURATOR_MIN_AGE)
        warning = True
    elif d.status is MediationStatus.NOT_STARTED:
        curator = translate(
            "MediationWindow", "Niet nodig: geen kind van {0} jaar of ouder bekend."
        ).format(CURATOR_MIN_AGE)
    else:
        curator = translate("MediationWindow", "Alleen bij een aanvraag die niet wordt voortgezet.")
    if d.mediators:
        mediators = ", ".join(
            m.name
            + (translate("MediationWindow", " (CBFM)") if m.cbfm else "")
            + ("" if m.active else translate("MediationWindow", " (inactief)"))
            for m in d.mediators
        )
    else:
        mediators = translate("MediationWindow", "Nog geen mediators toegewezen.")
    if d.intake is Intake.SUITABLE:
        intake = translate("MediationWindow", "Geschikt.")
    elif d.intake is Intake.NOT_SUITABLE:
        intake = translate(
            "MediationWindow", "Niet geschikt: beëindigd op {0}, zonder uitkomst."
        ).format(format_day(d.ended))
    elif d.status is MediationStatus.RUNNING:
        intake = translate("MediationWindow", "Nog geen intake.")
    else:
        intake = NONE
    if d.outcome is not None:
        outcome = translate("MediationWindow", "{0}, beëindigd op {1}.").format(
            label(d.outcome, lang), format_day(d.ended)
        )
        if d.failure_reasons:
            outcome += " " + translate("MediationWindow", "Redenen: {0}.").format(
                ", ".join(label(r, lang).lower() for r in d.failure_reasons)
            )
    elif d.intake is Intake.SUITABLE:
        outcome = translate("MediationWindow", "Nog geen uitkomst.")
    else:
        outcome = NONE
    return WorkflowTexts(
        hint=hint,
        decision=decision,
        curator=curator,
        curator_warning=warning,
        mediators=mediators,
        intake=intake,
        interviews=interviews_text(len(d.interviews), d.children_heard, translate),
        outcome=outcome,
        curator_appointed=d.special_curator is not None,
    )
