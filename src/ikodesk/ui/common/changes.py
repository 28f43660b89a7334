"""What a job changed, so that each screen can decide for itself whether to refresh.

Anki's operations pattern (aqt/operations): a job that changes data declares
what it changed; after it succeeded the worker announces that once, on the GUI
thread (`DbWorker.changed`), and every screen that shows such data subscribes
and refreshes itself. No window asks another window or page to refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class OpChanges:
    """The kinds of data one job changed (all False: nothing any screen shows)."""

    cases: bool = False
    contacts: bool = False
    mediations: bool = False
    mediators: bool = False
    users: bool = False
    settings: bool = False
    conflicts: bool = False
    audit: bool = False

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


CASES = OpChanges(cases=True, audit=True)
CONTACTS = OpChanges(contacts=True, audit=True)
MEDIATIONS = OpChanges(mediations=True, audit=True)
MEDIATORS = OpChanges(mediators=True, audit=True)
CONFLICTS = OpChanges(conflicts=True, audit=True)
