"""The rules all input obeys, wherever it comes from (exchange import or a form).

One place for what keeps hostile or broken input out of the database and off
every screen, terminal and report it later reaches:

- text holds no control characters (NUL, terminal escape sequences, C1
  controls), no characters that turn the reading direction (bidi overrides,
  embeddings, isolates and marks) and no lone surrogates; a multi-line note
  (a summary, a reason) may hold line breaks and tabs, nothing else;
- an opening date lies between 1990 and tomorrow; a birth date after 1900 and
  not in the future;
- a case or a mediation has at most MAX_CHILDREN children;
- a JSON record has no duplicate keys, no NaN/Infinity, and no nesting deeper
  than MAX_DEPTH (checked by `json_problem`, used by the import).

This module has no dependencies: problems are `(field path, Dutch message)`
pairs. `validation.case_rules` and `validation.mediation_rules` (used by the
import and by the services behind the forms) and the services that take text
from a form turn them into FieldProblems, so a form shows them next to the
field and the import names the line and the field.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ikodesk.errors import QT_TRANSLATE_NOOP, ValidationError
from ikodesk.services.wording import Wording

# A field's path and what is wrong with it.
Problem = tuple[str, Wording]

MAX_CHILDREN = 20
MAX_DEPTH = 16
OPENED_MIN = date(1990, 1, 1)
BIRTH_MIN = date(1900, 1, 1)
FUTURE_GRACE = timedelta(days=1)
# Fields whose text may span lines (a line break or a tab is allowed there).
MULTILINE_FIELDS = frozenset({"summary", "not_started_reason"})

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ALWAYS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + "\ud800-\udfff"
_SINGLE_LINE_BAD = re.compile(f"[\t\n{_ALWAYS}]")
_MULTI_LINE_BAD = re.compile(f"[{_ALWAYS}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")


def text_problem(value: str, *, multiline: bool = False) -> Wording | None:
    """Why a text may not be stored, in Dutch; None when it may."""
    m = (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(value)
    if m is None:
        return None
    ch = m.group(0)
    where = {"code": f"{ord(ch):04X}", "position": m.start() + 1}
    if ch in "\t\n":
        template = QT_TRANSLATE_NOOP(
            "services", "mag geen regeleinde of tab bevatten (U+{code}, teken {position})"
        )
    elif _BIDI_RE.match(ch):
        template = QT_TRANSLATE_NOOP(
            "services",
            "bevat een onzichtbaar teken dat de leesrichting omkeert (U+{code}, teken "
            "{position}); zulke tekens kunnen tekst vermomd tonen",
        )
    elif "\ud800" <= ch <= "\udfff":
        template = QT_TRANSLATE_NOOP(
            "services", "bevat een ongeldig teken: een losse surrogaat (U+{code}, teken {position})"
        )
    else:
        template = QT_TRANSLATE_NOOP(
            "services", "bevat een niet-toegestaan stuurteken (U+{code}, teken {position})"
        )
    return Wording(template, where)


def check_text(field: str, value: str | None, *, multiline: bool = False) -> None:
    """Refuse a text the rules forbid: a ValidationError on `field` (a form shows it there)."""
    problem = None if value is None else text_problem(value, multiline=multiline)
    if problem is not None:
        raise ValidationError([problem.at(field)])


def visible(text: str) -> str:
    """A text safe to show anywhere: every forbidden character written as \\uXXXX."""
    return _SINGLE_LINE_BAD.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def is_multiline(path: str) -> bool:
    """Whether the field at `path` may hold line breaks: notes, and free extension data."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    return head in MULTILINE_FIELDS or head == "x"


def texts_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a record (a dataclass, a dict, a list), with its field path.

    Walks typed records field by field, so a field added later is covered too.
    Dictionary keys count as text (they are shown, e.g. extension data).
    """
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for k, v in item.items():
                sub = f"{where}.{k}" if where else str(k)
                if isinstance(k, str):
                    yield sub, k
                stack.append((v, sub))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            for f in dataclasses.fields(item):
                sub = f"{where}.{f.name}" if where else f.name
                stack.append((getattr(item, f.name), sub))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _all_texts(value: Any, out: list[str]) -> None:
    """Every text in a record, without paths (the quick look before the precise one)."""
    if value is None:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(str(k))
            _all_texts(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _all_texts(v, out)
    elif hasattr(type(value), "__dataclass_fields__"):
        for name in _field_names(type(value)):
            v = getattr(value, name)
            if v is not None:
                _all_texts(v, out)


def text_problems(record: Any, prefix: str = "") -> list[Problem]:
    """The text problems of a whole record, in field order."""
    texts: list[str] = []
    _all_texts(record, texts)
    if _MULTI_LINE_BAD.search(" ".join(texts)) is None and not any(
        "\n" in t or "\t" in t for t in texts
    ):
        return []
    found = []
    for path, text in texts_in(record, prefix):
        problem = text_problem(text, multiline=is_multiline(path))
        if problem is not None:
            found.append((path, problem))
    return sorted(found, key=lambda p: _order(p[0]))


def _order(path: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path) if p]


def opened_problem(opened: date, today: date | None = None) -> Wording | None:
    today = today or date.today()
    if opened < OPENED_MIN:
        return Wording(
            QT_TRANSLATE_NOOP("services", "openingsdatum {opened} ligt vóór {first}"),
            {"opened": opened, "first": OPENED_MIN},
        )
    if opened > today + FUTURE_GRACE:
        return Wording(
            QT_TRANSLATE_NOOP("services", "openingsdatum {opened} ligt in de toekomst"),
            {"opened": opened},
        )
    return None


def birth_problem(born: date, today: date | None = None) -> Wording | None:
    today = today or date.today()
    if born < BIRTH_MIN:
        return Wording(
            QT_TRANSLATE_NOOP("services", "geboortedatum {born} ligt vóór {first}"),
            {"born": born, "first": BIRTH_MIN},
        )
    if born > today + FUTURE_GRACE:
        return Wording(
            QT_TRANSLATE_NOOP("services", "geboortedatum {born} ligt in de toekomst"),
            {"born": born},
        )
    return None


def event_problem(
    day: date, what: str, *, future: bool = False, today: date | None = None
) -> str | None:
    """A date something happened (or, with `future`, will happen) in a case or mediation.

    Not before 1990 (ikodesk's oldest records); not in the future unless `future`.
    """
    today = today or date.today()
    if day < OPENED_MIN:
        return f"{what} {day.isoformat()} ligt vóór {OPENED_MIN.isoformat()}"
    if not future and day > today + FUTURE_GRACE:
        return f"{what} {day.isoformat()} ligt in de toekomst"
    return None


def children_problem(count: int, *, mediation: bool = False) -> Wording | None:
    if count <= MAX_CHILDREN:
        return None
    if mediation:
        template = QT_TRANSLATE_NOOP("services", "{count} kinderen: hoogstens {max} per mediation")
    else:
        template = QT_TRANSLATE_NOOP("services", "{count} kinderen: hoogstens {max} per zaak")
    return Wording(template, {"count": count, "max": MAX_CHILDREN})


def person_problems(person: Any, prefix: str, today: date | None = None) -> list[Problem]:
    """Birth date of a person (a requester, a parent, a child) with `birth_date`."""
    born = getattr(person, "birth_date", None)
    if born is None:
        return []
    problem = birth_problem(born, today)
    return [] if problem is None else [(f"{prefix}birth_date", problem)]


def case_problems(
    case: Any, today: date | None = None, *, texts_clean: bool = False
) -> list[Problem]:
    """Input rules of a case (validation.CaseData): dates, children, every text.

    `texts_clean`: the caller knows that no text of the record holds a character
    these rules forbid (the import: read from a line with none), so they are not
    looked at again.
    """
    found: list[Problem] = []
    problem = opened_problem(case.opened, today)
    if problem:
        found.append(("opened", problem))
    found += person_problems(case.requester, "requester.", today)
    if case.other_parent is not None:
        found += person_problems(case.other_parent, "other_parent.", today)
    problem = children_problem(len(case.children))
    if problem:
        found.append(("children", problem))
    for i, child in enumerate(case.children):
        found += person_problems(child, f"children[{i}].", today)
    return found if texts_clean else found + text_problems(case)


def mediation_problems(m: Any, today: date | None = None) -> list[Problem]:
    """Input rules of a mediation (validation.MediationData): birth dates, children, texts."""
    found: list[Problem] = []
    problem = children_problem(len(m.children), mediation=True)
    if problem:
        found.append(("children", problem))
    for i, child in enumerate(m.children):
        found += person_problems(child, f"children[{i}].", today)
    for i, parent in enumerate(m.parents):
        found += person_problems(parent, f"parents[{i}].", today)
    return found + text_problems(m)


# --- JSON as it is read -------------------------------------------------------


class DuplicateKeys(dict[str, Any]):
    """A JSON object that had a key twice (json.loads would silently keep the last)."""

    duplicate: str = ""


def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads' object_pairs_hook: remember a duplicate key for `json_problem`."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    return _marked(obj, pairs)


def _marked(obj: dict[str, Any], pairs: list[tuple[str, Any]]) -> DuplicateKeys:
    marked = DuplicateKeys(obj)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


# What may hide a problem in a JSON text: a raw forbidden character, an escape
# (\u001b, \n), NaN/Infinity, a huge number or an exponent (1e999). A line with
# none of these (most lines) needs only the duplicate-key check. Kept to cheap
# scans: this runs for every line of an import.
_RAW_BAD = re.compile(f"[{_ALWAYS}]")
_NUMBER_SUSPECT = re.compile(r"[0-9](?:[eE]|[0-9]{18})")


def has_forbidden_character(text: str) -> bool:
    """Whether a text holds a character no text may hold (a multi-line note neither)."""
    return _RAW_BAD.search(text) is not None


def json_text_is_plain(text: str) -> bool:
    """Whether a JSON text certainly holds nothing `json_problem` would refuse."""
    return not (
        "\\" in text
        or "NaN" in text
        or "Infinity" in text
        or text.count("{") + text.count("[") > MAX_DEPTH
        or _RAW_BAD.search(text)
        or _NUMBER_SUSPECT.search(text)
    )


def json_problem(value: Any) -> Problem | None:
    """The first problem of a parsed JSON record: depth, duplicate keys, numbers, text."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    found: list[Problem] = []
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            top = re.split(r"[.\[]", where, maxsplit=1)[0]
            return (top, too_deep())
        if isinstance(item, str):
            problem = text_problem(item, multiline=is_multiline(where))
            if problem:
                found.append((where or "type", problem))
        elif isinstance(item, float):
            if not math.isfinite(item):
                found.append(
                    (
                        where,
                        Wording(
                            QT_TRANSLATE_NOOP(
                                "services", "verwacht een eindig getal, niet {value}"
                            ),
                            {"value": item},
                        ),
                    )
                )
        elif isinstance(item, int) and not isinstance(item, bool):
            if not -_INT_LIMIT <= item < _INT_LIMIT:
                found.append((where, Wording(QT_TRANSLATE_NOOP("services", "getal te groot"))))
        elif isinstance(item, dict):
            if isinstance(item, DuplicateKeys):
                key = visible(item.duplicate)
                sub = f"{where}.{key}" if where else key
                found.append(
                    (
                        sub,
                        Wording(
                            QT_TRANSLATE_NOOP("services", "komt twee keer voor in hetzelfde object")
                        ),
                    )
                )
            for k, v in item.items():
                sub = f"{where}.{visible(k)}" if where else visible(k)
                problem = text_problem(k)
                if problem:
                    found.append(
                        (
                            sub,
                            Wording(
                                QT_TRANSLATE_NOOP("services", "veldnaam {problem}"),
                                {"problem": problem},
                            ),
                        )
                    )
                stack.append((v, sub, depth + 1))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(item))
    if not found:
        return None
    return min(found, key=lambda p: _order(p[0]))


_INT_LIMIT = 2**63


def too_deep() -> Wording:
    return Wording(
        QT_TRANSLATE_NOOP("services", "te diep genest (meer dan {max} niveaus)"), {"max": MAX_DEPTH}
    )


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')


def deep_field(line: str) -> str | None:
    """The top-level field under which a JSON text nests deeper than MAX_DEPTH (or None).

    For texts too deep for the parser itself (it stops with a RecursionError).
    """
    depth = 0
    last_string: str | None = None
    field: str | None = None
    for m in _TOKEN.finditer(line):
        tok = m.group(0)
        if tok in "[{":
            depth += 1
            if depth > MAX_DEPTH + 1:
                return field or ""
        elif tok in "]}":
            depth -= 1
        elif tok == ":":
            if depth == 1 and last_string is not None:
                field = last_string
        else:
            last_string = visible(tok[1:-1])
    return None
