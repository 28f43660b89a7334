"""Every validation rule of the exchange format, one case each, with its Dutch message.

Each test imports a file whose last record breaks one rule and checks the
message names the line, the field and the expectation: on an encrypted file and
on the office server (as its administrator's login). A refused import writes
nothing, so the rule tests share one database per backend for the module
(`refusing`); a test whose import succeeds gets its own (`backend`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from ikodesk.errors import InputError, ValidationError
from ikodesk.models import Case, Mediator
from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support import records as R
from tests.support.backends import Backend, export_all
from tests.support.office import ADMIN, new_office


def _import(backend: Backend, *recs: dict[str, Any]) -> exchange.ImportResult:
    return backend.load(*recs)


def _import_lines(backend: Backend, text: list[str]) -> exchange.ImportResult:
    """Raw lines imported by the administrator `beheer` (their own login on the server)."""
    admin = backend.as_(ADMIN)
    with admin.transaction() as s:
        return exchange.import_lines(s, admin.actor, text)


@pytest.fixture(scope="module", params=["file", "server"])
def refusing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """One database per backend for the module's refused imports (they write nothing)."""
    if request.param == "server":
        office = new_office(request.getfixturevalue("office_template"))
        made = Backend("server", office=office)
    else:
        db, _ = Database.create(
            tmp_path_factory.mktemp("rules") / "ikodesk.db", passphrase=TEST_PASSPHRASE
        )
        with db.transaction() as s:
            users.create_user(s, Actor.key_holder(), ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
        made = Backend("file", db=db)
    try:
        yield made
    finally:
        made.close()
        if made.office is not None:
            made.office.close()
        if made.db is not None:
            made.db.close()


def _expect(
    backend: Backend, bad: dict[str, Any], field: str, message: str, *before: dict[str, Any]
) -> None:
    prefix = list(before) if before else [*R.USERS, R.MEDIATOR, R.MEDIATOR2]
    line = len(prefix) + 1
    with pytest.raises(ValidationError) as info:
        _import(backend, *prefix, bad)
    err = info.value
    assert err.line == line, err.message
    assert err.field == field, err.message
    assert message in err.message, err.message
    assert err.message.startswith(f'regel {line}, veld "{field}": ')
    with backend.inspect() as s:  # all or nothing: the refused file left no trace
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        assert s.scalar(select(func.count()).select_from(Mediator)) == 0


def _req(**changes: Any) -> dict[str, Any]:
    req: dict[str, Any] = copy.deepcopy(R.ABDUCTION_CASE["requester"])
    for k, v in changes.items():
        if v is ...:
            req.pop(k, None)
        else:
            req[k] = v
    return req


CASE_RULES = [
    # (name, record, field, message)
    (
        "invalid date",
        R.case(opened="2024-13-01"),
        "opened",
        'ongeldige datum "2024-13-01" (verwacht JJJJ-MM-DD)',
    ),
    ("date without zero padding", R.case(opened="2024-3-5"), "opened", "verwacht JJJJ-MM-DD"),
    ("missing opened", R.case(opened=...), "opened", "ontbreekt (verplicht)"),
    ("line not 1 or 2", R.case(line=3), "line", "verwacht 1 of 2"),
    ("line as text", R.case(line="2"), "line", "verwacht een geheel getal"),
    ("unknown code", R.case(code="kidnap"), "code", 'ongeldige waarde "kidnap"'),
    (
        "line 1 code on line 2",
        R.case(code="travel_consent", direction=..., taker=...),
        "code",
        'code "travel_consent" hoort bij lijn 1, niet bij lijn 2',
    ),
    ("line 2 code on line 1", R.case(line=1), "code", "hoort bij lijn 2, niet bij lijn 1"),
    (
        "closed without reason",
        R.case(close_reason=...),
        "close_reason",
        'verplicht wanneer "closed" is ingevuld',
    ),
    (
        "reason without closed",
        R.case(closed=...),
        "close_reason",
        'alleen toegestaan wanneer "closed" is ingevuld',
    ),
    (
        "unknown close reason",
        R.case(close_reason="bored"),
        "close_reason",
        'ongeldige waarde "bored"',
    ),
    (
        "closed before opened",
        R.case(closed="2024-03-01"),
        "closed",
        "ligt vóór de openingsdatum 2024-03-05",
    ),
    ("unknown field", R.case(opend="2024-03-05"), "opend", "onbekend veld"),
    ("missing handler", R.case(handler=...), "handler", "ontbreekt (verplicht)"),
    ("unknown handler", R.case(handler="nobody"), "handler", 'onbekende gebruiker "nobody"'),
    ("missing requester", R.case(requester=...), "requester", "ontbreekt (verplicht)"),
    (
        "requester kind unknown",
        R.case(requester=_req(kind="neighbour")),
        "requester.kind",
        'ongeldige waarde "neighbour"',
    ),
    (
        "parent relation",
        R.case(requester=_req(relation="aunt")),
        "requester.relation",
        "verwacht een van: mother, father",
    ),
    (
        "parent side",
        R.case(requester=_req(side="left")),
        "requester.side",
        "taking, left_behind, potential_taking, potential_left_behind",
    ),
    (
        "professional without organisation type",
        R.case(requester={"kind": "professional"}),
        "requester.organisation_type",
        "ontbreekt (verplicht)",
    ),
    (
        "professional organisation type",
        R.case(requester={"kind": "professional", "organisation_type": "bakery"}),
        "requester.organisation_type",
        'ongeldige waarde "bakery"',
    ),
    (
        "side on a professional",
        R.case(requester={"kind": "professional", "organisation_type": "police", "side": "taking"}),
        "requester.side",
        "onbekend veld",
    ),
    (
        "family relation",
        R.case(requester={"kind": "family", "relation": "mother"}),
        "requester.relation",
        "family, step_partner, grandparent, acquaintance",
    ),
    (
        "requester birth date",
        R.case(requester=_req(birth_date="11-02-1988")),
        "requester.birth_date",
        "verwacht JJJJ-MM-DD",
    ),
    (
        "other parent with side",
        R.case(other_parent={"relation": "father", "side": "taking"}),
        "other_parent.side",
        "onbekend veld",
    ),
    (
        "child without birth date or age",
        R.case(children=[{"first_name": "Ola"}]),
        "children[0].birth_date",
        'verwacht "birth_date" of "age"',
    ),
    (
        "child with both",
        R.case(children=[{"birth_date": "2017-09-01", "age": 6}]),
        "children[0].age",
        'geef "birth_date" óf "age", niet beide',
    ),
    (
        "child age as text",
        R.case(children=[{"age": "4"}]),
        "children[0].age",
        "verwacht een geheel getal",
    ),
    (
        "child age negative",
        R.case(children=[{"age": -1}]),
        "children[0].age",
        "moet minstens 0 zijn",
    ),
    (
        "child born after opening",
        R.case(children=[{"birth_date": "2024-04-01"}]),
        "children[0].birth_date",
        "ligt na de openingsdatum",
    ),
    ("children not a list", R.case(children={"age": 3}), "children", "verwacht een lijst"),
    (
        "country missing where required",
        R.case(country=...),
        "country",
        'verplicht bij code "international_abduction"',
    ),
    ("country NL", R.case(country="NL"), "country", 'mag niet "NL" zijn'),
    ("country unknown", R.case(country="XX"), "country", 'onbekende landcode "XX"'),
    ("country lower case", R.case(country="pl"), "country", "verwacht ISO 3166-1 alpha-2"),
    (
        "abduction without direction",
        R.case(direction=...),
        "direction",
        'verplicht bij code "international_abduction"',
    ),
    (
        "abduction with a contact direction",
        R.case(direction="child_abroad"),
        "direction",
        "(verwacht een van: outgoing, incoming, abroad)",
    ),
    ("abduction without taker", R.case(taker=...), "taker", "ontbreekt: verplicht"),
    (
        "abduction taker family member",
        R.case(taker="family_member"),
        "taker",
        "(verwacht een van: mother, father)",
    ),
    (
        "abduction with mover",
        R.case(mover="mother"),
        "mover",
        'niet toegestaan bij code "international_abduction"',
    ),
    (
        "family abduction taker",
        R.case(code="family_abduction", taker="mother"),
        "taker",
        "(verwacht een van: family_member)",
    ),
    (
        "prevention without country",
        R.case(code="prevention", country=..., direction=..., taker=...),
        "country",
        'verplicht bij code "prevention"',
    ),
    (
        "prevention with direction",
        R.case(code="prevention", taker=...),
        "direction",
        'niet toegestaan bij code "prevention"',
    ),
    (
        "relocation without mover",
        R.case(code="relocation_consent", taker=...),
        "mover",
        "ontbreekt: verplicht",
    ),
    (
        "relocation direction abroad",
        R.case(code="relocation_consent", taker=..., mover="mother", direction="abroad"),
        "direction",
        "(verwacht een van: outgoing, incoming)",
    ),
    (
        "relocation with taker",
        R.case(code="relocation_consent", mover="mother"),
        "taker",
        'niet toegestaan bij code "relocation_consent"',
    ),
    (
        "contact case direction",
        R.case(code="international_contact", taker=..., direction="outgoing"),
        "direction",
        "(verwacht een van: child_abroad, parent_abroad)",
    ),
    (
        "other advice with direction",
        R.case(code="other_advice", taker=...),
        "direction",
        'niet toegestaan bij code "other_advice"',
    ),
    (
        "travel consent with taker",
        R.case(line=1, code="travel_consent", direction=...),
        "taker",
        'niet toegestaan bij code "travel_consent"',
    ),
    ("bad reference", R.case(ref="2024 L2 17"), "ref", "ongeldige referentie"),
    ("extension not an object", R.case(x=[1]), "x", "verwacht een object"),
]


@pytest.mark.parametrize(
    ("name", "record", "field", "message"), CASE_RULES, ids=[c[0] for c in CASE_RULES]
)
def test_case_rule(
    refusing: Backend, name: str, record: dict[str, Any], field: str, message: str
) -> None:
    _expect(refusing, record, field, message)


def test_optional_country_codes_accept_no_country(backend: Backend) -> None:
    rec = R.case(code="other_advice", country=..., direction=..., taker=...)
    result = _import(backend, *R.USERS, rec)
    assert result.created["case"] == 1


def test_family_abduction_taker_may_be_omitted(backend: Backend) -> None:
    rec = R.case(code="family_abduction", taker=...)
    assert _import(backend, *R.USERS, rec).created["case"] == 1


def test_extension_data_is_kept(backend: Backend) -> None:
    rec = R.case(x={"old_system_id": 4711, "note": "é"})
    _import(backend, *R.USERS, rec)
    out = [r for r in export_all(backend) if r["type"] == "case"]
    assert out[0]["x"] == {"old_system_id": 4711, "note": "é"}


CONTACT_RULES = [
    (
        "unknown case",
        {**R.CONTACT, "case": "2024-L2-99999"},
        "case",
        'onbekende zaak "2024-L2-99999"',
    ),
    (
        "bad time",
        {**R.CONTACT, "at": "2024-03-05 10:12"},
        "at",
        'ongeldige tijd "2024-03-05 10:12" (verwacht JJJJ-MM-DDTUU:MM[:SS])',
    ),
    ("impossible time", {**R.CONTACT, "at": "2024-03-05T25:12"}, "at", "ongeldige tijd"),
    (
        "channel",
        {**R.CONTACT, "channel": "fax"},
        "channel",
        'ongeldige waarde "fax" (verwacht een van: phone, email, form)',
    ),
    (
        "party",
        {**R.CONTACT, "party": "child"},
        "party",
        "(verwacht een van: parent, family, professional)",
    ),
    ("minutes negative", {**R.CONTACT, "minutes": -5}, "minutes", "moet minstens 0 zijn"),
    (
        "handler unknown",
        {**R.CONTACT, "handler": "ghost"},
        "handler",
        'onbekende gebruiker "ghost"',
    ),
    ("unknown field", {**R.CONTACT, "duration": 5}, "duration", "onbekend veld"),
]


@pytest.mark.parametrize(
    ("name", "record", "field", "message"), CONTACT_RULES, ids=[c[0] for c in CONTACT_RULES]
)
def test_contact_rule(
    refusing: Backend, name: str, record: dict[str, Any], field: str, message: str
) -> None:
    _expect(refusing, record, field, message, *R.USERS, R.ABDUCTION_CASE)


def _med(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(R.MEDIATION)
    for k, v in changes.items():
        if v is ...:
            rec.pop(k, None)
        else:
            rec[k] = v
    return rec


MEDIATION_RULES = [
    ("kind", _med(kind="iko2"), "kind", "(verwacht een van: iko, niko)"),
    ("referred by", _med(referred_by="judge"), "referred_by", "court, lawyer, parent, other"),
    ("status", _med(status="done"), "status", "requested, not_started, running, ended"),
    (
        "started missing when ended",
        _med(started=None, child_interviews=[]),
        "started",
        'verplicht bij status "ended"',
    ),
    (
        "started on a request",
        _med(status="requested", intake=None, outcome=None, ended=None, child_interviews=[]),
        "started",
        'niet toegestaan bij status "requested"',
    ),
    (
        "reason only when not started",
        _med(not_started_reason="geen zin"),
        "not_started_reason",
        'alleen toegestaan bij status "not_started"',
    ),
    (
        "outcome without start",
        _med(status="not_started", started=None, intake=None, ended=None, child_interviews=[]),
        "outcome",
        'alleen toegestaan bij status "ended"',
    ),
    (
        "outcome when not suitable",
        _med(intake="not_suitable"),
        "outcome",
        "niet geschikt na intake",
    ),
    (
        "ended without outcome",
        _med(outcome=None),
        "outcome",
        "verplicht bij een afgeronde, geschikte mediation",
    ),
    ("ended without end date", _med(ended=None), "ended", 'verplicht bij status "ended"'),
    (
        "ended without intake",
        _med(intake=None, outcome=None),
        "intake",
        'verplicht bij status "ended"',
    ),
    (
        "end date while running",
        _med(status="running", outcome=None),
        "ended",
        'alleen toegestaan bij status "ended"',
    ),
    (
        "failure reasons without failure",
        _med(failure_reasons=["emotions"]),
        "failure_reasons",
        'alleen toegestaan bij outcome "no_agreement"',
    ),
    (
        "unknown failure reason",
        _med(outcome="no_agreement", failure_reasons=["money"]),
        "failure_reasons[0]",
        'ongeldige waarde "money"',
    ),
    (
        "interview without children",
        _med(child_interviews=[{"date": "2024-03-01", "children": 0}]),
        "child_interviews[0].children",
        "moet minstens 1 zijn",
    ),
    (
        "interview before start",
        _med(child_interviews=[{"date": "2024-02-10", "children": 1}]),
        "child_interviews[0].date",
        "ligt vóór de startdatum",
    ),
    (
        "start before request",
        _med(started="2024-01-20"),
        "started",
        "ligt vóór de aanvraagdatum 2024-02-01",
    ),
    (
        "end before start",
        _med(ended="2024-02-10", child_interviews=[]),
        "ended",
        "einddatum 2024-02-10 ligt vóór de startdatum 2024-02-20",
    ),
    (
        "unknown mediator",
        _med(mediators=["X. Onbekend"]),
        "mediators[0]",
        'onbekende mediator "X. Onbekend"',
    ),
    ("unknown case", _med(case="2024-L2-55555"), "case", 'onbekende zaak "2024-L2-55555"'),
    (
        "curator before request",
        _med(special_curator="2024-01-01"),
        "special_curator",
        "ligt vóór de aanvraagdatum",
    ),
]


@pytest.mark.parametrize(
    ("name", "record", "field", "message"), MEDIATION_RULES, ids=[c[0] for c in MEDIATION_RULES]
)
def test_mediation_rule(
    refusing: Backend, name: str, record: dict[str, Any], field: str, message: str
) -> None:
    _expect(refusing, record, field, message, *R.USERS, R.MEDIATOR, R.MEDIATOR2, R.ABDUCTION_CASE)


OTHER_RULES = [
    (
        "user role",
        {"type": "user", "username": "x1", "role": "boss"},
        "role",
        "student, jurist, mediation, manager, admin",
    ),
    (
        "user with password",
        {"type": "user", "username": "x1", "role": "jurist", "password": "geheim"},
        "password",
        "onbekend veld",
    ),
    (
        "username",
        {"type": "user", "username": "Jan de Vries", "role": "jurist"},
        "username",
        "ongeldige gebruikersnaam",
    ),
    (
        "mediator cbfm",
        {**R.MEDIATOR, "name": "Z", "cbfm": "yes"},
        "cbfm",
        'verwacht true of false, niet "yes"',
    ),
    (
        "mediator language",
        {**R.MEDIATOR, "name": "Z", "languages": ["Pools"]},
        "languages[0]",
        "ongeldige taalcode",
    ),
    ("activity kind", {**R.ACTIVITY, "kind": "party"}, "kind", "work_visit, training_given"),
    ("activity title", {**R.ACTIVITY, "title": ""}, "title", "mag niet leeg zijn"),
    (
        "historical key",
        {**R.HISTORICAL, "key": "cases.everything"},
        "key",
        'onbekende cijfernaam "cases.everything"',
    ),
    ("historical value", {**R.HISTORICAL, "value": "5199"}, "value", "verwacht een getal"),
    ("record type", {"type": "note"}, "type", 'onbekend recordtype "note"'),
]


@pytest.mark.parametrize(
    ("name", "record", "field", "message"), OTHER_RULES, ids=[c[0] for c in OTHER_RULES]
)
def test_other_rule(
    refusing: Backend, name: str, record: dict[str, Any], field: str, message: str
) -> None:
    _expect(refusing, record, field, message)


def test_invalid_json_names_the_line(refusing: Backend) -> None:
    with pytest.raises(InputError, match=r"^regel 2: geen geldige JSON"):
        _import_lines(refusing, ['{"type":"user","username":"ab","role":"jurist"}', "{oops"])


def test_blank_and_comment_lines_are_skipped(backend: Backend) -> None:
    text = ["# export van het oude systeem", "", *R.lines(*R.USERS), "   "]
    assert _import_lines(backend, text).created["user"] == 3


def test_duplicate_ref_in_one_file(refusing: Backend) -> None:
    _expect(
        refusing,
        R.case(),
        "ref",
        '"2024-L2-00017" komt al voor op regel 4',
        *R.USERS,
        R.ABDUCTION_CASE,
    )


def test_existing_ref_needs_update(backend: Backend) -> None:
    _import(backend, *R.USERS, R.ABDUCTION_CASE)
    changed = R.case(summary="Bijgewerkt.")
    if backend.is_server:
        # By design the server's import adds new cases only, identical, different or
        # with --update: its administrator reads no dossier to compare. Its own message.
        before = export_all(backend)
        for rec, update in ((R.ABDUCTION_CASE, False), (changed, False), (changed, True)):
            with pytest.raises(ValidationError) as info:
                backend.load(rec, update=update)
            assert info.value.field == "ref" and info.value.line == 1
            assert "staat al op de kantoorserver" in info.value.message
        assert export_all(backend) == before
        return
    # Identical: unchanged (point 17); different: only with --update.
    assert _import(backend, R.ABDUCTION_CASE).skipped["case"] == 1
    with pytest.raises(ValidationError, match="bestaat al in de database"):
        _import(backend, changed)
    assert backend.load(changed, update=True).updated["case"] == 1
    case = next(r for r in export_all(backend) if r["type"] == "case")
    assert case["summary"] == "Bijgewerkt."
