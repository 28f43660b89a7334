"""Quick ways to read the two record types a large import is made of (issue #16).

`quick_case` and `quick_contact` return exactly the record `parse_case` and
`parse_contact` return for a valid object, or None whenever anything is off;
then the caller calls the `parse_*` function, which finds the problem and
words it (field, message, the order of the checks). So the rules and their
messages live in one place (`parsing`, `fields`), and these functions only
decide, in straight-line code with tables made once, that there is nothing to
say. tests/test_import_fast_paths.py holds them against `parse_*` on
generated objects, broken ones included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ikodesk.models.enums import (
    CaseCode,
    Channel,
    CloseReason,
    Direction,
    FamilyRelation,
    OrganisationType,
    ParentRelation,
    ParentSide,
    Party,
    RequesterKind,
    Taker,
)
from ikodesk.services.validation.fields import _DATE_RE, _ISO2_RE, _REF_RE, _TIME_RE
from ikodesk.services.validation.parsing import (
    _CHILD_FIELDS,
    _OTHER_PARENT_FIELDS,
    _REQUESTER_FIELDS,
    CASE_FIELDS,
    CONTACT_FIELDS,
)
from ikodesk.services.validation.records import (
    MAX_CHILD_AGE,
    NAME_MAX,
    TEXT_MAX,
    CaseData,
    ChildData,
    ContactData,
    PersonData,
)


class _Decline(Exception):
    """Something is off: the careful way must look (raised only then)."""


def _members(enum_cls: type[StrEnum]) -> dict[str, Any]:
    return {m.value: m for m in enum_cls}


_CODES = _members(CaseCode)
_CHANNELS = _members(Channel)
_PARTIES = _members(Party)
_CLOSE_REASONS = _members(CloseReason)
_DIRECTIONS = _members(Direction)
_TAKERS = _members(Taker)
_PARENT_RELATIONS = _members(ParentRelation)
_PARENT_SIDES = _members(ParentSide)
_FAMILY_RELATIONS = _members(FamilyRelation)
_ORGANISATION_TYPES = _members(OrganisationType)
_REQUESTER_KINDS = _members(RequesterKind)

_CHANNEL_VALUES = frozenset(_CHANNELS)
_PARTY_VALUES = frozenset(_PARTIES)

_CASE_KEYS = frozenset(CASE_FIELDS)
_CONTACT_KEYS = frozenset(CONTACT_FIELDS)
_REQUESTER_KEYS = {kind: frozenset(names) for kind, names in _REQUESTER_FIELDS.items()}
_OTHER_PARENT_KEYS = frozenset(_OTHER_PARENT_FIELDS)
_CHILD_KEYS = frozenset(_CHILD_FIELDS)


# Each helper reads one value as `Fields` does (None, and JSON null, is "not given").
def _text(value: Any, max_len: int = NAME_MAX) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        raise _Decline
    text: str = value.strip()
    if not text:
        return None
    if len(text) > max_len:
        raise _Decline
    return text


def _required_text(value: Any, max_len: int = NAME_MAX) -> str:
    text = _text(value, max_len)
    if text is None:
        raise _Decline
    return text


# The dates read so far, by their text (a large file repeats them: opening days,
# birth dates); bounded, emptied when full.
_DAYS: dict[str, date] = {}
_DAYS_MAX = 50_000


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if type(value) is str:
        known = _DAYS.get(value)
        if known is not None:
            return known
        if _DATE_RE.fullmatch(value):
            try:
                day = date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
            except ValueError:
                pass
            else:
                if len(_DAYS) >= _DAYS_MAX:
                    _DAYS.clear()
                _DAYS[value] = day
                return day
    raise _Decline


def _choice(value: Any, members: dict[str, Any]) -> Any:
    if value is None:
        return None
    if type(value) is str:
        member = members.get(value)
        if member is not None:
            return member
    raise _Decline


def _required(value: Any) -> Any:
    if value is None:
        raise _Decline
    return value


def _ref(value: Any) -> str:
    if type(value) is str and _REF_RE.fullmatch(value):
        return value
    raise _Decline


def _object(value: Any, keys: frozenset[str]) -> dict[str, Any] | None:
    if value is None:
        return None
    if type(value) is not dict or not keys.issuperset(value):
        raise _Decline
    return value


def _integer(value: Any, minimum: int, maximum: int) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not minimum <= value <= maximum:
        raise _Decline
    return value


def _person_common(p: PersonData, g: Any) -> PersonData:
    p.first_name = _text(g("first_name"))
    p.last_name = _text(g("last_name"))
    p.birth_date = _day(g("birth_date"))
    p.phone = _text(g("phone"), 50)
    p.email = _text(g("email"), 200)
    return p


def _requester(data: Any) -> PersonData:
    if type(data) is not dict:
        raise _Decline
    g = data.get
    kind = _required(_choice(g("kind"), _REQUESTER_KINDS))
    if not _REQUESTER_KEYS[kind].issuperset(data):
        raise _Decline
    p = PersonData(kind=kind)
    if kind is RequesterKind.PARENT:
        p.relation = _required(_choice(g("relation"), _PARENT_RELATIONS)).value
        p.side = _choice(g("side"), _PARENT_SIDES)
    elif kind is RequesterKind.PROFESSIONAL:
        p.organisation_type = _required(_choice(g("organisation_type"), _ORGANISATION_TYPES))
        p.organisation = _text(g("organisation"), 200)
    else:
        p.relation = _required(_choice(g("relation"), _FAMILY_RELATIONS)).value
    return _person_common(p, g)


def _other_parent(data: dict[str, Any]) -> PersonData:
    g = data.get
    relation = _choice(g("relation"), _PARENT_RELATIONS)
    p = PersonData(kind=RequesterKind.PARENT, relation=relation.value if relation else None)
    return _person_common(p, g)


def _children(value: Any) -> list[ChildData]:
    if value is None:
        return []
    if type(value) is not list:
        raise _Decline
    children = []
    for item in value:
        child = _object(item, _CHILD_KEYS)
        if child is None:
            raise _Decline
        g = child.get
        children.append(
            ChildData(
                first_name=_text(g("first_name")),
                last_name=_text(g("last_name")),
                birth_date=_day(g("birth_date")),
                age=_integer(g("age"), 0, MAX_CHILD_AGE),
            )
        )
    return children


def _country(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str and _ISO2_RE.fullmatch(value):
        return value
    raise _Decline


def quick_case(data: Mapping[str, Any]) -> CaseData | None:
    """`parse_case(data)` for a valid case; None when the careful way must look."""
    try:
        if not _CASE_KEYS.issuperset(data):
            return None
        g = data.get
        line = g("line")
        if type(line) is not int or line not in (1, 2):
            return None
        other = _object(g("other_parent"), _OTHER_PARENT_KEYS)
        x = g("x")
        if x is not None and type(x) is not dict:
            return None
        # (most optional fields are absent: looked at only when given)
        closed = g("closed")
        close_reason = g("close_reason")
        direction = g("direction")
        taker = g("taker")
        mover = g("mover")
        summary = g("summary")
        removal = g("removal_date")
        started = g("proceedings_started")
        decided = g("decision_first_instance")
        appeal = g("appeal_ready")
        return CaseData(
            ref=_ref(g("ref")),
            line=line,
            code=_required(_choice(g("code"), _CODES)),
            opened=_required(_day(g("opened"))),
            handler=_required_text(g("handler"), 64),
            requester=_requester(g("requester")),
            closed=None if closed is None else _day(closed),
            close_reason=None if close_reason is None else _choice(close_reason, _CLOSE_REASONS),
            other_parent=_other_parent(other) if other is not None else None,
            children=_children(g("children")),
            country=_country(g("country")),
            direction=None if direction is None else _choice(direction, _DIRECTIONS),
            taker=None if taker is None else _choice(taker, _TAKERS),
            mover=None if mover is None else _choice(mover, _PARENT_RELATIONS),
            summary=None if summary is None else _text(summary, TEXT_MAX),
            x=x,
            removal_date=None if removal is None else _day(removal),
            proceedings_started=None if started is None else _day(started),
            decision_first_instance=None if decided is None else _day(decided),
            appeal_ready=None if appeal is None else _day(appeal),
        )
    except _Decline:
        return None


def quick_contact(data: Mapping[str, Any]) -> ContactData | None:
    """`parse_contact(data)` for a valid contact moment; None when the careful way must look."""
    if not _CONTACT_KEYS.issuperset(data):
        return None
    g = data.get
    at = g("at")
    if type(at) is not str or not (m := _TIME_RE.fullmatch(at)):
        return None
    try:
        moment = datetime(
            int(at[0:4]),
            int(at[5:7]),
            int(at[8:10]),
            int(m.group(2)),
            int(m.group(3)),
            int(m.group(4) or 0),
        )
        x = g("x")
        if x is not None and type(x) is not dict:
            return None
        return ContactData(
            case=_ref(g("case")),
            at=moment,
            channel=_required(_choice(g("channel"), _CHANNELS)),
            party=_required(_choice(g("party"), _PARTIES)),
            handler=_required_text(g("handler"), 64),
            minutes=_integer(g("minutes"), 0, 24 * 60),
            summary=_text(g("summary"), TEXT_MAX),
            x=x,
        )
    except (_Decline, ValueError):
        return None


# `_TIME_RE` with ASCII digits only (its \d also takes other scripts' digits, which
# `int` reads: those moments go the careful way).
_ASCII_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?")
_KNOWN_DAYS: dict[str, bool] = {}  # 'YYYY-MM-DD' (ASCII digits) -> whether it is a date


def _is_day(text: str) -> bool:
    known = _KNOWN_DAYS.get(text)
    if known is None:
        try:
            date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
            known = True
        except ValueError:
            known = False
        if len(_KNOWN_DAYS) >= 100_000:  # (a file of ten years meets some 3,650)
            _KNOWN_DAYS.clear()
        _KNOWN_DAYS[text] = known
    return known


ContactValues = tuple[str, str, str, str, str, "int | None", "str | None", "str | None"]
"""(case ref, at, channel, party, handler, minutes, summary, x) as the contacts table
stores them: the moment as SQLAlchemy's SQLite DateTime text, the choices as their
values, x as JSON text."""


def quick_contact_values(data: Mapping[str, Any]) -> ContactValues | None:
    """`quick_contact(data)` as the stored values, without the typed record (a large
    import's bulk: issue #16); None when the careful way must look."""
    if not _CONTACT_KEYS.issuperset(data):
        return None
    g = data.get
    at = g("at")
    if type(at) is not str or (m := _ASCII_MOMENT.fullmatch(at)) is None:
        return None
    hour, minute, second = m.groups()
    if second is None:
        second = "00"
    elif second > "59":
        return None
    if hour > "23" or minute > "59" or not _is_day(at[:10]):
        return None
    case = g("case")
    channel = g("channel")
    party = g("party")
    handler = g("handler")
    if (
        type(case) is not str
        or not _REF_RE.fullmatch(case)
        or type(channel) is not str
        or channel not in _CHANNEL_VALUES
        or type(party) is not str
        or party not in _PARTY_VALUES
        or type(handler) is not str
    ):
        return None
    handler = handler.strip()
    if not handler or len(handler) > 64:
        return None
    minutes = g("minutes")
    if minutes is not None and (type(minutes) is not int or not 0 <= minutes <= 24 * 60):
        return None
    summary = g("summary")
    if summary is not None:
        if type(summary) is not str:
            return None
        summary = summary.strip() or None
        if summary is not None and len(summary) > TEXT_MAX:
            return None
    x = g("x")
    if x is not None:
        if type(x) is not dict:
            return None
        x = json.dumps(x, ensure_ascii=False)
    return (
        case,
        f"{at[0:10]} {hour}:{minute}:{second}.000000",
        channel,
        party,
        handler,
        minutes,
        summary,
        x,
    )
