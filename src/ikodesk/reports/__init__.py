"""ReportLab report builders (annual report, mediation report)."""
