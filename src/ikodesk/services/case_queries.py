"""Case lists and case search, through the access policy.

Lists are built for lazy table models over very many cases: `count_cases`
and `page_ids` select ids only (sorted, filtered, paged with LIMIT/OFFSET),
`fetch_rows` turns a batch of ids into light display rows. Every function
applies the policy: role filters (`access.visible_cases`) and masked rows
for dossiers behind a conflict wall (`access.masked_case_ids`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, column, func, select, table, text
from sqlalchemy.orm import Session

from ikodesk.models import Case, Child, Country, Person, User
from ikodesk.models.enums import CaseCode, PersonRole, RequesterKind
from ikodesk.models.labels import label
from ikodesk.services import access, search_index, search_matches, wall_notice, walls
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.search_matches import MatchReason

MAX_SEARCH_MATCHES = 2000  # newest first; a wider search asks the user to refine
MASKED_LABEL = "afgeschermd dossier"


class CaseSort(StrEnum):
    OPENED = "opened"
    REF = "ref"
    CODE = "code"
    HANDLER = "handler"
    STATUS = "status"


@dataclass(frozen=True)
class CaseFilter:
    line: int | None = None
    code: CaseCode | None = None
    status: str | None = None  # "open" | "closed" | None
    handler_id: int | None = None
    year: int | None = None
    text: str = ""


@dataclass(frozen=True)
class CaseRow:
    """What a list shows of one case. A masked row carries no personal data."""

    id: int
    ref: str
    line: int
    code: CaseCode
    opened: date
    closed: date | None
    handler: str
    requester: str
    requester_kind: RequesterKind | None
    country: str | None
    country_name: str | None
    children: int
    masked: bool = False
    conflict: bool = False  # in a conflict pair: the badge
    # In a search result: which person or child, which field the words were found in.
    matched: tuple[MatchReason, ...] = ()


def _where(session: Session, actor: Actor, flt: CaseFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [access.visible_cases(session, actor)]
    if flt.line is not None:
        clauses.append(Case.line == flt.line)
    if flt.code is not None:
        clauses.append(Case.code == flt.code)
    if flt.status == "open":
        clauses.append(Case.closed.is_(None))
    elif flt.status == "closed":
        clauses.append(Case.closed.is_not(None))
    if flt.handler_id is not None:
        clauses.append(Case.handler_id == flt.handler_id)
    if flt.year is not None:
        clauses.append(Case.opened >= date(flt.year, 1, 1))
        clauses.append(Case.opened < date(flt.year + 1, 1, 1))
    if flt.text.strip():
        clauses.append(_text_clause(flt.text, actor, server=on_server(session)))
    if hides_walled(flt):
        # A masked row selected by what it hides would tell that value.
        walled = access.walled_cases(actor)
        if walled is not None:
            clauses.append(Case.id.not_in(walled))
    return clauses


def hides_walled(flt: CaseFilter) -> bool:
    """True when a filter is on an attribute a masked row hides: walled cases stay out.

    A masked row shows reference, line, code and opening date; it hides the
    handler, the status (open/closed) and every name. Selected or left out
    by a filter on one of those, its presence would tell the hidden value,
    so under such a filter walled cases are left out whatever their values.
    """
    return flt.status is not None or flt.handler_id is not None or bool(flt.text.strip())


_FTS = table("case_search", column("rowid", Integer))


def _text_clause(query: str, actor: Actor, *, server: bool = False) -> ColumnElement[bool]:
    """Cases whose reference starts with, or whose names contain, what was typed.

    Cases behind a wall for `actor` are left out before the match cap, so that
    they cannot push a visible match out of it (and so be noticed).
    """
    query = query.strip()
    ref_prefix = and_(Case.ref >= query, Case.ref < query + "\uffff")
    if server:
        # The server searches the names itself and leaves out what is behind the wall.
        found = select(func.ikodesk_search_ids(query, MAX_SEARCH_MATCHES))
        return ref_prefix | Case.id.in_(found)
    expr = search_index.match_expression(query)
    if expr is None:
        return ref_prefix
    matches = select(_FTS.c.rowid).where(text("case_search MATCH :expr").bindparams(expr=expr))
    walled = access.walled_cases(actor)
    if walled is not None:
        matches = matches.where(_FTS.c.rowid.not_in(walled))
    matches = matches.order_by(_FTS.c.rowid.desc()).limit(MAX_SEARCH_MATCHES)
    return ref_prefix | Case.id.in_(matches)


def _require_list(session: Session, actor: Actor, flt: CaseFilter) -> None:
    access.require(session, actor, Action.CASE_SEARCH if flt.text.strip() else Action.CASE_LIST)


def count_cases(session: Session, actor: Actor, flt: CaseFilter) -> int:
    _require_list(session, actor, flt)
    stmt = select(func.count()).select_from(Case).where(*_where(session, actor, flt))
    return int(session.scalar(stmt) or 0)


def _sorted(stmt: Select[Any], sort: CaseSort, descending: bool, actor: Actor) -> Select[Any]:
    def d(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    if sort is CaseSort.REF:
        return stmt.order_by(d(Case.ref))
    if sort is CaseSort.CODE:
        return stmt.order_by(d(Case.code), d(Case.opened), d(Case.id))
    # A masked row hides its handler and status; sorted among the others by
    # them, its place would tell. Masked rows go last in these sorts.
    walled = access.walled_cases(actor)
    masked_last = [Case.id.in_(walled)] if walled is not None else []
    if sort is CaseSort.HANDLER:
        stmt = stmt.join(User, User.id == Case.handler_id)
        return stmt.order_by(*masked_last, d(User.username), d(Case.opened), d(Case.id))
    if sort is CaseSort.STATUS:
        return stmt.order_by(*masked_last, d(Case.closed.is_(None)), d(Case.opened), d(Case.id))
    return stmt.order_by(d(Case.opened), d(Case.id))


def page_ids(
    session: Session,
    actor: Actor,
    flt: CaseFilter,
    *,
    sort: CaseSort = CaseSort.OPENED,
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[int]:
    """One page of case ids in list order."""
    _require_list(session, actor, flt)
    stmt = select(Case.id).where(*_where(session, actor, flt))
    stmt = _sorted(stmt, sort, descending, actor).offset(offset).limit(limit)
    return list(session.scalars(stmt))


def fetch_rows(
    session: Session, actor: Actor, ids: Sequence[int], *, query: str = ""
) -> dict[int, CaseRow]:
    """Display rows for these ids (those the actor may list); walled ones masked.

    With the `query` of a search, each row (not a masked one) says what matched.
    """
    if not ids:
        return {}
    access.require(session, actor, Action.CASE_LIST)
    children = (
        select(func.count()).where(Child.case_id == Case.id).correlate(Case).scalar_subquery()
    )
    stmt = (
        select(
            Case.id,
            Case.ref,
            Case.line,
            Case.code,
            Case.opened,
            Case.closed,
            User.username,
            Person.kind,
            Person.first_name,
            Person.last_name,
            Person.organisation,
            Person.organisation_type,
            Person.relation,
            Case.country,
            Country.name_nl,
            children,
        )
        .join(User, User.id == Case.handler_id)
        .outerjoin(Person, (Person.case_id == Case.id) & (Person.role == PersonRole.REQUESTER))
        .outerjoin(Country, Country.iso2 == Case.country)
        .where(Case.id.in_(list(ids)), access.visible_cases(session, actor))
    )
    masked = access.masked_case_ids(session, actor, ids)
    in_conflict = walls.conflict_case_ids(session, ids)
    rows: dict[int, CaseRow] = {}
    for r in session.execute(stmt):
        if r.id in masked:
            rows[r.id] = CaseRow(
                id=r.id,
                ref=r.ref,
                line=r.line,
                code=r.code,
                opened=r.opened,
                closed=None,
                handler="",
                requester=MASKED_LABEL,
                requester_kind=None,
                country=None,
                country_name=None,
                children=0,
                masked=True,
                conflict=True,
            )
            continue
        rows[r.id] = CaseRow(
            id=r.id,
            ref=r.ref,
            line=r.line,
            code=r.code,
            opened=r.opened,
            closed=r.closed,
            handler=r.username,
            requester=_requester_label(r),
            requester_kind=r.kind,
            country=r.country,
            country_name=r.name_nl,
            children=int(r[-1] or 0),
            conflict=r.id in in_conflict,
        )
    if query.strip():
        shown = [i for i, row in rows.items() if not row.masked]
        for cid, reasons in search_matches.what_matched(session, shown, query).items():
            rows[cid] = replace(rows[cid], matched=reasons)
    return rows


def _requester_label(r: Any) -> str:
    name = " ".join(p for p in (r.first_name, r.last_name) if p)
    if r.kind is RequesterKind.PROFESSIONAL:
        kind = label(r.organisation_type) if r.organisation_type else "Professional"
        extra = r.organisation or name
        return f"{kind}: {extra}" if extra else kind
    if name:
        return name
    if r.kind is None:
        return ""
    return label(r.kind)


@dataclass(frozen=True)
class SearchResult:
    rows: list[CaseRow]
    more: bool  # more matches than shown
    # Something behind a conflict wall matched what was typed as a whole (never a count).
    behind_wall: bool


@dataclass(frozen=True)
class SearchCounts:
    shown: int  # cases the filtered list shows
    behind_wall: bool  # as SearchResult.behind_wall


def count_search(session: Session, actor: Actor, flt: CaseFilter) -> SearchCounts:
    """The count of a list filtered by search text, and the wall notice; audited with the terms.

    For a case list that shows its matches page by page (`page_ids`): what
    `search` is for a short result list.
    """
    shown = count_cases(session, actor, flt)
    behind_wall = wall_notice.matches_behind_wall(session, actor, flt.text)
    access.record_search(session, actor, flt.text, shown=shown, behind_wall=behind_wall)
    return SearchCounts(shown, behind_wall)


def search(session: Session, actor: Actor, query: str, *, limit: int = 20) -> SearchResult:
    """Cases matching `query` (reference prefix, or names with every word), newest first.

    Matches behind a conflict wall are not returned, and do not count. When
    what was typed names a walled case as a whole (reference, full name,
    surname, child's name: `wall_notice`), `behind_wall` says that something
    matched, so that nobody registers the family a second time unaware; a
    fragment never does. The search is audited with its terms (`search_audit`).
    """
    flt = CaseFilter(text=query)
    ids = page_ids(session, actor, flt, limit=limit + 1)
    rows = fetch_rows(session, actor, ids[:limit], query=query)
    visible = [rows[i] for i in ids[:limit] if i in rows and not rows[i].masked]
    behind_wall = wall_notice.matches_behind_wall(session, actor, query)
    access.record_search(session, actor, query, shown=len(visible), behind_wall=behind_wall)
    return SearchResult(rows=visible, more=len(ids) > limit, behind_wall=behind_wall)
