"""dutch source notes: the shipped country notes in Dutch, like everything users read

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 18:30:00.000000

The reference file's notes on where each country's Hague and EU facts come from
were in English, and Beheer > Referentiegegevens showed them so. The file now
carries them in Dutch (`source_note`) beside the original (`source_note_en`).
A note still equal to the shipped English text becomes the Dutch one; a note an
administrator wrote is left as it is.
"""

from __future__ import annotations

import csv

import sqlalchemy as sa
from alembic import op

from ikodesk.resources import resource_path

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _notes() -> list[dict[str, str]]:
    path = resource_path("countries", "hague1980_parties.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {"code": r["iso_alpha2"], "nl": r["source_note"][:500], "en": r["source_note_en"][:500]}
            for r in csv.DictReader(fh)
        ]


def _swap(to: str, from_: str) -> None:
    countries = sa.table("countries", sa.column("iso2", sa.String), sa.column("source_note"))
    update = (
        sa.update(countries)
        .where(countries.c.iso2 == sa.bindparam("code"))
        .where(countries.c.source_note == sa.bindparam("old"))
        .values(source_note=sa.bindparam("new"))
    )
    rows = [{"code": n["code"], "old": n[from_], "new": n[to]} for n in _notes()]
    op.get_bind().execute(update, rows)


def upgrade() -> None:
    _swap("nl", "en")


def downgrade() -> None:
    _swap("en", "nl")
