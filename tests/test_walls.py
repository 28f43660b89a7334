"""Conflict walls attacked from every path a dossier can be reached by."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from ikodesk.errors import AccessDenied, CaseWalled, HandlerWalled
from ikodesk.models import AuditEntry, Case, ConflictPair, ConflictStatus, WallClaim
from ikodesk.models.enums import Channel, CloseReason, Party
from ikodesk.reports import dossier
from ikodesk.services import case_queries as q
from ikodesk.services import cases, conflicts, exchange
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R


@pytest.fixture
def walled(db: Database) -> Database:
    """The mother's case (jdevries) and the father's case (kvisser): a conflict pair."""
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    return db


def _assert_no_father_data(text_: str) -> None:
    for secret in (*F.FATHER_SECRETS, "Piotr", "Kowalsk", "Polen", "Ola", "1985-07-30"):
        assert secret.lower() not in text_.lower(), secret


def test_the_import_marks_the_pair_automatically(walled: Database) -> None:
    admin = F.actor(walled, "beheer")
    with walled.session() as s:
        found = conflicts.list_conflicts(s, admin)
    assert [i.cases for i in found] == [(F.MOTHER_REF, F.FATHER_REF)]
    reason = found[0].reason
    assert "zelfde kinderen (1 van 2, geboortedatum en voornaam)" in reason
    assert "tegengestelde kanten" in reason
    _assert_no_father_data(reason)
    assert "Anna" not in reason


def test_list_shows_the_other_side_as_a_masked_row(walled: Database) -> None:
    mother_handler = F.actor(walled, "jdevries")
    with walled.session() as s:
        ids = q.page_ids(s, mother_handler, q.CaseFilter())
        rows = q.fetch_rows(s, mother_handler, ids)
        total = q.count_cases(s, mother_handler, q.CaseFilter())
    by_ref = {r.ref: r for r in rows.values()}
    father = by_ref[F.FATHER_REF]
    assert father.masked and father.conflict
    assert father.requester == q.MASKED_LABEL
    assert (father.country, father.country_name, father.handler, father.children) == (
        None,
        None,
        "",
        0,
    )
    _assert_no_father_data(repr(father))
    mother = by_ref[F.MOTHER_REF]
    assert not mother.masked and mother.conflict and mother.requester == "Anna Kowalska"
    assert total == 2


def test_sorting_by_handler_does_not_place_the_masked_row_among_the_handlers(
    walled: Database,
) -> None:
    F.load(walled, F.UNRELATED_CASE)
    user = F.actor(walled, "jdevries")
    with walled.session() as s:
        for descending in (False, True):
            ids = q.page_ids(
                s, user, q.CaseFilter(), sort=q.CaseSort.HANDLER, descending=descending
            )
            rows = q.fetch_rows(s, user, ids)
            assert rows[ids[-1]].ref == F.FATHER_REF


@pytest.mark.parametrize(
    ("typed", "notice"),
    [
        ("Piotr", False),  # a first name alone is no whole name
        ("kowalski", True),
        ("Piotr Kowalski", True),
        ("Kowalska", True),
        ("2024-L2-0003", False),  # a fragment of the reference
        ("2024-L2-00030", True),
        ("ola", False),
        ("Ola Kowalska", True),
    ],
)
def test_search_does_not_return_the_walled_case_and_notices_whole_names_only(
    walled: Database, typed: str, notice: bool
) -> None:
    user = F.actor(walled, "jdevries")
    with walled.session() as s:
        result = q.search(s, user, typed)
        listed = q.page_ids(s, user, q.CaseFilter(text=typed))
    assert F.FATHER_REF not in {r.ref for r in result.rows}
    assert result.behind_wall is notice
    assert F.case_id(walled, F.FATHER_REF) not in listed  # no masked row for a name filter


def test_the_other_handler_is_walled_the_other_way(walled: Database) -> None:
    user = F.actor(walled, "kvisser")
    with walled.session() as s:
        assert cases.get_case_by_ref(s, user, F.FATHER_REF).ref == F.FATHER_REF
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, user, F.MOTHER_REF)
        result = q.search(s, user, "Kowalska")
    assert {r.ref for r in result.rows} == {F.FATHER_REF} and result.behind_wall


def test_detail_view_refuses_with_a_message_without_personal_data(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    father = F.case_id(walled, F.FATHER_REF)
    with walled.session() as s, pytest.raises(CaseWalled) as refused:
        cases.get_case(s, user, father)
    assert "afgeschermd" in refused.value.message
    _assert_no_father_data(refused.value.message)


def test_contacts_children_and_changes_are_walled_too(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    father = F.case_id(walled, F.FATHER_REF)
    attempts = [
        lambda s: cases.add_contact(
            s, user, father, at=datetime(2024, 6, 1, 10), channel=Channel.PHONE, party=Party.PARENT
        ),
        lambda s: cases.close_case(s, user, father, date(2024, 6, 1), CloseReason.INFORMED),
        lambda s: cases.reopen_case(s, user, father),
        lambda s: cases.update_case(s, user, father, parse_case(F.FATHER_CASE)),
        lambda s: cases.get_case(s, user, father).children,
    ]
    for attempt in attempts:
        with pytest.raises(CaseWalled), walled.transaction() as s:
            attempt(s)
    with walled.session() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(Case.closed.is_(None))) == 1


def test_single_case_export_is_refused_whole(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    mother, father = F.case_id(walled, F.MOTHER_REF), F.case_id(walled, F.FATHER_REF)
    with walled.session() as s:
        own = list(exchange.export_records(s, user, case_ids=[mother]))
        assert own[0]["ref"] == F.MOTHER_REF
        for ids in ([father], [mother, father]):
            with pytest.raises(CaseWalled):
                list(exchange.export_records(s, user, case_ids=ids))


def test_single_case_pdf_is_refused(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    mother, father = F.case_id(walled, F.MOTHER_REF), F.case_id(walled, F.FATHER_REF)
    with walled.session() as s:
        assert dossier.dossier_pdf(s, user, mother).startswith(b"%PDF")
        with pytest.raises(CaseWalled):
            dossier.dossier_pdf(s, user, father)


def test_assigning_a_walled_handler_is_refused(walled: Database) -> None:
    mother = F.case_id(walled, F.MOTHER_REF)
    data = parse_case(R.case(handler="kvisser"))
    with pytest.raises(CaseWalled, match="afgeschermd"), walled.transaction() as s:
        cases.update_case(s, F.KH, mother, data)
    # Another jurist, untouched by this family, may take it over.
    with walled.transaction() as s:
        cases.update_case(s, F.KH, mother, parse_case(R.case(handler="sbakker")))
    sbakker = F.actor(walled, "sbakker")
    with walled.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, sbakker, F.FATHER_REF)


def test_a_refused_assignment_is_typed_and_audited_without_dossier_data(
    walled: Database,
) -> None:
    """The client tells a refused handler from a refused reader by the error's type."""
    mother = F.case_id(walled, F.MOTHER_REF)
    jdevries = F.actor(walled, "jdevries")
    with pytest.raises(HandlerWalled), walled.transaction() as s:
        cases.update_case(s, jdevries, mother, parse_case(R.case(handler="kvisser")))
    with walled.session() as s:
        handler = s.scalar(select(Case.handler_id).where(Case.id == mother))
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert handler == jdevries.user_id  # nothing written
    assert last is not None
    assert (last.username, last.action, last.object_ref, last.result) == (
        "jdevries",
        "case.update",
        F.MOTHER_REF,
        "refused",
    )
    assert last.detail == "conflictmuur; behandelaar kvisser afgeschermd"
    # Refusing the reader is not a refused assignment.
    with pytest.raises(CaseWalled) as refused, walled.session() as s:
        cases.get_case_by_ref(s, jdevries, F.FATHER_REF)
    assert not isinstance(refused.value, HandlerWalled)


def test_a_list_search_notices_the_wall_and_is_audited(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    with walled.session() as s:
        fragment = q.count_search(s, user, q.CaseFilter(line=2, text="Kowalsk"))
        whole = q.count_search(s, user, q.CaseFilter(line=2, text="Kowalski"))
        none = q.count_search(s, user, q.CaseFilter(text="Öztürk"))
    assert (fragment.shown, fragment.behind_wall) == (1, False)
    assert (whole.shown, whole.behind_wall) == (1, True)
    assert (none.shown, none.behind_wall) == (0, False)
    with walled.session() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(3)))
    assert [e.detail for e in entries] == [
        "0 getoond",
        "1 getoond; iets achter een conflictmuur",
        "1 getoond",
    ]
    assert all(e.action == "case.search" and e.username == "jdevries" for e in entries)


def test_a_contact_moment_cannot_name_a_walled_handler(walled: Database) -> None:
    mother = F.case_id(walled, F.MOTHER_REF)
    with pytest.raises(CaseWalled), walled.transaction() as s:
        cases.add_contact(
            s,
            F.KH,
            mother,
            at=datetime(2024, 5, 1, 9),
            channel=Channel.EMAIL,
            party=Party.PARENT,
            handler="kvisser",
        )


def test_registering_the_other_side_for_the_same_handler_is_refused(db: Database) -> None:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE)
    jdevries = F.actor(db, "jdevries")
    data = parse_case(F.father_case(handler="jdevries"))
    data.ref = None
    with pytest.raises(CaseWalled, match="afgeschermd"), db.transaction() as s:
        cases.create_case(s, jdevries, data)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
        assert s.scalar(select(func.count()).select_from(ConflictPair)) == 0
    # With another handler the registration goes through, and the wall goes up at once.
    data = parse_case(F.father_case(handler="kvisser"))
    data.ref = None
    with db.transaction() as s:
        new = cases.create_case(s, jdevries, data)
        new_id, new_ref = new.id, new.ref
    with db.session() as s:
        assert conflicts.conflict_case_ids(s, [new_id]) == {new_id}
        # jdevries typed it in, but stays on the side of the case they handle.
        with pytest.raises(CaseWalled):
            cases.get_case(s, jdevries, new_id)
    assert new_ref == "2024-L2-00018"


def test_a_user_who_opened_side_a_earlier_cannot_open_side_b(db: Database) -> None:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE)
    sbakker = F.actor(db, "sbakker")
    with db.session() as s:  # a read-only session: the opening is still remembered
        cases.get_case_by_ref(s, sbakker, F.MOTHER_REF)
    F.load(db, F.FATHER_CASE)  # the father calls weeks later; detected on import
    with db.session() as s:
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, sbakker, F.FATHER_REF)
        claim = s.scalar(select(WallClaim).where(WallClaim.user_id == sbakker.user_id))
        assert claim is not None and claim.basis == "opened" and not claim.both_sides


def test_opening_one_side_after_detection_walls_the_other(walled: Database) -> None:
    mjanssen = F.actor(walled, "mjanssen")
    with walled.session() as s:
        cases.get_case_by_ref(s, mjanssen, F.FATHER_REF)
    with walled.session() as s:
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, mjanssen, F.MOTHER_REF)
        rows = q.fetch_rows(s, mjanssen, q.page_ids(s, mjanssen, q.CaseFilter()))
    assert {r.ref for r in rows.values() if r.masked} == {F.MOTHER_REF}


def test_who_saw_both_sides_before_detection_keeps_the_first(db: Database) -> None:
    # The father's case first registered with no children and another name for the
    # mother: nothing matches yet.
    first = F.father_case(other_parent=..., children=[{"age": 12}])
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, first)
    sbakker, admin = F.actor(db, "sbakker"), F.actor(db, "beheer")
    with db.session() as s:
        cases.get_case_by_ref(s, sbakker, F.MOTHER_REF)
        cases.get_case_by_ref(s, sbakker, F.FATHER_REF)
        assert s.scalar(select(func.count()).select_from(ConflictPair)) == 0
    # The father's handler completes the registration: now it is one family.
    kvisser = F.actor(db, "kvisser")
    father = F.case_id(db, F.FATHER_REF)
    with db.transaction() as s:
        cases.update_case(s, kvisser, father, parse_case(F.FATHER_CASE))
    with db.session() as s:
        cases.get_case_by_ref(s, sbakker, F.MOTHER_REF)
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, sbakker, F.FATHER_REF)
        claim = s.scalar(select(WallClaim).where(WallClaim.user_id == sbakker.user_id))
        assert claim is not None and claim.basis == "first_opened" and claim.both_sides
        info = conflicts.list_conflicts(s, admin)
    assert info[0].both_sides and not info[0].handover


def test_an_edit_never_lifts_a_wall(walled: Database) -> None:
    kvisser = F.actor(walled, "kvisser")
    stripped = F.father_case(other_parent=..., children=[{"age": 12}])
    father = F.case_id(walled, F.FATHER_REF)
    with walled.transaction() as s:
        cases.update_case(s, kvisser, father, parse_case(stripped))
    with walled.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, F.actor(walled, "jdevries"), F.FATHER_REF)


def test_the_key_holder_reads_both_sides(walled: Database) -> None:
    with walled.session() as s:
        for ref in (F.MOTHER_REF, F.FATHER_REF):
            assert cases.get_case_by_ref(s, F.KH, ref).ref == ref
        assert q.fetch_rows(s, F.KH, q.page_ids(s, F.KH, q.CaseFilter())).values()
        assert not any(r.masked for r in q.fetch_rows(s, F.KH, [1, 2]).values())


@pytest.mark.parametrize("username", ["beheer", "directie"])
def test_admins_and_managers_see_references_but_no_dossier(walled: Database, username: str) -> None:
    user = F.actor(walled, username)
    with walled.session() as s:
        assert len(conflicts.list_conflicts(s, user)) == 1
        for ref in (F.MOTHER_REF, F.FATHER_REF):
            with pytest.raises(AccessDenied):
                cases.get_case_by_ref(s, user, ref)
        with pytest.raises(AccessDenied):
            q.search(s, user, "Kowalska")
        with pytest.raises(AccessDenied):
            list(exchange.export_records(s, user, case_ids=[1]))


def test_jurists_and_students_cannot_see_the_conflict_list(walled: Database) -> None:
    for username in ("jdevries", "tmeijer", "mediation"):
        with walled.session() as s, pytest.raises(AccessDenied):
            conflicts.list_conflicts(s, F.actor(walled, username))


def test_mediation_gets_the_basic_facts_of_a_linked_case_only(walled: Database) -> None:
    user = F.actor(walled, "mediation")
    father = F.case_id(walled, F.FATHER_REF)
    with walled.session() as s:
        basics = cases.get_case_basics(s, user, father)
        with pytest.raises(AccessDenied):
            cases.get_case(s, user, father)
    assert basics.ref == F.FATHER_REF and basics.in_conflict
    _assert_no_father_data(repr(basics).replace("'PL'", ""))


def test_figures_count_walled_cases(walled: Database) -> None:
    """Aggregate counts do not pass list filters: walls change nothing in the figures."""
    user = F.actor(walled, "jdevries")
    with walled.session() as s:
        line2 = s.scalar(text("SELECT count(*) FROM cases WHERE line = 2"))
        children = s.scalar(text("SELECT count(*) FROM children"))
        listed = q.count_cases(s, user, q.CaseFilter(line=2))
        rows = q.fetch_rows(s, user, q.page_ids(s, user, q.CaseFilter(line=2)))
    assert line2 == listed == 2
    assert children == 4
    assert sum(1 for r in rows.values() if not r.masked) == 1


WEAK_MOTHER = R.case(
    requester={
        "kind": "parent",
        "relation": "mother",
        "side": "left_behind",
        "first_name": "Anna",
        "last_name": "Kowalska",
    },
    other_parent=...,
    children=[{"first_name": "Ola", "last_name": "Kowalska", "age": 6}],
)
WEAK_FATHER = F.father_case(
    requester={
        "kind": "parent",
        "relation": "father",
        "side": "taking",
        "first_name": "Piotr",
        "last_name": "Kowalski",
    },
    other_parent={"relation": "mother", "first_name": "Anna", "last_name": "Kowalska"},
    children=[{"first_name": "Ola", "last_name": "Kowalska", "age": 6}],
)


def test_a_review_confirmed_by_the_admin_becomes_a_wall(db: Database) -> None:
    # Only names, no birth dates: too weak to mark on its own.
    result = F.load(db, *F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    assert (result.conflicts, result.reviews) == (0, 1)
    admin = F.actor(db, "beheer")
    jdevries = F.actor(db, "jdevries")
    with db.session() as s:
        with pytest.raises(CaseWalled):  # a provisional wall until the admin decides
            cases.get_case_by_ref(s, jdevries, F.FATHER_REF)
        (pending,) = conflicts.review_list(s, admin)
        assert pending.cases == (F.MOTHER_REF, F.FATHER_REF)
        assert pending.reason.startswith("zwakke overeenkomst")
    with pytest.raises(AccessDenied), db.transaction() as s:
        conflicts.confirm(s, jdevries, pending.id)
    with db.transaction() as s:
        conflicts.confirm(s, admin, pending.id)
    with db.session() as s:
        assert conflicts.review_list(s, admin) == []
        assert s.scalar(select(ConflictPair.status)) is ConflictStatus.CONFLICT
        # jdevries handles the mother's case: the father's side is now closed to them.
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, jdevries, F.FATHER_REF)
        cases.get_case_by_ref(s, jdevries, F.MOTHER_REF)


def test_a_dismissed_review_stays_dismissed(db: Database) -> None:
    result = F.load(db, *F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    assert result.reviews == 1
    admin, jdevries = F.actor(db, "beheer"), F.actor(db, "jdevries")
    approver = F.second_admin(db)
    with db.transaction() as s:
        (pending,) = conflicts.review_list(s, admin)
        conflicts.dismiss(s, admin, pending.id, approver)
    father_id = F.case_id(db, F.FATHER_REF)
    with db.transaction() as s:  # an unrelated edit re-runs the matching
        cases.update_case(s, F.KH, father_id, parse_case(WEAK_FATHER))
    with db.session() as s:
        assert conflicts.review_list(s, admin) == []
        assert s.scalar(select(ConflictPair.status)) is ConflictStatus.DISMISSED
        cases.get_case_by_ref(s, jdevries, F.FATHER_REF)


def test_an_import_that_hands_a_case_to_the_other_side_flags_a_handover(
    walled: Database,
) -> None:
    with walled.transaction() as s:
        exchange.import_lines(s, F.KH, R.lines(R.case(handler="kvisser")), update=True)
    kvisser, admin = F.actor(walled, "kvisser"), F.actor(walled, "beheer")
    with walled.session() as s:
        (info,) = conflicts.list_conflicts(s, admin)
        assert info.handover
        # The wall still stands for kvisser, although the import made them the handler.
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, kvisser, F.MOTHER_REF)
