"""Stored text cannot steer the terminal (issue #11, "Bad input", last sentence).

A name holding an escape sequence used to retitle and clear the terminal of
whoever searched for it, and a bidi override reversed what they read. The
command line now prints every control character as a visible escape.

On both backends (`backend`: an encrypted file, the office server): the stored text
is written behind the application's back (the file itself, the server's superuser).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from ikodesk.cli.terminal import safe
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend
from tests.support.cli_on import BackendCli, cli_on

EVIL = "Kowalska\x1b]0;pwned\x07\x1b[2J\u202eakswoK"
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\x7f")


@pytest.fixture
def run(backend: Backend, cli: Any) -> BackendCli:
    backend.load(*F.STAFF, R.ABDUCTION_CASE)
    # Written straight into the database, as data from before input validation or
    # from another tool would be: the output must be safe whatever is stored.
    with backend.alter() as s:
        s.execute(
            text("UPDATE persons SET last_name = :n, first_name = :f WHERE last_name = 'Kowalska'"),
            {"n": EVIL, "f": "Anna\x9b\x7f"},
        )
        s.execute(
            text(
                "INSERT INTO case_notes (case_id, summary) SELECT id, :s FROM cases WHERE true "
                "ON CONFLICT (case_id) DO UPDATE SET summary = excluded.summary"
            ),
            {"s": "regel\r\x1b[1A\u2066x\u2069"},
        )
    return cli_on(backend, cli)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@pytest.mark.parametrize(
    "args",
    [
        ("search", F.MOTHER_REF),
        ("case", "show", F.MOTHER_REF),
        ("search", F.MOTHER_REF, "--json"),
        ("case", "show", F.MOTHER_REF, "--json"),
    ],
    ids=" ".join,
)
def test_no_raw_control_characters_reach_the_terminal(run: BackendCli, args: Any) -> None:
    res = run.as_("jdevries", *args)
    assert res.code == 0, res.err
    for ch in RAW:
        assert ch not in res.out + res.err, repr(ch)
    if "--json" in args:
        shown = json.loads(res.out)  # still valid JSON, with the stored text intact
        assert any(EVIL in value for value in _strings(shown))
    else:
        assert "Kowalska\\x1b]0;pwned\\x07\\x1b[2J\\u202eakswoK" in res.out
        assert "Anna\\u009b\\u007f" in res.out


def test_error_messages_are_escaped_too(run: BackendCli) -> None:
    res = run.as_("jdevries", "case", "show", "\x1b]0;pwned\x07")
    assert res.code == 2
    assert "\x1b" not in res.err and "\x07" not in res.err


def test_the_escapes_are_visible_and_json_safe() -> None:
    assert safe("a\x1b[2Jb\n") == "a\\x1b[2Jb\n"
    assert safe("\u202a\u202e\u2066\u2069\x7f\x85\t\r\x00") == (
        "\\u202a\\u202e\\u2066\\u2069\\u007f\\u0085\\x09\\x0d\\x00"
    )
    value = "x\u202ey\x7f\x9b"
    assert json.loads(safe(json.dumps(value, ensure_ascii=False))) == value
    assert safe("Öztürk – ‘gewoon’ €") == "Öztürk – ‘gewoon’ €"
