"""The use cases of cases and Line 1: the list, the case window, contact moments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from ikodesk.models.enums import Channel, CloseReason, Party
from ikodesk.services import (
    case_contacts,
    case_detail,
    case_facets,
    case_queries,
    cases,
    conflicts,
    registrations,
)
from ikodesk.services.actors import Actor
from ikodesk.services.case_contacts import ContactRow
from ikodesk.services.case_detail import CaseDetail, CaseDossier, CaseStatus
from ikodesk.services.case_facets import HandlerChoice
from ikodesk.services.case_queries import CaseFilter, CaseRow, CaseSort, SearchResult
from ikodesk.services.usecases.base import UseCases
from ikodesk.services.validation import CaseData, FieldProblem, PersonData


class CaseUseCases(UseCases):
    # -- the case list -------------------------------------------------------------------
    def first_page(
        self,
        actor: Actor,
        flt: CaseFilter,
        *,
        sort: CaseSort,
        descending: bool,
        limit: int,
        rows: int,
    ) -> tuple[list[int], dict[int, CaseRow]]:
        """The first `limit` ids in list order, and the display rows of the first `rows`."""

        def run(s: Session) -> tuple[list[int], dict[int, CaseRow]]:
            ids = case_queries.page_ids(
                s, actor, flt, sort=sort, descending=descending, limit=limit
            )
            return ids, case_queries.fetch_rows(s, actor, ids[:rows], query=flt.text)

        return self._run(run)

    def page_ids(
        self,
        actor: Actor,
        flt: CaseFilter,
        *,
        sort: CaseSort,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[int]:
        return self._run(
            case_queries.page_ids,
            actor,
            flt,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
        )

    def rows(self, actor: Actor, ids: Sequence[int], query: str = "") -> dict[int, CaseRow]:
        """Display rows for these ids; an id missing from the answer is gone or not listable.

        With `query` (a search), each row says what matched (services.search_matches)."""
        return self._run(case_queries.fetch_rows, actor, ids, query=query)

    def check_family(
        self, actor: Actor, data: CaseData, case_id: int | None
    ) -> conflicts.FamilyNotice:
        """While typing: does this family match a registered case? (what the wall allows)"""
        return self._run(conflicts.check_family, actor, data, case_id)

    def walled_for(self, actor: Actor, case_id: int) -> bool:
        """Whether the case has come behind a wall for `actor` (the window then closes)."""
        return self._run(cases.walled_for, actor, case_id)

    def count(self, actor: Actor, flt: CaseFilter) -> tuple[int, bool]:
        """How many cases the filter shows, and whether a search named one behind a wall."""

        def run(s: Session) -> tuple[int, bool]:
            if not flt.text.strip():
                return case_queries.count_cases(s, actor, flt), False
            # A search: also whether it named something behind a wall; audited with its terms.
            counts = case_queries.count_search(s, actor, flt)
            return counts.shown, counts.behind_wall

        return self._run(run)

    def search(self, actor: Actor, text: str, *, limit: int = 20) -> SearchResult:
        """Cases by reference or name (audited with its terms), and whether one is walled."""
        return self._run(case_queries.search, actor, text, limit=limit)

    def facets(self, actor: Actor) -> tuple[list[HandlerChoice], list[int]]:
        """The filter choices: the handlers, and the years with cases (newest first)."""

        def run(s: Session) -> tuple[list[HandlerChoice], list[int]]:
            return case_facets.handler_choices(s, actor), case_facets.case_years(s, actor)

        return self._run(run)

    # -- the case window -----------------------------------------------------------------
    def form(
        self, actor: Actor, case_id: int | None
    ) -> tuple[CaseDetail | None, list[HandlerChoice]]:
        """What a case window opens with: its case (None: a new one) and the handlers."""
        return self._run(case_detail.case_form, actor, case_id)

    def detail(self, actor: Actor, case_id: int) -> CaseDetail:
        return self._run(case_detail.case_detail, actor, case_id)

    def dossier(self, actor: Actor, ref: str) -> CaseDossier:
        """A case by reference, in full, with its contacts (the opening is audited)."""
        return self._run(case_detail.dossier, actor, ref)

    def check(self, data: CaseData) -> list[FieldProblem]:
        """The problems of a case record (empty: valid); nothing is stored."""
        return self._run(cases.check_case, data, form=True)

    def store(
        self,
        actor: Actor,
        case_id: int | None,
        data: CaseData,
        expected_version: int | None = None,
    ) -> CaseDetail:
        """Register (`case_id` None) or update a case (refused when saved meanwhile)."""
        return self._run(case_detail.store_case, actor, case_id, data, expected_version)

    def close(self, actor: Actor, case_id: int, day: date, reason: CloseReason) -> CaseStatus:
        return self._run(case_detail.close_case, actor, case_id, day, reason)

    def reopen(self, actor: Actor, case_id: int) -> CaseStatus:
        return self._run(case_detail.reopen_case, actor, case_id)

    # -- contact moments -------------------------------------------------------------------
    def contacts(self, actor: Actor, case_id: int) -> list[ContactRow]:
        """A case's contact moments, newest first."""
        return self._run(case_contacts.load_contacts, actor, case_id)

    def add_contact(
        self,
        actor: Actor,
        case_id: int,
        *,
        at: datetime,
        channel: Channel,
        party: Party,
        minutes: int | None = None,
        summary: str | None = None,
    ) -> int:
        """Add a contact moment; returns the case id."""
        return self._run(
            case_contacts.add_contact,
            actor,
            case_id,
            at=at,
            channel=channel,
            party=party,
            minutes=minutes,
            summary=summary,
        )

    # -- Line 1 --------------------------------------------------------------------------
    def register_line1(
        self,
        actor: Actor,
        *,
        caller: PersonData,
        channel: Channel,
        at: datetime,
        country: str | None = None,
        note: str | None = None,
    ) -> str:
        """Register a Line 1 question (the case and its first contact); returns its reference."""

        def run(s: Session) -> str:
            case = registrations.register_line1(
                s, actor, caller=caller, channel=channel, at=at, country=country, note=note
            )
            return case.ref

        return self._run(run)

    def recent_registrations(self, actor: Actor) -> list[CaseRow]:
        """The Line 1 cases this user registered last, newest first."""
        return self._run(registrations.recent_registrations, actor)
