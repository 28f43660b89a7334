"""Access requests (AVG art. 15, issue #18 point 5): the requester's data, nobody else's.

The mother (Anna Kowalska) asks what the centre holds on her. She appears in her
own case (requester), in the father's case (other parent) and in a mediation.
The pack must hold her data and none of the father's; the children only when the
administrator ticks that she is their parent with authority. Real PDF parsed
back with pypdf; every test on both backends (`backend`: an encrypted file, the
office server), each user as their own login.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ikodesk.errors import AccessDenied, InputError
from ikodesk.models import AccessRequest, AuditEntry
from ikodesk.services.subject_access import add_one_month
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend
from tests.support.office import ADMIN_PASSWORD

ANNA = "Anna Kowalska"
ANNA_BORN = date(1988, 2, 11)
# What only others' data hold: never in Anna's pack.
FATHER_DATA = ("Piotr", "Kowalski", "1985-07-30", *F.FATHER_SECRETS[:2])
CHILD_DATA = ("Ola", "2017-09-01")
MEDIATION = {
    **copy.deepcopy(R.MEDIATION),
    "x": {
        "parents": [
            {
                "relation": "mother",
                "first_name": "Anna",
                "last_name": "Kowalska",
                "birth_date": "1988-02-11",
                "country": "NL",
            },
            {"relation": "father", "first_name": "Piotr", "last_name": "Kowalski", "country": "PL"},
        ]
    },
}
UNRELATED = R.case(
    ref="2024-L2-00099",
    requester={
        "kind": "parent",
        "relation": "mother",
        "side": "left_behind",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "birth_date": "1990-01-01",  # someone else of the same name
    },
    other_parent={"relation": "father", "first_name": "Jan", "last_name": "Smit"},
    children=[{"first_name": "Bo", "last_name": "Smit", "birth_date": "2019-01-01"}],
)


@pytest.fixture
def app(backend: Backend) -> Backend:
    backend.load(
        *F.STAFF,
        R.MEDIATOR,
        R.MEDIATOR2,
        R.ABDUCTION_CASE,
        R.CONTACT,
        F.FATHER_CASE,
        F.FATHER_CONTACT,
        MEDIATION,
        UNRELATED,
    )
    return backend


def _pack(
    app: Backend, tmp_path: Path, refs: list[str], *, children: bool = False
) -> tuple[str, dict[str, Any], str]:
    from ikodesk.reports.subject_access import render_pack

    admin = app.as_("beheer")
    made = admin.app.admin.subject_access_pack(
        admin.actor,
        ANNA,
        ANNA_BORN,
        refs,
        tmp_path / "pak",
        with_children=children,
        received=date(2026, 1, 31),
        render=render_pack,
    )
    raw = made.json_path.read_text(encoding="utf-8")
    text = "\n".join(page.extract_text() for page in PdfReader(made.pdf_path).pages)
    assert made.due == date(2026, 2, 28)
    return raw, json.loads(raw), text


def test_the_candidates_are_the_dossiers_she_appears_in(app: Backend) -> None:
    admin = app.as_("beheer")
    found = admin.app.admin.subject_access_candidates(admin.actor, "anna  KOWALSKA", ANNA_BORN)
    assert sorted((c.ref, c.role) for c in found) == [
        (F.MOTHER_REF, "requester"),
        (F.FATHER_REF, "other_parent"),
        ("M2024-007", "mediation_parent"),
    ]
    # Without a birth date the namesake is a candidate too: the administrator decides.
    found = admin.app.admin.subject_access_candidates(admin.actor, ANNA, None)
    assert "2024-L2-00099" in {c.ref for c in found}


def test_the_pack_holds_her_data_and_none_of_the_fathers(app: Backend, tmp_path: Path) -> None:
    raw, pack, text = _pack(app, tmp_path, [F.MOTHER_REF, F.FATHER_REF, "M2024-007"])
    for shown in (raw, text):
        assert "Kowalska" in shown and "1988-02-11" in shown
        assert F.MOTHER_REF in shown and F.FATHER_REF in shown and "M2024-007" in shown
        for secret in (*FATHER_DATA, *CHILD_DATA):
            assert secret not in shown, secret
        assert "[afgeschermd]" in shown
    # Free text is left out: it speaks of others too.
    assert R.ABDUCTION_CASE["summary"] not in raw and "Eerste gesprek" not in raw
    assert F.FATHER_SECRETS[3] not in raw
    mother = next(d for d in pack["dossiers"] if d["referentie"] == F.MOTHER_REF)
    assert mother["uw_gegevens"][0]["rol"] == "verzoeker"
    assert (
        mother["contactmomenten"]
        == [{"datum": "2024-03-05", "kanaal": "Telefoon", "met": "Ouder", "minuten": 15}]
        or mother["contactmomenten"][0]["datum"] == "2024-03-05"
    )
    father = next(d for d in pack["dossiers"] if d["referentie"] == F.FATHER_REF)
    assert [o["rol"] for o in father["uw_gegevens"]] == ["andere ouder"]
    assert pack["verzoek"]["uiterlijk_beantwoorden"] == "2026-02-28"


def test_children_are_shown_only_when_ticked(app: Backend, tmp_path: Path) -> None:
    raw, _, text = _pack(app, tmp_path, [F.MOTHER_REF], children=True)
    for shown in (raw, text):
        assert "Ola" in shown and "2017-09-01" in shown
        for secret in FATHER_DATA:
            assert secret not in shown


def test_a_dossier_she_is_not_in_is_refused(app: Backend, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="2024-L2-00099"):
        _pack(app, tmp_path, [F.MOTHER_REF, "2024-L2-00099"])
    assert not (tmp_path / "pak").exists() or not list((tmp_path / "pak").iterdir())


def test_only_administrators_and_every_request_is_audited(app: Backend, tmp_path: Path) -> None:
    jurist = app.as_("jdevries")
    with pytest.raises(AccessDenied):
        jurist.app.admin.subject_access_candidates(jurist.actor, ANNA, ANNA_BORN)
    _pack(app, tmp_path, [F.MOTHER_REF])
    with app.inspect() as s:
        entries = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "subject.access")
                .order_by(AuditEntry.id)
            )
        )
    assert [(e.username, e.result) for e in entries] == [
        ("jdevries", "refused"),
        ("beheer", "allowed"),
    ]
    detail = entries[1].detail or ""
    assert "termijn tot 2026-02-28" in detail and "1 dossier" in detail
    for entry in entries:  # the person's name stays out of the audit log
        assert "Kowalsk" not in (entry.detail or "") and "Anna" not in (entry.object_ref or "")


def test_a_pack_starts_a_clock_until_it_is_marked_answered(app: Backend, tmp_path: Path) -> None:
    """The one-month clock (issue #18 point 5): stored with the pack, no name, listed
    for administrators until one of them marks it answered; a refused pack has none."""
    admin_as, jurist_as = app.as_("beheer"), app.as_("jdevries")
    admin, jurist = admin_as.actor, jurist_as.actor
    as_admin, as_jurist = admin_as.app.admin, jurist_as.app.admin
    with pytest.raises(InputError):
        _pack(app, tmp_path, [F.MOTHER_REF, "2024-L2-00099"])
    assert as_admin.open_access_requests(admin, date(2026, 2, 1)) == []
    _pack(app, tmp_path, [F.MOTHER_REF, "M2024-007"])
    (req,) = as_admin.open_access_requests(admin, date(2026, 2, 1))
    assert (req.received, req.due, req.days_left) == (date(2026, 1, 31), date(2026, 2, 28), 27)
    assert (req.made_by, req.dossiers) == ("beheer", 2)
    with app.inspect() as s:
        row = s.get(AccessRequest, req.id)
        assert row is not None
        stored = " ".join(str(getattr(row, c.key)) for c in AccessRequest.__table__.columns)
    assert "Kowalsk" not in stored and "Anna" not in stored and F.MOTHER_REF not in stored
    with pytest.raises(AccessDenied):
        as_jurist.open_access_requests(jurist, date(2026, 2, 1))
    with pytest.raises(AccessDenied):
        as_jurist.access_request_answered(jurist, req.id)
    assert len(as_admin.open_access_requests(admin, date(2026, 3, 1))) == 1
    as_admin.access_request_answered(admin, req.id)
    assert as_admin.open_access_requests(admin, date(2026, 3, 1)) == []
    with pytest.raises(InputError, match="al op"):
        as_admin.access_request_answered(admin, req.id)
    with pytest.raises(InputError, match="geen inzageverzoek 99"):
        as_admin.access_request_answered(admin, 99)
    with app.inspect() as s:
        marked = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "subject.access", AuditEntry.object_ref == str(req.id)
            )
        ).all()
    assert [(e.username, e.result) for e in marked][:2] == [
        ("jdevries", "refused"),
        ("beheer", "allowed"),
    ]


def test_one_month(tmp_path: Path) -> None:
    assert add_one_month(date(2026, 1, 31)) == date(2026, 2, 28)
    assert add_one_month(date(2024, 12, 15)) == date(2025, 1, 15)


def test_the_command_line(cli: Any, app: Backend, tmp_path: Path) -> None:
    env = {"IKODESK_PASSWORD": F.PASSWORD}
    path: str | Path
    if app.office is not None:
        # The imported users got their passwords from the office's administrator, whose
        # own is the one `server init` gave.
        path = app.office.url
        env_j = {**env}
        env["IKODESK_PASSWORD"] = ADMIN_PASSWORD
    else:
        assert app.db is not None
        F.with_passwords(app.db)
        path = app.db.path
        app.db.close()
        env["IKODESK_PASSPHRASE"] = TEST_PASSPHRASE
        env_j = {**env}
    base = ["--db", path, "--user", "beheer", "subject-access", "--name", ANNA]
    out_dir = tmp_path / "uit"
    res = cli([*base, "--birth-date", "1988-02-11", "-o", out_dir], env=env)
    assert res.code == 1 and F.MOTHER_REF in res.out and "--confirm" in res.err
    assert not out_dir.exists()
    res = cli(
        [
            *base,
            "-o",
            out_dir,
            "--confirm",
            f"{F.MOTHER_REF},M2024-007",
            "--received",
            "2026-03-02",
        ],
        env=env,
    )
    assert res.code == 0, res.err
    assert "2 dossier(s)" in res.out and "2026-04-02" in res.out
    assert "nr. 1 bij de Termijnen" in res.out
    written = json.loads((out_dir / "inzageverzoek-2026-03-02.json").read_text(encoding="utf-8"))
    assert {d["referentie"] for d in written["dossiers"]} == {F.MOTHER_REF, "M2024-007"}
    assert "Piotr" not in json.dumps(written)
    assert (out_dir / "inzageverzoek-2026-03-02.pdf").stat().st_mode & 0o077 == 0
    res = cli(
        ["--db", path, "--user", "jdevries", "subject-access", "--name", ANNA, "-o", out_dir],
        env=env_j,
    )
    assert res.code == 3
