"""Recognising one family across cases: normalised names, blocking keys and a match score.

Pure functions, no database: `services.conflicts` loads the profiles, finds
candidate pairs through indexed queries (same birth dates, shared name keys)
and asks `compare` for a verdict on each pair.

The score adds up independent pieces of evidence and subtracts what speaks
against one family (a Fellegi-Sunter-like weighing, kept in small integers so
that a reason can be given for every decision):

- a child with the same birth date and first name (+3), or the same birth date
  and surname where a first name is missing (+2), or the same full name where a
  birth date is missing (+1); ages that agree when only ages are known (+1);
- the requester of one case is the other parent named in the other case, with
  the same name and birth date or the same phone number or e-mail address (+4),
  or the same full name without a birth date to compare (+2), each direction;
- children that cannot be the same (no child of one case fits any child of the
  other) (-4), or a named other parent who clearly is someone else (-3).

Two unrelated families who share a common surname differ in their children's
birth dates and the parents' first names, so they collect penalties, not
points. A conflict needs `CONFLICT_SCORE` without any contradiction; a weaker
match from `REVIEW_SCORE` goes to the admin's review list.

The package is split by job: `names` (normalising and comparing names),
`profiles` (what is compared of a case, and its blocking keys), `scoring`
(the verdict), `profile_json` (profiles and verdicts as the server's SQL copy
of `compare` takes and gives them: storage/server/sql/family_match.sql).
Callers use the package: `from ikodesk.services.family_match import compare`.
"""

from ikodesk.services.family_match.names import (
    PARTICLES,
    Name,
    fold,
    name_similarity,
    skeleton,
)
from ikodesk.services.family_match.profile_json import profile_to_json, verdict_to_json
from ikodesk.services.family_match.profiles import (
    CaseProfile,
    ChildProfile,
    PersonProfile,
    SideGroup,
    contact_keys,
    match_keys,
)
from ikodesk.services.family_match.scoring import (
    CONFLICT_SCORE,
    CONFLICT_SCORE_WITHOUT_SIDES,
    DIFFERENT_NAME,
    FIRST_NAME_MATCH,
    NAME_ONLY_MATCH,
    PERSON_WITH_DATE_MATCH,
    REVIEW_SCORE,
    SURNAME_MATCH,
    W_AGES,
    W_CHILD_DATE_FIRST,
    W_CHILD_DATE_SURNAME,
    W_CHILD_NAMES,
    W_CHILDREN_DIFFER,
    W_PERSON_DIFFERS,
    W_PERSON_NAME,
    W_PERSON_STRONG,
    ChildMatch,
    ChildrenEvidence,
    Opposition,
    PersonMatch,
    Status,
    Verdict,
    compare,
    compare_children,
    compare_persons,
    opposition,
    pair_children,
)

__all__ = [
    "CONFLICT_SCORE",
    "CONFLICT_SCORE_WITHOUT_SIDES",
    "DIFFERENT_NAME",
    "FIRST_NAME_MATCH",
    "NAME_ONLY_MATCH",
    "PARTICLES",
    "PERSON_WITH_DATE_MATCH",
    "REVIEW_SCORE",
    "SURNAME_MATCH",
    "W_AGES",
    "W_CHILDREN_DIFFER",
    "W_CHILD_DATE_FIRST",
    "W_CHILD_DATE_SURNAME",
    "W_CHILD_NAMES",
    "W_PERSON_DIFFERS",
    "W_PERSON_NAME",
    "W_PERSON_STRONG",
    "CaseProfile",
    "ChildMatch",
    "ChildProfile",
    "ChildrenEvidence",
    "Name",
    "Opposition",
    "PersonMatch",
    "PersonProfile",
    "SideGroup",
    "Status",
    "Verdict",
    "compare",
    "compare_children",
    "compare_persons",
    "contact_keys",
    "fold",
    "match_keys",
    "name_similarity",
    "opposition",
    "pair_children",
    "profile_to_json",
    "skeleton",
    "verdict_to_json",
]
