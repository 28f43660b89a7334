"""Conflict walls attacked from every path a dossier can be reached by.

Every test runs on both backends (`backend`: an encrypted file, the office server),
each user as their own login; only the key holder's test is about the file alone.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ikodesk.errors import AccessDenied, CaseWalled, HandlerWalled, ValidationError
from ikodesk.models import (
    AuditEntry,
    Case,
    Child,
    ConflictPair,
    ConflictStatus,
    Contact,
    WallClaim,
)
from ikodesk.models.enums import Channel, CloseReason, Party
from ikodesk.reports import dossier
from ikodesk.services import case_queries as q
from ikodesk.services import cases, conflicts, exchange
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend


@pytest.fixture
def walled(backend: Backend) -> Backend:
    """The mother's case (jdevries) and the father's case (kvisser): a conflict pair."""
    backend.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    return backend


def _assert_no_father_data(text_: str) -> None:
    for secret in (*F.FATHER_SECRETS, "Piotr", "Kowalsk", "Polen", "Ola", "1985-07-30"):
        assert secret.lower() not in text_.lower(), secret


def _claim(b: Backend, username: str) -> WallClaim | None:
    with b.inspect() as s:
        return s.scalar(select(WallClaim).where(WallClaim.user_id == b.as_(username).actor.user_id))


def test_the_import_marks_the_pair_automatically(walled: Backend) -> None:
    admin = walled.as_("beheer")
    with admin.session() as s:
        found = conflicts.list_conflicts(s, admin.actor)
    assert [i.cases for i in found] == [(F.MOTHER_REF, F.FATHER_REF)]
    reason = found[0].reason
    assert "zelfde kinderen (1 van 2, geboortedatum en voornaam)" in reason
    assert "tegengestelde kanten" in reason
    _assert_no_father_data(reason)
    assert "Anna" not in reason


def test_list_shows_the_other_side_as_a_masked_row(walled: Backend) -> None:
    mother_handler = walled.as_("jdevries")
    user = mother_handler.actor
    with mother_handler.session() as s:
        ids = q.page_ids(s, user, q.CaseFilter())
        rows = q.fetch_rows(s, user, ids)
        total = q.count_cases(s, user, q.CaseFilter())
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
    walled: Backend,
) -> None:
    walled.load(F.UNRELATED_CASE)
    me = walled.as_("jdevries")
    with me.session() as s:
        for descending in (False, True):
            ids = q.page_ids(
                s, me.actor, q.CaseFilter(), sort=q.CaseSort.HANDLER, descending=descending
            )
            rows = q.fetch_rows(s, me.actor, ids)
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
    walled: Backend, typed: str, notice: bool
) -> None:
    me = walled.as_("jdevries")
    with me.session() as s:
        result = q.search(s, me.actor, typed)
        listed = q.page_ids(s, me.actor, q.CaseFilter(text=typed))
    assert F.FATHER_REF not in {r.ref for r in result.rows}
    assert result.behind_wall is notice
    assert walled.case_id(F.FATHER_REF) not in listed  # no masked row for a name filter


def test_the_other_handler_is_walled_the_other_way(walled: Backend) -> None:
    me = walled.as_("kvisser")
    with me.session() as s:
        assert cases.get_case_by_ref(s, me.actor, F.FATHER_REF).ref == F.FATHER_REF
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, me.actor, F.MOTHER_REF)
        result = q.search(s, me.actor, "Kowalska")
    assert {r.ref for r in result.rows} == {F.FATHER_REF} and result.behind_wall


def test_detail_view_refuses_with_a_message_without_personal_data(walled: Backend) -> None:
    me = walled.as_("jdevries")
    father = walled.case_id(F.FATHER_REF)
    with me.session() as s, pytest.raises(CaseWalled) as refused:
        cases.get_case(s, me.actor, father)
    assert "afgeschermd" in refused.value.message
    _assert_no_father_data(refused.value.message)


def test_contacts_children_and_changes_are_walled_too(walled: Backend) -> None:
    me = walled.as_("jdevries")
    user = me.actor
    father = walled.case_id(F.FATHER_REF)
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
        with pytest.raises(CaseWalled), me.transaction() as s:
            attempt(s)
    with walled.inspect() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(Case.closed.is_(None))) == 1


def test_single_case_export_is_refused_whole(walled: Backend) -> None:
    me = walled.as_("jdevries")
    mother, father = walled.case_id(F.MOTHER_REF), walled.case_id(F.FATHER_REF)
    with me.session() as s:
        own = list(exchange.export_records(s, me.actor, case_ids=[mother]))
        assert own[0]["ref"] == F.MOTHER_REF
        for ids in ([father], [mother, father]):
            with pytest.raises(CaseWalled):
                list(exchange.export_records(s, me.actor, case_ids=ids))


def test_single_case_pdf_is_refused(walled: Backend) -> None:
    me = walled.as_("jdevries")
    mother, father = walled.case_id(F.MOTHER_REF), walled.case_id(F.FATHER_REF)
    with me.session() as s:
        assert dossier.dossier_pdf(s, me.actor, mother).startswith(b"%PDF")
        with pytest.raises(CaseWalled):
            dossier.dossier_pdf(s, me.actor, father)


def test_assigning_a_walled_handler_is_refused(walled: Backend) -> None:
    # A jurist with no side in this family hands the mother's case on: not to kvisser.
    editor = walled.as_("mjanssen")
    mother = walled.case_id(F.MOTHER_REF)
    data = parse_case(R.case(handler="kvisser"))
    with pytest.raises(CaseWalled, match="afgeschermd"), editor.transaction() as s:
        cases.update_case(s, editor.actor, mother, data)
    # Another jurist, untouched by this family, may take it over.
    with editor.transaction() as s:
        cases.update_case(s, editor.actor, mother, parse_case(R.case(handler="sbakker")))
    sbakker = walled.as_("sbakker")
    with sbakker.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, sbakker.actor, F.FATHER_REF)


def test_a_refused_assignment_is_typed_and_audited_without_dossier_data(
    walled: Backend,
) -> None:
    """The client tells a refused handler from a refused reader by the error's type."""
    mother = walled.case_id(F.MOTHER_REF)
    jdevries = walled.as_("jdevries")
    with pytest.raises(HandlerWalled), jdevries.transaction() as s:
        cases.update_case(s, jdevries.actor, mother, parse_case(R.case(handler="kvisser")))
    with walled.inspect() as s:
        handler = s.scalar(select(Case.handler_id).where(Case.id == mother))
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert handler == jdevries.actor.user_id  # nothing written
    assert last is not None
    assert (last.username, last.action, last.object_ref, last.result) == (
        "jdevries",
        "case.update",
        F.MOTHER_REF,
        "refused",
    )
    assert last.detail == "conflictmuur; behandelaar kvisser afgeschermd"
    # Refusing the reader is not a refused assignment.
    with pytest.raises(CaseWalled) as refused, jdevries.session() as s:
        cases.get_case_by_ref(s, jdevries.actor, F.FATHER_REF)
    assert not isinstance(refused.value, HandlerWalled)


def test_a_list_search_notices_the_wall_and_is_audited(walled: Backend) -> None:
    me = walled.as_("jdevries")
    with me.session() as s:
        fragment = q.count_search(s, me.actor, q.CaseFilter(line=2, text="Kowalsk"))
        whole = q.count_search(s, me.actor, q.CaseFilter(line=2, text="Kowalski"))
        none = q.count_search(s, me.actor, q.CaseFilter(text="Öztürk"))
    assert (fragment.shown, fragment.behind_wall) == (1, False)
    assert (whole.shown, whole.behind_wall) == (1, True)
    assert (none.shown, none.behind_wall) == (0, False)
    with walled.inspect() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(3)))
    assert [e.detail for e in entries] == [
        "0 getoond",
        "1 getoond; iets achter een conflictmuur",
        "1 getoond",
    ]
    assert all(e.action == "case.search" and e.username == "jdevries" for e in entries)


def test_a_contact_moment_cannot_name_a_walled_handler(walled: Backend) -> None:
    me = walled.as_("jdevries")
    mother = walled.case_id(F.MOTHER_REF)
    with pytest.raises(CaseWalled), me.transaction() as s:
        cases.add_contact(
            s,
            me.actor,
            mother,
            at=datetime(2024, 5, 1, 9),
            channel=Channel.EMAIL,
            party=Party.PARENT,
            handler="kvisser",
        )
    with walled.inspect() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 2  # as imported


def test_registering_the_other_side_for_the_same_handler_is_refused(backend: Backend) -> None:
    backend.load(*F.STAFF, R.ABDUCTION_CASE)
    jdevries = backend.as_("jdevries")
    data = parse_case(F.father_case(handler="jdevries"))
    data.ref = None
    with pytest.raises(CaseWalled, match="afgeschermd"), jdevries.transaction() as s:
        cases.create_case(s, jdevries.actor, data)
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
        assert s.scalar(select(func.count()).select_from(ConflictPair)) == 0
    # With another handler the registration goes through, and the wall goes up at once.
    data = parse_case(F.father_case(handler="kvisser"))
    data.ref = None
    with jdevries.transaction() as s:
        new = cases.create_case(s, jdevries.actor, data)
        new_id, new_ref = new.id, new.ref
    with jdevries.session() as s:
        assert conflicts.conflict_case_ids(s, [new_id]) == {new_id}
        # jdevries typed it in, but stays on the side of the case they handle.
        with pytest.raises(CaseWalled):
            cases.get_case(s, jdevries.actor, new_id)
    assert new_ref == "2024-L2-00018"


def test_a_user_who_opened_side_a_earlier_cannot_open_side_b(backend: Backend) -> None:
    backend.load(*F.STAFF, R.ABDUCTION_CASE)
    sbakker = backend.as_("sbakker")
    with sbakker.session() as s:  # a read-only session: the opening is still remembered
        cases.get_case_by_ref(s, sbakker.actor, F.MOTHER_REF)
    backend.load(F.FATHER_CASE)  # the father calls weeks later; detected on import
    with sbakker.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, sbakker.actor, F.FATHER_REF)
    claim = _claim(backend, "sbakker")
    assert claim is not None and claim.basis == "opened" and not claim.both_sides


def test_opening_one_side_after_detection_walls_the_other(walled: Backend) -> None:
    mjanssen = walled.as_("mjanssen")
    with mjanssen.session() as s:
        cases.get_case_by_ref(s, mjanssen.actor, F.FATHER_REF)
    with mjanssen.session() as s:
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, mjanssen.actor, F.MOTHER_REF)
        rows = q.fetch_rows(s, mjanssen.actor, q.page_ids(s, mjanssen.actor, q.CaseFilter()))
    assert {r.ref for r in rows.values() if r.masked} == {F.MOTHER_REF}


def test_who_saw_both_sides_before_detection_keeps_the_first(backend: Backend) -> None:
    # The father's case first registered with no children and another name for the
    # mother: nothing matches yet.
    first = F.father_case(other_parent=..., children=[{"age": 12}])
    backend.load(*F.STAFF, R.ABDUCTION_CASE, first)
    sbakker, admin = backend.as_("sbakker"), backend.as_("beheer")
    with sbakker.session() as s:
        cases.get_case_by_ref(s, sbakker.actor, F.MOTHER_REF)
        cases.get_case_by_ref(s, sbakker.actor, F.FATHER_REF)
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(ConflictPair)) == 0
    # The father's handler completes the registration: now it is one family.
    kvisser = backend.as_("kvisser")
    father = backend.case_id(F.FATHER_REF)
    with kvisser.transaction() as s:
        cases.update_case(s, kvisser.actor, father, parse_case(F.FATHER_CASE))
    with sbakker.session() as s:
        cases.get_case_by_ref(s, sbakker.actor, F.MOTHER_REF)
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, sbakker.actor, F.FATHER_REF)
    claim = _claim(backend, "sbakker")
    assert claim is not None and claim.basis == "first_opened" and claim.both_sides
    with admin.session() as s:
        info = conflicts.list_conflicts(s, admin.actor)
    assert info[0].both_sides and not info[0].handover


def test_an_edit_never_lifts_a_wall(walled: Backend) -> None:
    kvisser, jdevries = walled.as_("kvisser"), walled.as_("jdevries")
    stripped = F.father_case(other_parent=..., children=[{"age": 12}])
    father = walled.case_id(F.FATHER_REF)
    with kvisser.transaction() as s:
        cases.update_case(s, kvisser.actor, father, parse_case(stripped))
    with jdevries.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, jdevries.actor, F.FATHER_REF)


def test_the_key_holder_reads_both_sides(db: Database) -> None:
    """File only: the key holder (whoever holds the file's key) has no server counterpart;
    on the server no login reads both sides (tests/pg/test_server_walls.py)."""
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    with db.session() as s:
        for ref in (F.MOTHER_REF, F.FATHER_REF):
            assert cases.get_case_by_ref(s, F.KH, ref).ref == ref
        assert q.fetch_rows(s, F.KH, q.page_ids(s, F.KH, q.CaseFilter())).values()
        assert not any(r.masked for r in q.fetch_rows(s, F.KH, [1, 2]).values())
    # Even the key holder cannot give the mother's case to the father's handler.
    mother = F.case_id(db, F.MOTHER_REF)
    with pytest.raises(CaseWalled, match="afgeschermd"), db.transaction() as s:
        cases.update_case(s, F.KH, mother, parse_case(R.case(handler="kvisser")))


@pytest.mark.parametrize("username", ["beheer", "directie"])
def test_admins_and_managers_see_references_but_no_dossier(walled: Backend, username: str) -> None:
    me = walled.as_(username)
    mother = walled.case_id(F.MOTHER_REF)
    with me.session() as s:
        assert len(conflicts.list_conflicts(s, me.actor)) == 1
        for ref in (F.MOTHER_REF, F.FATHER_REF):
            with pytest.raises(AccessDenied):
                cases.get_case_by_ref(s, me.actor, ref)
        with pytest.raises(AccessDenied):
            q.search(s, me.actor, "Kowalska")
        with pytest.raises(AccessDenied):
            list(exchange.export_records(s, me.actor, case_ids=[mother]))


def test_jurists_and_students_cannot_see_the_conflict_list(walled: Backend) -> None:
    for username in ("jdevries", "tmeijer", "mediation"):
        me = walled.as_(username)
        with me.session() as s, pytest.raises(AccessDenied):
            conflicts.list_conflicts(s, me.actor)


def test_mediation_gets_the_basic_facts_of_a_linked_case_only(walled: Backend) -> None:
    me = walled.as_("mediation")
    father = walled.case_id(F.FATHER_REF)
    with me.session() as s:
        basics = cases.get_case_basics(s, me.actor, father)
        with pytest.raises(AccessDenied):
            cases.get_case(s, me.actor, father)
    assert basics.ref == F.FATHER_REF and basics.in_conflict
    _assert_no_father_data(repr(basics).replace("'PL'", ""))


def test_figures_count_walled_cases(walled: Backend) -> None:
    """Aggregate counts do not pass list filters: walls change nothing in the figures."""
    me = walled.as_("jdevries")
    with walled.inspect() as s:
        line2 = s.scalar(select(func.count()).select_from(Case).where(Case.line == 2))
        children = s.scalar(select(func.count()).select_from(Child))
    with me.session() as s:
        listed = q.count_cases(s, me.actor, q.CaseFilter(line=2))
        rows = q.fetch_rows(s, me.actor, q.page_ids(s, me.actor, q.CaseFilter(line=2)))
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


def _pair_status(b: Backend) -> ConflictStatus | None:
    with b.inspect() as s:
        return s.scalar(select(ConflictPair.status))


def test_a_review_confirmed_by_the_admin_becomes_a_wall(backend: Backend) -> None:
    # Only names, no birth dates: too weak to mark on its own.
    result = backend.load(*F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    assert (result.conflicts, result.reviews) == (0, 1)
    admin, jdevries = backend.as_("beheer"), backend.as_("jdevries")
    with jdevries.session() as s, pytest.raises(CaseWalled):
        # a provisional wall until the admin decides
        cases.get_case_by_ref(s, jdevries.actor, F.FATHER_REF)
    with admin.session() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
    assert pending.cases == (F.MOTHER_REF, F.FATHER_REF)
    assert pending.reason.startswith("zwakke overeenkomst")
    with pytest.raises(AccessDenied), jdevries.transaction() as s:
        conflicts.confirm(s, jdevries.actor, pending.id)
    with admin.transaction() as s:
        conflicts.confirm(s, admin.actor, pending.id)
    with admin.session() as s:
        assert conflicts.review_list(s, admin.actor) == []
    assert _pair_status(backend) is ConflictStatus.CONFLICT
    # jdevries handles the mother's case: the father's side is now closed to them.
    with jdevries.session() as s:
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, jdevries.actor, F.FATHER_REF)
        cases.get_case_by_ref(s, jdevries.actor, F.MOTHER_REF)


def test_a_dismissed_review_stays_dismissed(backend: Backend) -> None:
    result = backend.load(*F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    assert result.reviews == 1
    admin, jdevries, kvisser = (backend.as_(n) for n in ("beheer", "jdevries", "kvisser"))
    approver = backend.second_admin()
    with admin.transaction() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
        conflicts.dismiss(s, admin.actor, pending.id, approver)
    father_id = backend.case_id(F.FATHER_REF)
    with kvisser.transaction() as s:  # an unrelated edit re-runs the matching
        cases.update_case(s, kvisser.actor, father_id, parse_case(WEAK_FATHER))
    with admin.session() as s:
        assert conflicts.review_list(s, admin.actor) == []
    assert _pair_status(backend) is ConflictStatus.DISMISSED
    with jdevries.session() as s:
        cases.get_case_by_ref(s, jdevries.actor, F.FATHER_REF)


def test_an_import_that_hands_a_case_to_the_other_side_flags_a_handover(
    walled: Backend,
) -> None:
    handed_over = R.case(handler="kvisser")
    if walled.is_server:
        # By design (#13.4) the server's import only adds new cases: comparing a file
        # with a case means reading it, and an administrator reads no dossier. The
        # import is refused whole, with that reason, and the handler stays.
        with pytest.raises(ValidationError, match="alleen nieuwe zaken"):
            walled.load(handed_over, update=True)
        with walled.inspect() as s:
            handler = s.scalar(select(Case.handler_id).where(Case.ref == F.MOTHER_REF))
        assert handler == walled.as_("jdevries").actor.user_id
        return
    walled.load(handed_over, update=True)
    kvisser, admin = walled.as_("kvisser"), walled.as_("beheer")
    with admin.session() as s:
        (info,) = conflicts.list_conflicts(s, admin.actor)
    assert info.handover
    # The wall still stands for kvisser, although the import made them the handler.
    with kvisser.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, kvisser.actor, F.MOTHER_REF)
