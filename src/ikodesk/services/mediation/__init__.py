"""The Mediation Bureau's workflow: requests, decisions, intake, mediators, interviews, outcomes.

The status of a mediation (the exchange format's values) moves like this:

    requested --start--> running --intake "not suitable" (end date)--> ended, no outcome
        |                   |
        |                   +--outcome (after a suitable intake, end date)--> ended
        |
        +--not continued (reason)--> not_started --reopen--> requested
                                         |
                                         +--special curator appointed (date)

Every step builds the state it leads to and checks it with
`validation.mediation_rules`, the rules the exchange import applies to every
record: the workflow can never produce a mediation the import would refuse,
and the import accepts nothing the workflow could not have produced. Each
step first checks its own precondition, with a Dutch message that says what
to do instead. The workflow is stricter than the import only where a form is
(a request needs a child, a decision not to continue needs a reason).

What the annual figures count (spec/annual-figures.md, `mediation.*`) maps
onto the fields these steps set: a request counts in the year of
`requested`; "started" is status running or ended (so `started` is set,
not-suitable mediations included); "not started" is status not_started;
"not suitable" is intake not_suitable; a special curator counts in the year
of its date; an outcome in the year of `ended`; a child interview in the
year of its date, with the children heard.

Every function takes the session and the acting user and asks the access
policy first (MEDIATION_READ / MEDIATION_WRITE). Reads return plain frozen
rows and details, never ORM objects, so screens trigger no lazy loads.

The package is split by job: `views` holds the data objects going in and out
(and the one loader that builds them), `workflow` the steps that change a
mediation, `queries` the reads. Callers use the package:
`from ikodesk.services import mediation` and `mediation.register_request(...)`.
"""

from ikodesk.services.mediation.hearing import HearingView, Sessions
from ikodesk.services.mediation.queries import (
    curator_reminders,
    find_linked_case,
    get_mediation,
    get_mediation_by_ref,
    list_mediations,
    mediator_warnings,
    request_years,
)
from ikodesk.services.mediation.views import (
    CURATOR_MIN_AGE,
    Assignment,
    ChildView,
    CuratorReminder,
    InterviewView,
    LinkedCase,
    MediationDetail,
    MediationRow,
    MediatorRef,
    ParentView,
    RequestData,
    Step,
)
from ikodesk.services.mediation.workflow import (
    add_child_interview,
    appoint_special_curator,
    assign_mediators,
    not_continue,
    record_intake,
    record_outcome,
    register_request,
    remove_child_interview,
    reopen_request,
    start_mediation,
    update_request,
)

__all__ = [
    "CURATOR_MIN_AGE",
    "Assignment",
    "ChildView",
    "CuratorReminder",
    "HearingView",
    "InterviewView",
    "LinkedCase",
    "MediationDetail",
    "MediationRow",
    "MediatorRef",
    "ParentView",
    "RequestData",
    "Sessions",
    "Step",
    "add_child_interview",
    "appoint_special_curator",
    "assign_mediators",
    "curator_reminders",
    "find_linked_case",
    "get_mediation",
    "get_mediation_by_ref",
    "list_mediations",
    "mediator_warnings",
    "not_continue",
    "record_intake",
    "record_outcome",
    "register_request",
    "remove_child_interview",
    "reopen_request",
    "request_years",
    "start_mediation",
    "update_request",
]
