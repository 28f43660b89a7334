"""The PDF builders by kind, for the use cases in `services.reporting`.

Front-ends do not call a builder themselves: they ask `services.reporting`
(which requires and audits the right action first) and pass the builder
named here.
"""

from __future__ import annotations

from ikodesk.reports.annual import build_annual_report
from ikodesk.reports.dossier import render_dossier
from ikodesk.reports.mediation import build_mediation_report
from ikodesk.services.reporting import Builder, DossierRenderer, ReportKind

BUILDERS: dict[ReportKind, Builder] = {
    ReportKind.ANNUAL: build_annual_report,
    ReportKind.MEDIATION: build_mediation_report,
}
DOSSIER: DossierRenderer = render_dossier
