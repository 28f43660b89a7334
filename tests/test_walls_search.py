"""Issue 11 point 2: the wall notice is no oracle, and every search is audited with its terms.

The mother took a new surname; only her own dossier holds it. The father's
jurist searches fragments of it, as the automated attack did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text

from ikodesk.errors import CaseWalled
from ikodesk.models import AuditEntry, SearchTerms
from ikodesk.services import audit, audit_views, cases
from ikodesk.services import case_queries as q
from ikodesk.services.wall_notice import fold
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

NEW_SURNAME = "Wiśniewska"
MOTHER = {
    **R.ABDUCTION_CASE,
    "requester": {**R.ABDUCTION_CASE["requester"], "last_name": NEW_SURNAME},
}
# Every three-letter fragment of the surname, as typed and folded, and fragments of
# the same shape that match nothing.
# (Those that also occur in the father's own dossier, such as "ska" of Kowalska, list
# his own case, whatever the wall: they are left out.)
_OWN = "piotr kowalski anna kowalska ola kowalska"
FRAGMENTS = sorted(
    f
    for f in {w[i : i + 3] for w in (NEW_SURNAME, "wisniewska") for i in range(len(w) - 2)}
    | {"Wiśniewsk", "iewsk"}
    if fold(f) not in _OWN
)
NON_MATCHING = ["xqz", "Qwv", "zzy", "Brzęczyszczykiewicz"]
ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}


@pytest.fixture
def walled(backend: Backend) -> Backend:
    backend.load(*F.STAFF, MOTHER, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    kvisser = backend.as_("kvisser")
    with kvisser.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, kvisser.actor, F.MOTHER_REF)
    return backend


def _service_view(b: Backend, username: str, typed: str) -> tuple[Any, ...]:
    me = b.as_(username)
    user = me.actor
    with me.session() as s:
        result = q.search(s, user, typed)
        counts = q.count_search(s, user, q.CaseFilter(text=typed))
        ids = q.page_ids(s, user, q.CaseFilter(text=typed))
    return ([r.ref for r in result.rows], result.more, result.behind_wall, counts, ids)


def test_fragments_of_the_walled_surname_give_no_signal(walled: Backend) -> None:
    """(a) Matching and non-matching fragments give the same answer, in every respect."""
    baseline = _service_view(walled, "kvisser", NON_MATCHING[0])
    assert baseline == ([], False, False, q.SearchCounts(0, False), [])
    assert len(FRAGMENTS) >= 10
    for typed in FRAGMENTS + NON_MATCHING:
        assert _service_view(walled, "kvisser", typed) == baseline, typed


@pytest.mark.parametrize("typed", [NEW_SURNAME, "WISNIEWSKA", " wiśniewska ", "Anna Wiśniewska"])
def test_the_whole_surname_gives_the_notice_without_a_count(walled: Backend, typed: str) -> None:
    """(b) A whole name of the walled case: that something matched, nothing more."""
    rows, more, behind_wall, counts, ids = _service_view(walled, "kvisser", typed)
    assert (rows, more, behind_wall, ids) == ([], False, True, [])
    assert counts == q.SearchCounts(0, True)


@pytest.mark.parametrize("typed", ["Ola Kowalska", "ola kowalska", F.MOTHER_REF.lower()])
def test_the_whole_child_name_and_reference_give_the_notice(walled: Backend, typed: str) -> None:
    _, _, behind_wall, counts, _ = _service_view(walled, "kvisser", typed)
    assert behind_wall and counts.behind_wall


def test_every_search_is_audited_with_its_terms_beside_the_chain(walled: Backend) -> None:
    """(c) The entry holds a keyed hash; the terms are in the side table, erasable."""
    typed = ["Wiś", NEW_SURNAME, "xqz"]
    kvisser, admin = walled.as_("kvisser"), walled.as_("beheer")
    with walled.inspect() as s:
        before = s.scalar(select(func.max(AuditEntry.id))) or 0
    with kvisser.session() as s:
        for t in typed:
            q.search(s, kvisser.actor, t)
    with walled.inspect() as s:
        entries = list(
            s.scalars(select(AuditEntry).where(AuditEntry.id > before).order_by(AuditEntry.id))
        )
        raw = s.execute(text("SELECT * FROM audit_log WHERE id > :b"), {"b": before}).all()
        stored = {r.ref: r.terms for r in s.scalars(select(SearchTerms))}
    assert [(e.action, e.object_type, e.username) for e in entries] == [
        ("case.search", "search", "kvisser")
    ] * 3
    assert [stored[e.object_ref or ""] for e in entries] == typed
    # The terms are nowhere in the hashed entries, not even folded.
    for t in ("wiś", "wis", "xqz"):
        assert t not in repr(raw).lower()
    with admin.session() as s:
        shown = audit_views.search_terms(
            s, admin.actor, audit_views.for_user(s, admin.actor, "kvisser")
        )
    assert sorted(v.terms for v in shown.values()) == sorted(typed)
    assert all(v.intact for v in shown.values())

    # Retention erases one search's terms: the chain stays intact.
    with walled.inspect() as s:
        s.execute(delete(SearchTerms).where(SearchTerms.ref == entries[1].object_ref))
        s.commit()
    with admin.session() as s:
        check = audit.verify_chain(s)
        shown = audit_views.search_terms(
            s, admin.actor, audit_views.for_user(s, admin.actor, "kvisser")
        )
    assert check.ok, check.problem
    assert sorted(v.terms for v in shown.values()) == ["Wiś", "xqz"]


def test_a_refused_search_is_not_a_search_and_an_edited_row_is_flagged(
    walled: Backend,
) -> None:
    kvisser, admin = walled.as_("kvisser"), walled.as_("beheer")
    with kvisser.session() as s:
        q.search(s, kvisser.actor, "Kowalski")
    with walled.inspect() as s:  # someone behind the scenes edits the stored terms
        s.execute(text("UPDATE audit_search_terms SET terms = 'iets anders'"))
        s.commit()
    with admin.session() as s:
        (shown,) = audit_views.search_terms(
            s, admin.actor, audit_views.recent(s, admin.actor, limit=5)
        ).values()
    assert shown.terms == "iets anders" and not shown.intact


# --- the same attack on the command line -------------------------------------------------
# File only: these run `ikodesk --db FILE` (init, import, the file's passphrase);
# the server's command line is tested in tests/pg.


@pytest.fixture
def dbfile(cli, tmp_path: Path) -> Path:
    from tests.conftest import ADMIN_PASSWORD

    path = tmp_path / "walls.db"
    res = cli(
        ["--db", path, "init", "--admin", "root"], env={**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}
    )
    assert res.code == 0, res.err
    data = tmp_path / "family.jsonl"
    data.write_text(
        "\n".join(R.lines(*F.STAFF, MOTHER, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)),
        encoding="utf-8",
    )
    imported = cli(
        ["--db", path, "--user", "root", "import", data],
        env={**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert imported.code == 0, imported.err
    db = Database.open(path, passphrase=TEST_PASSPHRASE)
    F.with_passwords(db)
    db.close()
    return path


def _as(cli, dbfile: Path, user: str, *args: object):
    return cli(["--db", dbfile, "--user", user, *args], env={**ENV, "IKODESK_PASSWORD": F.PASSWORD})


@pytest.mark.slow
def test_the_command_line_gives_no_signal_on_fragments(cli, dbfile: Path) -> None:
    def both(typed: str) -> tuple[int, str, str, int, str]:
        res = _as(cli, dbfile, "kvisser", "search", typed)
        res_json = _as(cli, dbfile, "kvisser", "search", typed, "--json")
        return res.code, res.out, res.err, res_json.code, res_json.out

    baseline = both(NON_MATCHING[0])
    assert baseline[0] == 0 and "Geen zaken gevonden." in baseline[1]
    for typed in FRAGMENTS[:6] + NON_MATCHING[1:]:
        assert both(typed) == baseline, typed

    res = _as(cli, dbfile, "kvisser", "search", NEW_SURNAME)
    assert "Er is iets gevonden achter een conflictmuur" in res.out
    assert not any(ch.isdigit() for ch in res.out.split("conflictmuur")[0])
    found = json.loads(_as(cli, dbfile, "kvisser", "search", NEW_SURNAME, "--json").out)
    assert found == {"results": [], "more": False, "behind_wall": True}


def test_the_admins_audit_listing_shows_the_terms_while_kept(cli, dbfile: Path) -> None:
    _as(cli, dbfile, "kvisser", "search", "Wiś")
    res = _as(cli, dbfile, "beheer", "audit", "--of-user", "kvisser")
    assert res.code == 0, res.err
    assert 'zoektermen: "Wiś"' in res.out
    entries = json.loads(_as(cli, dbfile, "beheer", "audit", "--of-user", "kvisser", "--json").out)
    (search,) = [e for e in entries if e["action"] == "case.search"]
    assert search["search_terms"] == {"terms": "Wiś", "intact": True}
    db = Database.open(dbfile, passphrase=TEST_PASSPHRASE)
    with db.transaction() as s:
        s.execute(delete(SearchTerms))
    db.close()
    res = _as(cli, dbfile, "beheer", "audit", "--of-user", "kvisser")
    assert "zoektermen gewist" in res.out and "Wiś" not in res.out
    res = cli(["--db", dbfile, "audit", "verify"], env=ENV)
    assert res.code == 0 and "intact" in res.out
