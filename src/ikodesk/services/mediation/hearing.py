"""The court hearing a court-referred mediation runs alongside (exchange format 1.1).

The bureau sees the days until the hearing and whether the mediation's
sessions lie before it. ikodesk registers no session calendar; the dates it
knows of a mediation are its start, its child interviews and its end, and
those are what "the sessions" are here. A session on the day of the hearing
is too late: the sessions must lie *before* it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ikodesk.models.enums import MediationStatus, ReferredBy


class Sessions(StrEnum):
    """Where the mediation's sessions stand against the hearing."""

    NOT_STARTED = "not_started"  # requested, no session yet
    RUNNING = "running"  # started, every date so far before the hearing, not ended
    BEFORE = "before"  # ended, every date before the hearing
    LATE = "late"  # a session on or after the day of the hearing
    NONE = "none"  # the request was not continued: no sessions


@dataclass(frozen=True, slots=True)
class HearingView:
    day: date
    days_left: int  # negative once the hearing is past
    sessions: Sessions
    late: tuple[date, ...]  # the registered dates on or after the hearing


def hearing_view(
    referred_by: ReferredBy | None,
    court_hearing: date | None,
    status: MediationStatus,
    session_dates: Iterable[date | None],
    today: date,
) -> HearingView | None:
    """The hearing of a court-referred request as of `today`; None for any other request."""
    if referred_by is not ReferredBy.COURT or court_hearing is None:
        return None
    late = tuple(sorted(d for d in session_dates if d is not None and d >= court_hearing))
    if late:
        sessions = Sessions.LATE
    elif status is MediationStatus.REQUESTED:
        sessions = Sessions.NOT_STARTED
    elif status is MediationStatus.RUNNING:
        sessions = Sessions.RUNNING
    elif status is MediationStatus.ENDED:
        sessions = Sessions.BEFORE
    else:
        sessions = Sessions.NONE
    return HearingView(court_hearing, (court_hearing - today).days, sessions, late)
