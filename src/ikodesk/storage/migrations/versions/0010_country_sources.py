"""country sources: where each country's Hague and EU facts come from

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00.000000

Administrators may now correct a country's reference data (party to the 1980
Convention, date in force, EU membership) with a note saying where the new
fact comes from (issue #15, point 9). The note of the reference file
(resources/countries/hague1980_parties.csv) is the starting value.
"""

from __future__ import annotations

import csv

import sqlalchemy as sa
from alembic import op

from ikodesk.resources import resource_path

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE: a batch copy of `countries` fails while cases point at it.
    op.execute("ALTER TABLE countries ADD COLUMN source_note VARCHAR(500)")
    countries = sa.table("countries", sa.column("iso2", sa.String), sa.column("source_note"))
    path = resource_path("countries", "hague1980_parties.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        notes = {r["iso_alpha2"]: r["source_note"][:500] for r in csv.DictReader(fh)}
    update = (
        sa.update(countries)
        .where(countries.c.iso2 == sa.bindparam("code"))
        .values(source_note=sa.bindparam("note"))
    )
    op.get_bind().execute(update, [{"code": k, "note": v} for k, v in sorted(notes.items())])


def downgrade() -> None:
    op.execute("ALTER TABLE countries DROP COLUMN source_note")
