"""Issue #11, bad input: every hostile or broken input ends in exit 2, names the line
and the field, and writes nothing; the same text/date/children rules hold in the
services the forms call.

Everything that touches a database runs on both backends (an encrypted file, the
office server). The command line's imports share one filled database per backend
for the module: each test compares every table before and after its own refused
import (nothing may change), so no test needs a database of its own. The rules
themselves (dates, the mediation form) are pure functions: no database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from ikodesk.errors import ValidationError
from ikodesk.models import Base, Case, Contact, Mediator, User
from ikodesk.models.enums import Channel, MediationKind, MediationStatus, Party, Role
from ikodesk.services import cases, exchange, input_rules, mediators, users
from ikodesk.services.actors import Actor
from ikodesk.services.validation import ChildData, MediationData, mediation_rules, parse_case
from ikodesk.storage import Database
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend
from tests.support.office import ADMIN, Office, new_office
from tests.support.pg_cluster import Cluster

KH = Actor.key_holder()
FUTURE = (date.today() + timedelta(days=2)).isoformat()


@dataclass
class Filled:
    """A database with the full exchange file in it, and how the command line reaches it."""

    where: str  # --db: the file's path, or the office server's address
    env: dict[str, str]
    engine: Engine  # the test's own unrestricted look (the file, the server's superuser)


def run_import(cli, target: Filled, src: Path, *extra: str):  # type: ignore[no-untyped-def]
    """`ikodesk import` as an administrator (import needs one: issue #11 point 1)."""
    return cli(["--db", target.where, "--user", ADMIN, "import", src, *extra], env=target.env)


def _snapshot(target: Filled) -> dict[str, Any]:
    """Every row of every table, and how many audit entries: what an import could change."""
    with Session(target.engine) as s:
        rows = {
            t.name: [
                tuple(map(repr, row))
                for row in s.execute(select(t).order_by(*t.primary_key.columns))
            ]
            for t in Base.metadata.sorted_tables
            if t.name != "audit_log"
        }
        rows["audit"] = [s.scalar(text("SELECT count(*) FROM audit_log"))]
    return rows


@pytest.fixture(scope="module")
def _filled_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    path = tmp_path_factory.mktemp("bad") / "a.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    try:
        with db.transaction() as s:
            users.create_user(s, KH, ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
            exchange.import_lines(s, KH, R.lines(*R.full_file()))
        env = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": ADMIN_PASSWORD}
        yield Filled(str(path), env, db.engine)
    finally:
        db.close()


@pytest.fixture(scope="module")
def _filled_office(office_template: Cluster) -> Iterator[Filled]:
    from ikodesk.storage.server import parse_server_url
    from ikodesk.storage.server.connection import make_engine

    office: Office = new_office(office_template)
    admin = office.admin()
    engine = make_engine(parse_server_url(office.superuser_url))
    try:
        with admin.db.transaction() as s:
            exchange.import_lines(s, office.actor(admin), R.lines(*R.full_file()))
        office.close()
        yield Filled(office.url, {"IKODESK_PASSWORD": ADMIN_PASSWORD}, engine)
    finally:
        office.close()
        engine.dispose()


@pytest.fixture(params=["file", "server"])
def filled(request: pytest.FixtureRequest) -> Filled:
    """The module's filled database on each backend (nothing a test does may change it)."""
    made: Filled = request.getfixturevalue(
        {"file": "_filled_file", "server": "_filled_office"}[request.param]
    )
    return made


def _line(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False)


def _bad_file(tmp_path: Path, *lines: str | bytes) -> Path:
    """A file: two valid users first, then the bad line(s) (line 3 on)."""
    src = tmp_path / "bad.jsonl"
    good = [
        _line({"type": "user", "username": "anieuw", "role": "jurist"}).encode(),
        _line({"type": "user", "username": "bnieuw", "role": "jurist"}).encode(),
    ]
    body = [ln.encode("utf-8") if isinstance(ln, str) else ln for ln in lines]
    src.write_bytes(b"\n".join(good + body) + b"\n")
    return src


def _case(**changes: Any) -> str:
    return _line(R.case(ref="2024-L2-09999", **changes))


_KIDS = [{"age": 3} for _ in range(21)]
_NESTED = '{"type":"case","x":' + "[" * 100_000 + "]" * 100_000 + "}"

BAD_LINES = [
    # (name, line text, field, words of the message)
    ("nested 100000 deep", _NESTED, "x", "te diep genest"),
    ("nested 18 deep", '{"type":"case","x":' + "[" * 18 + "]" * 18 + "}", "x", "te diep"),
    (
        "lone surrogate escaped",
        '{"type":"user","username":"cnieuw","role":"jurist","name":"A\\ud800"}',
        "name",
        "losse surrogaat",
    ),
    (
        "NaN as a figure",
        '{"type":"historical_figure","year":2023,"key":"cases.line1","value":NaN}',
        "value",
        "eindig getal",
    ),
    (
        "Infinity as a figure",
        '{"type":"historical_figure","year":2023,"key":"cases.line1","value":Infinity}',
        "value",
        "eindig getal",
    ),
    (
        "-Infinity as a figure",
        '{"type":"historical_figure","year":2023,"key":"cases.line1","value":-Infinity}',
        "value",
        "eindig getal",
    ),
    (
        "1e999 is infinity too",
        '{"type":"historical_figure","year":2023,"key":"cases.line1","value":1e999}',
        "value",
        "eindig getal",
    ),
    (
        "huge integer",
        '{"type":"historical_figure","year":2023,"key":"cases.line1","value":' + "9" * 30 + "}",
        "value",
        "getal te groot",
    ),
    (
        "duplicate key",
        '{"type":"user","username":"cnieuw","role":"jurist","role":"admin"}',
        "role",
        "komt twee keer voor",
    ),
    (
        "duplicate key of an object",
        _case()[:-1] + ', "requester": {"kind": "parent", "relation": "father"}}',
        "requester",
        "komt twee keer voor",
    ),
    (
        "duplicate key nested",
        _case().replace('"relation": "mother"', '"relation": "mother", "relation": "father"'),
        "requester.relation",
        "komt twee keer voor",
    ),
    (
        "NUL in a name",
        _case(requester={"kind": "parent", "relation": "mother", "first_name": "An\x00na"}),
        "requester.first_name",
        "stuurteken (U+0000",
    ),
    (
        "terminal escape in a summary",
        _case(summary="Zie \x1b]0;gehackt\x07\x1b[2J"),
        "summary",
        "stuurteken (U+001B",
    ),
    ("C1 control (CSI) in a summary", _case(summary="a\x9b2J"), "summary", "U+009B"),
    ("carriage return in a summary", _case(summary="a\rb"), "summary", "U+000D"),
    (
        "newline in a name",
        _case(requester={"kind": "parent", "relation": "mother", "last_name": "A\nB"}),
        "requester.last_name",
        "regeleinde",
    ),
    (
        "bidi override in a name",
        _case(requester={"kind": "parent", "relation": "mother", "last_name": "Kowal\u202eaksw"}),
        "requester.last_name",
        "leesrichting",
    ),
    (
        "bidi isolate in an activity",
        _line({**R.ACTIVITY, "title": "Werkbezoek \u2066x\u2069"}),
        "title",
        "U+2066",
    ),
    (
        "escape in a key of the extension data",
        _line({**R.ACTIVITY, "x": {"a\x1bb": 1}}),
        "x.a\\u001bb",
        "veldnaam",
    ),
    (
        "escape inside the extension data",
        _line({**R.ACTIVITY, "x": {"note": "\x1b[31m"}}),
        "x.note",
        "U+001B",
    ),
    (
        "opened in the future",
        _case(opened=FUTURE, closed=None, close_reason=None),
        "opened",
        "toekomst",
    ),
    (
        "opened before 1990",
        _case(opened="1989-12-31", closed=None, close_reason=None, children=None),
        "opened",
        "1990",
    ),
    (
        "birth date before 1900",
        _case(
            requester={"kind": "parent", "relation": "mother", "birth_date": "1899-12-31"},
        ),
        "requester.birth_date",
        "1900-01-01",
    ),
    (
        "the other parent born before 1900",
        _case(other_parent={"relation": "father", "birth_date": "1880-05-01"}),
        "other_parent.birth_date",
        "1900",
    ),
    ("21 children", _case(children=_KIDS), "children", "hoogstens 20"),
    (
        "21 children in a mediation",
        _line({**R.MEDIATION, "ref": "M2024-999", "children": _KIDS}),
        "children",
        "hoogstens 20",
    ),
    (
        "a child interview of a million children",
        _line(
            {
                **R.MEDIATION,
                "ref": "M2024-999",
                "child_interviews": [{"date": "2024-03-01", "children": 10**6}],
            }
        ),
        "child_interviews[0].children",
        "hoogstens 20",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "field", "words"), BAD_LINES, ids=[c[0] for c in BAD_LINES]
)
def test_bad_record_is_exit_2_with_line_and_field_and_writes_nothing(
    cli, filled: Filled, tmp_path: Path, name: str, text: str, field: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(filled)
    res = run_import(cli, filled, _bad_file(tmp_path, text))
    assert res.code == 2, (res.code, res.err)
    assert f'regel 3, veld "{field}": ' in res.err, res.err
    assert words in res.err, res.err
    assert "Traceback" not in res.err and "interne fout" not in res.err
    # What reaches the terminal holds no control or bidi character of the input.
    assert input_rules.text_problem(res.err, multiline=True) is None, ascii(res.err)
    assert _snapshot(filled) == before


FILE_PROBLEMS = [
    # (name, bytes of line 3, words)
    (
        "a raw UTF-8-encoded surrogate",
        b'{"type":"user","username":"x\xed\xa0\x80","role":"jurist"}',
        "regel 3: geen geldige UTF-8",
    ),
    (
        "Latin-1 bytes",
        '{"type":"user","username":"cnieuw","name":"Jos\xe9"}'.encode("latin-1"),
        "regel 3: geen geldige UTF-8",
    ),
    (
        "a number of 5000 digits",
        b'{"type":"historical_figure","value":' + b"9" * 5000 + b"}",
        "regel 3: geen geldige JSON",
    ),
]


@pytest.mark.parametrize(("name", "raw", "words"), FILE_PROBLEMS, ids=[c[0] for c in FILE_PROBLEMS])
def test_bad_bytes_are_exit_2_with_the_line_and_write_nothing(
    cli, filled: Filled, tmp_path: Path, name: str, raw: bytes, words: str
) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(filled)
    res = run_import(cli, filled, _bad_file(tmp_path, raw))
    assert res.code == 2, (res.code, res.err)
    assert words in res.err, res.err
    assert _snapshot(filled) == before


def test_a_directory_as_input_is_exit_2(cli, filled: Filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(filled)
    folder = tmp_path / "map.jsonl"
    folder.mkdir()
    res = run_import(cli, filled, folder)
    assert res.code == 2, (res.code, res.err)
    assert "is een map" in res.err
    assert _snapshot(filled) == before


def test_a_pipe_as_input_is_exit_2_without_waiting(cli, filled: Filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os

    fifo = tmp_path / "pijp.jsonl"
    os.mkfifo(fifo)
    res = run_import(cli, filled, fifo)
    assert res.code == 2 and "geen gewoon bestand" in res.err


def test_a_valid_multiline_summary_and_tab_still_import(backend: Backend) -> None:
    """Notes keep their line breaks and tabs; names keep their diacritics."""
    rec = R.case(summary="Eerste regel.\n\tTweede regel.")
    rec["requester"] = {**rec["requester"], "first_name": "Łucja Çağan"}
    backend.load(*R.USERS, rec)
    jurist = backend.as_("jdevries")
    with jurist.session() as s:
        stored = cases.get_case_by_ref(s, jurist.actor, rec["ref"])
        assert stored.summary == "Eerste regel.\n\tTweede regel."
        assert stored.requester.first_name == "Łucja Çağan"


# --- the same rules in the services the forms call ------------------------------------


def _case_data(**changes: Any):  # type: ignore[no-untyped-def]
    return parse_case(R.case(**changes))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"requester": {"kind": "parent", "relation": "mother", "first_name": "Anna\u202e"}},
            "requester.first_name",
            "leesrichting",
        ),
        (
            {"other_parent": {"relation": "father", "last_name": "\x1b[2J"}},
            "other_parent.last_name",
            "stuurteken",
        ),
        ({"summary": "ok\x00"}, "summary", "U+0000"),
        ({"opened": FUTURE, "closed": None, "close_reason": None}, "opened", "toekomst"),
        ({"opened": "1985-06-01", "closed": None, "close_reason": None}, "opened", "1990"),
        (
            {"requester": {"kind": "parent", "relation": "mother", "birth_date": "1850-01-01"}},
            "requester.birth_date",
            "1900",
        ),
        ({"children": _KIDS}, "children", "hoogstens 20"),
    ],
)
def test_case_service_refuses_what_the_import_refuses(
    backend: Backend, changes: dict[str, Any], field: str, words: str
) -> None:
    backend.add_users(("jdevries", Role.JURIST))
    jurist = backend.as_("jdevries")  # the handler, registering the case in a form
    data = _case_data(**changes)
    with jurist.session() as s:
        problems = cases.check_case(s, data)
    assert any(p.field == field and words in p.message for p in problems), problems
    data.ref = None
    with jurist.transaction() as s, pytest.raises(ValidationError) as info:
        cases.create_case(s, jurist.actor, data)
    assert field in info.value.errors
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_tomorrow_is_still_allowed_as_an_opening_date() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert input_rules.opened_problem(tomorrow) is None
    assert input_rules.opened_problem(tomorrow + timedelta(days=1)) is not None
    assert input_rules.opened_problem(date(1990, 1, 1)) is None


def test_mediation_rules_refuse_too_many_children_and_hidden_text() -> None:
    m = MediationData(
        ref="M2024-001",
        kind=MediationKind.IKO,
        requested=date(2024, 2, 1),
        status=MediationStatus.REQUESTED,
        children=[ChildData(age=3) for _ in range(21)],
    )
    fields = {p.field for p in mediation_rules(m)}
    assert "children" in fields
    m.children = [ChildData(first_name="Ola\u2067", age=3)]
    m.not_started_reason = None
    problems = mediation_rules(m)
    assert [p.field for p in problems] == ["children[0].first_name"]


def test_contact_mediator_and_user_services_refuse_control_text(backend: Backend) -> None:
    backend.load(*F.STAFF, R.ABDUCTION_CASE)
    jurist, bureau, admin = (backend.as_(n) for n in ("jdevries", "mediation", ADMIN))
    with jurist.transaction() as s:
        case_id = cases.case_id_of(s, R.ABDUCTION_CASE["ref"])
    with jurist.transaction() as s, pytest.raises(ValidationError) as info:
        cases.add_contact(
            s,
            jurist.actor,
            case_id,
            at=cases.datetime(2024, 3, 6, 10, 0),
            channel=Channel.PHONE,
            party=Party.PARENT,
            summary="\x1b]0;titel\x07",
            handler="jdevries",
        )
    assert "summary" in info.value.errors
    with bureau.transaction() as s, pytest.raises(ValidationError) as info:
        mediators.add_mediator(s, bureau.actor, "M. \u202eJansen")
    assert "name" in info.value.errors
    with admin.transaction() as s, pytest.raises(ValidationError) as info:
        users.create_user(s, admin.actor, "nieuw", Role.JURIST, name="N\x00ieuw")
    assert "name" in info.value.errors
    with backend.inspect() as s:  # nothing of it was kept
        assert not s.scalar(select(func.count()).select_from(Contact))
        assert not s.scalar(select(func.count()).where(Mediator.name.like("%Jansen%")))
        assert not s.scalar(select(func.count()).where(User.username == "nieuw"))
