"""case clock dates: the dates that start the Hague and Brussels IIb clocks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00.000000

Exchange format 1.1 (issue #17): four nullable dates on `cases` (removal,
proceedings started, first-instance decision, appeal ready) and the court
hearing on `mediations`; existing rows get none, so no clock starts for them.

The countries learn which states acceded to the 1980 Convention (Art. 38) and
the date the Netherlands deposited its declaration accepting each accession,
from resources/countries/hague1980_nl_acceptances.csv. The file lists every
acceding state; a Dutch acceptance date is filled in only where it was
established (none yet: a jurist must check them), so the Art. 35 check says
"onbekend" for an acceding state without one rather than guessing.
"""

from __future__ import annotations

import csv
from datetime import date

import sqlalchemy as sa
from alembic import op

from ikodesk.resources import resource_path

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CASE_DATES = ("removal_date", "proceedings_started", "decision_first_instance", "appeal_ready")


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite and PostgreSQL alike): a batch operation would copy and
    # drop `countries`, which the cases' foreign keys refuse once cases exist.
    for name in CASE_DATES:
        op.add_column("cases", sa.Column(name, sa.Date(), nullable=True))
    op.add_column("mediations", sa.Column("court_hearing", sa.Date(), nullable=True))
    op.add_column(
        "countries",
        sa.Column("hague_acceded", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("countries", sa.Column("hague_nl_acceptance", sa.Date(), nullable=True))
    _seed_acceptances()


def _seed_acceptances() -> None:
    countries = sa.table(
        "countries",
        sa.column("iso2", sa.String),
        sa.column("hague_acceded", sa.Boolean),
        sa.column("hague_nl_acceptance", sa.Date),
    )
    path = resource_path("countries", "hague1980_nl_acceptances.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            accepted = row["nl_acceptance_deposit"]
            op.execute(
                countries.update()
                .where(countries.c.iso2 == row["iso_alpha2"])
                .values(
                    hague_acceded=True,
                    hague_nl_acceptance=date.fromisoformat(accepted) if accepted else None,
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("countries", schema=None) as batch_op:
        batch_op.drop_column("hague_nl_acceptance")
        batch_op.drop_column("hague_acceded")
    with op.batch_alter_table("mediations", schema=None) as batch_op:
        batch_op.drop_column("court_hearing")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in reversed(CASE_DATES):
            batch_op.drop_column(name)
