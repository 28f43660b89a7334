"""Reports: the annual figures and the report PDFs."""
