"""Reading the fields of one JSON object: types, formats and paths for the messages.

`Fields` wraps one object of the exchange format and reads each field as
the type it must have (text, integer, date, choice from an enumeration,
country code, reference), raising a `FieldProblem` with the field's path
and a Dutch message that shows the offending value (`show_value`) and what
was expected (`choices`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar, cast

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.services.validation.records import NAME_MAX, FieldProblem
from ikodesk.services.wording import Choices

E = TypeVar("E", bound=StrEnum)

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?")
_ISO2_RE = re.compile(r"[A-Z]{2}")
_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")


# What a field that must hold an object says when it does not (braces, no parameters).
OBJECT_EXPECTED = QT_TRANSLATE_NOOP("services", "verwacht een object {...}")


def choices(enum_cls: Iterable[StrEnum]) -> str:
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
                    self.path(key),
                    QT_TRANSLATE_NOOP(
                        "services", "onbekend veld (niet in het uitwisselformaat; zie de spec)"
                    ),
                )

    def raw(self, name: str) -> Any:
        return self._data.get(name)

    def _get(self, name: str, required: bool) -> Any:
        value = self._data.get(name)
        if value is None and required:
            raise FieldProblem(
                self.path(name), QT_TRANSLATE_NOOP("services", "ontbreekt (verplicht)")
            )
        return value

    def text(self, name: str, *, required: bool = False, max_len: int = NAME_MAX) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise FieldProblem(self.path(name), QT_TRANSLATE_NOOP("services", "verwacht een tekst"))
        value = value.strip()
        if not value:
            if required:
                raise FieldProblem(
                    self.path(name), QT_TRANSLATE_NOOP("services", "mag niet leeg zijn")
                )
            return None
        if len(value) > max_len:
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP("services", "te lang (maximaal {max} tekens)"),
                max=max_len,
            )
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
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP("services", "verwacht een geheel getal, niet {value}"),
                value=show_value(value),
            )
        if minimum is not None and value < minimum:
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP("services", "moet minstens {minimum} zijn, niet {value}"),
                minimum=minimum,
                value=value,
            )
        if maximum is not None and value > maximum:
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP("services", "mag hoogstens {maximum} zijn, niet {value}"),
                maximum=maximum,
                value=value,
            )
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self._data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP("services", "verwacht true of false, niet {value}"),
                value=show_value(value),
            )
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
            self.path(name),
            QT_TRANSLATE_NOOP(
                "services", "ongeldige tijd {value} (verwacht JJJJ-MM-DDTUU:MM[:SS])"
            ),
            value=show_value(value),
        )

    def choice(
        self,
        name: str,
        enum_cls: type[E],
        *,
        required: bool = False,
        allowed: Collection[E] | None = None,
    ) -> E | None:
        value = self._get(name, required)
        if value is None:
            return None
        return parse_choice(value, enum_cls, self.path(name), allowed)

    def required_choice(self, name: str, enum_cls: type[E]) -> E:
        value = self.choice(name, enum_cls, required=True)
        assert value is not None
        return value

    def items(self, name: str) -> list[Any]:
        value = self._data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldProblem(
                self.path(name), QT_TRANSLATE_NOOP("services", "verwacht een lijst [...]")
            )
        return value

    def obj(self, name: str, *, required: bool = False) -> dict[str, Any] | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise FieldProblem(self.path(name), OBJECT_EXPECTED)
        return value

    def country(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO2_RE.fullmatch(value):
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP(
                    "services",
                    'ongeldige landcode {value} (verwacht ISO 3166-1 alpha-2, bijv. "PL")',
                ),
                value=show_value(value),
            )
        return value

    def ref(self, name: str, *, required: bool = True) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not _REF_RE.fullmatch(value):
            raise FieldProblem(
                self.path(name),
                QT_TRANSLATE_NOOP(
                    "services", "ongeldige referentie {value} (1 tot 40 letters, cijfers, . _ / -)"
                ),
                value=show_value(value),
            )
        return value


def parse_choice(
    value: Any,
    enum_cls: type[E],
    path: str,
    allowed: Collection[E] | None = None,
) -> E:
    member = _members(enum_cls).get(value) if isinstance(value, str) else None
    if member is not None and (allowed is None or member in allowed):
        return cast(E, member)
    options = list(allowed) if allowed is not None else list(enum_cls)
    raise FieldProblem(
        path,
        QT_TRANSLATE_NOOP("services", "ongeldige waarde {value} (verwacht een van: {choices})"),
        value=show_value(value),
        choices=Choices(options),
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
    raise FieldProblem(
        path,
        QT_TRANSLATE_NOOP("services", "ongeldige datum {value} (verwacht JJJJ-MM-DD)"),
        value=show_value(value),
    )


def show_value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}..."'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "een " + ("lijst" if isinstance(value, list) else "object")
