"""Retention (issue #18, points 1-3): anonymise on schedule, keep every figure, forget for real.

Real SQLCipher files with ten years of generated data (the demo generator,
2015-2024 at a small scale); the pages of the file are decrypted and searched
after a run (tests/support/sqlcipher_pages), not only its tables.

Every test but the one about the file's pages runs on both backends: the same
ten years are moved onto an office server once per module (`server migrate`'s
service: walls, claims and audit included), each test gets a copy, and every
user acts as their own login there (the run is the server's own function).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from ikodesk.errors import AccessDenied, ApprovalRefused, InputError
from ikodesk.models import (
    AnonymisedCase,
    AuditEntry,
    Case,
    CaseNotes,
    Child,
    ConflictPair,
    Contact,
    DestructionRun,
    LegalHold,
    Mediation,
    MediationParent,
    Person,
    SearchTerms,
    WallClaim,
)
from ikodesk.models.enums import Role
from ikodesk.reports import destruction_register as register_pdf
from ikodesk.services import (
    audit,
    demo,
    figures,
    retention,
    search_audit,
    server_move,
    users,
    walls,
)
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support.backends import Backend, copy_office
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office, new_office
from tests.support.pg_cluster import Cluster
from tests.support.sqlcipher_pages import decrypt_pages, salt_of

KH = Actor.key_holder()
YEARS = list(range(2015, 2025))
SECOND_PW = "Groene-Kikker-Springt-4411"
FAR = date(2035, 1, 1)

# A closed Line 2 case of 2016 with people nobody else in the demo has: every value
# must be unreadable in the file's pages after a run.
SENTINEL = {
    "first": "Zygmuntarius",
    "last": "Quellenbrink",
    "birth": "1911-11-11",
    "phone": "06-97531864",
    "email": "zygmuntarius@quellenbrink.example",
    "child": "Ottoliniaxa",
    "child_birth": "2009-09-19",
    "summary": "Vertrouwelijk-Sentinel-Samenvatting",
    "contact": "Gesprek-Sentinel-Contactnotitie",
    "mediation_parent": "Wilhelmiraxa",
}


def _sentinel_records() -> list[dict[str, Any]]:
    s = SENTINEL
    return [
        {
            "type": "case",
            "ref": "2016-L2-SENT",
            "line": 2,
            "code": "prevention",
            "opened": "2016-03-01",
            "closed": "2016-06-01",
            "close_reason": "resolved",
            "handler": "jdevries",
            "country": "MA",
            "requester": {
                "kind": "parent",
                "relation": "mother",
                "side": "potential_left_behind",
                "first_name": s["first"],
                "last_name": s["last"],
                "birth_date": s["birth"],
                "phone": s["phone"],
                "email": s["email"],
            },
            "children": [
                {"first_name": s["child"], "last_name": s["last"], "birth_date": s["child_birth"]}
            ],
            "summary": s["summary"],
        },
        {
            "type": "contact",
            "case": "2016-L2-SENT",
            "at": "2016-03-01T10:00:00",
            "channel": "phone",
            "party": "parent",
            "handler": "jdevries",
            "minutes": 25,
            "summary": s["contact"],
        },
        {
            "type": "mediation",
            "ref": "2016-M-SENT",
            "kind": "iko",
            "requested": "2016-02-01",
            "status": "not_started",
            "not_started_reason": "Sentinel-reden-niet-gestart",
            "x": {
                "parents": [
                    {
                        "relation": "mother",
                        "first_name": s["mediation_parent"],
                        "last_name": s["last"],
                        "birth_date": s["birth"],
                    },
                ]
            },
            "children": [{"first_name": s["child"], "birth_date": s["child_birth"]}],
        },
    ]


@pytest.fixture(scope="module")
def _ten_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten years of generated data, made once for the module; each test gets a copy."""
    from ikodesk.services import exchange

    path = tmp_path_factory.mktemp("ten") / "ten.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    demo.populate(db, YEARS, scale=0.02, until=date(2024, 12, 31))
    lines = [exchange.json_line(r) for r in _sentinel_records()]
    with db.transaction() as s:
        result = exchange.import_lines(s, KH, lines)
        assert result.created["case"] == 1 and result.created["mediation"] == 1, result
        users.create_user(s, KH, "tweede", Role.ADMIN, name="Tweede Beheerder", password=SECOND_PW)
    db.close()
    return path


@pytest.fixture(scope="module")
def _ten_on_the_server(_ten_years: Path, office_template: Cluster) -> Office:
    """The same ten years moved onto an office server (as `ikodesk server migrate` does)."""
    office = new_office(office_template)
    admin = office.admin()
    source = Database.open(_ten_years, passphrase=TEST_PASSPHRASE)
    try:
        with source.transaction() as src, admin.db.transaction() as dst:
            report = server_move.move(src, KH, dst, office.actor(admin), label="test")
            assert not report.differences, report.differences
            moved = list(src.scalars(select(users.User.username)))
    finally:
        source.close()
        office.close()
    for name in moved:  # moved logins have no password until the administrator sets one
        if name != ADMIN:
            office.add_password(name, password=SECOND_PW if name == "tweede" else PASSWORD)
    office.close()
    return office


@pytest.fixture(params=["file", "server"])
def ten(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "server":
        office = copy_office(request.getfixturevalue("_ten_on_the_server"))
        made = Backend("server", office=office)
        try:
            yield made
        finally:
            made.close()
            office.close()
        return
    _ten_years = request.getfixturevalue("_ten_years")
    target = tmp_path / "ten.db"
    for suffix in ("", ".keyinfo.json", "-wal", "-shm"):
        source = _ten_years.with_name(_ten_years.name + suffix)
        if source.exists():
            shutil.copy2(source, target.with_name(target.name + suffix))
    database = Database.open(target, passphrase=TEST_PASSPHRASE)
    made = Backend("file", db=database)
    yield made
    made.close()
    database.close()


def _login(db: Backend, username: str) -> tuple[Application, Actor]:
    """`username`'s own application and actor (on the server: their own login)."""
    who = db.as_(username)
    return who.app, who.actor


def _own_password(db: Backend) -> str:
    """The password of `beheer`: the demo's on a file, `server init`'s on the server."""
    return ADMIN_PASSWORD if db.is_server else demo.DEMO_PASSWORD


APPROVER = ApproverCredentials("tweede", SECOND_PW)


def _all_figures(db: Backend) -> dict[int, Any]:
    manager = db.as_("directie")
    with manager.session() as s:
        return {y: figures.compute_figures(s, manager.actor, y) for y in YEARS}


def _count(db: Backend, model: Any, *where: Any) -> int:
    with db.inspect() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# --- the figures ---------------------------------------------------------------------------


def test_every_years_figures_are_identical_after_a_run(ten: Backend) -> None:
    before = _all_figures(ten)
    assert sum(before[y]["cases"]["total"] for y in YEARS) > 2000  # ten years of data
    app, admin = _login(ten, "beheer")
    outcome = app.retention.run(admin, FAR, APPROVER)
    result = outcome.result
    # Everything closed is past its period on 1 January 2035.
    assert result.preview.cases == _count(ten, Case, Case.closed.is_not(None))
    assert result.preview.cases > 1500
    assert result.preview.mediations > 0
    after = _all_figures(ten)
    for year in YEARS:
        assert after[year] == before[year], year
    # The people really are gone from those cases, the facts stay.
    with ten.inspect() as s:
        named = s.scalar(
            select(func.count())
            .select_from(Person)
            .join(AnonymisedCase, AnonymisedCase.case_id == Person.case_id)
            .where(
                (Person.first_name.is_not(None))
                | (Person.last_name.is_not(None))
                | (Person.birth_date.is_not(None))
                | (Person.phone.is_not(None))
            )
        )
        assert named == 0
        dated_children = s.scalar(
            select(func.count())
            .select_from(Child)
            .join(AnonymisedCase, AnonymisedCase.case_id == Child.case_id)
            .where(Child.birth_date.is_not(None) | Child.age.is_(None))
        )
        assert dated_children == 0
        assert audit.verify_chain(s).ok
    if ten.is_server:  # the server's pages are its own VACUUM's job (docs/server.md)
        assert outcome.scrubbed is None
    else:
        assert outcome.scrubbed is not None and outcome.scrubbed.wal_truncated


def test_a_second_run_finds_nothing_more_and_the_figures_still_hold(ten: Backend) -> None:
    app, admin = _login(ten, "beheer")
    before = _all_figures(ten)
    app.retention.run(admin, date(2026, 1, 1), APPROVER)
    middle = _all_figures(ten)
    second = app.retention.run(admin, FAR, APPROVER).result
    third = app.retention.run(admin, FAR, APPROVER).result
    assert second.preview.cases > 0
    assert third.preview.cases == 0 and third.preview.mediations == 0
    assert before == middle == _all_figures(ten)


# --- irreversibly ----------------------------------------------------------------------------


def _removed_phones(db: Backend) -> set[str]:
    with db.inspect() as s:
        rows = s.execute(
            select(Person.phone)
            .join(Case, Case.id == Person.case_id)
            .where(Case.closed.is_not(None), Person.phone.is_not(None))
        )
        return {str(r[0]) for r in rows}


# File-only by nature: it decrypts an SQLCipher file's pages (a server's are its VACUUM's job).
@pytest.mark.parametrize("ten", ["file"], indirect=True)
def test_no_removed_name_birth_date_or_phone_is_in_the_files_pages(ten: Backend) -> None:
    app, admin = _login(ten, "beheer")
    phones = _removed_phones(ten)
    assert len(phones) > 300
    # Searches by name are kept beside the audit chain: they must go too.
    with ten.as_("beheer").transaction() as s:
        search_audit.record(s, admin, SENTINEL["last"], shown=1, behind_wall=False)
    assert ten.db is not None
    path = ten.db.path
    plain_before = decrypt_pages(path, TEST_PASSPHRASE)
    wal = path.with_name(path.name + "-wal")
    plain_before += decrypt_pages(wal, TEST_PASSPHRASE, salt=salt_of(path))
    for value in SENTINEL.values():
        assert value.encode() in plain_before, value  # the search can find what is there

    app.retention.run(admin, FAR, APPROVER)

    with ten.inspect() as s:  # phones still held by open cases are not "removed"
        live = {str(r[0]) for r in s.execute(select(Person.phone).where(Person.phone.is_not(None)))}
    removed = phones - live
    assert len(removed) > 300
    plain = decrypt_pages(path, TEST_PASSPHRASE)
    assert b"2016-L2-SENT" in plain  # decryption works: the reference stays
    for value in SENTINEL.values():
        assert value.encode() not in plain, value
    found = [p for p in removed if p.encode() in plain]
    assert found == []
    assert not wal.exists() or wal.stat().st_size == 0


# --- legal hold, dry run, approval -------------------------------------------------------------


def test_a_legal_hold_keeps_the_case_and_its_mediation(ten: Backend) -> None:
    app, admin = _login(ten, "beheer")
    app.retention.set_hold(admin, "2016-L2-SENT", "Klacht bij de Autoriteit Persoonsgegevens")
    assert [h.ref for h in app.retention.holds(admin)] == ["2016-L2-SENT"]
    with pytest.raises(InputError):  # one hold per case
        app.retention.set_hold(admin, "2016-L2-SENT", "nogmaals")
    preview = app.retention.preview(admin, FAR)
    assert "2016-L2-SENT" not in {i.ref for i in preview.items}
    assert preview.held == 1
    app.retention.run(admin, FAR, APPROVER)
    with ten.inspect() as s:
        held_id = s.scalar(select(Case.id).where(Case.ref == "2016-L2-SENT"))
        person = s.scalar(select(Person).where(Person.case_id == held_id))
        assert person is not None and person.last_name == SENTINEL["last"]
        assert s.get(CaseNotes, held_id) is not None
        assert s.get(AnonymisedCase, held_id) is None
    # Lifted, the next run removes it.
    app.retention.lift_hold(admin, "2016-L2-SENT")
    result = app.retention.run(admin, FAR, APPROVER).result
    assert [i.ref for i in result.preview.items if i.kind == "case"] == ["2016-L2-SENT"]
    with ten.inspect() as s:
        assert s.scalar(select(Person.last_name).where(Person.case_id == held_id)) is None


def _snapshot(db: Backend) -> dict[str, Any]:
    with db.inspect() as s:
        out = {}
        for model in (Person, Child, Contact, CaseNotes, MediationParent, Mediation, SearchTerms):
            table = model.__table__
            out[table.name] = sorted(map(tuple, s.execute(select(table)).all()), key=repr)
        out["runs"] = s.scalar(select(func.count()).select_from(DestructionRun))
        out["anonymised"] = s.scalar(select(func.count()).select_from(AnonymisedCase))
        return out


def test_a_dry_run_changes_nothing(ten: Backend) -> None:
    app, admin = _login(ten, "beheer")
    before = _snapshot(ten)
    preview = app.retention.preview(admin, FAR)
    assert preview.cases > 1500
    assert "2016-L2-SENT" in {i.ref for i in preview.items}
    assert _snapshot(ten) == before
    assert retention.unconfirmed  # still unconfirmed after a preview
    with ten.inspect() as s:
        assert len(retention.unconfirmed(s)) == len(retention.SCOPES)
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == "retention.manage"
        assert "voorbeeld" in (entry.detail or "")


@pytest.mark.parametrize(
    "credentials",
    [None, "own"],
    ids=["no approver", "own approval"],
)
def test_a_run_without_a_second_administrators_approval_is_refused(
    ten: Backend, credentials: str | None
) -> None:
    app, admin = _login(ten, "beheer")
    own = ApproverCredentials("beheer", _own_password(ten)) if credentials else None
    before = _snapshot(ten)
    with pytest.raises(ApprovalRefused):
        app.retention.run(admin, FAR, own)
    assert _snapshot(ten) == before
    with ten.inspect() as s:
        refused = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.result == "refused")
        )
        assert refused


def test_only_an_administrator_runs(ten: Backend) -> None:
    for app, who in (_login(ten, "jdevries"), _login(ten, "directie")):
        with pytest.raises(AccessDenied):
            app.retention.run(who, FAR, APPROVER)
        with pytest.raises(AccessDenied):
            app.retention.preview(who, FAR)
    assert _count(ten, DestructionRun) == 0


# --- walls, search terms, the audit chain ------------------------------------------------------


def test_walls_between_an_anonymised_case_and_a_live_one_stay(ten: Backend) -> None:
    app, admin = _login(ten, "beheer")
    with ten.inspect() as s:
        pairs = list(s.scalars(select(ConflictPair).where(ConflictPair.status == "conflict")))
        assert pairs, "the demo has conflict pairs"
        claims_before = s.execute(
            select(WallClaim.pair_id, WallClaim.user_id, WallClaim.case_id)
        ).all()

        # A pair with a closed side (it will be anonymised) and a side that stays live:
        # open, or kept by a legal hold.
        def closed(case_id: int) -> bool:
            case = s.get(Case, case_id)
            return case is not None and case.closed is not None

        pair = next(p for p in pairs if closed(p.case_b_id) or closed(p.case_a_id))
        if not closed(pair.case_b_id):
            gone, live = pair.case_a_id, pair.case_b_id
        else:
            gone, live = pair.case_b_id, pair.case_a_id
        live_case = s.get(Case, live)
        assert live_case is not None
        live_ref, hold = live_case.ref, live_case.closed is not None
        claim = s.scalars(select(WallClaim).where(WallClaim.pair_id == pair.id)).first()
        assert claim is not None
    if hold:
        app.retention.set_hold(admin, live_ref, "Procedure loopt nog")
    app.retention.run(admin, FAR, APPROVER)
    with ten.inspect() as s:
        assert s.get(AnonymisedCase, gone) is not None
        assert s.get(AnonymisedCase, live) is None
        assert s.get(ConflictPair, pair.id).status == "conflict"  # type: ignore[union-attr]
        assert sorted(
            s.execute(select(WallClaim.pair_id, WallClaim.user_id, WallClaim.case_id)).all()
        ) == sorted(claims_before)
        other = pair.other(claim.case_id)
        assert walls.walled_case_ids(s, claim.user_id, [other]) == {other}


def test_old_search_terms_go_and_the_audit_chain_stays_verifiable(ten: Backend) -> None:
    app, admin = _login(ten, "beheer")
    with ten.as_("beheer").transaction() as s:
        old = search_audit.record(s, admin, "Oude Zoekterm", shown=0, behind_wall=False)
        new = search_audit.record(s, admin, "Nieuwe Zoekterm", shown=0, behind_wall=False)
    with ten.alter() as s:
        s.execute(
            text("UPDATE audit_search_terms SET created = :c WHERE ref = :r"),
            {"c": "2031-06-01T10:00:00.000000Z", "r": old},
        )
        s.execute(
            text("UPDATE audit_search_terms SET created = :c WHERE ref = :r"),
            {"c": "2033-06-01T10:00:00.000000Z", "r": new},
        )
    # Shortest period 2 years: on 1 January 2034 terms from before 1 January 2032 go.
    result = app.retention.run(admin, date(2034, 1, 1), APPROVER).result
    assert result.preview.search_terms == 1
    with ten.inspect() as s:
        kept = set(s.scalars(select(SearchTerms.ref)))
        assert old not in kept and new in kept
        assert audit.verify_chain(s).ok
        assert (
            s.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.object_ref == old)
            )
            == 1
        )


# --- the policy ---------------------------------------------------------------------------------


def test_the_defaults_are_unconfirmed_until_an_admin_or_an_approved_run_confirms(
    ten: Backend,
) -> None:
    app, admin = _login(ten, "beheer")
    rows = {r.scope: r for r in app.retention.policy(admin)}
    assert rows["travel_consent"].years == 2 and rows["travel_consent"].line == 1
    assert rows["international_abduction"].years == 7 and rows["mediation"].years == 7
    assert not any(r.confirmed for r in rows.values())
    app.retention.set_period(admin, "prevention", 5)
    rows = {r.scope: r for r in app.retention.policy(admin)}
    assert rows["prevention"].years == 5 and rows["prevention"].confirmed
    assert rows["prevention"].confirmed_by == "beheer"
    with pytest.raises(InputError):
        app.retention.set_period(admin, "prevention", 0)
    with pytest.raises(InputError):
        app.retention.set_period(admin, "nonsense", 3)
    result = app.retention.run(admin, date(2020, 1, 1), APPROVER).result
    assert len(result.confirmed) == len(retention.SCOPES) - 1
    rows = {r.scope: r for r in app.retention.policy(admin)}
    assert all(r.confirmed for r in rows.values())
    assert rows["travel_consent"].confirmed_by == "beheer + tweede"
    with ten.inspect() as s:
        details = [
            e.detail
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "retention.manage"))
        ]
        assert any("termijn 7 -> 5 jaar" in (d or "") for d in details)


def test_who_may_set_and_lift_a_legal_hold(ten: Backend) -> None:
    with ten.inspect() as s:
        own = s.execute(
            select(Case.ref, Case.handler_id).where(Case.line == 2, Case.closed.is_not(None))
        ).first()
        assert own is not None
        handler = s.scalar(select(users.User.username).where(users.User.id == own.handler_id))
        other = s.scalar(select(Case.ref).where(Case.line == 2, Case.handler_id != own.handler_id))
    app, jurist = _login(ten, str(handler))
    app.retention.set_hold(jurist, own.ref, "Hoger beroep loopt")
    with pytest.raises(AccessDenied):
        app.retention.set_hold(jurist, str(other), "niet mijn zaak")
    with pytest.raises(AccessDenied):
        app.retention.lift_hold(jurist, own.ref)
    student_app, student = _login(ten, "tmeijer")
    with pytest.raises(AccessDenied):
        student_app.retention.set_hold(student, str(other), "nee")
    # (On the server the student's login does not see that case's row: still refused
    # and audited, not "bestaat niet".)
    refused = (AuditEntry.username == "tmeijer", AuditEntry.result == "refused")
    assert _count(ten, AuditEntry, *refused) == 1
    admin_app, admin = _login(ten, "beheer")
    admin_app.retention.lift_hold(admin, own.ref)
    assert _count(ten, LegalHold) == 0


# --- the register ----------------------------------------------------------------------------


def test_the_register_records_counts_and_a_hash_and_prints_without_personal_data(
    ten: Backend, tmp_path: Path
) -> None:
    app, admin = _login(ten, "beheer")
    result = app.retention.run(admin, FAR, APPROVER).result
    rows = app.retention.register(admin)
    assert len(rows) == 1
    row = rows[0]
    assert (row.run_by, row.approved_by, row.as_of) == ("beheer", "tweede", FAR)
    assert sum(row.counts.values()) == row.cases + row.mediations == len(result.preview.items)
    refs = sorted(i.ref for i in result.preview.items)
    import hashlib

    assert row.refs_hash == hashlib.sha256("\n".join(refs).encode()).hexdigest()
    pdf = app.retention.print_register(admin, tmp_path / "register.pdf", render=register_pdf.build)
    content = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Vernietigingsregister" in content
    assert "tweede" in content and row.refs_hash[:20] in content.replace("\n", "")
    assert "Lijn 1 – Toestemming vakantie" in content
    assert "2016-L2-SENT" not in content and SENTINEL["last"] not in content
    with ten.inspect() as s:
        printed = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "retention.register")
        ).all()
        assert any("afgedrukt" in (d or "") for d in printed)
    jurist_app, jurist = _login(ten, "jdevries")
    with pytest.raises(AccessDenied):
        jurist_app.retention.register(jurist)
