"""Issue #12, point 1: every report is a use case of `services.reporting`.

The policy and the audit come before the builder runs; the front-ends reach the
builders only through the service (`reports.catalogue`), never directly.

The service tests run on both backends (`backend`: an encrypted file, the office
server), each user as their own login.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ikodesk.errors import AccessDenied, CaseWalled
from ikodesk.models import AuditEntry
from ikodesk.reports.catalogue import BUILDERS, DOSSIER
from ikodesk.services import reporting
from ikodesk.services.reporting import ReportKind
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

SRC = Path(__file__).resolve().parent.parent / "src" / "ikodesk"


def _entries(db: Backend, action: str) -> list[tuple[str, str, str | None, str | None]]:
    with db.inspect() as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return [(e.username, e.result, e.object_ref, e.detail) for e in rows]


@pytest.fixture
def walled(backend: Backend) -> Backend:
    """The mother's case (jdevries) and the father's case (kvisser): a conflict pair."""
    backend.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    return backend


@pytest.mark.parametrize("kind", list(ReportKind))
def test_a_report_is_refused_before_anything_is_built(
    walled: Backend, kind: ReportKind, tmp_path: Path
) -> None:
    calls: list[Any] = []

    def build(data: Any, path: Path, *, progress: Any = None) -> Any:
        calls.append(data)
        raise AssertionError("built without REPORT_PRINT")

    with pytest.raises(AccessDenied):
        jurist = walled.as_("jdevries")
        reporting.make_report(
            jurist.db, jurist.actor, kind, 2024, None, tmp_path / "r.pdf", build=build
        )
    assert calls == [] and not (tmp_path / "r.pdf").exists()
    name = reporting.REPORT_NAMES[kind]
    assert _entries(walled, "report.print") == [("jdevries", "refused", None, f"rol; {name} 2024")]


@pytest.mark.parametrize("kind", list(ReportKind))
def test_a_report_is_audited_and_built_from_the_figures(
    walled: Backend, kind: ReportKind, tmp_path: Path
) -> None:
    admin = walled.as_("beheer")
    made = reporting.make_report(
        admin.db,
        admin.actor,
        kind,
        2024,
        2023,
        tmp_path / "r.pdf",
        build=BUILDERS[kind],
    )
    assert made.path.read_bytes().startswith(b"%PDF") and made.pages >= 1
    name = reporting.REPORT_NAMES[kind]
    assert _entries(walled, "report.print") == [("beheer", "allowed", None, f"{name} 2024")]
    assert {e[1] for e in _entries(walled, "figures.view")} == {"allowed"}


def test_a_report_shows_progress_from_the_first_step(
    walled: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #15, point 8: the bar moves before the figures are computed, never back."""
    seen: list[tuple[str, int]] = []
    computing = reporting.figures.report_figures

    def figures_traced(*args: Any, **kwargs: Any) -> Any:
        seen.append(("figures", -1))
        return computing(*args, **kwargs)

    monkeypatch.setattr(reporting.figures, "report_figures", figures_traced)
    admin = walled.as_("beheer")
    reporting.make_report(
        admin.db,
        admin.actor,
        ReportKind.ANNUAL,
        2024,
        None,
        tmp_path / "r.pdf",
        build=BUILDERS[ReportKind.ANNUAL],
        progress=lambda done, total: seen.append(("progress", done * 100 // total)),
    )
    assert seen[0] == ("progress", 1)  # before the figures, which take seconds
    assert seen[1] == ("figures", -1)
    assert seen[2] == ("progress", reporting.FIGURES_SHARE)
    values = [v for what, v in seen if what == "progress"]
    assert values == sorted(values) and values[-1] == 100
    assert len(values) > 5  # steps while the PDF is made, not one jump


def test_the_dossier_is_printed_through_the_policy(walled: Backend, tmp_path: Path) -> None:
    jurist = walled.as_("jdevries")
    user = jurist.actor
    path = reporting.print_dossier(
        jurist.db, user, F.MOTHER_REF, tmp_path / "d.pdf", render=DOSSIER
    )
    assert path.read_bytes().startswith(b"%PDF")
    with pytest.raises(CaseWalled):
        reporting.print_dossier(jurist.db, user, F.FATHER_REF, tmp_path / "f.pdf", render=DOSSIER)
    assert not (tmp_path / "f.pdf").exists()
    assert [(r, ref) for _u, r, ref, _d in _entries(walled, "case.print")] == [
        ("allowed", F.MOTHER_REF),
        ("refused", F.FATHER_REF),
    ]


BUILDER_MODULES = {"ikodesk.reports.annual", "ikodesk.reports.mediation", "ikodesk.reports.dossier"}


def _front_end_imports() -> list[tuple[str, str]]:
    found = []
    for path in sorted((SRC / "ui").rglob("*.py")) + sorted((SRC / "cli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            found += [(path.name, n) for n in names]
    return found


def test_front_ends_reach_the_builders_only_through_the_service() -> None:
    imports = _front_end_imports()
    direct = [(f, n) for f, n in imports if n in BUILDER_MODULES]
    assert not direct, direct
    users = {f for f, n in imports if n == "ikodesk.reports.catalogue"}
    # The case window's Afdrukken (ui/cases/case_actions.py) names the dossier builder too.
    assert users == {"reports_page.py", "report_cmds.py", "case_cmds.py", "case_actions.py"}
