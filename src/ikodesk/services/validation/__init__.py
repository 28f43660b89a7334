"""Validation of the domain's records, shared by the exchange import and the forms.

Two steps: `parse_*` turns a JSON object of the exchange format into a typed
record (types, formats, allowed fields), and `*_rules` checks the rules that
span fields (per case code, dates in order, the mediation state machine).
Forms build the typed records themselves and call the rules. Every problem is
a `FieldProblem` (ikodesk.errors) with the field's path in exchange-format terms
("requester.side", "children[2].birth_date") and a Dutch message template with
its parameters (services.wording), which the desktop client translates.

The package is split by job:

- `records`: the typed records (`CaseData`, `ContactData`, `MediationData`,
  ...) and `FieldProblem`;
- `fields`: reading the fields of one JSON object (`Fields`, `parse_date`,
  `parse_choice`), with the value shown in each message;
- `parsing`: one `parse_*` per record type, the allowed fields of each;
- `rules`: the domain rules across the fields of a case (`case_rules` with the
  table of case codes);
- `mediation_rules`: those of a mediation, with the state machine the mediation
  workflow shares;
- `form_rules`: what a form asks more than the import (no future dates, the
  parent's side in an abduction case, no empty Line 1 call).

The hostile-input rules are their own module, `services.input_rules`.
Callers use the package: `from ikodesk.services.validation import CaseData`.
"""

# Whole years between two dates: the age rules, and the forms that show an age.
from ikodesk.models.cases import age_in_years
from ikodesk.services.validation.fields import (
    Fields,
    choices,
    parse_choice,
    parse_date,
    show_value,
)
from ikodesk.services.validation.form_rules import (
    case_form_rules,
    contact_rules,
    has_caller,
    line1_rules,
)
from ikodesk.services.validation.mediation_rules import (
    INTERVIEW_MIN_AGE,
    MAX_MEDIATION_PARENTS,
    may_be_at_least,
    mediation_rules,
    parent_rules,
)
from ikodesk.services.validation.parsing import (
    ACTIVITY_FIELDS,
    CASE_FIELDS,
    CONTACT_FIELDS,
    HISTORICAL_FIELDS,
    HISTORICAL_MAX,
    MEDIATION_FIELDS,
    MEDIATION_PARENT_FIELDS,
    MEDIATOR_FIELDS,
    USER_FIELDS,
    check_language,
    parse_activity,
    parse_case,
    parse_child,
    parse_contact,
    parse_historical_figure,
    parse_mediation,
    parse_mediation_parents,
    parse_mediator,
    parse_other_parent,
    parse_requester,
    parse_user,
    take_x_parents,
)
from ikodesk.services.validation.records import (
    CLOCK_DATE_FIELDS,
    MAX_CHILD_AGE,
    NAME_MAX,
    TEXT_MAX,
    ActivityData,
    CaseData,
    ChildData,
    ContactData,
    FieldProblem,
    HistoricalFigureData,
    InterviewData,
    MediationData,
    MediationParentData,
    MediatorData,
    PersonData,
    UserData,
)
from ikodesk.services.validation.rules import (
    CODE_RULES,
    CodeRule,
    case_rules,
    code_rule,
)

__all__ = [
    "ACTIVITY_FIELDS",
    "CASE_FIELDS",
    "CLOCK_DATE_FIELDS",
    "CODE_RULES",
    "CONTACT_FIELDS",
    "HISTORICAL_FIELDS",
    "HISTORICAL_MAX",
    "INTERVIEW_MIN_AGE",
    "MAX_CHILD_AGE",
    "MAX_MEDIATION_PARENTS",
    "MEDIATION_FIELDS",
    "MEDIATION_PARENT_FIELDS",
    "MEDIATOR_FIELDS",
    "NAME_MAX",
    "TEXT_MAX",
    "USER_FIELDS",
    "ActivityData",
    "CaseData",
    "ChildData",
    "CodeRule",
    "ContactData",
    "FieldProblem",
    "Fields",
    "HistoricalFigureData",
    "InterviewData",
    "MediationData",
    "MediationParentData",
    "MediatorData",
    "PersonData",
    "UserData",
    "age_in_years",
    "case_form_rules",
    "case_rules",
    "check_language",
    "choices",
    "code_rule",
    "contact_rules",
    "has_caller",
    "line1_rules",
    "may_be_at_least",
    "mediation_rules",
    "parent_rules",
    "parse_activity",
    "parse_case",
    "parse_child",
    "parse_choice",
    "parse_contact",
    "parse_date",
    "parse_historical_figure",
    "parse_mediation",
    "parse_mediation_parents",
    "parse_mediator",
    "parse_other_parent",
    "parse_requester",
    "parse_user",
    "show_value",
    "take_x_parents",
]
