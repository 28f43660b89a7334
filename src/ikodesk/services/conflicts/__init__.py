"""Conflict cases: detected and marked automatically, listed for admins and managers.

`detect` runs whenever cases are registered, edited or imported (in the same
transaction). It keeps the name index (`match_keys`) of those cases up to
date, finds candidate cases of the same family through indexed queries
(the same child birth date, the same parent birth date, or at least two
shared name keys of people without a birth date), and lets
`family_match.compare` decide. A strong match between two parents who stand
against each other becomes a conflict pair at once; a weak one waits on the
admin's review list and walls both cases provisionally until the admin
decides (confirm: a conflict pair; dismiss: the provisional wall is lifted).
Walls only go up otherwise: a later edit never lifts one.

When a conflict pair or a weak match is found, every user who handles or has opened one of
the two cases is put on a side (`WallClaim`): the side they handle; else the
one they opened first; else the older case. A user who was on both sides
before the conflict was known keeps that one side and is marked
`both_sides` in the conflict list, so that the admin can arrange a handover.

The package is split by job: `profiles` (what is compared), `detection`
(candidates and verdicts), `sides` (who stands on which side, the walls'
claims), `review` (the lists and the admin's decisions), `typing` (the same
rules asked while a case is typed, answered without revealing the other side). Callers use the
package: `from ikodesk.services import conflicts`.
"""

from ikodesk.services.conflicts.detection import BULK_CASES, DetectionResult, detect
from ikodesk.services.conflicts.profiles import load_profiles, profile_from_data
from ikodesk.services.conflicts.review import (
    ConflictInfo,
    confirm,
    dismiss,
    list_conflicts,
    review_list,
    scan_all,
)
from ikodesk.services.conflicts.sides import (
    check_handler,
    claim_for_handlers,
    conflict_case_ids,
    put_users_on_sides,
)
from ikodesk.services.conflicts.typing import (
    FamilyMatch,
    FamilyNotice,
    check_family,
    complete_enough,
)
from ikodesk.services.family_match import match_keys

__all__ = [
    "BULK_CASES",
    "ConflictInfo",
    "DetectionResult",
    "FamilyMatch",
    "FamilyNotice",
    "check_family",
    "check_handler",
    "claim_for_handlers",
    "complete_enough",
    "confirm",
    "conflict_case_ids",
    "detect",
    "dismiss",
    "list_conflicts",
    "load_profiles",
    "match_keys",
    "profile_from_data",
    "put_users_on_sides",
    "review_list",
    "scan_all",
]
