"""The import's quick ways give exactly what the careful ways give (issue #16).

Each quick way either returns what the careful way would return, or declines
(None) and the careful way decides: these tests hold the two side by side on
generated lines and records, broken and hostile ones included, and compare the
results or the errors (type, message, field, line).

No database: the import's record readers side by side.
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


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # A named function: hypothesis reads its source to see that it recurses, which it
    # could not always do for a lambda spread over several lines (a deprecation error).
    return st.lists(inner, max_size=4) | st.lists(st.tuples(KEYS, inner), max_size=5).map(Obj)


VALUES = st.recursive(SCALARS, _nested, max_leaves=20)


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


# 600 lines of up to 20 nested values each: about 6 s on one core (2,000 took 20 s).
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


# --- records: quick_case and quick_contact against parse_case and parse_contact ---------

from ikodesk.models import Contact  # noqa: E402
from ikodesk.services.exchange.rows import contact_row, table_of  # noqa: E402
from ikodesk.services.exchange.writing import CONTACT_COLUMNS, _values  # noqa: E402
from ikodesk.services.validation import FieldProblem, parse_case, parse_contact  # noqa: E402
from ikodesk.services.validation.quick import (  # noqa: E402
    quick_case,
    quick_contact,
    quick_contact_values,
)

# Per field: good values mostly, and the ways a value can be wrong or odd.
ODD = [None, "", " ", 1, 2.0, True, [], {}, "  x  ", "x" * 70, "\u00a0", "٢٠٢٤-٠١-٠٢"]
DAYS = ["2024-01-02", "2020-02-29", "2023-02-29", "2024-1-2", "2024-01-02T10:00", *ODD]
CASE_VALUES: dict[str, list[Any]] = {
    "type": ["case"],
    "ref": ["2024-L1-00001", "a/b.c_d-e", "-x", "x" * 41, *ODD],
    "line": [1, 2, 3, 0, True, "1", 1.0, None],
    "code": ["travel_consent", "international_abduction", "prevention", "nope", *ODD],
    "opened": DAYS,
    "closed": DAYS,
    "close_reason": ["informed", "unreachable", "nope", *ODD],
    "handler": ["jdevries", " jdevries ", "x" * 64, "x" * 65, *ODD],
    "requester": [
        {"kind": "parent", "relation": "father", "first_name": "Jan", "phone": "06-1"},
        {"kind": "parent", "relation": "mother", "side": "left_behind", "birth_date": "1990-01-01"},
        {"kind": "parent", "relation": "uncle"},
        {"kind": "parent"},
        {"kind": "professional", "organisation_type": "lawyer", "organisation": " Firma "},
        {"kind": "professional", "organisation_type": "lawyer", "relation": "father"},
        {"kind": "professional"},
        {"kind": "family", "relation": "grandparent", "email": "a@b.nl"},
        {"kind": "family", "relation": "father"},
        {"kind": "nope"},
        {"kind": "parent", "relation": "father", "phone": "0" * 51},
        {"kind": "parent", "relation": "father", "unknown": 1},
        *ODD,
    ],
    "other_parent": [
        {"relation": "mother", "last_name": "Smit"},
        {"relation": "uncle"},
        {"first_name": ""},
        {"birth_date": "2024-13-01"},
        {"side": "left_behind"},
        *ODD,
    ],
    "children": [
        [],
        [{"first_name": "Eva", "birth_date": "2015-04-01"}, {"age": 4}],
        [{"age": 18}],
        [{"age": -1}],
        [{"age": True}],
        [{"nick": "x"}],
        ["x"],
        *ODD,
    ],
    "country": ["PL", "NL", "pl", "POL", "XX", *ODD],
    "direction": ["outgoing", "incoming", "nope", *ODD],
    "taker": ["mother", "family_member", "nope", *ODD],
    "mover": ["mother", "uncle", *ODD],
    "summary": ["Gebeld.", " regel\nregel ", "x" * 20_001, *ODD],
    "x": [{"a": 1}, {"parents": []}, *ODD],
    "removal_date": DAYS,
    "proceedings_started": DAYS,
    "decision_first_instance": DAYS,
    "appeal_ready": DAYS,
    "unknown": [1, None],
}
CONTACT_VALUES: dict[str, list[Any]] = {
    "type": ["contact"],
    "case": ["2024-L1-00001", "-x", *ODD],
    "at": [
        "2024-01-02T10:00",
        "2024-01-02T10:00:59",
        "2024-01-02T24:00",
        "2024-02-30T10:00",
        "2024-01-02 10:00",
        "2024-01-02T10:00:60",
        "2024-01-02T23:59:59",
        "2024-01-02T09:05:00",
        "٢٠٢٤-٠١-٠٢T10:00",
        "2024-01-02T١٠:00",
        *DAYS,
    ],
    "channel": ["phone", "email", "fax", *ODD],
    "party": ["parent", "professional", "kid", *ODD],
    "handler": CASE_VALUES["handler"],
    "minutes": [0, 10, 1440, 1441, -1, True, 2.5, "5", None],
    "summary": CASE_VALUES["summary"],
    "x": CASE_VALUES["x"],
    "unknown": [1, None],
}
GOOD_CASE = {
    "type": "case",
    "ref": "2024-L1-00001",
    "line": 1,
    "code": "travel_consent",
    "opened": "2024-01-02",
    "handler": "jdevries",
    "requester": {"kind": "parent", "relation": "father", "first_name": "Jan"},
}
GOOD_CONTACT = {
    "type": "contact",
    "case": "2024-L1-00001",
    "at": "2024-01-02T10:00",
    "channel": "phone",
    "party": "parent",
    "handler": "jdevries",
}


@st.composite
def records(draw: st.DrawFn, good: dict[str, Any], pool: dict[str, list[Any]]) -> dict[str, Any]:
    """A good record with some fields changed, left out or added (in any order)."""
    data = dict(good)
    for name in draw(st.lists(st.sampled_from(sorted(pool)), max_size=6)):
        if draw(st.integers(0, 5)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(st.sampled_from(pool[name]))
    keys = draw(st.permutations(list(data)))
    return {k: data[k] for k in keys}


def careful(parse: Any, data: dict[str, Any]) -> Any:
    try:
        return parse(data)
    except FieldProblem:
        return "refused"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(GOOD_CASE, CASE_VALUES))
def test_quick_case_is_parse_case_or_declines(data: dict[str, Any]) -> None:
    quick = quick_case(data)
    if quick is not None:
        assert careful(parse_case, data) == quick


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(GOOD_CONTACT, CONTACT_VALUES))
def test_quick_contact_is_parse_contact_or_declines(data: dict[str, Any]) -> None:
    quick = quick_contact(data)
    if quick is not None:
        assert careful(parse_contact, data) == quick


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(GOOD_CONTACT, CONTACT_VALUES))
def test_quick_contact_values_are_the_stored_row_or_decline(data: dict[str, Any]) -> None:
    """The import's quickest way for a contact moment gives the values the careful way
    stores (its row converted as the column types convert), or declines."""
    values = quick_contact_values(data)
    if values is None:
        return
    ct = careful(parse_contact, data)
    assert ct != "refused"
    stored = _values(table_of(Contact), CONTACT_COLUMNS, contact_row(ct, -1, -2))
    assert stored[0] == -1 and stored[4] == -2
    assert values == (ct.case, *stored[1:4], ct.handler, *stored[5:])


def test_the_quick_ways_take_the_records_of_an_ordinary_file() -> None:
    """The demo's cases and contact moments (what a large file is made of) go quickly."""
    from ikodesk.services.demo import DemoGenerator

    taken = {"case": 0, "contact": 0}
    for record in DemoGenerator(seed=7).records([2023]):
        kind = record.get("type")
        if kind in taken:
            data = json.loads(json.dumps(record))
            quick = (quick_case if kind == "case" else quick_contact)(data)
            assert quick is not None, data
            if kind == "contact":
                assert quick_contact_values(data) is not None, data
            assert quick == (parse_case if kind == "case" else parse_contact)(data)
            taken[kind] += 1
    assert taken["case"] > 1000 and taken["contact"] > 1000
