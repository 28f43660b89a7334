"""Access requests (AVG art. 15, issue #18 point 5) on the office server (issue #13).

An administrator reads no personal rows on the server, so the server's own
functions find the person's dossiers (references and roles only) and hand out
the pack of the confirmed ones, each re-checked. The family of
tests/test_subject_access.py, registered on a real server by its jurists and the
mediation bureau: the mother (Anna Kowalska) is the requester in her case, the
other parent in the father's and a parent in a mediation; a namesake born
another day has a case of her own. The pack must hold her data and none of the
father's, the children only when ticked; the PDF is parsed back with pypdf.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pypdf import PdfReader

from ikodesk.errors import AccessDenied, InputError
from ikodesk.models.enums import Channel, MediationKind, ParentRelation, Party, Role
from ikodesk.reports.subject_access import render_pack
from ikodesk.services import case_contacts, cases
from ikodesk.services.application import Application
from ikodesk.services.family_match import Name
from ikodesk.services.family_match.names import PARTICLES
from ikodesk.services.family_match.profile_json import name_to_json, person_to_json
from ikodesk.services.family_match.profiles import PersonProfile
from ikodesk.services.mediation import RequestData
from ikodesk.services.mediation.workflow import register_request
from ikodesk.services.subject_access import PackMade
from ikodesk.services.validation.parsing import parse_case
from ikodesk.services.validation.records import ChildData, MediationParentData
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office
from tests.test_subject_access import (
    ANNA,
    ANNA_BORN,
    CHILD_DATA,
    FATHER_DATA,
    MEDIATION,
    UNRELATED,
)

RECEIVED = date(2026, 1, 31)


def _create(app: Application, office: Office, record: dict[str, Any]) -> str:
    with app.db.transaction() as s:
        return cases.create_case(s, office.actor(app), parse_case(record)).ref


@pytest.fixture
def family(office: Office) -> tuple[Office, str]:
    """Her case, the father's (with a contact), a namesake's, and her mediation."""
    for name, role in (
        ("jdevries", Role.JURIST),
        ("kvisser", Role.JURIST),
        ("directie", Role.MANAGER),
        ("mediation", Role.MEDIATION),
    ):
        office.add_user(name, role)
    mother = office.app("jdevries")
    _create(mother, office, R.ABDUCTION_CASE)
    with mother.db.transaction() as s:
        case_contacts.add_contact(
            s,
            office.actor(mother),
            cases.case_id_of(s, F.MOTHER_REF),
            at=datetime(2024, 3, 5, 10, 12),
            channel=Channel.PHONE,
            party=Party.PARENT,
            minutes=15,
            summary="Eerste gesprek.",
        )
    father = office.app("kvisser")
    _create(father, office, F.FATHER_CASE)
    with father.db.transaction() as s:
        case_contacts.add_contact(
            s,
            office.actor(father),
            cases.case_id_of(s, F.FATHER_REF),
            at=datetime(2024, 4, 2, 11, 0),
            channel=Channel.PHONE,
            party=Party.PARENT,
            minutes=20,
            summary=F.FATHER_SECRETS[3],
        )
    _create(office.app("kvisser"), office, {**UNRELATED, "handler": "kvisser"})
    bureau = office.app("mediation")
    parents = MEDIATION["x"]["parents"]
    with bureau.db.transaction() as s:
        made = register_request(
            s,
            office.actor(bureau),
            RequestData(
                MediationKind.IKO,
                date(2024, 2, 1),
                parents=[
                    MediationParentData(
                        ParentRelation(p["relation"]),
                        p["first_name"],
                        p["last_name"],
                        date.fromisoformat(p["birth_date"]) if p.get("birth_date") else None,
                        p["country"],
                    )
                    for p in parents
                ],
                children=[ChildData("Ola", "Kowalska", date(2017, 9, 1))],
            ),
        )
    return office, made.ref


def _pack(
    office: Office, refs: list[str], out: Path, *, children: bool = False
) -> tuple[PackMade, str, dict[str, Any], str]:
    admin = office.admin()
    made = admin.admin.subject_access_pack(
        office.actor(admin),
        ANNA,
        ANNA_BORN,
        refs,
        out,
        with_children=children,
        received=RECEIVED,
        render=render_pack,
    )
    raw = made.json_path.read_text(encoding="utf-8")
    text = "\n".join(page.extract_text() for page in PdfReader(made.pdf_path).pages)
    return made, raw, json.loads(raw), text


def _audit(office: Office) -> list[tuple[Any, ...]]:
    """(username, workstation, result, object_ref, detail) of every access-request entry."""
    with psycopg.connect(office.superuser_url) as conn:
        rows = conn.execute(
            "SELECT username, workstation, result, object_ref, detail FROM audit_log "
            "WHERE action = 'subject.access' ORDER BY id"
        ).fetchall()
    return [tuple(r) for r in rows]


def test_the_server_finds_her_dossiers_and_names_nobody(family: tuple[Office, str]) -> None:
    office, mediation_ref = family
    admin = office.admin()
    actor = office.actor(admin)
    found = admin.admin.subject_access_candidates(actor, "anna  KOWALSKA", ANNA_BORN)
    assert sorted((c.ref, c.kind, c.role) for c in found) == [
        (F.MOTHER_REF, "case", "requester"),
        (F.FATHER_REF, "case", "other_parent"),
        (mediation_ref, "mediation", "mediation_parent"),
    ]
    # The server returns no name or date of anyone: the date shown is the one typed.
    assert {c.name for c in found} == {None}
    assert {c.birth_date for c in found} == {ANNA_BORN}
    assert {c.match for c in found} == {"zelfde naam en geboortedatum"}
    # Without a birth date the namesake is a candidate too: the administrator decides.
    loose = admin.admin.subject_access_candidates(actor, ANNA, None)
    assert UNRELATED["ref"] in {c.ref for c in loose}
    assert {c.birth_date for c in loose} == {None}
    # A fragment finds nothing, through ikodesk as with psql.
    assert admin.admin.subject_access_candidates(actor, "Anna K", ANNA_BORN) == []
    fragment = person_to_json(PersonProfile(Name.of("A", "Kowalska"), ANNA_BORN, None))
    whole = person_to_json(PersonProfile(Name.of("Anna", "Kowalska"), None, None))
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        rows = conn.execute(
            "SELECT * FROM ikodesk_subject_candidates(%s::jsonb)", (json.dumps(fragment),)
        ).fetchall()
        assert rows == []
        rows = conn.execute(
            "SELECT * FROM ikodesk_subject_candidates(%s::jsonb)", (json.dumps(whole),)
        ).fetchall()
        assert len(rows) == 4  # references, kinds, roles and reasons: nothing else
        assert all(len(r) == 4 for r in rows)
        assert "Kowalsk" not in repr(rows) and "1988" not in repr(rows)
    # Audited by the server as the session's login, without the name.
    entries = _audit(office)
    assert [(e[0], e[1], e[2]) for e in entries] == [(ADMIN, "server", "allowed")] * 5
    assert [e[4] for e in entries] == [
        "dossiers gezocht; 3 gevonden",
        "dossiers gezocht; 4 gevonden",
        "dossiers gezocht (geen volledige naam); 0 gevonden",
        "dossiers gezocht (geen volledige naam); 0 gevonden",
        "dossiers gezocht; 4 gevonden",
    ]
    for entry in entries:
        assert "Kowalsk" not in (entry[4] or "") and "Anna" not in (entry[4] or "")


def test_the_pack_holds_her_data_and_none_of_the_fathers(
    family: tuple[Office, str], tmp_path: Path
) -> None:
    office, mediation_ref = family
    made, raw, pack, text = _pack(
        office, [F.MOTHER_REF, F.FATHER_REF, mediation_ref], tmp_path / "pak"
    )
    assert (made.dossiers, made.received, made.due) == (3, RECEIVED, date(2026, 2, 28))
    for shown in (raw, text):
        assert "Kowalska" in shown and "1988-02-11" in shown
        assert F.MOTHER_REF in shown and F.FATHER_REF in shown and mediation_ref in shown
        for secret in (*FATHER_DATA, *CHILD_DATA):
            assert secret not in shown, secret
        assert "[afgeschermd]" in shown
    assert R.ABDUCTION_CASE["summary"] not in raw and "Eerste gesprek" not in raw
    assert F.FATHER_SECRETS[3] not in raw
    mother = next(d for d in pack["dossiers"] if d["referentie"] == F.MOTHER_REF)
    assert [p["rol"] for p in mother["uw_gegevens"]] == ["verzoeker"]
    assert mother["andere_personen"] == [{"rol": "andere ouder", "gegevens": "[afgeschermd]"}]
    assert mother["kinderen"] == [{"kind": "[afgeschermd]"}] * 2
    assert mother["contactmomenten"] == [
        {"datum": "2024-03-05", "kanaal": "Telefoon", "met": "Ouder", "minuten": 15}
    ]
    father = next(d for d in pack["dossiers"] if d["referentie"] == F.FATHER_REF)
    assert [p["rol"] for p in father["uw_gegevens"]] == ["andere ouder"]
    assert father["andere_personen"] == [{"rol": "verzoeker", "gegevens": "[afgeschermd]"}]
    mediation = next(d for d in pack["dossiers"] if d["soort"] == "mediation")
    assert [p["voornaam"] for p in mediation["uw_gegevens"]] == ["Anna"]
    assert mediation["andere_personen"] == [{"rol": "andere ouder", "gegevens": "[afgeschermd]"}]
    # The clock: started by the server, as the session's login; then marked answered.
    admin = office.admin()
    actor = office.actor(admin)
    (req,) = admin.admin.open_access_requests(actor, date(2026, 2, 1))
    assert (req.id, req.received, req.due, req.made_by, req.dossiers) == (
        made.request,
        RECEIVED,
        date(2026, 2, 28),
        ADMIN,
        3,
    )
    admin.admin.access_request_answered(actor, req.id)
    assert admin.admin.open_access_requests(actor, date(2026, 2, 1)) == []
    with pytest.raises(InputError, match="al op"):
        admin.admin.access_request_answered(actor, req.id)
    with pytest.raises(InputError, match="geen inzageverzoek 99"):
        admin.admin.access_request_answered(actor, 99)
    details = [e[4] or "" for e in _audit(office)]
    assert details[0].startswith("ontvangen 2026-01-31, termijn tot 2026-02-28; 3 dossier(s)")
    assert details[1] == "verzoek als beantwoord gemarkeerd"
    assert not any("Kowalsk" in d or "Anna" in d for d in details)


def test_the_server_pack_is_the_files_pack(
    family: tuple[Office, str], db: Database, tmp_path: Path
) -> None:
    """The same family in a file: the server's pack is the file's, field for field."""
    office, mediation_ref = family
    F.load(
        db,
        *F.STAFF,
        R.MEDIATOR,
        R.MEDIATOR2,
        R.ABDUCTION_CASE,
        R.CONTACT,
        F.FATHER_CASE,
        F.FATHER_CONTACT,
        {
            "type": "mediation",
            "ref": mediation_ref,
            "kind": "iko",
            "requested": "2024-02-01",
            "status": "requested",
            "children": [
                {"first_name": "Ola", "last_name": "Kowalska", "birth_date": "2017-09-01"}
            ],
            "x": MEDIATION["x"],
        },
        UNRELATED,
    )
    local = Application(db)
    for children in (False, True):
        refs = [F.MOTHER_REF, F.FATHER_REF, mediation_ref]
        _, _, on_server, _ = _pack(office, refs, tmp_path / f"s{children}", children=children)
        made = local.admin.subject_access_pack(
            F.actor(db, "beheer"),
            ANNA,
            ANNA_BORN,
            refs,
            tmp_path / f"f{children}",
            with_children=children,
            received=RECEIVED,
            render=render_pack,
        )
        in_file = json.loads(made.json_path.read_text(encoding="utf-8"))
        assert on_server == in_file
        shown = on_server["dossiers"][0]["kinderen"][0]
        assert ("Ola" in json.dumps(shown)) is children


def test_children_are_shown_only_when_ticked(family: tuple[Office, str], tmp_path: Path) -> None:
    office, mediation_ref = family
    _, raw, pack, text = _pack(office, [F.MOTHER_REF, mediation_ref], tmp_path, children=True)
    for shown in (raw, text):
        assert "Ola" in shown and "2017-09-01" in shown
        for secret in FATHER_DATA:
            assert secret not in shown
    assert pack["dossiers"][0]["kinderen"][1] == {
        "voornaam": None,
        "achternaam": None,
        "geboortedatum": None,
    }


def test_a_dossier_she_is_not_in_is_refused(family: tuple[Office, str], tmp_path: Path) -> None:
    office, _ = family
    out = tmp_path / "pak"
    with pytest.raises(InputError, match=UNRELATED["ref"]):
        _pack(office, [F.MOTHER_REF, UNRELATED["ref"]], out)
    assert not out.exists() or not list(out.iterdir())
    # No clock, and the refusal stays on record (the server's entries went with the rollback).
    with psycopg.connect(office.superuser_url) as conn:
        assert conn.execute("SELECT count(*) FROM access_requests").fetchone() == (0,)
    assert [(e[0], e[2], e[3]) for e in _audit(office)] == [(ADMIN, "refused", UNRELATED["ref"])]
    # With psql the server refuses by itself: another person's dossier under her name,
    # a made-up person whose name forms say two things, or no whole name at all.
    anna = person_to_json(PersonProfile(Name.of("Anna", "Kowalska"), ANNA_BORN, None))
    # Her tokens, but the forms rapidfuzz compares made to say "Piotr Kowalski" too.
    forged = person_to_json(PersonProfile(Name.of("Anna", "Kowalska"), None, None))
    forged["name"].update(first_joined="piotr", first_sorted="piotr", last_joined="kowalski")
    piotr = person_to_json(PersonProfile(Name.of("Piotr", "Kowalski"), None, None))
    fragment = person_to_json(PersonProfile(Name.of("A", "K"), None, None))
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        for person, refs in (
            (anna, [UNRELATED["ref"]]),
            (fragment, [F.MOTHER_REF]),
            (anna, ["2099-L2-00001"]),
        ):
            with pytest.raises(psycopg.Error) as refused:
                conn.execute(
                    "SELECT ikodesk_subject_pack(%s::jsonb, %s, false, '2026-01-31')",
                    (json.dumps(person), refs),
                )
            assert refused.value.sqlstate == "IK005"
        # Taken as they are, the forged forms would find the father as well (below);
        # the server rebuilds them from the tokens: her data only.
        answer = conn.execute(
            "SELECT ikodesk_subject_pack(%s::jsonb, %s, false, '2026-01-31')",
            (json.dumps(forged), [F.MOTHER_REF]),
        ).fetchone()
        assert answer is not None
        shown = json.dumps(answer[0])
        assert "Kowalska" in shown and "Piotr" not in shown and "1985-07-30" not in shown
    with psycopg.connect(office.superuser_url) as conn:
        verdict = conn.execute(
            "SELECT ikodesk_fm_compare_persons(%s::jsonb, %s::jsonb)",
            (json.dumps(forged), json.dumps(piotr)),
        ).fetchone()
    assert verdict == ("name",)


def test_only_administrators_call_the_functions(family: tuple[Office, str]) -> None:
    office, _ = family
    person = json.dumps(person_to_json(PersonProfile(Name.of("Anna", "Kowalska"), None, None)))
    calls = (
        ("SELECT * FROM ikodesk_subject_candidates(%s::jsonb)", (person,)),
        (
            "SELECT ikodesk_subject_pack(%s::jsonb, %s, true, '2026-01-31')",
            (person, [F.MOTHER_REF]),
        ),
        ("SELECT ikodesk_subject_answered(1)", ()),
        ("SELECT * FROM ikodesk_sa_found(%s::jsonb)", (person,)),
    )
    for login in ("jdevries", "directie", "mediation"):
        for statement, args in calls:
            with office.psql(login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, args)
    # Through ikodesk the policy refuses first, and records it.
    jurist = office.app("jdevries")
    with pytest.raises(AccessDenied):
        jurist.admin.subject_access_candidates(office.actor(jurist), ANNA, ANNA_BORN)
    with pytest.raises(AccessDenied):
        jurist.admin.access_request_answered(office.actor(jurist), 1)
    assert [(e[0], e[2]) for e in _audit(office)] == [("jdevries", "refused")] * 2
    # Nobody writes the clocks directly, administrators included.
    insert = (
        "INSERT INTO access_requests (received, due, made_at, made_by, dossiers) "
        "VALUES ('2026-01-01', '2026-02-01', now(), 'x', 1)"
    )
    for login, password in ((ADMIN, ADMIN_PASSWORD), ("jdevries", PASSWORD)):
        with (
            office.psql(login, password) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(insert)
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE access_requests SET answered_by = 'x'")
        # And an administrator still reads no personal row.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT first_name FROM persons")


NAMES = (
    ("Anna", "Kowalska"),
    ("anna maria", "van den Berg"),
    ("Łukasz", "Nowak-Kowalski"),
    ("José María", "García Márquez"),
    ("Zoë", "d'Hondt"),
    ("Søren", "Kierkegaard"),
    ("Ömer", "Öztürk"),
    ("İlkay", "Yıldız"),
    ("Þóra", "Guðmundsdóttir"),
    ("Straße", "Ærø Œuvre"),
    ("Mohammed", "el Amrani"),
    ("Nguyễn", "Thị Minh"),
    ("Ｆｕｌｌ", "ﬁnn"),
    ("Jean_Luc", "de la Fontaine"),
    ("Олена", "Шевченко"),
    ("", "Van"),
    ("  ", None),
)


def test_the_servers_fold_is_pythons(office: Office) -> None:
    """The stored people are folded on the server: the same tokens and forms as Name.of."""
    with psycopg.connect(office.superuser_url) as conn:
        particles = conn.execute("SELECT ikodesk_sa_particles()").fetchone()
        assert particles is not None and sorted(particles[0]) == sorted(PARTICLES)
        for first, last in NAMES:
            row = conn.execute(
                "SELECT ikodesk_sa_name(ikodesk_sa_tokens(%s), ikodesk_sa_tokens(%s))",
                (first, last),
            ).fetchone()
            assert row is not None
            assert row[0] == name_to_json(Name.of(first, last)), (first, last)
