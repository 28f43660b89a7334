"""Moving an office from an embedded database onto the office server (`server migrate`).

Everything is copied: users (as logins without a password: each sets one, or
the administrator does), cases with their people, children, notes and contact
moments, conflict pairs, walls, review decisions and who has opened what, the
mediation dossiers, activities, published figures, and the audit log with its
search terms. The audit entries keep their numbers and hashes, so the old
chain stays verifiable on the server, which continues it.

The administrator of the file reads it (EXPORT_ALL, audited there); the
administrator of the server loads it through the server's own function, which
refuses once the office server holds cases or an audit log of its own
(storage/server/sql/functions.sql); what `server init` recorded there (its first
administrator) is recorded again after the moved chain. Then every year's
figures are computed on both and compared: the move is only right when they
are equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import Base, Case
from ikodesk.models.enums import Action
from ikodesk.services import access
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.conflicts.profiles import load_profiles
from ikodesk.services.family_match.profile_json import profile_to_json
from ikodesk.services.figure_keys import SCALAR_KEYS
from ikodesk.services.figures.assembling import compute_figures
from ikodesk.services.figures.values import flatten

# The audit log first: its entries keep their numbers, and what the move itself
# records (new logins: the server's trigger) continues the chain after them.
FIRST = ("audit_log", "audit_search_terms")
# Then in the order the foreign keys need; users are matched by name first.
TABLES = (
    "countries",
    "mediators",
    "cases",
    "case_notes",
    "persons",
    "children",
    "contacts",
    "conflict_pairs",
    "wall_claims",
    "case_openings",
    "match_keys",
    "mediations",
    "mediation_parents",
    "mediation_children",
    "child_interviews",
    "mediation_mediators",
    "activities",
    "historical_figures",
    "historical_figure_versions",
    "report_texts",
    # The AVG's records (issue #18): periods, legal holds, the destruction
    # register with what each run anonymised, and the access requests' clocks.
    "retention_periods",
    "legal_holds",
    "destruction_runs",
    "anonymised_cases",
    "anonymised_mediations",
    "access_requests",
)
# Columns that name a user: their ids differ between the two databases. The
# audit log's user_id is not among them: it is part of what its hash covers.
USER_COLUMNS = {
    "cases": ("handler_id", "updated_by"),
    "contacts": ("handler_id",),
    "conflict_pairs": ("decided_by",),
    "wall_claims": ("user_id",),
    "case_openings": ("user_id",),
}
# Settings that belong to the database itself stay the server's own.
OWN_META = frozenset(
    {"database_id", "key_mode", "created", "audit_head", "search_terms_key", "match_index"}
)
BATCH = 2000

NOT_EMPTY = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver heeft al zaken of een auditlog. Een kantoor verhuist naar een net "
    "ingerichte server ('ikodesk server init').",
)
NOT_A_FILE = QT_TRANSLATE_NOOP(
    "services", "Verhuizen gaat van een databasebestand naar de kantoorserver."
)

Progress = Callable[[str, int], None]

FIGURES_DIFFER = QT_TRANSLATE_NOOP(
    "services",
    "De cijfers op de kantoorserver wijken af van die in het bestand ({count} verschillen); "
    "er is niets op de server bewaard.",
)


@dataclass
class MoveReport:
    copied: dict[str, int] = field(default_factory=dict)
    # year -> key -> (value in the file, value on the server)
    figures: dict[int, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    @property
    def differences(self) -> list[tuple[int, str, Any, Any]]:
        return [
            (year, key, a, b)
            for year, values in sorted(self.figures.items())
            for key, (a, b) in values.items()
            if a != b
        ]


class MoveFailed(InputError):
    """The figures differ after the move: the server's transaction is rolled back."""

    def __init__(self, report: MoveReport) -> None:
        super().__init__(FIGURES_DIFFER, count=len(report.differences))
        self.report = report


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _rows(session: Session, table: Table) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns)
    result = session.execute(select(table).order_by(*order)).mappings().yield_per(BATCH)
    for part in result.partitions(BATCH):
        yield [dict(r) for r in part]


def _user_map(source: Session, target: Session) -> dict[int, int]:
    """file user id -> server user id; users missing on the server are added (no password)."""
    server = {
        name: uid for uid, name in target.execute(text("SELECT id, username FROM users")).all()
    }
    mapping: dict[int, int] = {}
    users = Base.metadata.tables["users"]
    for row in source.execute(select(users)).mappings():
        if row["username"] not in server:
            server[row["username"]] = target.execute(
                text(
                    "INSERT INTO users (username, name, role, active, created_at, extra, "
                    "failed_logins) VALUES (:username, :name, :role, :active, :created_at, "
                    "CAST(:extra AS json), 0) RETURNING id"
                ),
                {
                    "username": row["username"],
                    "name": row["name"],
                    "role": _json_value(row["role"]),
                    "active": bool(row["active"]),
                    "created_at": row["created_at"],
                    "extra": json.dumps(row["extra"]) if row["extra"] is not None else None,
                },
            ).scalar_one()
        mapping[row["id"]] = server[row["username"]]
    return mapping


def _load(target: Session, name: str, rows: list[dict[str, Any]]) -> int:
    payload = json.dumps(rows, default=_json_value, ensure_ascii=False)
    loaded = target.execute(
        text("SELECT ikodesk_migrate_load(:t, CAST(:rows AS jsonb))"), {"t": name, "rows": payload}
    ).scalar_one()
    return int(loaded)


def _profiles(source: Session) -> Iterator[list[dict[str, Any]]]:
    """The matching profile of every case, as the server's detection reads them."""
    ids = list(source.scalars(select(Case.id).order_by(Case.id)))
    for i in range(0, len(ids), BATCH):
        found = load_profiles(source, ids[i : i + BATCH])
        yield [{"case_id": cid, "profile": profile_to_json(p)} for cid, p in found.items()]


def move(
    source: Session,
    source_actor: Actor,
    target: Session,
    target_actor: Actor,
    *,
    label: str,
    progress: Progress | None = None,
) -> MoveReport:
    """Copy the office of `source` (a file) onto `target` (a fresh office server).

    Both sessions' transactions are the caller's: commit the target's only when
    the report has no differences.
    """
    if on_server(source) or not on_server(target):
        raise InputError(NOT_A_FILE)
    access.require(source, source_actor, Action.EXPORT_ALL, detail=f"verhuisd naar {label}")
    access.require(target, target_actor, Action.IMPORT, detail="kantoor verhuisd naar de server")
    cases_here = target.scalar(select(func.count()).select_from(Case))
    # What `server init` recorded (its first administrator) does not count: the
    # server's move functions set it aside and record it after the moved chain.
    audit_here = target.scalar(
        text("SELECT count(*) FROM audit_log a WHERE NOT ikodesk_is_setup_entry(a)")
    )
    if cases_here or audit_here:
        raise InputError(NOT_EMPTY)
    target.execute(text("SELECT ikodesk_migrate_begin()"))
    report = MoveReport()
    for name in FIRST:
        report.copied[name] = _copy_table(source, target, name, {}, progress)
    users = _user_map(source, target)
    report.copied["users"] = len(users)
    for name in TABLES:
        report.copied[name] = _copy_table(source, target, name, users, progress)
        if name == "match_keys":
            report.copied["match_profiles"] = sum(
                _load(target, "match_profiles", rows) for rows in _profiles(source) if rows
            )
    _copy_settings(source, target)
    source_id = str(source.scalar(text("SELECT value FROM meta WHERE key = 'database_id'")))
    terms_key = source.scalar(text("SELECT value FROM meta WHERE key = 'search_terms_key'"))
    target.execute(text("SELECT ikodesk_migrate_finish(:s, :k)"), {"s": source_id, "k": terms_key})
    report.figures = compare_figures(source, source_actor, target, target_actor)
    return report


def _copy_table(
    source: Session, target: Session, name: str, users: dict[int, int], progress: Progress | None
) -> int:
    """One table's rows, user ids translated, in batches; returns how many were loaded."""
    table = Base.metadata.tables.get(name)
    if table is None:
        return 0
    remap = USER_COLUMNS.get(name, ())
    total = 0
    for rows in _rows(source, table):
        for row in rows:
            for column in remap:
                if row.get(column) is not None:
                    row[column] = users[row[column]]
        total += _load(target, name, rows)
        if progress is not None:
            progress(name, total)
    return total


def _copy_settings(source: Session, target: Session) -> None:
    for key, value in source.execute(text("SELECT key, value FROM meta")).all():
        if key in OWN_META:
            continue
        target.execute(
            text(
                "INSERT INTO meta (key, value) VALUES (:k, :v) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {"k": key, "v": value},
        )


def years_of(session: Session) -> list[int]:
    opened = session.execute(select(func.min(Case.opened), func.max(Case.opened))).one()
    if opened[0] is None:
        return []
    return list(range(opened[0].year, opened[1].year + 1))


def compare_figures(
    source: Session, source_actor: Actor, target: Session, target_actor: Actor
) -> dict[int, dict[str, tuple[Any, Any]]]:
    """Every year's scalar figures on both databases, side by side."""
    out: dict[int, dict[str, tuple[Any, Any]]] = {}
    for year in years_of(source):
        a = flatten(compute_figures(source, source_actor, year))
        b = flatten(compute_figures(target, target_actor, year))
        out[year] = {key: (a.get(key), b.get(key)) for key in _keys(a, b)}
    return out


def _keys(*flats: dict[str, Any]) -> Iterable[str]:
    seen = [k for k in SCALAR_KEYS if any(k in f for f in flats)]
    return seen
