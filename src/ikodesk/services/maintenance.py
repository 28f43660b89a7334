"""Checking a database for damage: the full check (`ikodesk check`, Beheer) and the quick
part that `ikodesk info` runs. Shows no personal data: only page numbers, counts and
the audit chain's verdict.

Full check:
- the file size is a whole number of pages (a cut-off file is found at once);
- SQLCipher's ``PRAGMA cipher_integrity_check``: the HMAC of every page, so a page
  that was altered, cut off or written with another key is named;
- SQLite's ``PRAGMA integrity_check``: the structure of every table and index;
- the audit chain (services.audit.verify_chain).

Quick part (``info``): the file size, ``PRAGMA quick_check`` (structure without
the index cross-checks) and, for files up to QUICK_CIPHER_LIMIT bytes, the
cipher_integrity_check (it reads and authenticates every page: about a second
per few hundred megabytes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ikodesk.services import access, audit
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, damage
from ikodesk.storage.damage import damage_error
from ikodesk.storage.database import busy_error

__all__ = [
    "CheckReport",
    "busy_error",
    "damage_error",
    "full_check",
    "full_check_as",
    "quick_check",
]

QUICK_CIPHER_LIMIT = 256 * 1024 * 1024
MAX_SHOWN = 5


@dataclass(frozen=True)
class Finding:
    label: str  # Dutch, what was checked
    ok: bool
    detail: str  # Dutch


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    complete: bool  # False for the quick part

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def verdict(self) -> str:
        if self.ok and self.complete:
            return "De database is in orde: alle controles zijn geslaagd."
        if self.ok:
            return "Snelle controle: geen schade gevonden ('ikodesk check' controleert alles)."
        if self.complete:
            return (
                "De database is BESCHADIGD (zie de fouten hierboven). Werk er niet mee verder "
                "en zet een back-up terug: " + damage.BACKUPS_HINT
            )
        return damage.DAMAGED_MESSAGE

    def lines(self) -> list[str]:
        return [f"{f.label}: {'in orde' if f.ok else 'FOUT'}. {f.detail}" for f in self.findings]


def _pragma(db: Database, label: str, pragma: str, clean: set[str]) -> Finding:
    problems = [r for r in damage.pragma_rows(db.engine, pragma) if r not in clean]
    if not problems:
        return Finding(label, True, "Geen fouten gevonden.")
    shown = "; ".join(problems[:MAX_SHOWN])
    more = f" (en {len(problems) - MAX_SHOWN} meer)" if len(problems) > MAX_SHOWN else ""
    count = "1 fout" if len(problems) == 1 else f"{len(problems)} fouten"
    return Finding(label, False, f"{count}: {shown}{more}.")


def _file_size(db: Database) -> Finding:
    label = "Bestandsgrootte"
    problem = damage.file_size_problem(db.path, damage.page_size(db.engine))
    if problem is None:
        return Finding(label, True, "Een geheel aantal pagina's.")
    return Finding(label, False, problem[:1].upper() + problem[1:] + ".")


def _cipher(db: Database) -> Finding:
    return _pragma(
        db, "Versleuteling (HMAC van elke pagina)", "PRAGMA cipher_integrity_check", set()
    )


def _audit_chain(db: Database) -> Finding:
    label = "Auditlog (hashketen)"
    try:
        with db.session() as session:
            chain = audit.verify_chain(session)
    except Exception as exc:
        if not damage.is_damage(exc):
            raise
        return Finding(label, False, "Het auditlog kan niet worden gelezen: beschadigd.")
    if chain.ok:
        return Finding(label, True, f"{chain.entries} vermeldingen, de keten is intact.")
    return Finding(label, False, f"De keten is verbroken: {chain.problem}.")


def full_check_as(db: Database, actor: Actor) -> CheckReport:
    """`full_check` for a logged-in user: administrators only (audited as maintenance)."""
    with db.session() as session:
        access.require(session, actor, access.Action.BACKUP, detail="check")
    return full_check(db)


def full_check(db: Database) -> CheckReport:
    """Every check; takes time in proportion to the size of the database."""
    findings = [
        _file_size(db),
        _cipher(db),
        _pragma(db, "Structuur (integrity_check)", "PRAGMA integrity_check", {"ok"}),
        _audit_chain(db),
    ]
    return CheckReport(tuple(findings), complete=True)


def quick_check(db: Database) -> CheckReport:
    """The fast part, for `info`."""
    findings = [
        _file_size(db),
        _pragma(db, "Structuur (quick_check)", "PRAGMA quick_check", {"ok"}),
    ]
    if os.stat(db.path).st_size <= QUICK_CIPHER_LIMIT:
        findings.append(_cipher(db))
    return CheckReport(tuple(findings), complete=False)
