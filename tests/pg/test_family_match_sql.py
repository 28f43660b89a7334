"""The server's family matching (family_match.sql) gives Python's verdict, pair by pair.

In server mode conflict detection runs inside PostgreSQL. Its PL/pgSQL port of
`family_match.compare` must decide exactly as Python does: the same status,
score and reason for every pair. Checked on a real throwaway cluster against
the project's family fixtures, the demo data, generated families, and the
rapidfuzz scorers themselves on generated strings (the same doubles, not
merely close ones: every threshold must fall the same way).
"""

from __future__ import annotations

import itertools
import random
import re
import secrets
from collections.abc import Iterator, Sequence
from datetime import date
from importlib import resources
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg import sql
from psycopg.types.json import Jsonb
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from ikodesk.services.family_match import (
    CaseProfile,
    ChildProfile,
    Name,
    PersonProfile,
    compare,
    compare_children,
    compare_persons,
    name_similarity,
    opposition,
    pair_children,
    scoring,
)
from ikodesk.services.family_match.names import _first_sim, _last_sim
from ikodesk.services.family_match.profile_json import (
    _set,
    _sorted,
    child_to_json,
    name_to_json,
    person_to_json,
    profile_to_json,
    verdict_to_json,
)
from tests import test_family_match_properties as P
from tests.support import family_profiles as FP
from tests.support.pg_cluster import Cluster

Conn = psycopg.Connection[Any]
SQL_FILE = resources.files("ikodesk.storage.server") / "sql" / "family_match.sql"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fm(pg_cluster: Cluster) -> Iterator[Conn]:
    """A fresh database with the functions loaded (twice: the file is idempotent)."""
    name = "ikodesk_fm_" + secrets.token_hex(4)
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(pg_cluster.url(name), autocommit=True) as conn:
            text = SQL_FILE.read_text(encoding="utf-8")
            conn.execute(text)  # type: ignore[call-overload]
            conn.execute(text)  # type: ignore[call-overload]
            yield conn
    finally:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def sql_verdicts(
    conn: Conn, profiles: Sequence[CaseProfile], pairs: Sequence[tuple[int, int]]
) -> list[dict[str, Any] | None]:
    """ikodesk_fm_compare of these pairs of profiles (indexes), in one query."""
    rows = conn.execute(
        """
        WITH p AS (SELECT e.n, e.x FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(x, n))
        SELECT ikodesk_fm_compare(pa.x, pb.x)
        FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS q(a, b, k)
        JOIN p AS pa ON pa.n = q.a + 1 JOIN p AS pb ON pb.n = q.b + 1
        ORDER BY q.k
        """,
        (
            Jsonb([profile_to_json(p) for p in profiles]),
            [a for a, _ in pairs],
            [b for _, b in pairs],
        ),
    ).fetchall()
    assert len(rows) == len(pairs)
    return [r[0] for r in rows]


def assert_same_verdicts(
    conn: Conn, profiles: Sequence[CaseProfile], pairs: Sequence[tuple[int, int]]
) -> dict[str | None, int]:
    """Every pair's verdict equal in SQL and Python; the statuses counted."""
    expected = [verdict_to_json(compare(profiles[a], profiles[b])) for a, b in pairs]
    got = sql_verdicts(conn, profiles, pairs)
    wrong = [(pairs[n], expected[n], got[n]) for n in range(len(pairs)) if expected[n] != got[n]]
    assert wrong == [], f"{len(wrong)} of {len(pairs)} pairs differ, first: {wrong[:3]}"
    counts: dict[str | None, int] = {}
    for v in expected:
        key = None if v is None else v["status"]
        counts[key] = counts.get(key, 0) + 1
    return counts


def sql_value(conn: Conn, function: str, *args: Any) -> Any:
    query = sql.SQL("SELECT {}({})").format(
        sql.Identifier(function), sql.SQL(", ").join(sql.Placeholder() * len(args))
    )
    row = conn.execute(query, args).fetchone()
    assert row is not None
    return row[0]


# -- (a) the project's fixtures ---------------------------------------------------------


def test_every_pair_of_the_family_fixtures_gets_pythons_verdict(fm: Conn) -> None:
    profiles = FP.fixture_profiles()
    pairs = list(itertools.product(range(len(profiles)), repeat=2))
    counts = assert_same_verdicts(fm, profiles, pairs)
    # The fixtures reach every outcome, or the comparison above proves little.
    assert counts.get("conflict", 0) >= 20 and counts.get("review", 0) >= 20
    assert counts.get(None, 0) >= 100


def test_every_person_and_child_of_the_fixtures_compares_as_in_python(fm: Conn) -> None:
    profiles = FP.fixture_profiles()
    people = list({p for c in profiles for p in (c.requester, c.other_parent) if p is not None})
    kids = list({k for c in profiles for k in c.children})
    person_pairs = list(itertools.product(people, repeat=2))
    got = fm.execute(
        """
        SELECT ikodesk_fm_name_similarity(p -> 0 -> 'name', p -> 1 -> 'name'),
               ikodesk_fm_compare_persons(p -> 0, p -> 1), ikodesk_fm_opposition(p -> 0, p -> 1)
        FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(p, n) ORDER BY n
        """,
        (Jsonb([[person_to_json(a), person_to_json(b)] for a, b in person_pairs]),),
    ).fetchall()
    expected = [_persons_in_python(a, b) for a, b in person_pairs]
    assert [tuple(r) for r in got] == expected
    child_pairs = list(itertools.product(kids, repeat=2))
    got_kids = fm.execute(
        """
        SELECT ikodesk_fm_compare_children(p -> 0, p -> 1)
        FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(p, n) ORDER BY n
        """,
        (Jsonb([[child_to_json(a), child_to_json(b)] for a, b in child_pairs]),),
    ).fetchall()
    assert [r[0] for r in got_kids] == [_child_match(a, b) for a, b in child_pairs]
    assert len(person_pairs) > 500 and len(child_pairs) > 200


def _persons_in_python(a: PersonProfile, b: PersonProfile) -> tuple[Any, ...]:
    opposed = opposition(a, b)
    return (
        name_similarity(a.name, b.name),
        compare_persons(a, b).value,
        None if opposed is None else opposed.value,
    )


def _child_match(a: ChildProfile, b: ChildProfile) -> str | None:
    m = compare_children(a, b)
    return None if m is None else m.value


def _near(value: float | None, thresholds: Sequence[float]) -> bool:
    return value is not None and any(t - 2 <= value < t + 2 for t in thresholds)


def _straddled(values: Sequence[float], thresholds: Sequence[float]) -> bool:
    """Some value in the point just below each threshold and some in the point from it."""
    return all(
        any(t - 1 <= v < t for v in values) and any(t <= v < t + 1 for v in values)
        for t in thresholds
    )


@pytest.mark.slow
def test_names_just_below_and_above_every_threshold_decide_alike(fm: Conn) -> None:
    """Close calls: a threshold moved by one point in SQL must show."""
    pairs = FP.near_pairs(seed=5, count=2000)
    day = date(2016, 4, 4)
    on_persons = (scoring.DIFFERENT_NAME, scoring.PERSON_WITH_DATE_MATCH, scoring.NAME_ONLY_MATCH)
    sims = [(a, b, name_similarity(a, b)) for a, b in pairs]
    close = [(a, b) for a, b, sim in sims if _near(sim, on_persons)]
    values = [s for *_, s in sims if s is not None]
    assert _straddled(values, on_persons)
    assert all(t in values for t in on_persons)  # exactly on it: >= and > differ
    people = [
        (PersonProfile(a, born, None), PersonProfile(b, born, None))
        for a, b in close
        for born in (None, day)
    ]
    got = fm.execute(
        """
        SELECT ikodesk_fm_name_similarity(p -> 0 -> 'name', p -> 1 -> 'name'),
               ikodesk_fm_compare_persons(p -> 0, p -> 1), ikodesk_fm_opposition(p -> 0, p -> 1)
        FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(p, n) ORDER BY n
        """,
        (Jsonb([[person_to_json(a), person_to_json(b)] for a, b in people]),),
    ).fetchall()
    assert [tuple(r) for r in got] == [_persons_in_python(a, b) for a, b in people]

    on_first = (scoring.DIFFERENT_NAME, scoring.FIRST_NAME_MATCH, scoring.NAME_ONLY_MATCH)
    firsts = [_first_sim(a.first, b.first) for a, b in pairs if a.first and b.first]
    lasts = [_last_sim(a.last, b.last) for a, b in pairs if a.last and b.last]
    assert _straddled(firsts, on_first) and _straddled(lasts, [scoring.SURNAME_MATCH])
    # With and without a birth date; without first names only the surname speaks.
    kids = [
        (ChildProfile(x, born, born, born), ChildProfile(y, born, born, born))
        for a, b in pairs
        if (a.first and b.first and _near(_first_sim(a.first, b.first), on_first))
        or (a.last and b.last and _near(_last_sim(a.last, b.last), [scoring.SURNAME_MATCH]))
        for x, y in ((a, b), (Name((), a.last), Name((), b.last)))
        for born in (None, day)
    ]
    got_kids = fm.execute(
        """
        SELECT ikodesk_fm_compare_children(p -> 0, p -> 1)
        FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(p, n) ORDER BY n
        """,
        (Jsonb([[child_to_json(a), child_to_json(b)] for a, b in kids]),),
    ).fetchall()
    assert [r[0] for r in got_kids] == [_child_match(a, b) for a, b in kids]


@pytest.mark.slow
def test_the_demo_years_candidate_and_mirrored_pairs_get_pythons_verdict(fm: Conn) -> None:
    """The pairs conflict detection would compare in a demo year, and random others."""
    from ikodesk.services.family_match import match_keys

    profiles, mirrored = FP.demo_profiles(scale=1.0)
    by_key: dict[str, set[int]] = {}
    for n, profile in enumerate(profiles):
        for _, key, _ in match_keys(profile):
            by_key.setdefault(key, set()).add(n)
    candidates = {
        pair for ids in by_key.values() for pair in itertools.combinations(sorted(ids), 2)
    }
    rnd = random.Random(13)
    others = {tuple(rnd.sample(range(len(profiles)), 2)) for _ in range(1000)}
    pairs = sorted(candidates | mirrored | {(b, a) for a, b in mirrored} | others)
    counts = assert_same_verdicts(fm, profiles, pairs)  # type: ignore[arg-type]
    print(f"demo: {len(profiles)} profiles, {len(pairs)} pairs, {counts}")
    assert len(mirrored) >= 5 and counts.get("conflict", 0) >= 2 * len(mirrored)


def test_every_profile_python_makes_passes_the_servers_check(fm: Conn) -> None:
    """The server refuses a profile that holds more than a case can (ikodesk_fm_profile_ok:
    names as Name.of makes them, 20 children with their day or a year's range, one phone
    number and address): every profile of the fixtures and a demo year must pass it, or
    a real case could not be saved on the server."""
    profiles = [*FP.fixture_profiles(), *FP.demo_profiles(scale=0.3)[0]]
    refused = [
        p.case_id
        for p in profiles
        if not sql_value(fm, "ikodesk_fm_profile_ok", Jsonb(profile_to_json(p)))
    ]
    assert len(profiles) > 1000 and refused == []


@pytest.mark.slow
@PROPERTY
@given(P.cases)
def test_every_generated_profile_passes_the_servers_check(fm: Conn, a: CaseProfile) -> None:
    assert sql_value(fm, "ikodesk_fm_profile_ok", Jsonb(profile_to_json(a)))


# -- (b) generated families -------------------------------------------------------------


@pytest.mark.slow
@PROPERTY
@given(FP.related_pairs())
def test_generated_families_get_pythons_verdict_both_ways(
    fm: Conn, pair: tuple[CaseProfile, CaseProfile]
) -> None:
    a, b = pair
    assert_same_verdicts(fm, [a, b], [(0, 1), (1, 0)])
    # The pieces too, so that a difference names its cause.
    ja, jb = json_pair = [profile_to_json(a), profile_to_json(b)]
    got = fm.execute(
        """
        SELECT ikodesk_fm_compare_persons(%(a)s -> 'requester', %(b)s -> 'requester'),
               ikodesk_fm_opposition(%(a)s -> 'requester', %(b)s -> 'requester'),
               ikodesk_fm_pair_children(%(a)s -> 'children', %(b)s -> 'children')
        """,
        {"a": Jsonb(ja), "b": Jsonb(jb)},
    ).fetchone()
    opposed = opposition(a.requester, b.requester)
    assert got == (
        compare_persons(a.requester, b.requester).value,
        None if opposed is None else opposed.value,
        [m.value for m in pair_children(a.children, b.children).matches],
    ), json_pair


@pytest.mark.slow
@PROPERTY
@given(P.cases, P.cases)
def test_generated_cases_from_overlapping_tokens_get_pythons_verdict(
    fm: Conn, a: CaseProfile, b: CaseProfile
) -> None:
    """The symmetry tests' generator: names built from tokens that are first and last names."""
    assert_same_verdicts(fm, [a, b], [(0, 1), (1, 0)])


# -- (c) the rapidfuzz scorers ------------------------------------------------------------

ALPHABET = "aaabeiklnorsz  éøł𝔘中"
strings = st.text(alphabet=ALPHABET, max_size=24)


def sql_scores(conn: Conn, pairs: Sequence[tuple[str, str]]) -> list[tuple[Any, ...]]:
    """Indel distance, ratio, token_sort_ratio, token_set_ratio of each pair, in SQL."""
    payload = [
        [
            a,
            b,
            _sorted(tuple(a.split())),
            _sorted(tuple(b.split())),
            _set(tuple(a.split())),
            _set(tuple(b.split())),
        ]
        for a, b in pairs
    ]
    rows = conn.execute(
        """
        SELECT ikodesk_fm_indel(p ->> 0, p ->> 1), ikodesk_fm_ratio(p ->> 0, p ->> 1),
               ikodesk_fm_ratio(p ->> 2, p ->> 3),
               ikodesk_fm_token_set_ratio(ikodesk_fm_tokens(p -> 4), ikodesk_fm_tokens(p -> 5))
        FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(p, n) ORDER BY n
        """,
        (Jsonb(payload),),
    ).fetchall()
    return [tuple(r) for r in rows]


def rapidfuzz_scores(a: str, b: str) -> tuple[Any, ...]:
    return (
        Indel.distance(a, b),
        fuzz.ratio(a, b),
        fuzz.token_sort_ratio(a, b),
        fuzz.token_set_ratio(a, b),
    )


@settings(max_examples=300, deadline=None)
@given(strings, strings)
@example("fuzzy was a bear", "fuzzy fuzzy was a bear")
@example("anna maria", "maria anna")
@example("", "")
@example("van den berg", "vandenberg")
def test_the_scorers_equal_rapidfuzz(fm: Conn, a: str, b: str) -> None:
    assert sql_scores(fm, [(a, b)]) == [rapidfuzz_scores(a, b)]


def test_the_scorers_equal_rapidfuzz_on_many_strings(fm: Conn) -> None:
    rnd = random.Random(2024)
    pairs = [
        tuple("".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 18))) for _ in "ab")
        for _ in range(4000)
    ]
    got = sql_scores(fm, pairs)  # type: ignore[arg-type]
    wrong = [(p, g) for p, g in zip(pairs, got, strict=True) if g != rapidfuzz_scores(*p)]
    assert wrong == []


@pytest.mark.parametrize(("la", "lb"), [(255, 255), (255, 256), (256, 3), (300, 280), (0, 400)])
def test_strings_beyond_fuzzystrmatchs_limit_are_measured_alike(fm: Conn, la: int, lb: int) -> None:
    """levenshtein() takes 255 characters; longer names (NFKD can blow one up) go to PL/pgSQL."""
    rnd = random.Random(la * 1000 + lb)
    a = "".join(rnd.choice("abcé ") for _ in range(la))
    b = "".join(rnd.choice("abcé ") for _ in range(lb))
    assert sql_scores(fm, [(a, b)]) == [rapidfuzz_scores(a, b)]
    assert sql_value(fm, "ikodesk_fm_indel_long", a[:200], b[:200]) == Indel.distance(
        a[:200], b[:200]
    )


# -- the file itself ------------------------------------------------------------------------

CONSTANTS = [
    *("CONFLICT_SCORE", "CONFLICT_SCORE_WITHOUT_SIDES", "REVIEW_SCORE", "FIRST_NAME_MATCH"),
    *("SURNAME_MATCH", "NAME_ONLY_MATCH", "PERSON_WITH_DATE_MATCH", "DIFFERENT_NAME"),
    *("W_CHILD_DATE_FIRST", "W_CHILD_DATE_SURNAME", "W_CHILD_NAMES", "W_AGES"),
    *("W_PERSON_STRONG", "W_PERSON_NAME", "W_CHILDREN_DIFFER", "W_PERSON_DIFFERS"),
]


def test_the_sql_thresholds_and_weights_are_pythons(fm: Conn) -> None:
    public = {
        n
        for n in dir(scoring)
        if n.isupper() and not n.startswith("_") and isinstance(getattr(scoring, n), int | float)
    }
    assert public == set(CONSTANTS)
    for name in CONSTANTS:
        assert sql_value(fm, "ikodesk_fm_const", name) == getattr(scoring, name), name
    with pytest.raises(psycopg.errors.RaiseException, match="unknown constant"):
        sql_value(fm, "ikodesk_fm_const", "FIRST_NAME_MACTH")


def test_every_function_is_immutable_parallel_safe_and_reads_no_table(fm: Conn) -> None:
    rows = fm.execute(
        """
        SELECT p.proname, p.provolatile, p.proparallel, p.prosecdef FROM pg_proc p
        WHERE p.proname LIKE 'ikodesk\\_fm\\_%' ORDER BY 1
        """
    ).fetchall()
    assert len(rows) >= 15
    assert [r for r in rows if r[1:] != ("i", "s", False)] == []
    # Rows come only from the arguments: arrays, JSON arrays and constant lists.
    text = SQL_FILE.read_text(encoding="utf-8")
    sources = set(re.findall(r"\bFROM\s+(\(?\w+)", text))
    assert sources == {"unnest", "jsonb_array_elements", "(VALUES"}
    assert not re.search(r"\b(INSERT|UPDATE|DELETE|EXECUTE|PERFORM)\b", text)


def test_the_json_of_a_profile_carries_folded_names(fm: Conn) -> None:
    name = name_to_json(Name.of("Ánna-María", "Van den BERG"))
    assert name["first"] == ["anna", "maria"] and name["last_core_set"] == ["berg"]
    assert name["whole_sorted"] == "anna berg den maria van"
    assert sql_value(fm, "ikodesk_fm_name_similarity", Jsonb(name), Jsonb(name)) == 100.0
    assert verdict_to_json(None) is None


def test_a_security_definer_caller_with_its_own_search_path_can_use_them(fm: Conn) -> None:
    """How the server calls them: a SECURITY DEFINER function with a fixed search_path,
    run by a role that may do nothing else and whose own search_path finds nothing."""
    mother, father = FP.fixture_profiles()[:2]
    with fm.transaction(force_rollback=True):
        fm.execute("CREATE ROLE ikodesk_fm_probe NOLOGIN")
        fm.execute(
            """
            CREATE FUNCTION ikodesk_fm_probe_match(a jsonb, b jsonb) RETURNS boolean
            LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
            AS $$ SELECT ikodesk_fm_compare(a, b) IS NOT NULL $$
            """
        )
        fm.execute("SET LOCAL ROLE ikodesk_fm_probe")
        fm.execute("SET LOCAL search_path = pg_catalog")
        row = fm.execute(
            "SELECT public.ikodesk_fm_probe_match(%s, %s)",
            (Jsonb(profile_to_json(mother)), Jsonb(profile_to_json(father))),
        ).fetchone()
    assert compare(mother, father) is not None
    assert row == (True,)
