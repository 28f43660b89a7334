"""Alembic environment: always run from code with a connection (see storage.migrate)."""

from __future__ import annotations

from alembic import context

from ikodesk.storage.migrate import include_name

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only programmatic use is supported
    raise RuntimeError("ikodesk migrations run through ikodesk.storage.migrate")

context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
