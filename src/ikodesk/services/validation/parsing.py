"""Turning JSON objects of exchange format v1 into typed records.

`parse_*` checks the types, formats and allowed fields of one object and
returns its record (`records`), or raises the first `FieldProblem`. The
rules that span fields are not checked here (`rules`); the import calls
both, the forms build records themselves and call only the rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models.enums import (
    ActivityKind,
    CaseCode,
    Channel,
    CloseReason,
    Direction,
    FailureReason,
    FamilyRelation,
    Intake,
    MediationKind,
    MediationStatus,
    OrganisationType,
    Outcome,
    ParentRelation,
    ParentSide,
    Party,
    ReferredBy,
    RequesterKind,
    Role,
    Taker,
)
from ikodesk.services import input_rules
from ikodesk.services.validation.fields import OBJECT_EXPECTED, Fields, parse_choice, show_value
from ikodesk.services.validation.mediation_rules import parent_rules
from ikodesk.services.validation.records import (
    CLOCK_DATE_FIELDS,
    MAX_CHILD_AGE,
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

# --- cases -------------------------------------------------------------------

_PERSON_COMMON = ("first_name", "last_name", "birth_date", "phone", "email")
_REQUESTER_FIELDS: dict[RequesterKind, tuple[str, ...]] = {
    RequesterKind.PARENT: ("kind", "relation", "side", *_PERSON_COMMON),
    RequesterKind.PROFESSIONAL: ("kind", "organisation_type", "organisation", *_PERSON_COMMON),
    RequesterKind.FAMILY: ("kind", "relation", *_PERSON_COMMON),
}
_OTHER_PARENT_FIELDS = ("relation", *_PERSON_COMMON)
_CHILD_FIELDS = ("first_name", "last_name", "birth_date", "age")
CASE_FIELDS = (
    "type",
    "ref",
    "line",
    "code",
    "opened",
    "closed",
    "close_reason",
    "handler",
    "requester",
    "other_parent",
    "children",
    "country",
    "direction",
    "taker",
    "mover",
    "summary",
    *CLOCK_DATE_FIELDS,
    "x",
)


def _person_common(f: Fields, p: PersonData) -> None:
    p.first_name = f.text("first_name")
    p.last_name = f.text("last_name")
    p.birth_date = f.day("birth_date")
    p.phone = f.text("phone", max_len=50)
    p.email = f.text("email", max_len=200)


def parse_requester(data: Any, prefix: str = "requester.") -> PersonData:
    f = Fields(data, prefix)
    kind = f.required_choice("kind", RequesterKind)
    f.only(_REQUESTER_FIELDS[kind])
    p = PersonData(kind=kind)
    if kind is RequesterKind.PARENT:
        rel = f.choice("relation", ParentRelation, required=True)
        p.relation = rel.value if rel else None
        p.side = f.choice("side", ParentSide)
    elif kind is RequesterKind.PROFESSIONAL:
        p.organisation_type = f.choice("organisation_type", OrganisationType, required=True)
        p.organisation = f.text("organisation", max_len=200)
    else:
        fam = f.choice("relation", FamilyRelation, required=True)
        p.relation = fam.value if fam else None
    _person_common(f, p)
    return p


def parse_other_parent(data: Any, prefix: str = "other_parent.") -> PersonData:
    f = Fields(data, prefix)
    f.only(_OTHER_PARENT_FIELDS)
    rel = f.choice("relation", ParentRelation)
    p = PersonData(kind=RequesterKind.PARENT, relation=rel.value if rel else None)
    _person_common(f, p)
    return p


def parse_child(data: Any, prefix: str) -> ChildData:
    if not isinstance(data, dict):
        raise FieldProblem(prefix.rstrip("."), OBJECT_EXPECTED)
    f = Fields(data, prefix)
    f.only(_CHILD_FIELDS)
    return ChildData(
        first_name=f.text("first_name"),
        last_name=f.text("last_name"),
        birth_date=f.day("birth_date"),
        age=f.integer("age", minimum=0, maximum=MAX_CHILD_AGE),
    )


def parse_case(data: Mapping[str, Any]) -> CaseData:
    f = Fields(data)
    f.only(CASE_FIELDS)
    ref = f.ref("ref")
    line = f.integer("line", required=True)
    if line not in (1, 2):
        raise FieldProblem(
            "line",
            QT_TRANSLATE_NOOP("services", "ongeldige lijn {value} (verwacht 1 of 2)"),
            value=show_value(line),
        )
    code = f.required_choice("code", CaseCode)
    opened = f.required_day("opened")
    handler = f.required_text("handler", max_len=64)
    req = f.obj("requester", required=True)
    other = f.obj("other_parent")
    case = CaseData(
        ref=ref,
        line=line,
        code=code,
        opened=opened,
        handler=handler,
        requester=parse_requester(req),
        closed=f.day("closed"),
        close_reason=f.choice("close_reason", CloseReason),
        other_parent=parse_other_parent(other) if other is not None else None,
        children=[parse_child(c, f"children[{i}].") for i, c in enumerate(f.items("children"))],
        country=f.country("country"),
        direction=f.choice("direction", Direction),
        taker=f.choice("taker", Taker),
        mover=f.choice("mover", ParentRelation),
        summary=f.text("summary", max_len=TEXT_MAX),
        x=f.obj("x"),
        removal_date=f.day("removal_date"),
        proceedings_started=f.day("proceedings_started"),
        decision_first_instance=f.day("decision_first_instance"),
        appeal_ready=f.day("appeal_ready"),
    )
    return case


# --- other record types --------------------------------------------------------

CONTACT_FIELDS = ("type", "case", "at", "channel", "party", "handler", "minutes", "summary", "x")


def parse_contact(data: Mapping[str, Any]) -> ContactData:
    f = Fields(data)
    f.only(CONTACT_FIELDS)
    case = f.ref("case")
    at = f.moment("at", required=True)
    assert case is not None and at is not None
    return ContactData(
        case=case,
        at=at,
        channel=f.required_choice("channel", Channel),
        party=f.required_choice("party", Party),
        handler=f.required_text("handler", max_len=64),
        minutes=f.integer("minutes", minimum=0, maximum=24 * 60),
        summary=f.text("summary", max_len=TEXT_MAX),
        x=f.obj("x"),
    )


USER_FIELDS = ("type", "username", "name", "role", "x")
_USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


def parse_user(data: Mapping[str, Any]) -> UserData:
    f = Fields(data)
    f.only(USER_FIELDS)
    username = f.required_text("username", max_len=64)
    if not _USERNAME_RE.fullmatch(username):
        raise FieldProblem(
            "username",
            QT_TRANSLATE_NOOP(
                "services", "ongeldige gebruikersnaam {value} (2 tot 64 tekens: a-z, 0-9, . _ -)"
            ),
            value=show_value(username),
        )
    return UserData(
        username=username,
        role=f.required_choice("role", Role),
        name=f.text("name", max_len=200) or "",
        x=f.obj("x"),
    )


MEDIATOR_FIELDS = ("type", "name", "cbfm", "languages", "active", "x")
_LANG_RE = re.compile(r"[a-z]{2,3}")


def check_language(value: Any, path: str) -> str:
    """A language code of a mediator (ISO 639, lower case: "nl", "pl")."""
    if not isinstance(value, str) or not _LANG_RE.fullmatch(value):
        raise FieldProblem(
            path,
            QT_TRANSLATE_NOOP("services", 'ongeldige taalcode {value} (verwacht bijv. "nl")'),
            value=show_value(value),
        )
    return value


def parse_mediator(data: Mapping[str, Any]) -> MediatorData:
    f = Fields(data)
    f.only(MEDIATOR_FIELDS)
    languages = [
        check_language(lang, f"languages[{i}]") for i, lang in enumerate(f.items("languages"))
    ]
    return MediatorData(
        name=f.required_text("name", max_len=200),
        cbfm=f.boolean("cbfm", False),
        languages=languages,
        active=f.boolean("active", True),
        x=f.obj("x"),
    )


MEDIATION_FIELDS = (
    "type",
    "ref",
    "kind",
    "requested",
    "case",
    "referred_by",
    "children",
    "status",
    "started",
    "not_started_reason",
    "special_curator",
    "intake",
    "outcome",
    "ended",
    "failure_reasons",
    "mediators",
    "child_interviews",
    "court_hearing",
    "x",
)


def parse_mediation(data: Mapping[str, Any]) -> MediationData:
    f = Fields(data)
    f.only(MEDIATION_FIELDS)
    ref = f.ref("ref")
    assert ref is not None
    reasons: list[FailureReason] = []
    for i, r in enumerate(f.items("failure_reasons")):
        reasons.append(parse_choice(r, FailureReason, f"failure_reasons[{i}]"))
    mediators: list[str] = []
    for i, name in enumerate(f.items("mediators")):
        if not isinstance(name, str) or not name.strip():
            raise FieldProblem(
                f"mediators[{i}]",
                QT_TRANSLATE_NOOP("services", "verwacht de naam van een mediator"),
            )
        mediators.append(name.strip())
    interviews: list[InterviewData] = []
    for i, item in enumerate(f.items("child_interviews")):
        prefix = f"child_interviews[{i}]."
        if not isinstance(item, dict):
            raise FieldProblem(prefix.rstrip("."), OBJECT_EXPECTED)
        fi = Fields(item, prefix)
        fi.only(("date", "children"))
        count = fi.integer("children", required=True, minimum=1, maximum=input_rules.MAX_CHILDREN)
        assert count is not None
        interviews.append(InterviewData(fi.required_day("date"), count))
    return MediationData(
        ref=ref,
        kind=f.required_choice("kind", MediationKind),
        requested=f.required_day("requested"),
        status=f.required_choice("status", MediationStatus),
        case=f.ref("case", required=False),
        referred_by=f.choice("referred_by", ReferredBy),
        children=[parse_child(c, f"children[{i}].") for i, c in enumerate(f.items("children"))],
        started=f.day("started"),
        not_started_reason=f.text("not_started_reason", max_len=TEXT_MAX),
        special_curator=f.day("special_curator"),
        intake=f.choice("intake", Intake),
        outcome=f.choice("outcome", Outcome),
        ended=f.day("ended"),
        failure_reasons=reasons,
        mediators=mediators,
        child_interviews=interviews,
        x=f.obj("x"),
        court_hearing=f.day("court_hearing"),
    )


MEDIATION_PARENT_FIELDS = ("relation", "first_name", "last_name", "birth_date", "country")


def parse_mediation_parents(value: Any, prefix: str = "parents") -> list[MediationParentData]:
    """The parents of a mediation from a JSON list (the proposed v1.1 field `parents`)."""
    if not isinstance(value, list):
        raise FieldProblem(prefix, QT_TRANSLATE_NOOP("services", "verwacht een lijst [...]"))
    parents: list[MediationParentData] = []
    for i, item in enumerate(value):
        path = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            raise FieldProblem(path, OBJECT_EXPECTED)
        f = Fields(item, path + ".")
        f.only(MEDIATION_PARENT_FIELDS)
        parents.append(
            MediationParentData(
                relation=f.required_choice("relation", ParentRelation),
                first_name=f.text("first_name"),
                last_name=f.text("last_name"),
                birth_date=f.day("birth_date"),
                country=f.country("country"),
            )
        )
    return parents


def take_x_parents(m: MediationData, known_countries: Collection[str]) -> bool:
    """Adopt valid parents from the record's free `x.parents` (exchange v1 has no field).

    Exports carry a mediation's parents in `x.parents` so that a round trip
    keeps them. When that value is a valid parents list it becomes
    `m.parents` and leaves `x`; anything else under `x` (an invalid
    `x.parents` included) stays free extension data, kept as it is, as
    exchange v1 promises. Returns True when parents were adopted.
    """
    if not m.x or "parents" not in m.x:
        return False
    try:
        parents = parse_mediation_parents(m.x["parents"], "x.parents")
    except FieldProblem:
        return False
    if parent_rules(parents, m.requested, known_countries, "x.parents"):
        return False
    m.parents = parents
    rest = {k: v for k, v in m.x.items() if k != "parents"}
    m.x = rest or None
    return True


ACTIVITY_FIELDS = ("type", "date", "kind", "organisation", "title", "x")


def parse_activity(data: Mapping[str, Any]) -> ActivityData:
    f = Fields(data)
    f.only(ACTIVITY_FIELDS)
    return ActivityData(
        date=f.required_day("date"),
        kind=f.required_choice("kind", ActivityKind),
        title=f.required_text("title", max_len=500),
        organisation=f.text("organisation", max_len=200),
        x=f.obj("x"),
    )


HISTORICAL_FIELDS = ("type", "year", "key", "value", "frozen_at", "frozen_by")
HISTORICAL_MAX = 1_000_000_000


def parse_historical_figure(
    data: Mapping[str, Any], known_keys: Collection[str]
) -> HistoricalFigureData:
    f = Fields(data)
    f.only(HISTORICAL_FIELDS)
    year = f.integer("year", required=True, minimum=1990, maximum=2100)
    key = f.required_text("key", max_len=120)
    if key not in known_keys:
        raise FieldProblem(
            "key",
            QT_TRANSLATE_NOOP("services", "onbekende cijfernaam {value} (zie annual-figures.md)"),
            value=show_value(key),
        )
    value = data.get("value")
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
        or not 0 <= value <= HISTORICAL_MAX
    ):
        raise FieldProblem(
            "value",
            QT_TRANSLATE_NOOP("services", "verwacht een getal van 0 tot {max}, niet {value}"),
            max=f"{HISTORICAL_MAX:_}",
            value=show_value(value),
        )
    frozen_at = f.moment("frozen_at")
    frozen_by = f.text("frozen_by", max_len=64)
    if (frozen_at is None) != (frozen_by is None):
        raise FieldProblem(
            "frozen_by" if frozen_by is None else "frozen_at",
            "frozen_at en frozen_by horen bij elkaar (een vastgesteld cijfer heeft beide)",
        )
    assert year is not None
    return HistoricalFigureData(
        year=year, key=key, value=float(value), frozen_at=frozen_at, frozen_by=frozen_by
    )
