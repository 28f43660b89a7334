"""Exchange format v1 (JSON Lines): import and export.

Import is all or nothing: every line is parsed and checked (types, rules,
references across the whole file and the database) before anything is
written, and the writes happen in the caller's single transaction. The first
problem is reported with its line number, field and expectation. A record
identical to the stored one is counted as unchanged, not refused.

The package is split by job:

- `reading`: bytes to checked JSON objects, one per line (hostile files end
  in a Dutch error naming the line);
- `importing`: the check of every record (`import_lines`, `import_file`);
- `writing`: the bulk writes of the checked records;
- `server_writing`: the same on the office server (new dossiers through the
  server's `ikodesk_import_load`, ids from its sequences);
- `walls`: conflict pairs with their review decisions, walls and openings
  (records of version 1.2), checked and written before the matching runs;
- `unchanged`: recognising a record identical to the stored one;
- `rows`: the table rows of typed records, borrowed by `cases`, the
  mediation workflow and `figures` (with `table_of` for bulk statements);
- `export`: stored records as exchange-format objects and JSON lines.

Callers use the package: `from ikodesk.services import exchange` and
`exchange.import_lines(...)`, `exchange.export_records(...)`.
"""

from ikodesk.services.exchange.export import (
    activity_json,
    case_json,
    contact_json,
    dossier_records,
    export_cases,
    export_file,
    export_mediations,
    export_records,
    historical_json,
    json_line,
    mediation_json,
    mediator_json,
    user_json,
    write_jsonl,
    write_records,
)
from ikodesk.services.exchange.importing import (
    RECORD_TYPES,
    Importer,
    import_file,
    import_lines,
)
from ikodesk.services.exchange.reading import Line, read_lines
from ikodesk.services.exchange.rows import (
    case_row,
    child_row,
    child_values,
    contact_row,
    existing_ids,
    mediation_parent_values,
    mediation_row,
    person_row,
    table_of,
)
from ikodesk.services.exchange.writing import ImportResult, ImportWriter, Progress

__all__ = [
    "RECORD_TYPES",
    "ImportResult",
    "ImportWriter",
    "Importer",
    "Line",
    "Progress",
    "activity_json",
    "case_json",
    "case_row",
    "child_row",
    "child_values",
    "contact_json",
    "contact_row",
    "dossier_records",
    "existing_ids",
    "export_cases",
    "export_file",
    "export_mediations",
    "export_records",
    "historical_json",
    "import_file",
    "import_lines",
    "json_line",
    "mediation_json",
    "mediation_parent_values",
    "mediation_row",
    "mediator_json",
    "person_row",
    "read_lines",
    "table_of",
    "user_json",
    "write_jsonl",
    "write_records",
]
