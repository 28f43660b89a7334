"""Reading an exchange file safely: bytes to checked JSON objects, one per line.

Every way a file can be broken or hostile ends in an InputError or a
ValidationError naming the line (and the field where there is one), never in
an internal error: a path that is not a regular file (a directory, a pipe, a
device), bytes that are not UTF-8, overlong lines, JSON nested too deep for
the parser, huge numbers, duplicate keys, NaN/Infinity, and text with control,
escape or bidi characters (the rules are in `input_rules`).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ikodesk.errors import InputError, ValidationError
from ikodesk.services import input_rules

MAX_LINE_BYTES = 4 * 1024 * 1024


@dataclass(slots=True)
class Line:
    number: int
    type: str
    data: dict[str, Any]
    # The line holds no escape and no character `input_rules` forbids: then no text
    # in `data` can hold one (the checks of the texts may be left out).
    clean: bool = False


def clean_text(text: str) -> bool:
    """Whether a JSON text has no backslash and no character `input_rules` forbids.

    Then neither has any string it holds (no escape can make one), nor any text
    taken from one. `str.isprintable` is False for every forbidden character.
    """
    return "\\" not in text and (
        text.isprintable() or not input_rules.has_forbidden_character(text)
    )


def open_input(path: Path) -> BinaryIO:
    """The file at `path` opened for reading, if it is a regular file.

    Checked on the open file (fstat), so that a swap between a check and the
    open changes nothing; a pipe or device is not even waited on (O_NONBLOCK).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"Bestand niet gevonden: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is een map, geen bestand.") from None
    except PermissionError:
        raise InputError(f"{path}: geen leesrechten (of het is geen bestand).") from None
    except OSError as exc:
        raise InputError(f"{path} kan niet worden gelezen ({exc.strerror}).") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{path} is een map, geen bestand.")
        if not stat.S_ISREG(mode):
            raise InputError(f"{path} is geen gewoon bestand (een pipe of apparaat?).")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def decoded_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of a UTF-8 file as text; a line that is not UTF-8 is an error with its number."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(
                f"regel {number}: langer dan {MAX_LINE_BYTES // (1024 * 1024)} MB; "
                "dat is geen record van het uitwisselformaat"
            )
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"regel {number}: geen geldige UTF-8-tekst (byte 0x{raw[exc.start]:02x} "
                f"op positie {exc.start + 1}); sla het bestand op als UTF-8"
            ) from None


def parse_line(number: int, text: str) -> Any:
    """One line as JSON, or the error naming the line (and the field where known)."""
    data = _plain_object(text)
    if data is not None:
        return data
    return _parse_line_checked(number, text)


# A key whose closing quote is followed by white space before its colon.
_SPACED_COLON = re.compile(r'"[ \t\r\n]+:')
_INT_LIMIT = 2**63


def _plain_object(text: str) -> dict[str, Any] | None:
    """The JSON object of a line that certainly holds nothing the checks refuse, or None.

    The quick way for the lines of an ordinary file (nearly all): orjson parses, and
    what `_parse_line_checked` would look for is ruled out here by cheap tests;
    any doubt (None) sends the line the careful way, which then gives its exact
    verdict and message. Certain means:

    - no backslash (so no escapes: every string is its raw text, and every `"` in
      the line opens or closes a string) and no character `input_rules` forbids
      (`str.isprintable` is False for all of them: control, bidi, separator,
      surrogate), so no text of the record has a problem; no deeper nesting than
      the limit (brackets counted);
    - orjson accepts it (it refuses what json.loads refuses, and NaN, Infinity
      and overflowing numbers as well) and it is an object;
    - no duplicate key: orjson keeps the last of two silently. Every key written
      in the line ends in `"` and a colon; with no white space before a colon
      (searched), each is one `":` in the line, and so are strings starting with a
      colon. So the `":` count is at least the number of keys written, which is at
      least the number parsed, and a duplicate makes the last strictly smaller:
      equal counts mean none;
    - every number in range: orjson turns an integer beyond 64 bits into a float
      (json.loads keeps the int, which the checks refuse as too large), so a float
      of 2**63 or more, like an integer out of range, goes the careful way.
    """
    if text.count("{") + text.count("[") > input_rules.MAX_DEPTH or not clean_text(text):
        return None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict:
        return None
    keys = _plain_keys(data)
    if keys < 0 or keys != text.count('":') or _SPACED_COLON.search(text):
        return None
    return data


def _plain_keys(value: dict[str, Any] | list[Any]) -> int:
    """The number of keys in every object of a parsed value; -1 for a doubtful number."""
    keys = 0
    if type(value) is dict:
        keys = len(value)
        items: Iterable[Any] = value.values()
    else:
        items = value
    for v in items:
        t = type(v)
        if t is dict or t is list:
            n = _plain_keys(v)
            if n < 0:
                return -1
            keys += n
        elif t is int:
            if not -_INT_LIMIT <= v < _INT_LIMIT:
                return -1
        elif t is float and not -_INT_LIMIT < v < _INT_LIMIT:
            return -1
    return keys


def _parse_line_checked(number: int, text: str) -> Any:
    """`parse_line` the careful way: json.loads, every object's keys and values checked."""
    duplicates = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        duplicates = True
        return input_rules.object_pairs(pairs)

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"regel {number}: geen geldige JSON ({exc.msg}, teken {exc.colno})"
        ) from None
    except RecursionError:
        field = input_rules.deep_field(text)
        deep = input_rules.too_deep()
        if field:
            raise ValidationError([deep.at(field)], line=number) from None
        raise InputError(f"regel {number}: JSON {deep}") from None
    except ValueError:
        # Python refuses integers of thousands of digits (int_max_str_digits).
        raise InputError(f"regel {number}: geen geldige JSON (getal te groot)") from None
    if isinstance(data, dict) and (duplicates or not input_rules.json_text_is_plain(text)):
        problem = input_rules.json_problem(data)
        if problem is not None:
            raise ValidationError([problem[1].at(problem[0])], line=number)
    return data


def record_line(number: int, raw: str, record_types: tuple[str, ...]) -> Line | None:
    """One line parsed and its type checked; None for a blank line or a `#` comment."""
    stripped = raw.strip()
    if not stripped or stripped.startswith("#"):
        return None
    # (the quick way's lines are clean: `clean_text` passed, the case rules may trust it)
    data = _plain_object(stripped)
    clean = data is not None
    if data is None:
        data = _parse_line_checked(number, stripped)
    if not isinstance(data, dict):
        raise InputError(f"regel {number}: verwacht een JSON-object {{...}} per regel")
    kind = data.get("type")
    if kind not in record_types:
        raise ValidationError(
            {
                "type": f"onbekend recordtype {json.dumps(kind, ensure_ascii=True)} "
                f"(verwacht een van: {', '.join(record_types)})"
            },
            line=number,
        )
    return Line(number, kind, data, clean)


def read_lines(
    lines: Iterable[str], record_types: tuple[str, ...], progress: Any = None
) -> list[Line]:
    """Parse and check every line, into a list (small inputs; the import streams)."""
    out: list[Line] = []
    for number, raw in enumerate(lines, start=1):
        line = record_line(number, raw, record_types)
        if line is not None:
            out.append(line)
        if progress and number % 10_000 == 0:
            progress("lezen", number, 0)
    return out
