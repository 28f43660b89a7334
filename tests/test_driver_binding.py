"""What the bulk writes bind reaches SQLite as it did before the fast bindings (issue #16).

storage.driver gives NoneType an adapter of its own (sqlcipher3's adapter look-up
for None is slow) and the import's bulk insert binds enum values as plain str: the
stored values must be the same NULLs and texts.

File-only: what the sqlcipher3 driver binds; the server has its own driver (psycopg).
"""

from __future__ import annotations

from sqlalchemy import text

from ikodesk.models import Contact
from ikodesk.models.enums import CaseCode
from ikodesk.services.exchange.rows import table_of
from ikodesk.services.exchange.writing import _converter
from ikodesk.storage import Database


def test_none_binds_as_null_and_an_enum_as_its_value(db: Database) -> None:
    with db.session() as s:
        conn = s.connection()
        row = conn.exec_driver_sql(
            "SELECT ? IS NULL, typeof(?), typeof(?), ?",
            (None, None, CaseCode.PREVENTION, CaseCode.PREVENTION),
        ).one()
        assert tuple(row) == (1, "null", "text", "prevention")
        # (the adapter answers for None only: other values bind as they always did)
        row = conn.exec_driver_sql("SELECT typeof(?), typeof(?), typeof(?)", (1, 1.5, "x")).one()
        assert tuple(row) == ("integer", "real", "text")


def test_the_bulk_insert_binds_enum_values_as_plain_text(db: Database) -> None:
    convert = _converter(table_of(Contact).c.channel.type)
    assert convert is not None
    value = convert(CaseCode.PREVENTION)
    assert type(value) is str and value == "prevention"
    assert convert("phone") == "phone"
    with db.session() as s:
        assert s.execute(text("SELECT typeof(:v)"), {"v": value}).scalar() == "text"
