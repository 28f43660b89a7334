"""Validation of the domain's records, shared by the exchange import and the forms.

Two steps: `parse_*` turns a JSON object of the exchange format into a typed
record (types, formats, allowed fields), and `*_rules` checks the rules that
span fields (per case code, dates in order, the mediation state machine).
Forms build the typed records themselves and call the rules. Every problem is
a `FieldProblem` with the field's path in exchange-format terms
("requester.side", "children[2].birth_date") and a Dutch message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar, cast

from ikodesk.models.cases import age_in_years
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
    line_of,
)
from ikodesk.services import input_rules

E = TypeVar("E", bound=StrEnum)

MAX_CHILD_AGE = 17
NAME_MAX = 100
TEXT_MAX = 20_000


class FieldProblem(Exception):
    """One invalid field: its path and a Dutch message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f'veld "{field}": {message}')
        self.field = field
        self.message = message


# --- typed records -----------------------------------------------------------


@dataclass(slots=True)
class PersonData:
    kind: RequesterKind = RequesterKind.PARENT
    relation: str | None = None
    side: ParentSide | None = None
    organisation_type: OrganisationType | None = None
    organisation: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(slots=True)
class ChildData:
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    age: int | None = None


@dataclass(slots=True)
class CaseData:
    ref: str | None
    line: int
    code: CaseCode
    opened: date
    handler: str
    requester: PersonData
    closed: date | None = None
    close_reason: CloseReason | None = None
    other_parent: PersonData | None = None
    children: list[ChildData] = field(default_factory=list)
    country: str | None = None
    direction: Direction | None = None
    taker: Taker | None = None
    mover: ParentRelation | None = None
    summary: str | None = None
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class ContactData:
    case: str
    at: datetime
    channel: Channel
    party: Party
    handler: str
    minutes: int | None = None
    summary: str | None = None
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class UserData:
    username: str
    role: Role
    name: str = ""
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class MediatorData:
    name: str
    cbfm: bool = False
    languages: list[str] = field(default_factory=list)
    active: bool = True
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class InterviewData:
    date: date
    children: int


@dataclass(slots=True)
class MediationParentData:
    """A parent in a mediation request (not in exchange format v1: carried in `x.parents`)."""

    relation: ParentRelation
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    country: str | None = None


@dataclass(slots=True)
class MediationData:
    ref: str
    kind: MediationKind
    requested: date
    status: MediationStatus
    case: str | None = None
    referred_by: ReferredBy | None = None
    children: list[ChildData] = field(default_factory=list)
    started: date | None = None
    not_started_reason: str | None = None
    special_curator: date | None = None
    intake: Intake | None = None
    outcome: Outcome | None = None
    ended: date | None = None
    failure_reasons: list[FailureReason] = field(default_factory=list)
    mediators: list[str] = field(default_factory=list)
    child_interviews: list[InterviewData] = field(default_factory=list)
    x: dict[str, Any] | None = None
    parents: list[MediationParentData] = field(default_factory=list)


@dataclass(slots=True)
class ActivityData:
    date: date
    kind: ActivityKind
    title: str
    organisation: str | None = None
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class HistoricalFigureData:
    year: int
    key: str
    value: float


# --- reading JSON objects ----------------------------------------------------

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?")
_ISO2_RE = re.compile(r"[A-Z]{2}")
_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")


def _choices(enum_cls: Iterable[StrEnum]) -> str:
    return ", ".join(m.value for m in enum_cls)


class Fields:
    """Reads the fields of one JSON object, with paths for the messages."""

    __slots__ = ("_data", "_prefix")

    def __init__(self, data: Any, prefix: str = "") -> None:
        self._data = data
        self._prefix = prefix

    def path(self, name: str) -> str:
        return f"{self._prefix}{name}"

    def only(self, allowed: Collection[str]) -> None:
        for key in self._data:
            if key not in allowed:
                raise FieldProblem(
                    self.path(key), "onbekend veld (niet in het uitwisselformaat; zie de spec)"
                )

    def raw(self, name: str) -> Any:
        return self._data.get(name)

    def _get(self, name: str, required: bool) -> Any:
        value = self._data.get(name)
        if value is None and required:
            raise FieldProblem(self.path(name), "ontbreekt (verplicht)")
        return value

    def text(self, name: str, *, required: bool = False, max_len: int = NAME_MAX) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise FieldProblem(self.path(name), "verwacht een tekst")
        value = value.strip()
        if not value:
            if required:
                raise FieldProblem(self.path(name), "mag niet leeg zijn")
            return None
        if len(value) > max_len:
            raise FieldProblem(self.path(name), f"te lang (maximaal {max_len} tekens)")
        return value

    def required_text(self, name: str, max_len: int = NAME_MAX) -> str:
        value = self.text(name, required=True, max_len=max_len)
        assert value is not None
        return value

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldProblem(self.path(name), f"verwacht een geheel getal, niet {_show(value)}")
        if minimum is not None and value < minimum:
            raise FieldProblem(self.path(name), f"moet minstens {minimum} zijn, niet {value}")
        if maximum is not None and value > maximum:
            raise FieldProblem(self.path(name), f"mag hoogstens {maximum} zijn, niet {value}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self._data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise FieldProblem(self.path(name), f"verwacht true of false, niet {_show(value)}")
        return value

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self._get(name, required)
        if value is None:
            return None
        return parse_date(value, self.path(name))

    def required_day(self, name: str) -> date:
        value = self.day(name, required=True)
        assert value is not None
        return value

    def moment(self, name: str, *, required: bool = False) -> datetime | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, str):
            m = _TIME_RE.fullmatch(value)
            if m:
                try:
                    return datetime(
                        int(value[0:4]),
                        int(value[5:7]),
                        int(value[8:10]),
                        int(m.group(2)),
                        int(m.group(3)),
                        int(m.group(4) or 0),
                    )
                except ValueError:
                    pass
        raise FieldProblem(
            self.path(name), f"ongeldige tijd {_show(value)} (verwacht JJJJ-MM-DDTUU:MM[:SS])"
        )

    def choice(
        self,
        name: str,
        enum_cls: type[E],
        *,
        required: bool = False,
        allowed: Collection[E] | None = None,
        context: str = "",
    ) -> E | None:
        value = self._get(name, required)
        if value is None:
            return None
        return parse_choice(value, enum_cls, self.path(name), allowed, context)

    def required_choice(self, name: str, enum_cls: type[E]) -> E:
        value = self.choice(name, enum_cls, required=True)
        assert value is not None
        return value

    def items(self, name: str) -> list[Any]:
        value = self._data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldProblem(self.path(name), "verwacht een lijst [...]")
        return value

    def obj(self, name: str, *, required: bool = False) -> dict[str, Any] | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise FieldProblem(self.path(name), "verwacht een object {...}")
        return value

    def country(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO2_RE.fullmatch(value):
            raise FieldProblem(
                self.path(name),
                f'ongeldige landcode {_show(value)} (verwacht ISO 3166-1 alpha-2, bijv. "PL")',
            )
        return value

    def ref(self, name: str, *, required: bool = True) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not _REF_RE.fullmatch(value):
            raise FieldProblem(
                self.path(name),
                f"ongeldige referentie {_show(value)} (1 tot 40 letters, cijfers, . _ / -)",
            )
        return value


def parse_choice(
    value: Any,
    enum_cls: type[E],
    path: str,
    allowed: Collection[E] | None = None,
    context: str = "",
) -> E:
    member = _members(enum_cls).get(value) if isinstance(value, str) else None
    if member is not None and (allowed is None or member in allowed):
        return cast(E, member)
    options = list(allowed) if allowed is not None else list(enum_cls)
    raise FieldProblem(
        path, f"ongeldige waarde {_show(value)}{context} (verwacht een van: {_choices(options)})"
    )


@cache
def _members(enum_cls: type[StrEnum]) -> dict[str, StrEnum]:
    return {m.value: m for m in enum_cls}


def parse_date(value: Any, path: str) -> date:
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:
            pass
    raise FieldProblem(path, f"ongeldige datum {_show(value)} (verwacht JJJJ-MM-DD)")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}..."'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "een " + ("lijst" if isinstance(value, list) else "object")


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
        raise FieldProblem(prefix.rstrip("."), "verwacht een object {...}")
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
        raise FieldProblem("line", f"ongeldige lijn {_show(line)} (verwacht 1 of 2)")
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
    )
    return case


@dataclass(frozen=True)
class CodeRule:
    """What a case code needs: the exchange spec's table, one row."""

    country_required: bool = False
    directions: tuple[Direction, ...] = ()
    takers: tuple[Taker, ...] = ()
    taker_required: bool = False
    movers: tuple[ParentRelation, ...] = ()


_ABDUCTION_DIRECTIONS = (Direction.OUTGOING, Direction.INCOMING, Direction.ABROAD)
CODE_RULES: dict[CaseCode, CodeRule] = {
    CaseCode.INTERNATIONAL_ABDUCTION: CodeRule(
        True, _ABDUCTION_DIRECTIONS, (Taker.MOTHER, Taker.FATHER), taker_required=True
    ),
    CaseCode.FAMILY_ABDUCTION: CodeRule(True, _ABDUCTION_DIRECTIONS, (Taker.FAMILY_MEMBER,)),
    CaseCode.PREVENTION: CodeRule(True),
    CaseCode.RELOCATION_CONSENT: CodeRule(
        True,
        (Direction.OUTGOING, Direction.INCOMING),
        movers=(ParentRelation.MOTHER, ParentRelation.FATHER),
    ),
    CaseCode.INTERNATIONAL_CONTACT: CodeRule(
        True, (Direction.CHILD_ABROAD, Direction.PARENT_ABROAD)
    ),
}
_OPTIONAL_COUNTRY = CodeRule()


def code_rule(code: CaseCode) -> CodeRule:
    return CODE_RULES.get(code, _OPTIONAL_COUNTRY)


def case_rules(case: CaseData, known_countries: Collection[str]) -> list[FieldProblem]:
    """The rules that span fields of a case, in field order. Empty when valid."""
    problems: list[FieldProblem] = []
    add = problems.append
    code = case.code
    if line_of(code) != case.line:
        add(
            FieldProblem(
                "code",
                f'code "{code.value}" hoort bij lijn {line_of(code)}, niet bij lijn {case.line}',
            )
        )
    if case.closed is not None:
        if case.close_reason is None:
            add(
                FieldProblem(
                    "close_reason",
                    f'verplicht wanneer "closed" is ingevuld (een van: {_choices(CloseReason)})',
                )
            )
        if case.closed < case.opened:
            add(
                FieldProblem(
                    "closed",
                    f"sluitdatum {case.closed.isoformat()} ligt vóór de "
                    f"openingsdatum {case.opened.isoformat()}",
                )
            )
    elif case.close_reason is not None:
        add(FieldProblem("close_reason", 'alleen toegestaan wanneer "closed" is ingevuld'))
    rule = code_rule(code)
    ctx = f' bij code "{code.value}"'
    if case.country is None:
        if rule.country_required:
            add(FieldProblem("country", f"ontbreekt: verplicht{ctx}"))
    elif case.country == "NL":
        add(FieldProblem("country", 'mag niet "NL" zijn: vul het andere land in'))
    elif case.country not in known_countries:
        add(
            FieldProblem(
                "country",
                f'onbekende landcode "{case.country}" (verwacht ISO 3166-1 alpha-2, bijv. "PL")',
            )
        )
    _check_optional_choice(add, "direction", case.direction, rule.directions, True, ctx)
    _check_optional_choice(add, "taker", case.taker, rule.takers, rule.taker_required, ctx)
    _check_optional_choice(add, "mover", case.mover, rule.movers, True, ctx)
    for i, child in enumerate(case.children):
        path = f"children[{i}]"
        if child.birth_date is None and child.age is None:
            add(FieldProblem(f"{path}.birth_date", 'verwacht "birth_date" of "age"'))
        elif child.birth_date is not None and child.age is not None:
            add(FieldProblem(f"{path}.age", 'geef "birth_date" óf "age", niet beide'))
        elif child.birth_date is not None:
            if child.birth_date > case.opened:
                add(
                    FieldProblem(
                        f"{path}.birth_date",
                        f"geboortedatum {child.birth_date.isoformat()} ligt na de "
                        f"openingsdatum {case.opened.isoformat()}",
                    )
                )
            elif age_in_years(child.birth_date, case.opened) > MAX_CHILD_AGE:
                add(
                    FieldProblem(
                        f"{path}.birth_date", "het kind was op de openingsdatum al meerderjarig"
                    )
                )
        elif child.age is not None and not 0 <= child.age <= MAX_CHILD_AGE:
            add(FieldProblem(f"{path}.age", f"leeftijd moet tussen 0 en {MAX_CHILD_AGE} liggen"))
    problems.extend(FieldProblem(p, m) for p, m in input_rules.case_problems(case))
    return problems


def _check_optional_choice(
    add: Any,
    name: str,
    value: StrEnum | None,
    allowed: tuple[StrEnum, ...],
    required_if_allowed: bool,
    ctx: str,
) -> None:
    if not allowed:
        if value is not None:
            add(FieldProblem(name, f"niet toegestaan{ctx}"))
        return
    if value is None:
        if required_if_allowed:
            add(FieldProblem(name, f"ontbreekt: verplicht{ctx} (een van: {_choices(allowed)})"))
    elif value not in allowed:
        add(
            FieldProblem(
                name,
                f'ongeldige waarde "{value.value}"{ctx} (verwacht een van: {_choices(allowed)})',
            )
        )


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
            f"ongeldige gebruikersnaam {_show(username)} (2 tot 64 tekens: a-z, 0-9, . _ -)",
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
        raise FieldProblem(path, f'ongeldige taalcode {_show(value)} (verwacht bijv. "nl")')
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
            raise FieldProblem(f"mediators[{i}]", "verwacht de naam van een mediator")
        mediators.append(name.strip())
    interviews: list[InterviewData] = []
    for i, item in enumerate(f.items("child_interviews")):
        prefix = f"child_interviews[{i}]."
        if not isinstance(item, dict):
            raise FieldProblem(prefix.rstrip("."), "verwacht een object {...}")
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
    )


MEDIATION_PARENT_FIELDS = ("relation", "first_name", "last_name", "birth_date", "country")
MAX_MEDIATION_PARENTS = 2
# Children are heard in a child interview (kindgesprek) from this age on.
INTERVIEW_MIN_AGE = 3


def parse_mediation_parents(value: Any, prefix: str = "parents") -> list[MediationParentData]:
    """The parents of a mediation from a JSON list (the proposed v1.1 field `parents`)."""
    if not isinstance(value, list):
        raise FieldProblem(prefix, "verwacht een lijst [...]")
    parents: list[MediationParentData] = []
    for i, item in enumerate(value):
        path = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            raise FieldProblem(path, "verwacht een object {...}")
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


def parent_rules(
    parents: list[MediationParentData],
    requested: date,
    known_countries: Collection[str] | None,
    prefix: str = "parents",
) -> list[FieldProblem]:
    """The rules of a mediation's parents. Empty when valid."""
    problems: list[FieldProblem] = []
    if len(parents) > MAX_MEDIATION_PARENTS:
        problems.append(
            FieldProblem(prefix, f"hoogstens {MAX_MEDIATION_PARENTS} ouders per mediation")
        )
    for i, p in enumerate(parents):
        path = f"{prefix}[{i}]"
        if p.birth_date is not None and p.birth_date > requested:
            problems.append(
                FieldProblem(f"{path}.birth_date", "geboortedatum ligt na de aanvraagdatum")
            )
        if (
            p.country is not None
            and known_countries is not None
            and p.country not in known_countries
        ):
            problems.append(
                FieldProblem(
                    f"{path}.country",
                    f'onbekende landcode "{p.country}" (verwacht ISO 3166-1 alpha-2, bijv. "PL")',
                )
            )
    return problems


def _kids(n: int) -> str:
    return "geen kind" if n == 0 else "1 kind" if n == 1 else f"{n} kinderen"


def may_be_at_least(child: ChildData, age: int, requested: date, on: date) -> bool:
    """Whether a child of a mediation requested on `requested` can be `age` or older on `on`.

    A child known by age only (whole years at the request date) gets the
    benefit of the doubt: it may have had a birthday since.
    """
    if child.birth_date is not None:
        return child.birth_date <= on and age_in_years(child.birth_date, on) >= age
    if child.age is None:
        return False
    elapsed = (on - requested).days
    upper = child.age + (0 if elapsed <= 0 else -(-elapsed // 365))
    return upper >= age


def mediation_rules(
    m: MediationData, known_countries: Collection[str] | None = None
) -> list[FieldProblem]:
    """The mediation state machine and date order. Empty when valid.

    The exchange import checks every record with these rules, and the
    mediation workflow (services/mediation.py) checks the state each step
    leads to, so the two can never disagree about what a valid mediation is.
    """
    problems: list[FieldProblem] = []
    add = problems.append
    started_states = (MediationStatus.RUNNING, MediationStatus.ENDED)
    if m.status in started_states:
        if m.started is None:
            add(FieldProblem("started", f'verplicht bij status "{m.status.value}"'))
    elif m.started is not None:
        add(
            FieldProblem(
                "started",
                f'niet toegestaan bij status "{m.status.value}" (alleen bij running of ended)',
            )
        )
    if m.not_started_reason is not None and m.status is not MediationStatus.NOT_STARTED:
        add(FieldProblem("not_started_reason", 'alleen toegestaan bij status "not_started"'))
    if m.status in (MediationStatus.REQUESTED, MediationStatus.NOT_STARTED) and m.intake:
        add(FieldProblem("intake", "niet toegestaan: de mediation is niet gestart"))
    if m.status is MediationStatus.ENDED:
        if m.ended is None:
            add(FieldProblem("ended", 'verplicht bij status "ended" (de einddatum)'))
        if m.intake is None:
            add(FieldProblem("intake", 'verplicht bij status "ended" (suitable of not_suitable)'))
        elif m.intake is Intake.SUITABLE and m.outcome is None:
            add(
                FieldProblem(
                    "outcome",
                    "verplicht bij een afgeronde, geschikte mediation "
                    f"(een van: {_choices(Outcome)})",
                )
            )
    elif m.ended is not None:
        add(FieldProblem("ended", 'alleen toegestaan bij status "ended"'))
    if m.outcome is not None:
        if m.status is not MediationStatus.ENDED:
            add(FieldProblem("outcome", 'alleen toegestaan bij status "ended"'))
        elif m.intake is Intake.NOT_SUITABLE:
            add(
                FieldProblem("outcome", "niet toegestaan: de mediation was niet geschikt na intake")
            )
    if m.failure_reasons and m.outcome is not Outcome.NO_AGREEMENT:
        add(FieldProblem("failure_reasons", 'alleen toegestaan bij outcome "no_agreement"'))
    if len(set(m.failure_reasons)) != len(m.failure_reasons):
        add(FieldProblem("failure_reasons", "bevat een reden twee keer"))
    if len(set(m.mediators)) != len(m.mediators):
        add(FieldProblem("mediators", "bevat een mediator twee keer"))
    for name, day in (("started", m.started), ("special_curator", m.special_curator)):
        if day is not None and day < m.requested:
            add(
                FieldProblem(
                    name, f"{day.isoformat()} ligt vóór de aanvraagdatum {m.requested.isoformat()}"
                )
            )
    if m.ended is not None and m.started is not None and m.ended < m.started:
        add(
            FieldProblem(
                "ended",
                f"einddatum {m.ended.isoformat()} ligt vóór de startdatum {m.started.isoformat()}",
            )
        )
    if m.child_interviews and m.status in (MediationStatus.REQUESTED, MediationStatus.NOT_STARTED):
        add(FieldProblem("child_interviews", "niet toegestaan: de mediation is niet gestart"))
    for i, interview in enumerate(m.child_interviews):
        if interview.children < 1:
            add(
                FieldProblem(
                    f"child_interviews[{i}].children", "minstens 1 kind gehoord per kindgesprek"
                )
            )
        if m.started is not None and interview.date < m.started:
            add(
                FieldProblem(
                    f"child_interviews[{i}].date",
                    f"{interview.date.isoformat()} ligt vóór de startdatum {m.started.isoformat()}",
                )
            )
        if m.ended is not None and interview.date > m.ended:
            add(
                FieldProblem(
                    f"child_interviews[{i}].date",
                    f"{interview.date.isoformat()} ligt na de einddatum {m.ended.isoformat()}",
                )
            )
    for i, child in enumerate(m.children):
        if child.birth_date is None and child.age is None:
            add(FieldProblem(f"children[{i}].birth_date", 'verwacht "birth_date" of "age"'))
        elif child.birth_date is not None and child.age is not None:
            add(FieldProblem(f"children[{i}].age", 'geef "birth_date" óf "age", niet beide'))
        elif child.birth_date is not None and child.birth_date > m.requested:
            add(FieldProblem(f"children[{i}].birth_date", "geboortedatum ligt na de aanvraagdatum"))
    if m.intake is Intake.NOT_SUITABLE and m.status is MediationStatus.RUNNING:
        add(
            FieldProblem(
                "intake",
                "een mediation die na de intake niet geschikt is, loopt niet door: "
                'status "ended" met een einddatum, zonder uitkomst',
            )
        )
    if m.children:
        # Without registered children there is nothing to check the count against.
        for i, interview in enumerate(m.child_interviews):
            eligible = sum(
                may_be_at_least(c, INTERVIEW_MIN_AGE, m.requested, interview.date)
                for c in m.children
            )
            if interview.children > eligible:
                add(
                    FieldProblem(
                        f"child_interviews[{i}].children",
                        f"{_kids(interview.children)} gehoord, maar op "
                        f"{interview.date.isoformat()} {'zijn' if eligible > 1 else 'is'} "
                        f"in deze mediation {_kids(eligible)} {INTERVIEW_MIN_AGE} jaar of "
                        f"ouder (kindgesprekken zijn vanaf {INTERVIEW_MIN_AGE} jaar)",
                    )
                )
    problems.extend(parent_rules(m.parents, m.requested, known_countries))
    problems.extend(FieldProblem(p, msg) for p, msg in input_rules.mediation_problems(m))
    return problems


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


HISTORICAL_FIELDS = ("type", "year", "key", "value")
HISTORICAL_MAX = 1_000_000_000


def parse_historical_figure(
    data: Mapping[str, Any], known_keys: Collection[str]
) -> HistoricalFigureData:
    f = Fields(data)
    f.only(HISTORICAL_FIELDS)
    year = f.integer("year", required=True, minimum=1990, maximum=2100)
    key = f.required_text("key", max_len=120)
    if key not in known_keys:
        raise FieldProblem("key", f"onbekende cijfernaam {_show(key)} (zie annual-figures.md)")
    value = data.get("value")
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
        or not 0 <= value <= HISTORICAL_MAX
    ):
        raise FieldProblem(
            "value", f"verwacht een getal van 0 tot {HISTORICAL_MAX:_}, niet {_show(value)}"
        )
    assert year is not None
    return HistoricalFigureData(year=year, key=key, value=float(value))
