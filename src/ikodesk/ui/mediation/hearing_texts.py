"""The court hearing of a court-referred mediation in words (Qt-free, see ui.common.texts).

The days until the hearing and whether the mediation's sessions lie before it
(services.mediation.hearing): red when a session is on or after the hearing, amber
while the hearing is near and the mediation has not ended.
"""

from __future__ import annotations

from ikodesk.services.mediation import HearingView, Sessions
from ikodesk.ui.common.texts import Translate, dutch, format_day

LATE_STYLE = "color: #b00020; font-weight: bold;"
NEAR_STYLE = "color: #7a4a00;"
CALM_STYLE = "color: #1d5e20;"
NEAR_DAYS = 7


def _when(view: HearingView, translate: Translate) -> str:
    day = format_day(view.day)
    if view.days_left > 1:
        return translate("Hearing", "Zitting over {0} dagen ({1}).").format(view.days_left, day)
    if view.days_left == 1:
        return translate("Hearing", "Zitting morgen ({0}).").format(day)
    if view.days_left == 0:
        return translate("Hearing", "Zitting vandaag ({0}).").format(day)
    return translate("Hearing", "De zitting was op {0}.").format(day)


def hearing_text(view: HearingView, translate: Translate = dutch) -> tuple[str, str]:
    """The sentence and its style sheet."""
    sessions = {
        Sessions.NOT_STARTED: translate(
            "Hearing", "De mediation is nog niet gestart: plan de sessies vóór de zitting."
        ),
        Sessions.RUNNING: translate(
            "Hearing", "De mediation loopt; de sessies tot nu toe liggen vóór de zitting."
        ),
        Sessions.BEFORE: translate("Hearing", "Alle sessies lagen vóór de zitting."),
        Sessions.NONE: "",
    }
    if view.sessions is Sessions.LATE:
        dates = ", ".join(format_day(d) for d in view.late)
        state = translate(
            "Hearing", "Let op: {0} ligt op of na de zitting; de sessies horen ervóór te liggen."
        ).format(dates)
        style = LATE_STYLE
    else:
        state = sessions[view.sessions]
        near = view.days_left <= NEAR_DAYS and view.sessions in (
            Sessions.NOT_STARTED,
            Sessions.RUNNING,
        )
        style = NEAR_STYLE if near else CALM_STYLE
    return " ".join(part for part in (_when(view, translate), state) if part), style
