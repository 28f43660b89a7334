"""The import's quick ways give exactly what the careful ways give (issue #16).

Each quick way either returns what the careful way would return, or declines
(None) and the careful way decides: these tests hold the two side by side on
generated lines and records, broken and hostile ones included, and compare the
results or the errors (type, message, field, line).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikodesk.errors import InputError
from ikodesk.services.exchange import reading


class Obj(list[tuple[str, Any]]):
    """A JSON object as written: its pairs in order, a key possibly twice."""


def dump(value: Any, item_sep: str, key_sep: str, ascii_only: bool) -> str:
    if isinstance(value, Obj):
        return (
            "{"
            + item_sep.join(
                json.dumps(k, ensure_ascii=ascii_only)
                + key_sep
                + dump(v, item_sep, key_sep, ascii_only)
                for k, v in value
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + item_sep.join(dump(v, item_sep, key_sep, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


# Few keys, so that duplicates come often; texts with what the checks look for.
KEYS = st.sampled_from(["type", "a", "b", "summary", "x", ":", " :", 'k"', "\u202e", "é"])
TRICKY = list('ab :"\\{}[],\t\n\r\x00\x1b\x7f\x85\u00a0\u200e\u202e\u2028\ufeffé1eE-.')
TEXTS = st.text(alphabet=st.sampled_from(TRICKY), max_size=8) | st.text(max_size=8)
NUMBERS = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 10**30])
    | st.floats(allow_nan=True, allow_infinity=True)
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXTS
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.lists(st.tuples(KEYS, inner), max_size=5).map(Obj)
    ),
    max_leaves=20,
)


@st.composite
def lines(draw: st.DrawFn) -> str:
    top = draw(st.lists(st.tuples(KEYS, VALUES), max_size=6).map(Obj) | VALUES)
    item_sep = draw(st.sampled_from([",", ", ", " ,", ",\t"]))
    key_sep = draw(st.sampled_from([":", ": ", " :", "\t:", "\r:"]))
    text = dump(top, item_sep, key_sep, draw(st.booleans()))
    if draw(st.booleans()):  # a raw character somewhere (unescaped)
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from(TRICKY) | st.characters()) + text[at:]
    return text


def outcome(parse: Any, text: str) -> tuple[Any, ...]:
    try:
        data = parse(7, text)
    except InputError as e:
        return (type(e).__name__, str(e), getattr(e, "errors", None), getattr(e, "line", None))
    return ("ok", type(data) is dict or type(data).__name__, repr(data))


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines())
def test_a_line_parses_as_the_careful_way_parses_it(text: str) -> None:
    assert outcome(reading.parse_line, text) == outcome(reading._parse_line_checked, text)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"type":"user","a":1,"a" :2}', "a"),  # a spaced colon hides a key from a `":` count
        ('{"type":"user","b":":","b":2}', "b"),  # a string starting with a colon adds one
        ('{"type":"user","x":{"n":18446744073709551616}}', "x.n"),  # a float in orjson
        ('{"type":"user","x":{"n":9223372036854775808}}', "x.n"),
        ('{"type":"user","x":[{"a":1,"a":1}]}', "x[0].a"),
        ('{"type":"user","x":1e999}', "x"),
    ],
)
def test_what_the_quick_way_must_not_let_through(text: str, field: str) -> None:
    assert reading._plain_object(text) is None
    with pytest.raises(InputError) as caught:
        reading.parse_line(3, text)
    assert getattr(caught.value, "field", None) == field
    assert outcome(reading.parse_line, text) == outcome(reading._parse_line_checked, text)


def test_an_ordinary_line_takes_the_quick_way() -> None:
    text = '{"type":"contact","case":"2024-L1-00001","at":"2024-01-02T10:00","minutes":5}'
    assert reading._plain_object(text) == json.loads(text)
    spaced = '{"type": "contact", "case": "2024-L1-00001", "x": {"a": [1, 2.5]}}'
    assert reading._plain_object(spaced) == json.loads(spaced)  # (white space after a colon)
