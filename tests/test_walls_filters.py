"""Issue 11 point 4: list filters must not select a masked row by what it hides.

Every test runs on both backends (`backend`), each user as their own login.
"""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from ikodesk.models.enums import CloseReason
from ikodesk.services import case_queries as q
from ikodesk.services import cases
from ikodesk.services.validation import parse_case
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend


@pytest.fixture
def walled(backend: Backend) -> Backend:
    backend.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.UNRELATED_CASE)
    return backend


def _results(b: Backend, username: str) -> dict[tuple[object, ...], tuple[int, list[int]]]:
    """Every combination of list filters (hidden and shown attributes) and sort."""
    me = b.as_(username)
    user = me.actor
    handlers = [b.as_(u).actor.user_id for u in ("jdevries", "kvisser", "mjanssen")]
    out: dict[tuple[object, ...], tuple[int, list[int]]] = {}
    with me.session() as s:
        for status, handler, line, sort in product(
            (None, "open", "closed"), (None, *handlers), (None, 2), list(q.CaseSort)
        ):
            flt = q.CaseFilter(status=status, handler_id=handler, line=line)
            ids = q.page_ids(s, user, flt, sort=sort)
            out[(status, handler, line, sort)] = (q.count_cases(s, user, flt), ids)
    return out


def test_the_walled_case_is_left_out_under_every_hidden_attribute_filter(
    walled: Backend,
) -> None:
    father = walled.case_id(F.FATHER_REF)
    before = _results(walled, "jdevries")
    for (status, handler, _line, _sort), (count, ids) in before.items():
        hidden_filter = status is not None or handler is not None
        assert (father in ids) is not hidden_filter
        assert count == len(ids)


@pytest.mark.slow
def test_the_walled_cases_hidden_values_do_not_change_any_filtered_list(
    walled: Backend,
) -> None:
    """The attack: flip the walled case's status and handler, compare every filtered list."""
    before = _results(walled, "jdevries")
    father = walled.case_id(F.FATHER_REF)
    kvisser, mjanssen = walled.as_("kvisser"), walled.as_("mjanssen")
    with kvisser.transaction() as s:  # the father's handler hands the case on
        cases.update_case(s, kvisser.actor, father, parse_case(F.father_case(handler="mjanssen")))
    with mjanssen.transaction() as s:
        cases.close_case(s, mjanssen.actor, father, date(2024, 6, 1), CloseReason.INFORMED)
    after = _results(walled, "jdevries")
    assert after == before


def test_filters_on_what_a_masked_row_shows_keep_it(walled: Backend) -> None:
    me = walled.as_("jdevries")
    father = walled.case_id(F.FATHER_REF)
    with me.session() as s:
        for flt in (q.CaseFilter(line=2), q.CaseFilter(year=2024), q.CaseFilter()):
            ids = q.page_ids(s, me.actor, flt)
            assert father in ids
            assert q.fetch_rows(s, me.actor, ids)[father].masked
