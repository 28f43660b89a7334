"""Walls the server itself enforces: whatever a login asks, with ikodesk or with psql."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from ikodesk.errors import WALL_MESSAGE, CaseWalled
from ikodesk.models.enums import Channel, Party, Role
from ikodesk.services import audit, case_contacts, case_queries, cases, exchange
from ikodesk.services.application import Application
from ikodesk.services.validation.parsing import parse_case
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office

MOTHER_SECRETS = ("Anna", "Kowalska")  # names in the mother's case (R.ABDUCTION_CASE)
FATHER_ONLY = F.FATHER_SECRETS  # the mother's own case names the father too


def _staff(office: Office) -> None:
    for name, role in (
        ("jdevries", Role.JURIST),
        ("kvisser", Role.JURIST),
        ("tmeijer", Role.STUDENT),
        ("directie", Role.MANAGER),
        ("mediation", Role.MEDIATION),
    ):
        office.add_user(name, role)


def _create(app: Application, office: Office, record: dict[str, Any]) -> str:
    with app.db.transaction() as s:
        return cases.create_case(s, office.actor(app), parse_case(record)).ref


@pytest.fixture
def family(office: Office) -> Office:
    """The mother's case (jdevries) and the father's case (kvisser): one conflict."""
    _staff(office)
    _create(office.app("jdevries"), office, R.ABDUCTION_CASE)
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
    return office


def _everything_visible(conn: psycopg.Connection[Any]) -> str:
    """Every row of every table and view this login may select, as one text."""
    names = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    ).fetchall()
    seen: list[str] = []
    for (name,) in names:
        try:
            rows = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(name)))
            seen.extend(repr(r) for r in rows.fetchall())
        except psycopg.errors.InsufficientPrivilege:
            continue
    # Columns the login may read where it may not read whole rows.
    cols = conn.execute(
        "SELECT table_name, column_name FROM information_schema.column_privileges "
        "WHERE table_schema = 'public' AND privilege_type = 'SELECT' AND grantee IN "
        "(SELECT b.rolname FROM pg_roles b WHERE pg_has_role(current_user, b.oid, 'MEMBER'))"
    ).fetchall()
    for table, column in cols:
        query = sql.SQL("SELECT {} FROM {}").format(sql.Identifier(column), sql.Identifier(table))
        seen.extend(repr(r) for r in conn.execute(query).fetchall())
    return "\n".join(seen)


def test_the_conflict_is_found_on_the_server(family: Office) -> None:
    with psycopg.connect(family.superuser_url) as conn:
        pairs = conn.execute("SELECT status FROM conflict_pairs").fetchall()
        claims = conn.execute(
            "SELECT u.username, c.ref FROM wall_claims w JOIN users u ON u.id = w.user_id "
            "JOIN cases c ON c.id = w.case_id ORDER BY 1"
        ).fetchall()
    assert pairs == [("conflict",)]
    with psycopg.connect(family.superuser_url) as conn:
        scans = conn.execute(
            "SELECT username, object_ref FROM audit_log WHERE action = 'conflicts.scan' "
            "AND workstation = 'server'"
        ).fetchall()
    assert scans == [("kvisser", F.FATHER_REF)]  # recorded by the server, not the client
    assert claims == [("jdevries", F.MOTHER_REF), ("kvisser", F.FATHER_REF)]


def test_walled_jurist_reads_nothing_of_the_other_side_with_psql(family: Office) -> None:
    with family.psql("jdevries") as conn:
        everything = _everything_visible(conn)
        assert "Anna" in everything  # their own case is readable
        for secret in FATHER_ONLY:
            assert secret not in everything
        father_id = conn.execute("SELECT id FROM cases WHERE ref = %s", (F.FATHER_REF,)).fetchone()
        assert father_id is not None
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT ikodesk_claim(%s)", (father_id[0],))
        assert refused.value.sqlstate == "IK001"
        # Writing itself into the dossier's readers is not possible either.
        for statement in (
            "INSERT INTO case_openings (user_id, case_id, first_at) "
            "SELECT id, %s, now() FROM users WHERE username = 'jdevries'",
            "DELETE FROM wall_claims",
            "UPDATE cases SET handler_id = (SELECT id FROM users WHERE username = 'jdevries') "
            "WHERE id = %s",
        ):
            params = (father_id[0],) if "%s" in statement else ()
            try:
                result = conn.execute(statement, params)
                assert result.rowcount == 0
            except psycopg.errors.InsufficientPrivilege:
                pass
        assert F.FATHER_SECRETS[0] not in _everything_visible(conn)


def test_walled_case_refused_with_the_standalone_message(family: Office) -> None:
    app = family.app("jdevries")
    with app.db.session() as s, pytest.raises(CaseWalled) as refused:
        cases.get_case_by_ref(s, family.actor(app), F.FATHER_REF)
    assert refused.value.message == WALL_MESSAGE
    # The search leaves the walled case out, and says yes on a whole name only.
    with app.db.session() as s:
        # (the mother's own case names the father: that one it finds)
        found = case_queries.search(s, family.actor(app), "Piotr Kowalski")
        assert [r.ref for r in found.rows] == [F.MOTHER_REF]
        assert found.behind_wall
        quiet = case_queries.search(s, family.actor(app), "Mehmet")
        assert not quiet.rows and not quiet.behind_wall
        partial = case_queries.search(s, family.actor(app), "Kowal")
        assert F.FATHER_REF not in [r.ref for r in partial.rows]
        assert not partial.behind_wall


def test_manager_and_admin_count_without_reading_names(family: Office) -> None:
    for login, password in (("directie", F.PASSWORD), ("beheer", None)):
        with family.psql(login, *(() if password else ("Paarse-Olifant-Danst-1987",))) as conn:
            everything = _everything_visible(conn)
            for secret in (*FATHER_ONLY, *MOTHER_SECRETS):
                assert secret not in everything, (login, secret)
            assert conn.execute("SELECT count(*) FROM persons").fetchone() == (4,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT count(*) FROM persons WHERE first_name = 'Piotr'")


def test_a_managers_login_gets_no_sixteenth_birthday_from_psql(office: Office) -> None:
    """The Art. 4 clock's due date is a 16th birthday, so a birth date: management, which
    only counts, gets a stand-in for the count the clock falls in, never the day, and
    only on the server's day: on days of its own choosing (round two of the red team)
    fifteen calls bisected a child's birth date."""
    from tests.test_deadlines import AS_OF, BIRTHDAYS, four_children_as_of

    today = date.today()
    shift = today - AS_OF
    office.add_user("directie", Role.MANAGER)
    admin = office.admin()
    with admin.db.transaction() as s:
        exchange.import_lines(s, office.actor(admin), R.lines(*R.USERS, four_children_as_of(today)))
    office.add_password("jdevries")
    call = (
        "SELECT birthday FROM ikodesk_sixteenth_birthdays("
        "(SELECT array_agg(id) FROM cases), %s) ORDER BY child_position"
    )
    real = [
        date.fromisoformat(b).replace(year=date.fromisoformat(b).year + 16) + shift
        for b in BIRTHDAYS
    ]
    with office.psql("directie") as conn:
        stand_ins = [d for (d,) in conn.execute(call, (today,)).fetchall()]
        for other_day in (AS_OF, today + timedelta(days=2), today - timedelta(days=30)):
            with pytest.raises(psycopg.Error) as refused:
                conn.execute(call, (other_day,))
            assert refused.value.sqlstate == "IK003"
    assert stand_ins == [
        day + shift
        for day in (date(2024, 4, 9), date(2024, 4, 17), date(2024, 5, 10), date(2024, 5, 11))
    ]
    assert not set(stand_ins) & set(real)
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        assert [d for (d,) in conn.execute(call, (AS_OF,)).fetchall()] == real
    with office.psql("jdevries") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(call, (today,))


def test_student_and_mediation_see_no_dossier_of_line_2(family: Office) -> None:
    for login in ("tmeijer", "mediation"):
        with family.psql(login) as conn:
            everything = _everything_visible(conn)
            for secret in (*FATHER_ONLY, *MOTHER_SECRETS):
                assert secret not in everything, (login, secret)


def test_audit_chain_written_by_the_server_and_append_only(family: Office) -> None:
    with family.psql("jdevries") as conn:
        conn.execute(
            "INSERT INTO audit_log (workstation, action, object_type, object_ref, result) "
            "VALUES ('x', 'case.read', 'case', 'forged', 'allowed')"
        )
        for statement in ("UPDATE audit_log SET result = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO audit_log (id, workstation, action, object_type, result, hash, "
                "username) VALUES (999, 'x', 'case.read', 'case', 'allowed', 'x', 'beheer')"
            )
    admin = family.admin()
    with admin.db.session() as s:
        check = audit.verify_chain(s)
        assert check.ok, check.problem
        forged = [e for e in audit.entries(s, object_ref="forged")]
        assert [e.username for e in forged] == ["jdevries"]  # who, from the server


def test_the_typing_check_answers_no_fragment_and_no_other_role_from_psql(
    family: Office,
) -> None:
    """#15.5 on the server: the function the form calls cannot spell out a family."""
    import json as json_

    from ikodesk.services.conflicts.profiles import profile_from_data
    from ikodesk.services.family_match import match_keys
    from ikodesk.services.family_match.profile_json import profile_to_json

    def _call(conn: psycopg.Connection[Any], record: dict[str, Any]) -> Any:
        data = parse_case({**record, "ref": "2024-L2-09999"})
        profile = profile_from_data(0, data)
        assert profile is not None
        row = conn.execute(
            "SELECT ikodesk_family_check(%s::jsonb, %s::jsonb, NULL, '')",
            (json_.dumps(profile_to_json(profile)), json_.dumps(sorted(match_keys(profile)))),
        ).fetchone()
        assert row is not None
        return row[0]

    fragment = F.father_case(
        requester={
            "kind": "parent",
            "relation": "father",
            "side": "taking",
            "last_name": "Kowalski",
        },
        children=[{"first_name": "Ola", "age": 6}],
    )
    with family.psql("tmeijer") as conn:
        assert _call(conn, fragment) == {"match": "none"}
        whole = _call(conn, F.FATHER_CASE)  # the father's own case is in the database
    # A whole family: that a match exists and with whom, nothing of the dossier.
    assert set(whole) <= {"match", "excluded", "typist_excluded"}
    for login in ("directie", "mediation"):
        with family.psql(login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            _call(conn, F.FATHER_CASE)


def test_the_bureau_learns_only_whether_one_case_is_in_a_conflict(family: Office) -> None:
    """No pair ids: two case references side by side would say which cases are one family."""
    with family.psql("mediation") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT case_a_id, case_b_id FROM conflict_pairs")
        ids = dict(conn.execute("SELECT ref, id FROM cases").fetchall())
        ask = "SELECT ikodesk_case_in_conflict(%s)"
        assert conn.execute(ask, (ids[F.MOTHER_REF],)).fetchone() == (True,)
        assert conn.execute(ask, (ids[F.FATHER_REF],)).fetchone() == (True,)
    with family.psql("directie") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT ikodesk_case_in_conflict(1)")


FOLDED_ALIKE = [
    "Strauß",
    "Łukasz Wałęsa",
    "Øyvind Ødegård",
    "Đorđe Ðoković",
    "ÆSIR Œuvre",
    "Işık İnönü",
    "Þór",
    "  Ánna   María  ",
    "Öztürk",
]


def test_the_server_folds_names_as_the_file_does(office: Office) -> None:
    """The wall notice and the mediation family check compare names folded; the server's
    ikodesk_fold must fold them as the application does on a file (else "Lukasz" finds
    a wall on one backend and not on the other)."""
    from ikodesk.services.family_match.names import fold as match_fold
    from ikodesk.services.mediation_family import normalise_name
    from ikodesk.services.wall_notice import fold

    with psycopg.connect(office.superuser_url) as conn:
        for name in FOLDED_ALIKE:
            server = conn.execute("SELECT ikodesk_fold(%s)", (name,)).fetchone()
            assert server == (fold(name),), name
            assert normalise_name(name) == fold(name)
            # The access request's name matching (ikodesk_sa_fold) folds as family matching.
            matching = conn.execute("SELECT ikodesk_sa_fold(%s)", (name,)).fetchone()
            assert matching == (match_fold(name),), name


# A value only hidden rows hold, and one no row holds, for each probe: the login reads
# neither (tmeijer, a student, reads no Line 2 dossier; only the father's case spells
# the mother "KOWALSKA").
_INDEX_PROBES = (
    ("jdevries", "SELECT 1 FROM persons WHERE last_name = %s", "KOWALSKA", "NIEMAND"),
    ("tmeijer", "SELECT 1 FROM persons WHERE last_name = %s", "Kowalski", "Niemand"),
    ("tmeijer", "SELECT 1 FROM persons WHERE birth_date = %s", date(1985, 7, 30), date(1900, 1, 1)),
    ("tmeijer", "SELECT 1 FROM children WHERE birth_date = %s", date(2017, 9, 1), date(1900, 1, 1)),
)


def test_explain_analyze_counts_no_hidden_name_or_birth_date(family: Office) -> None:
    """The red team's first find: with an index on surnames or birth dates, PostgreSQL
    compared the value inside the index scan, before the row policy, and EXPLAIN
    ANALYZE counted the hidden rows that matched ("Rows Removed by Filter: 1"); a
    walled jurist or a student could spell out the other side's names and birth dates.
    Now a hidden match and no match at all give the same plan and the same counts."""

    def plan(conn: psycopg.Connection[Any], query: str, value: object) -> list[str]:
        rows = conn.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + query, (value,)
        ).fetchall()
        return [str(r[0]).replace(str(value), "?") for r in rows]

    for login, query, hidden, absent in _INDEX_PROBES:
        with psycopg.connect(family.superuser_url) as su:
            assert su.execute(query, (hidden,)).fetchall()  # the value is there, hidden
        with family.psql(login) as conn:
            assert conn.execute(query, (hidden,)).fetchall() == []
            # Every index the planner could use, taken wherever it can be.
            conn.execute("SET enable_seqscan = off")
            assert plan(conn, query, hidden) == plan(conn, query, absent), (login, query)


_SAVED = "UPDATE cases SET version = version + 1 WHERE id = %s"


def test_a_profile_of_guessed_phone_numbers_is_refused_and_every_check_is_logged(
    family: Office,
) -> None:
    """The red team's second find: the profile a login hands the detection or the typing
    check is its own word, and a person carrying thousands of guessed phone numbers found
    the father's number in a dozen calls, each rolled back (no audit entry left). A
    person now carries one phone number and one e-mail address at most, as a case holds
    them, and every answer goes to the server's log too, which no rollback undoes."""
    import json as json_

    from ikodesk.services.conflicts.profiles import profile_from_data
    from ikodesk.services.family_match import match_keys
    from ikodesk.services.family_match.profile_json import profile_to_json

    # The mother's jurist knows the father's name, not his number.
    probe = R.case(
        ref="2024-L2-09999",
        other_parent={"relation": "father", "first_name": "Piotr", "last_name": "Kowalski"},
        children=[{"first_name": "Zz", "last_name": "Qq", "birth_date": "2000-01-01"}],
    )
    profile = profile_from_data(0, parse_case(probe))
    assert profile is not None
    keys = json_.dumps(sorted(match_keys(profile)))
    guesses = [f"t:06555{n:05d}" for n in range(1000, 1300)]  # the father's among them
    assert "t:0655501234" in guesses

    def with_contact(contact: list[str]) -> str:
        data = profile_to_json(profile)
        data["other_parent"]["contact"] = contact
        return json_.dumps(data)

    logged: list[str] = []
    with family.psql("jdevries") as conn:
        conn.add_notice_handler(lambda d: logged.append(str(d.message_primary)))
        conn.execute("SET client_min_messages = log")
        mother = conn.execute("SELECT id FROM cases WHERE ref = %s", (F.MOTHER_REF,)).fetchone()
        assert mother is not None
        for call, args in (
            ("SELECT ikodesk_family_check(%s::jsonb, %s::jsonb, NULL, '')", ()),
            ("SELECT ikodesk_detect(%s, %s::jsonb, %s::jsonb)", (mother[0],)),
        ):
            for contact in (guesses, ["t:0611111111", "t:0622222222"], ["x:0655501234"]):
                params = (*args, with_contact(contact), keys)
                with pytest.raises(psycopg.Error) as refused, conn.transaction():
                    conn.execute(_SAVED, (mother[0],))  # (a case is matched when saved)
                    conn.execute(call, params)
                assert refused.value.sqlstate == "IK003", call
                assert "a profile holds what one case can" in str(refused.value)
        # One number and one address, as a case holds them: answered, and logged.
        one = with_contact(["e:piotr@example.org", "t:0612345678"])
        with conn.transaction(force_rollback=True):
            answer = conn.execute(
                "SELECT ikodesk_family_check(%s::jsonb, %s::jsonb, NULL, '')", (one, keys)
            ).fetchone()
            conn.execute(_SAVED, (mother[0],))
            conn.execute("SELECT ikodesk_detect(%s, %s::jsonb, %s::jsonb)", (mother[0], one, keys))
        assert answer is not None
    assert f"ikodesk_detect: login jdevries, case {mother[0]}: 0 new pair(s)" in logged
    # (the mother's own case: the requester has a case already)
    assert answer[0]["match"] == "same_person"
    assert "ikodesk_family_check: login jdevries: same_person" in logged


_MEDIATION_PROBES = """
    INSERT INTO mediations (ref, kind, requested, status, failure_reasons, case_id)
    VALUES ('RT-LINK', 'iko', DATE '2024-06-01', 'requested', '[]', %s);
    INSERT INTO mediations (ref, kind, requested, status, failure_reasons)
    SELECT 'RT-' || d::date, 'iko', DATE '2024-06-01', 'requested', '[]'
    FROM generate_series(DATE '2017-08-20', DATE '2017-09-10', interval '1 day') d;
    INSERT INTO mediation_children (mediation_id, position, first_name, birth_date)
    SELECT id, 0, 'Ola', substr(ref, 4)::date FROM mediations WHERE ref LIKE 'RT-2%';
    INSERT INTO mediations (ref, kind, requested, status, failure_reasons)
    SELECT 'RP-' || d::date, 'iko', DATE '2024-06-01', 'requested', '[]'
    FROM generate_series(DATE '1985-07-20', DATE '1985-08-10', interval '1 day') d;
    INSERT INTO mediation_parents (mediation_id, position, relation, first_name, last_name,
                                   birth_date)
    SELECT id, 0, 'father', 'Piotr', 'Kowalski', substr(ref, 4)::date FROM mediations
    WHERE ref LIKE 'RP-%'
"""


def _probe(conn: psycopg.Connection[Any], case_id: int) -> None:
    link, *probes = _MEDIATION_PROBES.split(";")
    conn.execute(link.encode(), (case_id,))  # (the one statement with a parameter)
    for statement in probes:
        conn.execute(statement.encode())


_SAME_FAMILY_OF_PROBES = """
    SELECT m.ref FROM ikodesk_mediation_same_family(
        (SELECT id FROM mediations WHERE ref = 'RT-LINK'),
        (SELECT array_agg(id) FROM mediations WHERE ref LIKE 'RT-2%' OR ref LIKE 'RP-%')) f(id)
    JOIN mediations m ON m.id = f.id ORDER BY 1
"""


@pytest.mark.parametrize("savepoint", [False, True])
def test_the_bureau_cannot_probe_a_case_for_birth_dates_and_roll_back(
    family: Office, savepoint: bool
) -> None:
    """The red team's third find: the bureau linked a throw-away mediation to the father's
    case, added a made-up child "Ola" for every day of a few years, asked which are the
    same family, and rolled back: the answer was the child's birth date (and the
    father's), and nothing was left. A case's people now meet a mediation's own people
    only when both were there before the transaction (a savepoint changes nothing);
    saved, the probes stay in the bureau's list and log, and then they do match."""
    with family.psql("mediation") as conn:
        father = conn.execute("SELECT id FROM cases WHERE ref = %s", (F.FATHER_REF,)).fetchone()
        assert father is not None
        with conn.transaction(force_rollback=True):
            if savepoint:
                conn.execute("SAVEPOINT probe")
            _probe(conn, father[0])
            assert conn.execute(_SAME_FAMILY_OF_PROBES).fetchall() == []
        _probe(conn, father[0])  # saved (autocommit)
        assert conn.execute(_SAME_FAMILY_OF_PROBES).fetchall() == [
            ("RP-1985-07-30",),
            ("RT-2017-09-01",),
        ]


def test_insert_on_conflict_reads_no_hidden_row(family: Office) -> None:
    """Round two's worst find: an INSERT naming the id of a hidden row, with ON CONFLICT
    (id) DO UPDATE ... WHERE, had PostgreSQL evaluate the WHERE on that row before the
    row policy refused it, and the cast's error quoted the father's phone number. Logins
    now insert every column but the id; a taken case reference is refused before the
    conflict is looked for (a student named a Line 2 reference the same way)."""
    with psycopg.connect(family.superuser_url) as su:
        father = su.execute(
            "SELECT p.id FROM persons p JOIN cases c ON c.id = p.case_id "
            "WHERE c.ref = %s AND p.role = 'requester'",
            (F.FATHER_REF,),
        ).fetchone()
        contact = su.execute(
            "SELECT t.id FROM contacts t JOIN cases c ON c.id = t.case_id WHERE c.ref = %s",
            (F.FATHER_REF,),
        ).fetchone()
    assert father is not None and contact is not None
    with family.psql("jdevries") as conn:
        mine = conn.execute("SELECT id FROM cases WHERE ref = %s", (F.MOTHER_REF,)).fetchone()
        assert mine is not None
        for statement, params in (
            (
                "INSERT INTO persons (id, case_id, role, kind) VALUES (%s, %s, 'requester', "
                "'parent') ON CONFLICT (id) DO UPDATE SET kind = persons.kind "
                "WHERE (persons.first_name || persons.phone)::int = 1",
                (father[0], mine[0]),
            ),
            (
                "INSERT INTO contacts (id, case_id, at, channel, party, handler_id) "
                "VALUES (%s, %s, now(), 'phone', 'parent', ikodesk_me_id()) "
                "ON CONFLICT (id) DO UPDATE SET minutes = contacts.minutes "
                "WHERE contacts.summary::int = 1",
                (contact[0], mine[0]),
            ),
        ):
            with pytest.raises(psycopg.Error) as refused, conn.transaction():
                conn.execute(statement, params)
            assert refused.value.sqlstate == "42501"  # no right to name the id
            for secret in F.FATHER_SECRETS:
                assert secret not in str(refused.value)
        # Without an id, the new row is simply added (and rolled back here).
        with conn.transaction(force_rollback=True):
            conn.execute(
                "INSERT INTO contacts (case_id, at, channel, party, handler_id) "
                "VALUES (%s, now(), 'phone', 'parent', ikodesk_me_id())",
                (mine[0],),
            )
    with family.psql("tmeijer") as conn:
        with pytest.raises(psycopg.Error) as refused, conn.transaction():
            conn.execute(
                "INSERT INTO cases (ref, line, code, opened, handler_id, version) "
                "VALUES (%s, 1, 'travel_consent', DATE '2024-01-01', ikodesk_me_id(), 1) "
                "ON CONFLICT (ref) DO UPDATE SET version = cases.version "
                "WHERE (cases.code || cases.country)::int = 1",
                (F.FATHER_REF,),
            )
        assert refused.value.sqlstate == "23505"
        assert "international_abduction" not in str(refused.value)


def test_a_colleague_who_opened_a_case_cannot_take_it_out_of_the_matching(
    family: Office,
) -> None:
    """Round two: claiming a colleague's case (allowed when not walled) and handing the
    detection an empty profile deleted the case's match keys, so that the other
    parent's next case found no wall; nothing was logged. The profile now changes
    only in the transaction that saves the case."""
    family.add_user("sbakker", Role.JURIST)
    with psycopg.connect(family.superuser_url) as su:
        mother = su.execute("SELECT id FROM cases WHERE ref = %s", (F.MOTHER_REF,)).fetchone()
        assert mother is not None
        keys_before = su.execute(
            "SELECT count(*) FROM match_keys WHERE case_id = %s", mother
        ).fetchone()
    assert keys_before is not None and keys_before[0] > 0
    with family.psql("sbakker") as conn:
        conn.execute("SELECT ikodesk_claim(%s)", mother)  # opening it: allowed
        for profile in (None, "{}"):
            with pytest.raises(psycopg.Error) as refused, conn.transaction():
                conn.execute("SELECT ikodesk_detect(%s, %s::jsonb, NULL)", (mother[0], profile))
            assert refused.value.sqlstate == "IK003"
    with psycopg.connect(family.superuser_url) as su:
        assert (
            su.execute("SELECT count(*) FROM match_keys WHERE case_id = %s", mother).fetchone()
            == keys_before
        )


def test_the_bureau_cannot_pair_cases_through_the_handlers_walls(family: Office) -> None:
    """Round two: the bureau asked each case's handler (ikodesk_case_policy_facts) and
    that handler's walls (ikodesk_walled_for), and so read the pair it may not read."""
    with family.psql("mediation") as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM cases ORDER BY id").fetchall()]
        facts = [
            conn.execute("SELECT * FROM ikodesk_case_policy_facts(%s, NULL)", (i,)).fetchone()
            for i in ids
        ]
        assert [f[3] for f in facts if f is not None] == [None] * len(ids)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM ikodesk_walled_for(1)")
    # A jurist still asks (the legal-hold policy does), and learns only what the pairs
    # and sides it may read say.
    with family.psql("jdevries") as conn:
        me = conn.execute("SELECT ikodesk_me_id()").fetchone()
        assert me is not None
        walled = [c for (c,) in conn.execute("SELECT * FROM ikodesk_walled_for(%s)", me)]
        father = conn.execute("SELECT id FROM cases WHERE ref = %s", (F.FATHER_REF,)).fetchone()
        assert father is not None and walled == [father[0]]


_ESTIMATE_PROBES = (
    ("SELECT 1 FROM persons WHERE birth_date < %s", date(1986, 1, 1), date(1900, 1, 1)),
    ("SELECT 1 FROM persons WHERE birth_date > %s", date(1984, 1, 1), date(2100, 1, 1)),
    ("SELECT 1 FROM children WHERE birth_date > %s", date(2017, 1, 1), date(2100, 1, 1)),
    ("SELECT 1 FROM persons WHERE last_name = ANY(%s)", ["Kowalski"] * 50, ["Niemand"] * 50),
)


def test_plain_explain_estimates_tell_nothing_of_hidden_rows(family: Office) -> None:
    """Round two: the planner estimated a condition from the statistics ANALYZE gathered
    over every row, hidden ones too, and plain EXPLAIN showed the estimate: a student
    could bisect a hidden birth date out of a histogram. Personal columns now have no
    statistics on the server (migration 0019)."""
    with psycopg.connect(family.superuser_url, autocommit=True) as su:
        su.execute("ANALYZE persons, children")  # what autovacuum does
    with family.psql("tmeijer") as conn:
        assert conn.execute("SELECT count(*) FROM persons").fetchone() == (0,)
        for query, hidden, absent in _ESTIMATE_PROBES:
            plans = [
                [r[0] for r in conn.execute("EXPLAIN " + query, (v,)).fetchall()]
                for v in (hidden, absent)
            ]
            estimates = [[line.split("(cost")[1] for line in p if "(cost" in line] for p in plans]
            assert estimates[0] == estimates[1], query


def test_probes_leave_a_trace_a_rollback_cannot_take_back(family: Office) -> None:
    """Round two: the bureau saved its throw-away mediations, asked, and deleted them
    again; an administrator made a subject-access pack and rolled it back. The bureau
    now deletes no mediation (retention does), and the pack and the search for its
    dossiers write a line in the server's log first (no name in it)."""
    with family.psql("mediation") as conn:
        conn.execute(
            "INSERT INTO mediations (ref, kind, requested, status, failure_reasons) "
            "VALUES ('RT-KEEP', 'iko', DATE '2024-06-01', 'requested', '[]')"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM mediations WHERE ref = 'RT-KEEP'")
    logged: list[str] = []
    person = '{"name": {"first": ["piotr"], "last": ["kowalski"]}, "birth_date": "1985-07-30"}'
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        conn.add_notice_handler(lambda d: logged.append(str(d.message_primary)))
        conn.execute("SET client_min_messages = log")
        with conn.transaction(force_rollback=True):
            found = conn.execute(
                "SELECT ref FROM ikodesk_subject_candidates(%s::jsonb)", (person,)
            ).fetchall()
            assert found
            conn.execute(
                "SELECT ikodesk_subject_pack(%s::jsonb, %s, false, DATE '2024-06-01')",
                (person, [r for (r,) in found]),
            )
    assert f"ikodesk_subject_candidates: login {ADMIN}: {len(found)} found" in logged
    assert f"ikodesk_subject_pack: login {ADMIN}: {len(found)} dossier(s), children counted" in (
        logged
    )
    assert not any("owalski" in line or "1985" in line for line in logged)


def test_a_profile_of_guessed_children_or_names_is_refused(family: Office) -> None:
    """Round three: the phone numbers were capped, but a profile could still carry 4,096
    children with a guessed birth date each (a child's birth date in 13 calls), a
    child's range of years, or a name of 1,024 guessed first names (a token set that
    holds the real one scores 100: the mother's first name in 10 calls). A profile now
    holds what one case can."""
    import copy
    import json as json_

    from ikodesk.services.conflicts.profiles import profile_from_data
    from ikodesk.services.family_match import match_keys
    from ikodesk.services.family_match.profile_json import profile_to_json

    profile = profile_from_data(0, parse_case(R.case(ref="2024-L2-09999")))
    assert profile is not None
    base = profile_to_json(profile)
    keys = json_.dumps(sorted(match_keys(profile)))
    child = base["children"][0]
    assert child["birth_date"] is not None

    def guessed_children(n: int) -> dict[str, Any]:
        data = copy.deepcopy(base)
        data["children"] = [
            {**child, "birth_date": d, "born_from": d, "born_to": d}
            for d in (date(2008, 1, 1) + timedelta(days=i) for i in range(n))
            for d in [d.isoformat()]
        ]
        return data

    def with_child(**changes: Any) -> dict[str, Any]:
        data = copy.deepcopy(base)
        data["children"] = [{**child, **changes}]
        return data

    def with_first_names(tokens: list[str]) -> dict[str, Any]:
        data = copy.deepcopy(base)
        name = data["other_parent"]["name"]
        name.update(first=tokens, first_joined="".join(tokens), first_set=sorted(tokens))
        return data

    refused_profiles = [
        guessed_children(21),  # more children than a case holds
        guessed_children(4096),
        with_child(birth_date=None, born_from="2008-01-01", born_to="2019-12-31"),  # years
        with_child(born_from="2008-01-01"),  # a dated child with a range
        with_first_names([f"naam{i}" for i in range(11)]),  # more names than a person has
        with_first_names(["piotr"])
        | {
            "other_parent": {
                **base["other_parent"],
                "name": {**base["other_parent"]["name"], "first_set": ["anna", "berta", "piotr"]},
            }
        },  # a set of names the name does not hold
    ]
    with family.psql("jdevries") as conn:
        mother = conn.execute("SELECT id FROM cases WHERE ref = %s", (F.MOTHER_REF,)).fetchone()
        assert mother is not None
        for data in refused_profiles:
            for call, args in (
                ("SELECT ikodesk_family_check(%s::jsonb, %s::jsonb, NULL, '')", ()),
                ("SELECT ikodesk_detect(%s, %s::jsonb, %s::jsonb)", (mother[0],)),
            ):
                with pytest.raises(psycopg.Error) as refused, conn.transaction():
                    conn.execute(_SAVED, (mother[0],))
                    conn.execute(call, (*args, json_.dumps(data), keys))
                assert refused.value.sqlstate == "IK003", (call, data["children"][:1])
        # What a case holds passes: twenty children, each with its own day.
        with conn.transaction(force_rollback=True):
            conn.execute(_SAVED, (mother[0],))
            conn.execute(
                "SELECT ikodesk_detect(%s, %s::jsonb, %s::jsonb)",
                (mother[0], json_.dumps(guessed_children(20)), keys),
            )


def test_a_case_being_registered_cannot_be_read_through_its_reference(family: Office) -> None:
    """Round three: the taken-reference check saw committed cases only, and a student's
    ON CONFLICT (ref) waiting on a registration in progress read that Line 2 case's
    facts when it committed. Every insert of a case now waits for the one in progress;
    a login cannot move a row's id either (it blocked the next desk's save)."""
    import threading

    outcome: dict[str, Any] = {}
    with family.psql("jdevries") as registering, family.psql("tmeijer") as student:
        with registering.transaction():
            registering.execute(
                "INSERT INTO cases (ref, line, code, opened, handler_id, country) "
                "VALUES ('2024-L2-00099', 2, 'international_abduction', DATE '2024-05-01', "
                "ikodesk_me_id(), 'PL')"
            )

            def probe() -> None:
                try:
                    student.execute(
                        "INSERT INTO cases (ref, line, code, opened, handler_id) "
                        "VALUES ('2024-L2-00099', 1, 'travel_consent', DATE '2024-01-01', "
                        "ikodesk_me_id()) ON CONFLICT (ref) DO UPDATE SET version = "
                        "cases.version WHERE (cases.code || '/' || cases.country)::int = 1"
                    )
                    outcome["done"] = True
                except psycopg.Error as e:
                    outcome["error"] = e

            waiting = threading.Thread(target=probe)
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive()  # it waits for the registration
        waiting.join(10)
        error = outcome.get("error")
        assert isinstance(error, psycopg.Error) and error.sqlstate == "23505"
        assert "international_abduction" not in str(error)
        mine = registering.execute(
            "SELECT id FROM persons WHERE case_id IN (SELECT id FROM cases WHERE ref = %s)",
            (F.MOTHER_REF,),
        ).fetchall()
        assert mine
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            registering.execute("UPDATE persons SET id = id + 1000 WHERE id = %s", mine[0])


def test_an_administrator_reads_no_dossier_by_changing_itself_and_is_recorded(
    family: Office,
) -> None:
    """Round four: an administrator made itself a jurist inside a transaction, claimed and
    read every dossier, both sides of every wall, and rolled back without a trace; and a
    password it set for a colleague (to log in as them) was not recorded, as the row's
    marker stays 'server'. A login cannot change its own role or activity now, and every
    change of a login is recorded, in the server's log too."""
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        logged: list[str] = []
        conn.add_notice_handler(lambda d: logged.append(str(d.message_primary)))
        conn.execute("SET client_min_messages = log")
        for change in (
            "UPDATE users SET role = 'jurist' WHERE username = %s",
            "UPDATE users SET active = false WHERE username = %s",
        ):
            with pytest.raises(psycopg.Error) as refused, conn.transaction():
                conn.execute(change, (ADMIN,))
            assert refused.value.sqlstate == "IK003"
        verifier = conn.pgconn.encrypt_password(
            b"Nieuw-Geheim-Wachtwoord-42", b"jdevries", b"scram-sha-256"
        ).decode()
        with conn.transaction(force_rollback=True):
            conn.execute(
                "UPDATE users SET password_hash = %s WHERE username = 'jdevries'", (verifier,)
            )
            entry = conn.execute(
                "SELECT detail FROM audit_log WHERE action = 'user.manage' "
                "AND object_ref = 'jdevries' ORDER BY id DESC LIMIT 1"
            ).fetchone()
        assert entry is not None and "wachtwoord gewijzigd" in entry[0]
        assert any(
            line.startswith("ikodesk login jdevries:") and "wachtwoord gewijzigd" in line
            for line in logged
        )


def test_an_access_request_finds_one_person_and_lifted_holds_are_recorded(
    family: Office,
) -> None:
    """Round four: an administrator typed fifteen first names and ten surnames as "the
    person" of an access request and found every parent of the office; the pack then
    handed over both parents of a family as the requester's own. And a jurist's legal
    hold lifted from psql left no trace. A name is one person's now, a dossier in which
    two people match is refused, and the server records a hold lifted."""
    person = (
        '{"name": {"first": ["piotr", "anna", "jan", "cees", "berta"], '
        '"last": ["kowalski", "kowalska"]}, "birth_date": null}'
    )
    two = '{"name": {"first": ["piotr", "anna"], "last": ["kowalski", "kowalska"]}}'
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        with pytest.raises(psycopg.Error) as refused, conn.transaction():
            conn.execute("SELECT * FROM ikodesk_subject_candidates(%s::jsonb)", (person,))
        assert refused.value.sqlstate == "IK003"
        with pytest.raises(psycopg.Error) as refused, conn.transaction():
            conn.execute(
                "SELECT ikodesk_subject_pack(%s::jsonb, %s, true, current_date)",
                (two, [F.MOTHER_REF]),
            )
        assert refused.value.sqlstate == "IK005"
        assert "Piotr" not in str(refused.value) and "1985" not in str(refused.value)
    with family.psql("jdevries") as conn:
        conn.execute(
            "INSERT INTO legal_holds (case_id, set_by, set_at, reason) "
            "SELECT id, 'jdevries', now(), 'procedure loopt' FROM cases WHERE ref = %s",
            (F.MOTHER_REF,),
        )
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        conn.execute("DELETE FROM legal_holds")
    with psycopg.connect(family.superuser_url) as su:
        lifted = su.execute(
            "SELECT username, object_ref, detail FROM audit_log WHERE action = 'retention.hold'"
        ).fetchall()
    assert lifted == [(ADMIN, F.MOTHER_REF, "bewaarplicht opgeheven (gezet door jdevries)")]
